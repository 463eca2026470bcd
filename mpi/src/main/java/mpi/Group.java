package mpi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An ordered set of processes: a communicator's ({@link Comm#getGroup}), or one made from others
 * by {@link #incl}, {@link #excl}, the range forms and the set operations. Processes are named by
 * their rank in {@link MPI#COMM_WORLD}. Every call is local; {@link Intracomm#create} makes a
 * communicator of a group. As in Open MPI, except that a group is a value: {@link #free} only
 * marks it null.
 */
public final class Group {
    /** Each group rank's rank in COMM_WORLD. */
    private final int[] members;
    /** This process's rank in COMM_WORLD, or -1 where not known. */
    private final int self;
    private boolean freed;

    Group(int[] members, int self) {
        this.members = members;
        this.self = self;
    }

    /** Each group rank's rank in COMM_WORLD. */
    int[] members() {
        return members;
    }

    /** The number of processes. */
    public int getSize() throws MPIException {
        return members.length;
    }

    /** This process's rank in the group, or {@link MPI#UNDEFINED} when it is not a member. */
    public int getRank() throws MPIException {
        return indexOf(self);
    }

    /** Marks the group null; groups hold no resources here. */
    public void free() throws MPIException {
        freed = true;
    }

    /** Whether the group was freed. */
    public boolean isNull() {
        return freed;
    }

    private int indexOf(int world) {
        for (int i = 0; i < members.length; i++) {
            if (members[i] == world) {
                return i;
            }
        }
        return MPI.UNDEFINED;
    }

    private boolean contains(int world) {
        return indexOf(world) != MPI.UNDEFINED;
    }

    /** The ranks in {@code group2} of the processes with ranks {@code ranks1} in {@code group1} ({@link MPI#UNDEFINED} for none). */
    public static int[] translateRanks(Group group1, int[] ranks1, Group group2) throws MPIException {
        int[] out = new int[ranks1.length];
        for (int i = 0; i < ranks1.length; i++) {
            int r = ranks1[i];
            out[i] = r == MPI.PROC_NULL ? MPI.PROC_NULL : group2.indexOf(group1.member(r));
        }
        return out;
    }

    /** {@link MPI#IDENT} for the same processes in the same order, {@link MPI#SIMILAR} in another order, else {@link MPI#UNEQUAL}. */
    public static int compare(Group group1, Group group2) throws MPIException {
        if (Arrays.equals(group1.members, group2.members)) {
            return MPI.IDENT;
        }
        int[] a = group1.members.clone();
        int[] b = group2.members.clone();
        Arrays.sort(a);
        Arrays.sort(b);
        return Arrays.equals(a, b) ? MPI.SIMILAR : MPI.UNEQUAL;
    }

    /** {@code group1}'s processes, then those of {@code group2} not in it. */
    public static Group union(Group group1, Group group2) throws MPIException {
        List<Integer> out = list(group1.members);
        for (int m : group2.members) {
            if (!group1.contains(m)) {
                out.add(m);
            }
        }
        return group1.derived(out);
    }

    /** {@code group1}'s processes that are also in {@code group2}, in {@code group1}'s order. */
    public static Group intersection(Group group1, Group group2) throws MPIException {
        List<Integer> out = new ArrayList<>();
        for (int m : group1.members) {
            if (group2.contains(m)) {
                out.add(m);
            }
        }
        return group1.derived(out);
    }

    /** {@code group1}'s processes that are not in {@code group2}, in {@code group1}'s order. */
    public static Group difference(Group group1, Group group2) throws MPIException {
        List<Integer> out = new ArrayList<>();
        for (int m : group1.members) {
            if (!group2.contains(m)) {
                out.add(m);
            }
        }
        return group1.derived(out);
    }

    /** The processes with {@code ranks} here, in that order. */
    public Group incl(int[] ranks) throws MPIException {
        List<Integer> out = new ArrayList<>();
        for (int r : distinct(ranks)) {
            out.add(member(r));
        }
        return derived(out);
    }

    /** The processes here except those with {@code ranks}, in this group's order. */
    public Group excl(int[] ranks) throws MPIException {
        boolean[] drop = new boolean[members.length];
        for (int r : distinct(ranks)) {
            drop[r] = true;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < members.length; i++) {
            if (!drop[i]) {
                out.add(members[i]);
            }
        }
        return derived(out);
    }

    /** {@link #incl} of the ranks that triplets {first, last, stride} name. */
    public Group rangeIncl(int[][] ranges) throws MPIException {
        return incl(expand(ranges));
    }

    /** {@link #excl} of the ranks that triplets {first, last, stride} name. */
    public Group rangeExcl(int[][] ranges) throws MPIException {
        return excl(expand(ranges));
    }

    private int member(int rank) throws MPIException {
        if (rank < 0 || rank >= members.length) {
            throw new MPIException(MPI.ERR_RANK, "rank " + rank + " is not in the group of " + members.length, null);
        }
        return members[rank];
    }

    private int[] distinct(int[] ranks) throws MPIException {
        boolean[] seen = new boolean[members.length];
        for (int r : ranks) {
            member(r);
            if (seen[r]) {
                throw new MPIException(MPI.ERR_RANK, "rank " + r + " is named twice", null);
            }
            seen[r] = true;
        }
        return ranks;
    }

    private static int[] expand(int[][] ranges) throws MPIException {
        List<Integer> out = new ArrayList<>();
        for (int[] t : ranges) {
            if (t.length != 3 || t[2] == 0) {
                throw new MPIException(MPI.ERR_ARG, "a range is {first, last, stride} with a stride other than 0", null);
            }
            for (int r = t[0]; t[2] > 0 ? r <= t[1] : r >= t[1]; r += t[2]) {
                out.add(r);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private Group derived(List<Integer> worldRanks) {
        return new Group(worldRanks.stream().mapToInt(Integer::intValue).toArray(), self);
    }

    private static List<Integer> list(int[] a) {
        List<Integer> out = new ArrayList<>();
        for (int x : a) {
            out.add(x);
        }
        return out;
    }
}
