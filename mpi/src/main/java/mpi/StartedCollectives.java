package mpi;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jccl.Communicator;

/**
 * The non-blocking collectives ({@code iBcast}, {@code iAllReduce}, ...) on jccl's asynchronous
 * ones: each posts its collective before it returns, in call order with every other collective,
 * so ranks overlap them as MPI allows. Buffers are direct, so results land in place. A reduction
 * jccl cannot do itself (a logical op, a user op, a type jccl has no kernel for), and the prefix
 * reductions, post an all-gather (or gather) and fold the blocks locally when it completes.
 */
final class StartedCollectives {
    private StartedCollectives() {
    }

    /** A step to run once the posted collective completed. */
    @FunctionalInterface
    interface Then {
        void run() throws MPIException;
    }

    static CompletableFuture<?> done(CompletableFuture<Void> f) {
        return f;
    }

    /** {@code f}, then {@code then} on whichever thread completes it. */
    static CompletableFuture<?> then(CompletableFuture<?> f, Then then) {
        return f.thenApply(v -> {
            try {
                then.run();
            } catch (MPIException e) {
                throw new CompletionException(e);
            }
            return Status.EMPTY;
        });
    }

    /** The memory of a direct buffer's {@code count} elements of a predefined type. */
    static ByteBuffer at(Buffer buf, int count, Datatype type) throws MPIException {
        PointToPoint.inPlace(type);
        return Data.in(PointToPoint.direct(buf), count, type);
    }

    static CompletableFuture<?> bcast(Communicator c, Buffer buf, int count, Datatype type, int root)
            throws MPIException {
        Arguments.root(c, root);
        return done(c.broadcastAsync(at(buf, count, type), root));
    }

    static CompletableFuture<?> gather(Communicator c, Buffer sendbuf, int sendcount, Datatype sendtype,
                                            Buffer recvbuf, int recvcount, Datatype recvtype, int root)
            throws MPIException {
        boolean atRoot = Arguments.atRoot(c, root, sendcount, sendtype, recvcount, recvtype);
        ByteBuffer recv = atRoot ? at(recvbuf, recvcount * c.size(), recvtype) : null;
        return done(c.gatherAsync(at(sendbuf, sendcount, sendtype), recv, root));
    }

    static CompletableFuture<?> gatherInPlace(Communicator c, Buffer buf, int count, Datatype type, int root)
            throws MPIException {
        Arguments.root(c, root);
        if (c.rank() != root) {
            return done(c.gatherAsync(at(buf, count, type), null, root));
        }
        ByteBuffer all = at(buf, count * c.size(), type);
        int block = count * type.baseSize();
        return done(c.gatherAsync(all.slice(root * block, block).order(all.order()), all, root));
    }

    static CompletableFuture<?> scatter(Communicator c, Buffer sendbuf, int sendcount, Datatype sendtype,
                                             Buffer recvbuf, int recvcount, Datatype recvtype, int root)
            throws MPIException {
        boolean atRoot = Arguments.atRoot(c, root, sendcount, sendtype, recvcount, recvtype);
        ByteBuffer send = atRoot ? at(sendbuf, sendcount * c.size(), sendtype) : null;
        return done(c.scatterAsync(send, at(recvbuf, recvcount, recvtype), root));
    }

    static CompletableFuture<?> scatterInPlace(Communicator c, Buffer buf, int count, Datatype type, int root)
            throws MPIException {
        Arguments.root(c, root);
        if (c.rank() != root) {
            return done(c.scatterAsync(null, at(buf, count, type), root));
        }
        ByteBuffer all = at(buf, count * c.size(), type);
        int block = count * type.baseSize();
        return done(c.scatterAsync(all, all.slice(root * block, block).order(all.order()), root));
    }

    static CompletableFuture<?> allGather(Communicator c, Buffer sendbuf, int sendcount, Datatype sendtype,
                                               Buffer recvbuf, int recvcount, Datatype recvtype) throws MPIException {
        Arguments.sameBlock(sendcount, sendtype, recvcount, recvtype);
        return done(c.allGatherAsync(at(sendbuf, sendcount, sendtype), at(recvbuf, recvcount * c.size(), recvtype)));
    }

