package org.jccl.rendezvous;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The rendezvous store's wire format, over one TCP connection per client (inside TLS when the job
 * has it: the client's TLS hello comes first then, and the server tells the two openings apart by
 * their first byte):
 * <pre>
 * client open  : int magic, byte version, int rank
 * server hello : int magic, byte version, byte security, byte[16] nonce
 *                (security: 0 no secret, 1 secret required, 2 TLS required, then close)
 * client hello : int magic, byte version, byte[32] proof       (zeros without a secret)
 * server ack   : byte status                                   (OK or BAD_SECRET, then close)
 * request      : byte op, utf key, int valueLength, byte[] value, long waitMillis
 * reply        : byte status, int valueLength, byte[] value
 * </pre>
 * GET_ALL asks for the keys {@code key + 0} to {@code key + (n - 1)} ({@code n} in the value) in one
 * request: the reply comes once all are set, their values packed ({@link Codec#packAll}), or at once
 * with JOB_FAILED and the job's failure when a rank marks the job failed meanwhile.
 * Lengths are validated against {@link #MAX_VALUE} before anything is allocated.
 */
final class StoreProtocol {
    static final int MAGIC = 0x4A435354; // "JCST"
    static final byte VERSION = 2;
    static final byte SECRET_NONE = 0;
    static final byte SECRET_REQUIRED = 1;
    static final byte TLS_REQUIRED = 2;
    static final String PURPOSE = "jccl-store";
    static final int MAX_VALUE = 16 << 20;

    static final byte OP_SET = 1;
    static final byte OP_GET = 2;
    static final byte OP_ADD = 3;
    static final byte OP_GET_ALL = 4;

    static final byte OK = 0;
    static final byte BAD_SECRET = 1;
    static final byte TIMED_OUT = 2;
    static final byte BAD_REQUEST = 3;
    static final byte JOB_FAILED = 4;

    private StoreProtocol() {
    }

    static byte[] readValue(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_VALUE) {
            throw new IOException("store value length " + len + " outside 0.." + MAX_VALUE);
        }
        byte[] v = new byte[len];
        in.readFully(v);
        return v;
    }

    static void writeValue(DataOutputStream out, byte[] v) throws IOException {
        out.writeInt(v.length);
        out.write(v);
    }

    /** Parses {@code host:port}, {@code [v6]:port} or {@code v6host:port}; unresolved. */
    static InetSocketAddress parseAddress(String hostPort) {
        try {
            URI u = new URI("jccl://" + hostPort);
            if (u.getHost() != null && u.getPort() >= 0) {
                return InetSocketAddress.createUnresolved(u.getHost().replace("[", "").replace("]", ""), u.getPort());
            }
        } catch (URISyntaxException ignored) {
            // fall through to the last-colon split for bare IPv6 literals
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("rendezvous '" + hostPort + "' is not host:port");
        }
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        return InetSocketAddress.createUnresolved(hostPort.substring(0, colon), port);
    }
}
