package mpi;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jccl.Communicator;
import org.jccl.Envelope;
import org.jccl.JcclException;

/**
 * A communicator: point-to-point calls and collectives on Java arrays and direct buffers, with
 * Open MPI's signatures, on a jccl {@link Communicator}. Every failure goes to the communicator's
 * {@link Errhandler}: by default the error is printed and the job ends on every rank; with
 * {@link MPI#ERRORS_RETURN} the call throws {@link MPIException}.
 *
 * <p>Point-to-point calls go through jccl's {@link org.jccl.Mailbox}, which matches as MPI does.
 * Where this differs from Open MPI: collectives need the same amount of data on both sides of each
 * block, as MPI's type-signature rule asks anyway.
 */
public class Comm {
    /** The API classes, whose outermost frame on the stack is the call the program made. */
    private static final Set<String> API = Set.of("mpi.Comm", "mpi.Intracomm", "mpi.Request", "mpi.Prequest",
            "mpi.Message", "mpi.MPI", "mpi.Group");

    private volatile Communicator comm;
    private volatile Errhandler errhandler = MPI.ERRORS_ARE_FATAL;
    /** Each rank's rank in COMM_WORLD, for {@link #getGroup}. */
    private volatile int[] members;
    /** This process's rank in COMM_WORLD. */
    private volatile int worldRank;

    Comm() {
    }

    /** A communicator that is its own world (ranks as threads, say). */
    Comm(Communicator comm) {
        this(comm, identity(comm.size()), comm.rank());
    }

    Comm(Communicator comm, int[] members, int worldRank) {
        attach(comm, members, worldRank);
    }

    final void attach(Communicator c, int[] members, int worldRank) {
        this.members = members;
        this.worldRank = worldRank;
        this.comm = c;
    }

    static int[] identity(int size) {
        int[] ranks = new int[size];
        for (int i = 0; i < size; i++) {
            ranks[i] = i;
        }
        return ranks;
    }

    /** Each rank's rank in COMM_WORLD. */
    final int[] members() {
        return members;
    }

    /** This process's rank in COMM_WORLD. */
    final int worldRank() {
        return worldRank;
    }

    /** The communicator's processes, in rank order. Local. */
    public final Group getGroup() throws MPIException {
        live();
        return new Group(members.clone(), worldRank);
    }

    final void detach() {
        Communicator c = comm;
        comm = null;
        if (c != null) {
            c.close();
        }
    }

    /** The jccl communicator underneath, for a program that mixes both APIs. */
    public final Communicator jccl() throws MPIException {
        return live();
    }

    /** The number of ranks. */
    public final int getSize() throws MPIException {
        return live().size();
    }

    /** This rank's number, 0 to {@code getSize() - 1}. */
    public final int getRank() throws MPIException {
        return live().rank();
    }

    /**
     * {@link MPI#IDENT} for the same communicator, {@link MPI#CONGRUENT} for the same processes in
     * the same order, {@link MPI#SIMILAR} in another order, else {@link MPI#UNEQUAL}.
     */
    public static int compare(Comm comm1, Comm comm2) throws MPIException {
        if (comm1 == comm2) {
            return MPI.IDENT;
        }
        int groups = Group.compare(comm1.getGroup(), comm2.getGroup());
        return groups == MPI.IDENT ? MPI.CONGRUENT : groups;
    }

    /** Whether this communicator is freed (or not yet made). */
    public final boolean isNull() {
        return comm == null;
    }

    /** Frees the communicator; a call on it afterwards is an error of class {@link MPI#ERR_COMM}. */
    public void free() throws MPIException {
        detach();
    }

    /** Sets what a failed call does. */
    public final void setErrhandler(Errhandler handler) throws MPIException {
        if (handler == null) {
            throw fail(new MPIException(MPI.ERR_ARG, "the error handler is null", null));
        }
        errhandler = handler;
    }

    /** What a failed call does. */
    public final Errhandler getErrhandler() throws MPIException {
        return errhandler;
    }

    /** Ends the whole job: every rank's pending and later calls fail, and this process exits with {@code errorcode}. */
    public final void abort(int errorcode) throws MPIException {
        Communicator c = comm;
        if (c != null) {
            c.abort();
        }
        System.exit(errorcode);
    }

    // ---- point-to-point -------------------------------------------------------------------

    /** Sends {@code count} elements of {@code type} from {@code buf} to {@code dest} with {@code tag}. */
    public final void send(Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        run(c -> PointToPoint.sendNow(c, buf, count, type, dest, tag, PointToPoint.Mode.STANDARD));
    }

    /** Synchronous send: returns once a receive on {@code dest} has matched the message. */
    public final void sSend(Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        run(c -> PointToPoint.sendNow(c, buf, count, type, dest, tag, PointToPoint.Mode.SYNCHRONOUS));
    }

