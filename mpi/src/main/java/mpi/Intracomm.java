package mpi;

import org.jccl.Communicator;

/**
 * An intra-communicator: {@link MPI#COMM_WORLD}, {@link MPI#COMM_SELF} and what {@link #split} and
 * {@link #dup} make of them.
 */
public class Intracomm extends Comm {
    Intracomm() {
    }

    Intracomm(Communicator comm) {
        super(comm);
    }

    /** A copy with the same ranks in the same order and a context of its own. Collective. */
    public Intracomm dup() throws MPIException {
        return call(c -> wrap(c.split(0, c.rank())));
    }

    /**
     * Ranks with the same {@code colour} form a new communicator, ordered by {@code key} (then by
     * their rank here); a rank whose colour is {@link MPI#UNDEFINED} joins none and gets null.
     * Collective.
     */
    public final Intracomm split(int colour, int key) throws MPIException {
        return call(c -> {
            if (colour < 0 && colour != MPI.UNDEFINED) {
                throw new MPIException(MPI.ERR_ARG, "colour " + colour + " is negative and not MPI.UNDEFINED", null);
            }
            Communicator part = c.split(colour == MPI.UNDEFINED ? -1 : colour, key);
            return part == null ? null : wrap(part);
        });
    }

    /** A new communicator over {@code part} with this one's error handler. */
    private Intracomm wrap(Communicator part) throws MPIException {
        Intracomm comm = new Intracomm(part);
        comm.setErrhandler(getErrhandler());
        return comm;
    }
}
