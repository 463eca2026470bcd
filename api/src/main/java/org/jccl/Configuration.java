package org.jccl;

import java.time.Duration;

/**
 * Every name jccl reads from the environment or from system properties, with its default, in one
 * place. Environment variables configure a job; system properties tune internals and are meant for
 * experiments and tests.
 */
public final class Configuration {
    private Configuration() {
    }

    /** Rank of this process. */
    public static final String ENV_RANK = "JCCL_RANK";
    /** Number of ranks. */
    public static final String ENV_SIZE = "JCCL_SIZE";
    /** {@code host:port} of the rendezvous store that rank 0 serves. */
    public static final String ENV_RENDEZVOUS = "JCCL_RENDEZVOUS";
    /** Transport name: {@code tcp} (default), {@code ucx} or {@code inproc}. */
    public static final String ENV_TRANSPORT = "JCCL_TRANSPORT";
    /** Seconds any blocking step may take before it fails. */
    public static final String ENV_TIMEOUT = "JCCL_TIMEOUT";
    /** Interface name, comma list of names, or name prefix whose address the TCP transport uses. */
    public static final String ENV_SOCKET_IFNAME = "JCCL_SOCKET_IFNAME";
    /** Shared job secret; when set every store and data connection proves it. */
    public static final String ENV_SECRET = "JCCL_SECRET";
    /**
     * This rank's certificate chain for mutual TLS (PEM). With {@link #ENV_TLS_KEY} and
     * {@link #ENV_TLS_CA} set too, every store connection and every tcp data connection uses TLS.
     */
    public static final String ENV_TLS_CERT = "JCCL_TLS_CERT";
    /** This rank's private key for TLS: unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
    public static final String ENV_TLS_KEY = "JCCL_TLS_KEY";
    /** The CA bundle (PEM) that must have signed every rank's certificate. */
    public static final String ENV_TLS_CA = "JCCL_TLS_CA";
    /**
     * Which TLS implementation the tcp transport's data connections use: {@code openssl} (BoringSSL
     * through netty-tcnative, three times the JDK's cipher rate; fails when it is not on the class
     * path), {@code jdk}, or {@code auto}, the default: OpenSSL when it loads, else the JDK. The
     * store's connections always use the JDK's.
     */
    public static final String ENV_TLS_PROVIDER = "JCCL_TLS_PROVIDER";
    /** System property with the same meaning as {@link #ENV_TLS_PROVIDER}; it wins over the variable. */
    public static final String PROP_TLS_PROVIDER = "jccl.tls.provider";
    /**
     * Which host a rank runs on, where the hostname and the kernel's boot id (the default identity)
     * would say wrong: ranks with the same value share a host (shared memory, the cores they wait on).
     */
    public static final String ENV_HOST_ID = "JCCL_HOST_ID";
    /** System property with the same meaning as {@link #ENV_HOST_ID}; it wins over the variable. */
    public static final String PROP_HOST_ID = "jccl.hostId";
    /** Prefix of the per-collective algorithm overrides, e.g. {@code JCCL_ALGO_ALLREDUCE=ring}. */
    public static final String ENV_ALGO_PREFIX = "JCCL_ALGO_";
    /**
     * The α-β-γ cost model that chooses algorithms, instead of the measurement at start-up:
     * {@code alpha_us=20,beta_ns=0.5,gamma_ns=0.25} (β and γ per byte), the path of a file holding
     * that line, or {@code default} for the built-in model. Every rank must pass the same.
     */
    public static final String ENV_COST_MODEL = "JCCL_COST_MODEL";
    /** System property with the same meaning as {@link #ENV_COST_MODEL}; it wins over the variable. */
    public static final String PROP_COST_MODEL = "jccl.costModel";

    /**
     * Log level printed to standard error, as NCCL_DEBUG does: {@code INFO} (one line per
     * communicator), {@code DEBUG} (and one per collective) or {@code TRACE} (and one per message).
     * Unset, jccl logs through SLF4J when a logging backend is on the class path, else not at all.
     */
    public static final String ENV_DEBUG = "JCCL_DEBUG";
    /** System property with the same meaning as {@link #ENV_DEBUG}; it wins over the variable. */
    public static final String PROP_DEBUG = "jccl.debug";

    /** Transport used when none is named. */
    public static final String DEFAULT_TRANSPORT = "tcp";
    /** Timeout used when none is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);

    /** System property: messages above this many bytes use rendezvous on TCP (sender waits for the receive). */
    public static final String PROP_TCP_EAGER_LIMIT = "jccl.tcp.eagerLimit";
    /** Default of {@link #PROP_TCP_EAGER_LIMIT}: 64 KiB. */
    public static final int DEFAULT_TCP_EAGER_LIMIT = 64 * 1024;

