package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jccl.Communicator;
import org.jccl.Configuration;
import org.jccl.DataType;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.jccl.algorithms.AlgorithmSelector;
import org.jccl.algorithms.BinomialBroadcast;
import org.jccl.algorithms.BinomialGather;
import org.jccl.algorithms.BinomialReduce;
import org.jccl.algorithms.BinomialScatter;
import org.jccl.algorithms.BlockLayout;
import org.jccl.algorithms.BruckAllGather;
import org.jccl.algorithms.Collective;
import org.jccl.algorithms.DisseminationBarrier;
import org.jccl.algorithms.HalvingDoublingAllReduce;
import org.jccl.algorithms.PairwiseAllToAll;
import org.jccl.algorithms.PipelinedChainBroadcast;
import org.jccl.algorithms.RecursiveDoublingAllReduce;
import org.jccl.algorithms.RecursiveHalvingReduceScatter;
import org.jccl.algorithms.ReduceScatterGatherReduce;
import org.jccl.algorithms.RingAllGather;
import org.jccl.algorithms.RingAllReduce;
import org.jccl.algorithms.RingReduceScatter;
import org.jccl.core.CollectiveJob;
import org.jccl.core.CommunicatorStatus;
import org.jccl.core.Exchange;
import org.jccl.core.ScratchPool;
import org.jccl.core.Tags;
import org.jccl.core.Windows;
import org.jccl.reduce.ReductionKernel;
import org.jccl.spi.CheckMismatch;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;

/**
 * The communicator. Each call checks its arguments on the caller's thread, then becomes a job that
 * runs where waiting is cheapest (the transport's progress thread, or this communicator's own
 * thread), in the order calls were issued: asynchronous calls return its future, blocking calls
 * wait for it. An asynchronous send or receive is the exception: its job only posts it, and the
 * transport's completion ends its future ({@link PostedMessage}). Before any data moves, the ranks
 * agree that they called the same thing ({@link ArgumentAgreement}); any later failure breaks the
 * communicator on every rank.
 */
public final class TransportCommunicator implements Communicator {
    private static final boolean CHECK_ARGUMENTS = Boolean.parseBoolean(
            System.getProperty(Configuration.PROP_CHECK_ARGUMENTS, "true"));

    /**
     * One call, checked and ready to run: what it is, how it runs, and what ranks must agree on.
     * {@code longest} bounds its messages, the same on every rank (so that all choose alike between
     * check words in the messages and a round to agree first).
     */
    private record Call(String operation, String algorithm, long bytes, long pointToPointTag, Signature signature,
                        Consumer<Exchange> body, long longest) {
        Call(String operation, String algorithm, long bytes, long pointToPointTag, Signature signature,
             Consumer<Exchange> body) {
            this(operation, algorithm, bytes, pointToPointTag, signature, body, bytes);
        }
    }

    private final int rank;
    private final int size;
    private final TransportSpec spec;
    private final Transport transport;
    private final AutoCloseable rendezvous;
    private final AlgorithmSelector selector;
    private final long timeoutNanos;
    private final int chunkBytes;
    /** Scratch memory, one pool per collective in flight (a blocking one and the asynchronous ones). */
    private final ConcurrentLinkedQueue<ScratchPool> scratch = new ConcurrentLinkedQueue<>();
    /**
     * Runs asynchronous collectives, each on a thread of its own while it is in flight (up to
     * {@code jccl.asyncCollectives} at once, the rest queue in issue order), so that collectives
     * issued back to back overlap on the wire: their messages carry their own sequence numbers.
     */
    private final ThreadPoolExecutor asyncRunner;
    private final CommunicatorStatus status = new CommunicatorStatus();
    private final ExecutorService ownThread;
    private final Executor jobs;
    private long sequence;
    private long splits;
    private ByteBuffer staging;
    private FloatBuffer stagingFloats;
    private DoubleBuffer stagingDoubles;
    private IntBuffer stagingInts;
    private LongBuffer stagingLongs;
    private volatile JcclException broken;
    private volatile boolean closed;

