package org.jccl.perf;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One measured size of one collective: what the text table prints, and one row of {@code --csv}
 * and {@code --json}. {@code label} names the run (the transport unless {@code --label} says
 * otherwise) so that rows of several runs can share one file or one plot; {@code wrong} is null
 * when results were not checked.
 */
@JsonPropertyOrder({"label", "op", "ranks", "size", "count", "type", "redop", "root", "algorithm", "inPlace", "avgUs",
    "p50Us", "p99Us", "maxUs", "algbwGBs", "busbwGBs", "wrong"})
record SweepRow(String label, String op, int ranks, long size, long count, String type, String redop, String root,
                String algorithm, boolean inPlace, double avgUs, double p50Us, double p99Us, double maxUs, double algbwGBs,
                double busbwGBs, Long wrong, Double modelUs) {
}