    /** System property: bytes of early (unexpected) eager messages a TCP connection holds before it stops reading. */
    public static final String PROP_TCP_UNEXPECTED_LIMIT = "jccl.tcp.unexpectedLimit";
    /** Default of {@link #PROP_TCP_UNEXPECTED_LIMIT}: 64 MiB. */
    public static final long DEFAULT_TCP_UNEXPECTED_LIMIT = 64L * 1024 * 1024;

    /**
     * System property: a {@link Mailbox} message up to this many bytes travels inside its envelope
     * (one message, copied once on arrival); a longer one follows its envelope as a message of its
     * own, which lands in the receive's buffer. Keep it under {@link #PROP_UCX_SINGLE_COPY_BYTES}.
     */
    public static final String PROP_MAILBOX_EAGER_BYTES = "jccl.mailbox.eagerBytes";
    /** Default of {@link #PROP_MAILBOX_EAGER_BYTES}: 4 KiB. */
    public static final int DEFAULT_MAILBOX_EAGER_BYTES = 4 * 1024;

    /** System property: pipeline chunk size in bytes for the bandwidth-bound algorithms. */
    public static final String PROP_CHUNK_BYTES = "jccl.chunkBytes";
    /** Default of {@link #PROP_CHUNK_BYTES}: 512 KiB. */
    public static final int DEFAULT_CHUNK_BYTES = 512 * 1024;

    /**
     * System property: microseconds a waiting thread (a collective waiting for a message, a transport
     * thread waiting for I/O) keeps polling, yielding the core between polls, before it blocks. Waking a
     * blocked thread costs 50-400 us on a VM, so staying awake between the messages of a collective
     * is what keeps small-message latency low; yielding keeps ranks that outnumber the cores fair.
     */
    public static final String PROP_SPIN_MICROS = "jccl.spinMicros";
    /** Default of {@link #PROP_SPIN_MICROS}. */
    public static final int DEFAULT_SPIN_MICROS = 100;

    /**
     * System property: as {@link #PROP_SPIN_MICROS}, for a rank whose cores are shared by more ranks
     * than there are cores (4 ranks on a 2-core laptop or CI runner). There a peer is often off its
     * core for longer than 100 µs, and a thread that blocked then waits for the scheduler for
     * milliseconds after the message came (4 ranks on 2 cores: a blocked wait cost 1.3 ms on
     * average), so waiting keeps yielding the core, as Open MPI's {@code mpi_yield_when_idle} does.
     */
    public static final String PROP_OVERSUBSCRIBED_SPIN_MICROS = "jccl.oversubscribedSpinMicros";
    /** Default of {@link #PROP_OVERSUBSCRIBED_SPIN_MICROS}. */
    public static final int DEFAULT_OVERSUBSCRIBED_SPIN_MICROS = 10_000;

    /**
     * System property: messages of at least this many bytes between two ucx ranks on one machine
     * take a second endpoint without peer error handling, which lets UCX copy them once (cma)
     * instead of through its shared-memory FIFO; 0 turns that off. A pair uses the larger of its two
     * ranks' values, and neither lane when either rank has it off or its {@code UCX_TLS} leaves out cma.
     */
    public static final String PROP_UCX_SINGLE_COPY_BYTES = "jccl.ucx.singleCopyBytes";
    /** Default of {@link #PROP_UCX_SINGLE_COPY_BYTES}: 16 KiB. */
    public static final int DEFAULT_UCX_SINGLE_COPY_BYTES = 16 * 1024;

    /**
     * System property: when true (the default) ranks check before every collective that they all
     * passed the same operation, counts, type, op and root, at the cost of one 16-byte all-reduce.
     */
    public static final String PROP_CHECK_ARGUMENTS = "jccl.checkArguments";

    /** A setting with a system property and a variable: the property when set (it wins), else the variable, else null. */
    public static String setting(String property, String variable) {
        return System.getProperty(property, System.getenv(variable));
    }

    /** Reads an integer system property, falling back to {@code def}. */
    public static int intProperty(String name, int def) {
        String v = System.getProperty(name);
        return v == null ? def : Integer.parseInt(v.trim());
    }

    /** Reads a long system property, falling back to {@code def}. */
    public static long longProperty(String name, long def) {
        String v = System.getProperty(name);
        return v == null ? def : Long.parseLong(v.trim());
    }
}
