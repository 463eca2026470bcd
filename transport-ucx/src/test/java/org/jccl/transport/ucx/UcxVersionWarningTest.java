package org.jccl.transport.ucx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * UCX's version warning (JUCX 1.15 on an older libucx) stays out of a user's output, unless the
 * user asks UCX for warnings. Each case is a fresh JVM, since the warning comes once per process.
 */
class UcxVersionWarningTest {
    private static final String WARNING = "UCP API version is incompatible";

    @BeforeAll
    static void ucx() {
        UcxPresent.orSkip();
    }

    /** Creates the process's UCX context the way a communicator does, then says so. */
    static final class CreateContext {
        public static void main(String[] args) {
            UcxTransportProvider.acquire(0);
            UcxTransportProvider.release();
            System.out.println("context created");
        }
    }

    @Test
    void aUsersProcessDoesNotPrintTheWarning() throws Exception {
        String out = createContext(null);
        assertTrue(out.contains("context created"), out);
        assertFalse(out.contains(WARNING), out);
    }

    @Test
    void aUserWhoAsksForWarningsGetsIt() throws Exception {
        boolean older = UcxVersionWarning.ucxOlderThanJucx();
        if (!older) {
            System.err.println("SKIPPED LOUDLY: this UCX is not older than JUCX's API, so it has no version warning to show");
        }
        assumeTrue(older, "UCX is not older than JUCX's API: no warning to show");
        String out = createContext("warn");
        assertTrue(out.contains(WARNING), out);
    }

    @Test
    void theJucxVersionComesFromTheBuild() {
        int[] v = UcxVersionWarning.jucxApiVersion();
        assertEquals(2, v.length);
        assertTrue(v[0] >= 1 && v[1] >= 0, () -> v[0] + "." + v[1]);
    }

    /** Runs {@link CreateContext} with UCX_LOG_LEVEL unset (null) or set; returns what it printed. */
    private static String createContext(String logLevel) throws Exception {
        return ChildJvm.run(CreateContext.class, env -> {
            env.remove("UCX_LOG_LEVEL");
            if (logLevel != null) {
                env.put("UCX_LOG_LEVEL", logLevel);
            }
        });
    }
}