    /**
     * Buffered send: copies the message and returns before any receive is posted; the copy counts
     * against the buffer attached with {@link MPI#attachBuffer}.
     */
    public final void bSend(Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        if (dest == MPI.PROC_NULL) {
            return;
        }
        run(c -> {
            Arguments.destination(c, dest, tag);
            BufferedSends.send(c, Data.in(buf, count, type), dest, tag);
        });
    }

    /** Ready send: the program promises the receive is posted; jccl's send needs no promise, so this is {@link #send}. */
    public final void rSend(Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        send(buf, count, type, dest, tag);
    }

    /** Starts a send from the direct buffer {@code buf}, which must not change until the request completes. */
    public final Request iSend(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return request(c -> PointToPoint.send(c, Data.in(PointToPoint.direct(buf), count, type), dest, tag,
                PointToPoint.Mode.STANDARD));
    }

    /** Starts a buffered send: the message is copied before this returns, so the request is already complete. */
    public final Request ibSend(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        bSend(PointToPoint.direct(buf), count, type, dest, tag);
        return new Request(this, CompletableFuture.completedFuture(Status.EMPTY));
    }

    /** Starts a synchronous send: the request completes once a receive matched the message. */
    public final Request isSend(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return request(c -> PointToPoint.send(c, Data.in(PointToPoint.direct(buf), count, type), dest, tag,
                PointToPoint.Mode.SYNCHRONOUS));
    }

    /** Starts a ready send, which is {@link #iSend}. */
    public final Request irSend(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return iSend(buf, count, type, dest, tag);
    }

    /** Starts a receive of up to {@code count} elements into the direct buffer {@code buf}. */
    public final Request iRecv(Buffer buf, int count, Datatype type, int source, int tag) throws MPIException {
        return request(c -> PointToPoint.recv(c, buf, count, type, source, tag));
    }

    /** A persistent {@link #iSend}: each {@link Prequest#start} sends the buffer's content of that moment. */
    public final Prequest sendInit(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return persistent(() -> iSend(buf, count, type, dest, tag));
    }

    /** A persistent {@link #ibSend}. */
    public final Prequest bSendInit(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return persistent(() -> ibSend(buf, count, type, dest, tag));
    }

    /** A persistent {@link #isSend}. */
    public final Prequest sSendInit(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return persistent(() -> isSend(buf, count, type, dest, tag));
    }

    /** A persistent {@link #irSend}. */
    public final Prequest rSendInit(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return persistent(() -> irSend(buf, count, type, dest, tag));
    }

    /** A persistent {@link #iRecv}. */
    public final Prequest recvInit(Buffer buf, int count, Datatype type, int source, int tag) throws MPIException {
        return persistent(() -> iRecv(buf, count, type, source, tag));
    }

    /** A request whose operation {@code start} posts; checked now, so that a misuse fails here and not at start. */
    private Prequest persistent(Starter start) throws MPIException {
        live();
        return new Prequest(this, () -> start.start().future());
    }

    /** Posts one round of a persistent request. */
    @FunctionalInterface
    private interface Starter {
        Request start() throws MPIException;
    }

    /**
     * Sends to {@code dest} and receives from {@code source} at once, so that ranks exchanging in a
     * ring do not wait for each other; the receive takes up to {@code recvcount} elements.
     */
    public final Status sendRecv(Object sendbuf, int sendcount, Datatype sendtype, int dest, int sendtag,
                                 Object recvbuf, int recvcount, Datatype recvtype, int source, int recvtag)
            throws MPIException {
        return call(c -> {
            CompletableFuture<?> sent = PointToPoint.send(c, Data.in(sendbuf, sendcount, sendtype), dest, sendtag,
                    PointToPoint.Mode.STANDARD);
            Status s = PointToPoint.recvNow(c, recvbuf, recvcount, recvtype, source, recvtag);
            PointToPoint.join(sent);
            return s;
        });
    }

    /** {@link #sendRecv} through one buffer: what was sent is replaced by what was received. */
    public final Status sendRecvReplace(Object buf, int count, Datatype type, int dest, int sendtag, int source,
                                        int recvtag) throws MPIException {
        return call(c -> {
            ByteBuffer copy = ByteBuffer.allocateDirect(count * type.baseSize()).order(ByteOrder.nativeOrder())
                    .put(Data.in(buf, count, type).duplicate());
            return sendRecv(copy.flip(), count * type.baseSize(), MPI.BYTE, dest, sendtag, buf, count, type, source,
                    recvtag);
        });
    }

    /**
     * Receives up to {@code count} elements of {@code type} into {@code buf} from {@code source} (or
     * {@link MPI#ANY_SOURCE}) with {@code tag} (or {@link MPI#ANY_TAG}); the status says what came. A
     * longer message is an error of class {@link MPI#ERR_TRUNCATE}.
     */
    public final Status recv(Object buf, int count, Datatype type, int source, int tag) throws MPIException {
        return call(c -> PointToPoint.recvNow(c, buf, count, type, source, tag));
    }

