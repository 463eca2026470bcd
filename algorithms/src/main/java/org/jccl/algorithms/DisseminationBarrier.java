package org.jccl.algorithms;

import org.jccl.core.Schedule;
import org.jccl.core.Windows;

/**
 * Dissemination barrier (Hensgen, Finkel and Manber).
 *
 * <p>In round k (k = 1, 2, 4, … below p) rank r sends an empty message to r+k and waits for one
 * from r-k. After ⌈log2 p⌉ rounds every rank has heard, directly or through others, from every
 * rank, so no rank leaves before all have entered. Works for any p, no power of two needed.
 *
 * <p>Cost: ⌈log2 p⌉·α, zero payload bytes.
 */
public final class DisseminationBarrier {
    /** Selection name. */
    public static final String NAME = "dissemination";

    private DisseminationBarrier() {
    }

    /** Returns once every rank has entered. */
    public static void run(Schedule x) {
        int p = x.size();
        int r = x.rank();
        for (int k = 1; k < p; k <<= 1) {
            x.sendRecv((r + k) % p, Windows.EMPTY, (r - k + p) % p, Windows.EMPTY);
        }
    }

    /** Predicted seconds on {@code p} ranks. */
    public static double cost(CostModel m, int p) {
        return CostModel.log2Ceil(p) * m.alpha();
    }
}
