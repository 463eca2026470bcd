package org.jccl.tck;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jccl.Communicator;
import org.jccl.Jccl;

/**
 * One rank of {@link ProcessRanks}: connects, runs the encoded cases it was given, prints
 * {@code FAIL <what>} per failure and {@code DONE} at the end. A line {@code status} on standard input
 * makes it print its communicator's state and main thread's stack (the deadline dump).
 *
 * <p>Arguments: transport, rendezvous, rank, size, timeout seconds, algorithms ({@code k=v;k=v} or
 * {@code -}), then one encoded case per argument.
 */
public final class TckWorker {
    private TckWorker() {
    }

    public static void main(String[] args) throws Exception {
        int rank = Integer.parseInt(args[2]);
        Jccl.Builder b = Jccl.builder().environment(Map.of()).transport(args[0]).rendezvous(args[1]).rank(rank)
                .size(Integer.parseInt(args[3])).timeout(Duration.ofSeconds(Long.parseLong(args[4])));
        parseAlgorithms(args[5]).forEach(b::algorithm);
        Thread main = Thread.currentThread();
        Communicator[] comm = new Communicator[1];
        Thread status = new Thread(() -> answerStatus(main, comm), "tck-status");
        status.setDaemon(true);
        status.start();
        int failures = 0;
        try (Communicator c = b.connect()) {
            comm[0] = c;
            for (int i = 6; i < args.length; i++) {
                String f = TckCase.parse(args[i]).run(c);
                if (f != null) {
                    System.out.println("FAIL " + f);
                    failures++;
                }
            }
        } catch (Throwable t) {
            System.out.println("FAIL rank " + rank + " threw " + t);
            t.printStackTrace(System.out);
            failures++;
        }
        System.out.println("DONE " + failures);
        System.out.flush();
        System.exit(failures == 0 ? 0 : 1);
    }

    static Map<String, String> parseAlgorithms(String spec) {
        Map<String, String> m = new HashMap<>();
        if (!spec.equals("-")) {
            for (String kv : spec.split(";")) {
                String[] p = kv.split("=", 2);
                m.put(p[0], p[1]);
            }
        }
        return m;
    }

    private static void answerStatus(Thread main, Communicator[] comm) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("status")) {
                    StringBuilder s = new StringBuilder("STATUS ").append(comm[0]);
                    for (StackTraceElement e : main.getStackTrace()) {
                        s.append("\n      at ").append(e);
                    }
                    System.out.println(s);
                    System.out.flush();
                }
            }
        } catch (Exception e) {
            // parent went away; nothing to report to
        }
    }

}
