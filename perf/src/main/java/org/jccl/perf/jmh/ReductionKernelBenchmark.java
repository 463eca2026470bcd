package org.jccl.perf.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.reduce.ReductionKernel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code dst = op(dst, src)} over {@code bytes} bytes, for every data type with SUM and MAX, on
 * windows in native and in big-endian order, beside {@code copy}: one bulk copy of the same bytes
 * between two direct buffers, the memory-bandwidth yardstick. A kernel reads two buffers and
 * writes one, so it cannot beat the copy; one close to it is memory-bound, one far above it is
 * compute-bound. Scores are the time of one call; bytes / score is the rate. Each method runs over
 * the parameters of its own state only.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReductionKernelBenchmark {
    /** Two direct buffers of {@code bytes} bytes. */
    @State(Scope.Thread)
    public static class Buffers {
        @Param({"1048576"})
        int bytes;

        ByteBuffer dst;
        ByteBuffer src;

        ByteOrder order() {
            return ByteOrder.nativeOrder();
        }

        @Setup
        public void allocate() {
            dst = ByteBuffer.allocateDirect(bytes).order(order());
            src = ByteBuffer.allocateDirect(bytes).order(order());
            for (int i = 0; i < bytes; i++) {
                // small values: sums of half-precision floats stay finite and MAX sees both orders
                dst.put(i, (byte) (i % 7));
                src.put(i, (byte) (i % 5));
            }
        }
    }

    /** The kernel's inputs: a type, an op and a byte order. */
    public static class Kernel extends Buffers {
        @Param({"INT8", "UINT8", "INT32", "UINT32", "INT64", "UINT64", "FLOAT16", "BFLOAT16", "FLOAT32", "FLOAT64"})
        DataType type;

        @Param({"SUM", "MAX"})
        ReduceOp op;

        @Param({"NATIVE", "BIG_ENDIAN"})
        String order;

        @Override
        ByteOrder order() {
            return order.equals("NATIVE") ? ByteOrder.nativeOrder() : ByteOrder.BIG_ENDIAN;
        }
    }

    @Benchmark
    public ByteBuffer reduce(Kernel k) {
        ReductionKernel.reduce(k.dst, k.src, k.type, k.op);
        return k.dst;
    }

    @Benchmark
    public ByteBuffer copy(Buffers b) {
        return b.dst.put(0, b.src, 0, b.bytes);
    }
}
