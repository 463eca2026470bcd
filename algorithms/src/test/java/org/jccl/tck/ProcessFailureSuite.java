package org.jccl.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.tck.TckCase.Kind;
import org.junit.jupiter.api.Test;

/**
 * Failures only separate processes can show: a rank's process dies in the middle of a job, or
 * freezes, or stops calling while its process goes on.
 */
public abstract class ProcessFailureSuite {
    /** Ranks as processes over the transport under test. */
    protected abstract ProcessRanks processes();

    @Test
    void aRankProcessThatDiesFailsEveryOtherRankPromptly() {
        List<TckCase> cases = List.of(
                new TckCase(Kind.ALLREDUCE, 1000, DataType.INT32, ReduceOp.SUM, false, true, 0, ByteOrder.LITTLE_ENDIAN, 0, 1),
                new TckCase(Kind.HALT, 300_000, DataType.FLOAT32, ReduceOp.SUM, true, true, 0, ByteOrder.LITTLE_ENDIAN, 2, 2));
        List<String> failures = processes().run(4, Map.of(), cases);
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    @Test
    void everyRankNamesTheRankThatStoppedCalling() {
        List<String> failures = processes().withTimeout(Duration.ofSeconds(4)).run(4, Map.of(), List.of(
                new TckCase(Kind.STALL, 7000, DataType.INT32, ReduceOp.SUM, false, true, 0, ByteOrder.LITTLE_ENDIAN, 3, 0)));
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    @Test
    void everyRankNamesTheRankWhoseProcessFroze() {
        List<String> failures = processes().withTimeout(Duration.ofSeconds(4)).run(4, Map.of(), List.of(
                new TckCase(Kind.STALL, 9000, DataType.INT32, ReduceOp.SUM, true, true, 0, ByteOrder.LITTLE_ENDIAN, 2, 0)));
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }
}
