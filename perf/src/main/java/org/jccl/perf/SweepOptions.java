package org.jccl.perf;

import java.util.ArrayList;
import java.util.List;
import org.jccl.DataType;
import org.jccl.ReduceOp;

/** What one sweep measures; shared by the launcher and every rank. */
record SweepOptions(List<BenchOp> ops, long minBytes, long maxBytes, double stepFactor, long stepBytes, int iters,
                    int warmup, boolean check, DataType type, ReduceOp op, int root, boolean inPlace) {

    /** The sizes of the sweep: minBytes, then ×stepFactor (or +stepBytes when given) up to maxBytes. */
    List<Long> sizes() {
        List<Long> out = new ArrayList<>();
        for (long s = minBytes; s <= maxBytes; ) {
            out.add(s);
            long next = stepBytes > 0 ? s + stepBytes : (long) Math.ceil(s * stepFactor);
            if (next <= s) {
                break;
            }
            s = next;
        }
        return out;
    }
}
