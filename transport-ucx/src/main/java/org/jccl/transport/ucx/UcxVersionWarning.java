package org.jccl.transport.ucx;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Keeps UCX's "UCP version is incompatible" warning out of users' output. JUCX's native code is
 * built against a newer UCP API than Debian's libucx0 1.13.1 offers, and {@code ucp_init} then
 * warns on the process's C stdout, although everything JUCX calls here exists in 1.13 (see the
 * notes on JUCX versions). UCX reads its log level from the environment once, when libucs loads,
 * and a Java process cannot change its own environment; but libucs lets a loaded process change
 * its global options. So while the context is created, and only when the library is older than
 * JUCX expects and the user has not chosen a log level, the level is raised to {@code error} and
 * then put back: no other warning is hidden.
 */
final class UcxVersionWarning {
    /** The calls of libucs and libucp that JUCX does not expose. */
    interface Ucs extends Library {
        int ucs_global_opts_get_value(String name, byte[] value, NativeLong max);

        int ucs_global_opts_set_value(String name, String value);
    }

    /** {@code ucp_get_version} of libucp. */
    interface Ucp extends Library {
        void ucp_get_version(IntByReference major, IntByReference minor, IntByReference release);
    }

    private UcxVersionWarning() {
    }

    /** Runs {@code createContext} with the version warning held back when it would be printed. */
    static <T> T heldBackDuring(Supplier<T> createContext) {
        if (System.getenv("UCX_LOG_LEVEL") != null) {
            return createContext.get(); // the user chose what UCX prints
        }
        Ucs ucs;
        try {
            if (!ucxOlderThanJucx()) {
                return createContext.get(); // new enough: nothing to warn about
            }
            ucs = Native.load("libucs.so.0", Ucs.class);
        } catch (LinkageError | RuntimeException e) {
            return createContext.get(); // no JNA or an unusual UCX: the warning may show, nothing worse
        }
        byte[] level = new byte[32];
        boolean known = ucs.ucs_global_opts_get_value("LOG_LEVEL", level, new NativeLong(level.length)) == 0;
        if (!known || ucs.ucs_global_opts_set_value("LOG_LEVEL", "error") != 0) {
            return createContext.get();
        }
        try {
            return createContext.get();
        } finally {
            ucs.ucs_global_opts_set_value("LOG_LEVEL", cString(level));
        }
    }

    /** Whether the loaded libucp is older than the UCP API JUCX was built against, so that UCX warns. */
    static boolean ucxOlderThanJucx() {
        Ucp ucp = Native.load("libucp.so.0", Ucp.class);
        IntByReference major = new IntByReference();
        IntByReference minor = new IntByReference();
        ucp.ucp_get_version(major, minor, new IntByReference());
        int[] wanted = jucxApiVersion();
        return major.getValue() < wanted[0] || major.getValue() == wanted[0] && minor.getValue() < wanted[1];
    }

    /** The UCP API version JUCX was built against: its own version's major and minor. */
    static int[] jucxApiVersion() {
        Properties p = new Properties();
        try (InputStream in = UcxVersionWarning.class.getResourceAsStream("jucx.properties")) {
            p.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("jucx.properties is missing from the ucx transport's jar", e);
        }
        String[] v = p.getProperty("jucx.version").split("\\.");
        return new int[] {Integer.parseInt(v[0]), Integer.parseInt(v[1])};
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }
}
