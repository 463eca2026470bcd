package org.jccl.perf.probe;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpMemory;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpRemoteKey;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

/**
 * The cross-process half of the one-sided question ({@code UcxOneSidedBenchmark} answers it inside
 * one JVM): this process starts a second one, and the two move one message of each size from here
 * to there, answered by an 8-byte acknowledgement, either as a tagged send into a posted receive or
 * as a put into the other side's registered window plus flush plus an 8-byte note. Prints the p50
 * of each, acknowledgement included. Choose UCX's transport with {@code UCX_TLS}.
 *
 * <pre>java -cp perf/target/jccl-perf.jar org.jccl.perf.probe.OneSidedProbe [iterations]</pre>
 */
public final class OneSidedProbe {
    private static final int[] SIZES = {64 << 10, 1 << 20, 16 << 20};
    private static final long DATA = 1;
    private static final long ACK = 2;
    private static final long NOTE = 3;

    private final UcpContext context = new UcpContext(new UcpParams().requestTagFeature().requestRmaFeature());
    private final UcpWorker worker = context.newWorker(new UcpWorkerParams());
    private final ByteBuffer window = ByteBuffer.allocateDirect(SIZES[SIZES.length - 1]);
    private final ByteBuffer small = ByteBuffer.allocateDirect(8);
    private UcpEndpoint peer;

    private OneSidedProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--target")) {
            new OneSidedProbe().target();
        } else {
            new OneSidedProbe().source(args.length > 0 ? Integer.parseInt(args[0]) : 200);
        }
    }

    /** The receiving process: publishes its address and window, then obeys commands from stdin. */
    private void target() throws Exception {
        UcpMemory memory = context.registerMemory(window);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println(ProbePartner.hex(worker.getAddress()));
        out.println(ProbePartner.hex(memory.getRemoteKeyBuffer()));
        out.println(memory.getAddress());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        peer = ProbePartner.connect(worker, in.readLine(), false);
        for (String line; (line = in.readLine()) != null && !line.equals("end"); ) {
            String[] c = line.split(" ");
            int bytes = Integer.parseInt(c[1]);
            for (int i = Integer.parseInt(c[2]); i > 0; i--) {
                UcpRequest got = c[0].equals("tag")
                        ? worker.recvTaggedNonBlocking(UcxUtils.getAddress(window), bytes, DATA, -1L, null)
                        : worker.recvTaggedNonBlocking(UcxUtils.getAddress(small), 8, NOTE, -1L, null);
                drive(got::isCompleted);
                UcpRequest ack = peer.sendTaggedNonBlocking(UcxUtils.getAddress(small), 8, ACK, null);
                drive(ack::isCompleted);
            }
        }
        memory.deregister();
        close();
    }

    /** The sending process: starts the target, then times both paths at every size. */
    private void source(int iterations) throws Exception {
        ProbePartner target = ProbePartner.start(OneSidedProbe.class, "--target");
        BufferedReader from = target.from;
        PrintStream to = target.to;
        String address = from.readLine();
        byte[] key = HexFormat.of().parseHex(from.readLine());
        long remoteWindow = Long.parseLong(from.readLine());
        to.println(ProbePartner.hex(worker.getAddress()));
        peer = ProbePartner.connect(worker, address, false);
        UcpRemoteKey rkey = peer.unpackRemoteKey(ByteBuffer.allocateDirect(key.length).put(key).flip());
        ByteBuffer note = ByteBuffer.allocateDirect(8);
        System.out.printf(Locale.ROOT, "# one message from process to process and an 8 B acknowledgement back, p50 of %d,"
                + " us; UCX_TLS=%s%n", iterations, System.getenv().getOrDefault("UCX_TLS", "(all)"));
        System.out.printf(Locale.ROOT, "%10s %12s %12s%n", "bytes", "tag", "put+note");
        for (int bytes : SIZES) {
            long[] tag = time(to, "tag", bytes, iterations, () -> {
                UcpRequest sent = peer.sendTaggedNonBlocking(UcxUtils.getAddress(window), bytes, DATA, null);
                drive(sent::isCompleted);
            });
            long[] put = time(to, "put", bytes, iterations, () -> {
                peer.putNonBlocking(UcxUtils.getAddress(window), bytes, remoteWindow, rkey, null);
                UcpRequest flushed = peer.flushNonBlocking(null);
                drive(flushed::isCompleted);
                UcpRequest noted = peer.sendTaggedNonBlocking(UcxUtils.getAddress(note), 8, NOTE, null);
                drive(noted::isCompleted);
            });
            System.out.printf(Locale.ROOT, "%10d %12s %12s%n", bytes, median(tag), median(put));
        }
        to.println("end");
        target.process.waitFor();
        rkey.close();
        close();
    }

    private interface Transfer {
        void run() throws Exception;
    }

    /** Tells the target what comes, then times each transfer up to its acknowledgement. */
    private long[] time(PrintStream to, String path, int bytes, int iterations, Transfer transfer) throws Exception {
        int warmUp = Math.max(10, iterations / 10);
        to.println(path + " " + bytes + " " + (warmUp + iterations));
        long[] nanos = new long[iterations];
        for (int i = -warmUp; i < iterations; i++) {
            long t0 = System.nanoTime();
            UcpRequest ack = worker.recvTaggedNonBlocking(UcxUtils.getAddress(small), 8, ACK, -1L, null);
            transfer.run();
            drive(ack::isCompleted);
            if (i >= 0) {
                nanos[i] = System.nanoTime() - t0;
            }
        }
        return nanos;
    }

    private void drive(BooleanSupplier done) throws Exception {
        while (!done.getAsBoolean()) {
            worker.progress();
        }
    }

    private void close() throws Exception {
        UcpRequest closed = peer.closeNonBlockingFlush();
        drive(closed::isCompleted);
        worker.close();
        context.close();
    }

    private static String median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.1f", s[s.length / 2] / 1e3);
    }
}
