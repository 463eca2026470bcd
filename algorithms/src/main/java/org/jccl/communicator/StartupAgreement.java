package org.jccl.communicator;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jccl.Configuration;
import org.jccl.JcclException;
import org.jccl.rendezvous.RendezvousStore;
import org.jccl.spi.ConnectOptions;
import org.jccl.spi.TransportProvider;

/**
 * The check, before any transport connects, that every rank of a job was started alike. Each rank
 * publishes the settings that must agree (size, transport, chunk size, algorithm overrides,
 * whether a secret or TLS is set: never the secret itself; and the transport's own, such as
 * {@code UCX_TLS}) and its process; rank 0 reads them all and
 * writes a verdict. A disagreement becomes the job's failure in the store, so every rank fails
 * within moments with one message that names the setting, the ranks and their values.
 */
final class StartupAgreement {
    private static final String PREFIX = "startup/";
    private static final String VERDICT = PREFIX + "verdict";
    private static final String AGREED = "agreed";
    private static final String UNSET = "unset";
    /** The record's key for the rank's process; compared only for transports that stay in one process. */
    private static final String PROCESS = "process";

    private StartupAgreement() {
    }

    /** Publishes this rank's settings and returns once rank 0 found every rank's alike; else throws. */
    static void check(RendezvousStore store, ConnectOptions o, TransportProvider provider, Instant deadline) {
        int rank = o.rank();
        store.set(PREFIX + rank, encode(settings(o, provider)));
        if (rank == 0) {
            List<Map<String, String>> all = new ArrayList<>();
            for (byte[] settings : store.awaitAll(PREFIX, o.size(), deadline, rank)) {
                all.add(decode(settings));
            }
            String problem = compare(all, provider);
            if (problem != null) {
                store.failFirst(problem);
                throw new JcclException(rank, "init", problem);
            }
            store.set(VERDICT, AGREED.getBytes(StandardCharsets.UTF_8));
            return;
        }
        store.await(VERDICT, deadline, rank);
    }

    /** What this rank was started with, setting name to value (compared by name, in any order). */
    static Map<String, String> settings(ConnectOptions o, TransportProvider provider) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(Configuration.ENV_SIZE, Integer.toString(o.size()));
        s.put(Configuration.ENV_TRANSPORT, provider.name());
        s.put(Configuration.PROP_CHUNK_BYTES, Integer.toString(
                Configuration.intProperty(Configuration.PROP_CHUNK_BYTES, Configuration.DEFAULT_CHUNK_BYTES)));
        s.put(Configuration.ENV_SECRET, o.secret() == null || o.secret().isEmpty() ? UNSET : "set");
        s.put(Configuration.ENV_TLS_CERT, o.tls() == null ? UNSET : "set");
        o.algorithms().forEach((collective, algorithm) ->
                s.put(Configuration.ENV_ALGO_PREFIX + collective.toUpperCase(Locale.ROOT), algorithm));
        s.putAll(provider.startupSettings());
        s.put(PROCESS, ManagementFactory.getRuntimeMXBean().getName());
        return s;
    }

    /**
     * The first disagreement among the ranks' settings ({@code all.get(r)} is rank r's), as the
     * message every rank fails with, or null when they agree.
     */
    static String compare(List<Map<String, String>> all, TransportProvider provider) {
        TreeSet<String> names = new TreeSet<>();
        all.forEach(s -> names.addAll(s.keySet()));
        names.remove(PROCESS);
        for (String name : names) {
            Map<String, List<Integer>> ranksByValue = new TreeMap<>();
            for (int r = 0; r < all.size(); r++) {
                ranksByValue.computeIfAbsent(all.get(r).getOrDefault(name, UNSET), v -> new ArrayList<>()).add(r);
            }
            if (ranksByValue.size() > 1) {
                StringBuilder m = new StringBuilder(name).append(" differs:");
                String sep = " ";
                for (Map.Entry<String, List<Integer>> e : ranksByValue.entrySet()) {
                    m.append(sep).append("ranks ").append(e.getValue()).append(' ').append(e.getKey());
                    sep = ", ";
                }
                return m.append("; start every rank with the same ").append(name).toString();
            }
        }
        if (!provider.crossesProcesses()) {
            TreeSet<String> processes = new TreeSet<>();
            all.forEach(s -> processes.add(s.get(PROCESS)));
            if (processes.size() > 1) {
                return "the " + provider.name() + " transport runs ranks as threads of one JVM, but this job's ranks"
                        + " are " + processes.size() + " processes (use tcp or ucx)";
            }
        }
        return null;
    }

    private static byte[] encode(Map<String, String> settings) {
        StringBuilder b = new StringBuilder();
        settings.forEach((k, v) -> b.append(k).append('=').append(v.replace('\n', ' ')).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> decode(byte[] bytes) {
        Map<String, String> s = new LinkedHashMap<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                s.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return s;
    }
}
