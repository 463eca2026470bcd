package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.core.Schedule;

/**
 * Folds p ranks onto q, the largest power of two not above p, for the all-reduces whose rounds pair
 * ranks by the bits of their index. With e = p - q, the 2e lowest ranks pair up: each even one
 * hands its whole vector to the odd one above it and sits out, the odd one reduces it in and plays
 * virtual rank r/2; ranks from 2e on play r - e. After the rounds, each odd rank hands the result
 * back to the even one that sat out. Cost of the fold: 2·(α + n·β) + n·γ, paid only when p ≠ q.
 */
final class PowerOfTwoFold {
    /** The power of two the ranks fold onto. */
    final int q;
    /** This rank's virtual rank among the q, or -1 while it sits out. */
    final int virtualRank;
    private final int rank;
    private final int extra;

    PowerOfTwoFold(int size, int rank) {
        this.q = Integer.highestOneBit(size);
        this.extra = size - q;
        this.rank = rank;
        this.virtualRank = rank >= 2 * extra ? rank - extra : rank % 2 == 1 ? rank / 2 : -1;
    }

    /** The real rank playing virtual rank {@code v}. */
    int real(int v) {
        return v < extra ? 2 * v + 1 : v + extra;
    }

    /** The lowest real rank virtual rank {@code v} stands for ({@code v = q}: p, past the last). */
    int firstRank(int v) {
        return v < extra ? 2 * v : v + extra;
    }

    /** True for an even rank below the fold, which hands its vector over and sits the rounds out. */
    boolean sitsOut() {
        return virtualRank < 0;
    }

    /** True for an odd rank below the fold, which plays the rounds for itself and the even rank below. */
    boolean standsIn() {
        return rank < 2 * extra && rank % 2 == 1;
    }

    /** The fold: even ranks below 2e send {@code data}, odd ones reduce it in (through {@code tmp}). */
    void in(Schedule x, ByteBuffer data, ByteBuffer tmp, DataType type, ReduceOp op) {
        if (rank < 2 * extra) {
            if (rank % 2 == 0) {
                x.await(x.isend(rank + 1, data));
            } else {
                x.await(x.irecv(rank - 1, tmp));
                x.reduce(data, tmp, type, op);
            }
        }
    }

    /** The unfold: odd ranks below 2e send the result back to the even ones that sat out. */
    void out(Schedule x, ByteBuffer data) {
        if (rank < 2 * extra) {
            if (rank % 2 == 0) {
                x.await(x.irecv(rank + 1, data));
            } else {
                x.await(x.isend(rank - 1, data));
            }
        }
    }
}
