package org.jccl.transport.tcp;

import java.nio.file.Path;
import org.jccl.tck.ConformanceSuite;
import org.jccl.tck.RankLauncher;
import org.jccl.tck.TestCertificates;
import org.jccl.tck.ThreadRanks;
import org.junit.jupiter.api.io.TempDir;

/** The TCK over tcp with mutual TLS on the store and every data connection; each rank has a certificate of its own. */
class TcpTlsConformanceTest extends ConformanceSuite {
    @TempDir
    static Path certificates;

    @Override
    protected RankLauncher launcher() {
        TestCertificates ca = TestCertificates.authority(certificates, "tck");
        return ThreadRanks.loopback("tcp").configured((rank, b) -> {
            TestCertificates.Identity me = ca.issue("rank" + rank);
            b.tls(me.certificate(), me.key(), ca.ca());
        });
    }
}
