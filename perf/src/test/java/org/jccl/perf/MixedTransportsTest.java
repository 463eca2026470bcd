package org.jccl.perf;

import java.util.List;
import java.util.Map;
import org.jccl.tck.MisconfiguredJob;
import org.junit.jupiter.api.Test;

/**
 * A job whose ranks were started on tcp and ucx, the two transports of the jccl-perf jar: both
 * fail at start-up naming the setting, instead of one failing on a garbled handshake and the other
 * at its timeout.
 */
class MixedTransportsTest {
    @Test
    void oneRankOnTcpTheOtherOnUcx() throws Exception {
        List<String> out = MisconfiguredJob.start("tcp", List.of(Map.of("JCCL_RANK", "0"),
                Map.of("JCCL_RANK", "1", "JCCL_TRANSPORT", "ucx")));
        MisconfiguredJob.everyRankSays(out, "JCCL_TRANSPORT differs: ranks [0] tcp, ranks [1] ucx; start every rank with the"
                + " same JCCL_TRANSPORT");
    }
}
