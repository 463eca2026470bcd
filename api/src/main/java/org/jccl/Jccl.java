package org.jccl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import org.jccl.spi.CommunicatorFactory;
import org.jccl.spi.ConnectOptions;
import org.jccl.spi.TlsIdentity;

/**
 * Entry point: {@link #init()} builds a communicator from the environment, {@link #builder()} from
 * explicit settings. Settings not given to the builder fall back to the environment (see
 * {@link Configuration} for the variable names).
 */
public final class Jccl {
    private Jccl() {
    }

    /** A communicator configured entirely from the environment (launcher variables, JCCL_*). */
    public static Communicator init() {
        return builder().connect();
    }

    /** A builder whose unset settings fall back to the process environment. */
    public static Builder builder() {
        return new Builder(System.getenv());
    }

    /** Collects the settings of one communicator; {@link #connect()} builds it. */
    public static final class Builder {
        private Map<String, String> environment;
        private Integer rank;
        private Integer size;
        private String rendezvous;
        private String transport;
        private Duration timeout;
        private String socketInterface;
        private String secret;
        private Path[] tls;
        private final Map<String, String> algorithms = new HashMap<>();

        Builder(Map<String, String> environment) {
            this.environment = environment;
        }

        /** Replaces the environment that unset settings fall back to (for tests and embedding). */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(env);
            return this;
        }

        /** This process's rank. */
        public Builder rank(int rank) {
            this.rank = rank;
            return this;
        }

        /** The number of ranks. */
        public Builder size(int size) {
            this.size = size;
            return this;
        }

        /** {@code host:port} where rank 0 serves the rendezvous store, or {@code mem:NAME} within one JVM. */
        public Builder rendezvous(String address) {
            this.rendezvous = address;
            return this;
        }

        /** Transport name: {@code tcp}, {@code ucx} or {@code inproc}. */
        public Builder transport(String name) {
            this.transport = name;
            return this;
        }

        /** The bound on every blocking step. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Interface name, comma list or prefix whose address the TCP transport binds. */
        public Builder socketInterface(String ifname) {
            this.socketInterface = ifname;
            return this;
        }

        /** Shared job secret that every connection must prove. */
        public Builder secret(String secret) {
            this.secret = secret;
            return this;
        }

        /**
         * Mutual TLS on every store and tcp data connection: this rank's PEM certificate chain, its
         * unencrypted PKCS#8 PEM key, and the PEM CA bundle that signed every rank's certificate
         * (the same as {@code JCCL_TLS_CERT}, {@code JCCL_TLS_KEY}, {@code JCCL_TLS_CA}).
         */
        public Builder tls(Path certificate, Path key, Path ca) {
            this.tls = new Path[] {certificate, key, ca};
            return this;
        }

        /** Forces {@code algorithm} for {@code collective} (e.g. {@code "allreduce", "ring"}). */
        public Builder algorithm(String collective, String algorithm) {
            this.algorithms.put(collective.toLowerCase(Locale.ROOT), algorithm.toLowerCase(Locale.ROOT));
            return this;
        }

        /** Resolves the settings against the environment without connecting. */
        public ConnectOptions options() {
            ConnectOptions o = resolve();
            String outside = outsideRange(o);
            if (outside != null) {
                throw new JcclException(o.rank(), "init", outside);
            }
            return o;
        }

        /** Why {@code o}'s rank cannot be in its job, or null. */
        private static String outsideRange(ConnectOptions o) {
            return o.rank() < 0 || o.rank() >= o.size() ? "rank " + o.rank() + " is outside 0.." + (o.size() - 1)
                    + " (" + Configuration.ENV_RANK + " or " + Configuration.ENV_SIZE + " is wrong on this process)" : null;
        }

