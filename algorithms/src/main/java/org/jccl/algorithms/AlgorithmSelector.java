package org.jccl.algorithms;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jccl.Configuration;
import org.jccl.JcclException;

/**
 * Picks the algorithm of each collective: the one the {@link CostModel} predicts to be fastest for
 * the message size and rank count, unless {@code JCCL_ALGO_<COLLECTIVE>} forces one. Every rank
 * must hold the same model (the communicator agrees on it at start-up), so that all choose alike.
 *
 * <p>Algorithms that go in rounds and move whole messages per round (trees, Bruck's,
 * halving-doubling) are candidates only up to one pipeline chunk ({@code jccl.chunkBytes}). Past
 * it the streaming algorithms (ring, chain, pairwise) keep every link busy by overlapping their
 * chunks, which the α-β model does not see: on the shaped 1 Gbit/s cluster the round-based ones ran
 * 1.3-2 times their β time from 1 MiB up, the streaming ones 1.05 times.
 */
public final class AlgorithmSelector {
    /** The algorithms that stream chunks rather than go in rounds of whole messages. */
    private static final Set<String> STREAMING = Set.of(RingAllReduce.NAME, PipelinedChainBroadcast.NAME,
            PairwiseAllToAll.NAME, ReduceScatterGatherReduce.NAME);
    /** The collectives that have a streaming algorithm to take over past one chunk. */
    private static final Set<Collective> CAN_STREAM = EnumSet.copyOf(Arrays.stream(Collective.values())
            .filter(c -> c.algorithms().stream().anyMatch(STREAMING::contains)).toList());

    private final int chunkBytes = Configuration.intProperty(Configuration.PROP_CHUNK_BYTES,
            Configuration.DEFAULT_CHUNK_BYTES);
    private volatile CostModel model = CostModel.DEFAULT;
    private final Map<Collective, String> forced = new EnumMap<>(Collective.class);

    /**
     * @param overrides forced algorithms keyed by collective key ({@code allreduce}) or operation name
     * @param rank for error messages
     */
    public AlgorithmSelector(Map<String, String> overrides, int rank) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            Collective c = find(e.getKey());
            if (c == null) {
                throw new JcclException(rank, "init", "JCCL_ALGO_" + e.getKey().toUpperCase(Locale.ROOT)
                        + " names no collective; use one of " + java.util.Arrays.toString(Collective.values()));
            }
            String algo = e.getValue().toLowerCase(Locale.ROOT).replace('-', '_');
            if (!c.algorithms().contains(algo)) {
                throw new JcclException(rank, "init", "unknown algorithm '" + e.getValue() + "' for " + c.operation()
                        + "; choose one of " + c.algorithms());
            }
            forced.put(c, algo);
        }
    }

    private static Collective find(String key) {
        String k = key.toLowerCase(Locale.ROOT).replace("_", "");
        for (Collective c : Collective.values()) {
            if (c.key().equals(k)) {
                return c;
            }
        }
        return null;
    }

    /** The model the choices follow. */
    public CostModel model() {
        return model;
    }

    /** Follows {@code m} from now on; every rank must switch to the same model at the same point. */
    public void useModel(CostModel m) {
        this.model = m;
    }

    /**
     * The algorithm for {@code c} moving {@code bytes} among {@code ranks} ranks: the per-rank vector,
     * or for all-gather, reduce-scatter and all-to-all the whole buffer of p blocks. Ties go to the
     * algorithm listed first in {@link Collective}.
     */
    public String choose(Collective c, long bytes, int ranks) {
        String f = forced.get(c);
        if (f != null) {
            return f;
        }
        String best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (String algo : c.algorithms()) {
            if (!candidate(c, algo, bytes)) {
                continue;
            }
            double cost = predict(c, algo, bytes, ranks);
            if (cost < bestCost) {
                best = algo;
                bestCost = cost;
            }
        }
        return best;
    }

    /**
     * What this selector chooses among {@code ranks} ranks, by size range, for the log: e.g.
     * {@code allReduce recursive_doubling up to 2 KiB, ring above}. Sizes are probed at powers of two
     * up to 1 GiB, so a boundary reads as the last power of two before it.
     */
    public String describe(int ranks) {
        StringBuilder out = new StringBuilder();
        for (Collective c : Collective.values()) {
            out.append(out.length() == 0 ? "" : "; ").append(c.operation()).append(' ');
            String current = choose(c, 0, ranks);
            boolean split = false;
            for (long n = 1; n <= 1L << 30; n <<= 1) {
                String next = choose(c, n, ranks);
                if (!next.equals(current)) {
                    out.append(current).append(" up to ").append(bytes(n >> 1)).append(", ");
                    current = next;
                    split = true;
                }
            }
            out.append(current).append(split ? " above" : "");
        }
        return out.toString();
    }

    /** {@code n} bytes in the largest binary unit that divides it. */
    private static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB"};
        int u = 0;
        while (u < units.length - 1 && n >= 1024 && n % 1024 == 0) {
            n >>= 10;
            u++;
        }
        return n + " " + units[u];
    }

    /**
     * Whether the model may choose {@code algo} for {@code bytes}: a round-based algorithm only up to
     * one chunk, where the collective has a streaming one to take over.
     */
    public boolean candidate(Collective c, String algo, long bytes) {
        return bytes <= chunkBytes || STREAMING.contains(algo) || !CAN_STREAM.contains(c);
    }

    /** The model's time in seconds for {@code algo} running {@code c} on {@code bytes} among {@code ranks} ranks. */
    public double predict(Collective c, String algo, long bytes, int ranks) {
        CostModel m = model;
        int p = ranks;
        long n = bytes;
        if (p <= 1) {
            return 0;
        }
        return switch (c) {
            case ALLREDUCE -> switch (algo) {
                case RingAllReduce.NAME -> RingAllReduce.cost(m, p, n, chunkBytes);
                case HalvingDoublingAllReduce.NAME -> HalvingDoublingAllReduce.cost(m, p, n);
                default -> RecursiveDoublingAllReduce.cost(m, p, n);
            };
            case BROADCAST -> algo.equals(PipelinedChainBroadcast.NAME)
                    ? PipelinedChainBroadcast.cost(m, p, n, chunkBytes) : BinomialBroadcast.cost(m, p, n);
            case REDUCE -> algo.equals(ReduceScatterGatherReduce.NAME)
                    ? ReduceScatterGatherReduce.cost(m, p, n, chunkBytes) : BinomialReduce.cost(m, p, n);
            case ALLGATHER -> algo.equals(BruckAllGather.NAME) ? BruckAllGather.cost(m, p, n) : RingAllGather.cost(m, p, n);
            case REDUCESCATTER -> algo.equals(RecursiveHalvingReduceScatter.NAME)
                    ? RecursiveHalvingReduceScatter.cost(m, p, n) : RingReduceScatter.cost(m, p, n, chunkBytes);
            case ALLTOALL -> algo.equals(BruckAllToAll.NAME) ? BruckAllToAll.cost(m, p, n) : PairwiseAllToAll.cost(m, p, n);
            case SCATTER -> BinomialScatter.cost(m, p, n);
            case GATHER -> BinomialGather.cost(m, p, n);
            case BARRIER -> DisseminationBarrier.cost(m, p);
        };
    }
}
