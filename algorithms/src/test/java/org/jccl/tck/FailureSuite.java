package org.jccl.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.JcclException;
import org.jccl.ReduceOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Errors and failures, written once for every transport: bad arguments are refused before anything
 * is sent and leave the communicator usable; an abort, a closed peer or a timeout fails every rank
 * within the timeout, and later calls fail fast.
 */
public abstract class FailureSuite {
    /** Ranks as threads over the transport under test. */
    protected abstract ThreadRanks threads();

    @Test
    void badArgumentsNameRankOperationAndCauseAndLeaveTheCommunicatorUsable() {
        List<Throwable> errors = threads().each(3, Map.of(), TestPorts.timeout(), c -> {
            ByteBuffer f = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
            ByteBuffer small = ByteBuffer.allocateDirect(8);
            refused(c, "broadcast", "root 3 is outside 0..2", () -> c.broadcast(f, 3));
            refused(c, "allReduce", "BXOR is a bitwise op and FLOAT32 is not an integer type",
                    () -> c.allReduce(f, f, DataType.FLOAT32, ReduceOp.BXOR));
            refused(c, "allReduce", "receive window is 8 B but must be 64 B",
                    () -> c.allReduce(f, small, DataType.INT32, ReduceOp.SUM));
            refused(c, "allReduce", "not a whole number of INT64 elements",
                    () -> c.allReduce(f.duplicate().limit(12), ByteBuffer.allocate(12), DataType.INT64, ReduceOp.SUM));
            refused(c, "allGather", "receive buffer is read-only",
                    () -> c.allGather(small, ByteBuffer.allocate(24).asReadOnlyBuffer()));
            refused(c, "allGather", "receive window is 8 B but must be 24 B", () -> c.allGather(small, small.duplicate()));
            refused(c, "reduceScatter", "send buffer is null", () -> c.reduceScatter(null, small, DataType.INT8, ReduceOp.SUM));
            if (c.rank() == 0) {
                // only the root checks the receive window; the other ranks would rightly start gathering
                refused(c, "gather", "receive window is 64 B but must be 24 B", () -> c.gather(small, f, 0));
            }
            refused(c, "allToAll", "does not split into 3 equal blocks", () -> c.allToAll(small, small));
            refused(c, "send", "peer 7 is outside 0..2", () -> c.send(small, 7, 0));
            refused(c, "recv", "is this rank", () -> c.recv(small, c.rank(), 0));
            refused(c, "allReduce", "send buffer is BIG_ENDIAN but receive buffer is LITTLE_ENDIAN",
                    () -> c.allReduce(ByteBuffer.allocate(8), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN),
                            DataType.INT32, ReduceOp.SUM));
            ByteBuffer v = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putInt(0, c.rank() + 1);
            c.allReduce(v, v, DataType.INT32, ReduceOp.SUM);
            assertEquals(6, v.getInt(0), "the communicator works after refused calls");
        });
        errors.forEach(e -> assertNull(e, () -> "rank failed: " + e));
    }

    @Test
    void abortOnOneRankFailsEveryRankPromptly() {
        Duration timeout = Duration.ofSeconds(60);
        long start = System.nanoTime();
        List<Throwable> errors = threads().each(3, Map.of(), timeout, c -> {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            if (c.rank() == 0) {
                Thread.sleep(300);
                c.abort();
            } else {
                JcclException e = assertThrows(JcclException.class, () -> c.allReduce(b, b, DataType.FLOAT32, ReduceOp.SUM));
                assertTrue(e.getMessage().contains("rank 0 aborted"), e::getMessage);
            }
            JcclException later = assertThrows(JcclException.class, c::barrier);
            assertTrue(later.getMessage().contains("rank " + c.rank() + ": barrier"), later::getMessage);
        });
        errors.forEach(e -> assertNull(e, () -> "rank failed: " + e));
        assertTrue(System.nanoTime() - start < timeout.toNanos() / 4, "abort took more than a quarter of the timeout");
    }

    @Test
    void aPeerThatLeavesFailsTheRanksWaitingForIt() {
        Duration timeout = Duration.ofSeconds(60);
        long start = System.nanoTime();
        List<Throwable> errors = threads().each(3, Map.of(), timeout, c -> {
            ByteBuffer b = ByteBuffer.allocateDirect(4096);
            if (c.rank() == 2) {
                Thread.sleep(300);
                c.close();
                return;
            }
            JcclException e = assertThrows(JcclException.class, () -> c.allReduce(b, b, DataType.INT32, ReduceOp.SUM));
            assertTrue(e.getMessage().startsWith("rank " + c.rank() + ": allReduce: "), e::getMessage);
            assertTrue(e.getMessage().contains("rank 2"), e::getMessage);
        });
        errors.forEach(e -> assertNull(e, () -> "rank failed: " + e));
        assertTrue(System.nanoTime() - start < timeout.toNanos() / 4, "peer loss took more than a quarter of the timeout");
    }

    @Test
    void aRankThatNeverComesTimesOutEveryRankAndIsNamedByEach() {
        Duration timeout = Duration.ofSeconds(2);
        List<Throwable> errors = threads().each(3, Map.of(), timeout, c -> {
            ByteBuffer b = ByteBuffer.allocateDirect(64);
            c.broadcast(b, 0);
            if (c.rank() == 1) {
                Thread.sleep(3000);
                // by now the others timed out and broke the job: this call must fail, not hang
                assertThrows(JcclException.class, () -> c.allReduce(b, b, DataType.INT8, ReduceOp.MAX));
                return;
            }
            long t0 = System.nanoTime();
            JcclException e = assertThrows(JcclException.class, () -> c.allReduce(b, b, DataType.INT8, ReduceOp.MAX));
            long took = System.nanoTime() - t0;
            assertTrue(took < 4 * timeout.toNanos(), "took " + took / 1e9 + " s");
            assertTrue(e.getMessage().startsWith("rank " + c.rank() + ": allReduce:"), e::getMessage);
            // each names the rank that stopped calling, whether it timed out itself or heard from a peer that did
            // (numbers count from the communicator's creation, which may run a collective of its own)
            assertTrue(Pattern.compile("ranks \\[1] did not reach collective #(\\d+) \\(allReduce\\); "
                    + "rank 1 last entered #(\\d+) \\(broadcast\\), now idle after collective #\\2").matcher(e.getMessage())
                    .find(), e::getMessage);
        });
        errors.forEach(e -> assertNull(e, () -> "rank failed: " + e));
    }

    @Test
    void anAsynchronousReceiveNobodyAnswersTimesOutAndBreaksEveryRank() {
        Duration timeout = Duration.ofSeconds(2);
        List<Throwable> errors = threads().each(2, Map.of(), timeout, c -> {
            ByteBuffer b = ByteBuffer.allocateDirect(64);
            if (c.rank() == 0) {
                long t0 = System.nanoTime();
                java.util.concurrent.CompletionException ce = assertThrows(java.util.concurrent.CompletionException.class,
                        () -> c.recvAsync(b, 1, 5).join());
                long took = System.nanoTime() - t0;
                JcclException e = assertInstanceOf(JcclException.class, ce.getCause());
                assertTrue(e.getMessage().startsWith("rank 0: recv: timed out"), e::getMessage);
                assertTrue(e.getMessage().contains("receive of 64 B from rank 1"), e::getMessage);
                assertTrue(took >= timeout.toNanos() && took < 4 * timeout.toNanos(), "took " + took / 1e9 + " s");
            } else {
                Thread.sleep(timeout.toMillis() + 1000);
            }
            // the timeout broke the job on rank 0, and through the transport on rank 1 too
            JcclException later = assertThrows(JcclException.class, () -> c.recv(b, 1 - c.rank(), 6));
            assertTrue(later.getMessage().startsWith("rank " + c.rank() + ": recv: "), later::getMessage);
        });
        errors.forEach(e -> assertNull(e, () -> "rank failed: " + e));
    }

    @Test
    void anAsynchronousCollectiveNobodyWaitsInTimesOutOnItsOwn() {
        Duration timeout = Duration.ofSeconds(2);
        List<Throwable> errors = threads().each(2, Map.of(), timeout, c -> {
            ByteBuffer b = ByteBuffer.allocateDirect(64);
            if (c.rank() == 0) {
                long t0 = System.nanoTime();
                java.util.concurrent.CompletableFuture<Void> f = c.allReduceAsync(b, b, DataType.INT8, ReduceOp.MAX);
                java.util.concurrent.CompletableFuture<Long> ended = f.handle((v, t) -> System.nanoTime());
                // nobody joins: the communicator's own progress must fail it at the timeout
                while (!ended.isDone() && System.nanoTime() - t0 < 4 * timeout.toNanos()) {
                    Thread.sleep(10);
                }
                assertTrue(ended.isDone(), "the future never ended");
                long took = ended.join() - t0;
                assertTrue(took >= timeout.toNanos() && took < 4 * timeout.toNanos(), "took " + took / 1e9 + " s");
                java.util.concurrent.CompletionException ce = assertThrows(java.util.concurrent.CompletionException.class,
                        f::join);
                JcclException e = assertInstanceOf(JcclException.class, ce.getCause());
                assertTrue(e.getMessage().startsWith("rank 0: allReduce: timed out"), e::getMessage);
                assertTrue(e.getMessage().contains("from rank 1"), e::getMessage);
            } else {
                Thread.sleep(timeout.toMillis() + 1000);
            }
            JcclException later = assertThrows(JcclException.class, c::barrier);
            assertTrue(later.getMessage().startsWith("rank " + c.rank() + ": barrier: "), later::getMessage);
        });
        errors.forEach(e -> assertNull(e, () -> "rank failed: " + e));
    }

    private static void refused(Communicator c, String op, String cause, Executable call) {
        JcclException e = assertThrows(JcclException.class, call);
        assertInstanceOf(JcclException.class, e);
        String m = e.getMessage();
        assertTrue(m.startsWith("rank " + c.rank() + ": " + op + ": "), () -> "no rank/operation in: " + m);
        assertTrue(m.contains(cause), () -> "expected '" + cause + "' in: " + m);
    }
}
