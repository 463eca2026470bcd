package org.jccl.transport.tcp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jccl.JcclException;

/**
 * Chooses the address the TCP transport binds and advertises, as {@code JCCL_SOCKET_IFNAME} says:
 * an interface name, a comma list of names, a prefix ({@code eth} matches eth0, eth1), {@code =name}
 * for an exact name only, or {@code ^prefix} to exclude. Without it: loopback when the rendezvous is
 * on loopback (a single-node job), else the first interface that is up and not loopback. IPv4 is
 * preferred over IPv6 on an interface; link-local IPv6 addresses are skipped.
 */
final class InterfaceAddress {
    private InterfaceAddress() {
    }

    static InetAddress choose(int rank, String ifname, String rendezvousHost) {
        try {
            if (ifname == null) {
                if (rendezvousHost != null && isLoopback(rendezvousHost)) {
                    return InetAddress.getByName(strip(rendezvousHost));
                }
                InetAddress a = firstMatching(rank, List.of(), List.of(), false);
                return a != null ? a : InetAddress.getLoopbackAddress();
            }
            List<String> include = new ArrayList<>();
            List<String> exclude = new ArrayList<>();
            for (String s : ifname.split(",")) {
                s = s.trim();
                if (s.startsWith("^")) {
                    exclude.add(s.substring(1));
                } else if (!s.isEmpty()) {
                    include.add(s);
                }
            }
            InetAddress a = firstMatching(rank, include, exclude, true);
            if (a == null) {
                throw new JcclException(rank, "connect", "no interface matches JCCL_SOCKET_IFNAME=" + ifname
                        + "; interfaces here: " + describeAll());
            }
            return a;
        } catch (SocketException | UnknownHostException e) {
            throw new JcclException(rank, "connect", "cannot list network interfaces: " + e.getMessage(), e);
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(strip(host)).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String strip(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static InetAddress firstMatching(int rank, List<String> include, List<String> exclude, boolean allowLoopback)
            throws SocketException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || (!allowLoopback && ni.isLoopback()) || !matches(ni.getName(), include, exclude)) {
                continue;
            }
            InetAddress best = null;
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet6Address && a.isLinkLocalAddress()) {
                    continue;
                }
                if (best == null || (a instanceof Inet4Address && !(best instanceof Inet4Address))) {
                    best = a;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }

    private static boolean matches(String name, List<String> include, List<String> exclude) {
        for (String x : exclude) {
            if (name.startsWith(x)) {
                return false;
            }
        }
        if (include.isEmpty()) {
            return true;
        }
        for (String i : include) {
            if (i.startsWith("=") ? name.equals(i.substring(1)) : name.startsWith(i)) {
                return true;
            }
        }
        return false;
    }

    private static String describeAll() throws SocketException {
        List<String> all = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            all.add(ni.getName() + (ni.isUp() ? "" : " (down)"));
        }
        return String.join(", ", all);
    }
}
