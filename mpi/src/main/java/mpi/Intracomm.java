package mpi;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    private Intracomm(Communicator comm, int[] members, int worldRank) {
        super(comm, members, worldRank);
    }

    /** A copy with the same ranks in the same order and a context of its own. Collective. */
    public Intracomm dup() throws MPIException {
        return call(c -> wrap(c.split(0, c.rank()), members()));
    }

    /**
     * A communicator of {@code group}'s processes, in the group's order; null on a rank outside it.
     * Collective over this communicator, with the same group everywhere.
     */
    public final Intracomm create(Group group) throws MPIException {
        return call(c -> {
            int rank = group.getRank();
            Communicator part = c.split(rank == MPI.UNDEFINED ? -1 : 0, rank);
            return part == null ? null : wrap(part, group.members().clone());
        });
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
            return part == null ? null : wrap(part, membersOf(part));
        });
    }

    /** A Cartesian topology: not supported, see {@link CartComm}. */
    public final CartComm createCart(int[] dims, boolean[] periods, boolean reorder) throws MPIException {
        throw unsupported("Cartesian topologies (createCart)");
    }

    /** A graph topology: not supported, see {@link GraphComm}. */
    public final GraphComm createGraph(int[] index, int[] edges, boolean reorder) throws MPIException {
        throw unsupported("graph topologies (createGraph)");
    }

    /** Starting processes: not supported, see {@link Intercomm}. */
    public final Intercomm spawn(String command, String[] argv, int maxprocs, Info info, int root, int[] errcodes)
            throws MPIException {
        throw unsupported("dynamic processes (spawn)");
    }

    /** Accepting a connection: not supported, see {@link Intercomm}. */
    public final Intercomm accept(String port, int root) throws MPIException {
        throw unsupported("dynamic processes (accept)");
    }

    /** Connecting to a port: not supported, see {@link Intercomm}. */
    public final Intercomm connect(String port, int root) throws MPIException {
        throw unsupported("dynamic processes (connect)");
    }

    /** Rank r's {@code recvbuf} receives the reduction of ranks 0 to r's {@code sendbuf}, in rank order. */
    public final void scan(Object sendbuf, Object recvbuf, int count, Datatype type, Op op) throws MPIException {
        prefix(sendbuf, recvbuf, count, type, op, true);
    }

    /** In place: {@code buf} is this rank's contribution and receives its prefix. */
    public final void scan(Object buf, int count, Datatype type, Op op) throws MPIException {
        prefix(buf, buf, count, type, op, true);
    }

    /**
     * Rank r's {@code recvbuf} receives the reduction of ranks 0 to r - 1's {@code sendbuf}; rank 0's
     * is left as it was (MPI leaves it undefined).
     */
    public final void exScan(Object sendbuf, Object recvbuf, int count, Datatype type, Op op) throws MPIException {
        prefix(sendbuf, recvbuf, count, type, op, false);
    }

    /** In place: {@code buf} is this rank's contribution and receives the prefix before it. */
    public final void exScan(Object buf, int count, Datatype type, Op op) throws MPIException {
        prefix(buf, buf, count, type, op, false);
    }

    /** Starts {@link #scan(Object, Object, int, Datatype, Op)} on direct buffers. */
    public final Request iScan(Buffer sendbuf, Buffer recvbuf, int count, Datatype type, Op op) throws MPIException {
        return startPrefix(sendbuf, recvbuf, count, type, op, true);
    }

    /** Starts the in-place {@link #scan(Object, int, Datatype, Op)}. */
    public final Request iScan(Buffer buf, int count, Datatype type, Op op) throws MPIException {
        return startPrefix(buf, buf, count, type, op, true);
    }

    /** Starts {@link #exScan(Object, Object, int, Datatype, Op)} on direct buffers. */
    public final Request iExScan(Buffer sendbuf, Buffer recvbuf, int count, Datatype type, Op op) throws MPIException {
        return startPrefix(sendbuf, recvbuf, count, type, op, false);
    }

    /** Starts the in-place {@link #exScan(Object, int, Datatype, Op)}. */
    public final Request iExScan(Buffer buf, int count, Datatype type, Op op) throws MPIException {
        return startPrefix(buf, buf, count, type, op, false);
    }

    private Request startPrefix(Buffer sendbuf, Buffer recvbuf, int count, Datatype type, Op op, boolean inclusive)
            throws MPIException {
        return request(c -> {
            ByteBuffer send = StartedCollectives.at(sendbuf, count, type);
            ByteBuffer recv = sendbuf == recvbuf ? send : StartedCollectives.at(recvbuf, count, type);
            return StartedCollectives.prefix(c, send, recv, count, type, op, inclusive);
        });
    }

    private void prefix(Object sendbuf, Object recvbuf, int count, Datatype type, Op op, boolean inclusive)
            throws MPIException {
        run(c -> {
            ByteBuffer send = Data.in(sendbuf, count, type);
            ByteBuffer recv = sendbuf == recvbuf ? send : Data.in(recvbuf, count, type);
            Reductions.prefix(c, send, recv, count, type, op, inclusive);
            Data.out(recv, recvbuf, count, type);
        });
    }

    /** Each rank of {@code part}'s rank in COMM_WORLD, which its ranks tell each other. */
    private int[] membersOf(Communicator part) {
        ByteBuffer mine = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putInt(0, worldRank());
        ByteBuffer all = ByteBuffer.allocateDirect(4 * part.size()).order(ByteOrder.nativeOrder());
        part.allGather(mine, all);
        int[] out = new int[part.size()];
        all.asIntBuffer().get(out);
        return out;
    }

    /** A new communicator over {@code part} with this one's error handler. */
    private Intracomm wrap(Communicator part, int[] members) throws MPIException {
        Intracomm comm = new Intracomm(part, members, worldRank());
        comm.setErrhandler(getErrhandler());
        return comm;
    }
}
