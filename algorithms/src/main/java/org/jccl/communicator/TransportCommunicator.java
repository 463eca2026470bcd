package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.jccl.algorithms.AlgorithmSelector;
import org.jccl.algorithms.BinomialBroadcast;
import org.jccl.algorithms.BinomialGather;
import org.jccl.algorithms.BinomialReduce;
import org.jccl.algorithms.BinomialScatter;
import org.jccl.algorithms.BlockLayout;
import org.jccl.algorithms.Collective;
import org.jccl.algorithms.DisseminationBarrier;
import org.jccl.algorithms.PairwiseAllToAll;
import org.jccl.algorithms.PipelinedChainBroadcast;
import org.jccl.algorithms.RecursiveDoublingAllReduce;
import org.jccl.algorithms.ReduceScatterGatherReduce;
import org.jccl.algorithms.RingAllGather;
import org.jccl.algorithms.RingAllReduce;
import org.jccl.algorithms.RingReduceScatter;
import org.jccl.core.CommunicatorStatus;
import org.jccl.core.Exchange;
import org.jccl.core.ProgressJob;
import org.jccl.core.ScratchPool;
import org.jccl.core.Tags;
import org.jccl.core.Windows;
import org.jccl.reduce.ReductionKernel;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;

/**
 * The communicator: checks arguments, picks an algorithm, runs it over the transport, and turns
 * any failure after the first message into a broken communicator on every rank.
 */
public final class TransportCommunicator implements Communicator {
    private final int rank;
    private final int size;
    private final int commId;
    private final String transportName;
    private final Transport transport;
    private final AutoCloseable rendezvous;
    private final AlgorithmSelector selector;
    private final long timeoutNanos;
    private final int chunkBytes;
    private final ScratchPool scratch = new ScratchPool();
    private final CommunicatorStatus status = new CommunicatorStatus();
    private long sequence;
    private volatile JcclException broken;
    private volatile boolean closed;

