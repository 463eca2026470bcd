package org.jccl.rendezvous;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.jccl.Configuration;
import org.jccl.JcclException;
import org.jccl.spi.SecretProof;
import org.jccl.spi.TlsIdentity;

/** A rank's connection to the store; connects with retries until the deadline (rank 0 may start late). */
public final class TcpRendezvousClient implements RendezvousStore {
    private static final long RETRY_MILLIS = 100;

    private final int rank;
    private final String address;
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    private TcpRendezvousClient(int rank, String address, Socket socket) throws IOException {
        this.rank = rank;
        this.address = address;
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    /** Connects to the store at {@code hostPort}, retrying until {@code deadline}, and proves the secret. */
    public static TcpRendezvousClient connect(int rank, String hostPort, String secret, Instant deadline) {
        return connect(rank, hostPort, secret, null, deadline);
    }

    /**
     * As {@link #connect(int, String, String, Instant)}, inside mutual TLS when {@code tls} is set. A
     * TLS failure ends it at once: unlike a store that is not up yet, it does not go away by waiting.
     */
    public static TcpRendezvousClient connect(int rank, String hostPort, String secret, TlsIdentity tls,
                                              Instant deadline) {
        InetSocketAddress unresolved = StoreProtocol.parseAddress(hostPort);
        IOException last = null;
        Instant quietUntil = Instant.now().plusSeconds(1);
        boolean said = false;
        while (Instant.now().isBefore(deadline)) {
            Socket s = new Socket();
            try {
                InetSocketAddress a = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
                int left = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.between(Instant.now(), deadline).toMillis()));
                s.connect(a, left);
                s.setTcpNoDelay(true);
                s.setSoTimeout(left);
                Socket io = s;
                if (tls != null) {
                    SSLSocket ssl = tls.clientSocket(s, a.getHostString(), a.getPort(), rank);
                    ssl.startHandshake();
                    io = ssl;
                }
                TcpRendezvousClient c = new TcpRendezvousClient(rank, hostPort, io);
                try {
                    c.handshake(secret);
                } catch (IOException e) {
                    if (tls == null) {
                        throw e;
                    }
                    // with TLS 1.3 the client's handshake ends before the server has checked its certificate:
                    // a store that then drops the line refused it, and waiting will not change that
                    throw new SSLException("the store closed the connection after the TLS handshake (" + e
                            + "): did it refuse this rank's certificate?", e);
                }
                return c;
            } catch (SSLException e) {
                closeQuietly(s);
                String own = tls.ownProblem();
                throw new JcclException(rank, "rendezvous", "TLS with the store at " + hostPort + " failed: "
                        + TlsIdentity.explain(e) + (own != null ? "; " + own : " (rank 0 serves the store: does it have"
                        + " the TLS files set, and did the same CA sign both certificates?)"), e);
            } catch (IOException e) {
                if (!said && Instant.now().isAfter(quietUntil)) {
                    // rank 0 may start later than this rank: go on trying, and say so once (after a
                    // second, so that an ordinary start, where rank 0 is a moment late, says nothing)
                    said = true;
                    System.getLogger(TcpRendezvousClient.class.getName()).log(System.Logger.Level.INFO,
                            "rank " + rank + ": the store at " + hostPort + " is not reachable yet (" + e.getMessage()
                                    + "); trying until the timeout");
                }
                last = e;
                closeQuietly(s);
                sleep(RETRY_MILLIS);
            } catch (RuntimeException e) {
                closeQuietly(s);
                throw e;
            }
        }
        throw new JcclException(rank, "rendezvous", "cannot reach the store at " + hostPort + " before the timeout"
                + (last == null ? "" : " (last error: " + last.getMessage() + ")")
                + "; is rank 0 running and is " + hostPort + " its address?", last);
    }

    private void handshake(String secret) throws IOException {
        out.writeInt(StoreProtocol.MAGIC);
        out.writeByte(StoreProtocol.VERSION);
        out.writeInt(rank);
        out.flush();
        if (in.readInt() != StoreProtocol.MAGIC || in.readByte() != StoreProtocol.VERSION) {
            throw new JcclException(rank, "rendezvous", address + " is not a jccl rendezvous store of this version");
        }
        byte security = in.readByte();
        if (security == StoreProtocol.TLS_REQUIRED) {
            throw new JcclException(rank, "rendezvous", "the store at " + address + " requires TLS and this rank has"
                    + " none: set " + Configuration.ENV_TLS_CERT + ", " + Configuration.ENV_TLS_KEY + " and "
                    + Configuration.ENV_TLS_CA + " as on rank 0");
        }
        boolean required = security == StoreProtocol.SECRET_REQUIRED;
        byte[] nonce = new byte[SecretProof.NONCE_BYTES];
        in.readFully(nonce);
        if (secret != null && !required) {
            throw new JcclException(rank, "rendezvous", "this rank has JCCL_SECRET set but the store at " + address
                    + " does not require one: ranks disagree on the secret");
        }
        out.writeInt(StoreProtocol.MAGIC);
        out.writeByte(StoreProtocol.VERSION);
        out.write(SecretProof.prove(secret, StoreProtocol.PURPOSE, nonce));
        out.flush();
        if (in.readByte() != StoreProtocol.OK) {
            throw new JcclException(rank, "rendezvous", "the store at " + address + " rejected this rank's proof of"
                    + " JCCL_SECRET" + (secret == null ? " (this rank has none set)" : " (the secrets differ)"));
        }
    }

    @Override
    public synchronized void set(String key, byte[] value) {
        call(StoreProtocol.OP_SET, key, value, 0, null);
    }

    @Override
    public synchronized byte[] get(String key, Instant deadline) {
        long wait = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        return call(StoreProtocol.OP_GET, key, new byte[0], wait, deadline);
    }

    /** One request for all the keys, which the store answers when they are set or the job failed. */
    @Override
    public synchronized byte[][] awaitAll(String prefix, int count, Instant deadline, int rank) {
        long wait = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        byte[] reply = call(StoreProtocol.OP_GET_ALL, prefix, Codec.intBytes(count), wait, deadline);
        try {
            return Codec.unpackAll(reply, count);
        } catch (IllegalArgumentException e) {
            throw new JcclException(this.rank, "rendezvous", "the store at " + address + " answered a read of " + count
                    + " keys with a reply that " + e.getMessage());
        }
    }

    @Override
    public synchronized long add(String key, long delta) {
        return Codec.readLong(call(StoreProtocol.OP_ADD, key, Codec.longBytes(delta), 0, null));
    }

    private byte[] call(byte op, String key, byte[] value, long waitMillis, Instant deadline) {
        try {
            // the server answers a GET by waitMillis at the latest; allow some slack for the reply itself
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, waitMillis + 30_000));
            out.writeByte(op);
            out.writeUTF(key);
            StoreProtocol.writeValue(out, value);
            out.writeLong(waitMillis);
            out.flush();
            byte status = in.readByte();
            byte[] v = StoreProtocol.readValue(in);
            if (status == StoreProtocol.JOB_FAILED) {
                throw failedToStart(rank, v);
            }
            if (status == StoreProtocol.TIMED_OUT) {
                throw new KeyTimeout(rank, "timed out waiting for key '" + key + "' in the store at "
                        + address + " (did every rank start, with the same size?)");
            }
            if (status != StoreProtocol.OK) {
                throw new JcclException(rank, "rendezvous", "store at " + address + " refused request " + op);
            }
            return v;
        } catch (SocketTimeoutException e) {
            throw new JcclException(rank, "rendezvous", "store at " + address + " did not answer", e);
        } catch (IOException e) {
            // an EOFException has no message: the store closed the connection
            throw new JcclException(rank, "rendezvous", "lost the store at " + address + ": "
                    + (e.getMessage() == null ? "the connection closed" : e.getMessage()) + " (did rank 0 exit?)", e);
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JcclException(-1, "rendezvous", "interrupted while connecting", e);
        }
    }
}
