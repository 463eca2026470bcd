package org.jccl.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.jccl.tck.TestPorts;
import org.jccl.tck.ThreadRanks;
import org.junit.jupiter.api.Test;

/** Each tcp connection shows up in a flight recording, with both ranks and both addresses. */
class TcpConnectionEventTest {
    @Test
    void aRecordingHoldsEachRanksConnectionToEachPeer() throws Exception {
        Path file = Files.createTempFile("jccl-connections", ".jfr");
        try {
            try (Recording recording = new Recording()) {
                recording.enable("org.jccl.Connection").withoutThreshold();
                recording.start();
                List<Throwable> errors = ThreadRanks.loopback("tcp").each(3, Map.of(), TestPorts.timeout(), c -> c.barrier());
                errors.forEach(e -> assertNull(e, () -> "rank failed: " + e));
                recording.stop();
                recording.dump(file);
            }
            List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("org.jccl.Connection")).toList();
            for (int rank = 0; rank < 3; rank++) {
                int r = rank;
                List<RecordedEvent> mine = events.stream().filter(e -> e.getInt("rank") == r).toList();
                Set<Integer> peers = mine.stream().map(e -> e.getInt("peer")).collect(Collectors.toSet());
                assertEquals(Set.of(0, 1, 2).stream().filter(p -> p != r).collect(Collectors.toSet()), peers,
                        () -> "rank " + r + ": " + mine);
                for (RecordedEvent e : mine) {
                    assertEquals("tcp", e.getString("transport"));
                    assertTrue(e.getString("remote").contains("127.0.0.1"), e::toString);
                    assertTrue(e.getString("local").contains("127.0.0.1"), e::toString);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
