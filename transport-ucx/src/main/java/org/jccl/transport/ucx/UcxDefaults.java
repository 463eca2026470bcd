package org.jccl.transport.ucx;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The UCX settings the ucx transport gives its context where they differ from UCX's own defaults.
 * Each is applied only when the environment does not set it ({@code UCX_} + its name), so a user's
 * or a cluster's UCX configuration always wins, and only when {@code UCX_TLS} lets UCX use the
 * transport it tunes: UCX warns about a setting that no transport of a worker took.
 */
final class UcxDefaults {
    /**
     * UCX's TCP transport reads a socket into receive segments of this size ({@code
     * UCX_TCP_RX_SEG_SIZE}). UCX's 64 KiB costs a {@code recv} call per 64 KiB of a large message;
     * 512 KiB took a 1 MiB stream over loopback from 206-212 to 134-136 us per message and a 16 MiB
     * one from 3363-3721 to 2278-2717 us (plain JUCX, two rounds each), with 64 KiB unchanged; 1 MiB
     * segments were slower than 512 KiB.
     */
    static final String TCP_RX_SEG_SIZE = "512K";

    private UcxDefaults() {
    }

    /**
     * The settings to apply given the process's environment, named as the context's configuration
     * takes them: a transport's own setting without the transport's prefix ({@code RX_SEG_SIZE} is
     * {@code UCX_TCP_RX_SEG_SIZE}; no other UCX transport has a setting of that name).
     */
    static Map<String, String> settings(Map<String, String> environment) {
        Map<String, String> s = new LinkedHashMap<>();
        if (!environment.containsKey("UCX_TCP_RX_SEG_SIZE") && allows(environment.get("UCX_TLS"), "tcp")) {
            s.put("RX_SEG_SIZE", TCP_RX_SEG_SIZE);
        }
        return s;
    }

    /**
     * Whether a {@code UCX_TLS} value (null: unset) lets UCX use its single-copy shared-memory
     * transport, cma, named directly or through the aliases {@code sm} and {@code shm}.
     */
    static boolean allowsSingleCopy(String tls) {
        if (tls == null || tls.isBlank()) {
            return true;
        }
        // "^a,b" allows cma only if it names none of its names; a list, if it names any
        boolean cma = allows(tls, "cma");
        boolean sm = allows(tls, "sm");
        boolean shm = allows(tls, "shm");
        return tls.startsWith("^") ? cma && sm && shm : cma || sm || shm;
    }

    /** Whether a {@code UCX_TLS} value (null: unset) lets UCX use {@code transport}. */
    static boolean allows(String tls, String transport) {
        if (tls == null || tls.isBlank()) {
            return true;
        }
        boolean except = tls.startsWith("^");
        List<String> named = Arrays.stream((except ? tls.substring(1) : tls).split(","))
                .map(String::trim).toList();
        return except ? !named.contains(transport) : named.contains(transport) || named.contains("all");
    }
}
