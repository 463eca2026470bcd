package org.jccl.algorithms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The α-β-γ model the algorithms' costs are written in: a message of n bytes between two ranks
 * takes α + n·β, and reducing n bytes into a buffer takes n·γ. Each algorithm class states its cost
 * in these terms ({@code cost(model, p, n)}) beside its walk-through; {@link AlgorithmSelector}
 * picks the cheapest. A communicator measures α and β at start-up with a ping-pong between
 * neighbours, and the ranks agree on the means, so that every rank chooses alike
 * ({@code org.jccl.communicator.CostProbe}); γ keeps its default unless {@code JCCL_COST_MODEL}
 * sets it.
 *
 * @param alpha seconds per message
 * @param beta seconds per byte on a link
 * @param gamma seconds per byte reduced (or copied) locally
 */
public record CostModel(double alpha, double beta, double gamma) {
    /**
     * The model before (or instead of) a measurement: TCP on loopback or a fast LAN, 20 µs per
     * message, 2 GB/s, and 10 GB/s of reduction (compiled float32 sums run at 16-25 GB/s, other
     * types slower).
     */
    public static final CostModel DEFAULT = new CostModel(20e-6, 0.5e-9, 0.1e-9);

    /** Seconds for one message of {@code bytes} bytes. */
    public double message(double bytes) {
        return alpha + bytes * beta;
    }

    /**
     * Reads a model written as {@code alpha_us=20,beta_ns=0.5,gamma_ns=0.25} (β and γ per byte; any
     * term left out keeps its {@link #DEFAULT}), the path of a file that holds such a line, or
     * {@code default}, as {@code JCCL_COST_MODEL} gives it.
     *
     * @throws IllegalArgumentException when it is neither, naming what is wrong
     */
    public static CostModel parse(String spec) {
        String text = spec.trim();
        if (text.equalsIgnoreCase("default")) {
            return DEFAULT;
        }
        if (!text.contains("=")) {
            try {
                text = Files.readString(Path.of(text)).trim();
            } catch (IOException e) {
                throw new IllegalArgumentException("cost model '" + spec + "' is neither alpha_us=…,beta_ns=…,gamma_ns=… "
                        + "nor a readable file: " + e.getMessage(), e);
            }
        }
        // a file may say where its numbers came from, on lines of their own starting with #
        text = text.lines().map(String::strip).filter(l -> !l.startsWith("#")).collect(Collectors.joining(","));
        double alpha = DEFAULT.alpha;
        double beta = DEFAULT.beta;
        double gamma = DEFAULT.gamma;
        for (String part : text.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("cost model term '" + part + "' is not key=value");
            }
            String key = part.substring(0, eq).toLowerCase(Locale.ROOT);
            double v;
            try {
                v = Double.parseDouble(part.substring(eq + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cost model term '" + part + "' has no number", e);
            }
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("cost model term '" + part + "' must be a finite number >= 0");
            }
            switch (key) {
                case "alpha_us" -> alpha = v * 1e-6;
                case "beta_ns" -> beta = v * 1e-9;
                case "gamma_ns" -> gamma = v * 1e-9;
                default -> throw new IllegalArgumentException("cost model term '" + part
                        + "' is none of alpha_us, beta_ns, gamma_ns");
            }
        }
        return new CostModel(alpha, beta, gamma);
    }

    /** The model as {@link #parse} reads it. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "alpha_us=%.3f,beta_ns=%.4f,gamma_ns=%.4f", alpha * 1e6, beta * 1e9, gamma * 1e9);
    }

    /** ⌈log2 p⌉. */
    static int log2Ceil(int p) {
        return p <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(p - 1);
    }
}