    TransportCommunicator(int rank, int size, int commId, String transportName, Transport transport,
                          AutoCloseable rendezvous, AlgorithmSelector selector, long timeoutNanos, int chunkBytes) {
        this.rank = rank;
        this.size = size;
        this.commId = commId;
        this.transportName = transportName;
        this.transport = transport;
        this.rendezvous = rendezvous;
        this.selector = selector;
        this.timeoutNanos = timeoutNanos;
        this.chunkBytes = chunkBytes;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void broadcast(ByteBuffer buf, int root) {
        ArgumentCheck c = check(Collective.BROADCAST).root(root);
        if (rank == root) {
            c.present("broadcast", buf);
        } else {
            c.writable("broadcast", buf);
        }
        ByteBuffer data = Windows.of(buf);
        String algo = selector.choose(Collective.BROADCAST, data.remaining(), size);
        run(Collective.BROADCAST, algo, data.remaining(), x -> {
            if (algo.equals(PipelinedChainBroadcast.NAME)) {
                PipelinedChainBroadcast.run(x, data, root);
            } else {
                BinomialBroadcast.run(x, data, root);
            }
        });
    }

    @Override
    public void scatter(ByteBuffer send, ByteBuffer recv, int root) {
        ArgumentCheck c = check(Collective.SCATTER).root(root).writable("receive", recv);
        boolean inPlace = send == recv;
        int block;
        if (rank == root && inPlace) {
            c.divisible("send", send);
            block = send.remaining() / size;
        } else {
            block = recv.remaining();
            if (rank == root) {
                c.present("send", send).length("send", send, c.times(block), size + " blocks of the receive window");
            }
        }
        BlockLayout blocks = BlockLayout.uniform(block, size);
        ByteBuffer s = rank == root ? Windows.of(send) : null;
        ByteBuffer r = rank == root && inPlace ? blocks.window(s, root) : Windows.of(recv);
        run(Collective.SCATTER, BinomialScatter.NAME, block, x -> BinomialScatter.run(x, s, r, blocks, root));
    }

    @Override
    public void gather(ByteBuffer send, ByteBuffer recv, int root) {
        ArgumentCheck c = check(Collective.GATHER).root(root).present("send", send);
        boolean inPlace = send == recv;
        int block;
        if (rank == root && inPlace) {
            c.writable("receive", recv).divisible("receive", recv);
            block = recv.remaining() / size;
        } else {
            block = send.remaining();
            if (rank == root) {
                c.writable("receive", recv).length("receive", recv, c.times(block), size + " blocks of the send window");
            }
        }
        BlockLayout blocks = BlockLayout.uniform(block, size);
        ByteBuffer r = rank == root ? Windows.of(recv) : null;
        ByteBuffer s = rank == root && inPlace ? blocks.window(r, root) : Windows.of(send);
        run(Collective.GATHER, BinomialGather.NAME, block, x -> BinomialGather.run(x, s, r, blocks, root));
    }

    @Override
    public void allGather(ByteBuffer send, ByteBuffer recv) {
        ArgumentCheck c = check(Collective.ALLGATHER).present("send", send).writable("receive", recv);
        boolean inPlace = send == recv;
        int block;
        if (inPlace) {
            c.divisible("receive", recv);
            block = recv.remaining() / size;
        } else {
            block = send.remaining();
            c.length("receive", recv, c.times(block), size + " blocks of the send window");
        }
        BlockLayout blocks = BlockLayout.uniform(block, size);
        ByteBuffer data = Windows.of(recv);
        if (!inPlace) {
            Windows.copy(send, blocks.window(data, rank));
        }
        run(Collective.ALLGATHER, RingAllGather.NAME, block, x -> RingAllGather.run(x, data, blocks));
    }

    @Override
    public void reduce(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op, int root) {
        ArgumentCheck c = check(Collective.REDUCE).root(root).typed(type, op).present("send", send)
                .wholeElements("send", send, type);
        boolean inPlace = send == recv;
        if (rank == root) {
            c.writable("receive", recv).length("receive", recv, send.remaining(), "the send window's length")
                    .sameOrder(send, recv);
        }
        ByteBuffer s = Windows.of(send);
        ByteBuffer r = rank != root ? null : inPlace ? s : Windows.of(recv);
        String algo = selector.choose(Collective.REDUCE, s.remaining(), size);
        run(Collective.REDUCE, algo, s.remaining(), x -> {
            if (algo.equals(ReduceScatterGatherReduce.NAME)) {
                ReduceScatterGatherReduce.run(x, s, r, type, op, root);
            } else {
                BinomialReduce.run(x, s, r, type, op, root);
            }
        });
    }

    @Override
    public void allReduce(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op) {
        ArgumentCheck c = check(Collective.ALLREDUCE).typed(type, op).present("send", send)
                .writable("receive", recv).wholeElements("send", send, type);
        c.length("receive", recv, send.remaining(), "the send window's length").sameOrder(send, recv);
        ByteBuffer data = Windows.of(recv);
        if (send != recv) {
            Windows.copy(send, data);
        }
        String algo = selector.choose(Collective.ALLREDUCE, data.remaining(), size);
        run(Collective.ALLREDUCE, algo, data.remaining(), x -> {
            if (algo.equals(RingAllReduce.NAME)) {
                RingAllReduce.run(x, data, type, op);
            } else {
                RecursiveDoublingAllReduce.run(x, data, type, op);
            }
        });
    }

    @Override
    public void reduceScatter(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op) {
        ArgumentCheck c = check(Collective.REDUCESCATTER).typed(type, op).present("send", send)
                .writable("receive", recv).sameOrder(send, recv);
        boolean inPlace = send == recv;
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
        BlockLayout blocks = BlockLayout.uniform(block, size);
        ByteBuffer s = Windows.of(send);
        ByteBuffer r = inPlace ? blocks.window(s, rank) : Windows.of(recv);
        run(Collective.REDUCESCATTER, RingReduceScatter.NAME, block, x -> {
            RingReduceScatter.outOfPlace(x, s, blocks, r, type, op);
            if (op == ReduceOp.AVG) {
                ReductionKernel.divide(r, type, size);
            }
        });
    }

    @Override
    public void allToAll(ByteBuffer send, ByteBuffer recv) {
        ArgumentCheck c = check(Collective.ALLTOALL).present("send", send).writable("receive", recv).divisible("send", send);
        c.length("receive", recv, send.remaining(), "the send window's length");
        BlockLayout blocks = BlockLayout.uniform(send.remaining() / size, size);
        ByteBuffer r = Windows.of(recv);
        ByteBuffer s = send == recv ? r : Windows.of(send);
        run(Collective.ALLTOALL, PairwiseAllToAll.NAME, blocks.length(0), x -> PairwiseAllToAll.run(x, s, blocks, r, blocks));
    }

    @Override
    public void barrier() {
        check(Collective.BARRIER);
        run(Collective.BARRIER, DisseminationBarrier.NAME, 0, DisseminationBarrier::run);
    }

    @Override
    public void send(ByteBuffer buf, int peer, int tag) {
        ArgumentCheck c = usable("send").peer(peer).present("send", buf);
        pointToPoint(c, "send", tag, buf, x -> x.await(x.isend(peer, Windows.of(buf))));
    }

    @Override
    public void recv(ByteBuffer buf, int peer, int tag) {
        ArgumentCheck c = usable("recv").peer(peer).writable("receive", buf);
        pointToPoint(c, "recv", tag, buf, x -> x.await(x.irecv(peer, Windows.of(buf))));
    }

    private void pointToPoint(ArgumentCheck c, String op, int tag, ByteBuffer buf, Consumer<Exchange> body) {
        if (tag < 0) {
            throw c.fail("tag " + tag + " is negative");
        }
        Exchange x = new Exchange(transport, rank, size, op, Tags.pointToPoint(commId, tag), sequence, timeoutNanos,
                scratch, chunkBytes, status);
        execute(op, "direct", buf.remaining(), x, body);
    }

    private ArgumentCheck check(Collective c) {
        return usable(c.operation());
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

    private void run(Collective c, String algo, long bytes, Consumer<Exchange> body) {
        long seq = ++sequence;
        Exchange x = new Exchange(transport, rank, size, c.operation(), Tags.collective(commId, seq), seq,
                timeoutNanos, scratch, chunkBytes, status);
        execute(c.operation(), algo, bytes, x, body);
    }

    private void execute(String op, String algo, long bytes, Exchange x, Consumer<Exchange> body) {
        Progress p = transport.progress();
        if (p == null || p.inProgressThread()) {
            runBody(op, algo, bytes, x, body);
            return;
        }
        ProgressJob job = new ProgressJob(() -> runBody(op, algo, bytes, x, body));
        p.execute(job);
        job.await();
    }

    private void runBody(String op, String algo, long bytes, Exchange x, Consumer<Exchange> body) {
        status.begin(op, algo, sequence, bytes);
        try {
            body.accept(x);
        } catch (JcclException e) {
            breakWith(e);
            throw e;
        } catch (RuntimeException e) {
            JcclException j = new JcclException(rank, op, "internal error: " + e, e);
            breakWith(j);
            throw j;
        } finally {
            status.end();
        }
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
            scratch.release();
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
        return "jccl rank " + rank + "/" + size + " over " + transportName + ": "
                + (closed ? "closed" : broken != null ? "broken (" + broken.getMessage() + ")" : status.describe());
    }
}
