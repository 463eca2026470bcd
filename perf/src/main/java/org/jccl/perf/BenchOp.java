package org.jccl.perf;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.ReduceOp;

/**
 * The collectives the sweep measures, with nccl-tests' conventions: {@code size} is the bytes of
 * the largest buffer a rank passes (all-gather: the gathered result; reduce-scatter, all-to-all,
 * scatter, gather: all blocks), algbw = size / time, and busbw = algbw × the bus factor below,
 * which makes busbw comparable with the link rate whatever the rank count.
 */
enum BenchOp {
    ALLREDUCE("allreduce", "2(n-1)/n") {
        @Override
        double busFactor(int n) {
            return 2.0 * (n - 1) / n;
        }

        @Override
        void run(Communicator c, Buffers b, DataType t, ReduceOp op, int root) {
            c.allReduce(b.send, b.recv, t, op);
        }
    },
    BROADCAST("broadcast", "1") {
        @Override
        double busFactor(int n) {
            return 1.0;
        }

        @Override
        void run(Communicator c, Buffers b, DataType t, ReduceOp op, int root) {
            c.broadcast(b.recv, root);
        }
    },
    REDUCE("reduce", "1") {
        @Override
        double busFactor(int n) {
            return 1.0;
        }

        @Override
        void run(Communicator c, Buffers b, DataType t, ReduceOp op, int root) {
            c.reduce(b.send, b.recv, t, op, root);
        }
    },
    ALLGATHER("allgather", "(n-1)/n") {
        @Override
        int sendBytes(int size, int n) {
            return size / n;
        }

        @Override
        void run(Communicator c, Buffers b, DataType t, ReduceOp op, int root) {
            c.allGather(b.send, b.recv);
        }
    },
    REDUCESCATTER("reducescatter", "(n-1)/n") {
        @Override
        int recvBytes(int size, int n) {
            return size / n;
        }

        @Override
        void run(Communicator c, Buffers b, DataType t, ReduceOp op, int root) {
            c.reduceScatter(b.send, b.recv, t, op);
        }
    },
    ALLTOALL("alltoall", "(n-1)/n") {
        @Override
        void run(Communicator c, Buffers b, DataType t, ReduceOp op, int root) {
            c.allToAll(b.send, b.recv);
        }
    },
    GATHER("gather", "(n-1)/n") {
        @Override
        int sendBytes(int size, int n) {
            return size / n;
        }

        @Override
        void run(Communicator c, Buffers b, DataType t, ReduceOp op, int root) {
            c.gather(b.send, b.recv, root);
        }
    },
    /** Ranks 0 and 1 bounce a message; time is one way (half the round trip), as ucx_perftest and OSU report. */
    PINGPONG("pingpong", "1 (one-way time)") {
        @Override
        double busFactor(int n) {
            return 1.0;
        }

        @Override
        int timeDivisor() {
            return 2;
        }

        @Override
        void run(Communicator c, Buffers b, DataType t, ReduceOp op, int root) {
            if (c.rank() == 0) {
                c.send(b.send, 1, 0);
                c.recv(b.recv, 1, 0);
            } else if (c.rank() == 1) {
                c.recv(b.recv, 0, 0);
                c.send(b.send, 0, 0);
            }
        }
    },
    /**
     * Rank 0 streams {@link #STREAM_WINDOW} messages to rank 1 with {@code sendAsync}, all in flight
     * at once, and rank 1 acknowledges the last with an empty message: a bandwidth test like
     * ucx_perftest's {@code tag_bw} or OSU's {@code osu_bw}. Time is per message.
     */
    STREAM("stream", "1 (time per message, " + BenchOp.STREAM_WINDOW + " in flight)") {
        @Override
        double busFactor(int n) {
            return 1.0;
        }

        @Override
        int timeDivisor() {
            return STREAM_WINDOW;
        }

        @Override
        void run(Communicator c, Buffers b, DataType t, ReduceOp op, int root) {
            CompletableFuture<?>[] inFlight = new CompletableFuture<?>[STREAM_WINDOW];
            if (c.rank() == 0) {
                CompletableFuture<Void> ack = c.recvAsync(EMPTY, 1, 2); // posted first, as tag_bw and osu_bw do
                for (int k = 0; k < STREAM_WINDOW; k++) {
                    inFlight[k] = c.sendAsync(b.send, 1, 1);
                }
                awaitAll(inFlight);
                ack.join();
            } else if (c.rank() == 1) {
                for (int k = 0; k < STREAM_WINDOW; k++) {
                    inFlight[k] = c.recvAsync(b.recv, 0, 1); // one target, as tag_bw does: each message writes the same bytes
                }
                awaitAll(inFlight);
                c.send(EMPTY, 0, 2);
            }
        }
    },
    SCATTER("scatter", "(n-1)/n") {
        @Override
        int recvBytes(int size, int n) {
            return size / n;
        }

        @Override
        void run(Communicator c, Buffers b, DataType t, ReduceOp op, int root) {
            c.scatter(b.send, b.recv, root);
        }
    };

