package org.jccl.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jccl.JcclException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlgorithmSelectorTest {
    /** A 1 Gbit/s network: 50 µs per message, 8 ns per byte. */
    private static final CostModel GIGABIT = new CostModel(50e-6, 8e-9, 0.1e-9);

    @Test
    void theChoiceIsTheCheapestCandidateTheModelKnows() {
        for (CostModel m : new CostModel[] {CostModel.DEFAULT, GIGABIT, new CostModel(2e-6, 0.05e-9, 0.05e-9)}) {
            AlgorithmSelector s = new AlgorithmSelector(Map.of(), 0);
            s.useModel(m);
            for (Collective c : Collective.values()) {
                for (int p : new int[] {2, 3, 4, 5, 8, 13, 64}) {
                    for (long n = 8; n <= 1L << 28; n *= 8) {
                        String chosen = s.choose(c, n, p);
                        assertTrue(s.candidate(c, chosen, n), c + " " + n + " B: " + chosen + " is no candidate");
                        for (String other : c.algorithms()) {
                            assertTrue(!s.candidate(c, other, n) || s.predict(c, chosen, n, p) <= s.predict(c, other, n, p),
                                    c + " " + n + " B on " + p + " ranks: " + chosen + " over the cheaper " + other);
                        }
                    }
                }
            }
        }
    }

    @Test
    void smallMessagesTakeFewRoundsAndLargeOnesFewBytes() {
        AlgorithmSelector s = new AlgorithmSelector(Map.of(), 0);
        s.useModel(GIGABIT);
        assertEquals("recursive_doubling", s.choose(Collective.ALLREDUCE, 8, 4));
        assertEquals("halving_doubling", s.choose(Collective.ALLREDUCE, 64 << 10, 4));
        assertEquals("ring", s.choose(Collective.ALLREDUCE, 64 << 20, 4));
        assertEquals("ring", s.choose(Collective.ALLREDUCE, 64 << 20, 5));
        assertEquals("binomial", s.choose(Collective.BROADCAST, 1024, 8));
        assertEquals("chain", s.choose(Collective.BROADCAST, 64 << 20, 8));
        assertEquals("binomial", s.choose(Collective.REDUCE, 1024, 8));
        assertEquals("reduce_scatter_gather", s.choose(Collective.REDUCE, 64 << 20, 8));
        assertEquals("bruck", s.choose(Collective.ALLTOALL, 1024, 16));
        assertEquals("pairwise", s.choose(Collective.ALLTOALL, 64 << 20, 16));
        assertEquals("bruck", s.choose(Collective.ALLGATHER, 4096, 5));
        assertEquals("recursive_halving", s.choose(Collective.REDUCESCATTER, 4096, 8));
        assertEquals("ring", s.choose(Collective.REDUCESCATTER, 64 << 20, 5));
    }

    @Test
    void pastOneChunkOnlyStreamingAlgorithmsAreCandidates() {
        AlgorithmSelector s = new AlgorithmSelector(Map.of(), 0);
        s.useModel(new CostModel(1e-3, 1e-12, 1e-12)); // a model that would take the fewest rounds at any size
        assertEquals("recursive_doubling", s.choose(Collective.ALLREDUCE, 64 << 10, 8));
        assertEquals("ring", s.choose(Collective.ALLREDUCE, 4 << 20, 8));
        assertEquals("ring", s.choose(Collective.ALLGATHER, 4 << 20, 8));
        assertEquals("chain", s.choose(Collective.BROADCAST, 4 << 20, 8));
        assertEquals("ring", s.choose(Collective.REDUCESCATTER, 4 << 20, 8));
        assertEquals("pairwise", s.choose(Collective.ALLTOALL, 4 << 20, 64));
        assertEquals("binomial", s.choose(Collective.SCATTER, 4 << 20, 8), "a collective with no streaming algorithm");
    }

    @Test
    void predictionsGrowWithSizeAndRanks() {
        AlgorithmSelector s = new AlgorithmSelector(Map.of(), 0);
        for (Collective c : Collective.values()) {
            for (String algo : c.algorithms()) {
                assertEquals(0, s.predict(c, algo, 1 << 20, 1), c + " " + algo + " on one rank");
                double small = s.predict(c, algo, 1024, 4);
                assertTrue(small > 0, c + " " + algo);
                if (c != Collective.BARRIER) {
                    assertTrue(s.predict(c, algo, 16 << 20, 4) > small, c + " " + algo + " grows with size");
                }
                assertTrue(s.predict(c, algo, 1024, 64) >= small, c + " " + algo + " grows with ranks");
            }
        }
    }

    @Test
    void overridesWinAndAreValidated() {
        AlgorithmSelector s = new AlgorithmSelector(Map.of("allreduce", "ring", "BROADCAST", "Chain"), 0);
        assertEquals("ring", s.choose(Collective.ALLREDUCE, 8, 4));
        assertEquals("chain", s.choose(Collective.BROADCAST, 8, 4));
        JcclException e = assertThrows(JcclException.class, () -> new AlgorithmSelector(Map.of("allreduce", "tree"), 3));
        assertTrue(e.getMessage().startsWith("rank 3: init: unknown algorithm 'tree' for allReduce; choose one of"),
                e.getMessage());
        assertThrows(JcclException.class, () -> new AlgorithmSelector(Map.of("allreducex", "ring"), 0));
    }

    @Test
    void aModelReadsFromTextOrAFileAndRefusesNonsense(@TempDir Path dir) throws Exception {
        CostModel m = CostModel.parse("alpha_us=50,beta_ns=8,gamma_ns=0.2");
        assertEquals(50e-6, m.alpha(), 1e-12);
        assertEquals(8e-9, m.beta(), 1e-15);
        assertEquals(0.2e-9, m.gamma(), 1e-15);
        assertEquals(CostModel.DEFAULT.gamma(), CostModel.parse("alpha_us=3, beta_ns=1").gamma());
        assertEquals(CostModel.DEFAULT, CostModel.parse("default"));
        Path file = Files.writeString(dir.resolve("tuning"), "# measured on the cluster\n" + m + "\n");
        CostModel read = CostModel.parse(file.toString());
        assertEquals(m.alpha(), read.alpha(), 1e-12);
        assertEquals(m.beta(), read.beta(), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CostModel.parse("alpha_us=-1"));
        assertTrue(e.getMessage().contains("alpha_us=-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CostModel.parse("delta_us=1"));
        assertThrows(IllegalArgumentException.class, () -> CostModel.parse("alpha_us=fast"));
        assertThrows(IllegalArgumentException.class, () -> CostModel.parse(dir.resolve("missing").toString()));
    }
}
