package mpi;

import org.jccl.Communicator;

/**
 * The checks every call makes of its arguments before it moves anything, each failing with MPI's
 * error class for the misuse: a rank, root or tag out of range, counts that do not add up, a block
 * sent that is not the block received.
 */
final class Arguments {
    private Arguments() {
    }

    /** A send's destination rank and tag. */
    static void destination(Communicator c, int dest, int tag) throws MPIException {
        peer(c, dest, "destination");
        tag(tag);
    }

    /** A receive's source rank and tag. */
    static void source(Communicator c, int source, int tag) throws MPIException {
        peer(c, source, "source");
        tag(tag);
    }

    /** A receive's or probe's source rank (or {@link MPI#ANY_SOURCE}) and tag (or {@link MPI#ANY_TAG}). */
    static void anySource(Communicator c, int source, int tag) throws MPIException {
        if (source != MPI.ANY_SOURCE) {
            peer(c, source, "source");
        }
        if (tag != MPI.ANY_TAG) {
            tag(tag);
        }
    }

    private static void peer(Communicator c, int peer, String what) throws MPIException {
        if (peer < 0 || peer >= c.size()) {
            throw new MPIException(MPI.ERR_RANK, what + " rank " + peer + " is not in 0.." + (c.size() - 1), null);
        }
    }

    /** A root in this communicator. */
    static void root(Communicator c, int root) throws MPIException {
        if (root < 0 || root >= c.size()) {
            throw new MPIException(MPI.ERR_ROOT, "root " + root + " is not in 0.." + (c.size() - 1), null);
        }
    }

    /** Checks {@code root}; at the root, also that a block sent is a block received. Whether this rank is the root. */
    static boolean atRoot(Communicator c, int root, int sendcount, Datatype sendtype, int recvcount,
                          Datatype recvtype) throws MPIException {
        root(c, root);
        if (c.rank() != root) {
            return false;
        }
        sameBlock(sendcount, sendtype, recvcount, recvtype);
        return true;
    }

    private static void tag(int tag) throws MPIException {
        if (tag < 0) {
            throw new MPIException(MPI.ERR_TAG, "tag " + tag + " is negative", null);
        }
    }

    /** MPI's type-signature rule, in bytes: a block sent is exactly a block received. */
    static void sameBlock(int sendcount, Datatype sendtype, int recvcount, Datatype recvtype) throws MPIException {
        long send = (long) sendcount * sendtype.baseSize();
        long recv = (long) recvcount * recvtype.baseSize();
        if (send > recv) {
            throw new MPIException(MPI.ERR_TRUNCATE, "a block of " + send + " B does not fit the receive block of " + recv + " B", null);
        }
        if (send < recv) {
            throw new MPIException(MPI.ERR_COUNT, "a block of " + send + " B is shorter than the receive block of " + recv + " B", null);
        }
    }

    /** The sum of {@code counts}, which must hold one non-negative count per rank. */
    static int total(Communicator c, int[] counts) throws MPIException {
        if (counts == null || counts.length != c.size()) {
            throw new MPIException(MPI.ERR_COUNT, "the counts must hold one entry per rank (" + c.size() + ")", null);
        }
        long total = 0;
        for (int n : counts) {
            if (n < 0) {
                throw new MPIException(MPI.ERR_COUNT, "count " + n + " is negative", null);
            }
            total += n;
        }
        if (total > Integer.MAX_VALUE) {
            throw new MPIException(MPI.ERR_COUNT, "the counts add up to more than 2^31 - 1 elements", null);
        }
        return (int) total;
    }
}