    static CompletableFuture<?> allGatherInPlace(Communicator c, Buffer buf, int count, Datatype type)
            throws MPIException {
        ByteBuffer all = at(buf, count * c.size(), type);
        int block = count * type.baseSize();
        ByteBuffer own = ByteBuffer.allocateDirect(block).order(all.order()).put(0, all, c.rank() * block, block);
        return done(c.allGatherAsync(own, all));
    }

    static CompletableFuture<?> allToAll(Communicator c, Buffer sendbuf, int sendcount, Datatype sendtype,
                                              Buffer recvbuf, int recvcount, Datatype recvtype) throws MPIException {
        Arguments.sameBlock(sendcount, sendtype, recvcount, recvtype);
        return done(c.allToAllAsync(at(sendbuf, sendcount * c.size(), sendtype), at(recvbuf, recvcount * c.size(),
                recvtype)));
    }

    static CompletableFuture<?> reduce(Communicator c, ByteBuffer send, ByteBuffer recv, int count, Datatype type,
                                            Op op, int root) throws MPIException {
        Arguments.root(c, root);
        boolean atRoot = c.rank() == root;
        if (Reductions.jcclReduces(type, op)) {
            return done(c.reduceAsync(send, atRoot ? recv : null, type.reducible(), op.reduceOp(), root));
        }
        ByteBuffer all = atRoot ? scratch(send.remaining() * c.size()) : null;
        // the contribution is copied now: in place, the fold overwrites it before the gather reads it
        return then(c.gatherAsync(copy(send), all, root), () -> {
            if (atRoot) {
                Reductions.fold(all, recv, c.size(), count, type, op);
            }
        });
    }

    static CompletableFuture<?> allReduce(Communicator c, ByteBuffer send, ByteBuffer recv, int count,
                                               Datatype type, Op op) throws MPIException {
        if (Reductions.jcclReduces(type, op)) {
            return done(c.allReduceAsync(send, recv, type.reducible(), op.reduceOp()));
        }
        ByteBuffer all = scratch(send.remaining() * c.size());
        return then(c.allGatherAsync(copy(send), all), () -> Reductions.fold(all, recv, c.size(), count, type, op));
    }

    static CompletableFuture<?> reduceScatterBlock(Communicator c, ByteBuffer send, ByteBuffer recv, int count,
                                                        Datatype type, Op op) throws MPIException {
        if (Reductions.jcclReduces(type, op)) {
            return done(c.reduceScatterAsync(send, recv, type.reducible(), op.reduceOp()));
        }
        int block = count * type.baseSize();
        ByteBuffer all = scratch(send.remaining() * c.size());
        ByteBuffer whole = scratch(send.remaining());
        return then(c.allGatherAsync(copy(send), all), () -> {
            Reductions.fold(all, whole, c.size(), count * c.size(), type, op);
            recv.put(recv.position(), whole, c.rank() * block, block);
        });
    }

    /** Scan ({@code inclusive}) or exScan: an all-gather, then each rank folds its prefix. */
    static CompletableFuture<?> prefix(Communicator c, ByteBuffer send, ByteBuffer recv, int count, Datatype type,
                                            Op op, boolean inclusive) throws MPIException {
        Reductions.usable(op, type);
        ByteBuffer all = scratch(send.remaining() * c.size());
        int blocks = inclusive ? c.rank() + 1 : c.rank();
        return then(c.allGatherAsync(copy(send), all), () -> {
            if (blocks > 0) {
                Reductions.fold(all, recv, blocks, count, type, op);
            }
        });
    }

    private static ByteBuffer copy(ByteBuffer b) {
        return ByteBuffer.allocateDirect(b.remaining()).order(b.order()).put(0, b, b.position(), b.remaining());
    }

    private static ByteBuffer scratch(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
}
