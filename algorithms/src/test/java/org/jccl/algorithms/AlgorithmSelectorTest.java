package org.jccl.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.jccl.JcclException;
import org.junit.jupiter.api.Test;

class AlgorithmSelectorTest {
    @Test
    void smallMessagesUseLatencyAlgorithmsAndLargeOnesBandwidthAlgorithms() {
        AlgorithmSelector s = new AlgorithmSelector(Map.of(), 0);
        assertEquals("recursive_doubling", s.choose(Collective.ALLREDUCE, 8, 4));
        assertEquals("ring", s.choose(Collective.ALLREDUCE, 1 << 20, 4));
        assertEquals("binomial", s.choose(Collective.BROADCAST, 1024, 8));
        assertEquals("chain", s.choose(Collective.BROADCAST, 1 << 20, 8));
        assertEquals("reduce_scatter_gather", s.choose(Collective.REDUCE, 1 << 20, 8));
        assertEquals("pairwise", s.choose(Collective.ALLTOALL, 1 << 20, 8));
        assertEquals("bruck", s.choose(Collective.ALLGATHER, 4096, 5));
        assertEquals("ring", s.choose(Collective.ALLGATHER, 1 << 20, 5));
        assertEquals("recursive_halving", s.choose(Collective.REDUCESCATTER, 4096, 5));
        assertEquals("ring", s.choose(Collective.REDUCESCATTER, 1 << 20, 5));
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
}