    /** Waits until a message {@code source} and {@code tag} match has arrived; receives nothing. */
    public final Status probe(int source, int tag) throws MPIException {
        if (source == MPI.PROC_NULL) {
            return new Status(MPI.PROC_NULL, MPI.ANY_TAG, 0, false);
        }
        return call(c -> {
            Arguments.anySource(c, source, tag);
            return PointToPoint.status(c.mailbox().probe(source, tag));
        });
    }

    /** The status of a message {@code source} and {@code tag} match if one has arrived, else null; receives nothing. */
    public final Status iProbe(int source, int tag) throws MPIException {
        if (source == MPI.PROC_NULL) {
            return new Status(MPI.PROC_NULL, MPI.ANY_TAG, 0, false);
        }
        return call(c -> {
            Arguments.anySource(c, source, tag);
            Envelope e = c.mailbox().tryProbe(source, tag);
            return e == null ? null : PointToPoint.status(e);
        });
    }

    /** A request for the operation {@code work} starts. */
    final Request request(Work<CompletableFuture<?>> work) throws MPIException {
        return new Request(this, call(work));
    }

    // ---- collectives ----------------------------------------------------------------------

    /** Waits until every rank has called it. */
    public final void barrier() throws MPIException {
        run(Communicator::barrier);
    }

    /** Copies root's {@code count} elements into every other rank's {@code buf}. */
    public final void bcast(Object buf, int count, Datatype type, int root) throws MPIException {
        run(c -> {
            Arguments.root(c, root);
            ByteBuffer b = c.rank() == root ? Data.in(buf, count, type) : Data.room(buf, count, type);
            c.broadcast(b, root);
            if (c.rank() != root) {
                Data.out(b, buf, count, type);
            }
        });
    }

    /** Root's {@code recvbuf} receives every rank's {@code sendbuf} in rank order, {@code recvcount} elements each. */
    public final void gather(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int recvcount,
                             Datatype recvtype, int root) throws MPIException {
        run(c -> {
            boolean atRoot = Arguments.atRoot(c, root, sendcount, sendtype, recvcount, recvtype);
            ByteBuffer send = Data.in(sendbuf, sendcount, sendtype);
            ByteBuffer recv = atRoot ? Data.room(recvbuf, recvcount * c.size(), recvtype) : null;
            c.gather(send, recv, root);
            if (atRoot) {
                Data.out(recv, recvbuf, recvcount * c.size(), recvtype);
            }
        });
    }

    /** In place: root's own block already lies in {@code buf}; other ranks send their {@code count} elements. */
    public final void gather(Object buf, int count, Datatype type, int root) throws MPIException {
        run(c -> {
            Arguments.root(c, root);
            if (c.rank() != root) {
                c.gather(Data.in(buf, count, type), null, root);
                return;
            }
            ByteBuffer all = Data.in(buf, count * c.size(), type);
            int block = count * type.baseSize();
            c.gather(all.slice(root * block, block).order(all.order()), all, root);
            Data.out(all, buf, count * c.size(), type);
        });
    }

    /** Rank i receives block i of root's {@code sendbuf}, {@code sendcount} elements each. */
    public final void scatter(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int recvcount,
                              Datatype recvtype, int root) throws MPIException {
        run(c -> {
            boolean atRoot = Arguments.atRoot(c, root, sendcount, sendtype, recvcount, recvtype);
            ByteBuffer send = atRoot ? Data.in(sendbuf, sendcount * c.size(), sendtype) : null;
            ByteBuffer recv = Data.room(recvbuf, recvcount, recvtype);
            c.scatter(send, recv, root);
            Data.out(recv, recvbuf, recvcount, recvtype);
        });
    }

    /** In place: root keeps its own block where it lies in {@code buf}; the others receive theirs into {@code buf}. */
    public final void scatter(Object buf, int count, Datatype type, int root) throws MPIException {
        run(c -> {
            Arguments.root(c, root);
            if (c.rank() != root) {
                ByteBuffer recv = Data.room(buf, count, type);
                c.scatter(null, recv, root);
                Data.out(recv, buf, count, type);
                return;
            }
            ByteBuffer all = Data.in(buf, count * c.size(), type);
            int block = count * type.baseSize();
            c.scatter(all, all.slice(root * block, block).order(all.order()), root);
        });
    }

    /** Every rank's {@code recvbuf} receives every rank's {@code sendbuf} in rank order. */
    public final void allGather(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int recvcount,
                                Datatype recvtype) throws MPIException {
        run(c -> {
            Arguments.sameBlock(sendcount, sendtype, recvcount, recvtype);
            ByteBuffer recv = Data.room(recvbuf, recvcount * c.size(), recvtype);
            c.allGather(Data.in(sendbuf, sendcount, sendtype), recv);
            Data.out(recv, recvbuf, recvcount * c.size(), recvtype);
        });
    }

    /** In place: each rank's own block already lies in {@code buf}, at its rank. */
    public final void allGather(Object buf, int count, Datatype type) throws MPIException {
        run(c -> {
            ByteBuffer all = Data.in(buf, count * c.size(), type);
            int block = count * type.baseSize();
            ByteBuffer own = ByteBuffer.allocate(block).order(all.order()).put(0, all, c.rank() * block, block);
            c.allGather(own, all);
            Data.out(all, buf, count * c.size(), type);
        });
    }

