package org.jccl.perf.probe;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

/**
 * What JUCX alone streams between two processes, as the baseline for {@code jccl-perf stream}: the
 * ucx transport's UCX set-up (tag and wake-up features, endpoints with peer error handling), the
 * same window of 64 tagged messages and an empty acknowledgement per window, but one thread per
 * process that posts and busy-polls, as ucx_perftest does. Prints the p50 time per message.
 *
 * <pre>UCX_LOG_LEVEL=error UCX_TLS=sm UCX_POSIX_ERROR_HANDLING=y UCX_SYSV_ERROR_HANDLING=y \
 *   java -cp perf/target/jccl-perf.jar org.jccl.perf.probe.JucxStreamProbe [bytes [windows]]</pre>
 */
public final class JucxStreamProbe {
    private static final int WINDOW = 64;
    private static final long DATA = 1;
    private static final long ACK = 2;

    private final UcpContext context = new UcpContext(new UcpParams().requestTagFeature().requestWakeupFeature()
            .setMtWorkersShared(false));
    private final UcpWorker worker = context.newWorker(new UcpWorkerParams().requestWakeupTX().requestWakeupRX());
    private final ByteBuffer empty = ByteBuffer.allocateDirect(1);
    private final UcpRequest[] window = new UcpRequest[WINDOW];
    private ByteBuffer data;
    private UcpEndpoint peer;

    private JucxStreamProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--receiver")) {
            new JucxStreamProbe().receive();
        } else {
            int bytes = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
            int windows = args.length > 1 ? Integer.parseInt(args[1]) : 40;
            new JucxStreamProbe().send(bytes, windows);
        }
    }

    /** The receiving process: posts a window of receives, waits for them, acknowledges; again. */
    private void receive() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println(ProbePartner.hex(worker.getAddress()));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        peer = ProbePartner.connect(worker, in.readLine(), true);
        String[] job = in.readLine().split(" ");
        int bytes = Integer.parseInt(job[0]);
        data = ByteBuffer.allocateDirect(bytes);
        for (int w = Integer.parseInt(job[1]); w > 0; w--) {
            for (int k = 0; k < WINDOW; k++) {
                window[k] = worker.recvTaggedNonBlocking(UcxUtils.getAddress(data), bytes, DATA, -1L, null);
            }
            awaitAll(window);
            awaitAll(peer.sendTaggedNonBlocking(UcxUtils.getAddress(empty), 0, ACK, null));
        }
        in.readLine(); // the sender's last word: it has what it needs
        close();
    }

    /** The sending process: starts the receiver, then times each window up to its acknowledgement. */
    private void send(int bytes, int windows) throws Exception {
        ProbePartner receiver = ProbePartner.start(JucxStreamProbe.class, "--receiver");
        String address = receiver.from.readLine();
        receiver.to.println(ProbePartner.hex(worker.getAddress()));
        peer = ProbePartner.connect(worker, address, true);
        int warmUp = Math.max(2, windows / 5);
        receiver.to.println(bytes + " " + (warmUp + windows));
        data = ByteBuffer.allocateDirect(bytes);
        long[] nanos = new long[windows];
        for (int w = -warmUp; w < windows; w++) {
            long t0 = System.nanoTime();
            UcpRequest ack = worker.recvTaggedNonBlocking(UcxUtils.getAddress(empty), 0, ACK, -1L, null);
            for (int k = 0; k < WINDOW; k++) {
                window[k] = peer.sendTaggedNonBlocking(UcxUtils.getAddress(data), bytes, DATA, null);
            }
            awaitAll(window);
            awaitAll(ack);
            if (w >= 0) {
                nanos[w] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(nanos);
        double perMessage = nanos[windows / 2] / 1e3 / WINDOW;
        System.out.printf(Locale.ROOT, "JUCX stream, %d B, %d in flight, UCX_TLS=%s: p50 %.1f us per message, %.2f GB/s%n",
                bytes, WINDOW, System.getenv().getOrDefault("UCX_TLS", "(all)"), perMessage, bytes / perMessage / 1e3);
        receiver.to.println("end");
        receiver.process.waitFor();
        close();
    }

    private void awaitAll(UcpRequest... requests) throws Exception {
        for (UcpRequest r : requests) {
            while (!r.isCompleted()) {
                worker.progress();
            }
        }
    }

    private void close() throws Exception {
        awaitAll(peer.closeNonBlockingForce()); // every window was acknowledged: nothing is left to flush
        worker.close();
        context.close();
    }
}