    TransportCommunicator(int rank, int size, TransportSpec spec, Transport transport, AutoCloseable rendezvous,
                          AlgorithmSelector selector, long timeoutNanos, int chunkBytes) {
        this.rank = rank;
        this.size = size;
        this.spec = spec;
        this.transport = transport;
        this.rendezvous = rendezvous;
        this.selector = selector;
        this.timeoutNanos = timeoutNanos;
        this.chunkBytes = chunkBytes;
        int concurrent = Configuration.intProperty(Configuration.PROP_ASYNC_COLLECTIVES,
                Configuration.DEFAULT_ASYNC_COLLECTIVES);
        this.asyncRunner = new ThreadPoolExecutor(concurrent, concurrent, 1, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "jccl-async-r" + rank);
                    t.setDaemon(true);
                    return t;
                });
        asyncRunner.allowCoreThreadTimeOut(true);
        Progress p = transport.progress();
        if (p != null) {
            this.ownThread = null;
            this.jobs = p::execute;
        } else {
            this.ownThread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "jccl-comm-r" + rank);
                t.setDaemon(true);
                return t;
            });
            this.jobs = ownThread;
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    // ---- collectives ----------------------------------------------------------------------

    @Override
    public void broadcast(ByteBuffer buf, int root) {
        run(broadcastCall(buf, root));
    }

    @Override
    public CompletableFuture<Void> broadcastAsync(ByteBuffer buf, int root) {
        return async(() -> broadcastCall(buf, root));
    }

    private Call broadcastCall(ByteBuffer buf, int root) {
        ArgumentCheck c = usable("broadcast").root(root);
        if (rank == root) {
            c.present("broadcast", buf);
        } else {
            c.writable("broadcast", buf);
        }
        ByteBuffer data = Windows.of(buf);
        String algo = selector.choose(Collective.BROADCAST, data.remaining(), size);
        return collective(Collective.BROADCAST, "broadcast", algo, data.remaining(), null, null, root, null, x -> {
            if (algo.equals(PipelinedChainBroadcast.NAME)) {
                PipelinedChainBroadcast.run(x, data, root);
            } else {
                BinomialBroadcast.run(x, data, root);
            }
        });
    }

    @Override
    public void scatter(ByteBuffer send, ByteBuffer recv, int root) {
        run(scatterCall("scatter", send, null, recv, root));
    }

    @Override
    public CompletableFuture<Void> scatterAsync(ByteBuffer send, ByteBuffer recv, int root) {
        return async(() -> scatterCall("scatter", send, null, recv, root));
    }

    @Override
    public void scatterV(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int root) {
        run(scatterCall("scatterV", send, sendCounts, recv, root));
    }

    @Override
    public CompletableFuture<Void> scatterVAsync(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int root) {
        return async(() -> scatterCall("scatterV", send, sendCounts, recv, root));
    }

    private Call scatterCall(String op, ByteBuffer send, int[] counts, ByteBuffer recv, int root) {
        ArgumentCheck c = usable(op).root(root).writable("receive", recv);
        boolean inPlace = rank == root && send == recv;
        BlockLayout blocks;
        if (counts != null) {
            int total = c.counts("sendCounts", counts, 1);
            blocks = BlockLayout.of(counts);
            if (rank == root) {
                c.present("send", send).length("send", send, total, "the sum of sendCounts");
            }
            if (!inPlace) {
                c.length("receive", recv, counts[rank], "sendCounts[" + rank + "]");
            }
        } else if (inPlace) {
            c.divisible("send", send);
            blocks = BlockLayout.uniform(send.remaining() / size, size);
        } else {
            blocks = BlockLayout.uniform(recv.remaining(), size);
            if (rank == root) {
                c.present("send", send).length("send", send, c.times(recv.remaining()), size + " blocks of the receive window");
            }
        }
        ByteBuffer s = rank == root ? Windows.of(send) : null;
        ByteBuffer r = inPlace ? blocks.window(s, root) : Windows.of(recv);
        return collective(Collective.SCATTER, op, BinomialScatter.NAME, blocks.total(), null, null, root, counts,
                x -> BinomialScatter.run(x, s, r, blocks, root));
    }

    @Override
    public void gather(ByteBuffer send, ByteBuffer recv, int root) {
        run(gatherCall("gather", send, recv, null, root));
    }

    @Override
    public CompletableFuture<Void> gatherAsync(ByteBuffer send, ByteBuffer recv, int root) {
        return async(() -> gatherCall("gather", send, recv, null, root));
    }

    @Override
    public void gatherV(ByteBuffer send, ByteBuffer recv, int[] recvCounts, int root) {
        run(gatherCall("gatherV", send, recv, recvCounts, root));
    }

    @Override
    public CompletableFuture<Void> gatherVAsync(ByteBuffer send, ByteBuffer recv, int[] recvCounts, int root) {
        return async(() -> gatherCall("gatherV", send, recv, recvCounts, root));
    }

    private Call gatherCall(String op, ByteBuffer send, ByteBuffer recv, int[] counts, int root) {
        ArgumentCheck c = usable(op).root(root).present("send", send);
        boolean inPlace = rank == root && send == recv;
        BlockLayout blocks;
        if (counts != null) {
            int total = c.counts("recvCounts", counts, 1);
            blocks = BlockLayout.of(counts);
            if (rank == root) {
                c.writable("receive", recv).length("receive", recv, total, "the sum of recvCounts");
            }
            if (!inPlace) {
                c.length("send", send, counts[rank], "recvCounts[" + rank + "]");
            }
        } else if (inPlace) {
            c.writable("receive", recv).divisible("receive", recv);
            blocks = BlockLayout.uniform(recv.remaining() / size, size);
        } else {
            blocks = BlockLayout.uniform(send.remaining(), size);
            if (rank == root) {
                c.writable("receive", recv).length("receive", recv, c.times(send.remaining()), size + " blocks of the send window");
            }
        }
        ByteBuffer r = rank == root ? Windows.of(recv) : null;
        ByteBuffer s = inPlace ? blocks.window(r, root) : Windows.of(send);
        return collective(Collective.GATHER, op, BinomialGather.NAME, blocks.total(), null, null, root, counts,
                x -> BinomialGather.run(x, s, r, blocks, root));
    }

    @Override
    public void allGather(ByteBuffer send, ByteBuffer recv) {
        run(allGatherCall("allGather", send, recv, null));
    }

    @Override
    public CompletableFuture<Void> allGatherAsync(ByteBuffer send, ByteBuffer recv) {
        return async(() -> allGatherCall("allGather", send, recv, null));
    }

    @Override
    public void allGatherV(ByteBuffer send, ByteBuffer recv, int[] recvCounts) {
        run(allGatherCall("allGatherV", send, recv, recvCounts));
    }

    @Override
    public CompletableFuture<Void> allGatherVAsync(ByteBuffer send, ByteBuffer recv, int[] recvCounts) {
        return async(() -> allGatherCall("allGatherV", send, recv, recvCounts));
    }

    private Call allGatherCall(String op, ByteBuffer send, ByteBuffer recv, int[] counts) {
        ArgumentCheck c = usable(op).present("send", send).writable("receive", recv);
        boolean inPlace = send == recv;
        BlockLayout blocks;
        if (counts != null) {
            int total = c.counts("recvCounts", counts, 1);
            blocks = BlockLayout.of(counts);
            c.length("receive", recv, total, "the sum of recvCounts");
            if (!inPlace) {
                c.length("send", send, counts[rank], "recvCounts[" + rank + "]");
            }
        } else if (inPlace) {
            c.divisible("receive", recv);
            blocks = BlockLayout.uniform(recv.remaining() / size, size);
        } else {
            blocks = BlockLayout.uniform(send.remaining(), size);
            c.length("receive", recv, c.times(send.remaining()), size + " blocks of the send window");
        }
        ByteBuffer data = Windows.of(recv);
        ByteBuffer own = inPlace ? null : Windows.of(send);
        String algo = selector.choose(Collective.ALLGATHER, blocks.total(), size);
        return collective(Collective.ALLGATHER, op, algo, blocks.total(), null, null, -1, counts, x -> {
            if (own != null) {
                Windows.copy(own, blocks.window(data, rank));
            }
            if (algo.equals(BruckAllGather.NAME)) {
                BruckAllGather.run(x, data, blocks);
            } else {
                RingAllGather.run(x, data, blocks);
            }
        });
    }

    @Override
    public void reduce(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op, int root) {
        run(reduceCall(send, recv, type, op, root));
    }

    @Override
    public CompletableFuture<Void> reduceAsync(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op, int root) {
        return async(() -> reduceCall(send, recv, type, op, root));
    }

    private Call reduceCall(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op, int root) {
        ArgumentCheck c = usable("reduce").root(root).typed(type, op).present("send", send).wholeElements("send", send, type);
        if (rank == root) {
            c.writable("receive", recv).length("receive", recv, send.remaining(), "the send window's length")
                    .sameOrder(send, recv);
        }
        ByteBuffer s = Windows.of(send);
        ByteBuffer r = rank != root ? null : send == recv ? s : Windows.of(recv);
        String algo = selector.choose(Collective.REDUCE, s.remaining(), size);
        return collective(Collective.REDUCE, "reduce", algo, s.remaining(), type, op, root, null, x -> {
            if (algo.equals(ReduceScatterGatherReduce.NAME)) {
                ReduceScatterGatherReduce.run(x, s, r, type, op, root);
            } else {
                BinomialReduce.run(x, s, r, type, op, root);
            }
        });
    }

    @Override
    public void allReduce(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op) {
        run(allReduceCall(send, recv, type, op));
    }

    @Override
    public CompletableFuture<Void> allReduceAsync(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op) {
        return async(() -> allReduceCall(send, recv, type, op));
    }

    private Call allReduceCall(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op) {
        ArgumentCheck c = usable("allReduce").typed(type, op).present("send", send).writable("receive", recv)
                .wholeElements("send", send, type);
        c.length("receive", recv, send.remaining(), "the send window's length").sameOrder(send, recv);
        ByteBuffer data = Windows.of(recv);
        ByteBuffer own = send == recv ? null : Windows.of(send);
        String algo = selector.choose(Collective.ALLREDUCE, data.remaining(), size);
        return collective(Collective.ALLREDUCE, "allReduce", algo, data.remaining(), type, op, -1, null, x -> {
            if (own != null) {
                Windows.copy(own, data);
            }
            if (algo.equals(RingAllReduce.NAME)) {
                RingAllReduce.run(x, data, type, op);
            } else if (algo.equals(HalvingDoublingAllReduce.NAME)) {
                HalvingDoublingAllReduce.run(x, data, type, op);
            } else {
                RecursiveDoublingAllReduce.run(x, data, type, op);
            }
        });
    }

    @Override
    public void reduceScatter(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op) {
        run(reduceScatterCall("reduceScatter", send, recv, null, type, op));
    }

    @Override
    public CompletableFuture<Void> reduceScatterAsync(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op) {
        return async(() -> reduceScatterCall("reduceScatter", send, recv, null, type, op));
    }

    @Override
    public void reduceScatterV(ByteBuffer send, ByteBuffer recv, int[] recvCounts, DataType type, ReduceOp op) {
        run(reduceScatterCall("reduceScatterV", send, recv, recvCounts, type, op));
    }

    @Override
    public CompletableFuture<Void> reduceScatterVAsync(ByteBuffer send, ByteBuffer recv, int[] recvCounts, DataType type,
                                                       ReduceOp op) {
        return async(() -> reduceScatterCall("reduceScatterV", send, recv, recvCounts, type, op));
    }

    private Call reduceScatterCall(String name, ByteBuffer send, ByteBuffer recv, int[] counts, DataType type, ReduceOp op) {
        ArgumentCheck c = usable(name).typed(type, op).present("send", send).writable("receive", recv).sameOrder(send, recv);
        boolean inPlace = send == recv;
        BlockLayout blocks;
        if (counts != null) {
            int total = c.counts("recvCounts", counts, type.size());
            int[] bytes = new int[size];
            for (int i = 0; i < size; i++) {
                bytes[i] = counts[i] * type.size();
            }
            blocks = BlockLayout.of(bytes);
            c.length("send", send, total, "the sum of recvCounts, in " + type + " elements");
            if (!inPlace) {
                c.length("receive", recv, bytes[rank], "recvCounts[" + rank + "] " + type + " elements");
            }
        } else {
            int block;
            if (inPlace) {
                c.divisible("send", send);
                block = send.remaining() / size;
            } else {
                block = recv.remaining();
                c.length("send", send, c.times(block), size + " blocks of the receive window");
            }
            if (block % type.size() != 0) {
                throw c.fail("block of " + block + " B is not a whole number of " + type + " elements");
            }
            blocks = BlockLayout.uniform(block, size);
        }
        ByteBuffer s = Windows.of(send);
        ByteBuffer r = inPlace ? blocks.window(s, rank) : Windows.of(recv);
        String algo = selector.choose(Collective.REDUCESCATTER, blocks.total(), size);
        return collective(Collective.REDUCESCATTER, name, algo, blocks.total(), type, op, -1, counts, x -> {
            if (algo.equals(RecursiveHalvingReduceScatter.NAME)) {
                RecursiveHalvingReduceScatter.run(x, s, blocks, r, type, op);
            } else {
                RingReduceScatter.outOfPlace(x, s, blocks, r, type, op);
            }
            if (op == ReduceOp.AVG) {
                ReductionKernel.divide(r, type, size);
            }
        });
    }

    @Override
    public void allToAll(ByteBuffer send, ByteBuffer recv) {
        run(allToAllCall(send, null, recv, null));
    }

    @Override
    public CompletableFuture<Void> allToAllAsync(ByteBuffer send, ByteBuffer recv) {
        return async(() -> allToAllCall(send, null, recv, null));
    }

    @Override
    public void allToAllV(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int[] recvCounts) {
        run(allToAllCall(send, sendCounts, recv, recvCounts));
    }

    @Override
    public CompletableFuture<Void> allToAllVAsync(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int[] recvCounts) {
        return async(() -> allToAllCall(send, sendCounts, recv, recvCounts));
    }

    private Call allToAllCall(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int[] recvCounts) {
        String op = sendCounts == null ? "allToAll" : "allToAllV";
        ArgumentCheck c = usable(op).present("send", send).writable("receive", recv);
        BlockLayout sendBlocks;
        BlockLayout recvBlocks;
        if (sendCounts != null) {
            c.length("send", send, c.counts("sendCounts", sendCounts, 1), "the sum of sendCounts");
            c.length("receive", recv, c.counts("recvCounts", recvCounts, 1), "the sum of recvCounts");
            sendBlocks = BlockLayout.of(sendCounts);
            recvBlocks = BlockLayout.of(recvCounts);
        } else {
            c.divisible("send", send).length("receive", recv, send.remaining(), "the send window's length");
            sendBlocks = BlockLayout.uniform(send.remaining() / size, size);
            recvBlocks = sendBlocks;
        }
        ByteBuffer r = Windows.of(recv);
        ByteBuffer s = send == recv ? r : Windows.of(send);
        // per-rank counts legitimately differ in allToAllV; the transport checks each message's length
        Call call = collective(Collective.ALLTOALL, op, PairwiseAllToAll.NAME, sendCounts == null ? sendBlocks.total() : -1,
                null, null, -1, null, x -> PairwiseAllToAll.run(x, s, sendBlocks, r, recvBlocks));
        // whose totals differ between ranks: none bounds every rank's messages alike
        return new Call(call.operation(), call.algorithm(), Math.max(sendBlocks.total(), recvBlocks.total()),
                call.pointToPointTag(), call.signature(), call.body(), sendCounts == null ? call.longest() : Long.MAX_VALUE);
    }

    @Override
    public void barrier() {
        run(barrierCall());
    }

    @Override
    public CompletableFuture<Void> barrierAsync() {
        return async(this::barrierCall);
    }

    private Call barrierCall() {
        usable("barrier");
        return collective(Collective.BARRIER, "barrier", DisseminationBarrier.NAME, 0, null, null, -1, null,
                DisseminationBarrier::run);
    }

    @Override
    public void send(ByteBuffer buf, int peer, int tag) {
        run(sendCall(buf, peer, tag));
    }

    @Override
    public CompletableFuture<Void> sendAsync(ByteBuffer buf, int peer, int tag) {
        return post("send", true, buf, peer, tag);
    }

    private Call sendCall(ByteBuffer buf, int peer, int tag) {
        ArgumentCheck c = usable("send").peer(peer).present("send", buf);
        ByteBuffer w = Windows.of(buf);
        return new Call("send", "direct", w.remaining(), userTag(c, tag), null, x -> x.await(x.isend(peer, w)));
    }

    @Override
    public void recv(ByteBuffer buf, int peer, int tag) {
        run(recvCall(buf, peer, tag));
    }

    @Override
    public CompletableFuture<Void> recvAsync(ByteBuffer buf, int peer, int tag) {
        return post("recv", false, buf, peer, tag);
    }

    private Call recvCall(ByteBuffer buf, int peer, int tag) {
        ArgumentCheck c = usable("recv").peer(peer).writable("receive", buf);
        ByteBuffer w = Windows.of(buf);
        return new Call("recv", "direct", w.remaining(), userTag(c, tag), null, x -> x.await(x.irecv(peer, w)));
    }

    /**
     * An asynchronous send or receive: checked here, then posted by a job that returns at once (in
     * call order with every other call), so that messages posted back to back overlap on the wire.
     */
    private CompletableFuture<Void> post(String op, boolean send, ByteBuffer buf, int peer, int tag) {
        ByteBuffer w;
        long wireTag;
        try {
            ArgumentCheck c = usable(op).peer(peer);
            if (send) {
                c.present("send", buf);
            } else {
                c.writable("receive", buf);
            }
            w = Windows.of(buf);
            wireTag = userTag(c, tag);
        } catch (JcclException e) {
            return CompletableFuture.failedFuture(e);
        }
        PostedMessage m = new PostedMessage(rank, op, send, peer, w.remaining(), this::breakWith, status);
        m.startClock(timeoutNanos);
        jobs.execute(() -> {
            try {
                usable(op);
                if (send) {
                    transport.send(peer, wireTag, w, m);
                } else {
                    transport.recv(peer, wireTag, w, m);
                }
            } catch (JcclException e) {
                m.refuse(e);
            } catch (RuntimeException e) {
                m.refuse(new JcclException(rank, op, "internal error: " + e, e));
            }
        });
        return m.future();
    }

    private static long userTag(ArgumentCheck c, int tag) {
        if (tag < 0) {
            throw c.fail("tag " + tag + " is negative");
        }
        return Tags.pointToPoint(tag);
    }

    // ---- array conveniences ---------------------------------------------------------------

    @Override
    public void allReduce(float[] data, ReduceOp op) {
        ByteBuffer b = staging(4L * data.length);
        stagingFloats.put(0, data);
        allReduce(b, b, DataType.FLOAT32, op);
        stagingFloats.get(0, data);
    }

    @Override
    public void allReduce(double[] data, ReduceOp op) {
        ByteBuffer b = staging(8L * data.length);
        stagingDoubles.put(0, data);
        allReduce(b, b, DataType.FLOAT64, op);
        stagingDoubles.get(0, data);
    }

    @Override
    public void allReduce(int[] data, ReduceOp op) {
        ByteBuffer b = staging(4L * data.length);
        stagingInts.put(0, data);
        allReduce(b, b, DataType.INT32, op);
        stagingInts.get(0, data);
    }

    @Override
    public void allReduce(long[] data, ReduceOp op) {
        ByteBuffer b = staging(8L * data.length);
        stagingLongs.put(0, data);
        allReduce(b, b, DataType.INT64, op);
        stagingLongs.get(0, data);
    }

    @Override
    public void broadcast(byte[] data, int root) {
        ByteBuffer b = staging(data.length);
        b.put(0, data);
        broadcast(b, root);
        b.get(0, data);
    }

    /**
     * The pooled direct staging buffer (native order), its limit set to {@code bytes}. It only grows,
     * and its typed views are made when it does, so a call in steady state allocates nothing here.
     */
    private ByteBuffer staging(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new JcclException(rank, "allReduce", "array of " + bytes + " B exceeds the 2 GiB buffer limit");
        }
        if (staging == null || staging.capacity() < bytes) {
            staging = ByteBuffer.allocateDirect((int) Math.max(bytes, 2L * (staging == null ? 0 : staging.capacity())))
                    .order(ByteOrder.nativeOrder());
            stagingFloats = staging.asFloatBuffer();
            stagingDoubles = staging.asDoubleBuffer();
            stagingInts = staging.asIntBuffer();
            stagingLongs = staging.asLongBuffer();
        }
        return staging.clear().limit((int) bytes);
    }

    // ---- split ----------------------------------------------------------------------------

    @Override
    public Communicator split(int color, int key) {
        usable("split");
        ByteBuffer mine = ByteBuffer.allocateDirect(8).putInt(0, color).putInt(4, key);
        ByteBuffer all = ByteBuffer.allocateDirect(8 * size);
        allGather(mine, all);
        long split = ++splits;
        if (color < 0) {
            return null;
        }
        List<int[]> members = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            if (all.getInt(8 * r) == color) {
                members.add(new int[] {all.getInt(8 * r + 4), r});
            }
        }
        members.sort(Comparator.<int[]>comparingInt(m -> m[0]).thenComparingInt(m -> m[1]));
        int[] parentRanks = members.stream().mapToInt(m -> m[1]).toArray();
        int me = 0;
        while (parentRanks[me] != rank) {
            me++;
        }
        long job = mix(spec.jobId() ^ mix(split) ^ mix(~(long) color));
        PeerBootstrap boot = new PeerBootstrap(this::runWithTag, parentRanks, me, split);
        Transport t = spec.open(me, parentRanks.length, job, boot);
        try {
            boot.barrier();
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return new TransportCommunicator(me, parentRanks.length, spec.withJob(job), t, () -> { }, selector,
                timeoutNanos, chunkBytes);
    }

    private void runWithTag(String operation, long tag, Consumer<Exchange> body) {
        run(new Call(operation, "bootstrap", 0, tag, null, body));
    }

    private static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        return x ^ (x >>> 29);
    }

    // ---- running calls --------------------------------------------------------------------

    private Call collective(Collective c, String operation, String algo, long bytes, DataType type, ReduceOp op, int root,
                            int[] counts, Consumer<Exchange> body) {
        long count = bytes < 0 || type == null ? bytes : bytes / type.size();
        return new Call(operation, algo, Math.max(0, bytes), -1,
                Signature.of(operation, algo, c.algorithms(), count, type, op, root, counts), body);
    }

    private void run(Call call) {
        if (onJobThread()) {
            execute(call, nextTag(call), sequence);
            return;
        }
        long tag = nextTag(call);
        long seq = sequence;
        Progress p = transport.progress();
        if (p != null && p.runInCaller(() -> execute(call, tag, seq))) {
            return;
        }
        CollectiveJob job = new CollectiveJob(() -> execute(call, tag, seq), null);
        jobs.execute(job);
        job.await();
    }

    private CompletableFuture<Void> async(Supplier<Call> make) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Call call;
        try {
            call = make.get();
        } catch (JcclException e) {
            f.completeExceptionally(e);
            return f;
        }
        long tag = nextTag(call);
        long seq = sequence;
        try {
            asyncRunner.execute(new CollectiveJob(() -> execute(call, tag, seq), f));
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new JcclException(rank, call.operation(), "the communicator is closed"));
        }
        return f;
    }

    private long nextTag(Call call) {
        return call.pointToPointTag() >= 0 ? call.pointToPointTag() : Tags.collective(++sequence);
    }

    private boolean onJobThread() {
        Progress p = transport.progress();
        return p != null && p.inProgressThread();
    }

    /** Runs on the job thread. */
    private void execute(Call call, long tag, long seq) {
        usable(call.operation());
        Signature signature = CHECK_ARGUMENTS && size > 1 ? call.signature() : null;
        // no message of a collective is longer than its largest buffer
        int limit = transport.checkedMessageBytes();
        boolean checked = signature != null && (limit == Integer.MAX_VALUE || call.longest() <= limit);
        ScratchPool pool = scratch.poll();
        if (pool == null) {
            pool = new ScratchPool();
        }
        Exchange x = new Exchange(transport, rank, size, call.operation(), tag, checked ? signature.word() : 0, seq,
                timeoutNanos, pool, chunkBytes, status);
        status.begin(call.operation(), call.algorithm(), seq, call.bytes());
        try {
            if (signature != null && !checked) {
                ArgumentAgreement.verify(x, call.operation(), signature);
            }
            call.body().accept(x);
        } catch (CheckMismatch e) {
            JcclException m = signature == null ? e : ArgumentAgreement.named(rank, call.operation(), signature, e);
            breakWith(m);
            throw m;
        } catch (JcclException e) {
            JcclException m = ArgumentAgreement.reported(rank, call.operation(), e);
            breakWith(m != null ? m : e);
            throw m != null ? m : e;
        } catch (RuntimeException e) {
            JcclException j = new JcclException(rank, call.operation(), "internal error: " + e, e);
            breakWith(j);
            throw j;
        } finally {
            status.end();
            scratch.add(pool);
        }
    }

    private ArgumentCheck usable(String op) {
        if (closed) {
            throw new JcclException(rank, op, "the communicator is closed");
        }
        JcclException b = broken;
        if (b != null) {
            throw new JcclException(rank, op, "the communicator is broken by an earlier failure: " + b.getMessage(), b);
        }
        return new ArgumentCheck(rank, size, op);
    }

    private void breakWith(JcclException e) {
        if (broken == null) {
            broken = e;
        }
        transport.abort(e);
    }

    @Override
    public void abort() {
        JcclException e = new JcclException(rank, "abort", "rank " + rank + " aborted the communicator");
        if (broken == null) {
            broken = e;
        }
        transport.abort(e);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            transport.close();
        } finally {
            if (ownThread != null) {
                ownThread.shutdown();
            }
            asyncRunner.shutdown();
            scratch.forEach(ScratchPool::release);
            scratch.clear();
            try {
                rendezvous.close();
            } catch (Exception e) {
                // the store only served start-up; nothing depends on closing it cleanly
            }
        }
    }

    /** Rank, transport and what this rank is doing now; the tests print it when a deadline fires. */
    @Override
    public String toString() {
        return "jccl rank " + rank + "/" + size + " over " + spec.provider().name() + ": "
                + (closed ? "closed" : broken != null ? "broken (" + broken.getMessage() + ")" : status.describe());
    }
}
