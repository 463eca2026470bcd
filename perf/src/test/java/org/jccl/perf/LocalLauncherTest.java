package org.jccl.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How the local launcher binds its ranks: as mpirun does, one core each while they fit. */
class LocalLauncherTest {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @Test
    void autoBindsRanksThatFitTheCoresAndLeavesMoreUnbound() {
        LocalLauncher.Binding fit = LocalLauncher.Binding.parse("auto", CORES);
        assertEquals(LocalLauncher.taskset() != null ? LocalLauncher.Binding.CORE : LocalLauncher.Binding.NONE, fit,
                "ranks that fit the cores are bound where taskset exists");
        assertEquals(LocalLauncher.Binding.NONE, LocalLauncher.Binding.parse("auto", CORES + 1),
                "more ranks than cores: binding would pin two polling ranks to one core");
    }

    @Test
    void explicitChoicesWinAndOthersAreRefused() {
        assertEquals(LocalLauncher.Binding.CORE, LocalLauncher.Binding.parse("Core", CORES + 1));
        assertEquals(LocalLauncher.Binding.NONE, LocalLauncher.Binding.parse("none", 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LocalLauncher.Binding.parse("socket", 2));
        assertTrue(e.getMessage().contains("core, none or auto"), e.getMessage());
    }
}
