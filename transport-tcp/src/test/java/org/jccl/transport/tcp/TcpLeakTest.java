package org.jccl.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jccl.DataType;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.jccl.tck.ThreadRanks;
import org.junit.jupiter.api.Test;

/**
 * Pooled buffers (frame headers, early messages, read buffers) are all released: traffic of every
 * shape, including early eager and rendezvous messages, an abort with messages in flight, and
 * close; then the garbage collector runs and Netty's detector must have nothing to report.
 */
class TcpLeakTest {
    @Test
    void noPooledBufferLeaks() throws Exception {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(),
                "run with -Dio.netty.leakDetection.level=paranoid (the module's surefire configuration does)");
        List<Throwable> errors = ThreadRanks.loopback("tcp").each(3, Map.of(), Duration.ofSeconds(30), c -> {
            for (int size : new int[] {0, 8, 1000, 65536, 65537, 3 << 20}) {
                ByteBuffer b = ByteBuffer.allocateDirect(size);
                ByteBuffer h = ByteBuffer.allocate(size * 3);
                for (int i = 0; i < 3; i++) {
                    c.allReduce(b, b, DataType.UINT8, ReduceOp.MAX);
                    c.allGather(b, h.duplicate());
                    if (c.rank() == 0) {
                        Thread.sleep(20); // the others' messages arrive early and wait
                    }
                    c.broadcast(b, 1);
                }
            }
            if (c.rank() == 2) {
                c.abort();
            } else {
                ByteBuffer big = ByteBuffer.allocateDirect(8 << 20);
                assertThrows(JcclException.class, () -> c.allReduce(big, big, DataType.FLOAT32, ReduceOp.SUM));
            }
        });
        errors.forEach(e -> assertNull(e, () -> "" + e));
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(100);
            for (int i = 0; i < 100; i++) {
                ByteBufAllocator.DEFAULT.directBuffer(16).release(); // the detector drains its queue on allocation
            }
        }
        assertTrue(RecordingLeakDetector.LEAKS.isEmpty(), () -> String.join("\n\n", RecordingLeakDetector.LEAKS));
    }
}
