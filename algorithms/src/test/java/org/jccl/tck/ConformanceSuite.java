package org.jccl.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jccl.algorithms.Collective;
import org.jccl.tck.TckCase.Kind;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The collective conformance suite, written once. A transport's test class extends it and supplies
 * a {@link RankLauncher} (threads or processes over that transport); it may narrow the rank counts
 * or sample the cases to keep slow launchers fast.
 */
public abstract class ConformanceSuite {

    /** How ranks are started for this run of the suite. */
    protected abstract RankLauncher launcher();

    /** The rank counts to cover. */
    protected int[] rankCounts() {
        return CaseCatalog.RANKS;
    }

    /** Keep every {@code stride()}-th case (1 keeps all). */
    protected int stride() {
        return 1;
    }

    @TestFactory
    Stream<DynamicTest> everyCollectiveAtEveryCount() {
        return IntStream.of(rankCounts()).mapToObj(n -> DynamicTest.dynamicTest(n + " ranks",
                () -> expectPass(n, Map.of(), sample(CaseCatalog.seed(n)))));
    }

    @TestFactory
    Stream<DynamicTest> unevenVariantsWithRandomCountsAndZeros() {
        return IntStream.of(rankCounts()).mapToObj(n -> DynamicTest.dynamicTest(n + " ranks",
                () -> expectPass(n, Map.of(), sample(CaseCatalog.uneven(n)))));
    }

    @TestFactory
    Stream<DynamicTest> asyncSplitMismatchArraysAndAbort() {
        return IntStream.of(rankCounts()).mapToObj(n -> DynamicTest.dynamicTest(n + " ranks",
                () -> expectPass(n, Map.of(), CaseCatalog.contract(n))));
    }

    @TestFactory
    Stream<DynamicTest> everyTypeAndOp() {
        return IntStream.of(3, 4).filter(this::covered).mapToObj(n -> DynamicTest.dynamicTest(n + " ranks",
                () -> expectPass(n, Map.of(), sample(CaseCatalog.typesAndOps(n)))));
    }

    @TestFactory
    Stream<DynamicTest> everyAlgorithmForced() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Collective c : Collective.values()) {
            Kind kind = Kind.valueOf(c.name()); // the uneven variants run the same algorithms
            if (c.algorithms().size() < 2) {
                continue;
            }
            for (String algo : c.algorithms()) {
                for (int n : new int[] {2, 3, 5, 8}) {
                    if (!covered(n)) {
                        continue;
                    }
                    List<TckCase> cases = new ArrayList<>();
                    for (TckCase k : CaseCatalog.typesAndOps(n)) {
                        if (k.kind() == kind) {
                            cases.add(k);
                        }
                    }
                    for (TckCase k : CaseCatalog.seed(n)) {
                        if (k.kind() == kind) {
                            cases.add(k);
                        }
                    }
                    tests.add(DynamicTest.dynamicTest(c.key() + "=" + algo + ", " + n + " ranks",
                            () -> expectPass(n, Map.of(c.key(), algo), sample(cases))));
                }
            }
        }
        return tests.stream();
    }

    private boolean covered(int n) {
        return IntStream.of(rankCounts()).anyMatch(x -> x == n);
    }

    private List<TckCase> sample(List<TckCase> cases) {
        List<TckCase> out = new ArrayList<>();
        for (int i = 0; i < cases.size(); i += stride()) {
            out.add(cases.get(i));
        }
        return out;
    }

    private void expectPass(int ranks, Map<String, String> algorithms, List<TckCase> cases) {
        List<String> failures = launcher().run(ranks, algorithms, cases);
        assertTrue(failures.isEmpty(), () -> failures.size() + " failure(s) in " + cases.size() + " cases on " + ranks
                + " ranks:\n  " + String.join("\n  ", failures.subList(0, Math.min(20, failures.size()))));
    }
}
