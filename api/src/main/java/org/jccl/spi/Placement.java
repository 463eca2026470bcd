package org.jccl.spi;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import org.jccl.Configuration;

/**
 * Where a rank runs: which machine (kernel) and which of its cores it may use. Transports publish it
 * beside their address, so that a rank knows whether the ranks that may use its cores outnumber
 * them: then a peer it waits for may be waiting for this very core, and waiting must yield it at once
 * instead of polling.
 */
public final class Placement {
    private final byte[] machine;
    private final BitSet cpus;

    private Placement(byte[] machine, BitSet cpus) {
        this.machine = machine;
        this.cpus = cpus;
    }

    /** This process's placement. */
    public static Placement here() {
        return new Placement(machine(), allowedCpus());
    }

    /** The bytes to publish. */
    public byte[] encode() {
        byte[] c = cpus.toByteArray();
        return ByteBuffer.allocate(8 + machine.length + c.length).putInt(machine.length).put(machine).putInt(c.length)
                .put(c).array();
    }

    /** Reads what {@link #encode()} wrote, from {@code b}'s position on. */
    public static Placement decode(ByteBuffer b) {
        byte[] m = new byte[b.getInt()];
        b.get(m);
        byte[] c = new byte[b.getInt()];
        b.get(c);
        return new Placement(m, BitSet.valueOf(c));
    }

    /** True when {@code other} runs on the same machine (kernel) as this. */
    public boolean sameMachine(Placement other) {
        return Arrays.equals(machine, other.machine);
    }

    /**
     * True when more of {@code all}'s ranks may run on this placement's cores than there are of them:
     * those on the same machine whose allowed cores overlap these.
     */
    public boolean oversubscribed(Placement[] all) {
        int sharing = 0;
        for (Placement p : all) {
            if (sameMachine(p) && p.cpus.intersects(cpus)) {
                sharing++;
            }
        }
        return sharing > cpus.cardinality();
    }

    /**
     * The host's identity: {@code JCCL_HOST_ID} when set; else the hostname and the kernel's boot id,
     * since neither alone is enough (containers may share a hostname across hosts, and network
     * namespaces on one kernel share its boot id while being hosts of their own).
     */
    private static byte[] machine() {
        String id = Configuration.setting(Configuration.PROP_HOST_ID, Configuration.ENV_HOST_ID);
        if (id != null && !id.isBlank()) {
            return ("id:" + id.trim()).getBytes(StandardCharsets.UTF_8);
        }
        return (hostname() + "/" + read("/proc/sys/kernel/random/boot_id")).getBytes(StandardCharsets.UTF_8);
    }

    /** The kernel's hostname (of this UTS namespace) as Linux tells it, with no name lookup; else the JDK's. */
    private static String hostname() {
        String h = read("/proc/sys/kernel/hostname");
        if (!h.isEmpty()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "";
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The cores this process may run on (Linux's Cpus_allowed_list), else as many as the JVM sees. */
    private static BitSet allowedCpus() {
        BitSet set = new BitSet();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    for (String range : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                        String[] ends = range.trim().split("-");
                        int lo = Integer.parseInt(ends[0].trim());
                        int hi = ends.length > 1 ? Integer.parseInt(ends[1].trim()) : lo;
                        set.set(lo, hi + 1);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            set.clear();
        }
        if (set.isEmpty()) {
            set.set(0, Runtime.getRuntime().availableProcessors());
        }
        return set;
    }
}
