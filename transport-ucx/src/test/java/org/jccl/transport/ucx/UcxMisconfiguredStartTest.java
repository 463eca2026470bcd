package org.jccl.transport.ucx;

import java.util.List;
import java.util.Map;
import org.jccl.tck.MisconfiguredJob;
import org.junit.jupiter.api.Test;

/** Jobs over ucx whose ranks, separate processes, were started with different UCX settings. */
class UcxMisconfiguredStartTest {
    @Test
    void ranksThatMayUseDifferentUcxTransports() throws Exception {
        List<String> out = MisconfiguredJob.start("ucx", List.of(Map.of("JCCL_RANK", "0", "UCX_TLS", "sm"),
                Map.of("JCCL_RANK", "1", "UCX_TLS", "tcp")));
        MisconfiguredJob.everyRankSays(out, "UCX_TLS differs: ranks [0] sm, ranks [1] tcp; start every rank with the same"
                + " UCX_TLS");
    }

    @Test
    void oneRankOnAnotherTransport() throws Exception {
        List<String> out = MisconfiguredJob.start("ucx", List.of(Map.of("JCCL_RANK", "0", "JCCL_TRANSPORT", "inproc"),
                Map.of("JCCL_RANK", "1")));
        MisconfiguredJob.everyRankSays(out, "JCCL_TRANSPORT differs: ranks [0] inproc, ranks [1] ucx; start every rank with the"
                + " same JCCL_TRANSPORT");
    }
}
