package org.jccl.transport.ucx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

class UcxDefaultsTest {
    /** What UCX prints when a worker's transports took none of a context's setting. */
    private static final String NOT_TAKEN = "invalid configuration";

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

    @Test
    void singleCopyWhereUcxTlsLetsUcxUseCma() {
        assertTrue(UcxDefaults.allowsSingleCopy(null));
        assertTrue(UcxDefaults.allowsSingleCopy("all"));
        assertTrue(UcxDefaults.allowsSingleCopy("sm"));
        assertTrue(UcxDefaults.allowsSingleCopy("shm,tcp"));
        assertTrue(UcxDefaults.allowsSingleCopy("posix,cma"));
        assertTrue(UcxDefaults.allowsSingleCopy("^tcp"));
        assertFalse(UcxDefaults.allowsSingleCopy("tcp"));
        assertFalse(UcxDefaults.allowsSingleCopy("posix,sysv"));
        assertFalse(UcxDefaults.allowsSingleCopy("^cma"));
        assertFalse(UcxDefaults.allowsSingleCopy("^sm"));
    }

    /** Creates a worker on the transport's context, then says so. */
    static final class CreateWorker {
        public static void main(String[] args) {
            UcpWorker w = UcxTransportProvider.acquire(0).newWorker(new UcpWorkerParams());
            w.close();
            UcxTransportProvider.release();
            System.out.println("worker created");
        }
    }

    @Test
    void ucxTakesTheSettingOverTcpAndIsNotAskedToOverSharedMemory() throws Exception {
        UcxPresent.orSkip();
        // a setting under a name no transport knows would make UCX warn when the worker starts
        String tcp = createWorker(Map.of("UCX_TLS", "tcp", "UCX_NET_DEVICES", "lo"));
        assertTrue(tcp.contains("worker created"), tcp);
        assertFalse(tcp.contains(NOT_TAKEN), tcp);
        String sm = createWorker(Map.of("UCX_TLS", "sm", "UCX_POSIX_ERROR_HANDLING", "y", "UCX_SYSV_ERROR_HANDLING", "y"));
        assertTrue(sm.contains("worker created"), sm);
        assertFalse(sm.contains(NOT_TAKEN), sm);
    }

    /** Runs {@link CreateWorker} with UCX's warnings on and {@code env} set; returns what it printed. */
    private static String createWorker(Map<String, String> env) throws Exception {
        return ChildJvm.run(CreateWorker.class, e -> {
            e.keySet().removeIf(k -> k.startsWith("UCX_"));
            e.put("UCX_LOG_LEVEL", "warn");
            e.putAll(env);
        });
    }
}
