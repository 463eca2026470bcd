package org.jccl.algorithms;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.jccl.JcclException;

/**
 * Picks the algorithm of each collective from the message size and the rank count, unless
 * {@code JCCL_ALGO_<COLLECTIVE>} forces one. The thresholds are where the latency-bound algorithm's
 * ⌈log2 p⌉·n·β overtakes the bandwidth-bound one's extra ~p·α on TCP (α ≈ 20-50 µs, β ≈ 0.3-1 ns/B);
 * docs/algorithms.md gives the reasoning.
 */
public final class AlgorithmSelector {
    /** All-reduce messages up to this many bytes use recursive doubling. */
    public static final int ALLREDUCE_SMALL_BYTES = 32 * 1024;
    /** Broadcasts up to this many bytes use the binomial tree. */
    public static final int BROADCAST_SMALL_BYTES = 64 * 1024;
    /** Reduces up to this many bytes use the binomial tree. */
    public static final int REDUCE_SMALL_BYTES = 64 * 1024;
    /** All-gathers of up to this many bytes (gathered) use Bruck's algorithm. */
    public static final int ALLGATHER_SMALL_BYTES = 64 * 1024;
    /** Reduce-scatters of up to this many bytes (the whole input) use recursive halving. */
    public static final int REDUCESCATTER_SMALL_BYTES = 64 * 1024;

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

    /**
     * The algorithm for {@code c} moving {@code bytes} among {@code ranks} ranks: the per-rank vector,
     * or for all-gather and reduce-scatter the whole buffer of p blocks.
     */
    public String choose(Collective c, long bytes, int ranks) {
        String f = forced.get(c);
        if (f != null) {
            return f;
        }
        return switch (c) {
            case ALLREDUCE -> bytes <= ALLREDUCE_SMALL_BYTES || bytes / ranks < 8
                    ? RecursiveDoublingAllReduce.NAME : RingAllReduce.NAME;
            case BROADCAST -> bytes <= BROADCAST_SMALL_BYTES || ranks <= 2
                    ? BinomialBroadcast.NAME : PipelinedChainBroadcast.NAME;
            case REDUCE -> bytes <= REDUCE_SMALL_BYTES || ranks <= 2
                    ? BinomialReduce.NAME : ReduceScatterGatherReduce.NAME;
            case ALLGATHER -> bytes <= ALLGATHER_SMALL_BYTES ? BruckAllGather.NAME : RingAllGather.NAME;
            case REDUCESCATTER -> bytes <= REDUCESCATTER_SMALL_BYTES
                    ? RecursiveHalvingReduceScatter.NAME : RingReduceScatter.NAME;
            default -> c.algorithms().get(0);
        };
    }
}
