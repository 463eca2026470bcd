package org.jccl.transport.ucx;

import java.util.Map;
import org.jccl.JcclException;
import org.jccl.spi.Transport;
import org.jccl.spi.TransportContext;
import org.jccl.spi.TransportProvider;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpParams;

/**
 * The {@code ucx} transport through JUCX: InfiniBand, RoCE, shared memory or TCP, whatever UCX
 * finds (narrow it with {@code UCX_TLS}). One UCX context per process, shared by every
 * communicator's transport and released with the last of them, with {@link UcxDefaults} where the
 * environment leaves UCX's settings at their defaults.
 */
public final class UcxTransportProvider implements TransportProvider {
    private static final Object LOCK = new Object();
    private static UcpContext context;
    private static int users;
    /** Set once a worker was left undestroyed: the context then stays open. */
    private static boolean kept;

    @Override
    public String name() {
        return "ucx";
    }

    @Override
    public String unavailableReason() {
        try {
            Class.forName("org.openucx.jucx.NativeLibs").getMethod("load").invoke(null);
            return null;
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "the UCX native libraries could not be loaded (" + cause.getMessage() + "); install them: "
                    + "Debian/Ubuntu `apt-get install libucx0`, or load your cluster's UCX module";
        }
    }

    /** {@code UCX_TLS}: ranks that may use different UCX transports can end up sharing none. */
    @Override
    public Map<String, String> startupSettings() {
        String tls = System.getenv("UCX_TLS");
        return Map.of("UCX_TLS", tls == null || tls.isBlank() ? "unset (all)" : tls);
    }

    @Override
    public Transport open(TransportContext ctx) {
        String why = unavailableReason();
        if (why != null) {
            throw new JcclException(ctx.rank(), "connect", "transport 'ucx' is unavailable: " + why);
        }
        return UcxTransport.open(ctx, acquire(ctx.rank()));
    }

    static UcpContext acquire(int rank) {
        synchronized (LOCK) {
            if (context == null) {
                try {
                    UcpParams params = new UcpParams().requestTagFeature().requestWakeupFeature().setMtWorkersShared(false);
                    UcxDefaults.settings(System.getenv()).forEach(params::setConfig);
                    context = UcxVersionWarning.heldBackDuring(() -> new UcpContext(params));
                } catch (RuntimeException e) {
                    throw new JcclException(rank, "connect", "cannot create a UCX context: " + e.getMessage(), e);
                }
            }
            users++;
            return context;
        }
    }

    /**
     * Keeps the context open for the rest of the process: a transport left a worker it could not
     * destroy, and UCX must not clean up the context under it.
     */
    static void keepContext() {
        synchronized (LOCK) {
            kept = true;
        }
    }

    static void release() {
        synchronized (LOCK) {
            if (--users == 0 && !kept) {
                context.close();
                context = null;
            }
        }
    }
}