    /** Block j of {@code sendbuf} goes to rank j, and lands in its {@code recvbuf} at this rank's block. */
    public final void allToAll(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int recvcount,
                               Datatype recvtype) throws MPIException {
        run(c -> {
            Arguments.sameBlock(sendcount, sendtype, recvcount, recvtype);
            ByteBuffer recv = Data.room(recvbuf, recvcount * c.size(), recvtype);
            c.allToAll(Data.in(sendbuf, sendcount * c.size(), sendtype), recv);
            Data.out(recv, recvbuf, recvcount * c.size(), recvtype);
        });
    }

    /** Root's {@code recvbuf} receives the reduction of every rank's {@code sendbuf}. */
    public final void reduce(Object sendbuf, Object recvbuf, int count, Datatype type, Op op, int root) throws MPIException {
        run(c -> {
            Arguments.root(c, root);
            boolean atRoot = c.rank() == root;
            ByteBuffer send = Data.in(sendbuf, count, type);
            ByteBuffer recv = atRoot ? Data.room(recvbuf, count, type) : null;
            Reductions.reduce(c, send, recv, count, type, op, root);
            if (atRoot) {
                Data.out(recv, recvbuf, count, type);
            }
        });
    }

    /** In place at root: {@code buf} is root's contribution and receives the result; elsewhere it is the contribution. */
    public final void reduce(Object buf, int count, Datatype type, Op op, int root) throws MPIException {
        run(c -> {
            Arguments.root(c, root);
            ByteBuffer b = Data.in(buf, count, type);
            boolean atRoot = c.rank() == root;
            Reductions.reduce(c, b, atRoot ? b : null, count, type, op, root);
            if (atRoot) {
                Data.out(b, buf, count, type);
            }
        });
    }

    /** Every rank's {@code recvbuf} receives the reduction of every rank's {@code sendbuf}. */
    public final void allReduce(Object sendbuf, Object recvbuf, int count, Datatype type, Op op) throws MPIException {
        run(c -> {
            ByteBuffer recv = Data.room(recvbuf, count, type);
            Reductions.allReduce(c, Data.in(sendbuf, count, type), recv, count, type, op);
            Data.out(recv, recvbuf, count, type);
        });
    }

    /** In place: {@code buf} is this rank's contribution and receives the result. */
    public final void allReduce(Object buf, int count, Datatype type, Op op) throws MPIException {
        run(c -> {
            ByteBuffer b = Data.in(buf, count, type);
            Reductions.allReduce(c, b, b, count, type, op);
            Data.out(b, buf, count, type);
        });
    }

    /** Rank i receives block i ({@code recvcount} elements) of the reduction of every rank's {@code sendbuf}. */
    public final void reduceScatterBlock(Object sendbuf, Object recvbuf, int recvcount, Datatype type, Op op)
            throws MPIException {
        run(c -> {
            ByteBuffer recv = Data.room(recvbuf, recvcount, type);
            Reductions.reduceScatter(c, Data.in(sendbuf, recvcount * c.size(), type), recv, recvcount, type, op);
            Data.out(recv, recvbuf, recvcount, type);
        });
    }

    /** Rank i receives {@code recvcounts[i]} elements, its part of the reduction of every rank's {@code sendbuf}. */
    public final void reduceScatter(Object sendbuf, Object recvbuf, int[] recvcounts, Datatype type, Op op)
            throws MPIException {
        run(c -> {
            int total = Arguments.total(c, recvcounts);
            ByteBuffer recv = Data.room(recvbuf, recvcounts[c.rank()], type);
            Reductions.reduceScatterV(c, Data.in(sendbuf, total, type), recv, recvcounts, type, op);
            Data.out(recv, recvbuf, recvcounts[c.rank()], type);
        });
    }

    /** In place: {@code buf} holds every rank's counts of elements; this rank's part, reduced, lands at its start. */
    public final void reduceScatter(Object buf, int[] counts, Datatype type, Op op) throws MPIException {
        run(c -> {
            int total = Arguments.total(c, counts);
            ByteBuffer all = Data.in(buf, total, type);
            ByteBuffer mine = ByteBuffer.allocate(counts[c.rank()] * type.baseSize()).order(all.order());
            Reductions.reduceScatterV(c, all, mine, counts, type, op);
            all.put(0, mine, 0, mine.remaining());
            Data.out(all, buf, total, type);
        });
    }

    // ---- the v collectives ----------------------------------------------------------------

    /**
     * Root's {@code recvbuf} receives rank i's {@code sendbuf} ({@code recvcount[i]} elements) at
     * {@code displs[i]}. jccl's gatherV wants every rank to know every count, which MPI gives only
     * the root, so the ranks first all-gather their counts (one small extra collective).
     */
    public final void gatherv(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int[] recvcount,
                              int[] displs, Datatype recvtype, int root) throws MPIException {
        run(c -> Blocks.gatherV(c, Data.in(sendbuf, sendcount, sendtype), sendcount, sendtype, recvbuf, recvcount, displs,
                recvtype, root, false));
    }

