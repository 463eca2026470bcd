package org.jccl.core;

import java.util.Locale;
import org.jccl.Configuration;
import org.jccl.spi.LoggingBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jccl's log lines. With {@code JCCL_DEBUG} (or {@code -Djccl.debug}) set to {@code INFO},
 * {@code DEBUG} or {@code TRACE} they go to standard error from that level up, as NCCL_DEBUG's do,
 * with no logging backend needed. Without it they go to SLF4J's logger of the class, whose backend
 * decides; with no backend on the class path SLF4J is never touched (it would warn that it has
 * none), so jccl is quiet by default.
 *
 * <p>Callers on hot paths ask {@link #debug()} or {@link #trace()} once per call or per schedule
 * and build no string while the level is off.
 */
public final class DebugLog {
    /** The levels jccl logs at, quietest first. */
    public enum Level { INFO, DEBUG, TRACE }

    private static final Level STANDARD_ERROR = levelFromSettings();
    private static final boolean HAS_BACKEND = STANDARD_ERROR == null && LoggingBackend.slf4jPresent();

    private final Logger logger;

    private DebugLog(Logger logger) {
        this.logger = logger;
    }

    /** The log of {@code owner}. */
    public static DebugLog of(Class<?> owner) {
        return new DebugLog(HAS_BACKEND ? LoggerFactory.getLogger(owner) : null);
    }

    /** Whether {@code INFO} lines are printed. */
    public boolean info() {
        return enabled(Level.INFO);
    }

    /** Whether {@code DEBUG} lines are printed. */
    public boolean debug() {
        return enabled(Level.DEBUG);
    }

    /** Whether {@code TRACE} lines are printed. */
    public boolean trace() {
        return enabled(Level.TRACE);
    }

    /** Prints {@code line} at {@code level}, if that level is on. */
    public void log(Level level, String line) {
        if (STANDARD_ERROR != null) {
            if (STANDARD_ERROR.compareTo(level) >= 0) {
                System.err.println("jccl " + level + " " + line);
            }
        } else if (logger != null) {
            switch (level) {
                case INFO -> logger.info(line);
                case DEBUG -> logger.debug(line);
                case TRACE -> logger.trace(line);
            }
        }
    }

    private boolean enabled(Level level) {
        if (STANDARD_ERROR != null) {
            return STANDARD_ERROR.compareTo(level) >= 0;
        }
        if (logger == null) {
            return false;
        }
        return switch (level) {
            case INFO -> logger.isInfoEnabled();
            case DEBUG -> logger.isDebugEnabled();
            case TRACE -> logger.isTraceEnabled();
        };
    }

    /** The level {@code JCCL_DEBUG} or {@code jccl.debug} names, or null for none. */
    private static Level levelFromSettings() {
        String s = Configuration.setting(Configuration.PROP_DEBUG, Configuration.ENV_DEBUG);
        if (s == null || s.isBlank()) {
            return null;
        }
        String v = s.trim().toUpperCase(Locale.ROOT);
        if (v.equals("OFF") || v.equals("WARN") || v.equals("ERROR")) {
            return null;
        }
        try {
            return Level.valueOf(v);
        } catch (IllegalArgumentException e) {
            System.err.println("jccl: " + Configuration.ENV_DEBUG + "=" + s + " is not one of INFO, DEBUG, TRACE or OFF;"
                    + " logging to standard error stays off");
            return null;
        }
    }
}
