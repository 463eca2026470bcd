package org.jccl.algorithms;

import java.util.List;
import java.util.Locale;

/** The collectives, with the algorithms each can run (the first is listed as the default family). */
public enum Collective {
    BROADCAST("broadcast", BinomialBroadcast.NAME, PipelinedChainBroadcast.NAME),
    SCATTER("scatter", BinomialScatter.NAME),
    GATHER("gather", BinomialGather.NAME),
    ALLGATHER("allGather", RingAllGather.NAME, BruckAllGather.NAME),
    REDUCE("reduce", BinomialReduce.NAME, ReduceScatterGatherReduce.NAME),
    ALLREDUCE("allReduce", RecursiveDoublingAllReduce.NAME, RingAllReduce.NAME, HalvingDoublingAllReduce.NAME),
    REDUCESCATTER("reduceScatter", RingReduceScatter.NAME, RecursiveHalvingReduceScatter.NAME),
    ALLTOALL("allToAll", PairwiseAllToAll.NAME, BruckAllToAll.NAME),
    BARRIER("barrier", DisseminationBarrier.NAME);

    private final String operation;
    private final List<String> algorithms;

    Collective(String operation, String... algorithms) {
        this.operation = operation;
        this.algorithms = List.of(algorithms);
    }

    /** The API method name, as error messages use it. */
    public String operation() {
        return operation;
    }

    /** The key of {@code JCCL_ALGO_<KEY>} in lower case, e.g. {@code allreduce}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every algorithm name this collective accepts. */
    public List<String> algorithms() {
        return algorithms;
    }
}