    /** In place at the root: its own block already lies in {@code recvbuf}; the others call {@link #gatherv(Object, int, Datatype, int)}. */
    public final void gatherv(Object recvbuf, int[] recvcount, int[] displs, Datatype recvtype, int root)
            throws MPIException {
        run(c -> {
            Arguments.root(c, root);
            int me = c.rank();
            if (me != root || recvcount == null || displs == null || recvcount.length <= me || displs.length <= me) {
                throw new MPIException(MPI.ERR_ROOT, "the in-place gatherv is the root's; rank " + me
                        + " calls gatherv(sendbuf, sendcount, sendtype, root)", null);
            }
            ByteBuffer whole = Data.in(recvbuf, Blocks.extent(c, recvcount, displs), recvtype);
            int size = recvtype.baseSize();
            ByteBuffer own = whole.slice(displs[me] * size, recvcount[me] * size).order(whole.order());
            Blocks.gatherV(c, own, recvcount[me], recvtype, recvbuf, recvcount, displs, recvtype, root, true);
        });
    }

    /** A non-root rank's part of the in-place {@link #gatherv(Object, int[], int[], Datatype, int)}. */
    public final void gatherv(Object sendbuf, int sendcount, Datatype sendtype, int root) throws MPIException {
        run(c -> {
            Arguments.root(c, root);
            if (c.rank() == root) {
                throw new MPIException(MPI.ERR_ROOT, "the root of an in-place gatherv calls gatherv(recvbuf, recvcount,"
                        + " displs, recvtype, root)", null);
            }
            Blocks.gatherV(c, Data.in(sendbuf, sendcount, sendtype), sendcount, sendtype, null, null, null, sendtype, root, false);
        });
    }

    /**
     * Rank i receives {@code sendcount[i]} elements of root's {@code sendbuf} from {@code displs[i]}.
     * The root broadcasts the counts first: jccl's scatterV wants every rank to know them.
     */
    public final void scatterv(Object sendbuf, int[] sendcount, int[] displs, Datatype sendtype, Object recvbuf,
                               int recvcount, Datatype recvtype, int root) throws MPIException {
        run(c -> Blocks.scatterV(c, sendbuf, sendcount, displs, sendtype, recvbuf, recvcount, recvtype, root, false));
    }

    /** In place at the root: it keeps its own block; the others call {@link #scatterv(Object, int, Datatype, int)}. */
    public final void scatterv(Object sendbuf, int[] sendcount, int[] displs, Datatype sendtype, int root)
            throws MPIException {
        run(c -> {
            Arguments.root(c, root);
            if (c.rank() != root) {
                throw new MPIException(MPI.ERR_ROOT, "the in-place scatterv is the root's; rank " + c.rank()
                        + " calls scatterv(recvbuf, recvcount, recvtype, root)", null);
            }
            Blocks.scatterV(c, sendbuf, sendcount, displs, sendtype, null, 0, sendtype, root, true);
        });
    }

    /** A non-root rank's part of the in-place {@link #scatterv(Object, int[], int[], Datatype, int)}. */
    public final void scatterv(Object recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        run(c -> {
            Arguments.root(c, root);
            if (c.rank() == root) {
                throw new MPIException(MPI.ERR_ROOT, "the root of an in-place scatterv calls scatterv(sendbuf, sendcount,"
                        + " displs, sendtype, root)", null);
            }
            Blocks.scatterV(c, null, null, null, recvtype, recvbuf, recvcount, recvtype, root, false);
        });
    }

    /** Every rank's {@code recvbuf} receives rank i's {@code sendbuf} ({@code recvcount[i]} elements) at {@code displs[i]}. */
    public final void allGatherv(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int[] recvcount,
                                 int[] displs, Datatype recvtype) throws MPIException {
        run(c -> {
            int extent = Blocks.extent(c, recvcount, displs);
            if ((long) sendcount * sendtype.baseSize() != (long) recvcount[c.rank()] * recvtype.baseSize()) {
                throw new MPIException(MPI.ERR_COUNT, "this rank sends " + sendcount + " elements but recvcount["
                        + c.rank() + "] is " + recvcount[c.rank()], null);
            }
            ByteBuffer whole = Data.in(recvbuf, extent, recvtype);
            ByteBuffer packed = Blocks.room(whole, recvcount, displs, recvtype);
            c.allGatherV(Data.in(sendbuf, sendcount, sendtype), packed, Blocks.bytes(recvcount, recvtype));
            Blocks.unpack(packed, whole, recvcount, displs, recvtype);
            Data.out(whole, recvbuf, extent, recvtype);
        });
    }

