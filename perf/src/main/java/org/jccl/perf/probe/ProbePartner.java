package org.jccl.perf.probe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpWorker;

/**
 * The second process of a two-process probe: this JVM's java running {@code main} with one flag,
 * spoken to line by line over its standard input and output (worker addresses travel as hex).
 */
final class ProbePartner {
    final Process process;
    final BufferedReader from;
    final PrintStream to;

    private ProbePartner(Process process) {
        this.process = process;
        this.from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.to = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Starts {@code main} with {@code flag} in a new JVM on this class path. */
    static ProbePartner start(Class<?> main, String flag) throws IOException {
        return new ProbePartner(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName(), flag)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** An endpoint to the worker whose address is {@code hexAddress}. */
    static UcpEndpoint connect(UcpWorker worker, String hexAddress, boolean peerErrorHandling) {
        byte[] a = HexFormat.of().parseHex(hexAddress);
        UcpEndpointParams p = new UcpEndpointParams().setUcpAddress(ByteBuffer.allocateDirect(a.length).put(a).flip());
        return worker.newEndpoint(peerErrorHandling ? p.setPeerErrorHandlingMode() : p);
    }

    /** {@code b}'s window as hex. */
    static String hex(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
