package org.jccl.perf;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A link rate written as {@code tc} writes it, so one value serves both the shaper and the plot:
 * {@code bit, kbit, mbit, gbit, tbit} are bits per second and {@code bps, kbps, mbps, gbps} bytes
 * per second, with decimal multiples (1gbit = 10^9 bit/s = 0.125 GB/s).
 */
record LinkRate(String text, double bytesPerSecond) {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(bit|bps)");

    static LinkRate parse(String text) {
        Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a link rate (e.g. 100mbit, 1gbit, 25gbit, 3gbps)");
        }
        double multiple = switch (m.group(2)) {
            case "k" -> 1e3;
            case "m" -> 1e6;
            case "g" -> 1e9;
            case "t" -> 1e12;
            default -> 1;
        };
        double perSecond = Double.parseDouble(m.group(1)) * multiple;
        if (perSecond <= 0) {
            throw new IllegalArgumentException("link rate '" + text + "' must be above zero");
        }
        return new LinkRate(text.trim(), m.group(3).equals("bit") ? perSecond / 8 : perSecond);
    }

    /** In GB/s (10^9 bytes per second), the unit of algbw and busbw. */
    double gigabytesPerSecond() {
        return bytesPerSecond / 1e9;
    }
}
