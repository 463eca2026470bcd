package org.jccl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.jccl.spi.ConnectOptions;
import org.junit.jupiter.api.Test;

class LaunchEnvironmentTest {
    private static ConnectOptions resolve(Map<String, String> env) {
        return new Jccl.Builder(env).options();
    }

    @Test
    void jcclVariablesWinOverLauncherVariables() {
        ConnectOptions o = resolve(Map.of("JCCL_RANK", "2", "JCCL_SIZE", "5", "OMPI_COMM_WORLD_RANK", "0",
                "OMPI_COMM_WORLD_SIZE", "9", "JCCL_RENDEZVOUS", "h:1"));
        assertEquals(2, o.rank());
        assertEquals(5, o.size());
        assertEquals("h:1", o.rendezvous());
    }

    @Test
    void everyLauncherIsRead() {
        assertEquals(3, resolve(Map.of("OMPI_COMM_WORLD_RANK", "3", "OMPI_COMM_WORLD_SIZE", "4", "MASTER_ADDR", "a",
                "MASTER_PORT", "1")).rank());
        assertEquals(1, resolve(Map.of("PMI_RANK", "1", "PMI_SIZE", "4", "JCCL_RENDEZVOUS", "a:1")).rank());
        assertEquals(7, resolve(Map.of("SLURM_PROCID", "7", "SLURM_NTASKS", "8", "JCCL_RENDEZVOUS", "a:1")).rank());
        ConnectOptions torch = resolve(Map.of("RANK", "1", "WORLD_SIZE", "2", "MASTER_ADDR", "10.0.0.1", "MASTER_PORT", "29500"));
        assertEquals(1, torch.rank());
        assertEquals("10.0.0.1:29500", torch.rendezvous());
    }

    @Test
    void singleNodeMpirunDerivesTheRendezvousFromTheJobId() {
        Map<String, String> job = Map.of("OMPI_COMM_WORLD_RANK", "1", "OMPI_COMM_WORLD_SIZE", "4",
                "OMPI_COMM_WORLD_LOCAL_SIZE", "4", "PMIX_NAMESPACE", "prterun-host-1234@1");
        String a = resolve(job).rendezvous();
        assertTrue(a.startsWith("127.0.0.1:"), a);
        int port = Integer.parseInt(a.substring(a.indexOf(':') + 1));
        assertTrue(port >= LaunchEnvironment.DERIVED_PORT_BASE
                && port < LaunchEnvironment.DERIVED_PORT_BASE + LaunchEnvironment.DERIVED_PORT_SPAN, a);
        Map<String, String> otherRank = Map.of("OMPI_COMM_WORLD_RANK", "3", "OMPI_COMM_WORLD_SIZE", "4",
                "OMPI_COMM_WORLD_LOCAL_SIZE", "4", "PMIX_NAMESPACE", "prterun-host-1234@1");
        assertEquals(a, resolve(otherRank).rendezvous(), "every rank of the job derives the same address");
        Map<String, String> otherJob = Map.of("OMPI_COMM_WORLD_RANK", "1", "OMPI_COMM_WORLD_SIZE", "4",
                "OMPI_COMM_WORLD_LOCAL_SIZE", "4", "PMIX_NAMESPACE", "prterun-host-9999@1");
        assertNotEquals(a, resolve(otherJob).rendezvous());
        String slurm = resolve(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "2", "SLURM_JOB_ID", "77",
                "SLURM_STEP_ID", "0", "SLURM_STEP_NUM_NODES", "1")).rendezvous();
        assertTrue(slurm.startsWith("127.0.0.1:"), slurm);
    }

    @Test
    void acrossNodesAMissingRendezvousSaysWhatToSet() {
        JcclException e = assertThrows(JcclException.class, () -> resolve(Map.of("OMPI_COMM_WORLD_RANK", "1",
                "OMPI_COMM_WORLD_SIZE", "8", "OMPI_COMM_WORLD_LOCAL_SIZE", "4", "PMIX_NAMESPACE", "x")));
        assertTrue(e.getMessage().startsWith("rank 1: init: no rendezvous address (launched by mpirun across several"
                + " nodes): set JCCL_RENDEZVOUS=host:port"), e.getMessage());
    }

    @Test
    void badValuesAreRefusedClearly() {
        assertTrue(assertThrows(JcclException.class, () -> resolve(Map.of())).getMessage()
                .contains("rank and size unknown: set JCCL_RANK and JCCL_SIZE"));
        assertTrue(assertThrows(JcclException.class, () -> resolve(Map.of("JCCL_RANK", "x", "JCCL_SIZE", "2")))
                .getMessage().contains("JCCL_RANK=x is not an integer"));
        assertTrue(assertThrows(JcclException.class, () -> resolve(Map.of("JCCL_RANK", "4", "JCCL_SIZE", "4",
                "JCCL_RENDEZVOUS", "a:1"))).getMessage().contains("rank 4 is outside 0..3"));
        assertTrue(assertThrows(JcclException.class, () -> resolve(Map.of("JCCL_RANK", "0", "JCCL_SIZE", "2",
                "JCCL_RENDEZVOUS", "a:1", "JCCL_TIMEOUT", "soon"))).getMessage()
                .contains("JCCL_TIMEOUT=soon is not a number of seconds"));
    }

    @Test
    void optionalSettingsComeFromTheEnvironmentUnlessTheBuilderSetsThem() {
        Map<String, String> env = Map.of("JCCL_RANK", "0", "JCCL_SIZE", "2", "JCCL_RENDEZVOUS", "a:1",
                "JCCL_TRANSPORT", "UCX", "JCCL_TIMEOUT", "2.5", "JCCL_SOCKET_IFNAME", "eth", "JCCL_SECRET", "s3",
                "JCCL_ALGO_ALLREDUCE", "Ring");
        ConnectOptions o = resolve(env);
        assertEquals("ucx", o.transport());
        assertEquals(Duration.ofMillis(2500), o.timeout());
        assertEquals("eth", o.socketInterface());
        assertEquals("s3", o.secret());
        assertEquals(Map.of("allreduce", "ring"), o.algorithms());
        ConnectOptions b = new Jccl.Builder(env).transport("tcp").timeout(Duration.ofSeconds(9)).rank(1)
                .algorithm("allReduce", "recursive_doubling").options();
        assertEquals("tcp", b.transport());
        assertEquals(Duration.ofSeconds(9), b.timeout());
        assertEquals(1, b.rank());
        assertEquals(Map.of("allreduce", "recursive_doubling"), b.algorithms());
    }

    @Test
    void aSingleRankNeedsNoRendezvous() {
        ConnectOptions o = resolve(Map.of("JCCL_RANK", "0", "JCCL_SIZE", "1"));
        assertTrue(o.rendezvous().startsWith("mem:"), o.rendezvous());
    }
}
