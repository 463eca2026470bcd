package org.jccl.communicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.tck.TestPorts;
import org.jccl.tck.ThreadRanks;
import org.junit.jupiter.api.Test;

/** Every collective shows up in a flight recording with its shape, its rank and its duration. */
class CollectiveEventTest {
    @Test
    void aRecordingHoldsOneEventPerCollectivePerRank() throws Exception {
        Path file = Files.createTempFile("jccl-collectives", ".jfr");
        try {
            try (Recording recording = new Recording()) {
                recording.enable("org.jccl.Collective").withoutThreshold();
                recording.start();
                List<Throwable> errors = ThreadRanks.inProcess().each(3, Map.of(), TestPorts.timeout(), c -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(4096);
                    c.allReduce(b, b, DataType.FLOAT32, ReduceOp.SUM);
                    c.broadcast(b, 1);
                });
                errors.forEach(e -> assertNull(e, () -> "rank failed: " + e));
                recording.stop();
                recording.dump(file);
            }
            List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("org.jccl.Collective"))
                    .filter(e -> e.getLong("bytes") == 4096).toList();
            for (int rank = 0; rank < 3; rank++) {
                int r = rank;
                List<RecordedEvent> mine = events.stream().filter(e -> e.getInt("rank") == r).toList();
                assertEquals(2, mine.size(), () -> "rank " + r + ": " + mine);
                RecordedEvent allReduce = mine.stream().filter(e -> e.getString("operation").equals("allReduce"))
                        .findFirst().orElseThrow();
                RecordedEvent broadcast = mine.stream().filter(e -> e.getString("operation").equals("broadcast"))
                        .findFirst().orElseThrow();
                assertEquals("FLOAT32", allReduce.getString("type"));
                assertEquals(3, allReduce.getInt("ranks"));
                assertFalse(allReduce.getString("algorithm").isEmpty());
                assertEquals(allReduce.getLong("sequence") + 1, broadcast.getLong("sequence"));
                assertFalse(allReduce.getDuration().isNegative());
                assertTrue(!broadcast.getStartTime().isBefore(allReduce.getEndTime()),
                        "the broadcast started before the allReduce ended");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