    /** In place: each rank's own block already lies in {@code recvbuf} at its displacement. */
    public final void allGatherv(Object recvbuf, int[] recvcount, int[] displs, Datatype recvtype) throws MPIException {
        run(c -> {
            int extent = Blocks.extent(c, recvcount, displs);
            ByteBuffer whole = Data.in(recvbuf, extent, recvtype);
            int size = recvtype.baseSize();
            int me = c.rank();
            ByteBuffer own = ByteBuffer.allocate(recvcount[me] * size).order(whole.order())
                    .put(0, whole, displs[me] * size, recvcount[me] * size);
            ByteBuffer packed = Blocks.room(whole, recvcount, displs, recvtype);
            c.allGatherV(own, packed, Blocks.bytes(recvcount, recvtype));
            Blocks.unpack(packed, whole, recvcount, displs, recvtype);
            Data.out(whole, recvbuf, extent, recvtype);
        });
    }

    /** This rank sends {@code sendcount[j]} elements from {@code sdispls[j]} to rank j and receives {@code recvcount[j]} at {@code rdispls[j]}. */
    public final void allToAllv(Object sendbuf, int[] sendcount, int[] sdispls, Datatype sendtype, Object recvbuf,
                                int[] recvcount, int[] rdispls, Datatype recvtype) throws MPIException {
        run(c -> {
            int sendExtent = Blocks.extent(c, sendcount, sdispls);
            int recvExtent = Blocks.extent(c, recvcount, rdispls);
            ByteBuffer send = Blocks.pack(Data.in(sendbuf, sendExtent, sendtype), sendcount, sdispls, sendtype);
            ByteBuffer whole = Data.in(recvbuf, recvExtent, recvtype);
            ByteBuffer packed = Blocks.room(whole, recvcount, rdispls, recvtype);
            c.allToAllV(send, Blocks.bytes(sendcount, sendtype), packed, Blocks.bytes(recvcount, recvtype));
            Blocks.unpack(packed, whole, recvcount, rdispls, recvtype);
            Data.out(whole, recvbuf, recvExtent, recvtype);
        });
    }

    // ---- non-blocking collectives ----------------------------------------------------------

    /*
     * Each posts jccl's asynchronous collective before it returns (StartedCollectives); buffers must
     * be direct. The v collectives and reduceScatter with counts first share counts with a blocking
     * all-gather, so they complete before returning (MPI allows that; a program that needs them to
     * overlap with its own sends to ranks that have not called them yet would wait).
     */

    /** Starts a barrier: the request completes once every rank has started it. */
    public final Request iBarrier() throws MPIException {
        return request(c -> StartedCollectives.done(c.barrierAsync()));
    }

    /** Starts {@link #bcast} on a direct buffer. */
    public final Request iBcast(Buffer buf, int count, Datatype type, int root) throws MPIException {
        return request(c -> StartedCollectives.bcast(c, buf, count, type, root));
    }

    /** Starts {@link #gather(Object, int, Datatype, Object, int, Datatype, int)} on direct buffers. */
    public final Request iGather(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int recvcount,
                                 Datatype recvtype, int root) throws MPIException {
        return request(c -> StartedCollectives.gather(c, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                root));
    }

    /** Starts the in-place {@link #gather(Object, int, Datatype, int)}. */
    public final Request iGather(Buffer buf, int count, Datatype type, int root) throws MPIException {
        return request(c -> StartedCollectives.gatherInPlace(c, buf, count, type, root));
    }

    /** Starts {@link #scatter(Object, int, Datatype, Object, int, Datatype, int)} on direct buffers. */
    public final Request iScatter(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int recvcount,
                                  Datatype recvtype, int root) throws MPIException {
        return request(c -> StartedCollectives.scatter(c, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                root));
    }

    /** Starts the in-place {@link #scatter(Object, int, Datatype, int)}. */
    public final Request iScatter(Buffer buf, int count, Datatype type, int root) throws MPIException {
        return request(c -> StartedCollectives.scatterInPlace(c, buf, count, type, root));
    }

    /** Starts {@link #allGather(Object, int, Datatype, Object, int, Datatype)} on direct buffers. */
    public final Request iAllGather(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int recvcount,
                                    Datatype recvtype) throws MPIException {
        return request(c -> StartedCollectives.allGather(c, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype));
    }

    /** Starts the in-place {@link #allGather(Object, int, Datatype)}. */
    public final Request iAllGather(Buffer buf, int count, Datatype type) throws MPIException {
        return request(c -> StartedCollectives.allGatherInPlace(c, buf, count, type));
    }

    /** Starts {@link #allToAll} on direct buffers. */
    public final Request iAllToAll(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int recvcount,
                                   Datatype recvtype) throws MPIException {
        return request(c -> StartedCollectives.allToAll(c, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype));
    }

    /** Starts {@link #reduce(Object, Object, int, Datatype, Op, int)} on direct buffers. */
    public final Request iReduce(Buffer sendbuf, Buffer recvbuf, int count, Datatype type, Op op, int root)
            throws MPIException {
        return request(c -> StartedCollectives.reduce(c, StartedCollectives.at(sendbuf, count, type),
                c.rank() == root ? StartedCollectives.at(recvbuf, count, type) : null, count, type, op, root));
    }

