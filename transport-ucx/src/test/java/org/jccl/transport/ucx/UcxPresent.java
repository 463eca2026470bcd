package org.jccl.transport.ucx;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Skips a test class, loudly, where the UCX native libraries are missing. CI installs them. */
final class UcxPresent {
    private UcxPresent() {
    }

    static void orSkip() {
        String why = new UcxTransportProvider().unavailableReason();
        if (why != null) {
            System.err.println("SKIPPED LOUDLY: UCX tests do not run on this machine: " + why);
        }
        assumeTrue(why == null, () -> "SKIPPED LOUDLY: UCX tests do not run on this machine: " + why);
    }
}
