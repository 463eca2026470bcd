package org.jccl.tck;

import java.util.List;
import java.util.Map;

/**
 * Runs TCK cases on a group of ranks: threads of this JVM or separate processes. Each transport's
 * tests supply launchers; the suite itself is written once.
 */
public interface RankLauncher {
    /**
     * Connects {@code ranks} ranks (with {@code algorithms} forced), runs {@code cases} back to back on
     * every rank with no barrier between them, and returns what went wrong (empty when all passed).
     * Fails the test with every rank's state when the hard deadline passes.
     */
    List<String> run(int ranks, Map<String, String> algorithms, List<TckCase> cases);
}
