package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.tck.ThreadRanks;

/** Two ranks as threads, one 16-byte allReduce: the job whose log {@link DebugLogTest} reads. */
public final class DebugLogDemo {
    private DebugLogDemo() {
    }

    public static void main(String[] args) {
        List<Throwable> errors = ThreadRanks.inProcess().each(2, Map.of(), Duration.ofSeconds(60), c -> {
            ByteBuffer b = ByteBuffer.allocateDirect(16);
            c.allReduce(b, b, DataType.INT32, ReduceOp.SUM);
        });
        errors.stream().filter(Objects::nonNull).forEach(e -> e.printStackTrace(System.out));
        System.exit(errors.stream().anyMatch(Objects::nonNull) ? 1 : 0);
    }
}
