package org.jccl.rendezvous;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.jccl.Configuration;
import org.jccl.JcclException;
import org.jccl.spi.SecretProof;
import org.jccl.spi.TlsIdentity;

/**
 * The store server that rank 0 runs: blocking sockets, one daemon thread per client (a job has
 * one client per rank, and they are idle after start-up).
 */
public final class TcpRendezvousServer implements AutoCloseable {
    private final ServerSocket server;
    private final String secret;
    /** Mutual TLS on every client connection, or null. */
    private final TlsIdentity tls;
    private final Map<String, byte[]> values = new HashMap<>();
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    private TcpRendezvousServer(ServerSocket server, String secret, TlsIdentity tls) {
        this.server = server;
        this.secret = secret;
        this.tls = tls;
        this.acceptor = new Thread(this::acceptLoop, "jccl-store-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Serves on {@code hostPort}: bound to that address when it is a loopback address, else to
     * every interface on that port (the name may resolve differently on other nodes).
     */
    public static TcpRendezvousServer start(String hostPort, String secret) {
        return start(hostPort, secret, null);
    }

    /** As {@link #start(String, String)}, every client connection inside mutual TLS when {@code tls} is set. */
    public static TcpRendezvousServer start(String hostPort, String secret, TlsIdentity tls) {
        InetSocketAddress a = StoreProtocol.parseAddress(hostPort);
        try {
            InetAddress host = InetAddress.getByName(a.getHostString());
            InetSocketAddress bind = host.isLoopbackAddress()
                    ? new InetSocketAddress(host, a.getPort()) : new InetSocketAddress(a.getPort());
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(bind, 128);
            return new TcpRendezvousServer(s, secret, tls);
        } catch (IOException e) {
            throw new JcclException(0, "rendezvous", "cannot serve the store on " + hostPort + ": " + e.getMessage()
                    + " (is another job using that port? set JCCL_RENDEZVOUS to a free one)", e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                clients.add(s);
                Thread t = new Thread(() -> serve(s), "jccl-store-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("jccl: rendezvous store stopped accepting: " + e);
                }
                return;
            }
        }
    }

    private void serve(Socket accepted) {
        Socket s = accepted;
        try {
            accepted.setTcpNoDelay(true);
            InputStream raw = accepted.getInputStream();
            int first = raw.read();
            if (first < 0) {
                return;
            }
            InputStream consumed = new ByteArrayInputStream(new byte[] {(byte) first});
            boolean tlsClient = first == TlsIdentity.HANDSHAKE_RECORD;
            String who = "a process at " + accepted.getRemoteSocketAddress();
            // only a jccl rank's failure fails the job, never a stranger's bytes: a rank's TLS hello names
            // the rank in its server name, and its plain opening has the magic and the rank
            if (tlsClient && tls == null) {
                int rank = TlsIdentity.rankInHello(raw);
                if (rank >= 0) {
                    failJob("rank " + rank + " (" + who + ") opened a TLS connection to the store, but rank 0, which"
                            + " serves it, has no " + Configuration.ENV_TLS_CERT + " set: set the TLS files on every"
                            + " rank or on none");
                }
                return;
            }
            if (tlsClient) {
                int[] rank = {-1};
                SSLSocket ssl = tls.serverSocket(accepted, consumed, r -> rank[0] = r);
                clients.add(ssl);
                s = ssl;
                try {
                    ssl.startHandshake();
                } catch (SSLException e) {
                    if (rank[0] >= 0) {
                        failJob("rank " + rank[0] + " (" + who + ") failed the TLS handshake with the store: "
                                + TlsIdentity.explain(e));
                    }
                    return;
                }
            }
            DataInputStream in = new DataInputStream(new BufferedInputStream(
                    tlsClient ? s.getInputStream() : new SequenceInputStream(consumed, raw)));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            if (in.readInt() != StoreProtocol.MAGIC || in.readByte() != StoreProtocol.VERSION) {
                return; // not a jccl rank of this version: it learns so from the hello it does not get
            }
            int rank = in.readInt();
            who = "rank " + rank + " (" + who + ")";
            byte[] nonce = SecretProof.nonce();
            out.writeInt(StoreProtocol.MAGIC);
            out.writeByte(StoreProtocol.VERSION);
            boolean tlsMissing = tls != null && !tlsClient;
            out.writeByte(tlsMissing ? StoreProtocol.TLS_REQUIRED
                    : secret != null ? StoreProtocol.SECRET_REQUIRED : StoreProtocol.SECRET_NONE);
            out.write(nonce);
            out.flush();
            if (tlsMissing) {
                failJob(who + " connected to the store without TLS, which rank 0 requires: set "
                        + Configuration.ENV_TLS_CERT + ", " + Configuration.ENV_TLS_KEY + " and "
                        + Configuration.ENV_TLS_CA + " on every rank");
                return;
            }
            if (in.readInt() != StoreProtocol.MAGIC || in.readByte() != StoreProtocol.VERSION) {
                return;
            }
            byte[] proof = new byte[SecretProof.PROOF_BYTES];
            in.readFully(proof);
            if (secret != null && !SecretProof.verify(secret, StoreProtocol.PURPOSE, nonce, proof)) {
                out.writeByte(StoreProtocol.BAD_SECRET);
                out.flush();
                // a jccl process (it spoke the protocol) with another secret is a rank started wrong: the
                // job fails at once rather than at every rank's timeout
                failJob(who + " proved a different JCCL_SECRET, or none; start every rank with the same JCCL_SECRET");
                return;
            }
            out.writeByte(StoreProtocol.OK);
            out.flush();
            while (!closed) {
                byte op = in.readByte();
                String key = in.readUTF();
                byte[] value = StoreProtocol.readValue(in);
                long waitMillis = in.readLong();
                handle(op, key, value, waitMillis, out);
                out.flush();
            }
        } catch (IOException e) {
            // client left or spoke garbage: its connection ends, the store goes on
        } finally {
            clients.remove(accepted);
            clients.remove(s);
            try {
                s.close();
                accepted.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Makes {@code why} the job's failure, unless another came first: every waiting rank fails with it. */
    private void failJob(String why) {
        synchronized (values) {
            values.putIfAbsent(RendezvousStore.FAILURE, why.getBytes(StandardCharsets.UTF_8));
            values.notifyAll();
        }
    }

    /** Requests served so far, for tests of how start-up scales. */
    long requests() {
        return requests.get();
    }

    private void handle(byte op, String key, byte[] value, long waitMillis, DataOutputStream out) throws IOException {
        requests.incrementAndGet();
        switch (op) {
            case StoreProtocol.OP_SET -> {
                synchronized (values) {
                    values.put(key, value);
                    values.notifyAll();
                }
                reply(out, StoreProtocol.OK, new byte[0]);
            }
            case StoreProtocol.OP_ADD -> {
                long v;
                synchronized (values) {
                    byte[] old = values.get(key);
                    v = (old == null ? 0 : Codec.readLong(old)) + Codec.readLong(value);
                    values.put(key, Codec.longBytes(v));
                    values.notifyAll();
                }
                reply(out, StoreProtocol.OK, Codec.longBytes(v));
            }
            case StoreProtocol.OP_GET_ALL -> {
                int count = value.length == Integer.BYTES ? Codec.readInt(value) : -1;
                if (count < 0) {
                    reply(out, StoreProtocol.BAD_REQUEST, new byte[0]);
                    return;
                }
                byte[][] all = new byte[count][];
                byte[] failure = awaitAll(key, all, waitMillis);
                if (failure != null) {
                    reply(out, StoreProtocol.JOB_FAILED, failure);
                } else if (count > 0 && all[count - 1] == null) {
                    reply(out, StoreProtocol.TIMED_OUT, new byte[0]);
                } else {
                    reply(out, StoreProtocol.OK, Codec.packAll(all));
                }
            }
            case StoreProtocol.OP_GET -> {
                byte[] v = awaitValue(key, waitMillis);
                reply(out, v == null ? StoreProtocol.TIMED_OUT : StoreProtocol.OK, v == null ? new byte[0] : v);
            }
            default -> reply(out, StoreProtocol.BAD_REQUEST, new byte[0]);
        }
    }

    /**
     * Fills {@code into} with the values of {@code prefix + i} once all are set (leaving it part
     * empty if the wait ends first); returns the job's failure instead if a rank marks it meanwhile.
     */
    private byte[] awaitAll(String prefix, byte[][] into, long waitMillis) {
        int[] have = {0};
        // ends with the failure (a byte[]) or with every value (the filled byte[][])
        Object end = awaitUntil(() -> {
            byte[] failure = values.get(RendezvousStore.FAILURE);
            if (failure != null) {
                return failure;
            }
            while (have[0] < into.length && (into[have[0]] = values.get(prefix + have[0])) != null) {
                have[0]++;
            }
            return have[0] == into.length ? into : null;
        }, waitMillis);
        return end instanceof byte[] failure ? failure : null;
    }

    private byte[] awaitValue(String key, long waitMillis) {
        return awaitUntil(() -> values.get(key), waitMillis);
    }

    /** What {@code ready} returns once it is not null (looked at under the store's lock), or null after the wait. */
    private <T> T awaitUntil(Supplier<T> ready, long waitMillis) {
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        synchronized (values) {
            while (!closed) {
                T v = ready.get();
                if (v != null) {
                    return v;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return null;
                }
                try {
                    values.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return null;
        }
    }

    private static void reply(DataOutputStream out, byte status, byte[] value) throws IOException {
        out.writeByte(status);
        StoreProtocol.writeValue(out, value);
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Closes once every client has left, or {@code linger} has passed: after a failure the other
     * ranks may still need the store to learn what happened.
     */
    public void close(Duration linger) {
        long deadline = System.nanoTime() + linger.toNanos();
        while (!clients.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : clients) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        synchronized (values) {
            values.notifyAll();
        }
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