    /** Starts the in-place {@link #reduce(Object, int, Datatype, Op, int)}. */
    public final Request iReduce(Buffer buf, int count, Datatype type, Op op, int root) throws MPIException {
        return request(c -> {
            ByteBuffer b = StartedCollectives.at(buf, count, type);
            return StartedCollectives.reduce(c, b, b, count, type, op, root);
        });
    }

    /** Starts {@link #allReduce(Object, Object, int, Datatype, Op)} on direct buffers. */
    public final Request iAllReduce(Buffer sendbuf, Buffer recvbuf, int count, Datatype type, Op op) throws MPIException {
        return request(c -> StartedCollectives.allReduce(c, StartedCollectives.at(sendbuf, count, type),
                StartedCollectives.at(recvbuf, count, type), count, type, op));
    }

    /** Starts the in-place {@link #allReduce(Object, int, Datatype, Op)}. */
    public final Request iAllReduce(Buffer buf, int count, Datatype type, Op op) throws MPIException {
        return request(c -> {
            ByteBuffer b = StartedCollectives.at(buf, count, type);
            return StartedCollectives.allReduce(c, b, b, count, type, op);
        });
    }

    /** Starts {@link #reduceScatterBlock(Object, Object, int, Datatype, Op)} on direct buffers. */
    public final Request iReduceScatterBlock(Buffer sendbuf, Buffer recvbuf, int recvcount, Datatype type, Op op)
            throws MPIException {
        return request(c -> StartedCollectives.reduceScatterBlock(c,
                StartedCollectives.at(sendbuf, recvcount * c.size(), type), StartedCollectives.at(recvbuf, recvcount, type),
                recvcount, type, op));
    }

    /** Starts the in-place {@link #reduceScatterBlock(Object, int, Datatype, Op)}: this rank's block lands at the start. */
    public final Request iReduceScatterBlock(Buffer buf, int count, Datatype type, Op op) throws MPIException {
        return request(c -> {
            ByteBuffer all = StartedCollectives.at(buf, count * c.size(), type);
            ByteBuffer mine = ByteBuffer.allocateDirect(count * type.baseSize()).order(all.order());
            return StartedCollectives.then(StartedCollectives.reduceScatterBlock(c, all, mine, count, type, op),
                    () -> all.put(0, mine, 0, mine.capacity()));
        });
    }

    /** {@link #reduceScatter(Object, Object, int[], Datatype, Op)}, complete on return (see above). */
    public final Request iReduceScatter(Buffer sendbuf, Buffer recvbuf, int[] recvcounts, Datatype type, Op op)
            throws MPIException {
        reduceScatter(PointToPoint.direct(sendbuf), PointToPoint.direct(recvbuf), recvcounts, type, op);
        return completed();
    }

    /** The in-place {@link #reduceScatter(Object, int[], Datatype, Op)}, complete on return. */
    public final Request iReduceScatter(Buffer buf, int[] counts, Datatype type, Op op) throws MPIException {
        reduceScatter(PointToPoint.direct(buf), counts, type, op);
        return completed();
    }

    /** {@link #gatherv(Object, int, Datatype, Object, int[], int[], Datatype, int)}, complete on return. */
    public final Request iGatherv(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int[] recvcount,
                                  int[] displs, Datatype recvtype, int root) throws MPIException {
        gatherv(PointToPoint.direct(sendbuf), sendcount, sendtype, recvbuf, recvcount, displs, recvtype, root);
        return completed();
    }

    /** The root's in-place {@link #gatherv(Object, int[], int[], Datatype, int)}, complete on return. */
    public final Request iGatherv(Buffer recvbuf, int[] recvcount, int[] displs, Datatype recvtype, int root)
            throws MPIException {
        gatherv(PointToPoint.direct(recvbuf), recvcount, displs, recvtype, root);
        return completed();
    }

    /** The other ranks' {@link #gatherv(Object, int, Datatype, int)}, complete on return. */
    public final Request iGatherv(Buffer sendbuf, int sendcount, Datatype sendtype, int root) throws MPIException {
        gatherv(PointToPoint.direct(sendbuf), sendcount, sendtype, root);
        return completed();
    }

    /** {@link #scatterv(Object, int[], int[], Datatype, Object, int, Datatype, int)}, complete on return. */
    public final Request iScatterv(Buffer sendbuf, int[] sendcount, int[] displs, Datatype sendtype, Buffer recvbuf,
                                   int recvcount, Datatype recvtype, int root) throws MPIException {
        scatterv(sendbuf, sendcount, displs, sendtype, PointToPoint.direct(recvbuf), recvcount, recvtype, root);
        return completed();
    }

    /** The root's in-place {@link #scatterv(Object, int[], int[], Datatype, int)}, complete on return. */
    public final Request iScatterv(Buffer sendbuf, int[] sendcount, int[] displs, Datatype sendtype, int root)
            throws MPIException {
        scatterv(PointToPoint.direct(sendbuf), sendcount, displs, sendtype, root);
        return completed();
    }

