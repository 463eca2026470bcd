package mpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Groups: made from communicators and from each other, translated, compared, and made into communicators. */
class GroupTest {
    @Test
    void groupsFromCommunicatorsAndFromEachOther() {
        CommTest.onRanks(5, "inproc", w -> {
            int me = w.getRank();
            Group all = w.getGroup();
            assertEquals(5, all.getSize());
            assertEquals(me, all.getRank());
            Group odd = all.incl(new int[] {3, 1});
            assertEquals(2, odd.getSize());
            assertEquals(me == 3 ? 0 : me == 1 ? 1 : MPI.UNDEFINED, odd.getRank());
            Group even = all.rangeIncl(new int[][] {{4, 0, -2}});
            assertArrayEquals(new int[] {2, MPI.UNDEFINED, 0, MPI.PROC_NULL},
                    Group.translateRanks(all, new int[] {0, 1, 4, MPI.PROC_NULL}, even));
            assertEquals(MPI.SIMILAR, Group.compare(all.excl(new int[] {0, 2, 4}), odd));
            assertEquals(MPI.IDENT, Group.compare(all.rangeExcl(new int[][] {{0, 4, 2}}), all.incl(new int[] {1, 3})));
            assertEquals(MPI.UNEQUAL, Group.compare(odd, even));
            assertEquals(5, Group.union(odd, even).getSize());
            assertEquals(0, Group.intersection(odd, even).getSize());
            assertEquals(3, Group.difference(all, odd).getSize());
            assertEquals(0, MPI.GROUP_EMPTY.getSize());
            MPIException twice = assertThrows(MPIException.class, () -> all.incl(new int[] {1, 1}));
            assertEquals(MPI.ERR_RANK, twice.getErrorClass());

            // a communicator of the even ranks, in the group's order (4, 2, 0)
            Intracomm evens = w.create(even);
            if (me % 2 == 1) {
                assertNull(evens);
            } else {
                assertEquals(3, evens.getSize());
                assertEquals((4 - me) / 2, evens.getRank());
                int[] sum = {me};
                evens.allReduce(sum, 1, MPI.INT, MPI.SUM);
                assertEquals(6, sum[0]);
                assertEquals(MPI.IDENT, Group.compare(evens.getGroup(), even));
                evens.free();
            }
            // split knows its members' world ranks; dup is congruent, a reversed split similar
            Intracomm reversed = w.split(0, -me);
            assertEquals(4 - me, reversed.getRank());
            assertEquals(MPI.SIMILAR, Comm.compare(w, reversed));
            assertEquals(MPI.CONGRUENT, Comm.compare(w, w.dup()));
            assertEquals(MPI.IDENT, Comm.compare(w, w));
            Intracomm half = w.split(me % 2, me);
            int[] world = Group.translateRanks(half.getGroup(), new int[] {0}, all);
            assertEquals(me % 2, world[0]);
            assertTrue(Comm.compare(w, half) == MPI.UNEQUAL);
        });
    }
}
