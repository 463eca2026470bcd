package org.jccl.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.junit.jupiter.api.Test;

/**
 * Connections open on demand: after start-up, an all-reduce, a broadcast and a barrier, each rank
 * holds the connections those need (hypercube, tree and dissemination partners: O(log n)), not the
 * full mesh; a pairwise all-to-all then opens the rest. Connections are counted from the flight
 * recorder's {@code org.jccl.Connection} events, which each transport records as a connection (or
 * endpoint) opens. A transport's test class names the transport and the job's size.
 */
public abstract class OnDemandConnectionsSuite {
    /** The transport under test. */
    protected abstract String transportName();

    /** How many ranks, as threads of this JVM. */
    protected int ranks() {
        return 32;
    }

    @Test
    void ranksConnectToTheirPartnersOnlyUntilAPairwiseAllToAll() throws Exception {
        int n = ranks();
        int[] afterSmall = new int[n];
        int[] afterAllToAll = new int[n];
        Path file = Files.createTempFile("jccl-connections", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("org.jccl.Connection").withoutThreshold();
            recording.start();
            List<Throwable> errors = ThreadRanks.loopback(transportName()).each(n, Map.of("ALLTOALL", "pairwise"),
                    TestPorts.timeout(), c -> {
                ByteBuffer b = ByteBuffer.allocateDirect(8).putLong(0, 1);
                c.allReduce(b, b, DataType.INT64, ReduceOp.SUM);
                c.broadcast(b, 3 % n);
                c.barrier();
                afterSmall[c.rank()] = peersOf(c.rank(), recording, file);
                c.barrier();
                c.allToAll(ByteBuffer.allocateDirect(8 * n), ByteBuffer.allocateDirect(8 * n));
                afterAllToAll[c.rank()] = peersOf(c.rank(), recording, file);
                c.barrier();
            });
            errors.forEach(e -> assertNull(e, () -> "rank failed: " + e));
        } finally {
            Files.deleteIfExists(file);
        }
        System.out.println(transportName() + ", " + n + " ranks: connections per rank after allReduce, broadcast"
                + " and barrier " + Arrays.toString(afterSmall));
        int[] sorted = afterSmall.clone();
        Arrays.sort(sorted);
        assertTrue(sorted[n / 2] <= 16, () -> "connections per rank after the small collectives: "
                + Arrays.toString(afterSmall));
        assertTrue(sorted[n - 1] < n - 1, () -> "a rank connected to every peer: " + Arrays.toString(afterSmall));
        for (int r = 0; r < n; r++) {
            assertEquals(n - 1, afterAllToAll[r], "rank " + r + "'s peers after a pairwise all-to-all");
        }
    }

    /** How many peers {@code rank} has opened connections with, by the recording so far. */
    private static synchronized int peersOf(int rank, Recording recording, Path file) throws Exception {
        Path copy = Files.createTempFile(file.getParent(), "jccl-connections-" + rank, ".jfr");
        try {
            recording.dump(copy);
            return (int) RecordingFile.readAllEvents(copy).stream()
                    .filter(e -> e.getEventType().getName().equals("org.jccl.Connection") && e.getInt("rank") == rank)
                    .map(e -> e.getInt("peer")).distinct().count();
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