    /** The other ranks' {@link #scatterv(Object, int, Datatype, int)}, complete on return. */
    public final Request iScatterv(Buffer recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        scatterv(PointToPoint.direct(recvbuf), recvcount, recvtype, root);
        return completed();
    }

    /** {@link #allGatherv(Object, int, Datatype, Object, int[], int[], Datatype)}, complete on return. */
    public final Request iAllGatherv(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int[] recvcount,
                                     int[] displs, Datatype recvtype) throws MPIException {
        allGatherv(PointToPoint.direct(sendbuf), sendcount, sendtype, PointToPoint.direct(recvbuf), recvcount, displs,
                recvtype);
        return completed();
    }

    /** The in-place {@link #allGatherv(Object, int[], int[], Datatype)}, complete on return. */
    public final Request iAllGatherv(Buffer buf, int[] count, int[] displs, Datatype type) throws MPIException {
        allGatherv(PointToPoint.direct(buf), count, displs, type);
        return completed();
    }

    /** {@link #allToAllv}, complete on return. */
    public final Request iAllToAllv(Buffer sendbuf, int[] sendcount, int[] sdispls, Datatype sendtype, Buffer recvbuf,
                                    int[] recvcount, int[] rdispls, Datatype recvtype) throws MPIException {
        allToAllv(PointToPoint.direct(sendbuf), sendcount, sdispls, sendtype, PointToPoint.direct(recvbuf), recvcount,
                rdispls, recvtype);
        return completed();
    }

    private Request completed() {
        return new Request(this, CompletableFuture.completedFuture(Status.EMPTY));
    }

    // ---- errors -------------------------------------------------------------------------

    final Communicator live() throws MPIException {
        Communicator c = comm;
        if (c == null) {
            throw fail(new MPIException(MPI.ERR_COMM, "the communicator is " + (MPI.isFinalized() ? "finalized"
                    : "not initialized or freed") + "; call MPI.Init first", null));
        }
        return c;
    }

    /** A call's work on the live communicator. */
    @FunctionalInterface
    interface Work<T> {
        T on(Communicator c) throws MPIException;
    }

    /** Work that returns nothing. */
    @FunctionalInterface
    interface VoidWork {
        void on(Communicator c) throws MPIException;
    }

    /** Runs {@code work} on the live communicator; its failure goes to the error handler. */
    final <T> T call(Work<T> work) throws MPIException {
        Communicator c = live();
        try {
            return work.on(c);
        } catch (MPIException e) {
            throw fail(e);
        } catch (JcclException e) {
            throw fail(Request.failure(e));
        }
    }

    /** As {@link #call} for work that returns nothing. */
    final void run(VoidWork work) throws MPIException {
        call(c -> {
            work.on(c);
            return null;
        });
    }

    /** An inter-communicator: not supported, see {@link Intercomm}. */
    public final Intercomm createIntercomm(Comm localComm, int localLeader, int remoteLeader, int tag)
            throws MPIException {
        throw unsupported("inter-communicators (createIntercomm)");
    }

    /** Disconnects from processes this one connected to: not supported, as connecting is not. */
    public final void disconnect() throws MPIException {
        throw unsupported("dynamic processes (disconnect)");
    }

    /** The failure of a call into what jccl-mpi leaves out for now, through the error handler. */
    final MPIException unsupported(String what) {
        return fail(new MPIException(MPI.ERR_UNSUPPORTED_OPERATION, what + " is not supported by jccl-mpi; one-sided"
                + " windows, MPI-IO, inter-communicators, topologies and dynamic processes are out of its scope for now",
                null));
    }

    /** What the error handler makes of a failure: the exception to throw, or the end of the job. */
    final MPIException fail(MPIException failure) {
        Communicator c = comm;
        String rank = c == null ? "" : "rank " + c.rank() + ": ";
        String message = String.valueOf(failure.getMessage());
        MPIException e = c == null || message.startsWith("rank ") ? failure
                : new MPIException(failure.getErrorClass(), rank + callName() + ": " + message, failure.getCause());
        if (!errhandler.isFatal()) {
            return e;
        }
        System.err.println("jccl-mpi: " + rank + "MPI error (class " + e.getErrorClass() + "): "
                + e.getMessage().substring(e.getMessage().startsWith(rank) ? rank.length() : 0)
                + "; MPI.ERRORS_ARE_FATAL ends the job");
        if (c != null) {
            c.abort();
        }
        System.exit(e.getErrorClass() == 0 ? 1 : e.getErrorClass());
        return e;
    }

    /** The name of the call the program made, for the message of its failure: the outermost API frame. */
    private static String callName() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> API.contains(f.getClassName()) && !f.getMethodName().startsWith("lambda$"))
                .reduce((inner, outer) -> outer).map(StackWalker.StackFrame::getMethodName).orElse("mpi"));
    }
}