    /**
     * A rank's buffers for one size: {@code send} and {@code recv} are what the call gets (the same
     * object when in place), {@code input} is the window a check fills with this rank's data and
     * {@code output} the window where its result lands.
     */
    record Buffers(ByteBuffer send, ByteBuffer recv, ByteBuffer input, ByteBuffer output) {
        static Buffers outOfPlace(BenchOp op, ByteBuffer send, ByteBuffer recv) {
            return new Buffers(send, recv, op == BROADCAST ? recv : send, recv);
        }

        static Buffers inPlace(ByteBuffer buf, ByteBuffer input, ByteBuffer output) {
            return new Buffers(buf, buf, input, output);
        }
    }

    /**
     * Joins the last message first, then the others, which are done by then (messages complete in
     * order): the thread sleeps once per window, not once per message.
     */
    private static void awaitAll(CompletableFuture<?>[] fs) {
        for (int k = fs.length - 1; k >= 0; k--) {
            fs[k].join();
        }
    }

    /** Messages in flight per {@link #STREAM} iteration: osu_bw's window. */
    static final int STREAM_WINDOW = 64;
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    private final String cliName;
    private final String busFormula;

    BenchOp(String cliName, String busFormula) {
        this.cliName = cliName;
        this.busFormula = busFormula;
    }

    String cliName() {
        return cliName;
    }

    String busFormula() {
        return busFormula;
    }

    /** busbw / algbw for {@code n} ranks. */
    double busFactor(int n) {
        return (n - 1.0) / n;
    }

    /** What one timed call's time is divided by for a row: round trips and streams report one message's time. */
    int timeDivisor() {
        return 1;
    }

    /** Whether only ranks 0 and 1 take part, point to point. */
    boolean pointToPoint() {
        return this == PINGPONG || this == STREAM;
    }

    /** Bytes of the send window for a sweep size. */
    int sendBytes(int size, int n) {
        return size;
    }

    /** Bytes of the receive window for a sweep size. */
    int recvBytes(int size, int n) {
        return size;
    }

    /** Whether the data type and reduce op matter. */
    boolean reduces() {
        return this == ALLREDUCE || this == REDUCE || this == REDUCESCATTER;
    }

    /**
     * Whether {@code rank} passes one buffer as send and receive under {@code --in-place}: every rank
     * of the unrooted collectives, the root of reduce, gather and scatter (as in MPI_IN_PLACE).
     * Broadcast is in place by nature; pingpong and stream have nothing to do in place.
     */
    boolean inPlaceAt(int rank, int root) {
        return switch (this) {
            case ALLREDUCE, ALLGATHER, REDUCESCATTER, ALLTOALL -> true;
            case REDUCE, GATHER, SCATTER -> rank == root;
            case BROADCAST, PINGPONG, STREAM -> false;
        };
    }

    /** Whether the root matters. */
    boolean rooted() {
        return this == BROADCAST || this == REDUCE || this == GATHER || this == SCATTER;
    }

    abstract void run(Communicator c, Buffers b, DataType t, ReduceOp op, int root);

    static BenchOp parse(String s) {
        String k = s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        for (BenchOp o : values()) {
            if (o.cliName.equals(k)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown collective '" + s + "'");
    }
}
