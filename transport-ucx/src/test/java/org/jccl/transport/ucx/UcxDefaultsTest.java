package org.jccl.transport.ucx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UcxDefaultsTest {
    @Test
    void largerTcpReceiveSegmentsWhereUcxMayUseTcp() {
        assertEquals(Map.of("RX_SEG_SIZE", "512K"), UcxDefaults.settings(Map.of()));
        assertEquals(Map.of("RX_SEG_SIZE", "512K"), UcxDefaults.settings(Map.of("UCX_TLS", "tcp")));
        assertEquals(Map.of("RX_SEG_SIZE", "512K"), UcxDefaults.settings(Map.of("UCX_TLS", "sm,tcp")));
    }

    @Test
    void theEnvironmentWins() {
        assertEquals(Map.of(), UcxDefaults.settings(Map.of("UCX_TCP_RX_SEG_SIZE", "64K")));
    }

    @Test
    void nothingForTransportsThatCannotTakeIt() {
        // UCX would warn that no transport took the setting
        assertEquals(Map.of(), UcxDefaults.settings(Map.of("UCX_TLS", "sm")));
        assertEquals(Map.of(), UcxDefaults.settings(Map.of("UCX_TLS", "^tcp")));
    }

    @Test
    void readsUcxTlsAsUcxDoes() {
        assertTrue(UcxDefaults.allows(null, "tcp"));
        assertTrue(UcxDefaults.allows("all", "tcp"));
        assertTrue(UcxDefaults.allows("^sm", "tcp"));
        assertTrue(UcxDefaults.allows("rc, tcp", "tcp"));
        assertFalse(UcxDefaults.allows("^sm,tcp", "tcp"));
        assertFalse(UcxDefaults.allows("rc,sm", "tcp"));
    }
}