        /** The settings, the rank not yet checked against the size. */
        private ConnectOptions resolve() {
            LaunchEnvironment env = new LaunchEnvironment(environment);
            int r;
            int n;
            if (rank != null && size != null) {
                r = rank;
                n = size;
            } else {
                int[] rs = env.rankAndSize();
                if (rs == null && rank == null && size == null) {
                    throw new JcclException(-1, "init", "rank and size unknown: set JCCL_RANK and JCCL_SIZE,"
                            + " start under mpirun/srun/torchrun, or call rank() and size() on the builder");
                }
                r = rank != null ? rank : rs == null ? -1 : rs[0];
                n = size != null ? size : rs == null ? -1 : rs[1];
            }
            if (n < 1) {
                throw new JcclException(r, "init", "size must be at least 1, got " + n);
            }
            String t = transport != null ? transport : env.get(Configuration.ENV_TRANSPORT);
            t = (t == null ? Configuration.DEFAULT_TRANSPORT : t).toLowerCase(Locale.ROOT);
            String rv = rendezvous != null ? rendezvous : env.rendezvous();
            if (rv == null && n > 1) {
                throw new JcclException(r, "init", env.missingRendezvousHint());
            }
            if (rv == null) {
                rv = "mem:single-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            }
            Duration to = timeout;
            if (to == null) {
                String s = env.get(Configuration.ENV_TIMEOUT);
                to = s == null ? Configuration.DEFAULT_TIMEOUT : Duration.ofMillis(
                        Math.round(parseSeconds(r, s) * 1000));
            }
            if (to.isNegative() || to.isZero()) {
                throw new JcclException(r, "init", "timeout must be positive, got " + to);
            }
            Map<String, String> algos = new HashMap<>();
            for (Map.Entry<String, String> e : env.all().entrySet()) {
                if (e.getKey().startsWith(Configuration.ENV_ALGO_PREFIX) && !e.getValue().isBlank()) {
                    algos.put(e.getKey().substring(Configuration.ENV_ALGO_PREFIX.length()).toLowerCase(Locale.ROOT),
                            e.getValue().trim().toLowerCase(Locale.ROOT));
                }
            }
            algos.putAll(algorithms);
            return new ConnectOptions(r, n, rv, t, to,
                    socketInterface != null ? socketInterface : env.get(Configuration.ENV_SOCKET_IFNAME),
                    secret != null ? secret : env.get(Configuration.ENV_SECRET), algos, tls(r, env));
        }

        /** The TLS identity the builder or the three variables name, or null; they go together or not at all. */
        private TlsIdentity tls(int rank, LaunchEnvironment env) {
            Path[] files = tls;
            if (files == null) {
                String[] names = {Configuration.ENV_TLS_CERT, Configuration.ENV_TLS_KEY, Configuration.ENV_TLS_CA};
                List<String> set = new ArrayList<>();
                files = new Path[3];
                for (int i = 0; i < 3; i++) {
                    String v = env.get(names[i]);
                    if (v != null && !v.isBlank()) {
                        set.add(names[i]);
                        files[i] = Path.of(v);
                    }
                }
                if (set.isEmpty()) {
                    return null;
                }
                if (set.size() < 3) {
                    throw new JcclException(rank, "init", String.join(", ", names) + " go together, but only "
                            + set + " is set");
                }
            }
            try {
                return TlsIdentity.load(files[0], files[1], files[2]);
            } catch (IllegalArgumentException e) {
                throw new JcclException(rank, "init", "TLS: " + e.getMessage(), e);
            }
        }

        /** Runs the rendezvous and connects to every peer; blocks until all ranks have joined. */
        public Communicator connect() {
            ConnectOptions o = resolve();
            CommunicatorFactory factory = ServiceLoader.load(CommunicatorFactory.class).findFirst()
                    .orElseThrow(() -> new JcclException(o.rank(), "init",
                            "no communicator implementation on the class path: add jccl-algorithms"));
            String outside = outsideRange(o);
            if (outside != null) {
                JcclException e = new JcclException(o.rank(), "init", outside);
                factory.refuse(o, e.getMessage()); // the ranks that did start learn it at once, not at their timeout
                throw e;
            }
            return factory.connect(o);
        }

        private static double parseSeconds(int rank, String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new JcclException(rank, "init", Configuration.ENV_TIMEOUT + "=" + s + " is not a number of seconds");
            }
        }
    }
}
