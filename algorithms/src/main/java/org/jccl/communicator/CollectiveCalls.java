package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.algorithms.AlgorithmSelector;
import org.jccl.algorithms.BinomialBroadcast;
import org.jccl.algorithms.BinomialGather;
import org.jccl.algorithms.BinomialReduce;
import org.jccl.algorithms.BinomialScatter;
import org.jccl.algorithms.BlockLayout;
import org.jccl.algorithms.BruckAllGather;
import org.jccl.algorithms.BruckAllToAll;
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
import org.jccl.core.Schedule;
import org.jccl.core.Tags;
import org.jccl.core.Windows;

/**
 * Turns each API call into a {@link Call}: checks its arguments on the caller's thread (bad ones are
 * refused before anything is sent), lays out its blocks, chooses its algorithm and binds the
 * schedule that runs it. Nothing here sends anything.
 */
final class CollectiveCalls {
    private final int rank;
    private final int size;
    private final AlgorithmSelector selector;
    /** The check of a call's arguments, after the communicator's own: not closed, not broken. */
    private final Function<String, ArgumentCheck> usable;

    CollectiveCalls(int rank, int size, AlgorithmSelector selector, Function<String, ArgumentCheck> usable) {
        this.rank = rank;
        this.size = size;
        this.selector = selector;
        this.usable = usable;
    }

    Call broadcast(ByteBuffer buf, int root) {
        ArgumentCheck c = usable.apply("broadcast").root(root);
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

    Call scatter(String op, ByteBuffer send, int[] counts, ByteBuffer recv, int root) {
        ArgumentCheck c = usable.apply(op).root(root).writable("receive", recv);
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

    Call gather(String op, ByteBuffer send, ByteBuffer recv, int[] counts, int root) {
        ArgumentCheck c = usable.apply(op).root(root).present("send", send);
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

    Call allGather(String op, ByteBuffer send, ByteBuffer recv, int[] counts) {
        ArgumentCheck c = usable.apply(op).present("send", send).writable("receive", recv);
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
                x.copy(own, blocks.window(data, rank));
            }
            if (algo.equals(BruckAllGather.NAME)) {
                BruckAllGather.run(x, data, blocks);
            } else {
                RingAllGather.run(x, data, blocks);
            }
        });
    }

    Call reduce(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op, int root) {
        ArgumentCheck c = usable.apply("reduce").root(root).typed(type, op).present("send", send).wholeElements("send", send, type);
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

    Call allReduce(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op) {
        ArgumentCheck c = usable.apply("allReduce").typed(type, op).present("send", send).writable("receive", recv)
                .wholeElements("send", send, type);
        c.length("receive", recv, send.remaining(), "the send window's length").sameOrder(send, recv);
        ByteBuffer data = Windows.of(recv);
        ByteBuffer own = send == recv ? null : Windows.of(send);
        String algo = selector.choose(Collective.ALLREDUCE, data.remaining(), size);
        return collective(Collective.ALLREDUCE, "allReduce", algo, data.remaining(), type, op, -1, null, x -> {
            if (own != null) {
                x.copy(own, data);
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

    Call reduceScatter(String name, ByteBuffer send, ByteBuffer recv, int[] counts, DataType type, ReduceOp op) {
        ArgumentCheck c = usable.apply(name).typed(type, op).present("send", send).writable("receive", recv).sameOrder(send, recv);
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
                x.divide(r, type, size);
            }
        });
    }

    Call allToAll(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int[] recvCounts) {
        String op = sendCounts == null ? "allToAll" : "allToAllV";
        ArgumentCheck c = usable.apply(op).present("send", send).writable("receive", recv);
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
        // Bruck's algorithm needs equal blocks; allToAllV always exchanges pairwise
        String algo = sendCounts == null ? selector.choose(Collective.ALLTOALL, sendBlocks.total(), size)
                : PairwiseAllToAll.NAME;
        // per-rank counts legitimately differ in allToAllV; the transport checks each message's length
        Call call = collective(Collective.ALLTOALL, op, algo, sendCounts == null ? sendBlocks.total() : -1,
                null, null, -1, null, x -> {
                    if (algo.equals(BruckAllToAll.NAME)) {
                        BruckAllToAll.run(x, s, r, sendBlocks.length(0));
                    } else {
                        PairwiseAllToAll.run(x, s, sendBlocks, r, recvBlocks);
                    }
                });
        // whose totals differ between ranks: none bounds every rank's messages alike
        return new Call(call.operation(), call.algorithm(), Math.max(sendBlocks.total(), recvBlocks.total()),
                call.pointToPointTag(), call.signature(), call.body(), sendCounts == null ? call.longest() : Long.MAX_VALUE);
    }

    Call barrier() {
        usable.apply("barrier");
        return collective(Collective.BARRIER, "barrier", DisseminationBarrier.NAME, 0, null, null, -1, null,
                DisseminationBarrier::run);
    }

    Call send(ByteBuffer buf, int peer, int tag) {
        ArgumentCheck c = usable.apply("send").peer(peer).present("send", buf);
        ByteBuffer w = Windows.of(buf);
        return new Call("send", "direct", w.remaining(), userTag(c, tag), null, x -> x.await(x.isend(peer, w)));
    }

    Call recv(ByteBuffer buf, int peer, int tag) {
        ArgumentCheck c = usable.apply("recv").peer(peer).writable("receive", buf);
        ByteBuffer w = Windows.of(buf);
        return new Call("recv", "direct", w.remaining(), userTag(c, tag), null, x -> x.await(x.irecv(peer, w)));
    }

    static long userTag(ArgumentCheck c, int tag) {
        if (tag < 0) {
            throw c.fail("tag " + tag + " is negative");
        }
        return Tags.pointToPoint(tag);
    }

    private Call collective(Collective c, String operation, String algo, long bytes, DataType type, ReduceOp op, int root,
                            int[] counts, Consumer<Schedule> body) {
        long count = bytes < 0 || type == null ? bytes : bytes / type.size();
        return new Call(operation, algo, Math.max(0, bytes), -1,
                Signature.of(operation, algo, c.algorithms(), count, type, op, root, counts), body);
    }
}
