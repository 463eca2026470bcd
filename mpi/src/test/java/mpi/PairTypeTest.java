package mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MINLOC and MAXLOC on every pair type, in direct buffers and byte arrays, with ties going to the lower index. */
class PairTypeTest {
    /** Rank r's value at element i: peaks at rank (i % ranks) for MAXLOC, dips there for MINLOC. */
    private static int value(int rank, int i, int ranks) {
        return rank == i % ranks ? 100 : i == 2 ? 50 : rank;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void minlocAndMaxlocFindTheValueAndItsRank(int ranks) {
        CommTest.onRanks(ranks, "inproc", w -> {
            int me = w.getRank();
            int n = w.getSize();
            int count = 3;
            // element 2 ties everywhere except at rank 2 % n: the lowest rank among equals wins
            ByteBuffer di = MPI.newByteBuffer(count * MPI.doubleInt.getExtent());
            byte[] ii = new byte[count * MPI.int2.getExtent()];
            ByteBuffer li = ByteBuffer.allocate(count * MPI.longInt.getExtent());
            ByteBuffer si = MPI.newByteBuffer(count * MPI.shortInt.getExtent());
            ByteBuffer fi = MPI.newByteBuffer(count * MPI.floatInt.getExtent());
            for (int i = 0; i < count; i++) {
                int v = value(me, i, n);
                DoubleInt.Data d = MPI.doubleInt.getData(di, i);
                d.putValue(v + 0.25);
                d.putIndex(me);
                Int2.Data x = MPI.int2.getData(ii, i);
                x.putValue(v);
                x.putIndex(me);
                LongInt.Data l = MPI.longInt.getData(li, i);
                l.putValue(-v * 1_000_000_000_000L);
                l.putIndex(me);
                ShortInt.Data sh = MPI.shortInt.getData(si, i);
                sh.putValue((short) -v);
                sh.putIndex(me);
                FloatInt.Data f = MPI.floatInt.getData(fi, i);
                f.putValue(v);
                f.putIndex(me);
            }
            w.allReduce(di, count, MPI.DOUBLE_INT, MPI.MAXLOC);
            w.allReduce(ii, count, MPI.INT2, MPI.MAXLOC);
            w.allReduce(li, count, MPI.LONG_INT, MPI.MINLOC);
            w.iAllReduce(si, count, MPI.SHORT_INT, MPI.MINLOC).waitFor();
            w.iAllReduce(fi, count, MPI.FLOAT_INT, MPI.MAXLOC).waitFor();
            for (int i = 0; i < count; i++) {
                int winner = n == 1 ? 0 : i % n;
                double best = n == 1 ? value(0, i, 1) : 100;
                String at = "element " + i + " of " + n + " ranks";
                DoubleInt.Data d = MPI.doubleInt.getData(di, i);
                Int2.Data x = MPI.int2.getData(ii, i);
                LongInt.Data l = MPI.longInt.getData(li, i);
                ShortInt.Data sh = MPI.shortInt.getData(si, i);
                FloatInt.Data f = MPI.floatInt.getData(fi, i);
                assertEquals(best + 0.25, d.getValue(), at);
                assertEquals(winner, d.getIndex(), at);
                assertEquals((int) best, x.getValue(), at);
                assertEquals(winner, x.getIndex(), at);
                assertEquals((long) -best * 1_000_000_000_000L, l.getValue(), at);
                assertEquals(winner, l.getIndex(), at);
                assertEquals((short) -best, sh.getValue(), at);
                assertEquals(winner, sh.getIndex(), at);
                assertEquals((float) best, f.getValue(), at);
                assertEquals(winner, f.getIndex(), at);
            }
            // ties: every rank holds the same value, so rank 0's index wins
            ByteBuffer tie = MPI.newByteBuffer(MPI.int2.getExtent());
            Int2.Data t = MPI.int2.getData(tie);
            t.putValue(7);
            t.putIndex(n - 1 - me);
            w.allReduce(tie, 1, MPI.INT2, MPI.MINLOC);
            assertEquals(0, t.getIndex());
            assertEquals(2, MPI.INT2.getSize() / 4);
            assertEquals(12, MPI.DOUBLE_INT.getSize());
            assertEquals(16, MPI.DOUBLE_INT.getExtent());
            MPIException notPairs = assertThrows(MPIException.class, () -> w.allReduce(new int[2], 2, MPI.INT, MPI.MAXLOC));
            assertEquals(MPI.ERR_OP, notPairs.getErrorClass());
            MPIException sumOfPairs = assertThrows(MPIException.class,
                    () -> w.allReduce(MPI.newByteBuffer(16), 1, MPI.DOUBLE_INT, MPI.SUM));
            assertEquals(MPI.ERR_OP, sumOfPairs.getErrorClass());
        });
    }
}
