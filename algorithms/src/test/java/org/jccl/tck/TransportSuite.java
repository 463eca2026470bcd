package org.jccl.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jccl.JcclException;
import org.jccl.rendezvous.MemoryRendezvousStore;
import org.jccl.rendezvous.StoreBootstrap;
import org.jccl.spi.Bootstrap;
import org.jccl.spi.CheckMismatch;
import org.jccl.spi.Completion;
import org.jccl.spi.Progress;
import org.jccl.spi.Transport;
import org.jccl.spi.TransportProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transport SPI's contract, written once: FIFO matching per (peer, tag), independent tags,
 * every size around the eager limit from either side first, large messages waiting for their
 * receive, windows left untouched, clear errors for a size mismatch and for another check word,
 * abort reaching the peer.
 * A transport's test class only names the transport.
 */
public abstract class TransportSuite {
    private final List<Transport> opened = new ArrayList<>();

    /** The {@link TransportProvider#name()} under test. */
    protected abstract String transportName();

    @AfterEach
    void closeAll() {
        opened.forEach(Transport::close);
        opened.clear();
    }

    /** Opens {@code n} connected transports, one per rank, as a job would. */
    protected List<Transport> open(int n) throws Exception {
        TransportProvider provider = ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(transportName())).findFirst().orElseThrow();
        String store = "transport-suite-" + System.nanoTime();
        long jobId = System.nanoTime();
        List<CompletableFuture<Transport>> fs = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int rank = r;
            fs.add(CompletableFuture.supplyAsync(() -> {
                MemoryRendezvousStore s = MemoryRendezvousStore.open(store, rank);
                Bootstrap b = new StoreBootstrap(s, "t", rank, n, Duration.ofSeconds(20));
                return provider.open(TestContexts.of(rank, n, jobId, b, null, null, Duration.ofSeconds(20)));
            }, runnable -> new Thread(runnable, "open-" + rank).start()));
        }
        List<Transport> ts = new ArrayList<>();
        for (CompletableFuture<Transport> f : fs) {
            ts.add(f.get(30, TimeUnit.SECONDS));
        }
        opened.addAll(ts);
        return ts;
    }

    /** A completion as a future. */
    public static final class Done extends CompletableFuture<Void> implements Completion {
        /** The length an up-to receive reported, or -1. */
        volatile int received = -1;

        @Override
        public void completed() {
            complete(null);
        }

        @Override
        public void received(int bytes) {
            received = bytes;
            complete(null);
        }

        @Override
        public void failed(JcclException cause) {
            completeExceptionally(cause);
        }

        void await() throws Exception {
            get(20, TimeUnit.SECONDS);
        }

        Throwable failure() throws Exception {
            try {
                get(20, TimeUnit.SECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }
    }

    private static ByteBuffer pattern(int n, int seed, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            b.put(i, (byte) (i * 31 + seed));
        }
        return b;
    }

    private static void assertPattern(ByteBuffer b, int seed) {
        for (int i = 0; i < b.remaining(); i++) {
            if (b.get(b.position() + i) != (byte) (i * 31 + seed)) {
                throw new AssertionError("byte " + i + " is " + b.get(b.position() + i) + " for seed " + seed);
            }
        }
    }

    @Test
    void messagesMatchInOrderPerTagAndTagsAreIndependent() throws Exception {
        List<Transport> t = open(2);
        Done s1 = new Done();
        Done s2 = new Done();
        Done s3 = new Done();
        t.get(0).send(1, 7, pattern(100, 1, true), s1);
        t.get(0).send(1, 8, pattern(100, 2, true), s2);
        t.get(0).send(1, 7, pattern(100, 3, true), s3);
        ByteBuffer b8 = ByteBuffer.allocateDirect(100);
        ByteBuffer a1 = ByteBuffer.allocateDirect(100);
        ByteBuffer a2 = ByteBuffer.allocateDirect(100);
        Done r8 = new Done();
        Done ra1 = new Done();
        Done ra2 = new Done();
        t.get(1).recv(0, 8, b8, r8);
        t.get(1).recv(0, 7, a1, ra1);
        t.get(1).recv(0, 7, a2, ra2);
        for (Done d : new Done[] {s1, s2, s3, r8, ra1, ra2}) {
            d.await();
        }
        assertPattern(b8, 2);
        assertPattern(a1, 1);
        assertPattern(a2, 3);
    }

    /**
     * Ranks that send each other their first messages at the same moment (each dials, where
     * connections open on demand) meet on one working connection per pair: every message of every
     * pair arrives, in order per tag, small and large (past any eager limit), whoever posted first.
     */
    @Test
    void ranksThatSendEachOtherTheirFirstMessagesAtOnceGetThemAll() throws Exception {
        int n = 4;
        int[] sizes = {16, 300 * 1024};
        for (int trial = 0; trial < 6; trial++) {
            List<Transport> t = open(n);
            CountDownLatch go = new CountDownLatch(n);
            List<CompletableFuture<Void>> ranks = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int me = r;
                boolean receiveFirst = (trial + r) % 2 == 0;
                ranks.add(CompletableFuture.runAsync(() -> {
                    try {
                        List<Done> all = new ArrayList<>();
                        List<ByteBuffer> got = new ArrayList<>();
                        Runnable receive = () -> {
                            for (int p = 0; p < n; p++) {
                                for (int size : sizes) {
                                    if (p != me) {
                                        ByteBuffer in = ByteBuffer.allocateDirect(size);
                                        Done d = new Done();
                                        t.get(me).recv(p, 11, in, d);
                                        all.add(d);
                                        got.add(in);
                                    }
                                }
                            }
                        };
                        if (receiveFirst) {
                            receive.run();
                        }
                        go.countDown();
                        go.await();
                        for (int p = 0; p < n; p++) {
                            for (int size : sizes) {
                                if (p != me) {
                                    Done d = new Done();
                                    t.get(me).send(p, 11, pattern(size, me * 16 + size % 7, false), d);
                                    all.add(d);
                                }
                            }
                        }
                        if (!receiveFirst) {
                            receive.run();
                        }
                        for (Done d : all) {
                            d.await();
                        }
                        int i = 0;
                        for (int p = 0; p < n; p++) {
                            for (int size : sizes) {
                                if (p != me) {
                                    assertPattern(got.get(i++), p * 16 + size % 7);
                                }
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException("rank " + me, e);
                    }
                }, runnable -> new Thread(runnable, "first-" + me).start()));
            }
            for (CompletableFuture<Void> f : ranks) {
                f.get(60, TimeUnit.SECONDS);
            }
            closeAll();
        }
    }

    @Test
    void everySizeArrivesWhicheverSidePostsFirst() throws Exception {
        List<Transport> t = open(2);
        int[] sizes = {0, 1, 8191, 65535, 65536, 65537, 1 << 20, (4 << 20) + 3};
        long tag = 1;
        for (int size : sizes) {
            for (boolean direct : new boolean[] {true, false}) {
                for (boolean receiverFirst : new boolean[] {true, false}) {
                    ByteBuffer out = pattern(size + 5, (int) tag, direct).position(5);
                    ByteBuffer in = (direct ? ByteBuffer.allocateDirect(size + 9) : ByteBuffer.allocate(size + 9))
                            .position(4).limit(4 + size);
                    Done s = new Done();
                    Done r = new Done();
                    if (receiverFirst) {
                        t.get(1).recv(0, tag, in, r);
                        t.get(0).send(1, tag, out, s);
                    } else {
                        t.get(0).send(1, tag, out, s);
                        Thread.sleep(20);
                        t.get(1).recv(0, tag, in, r);
                    }
                    s.await();
                    r.await();
                    assertEquals(5, out.position(), "send window untouched");
                    assertEquals(4, in.position(), "receive window untouched");
                    assertEquals(4 + size, in.limit(), "receive window untouched");
                    for (int i = 0; i < size; i++) {
                        if (in.get(4 + i) != out.get(5 + i)) {
                            throw new AssertionError(size + " B, direct " + direct + ", receiver first " + receiverFirst
                                    + ": byte " + i + " differs");
                        }
                    }
                    tag++;
                }
            }
        }
    }

    @Test
    void anUpToReceiveTakesAnyMessageThatFitsAndSaysHowLongItWas() throws Exception {
        List<Transport> t = open(2);
        int[] sizes = {0, 1, 4095, 4096, 65537, 300_001, (1 << 20) + 3};
        long tag = 1;
        for (int size : sizes) {
            for (boolean receiverFirst : new boolean[] {true, false}) {
                boolean direct = (tag & 2) == 0;
                ByteBuffer out = pattern(size, (int) tag, direct);
                ByteBuffer in = (direct ? ByteBuffer.allocateDirect(size + 64) : ByteBuffer.allocate(size + 64)).position(3);
                Done s = new Done();
                Done r = new Done();
                if (receiverFirst) {
                    t.get(1).recvUpTo(0, tag, in, r);
                    t.get(0).send(1, tag, out, s);
                } else {
                    t.get(0).send(1, tag, out, s);
                    Thread.sleep(10);
                    t.get(1).recvUpTo(0, tag, in, r);
                }
                s.await();
                r.await();
                assertEquals(size, r.received, "length reported for " + size + " B");
                assertEquals(3, in.position(), "receive window untouched");
                assertPattern(in.duplicate().limit(3 + size), (int) tag);
                tag++;
            }
        }
    }

    @Test
    void anUpToReceiveRefusesALongerMessageAndTheNextOneStillArrivesInOrder() throws Exception {
        List<Transport> t = open(2);
        Done s1 = new Done();
        Done s2 = new Done();
        t.get(0).send(1, 9, pattern(300, 1, true), s1);
        t.get(0).send(1, 9, pattern(50, 2, false), s2);
        Done r1 = new Done();
        t.get(1).recvUpTo(0, 9, ByteBuffer.allocateDirect(100), r1);
        Throwable why = r1.failure();
        assertTrue(why instanceof JcclException && why.getMessage().contains("100 B"), String.valueOf(why));
        ByteBuffer in = ByteBuffer.allocate(100);
        Done r2 = new Done();
        t.get(1).recvUpTo(0, 9, in, r2);
        r2.await();
        assertEquals(50, r2.received);
        assertPattern(in.limit(50), 2);
    }

    /**
     * Jobs handed to a progress thread run there, in order; a caller's job never overtakes one
     * handed over before it; and when the transport lends its I/O to the caller
     * ({@link Progress#runInCaller}) a job runs on the calling thread and drives a real exchange
     * there. A transport without a progress thread has nothing to check.
     */
    @Test
    void aCallersJobRunsBehindEarlierJobsAndDrivesTheTransport() throws Exception {
        List<Transport> t = open(2);
        Progress p = t.get(0).progress();
        assumeTrue(p != null, transportName() + " has no progress thread: no jobs to order");
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch started = new CountDownLatch(1);
        p.execute(() -> {
            started.countDown();
            order.add(p.inProgressThread() ? "first, on the progress thread" : "first, elsewhere");
            LockSupport.parkNanos(200_000_000L); // still running when the caller asks
        });
        p.execute(() -> order.add("second"));
        assertTrue(started.await(20, TimeUnit.SECONDS));
        runAsTheCommunicatorWould(p, () -> order.add("caller"));
        assertEquals(List.of("first, on the progress thread", "second", "caller"), order);

        // rank 1 echoes what it gets; rank 0's job sends and waits for the echo, driving its transport
        ByteBuffer out = pattern(100_003, 4, true);
        ByteBuffer mid = ByteBuffer.allocateDirect(100_003);
        ByteBuffer in = ByteBuffer.allocateDirect(100_003);
        Done midIn = new Done();
        t.get(1).recv(0, 11, mid, midIn);
        midIn.thenRun(() -> t.get(1).send(0, 12, mid, new Done()));
        Thread[] ranOn = new Thread[1];
        boolean here = runAsTheCommunicatorWould(p, () -> {
            ranOn[0] = Thread.currentThread();
            Done sent = new Done();
            Done back = new Done();
            t.get(0).send(1, 11, out, sent);
            t.get(0).recv(1, 12, in, back);
            assertTrue(p.driveUntil(() -> sent.isDone() && back.isDone(), System.nanoTime() + 20_000_000_000L),
                    "the job could not drive its exchange");
        });
        assertEquals(here, ranOn[0] == Thread.currentThread(), "runInCaller's answer and the thread the job ran on disagree");
        assertPattern(in, 4);
    }

    /** Runs {@code job} on this thread if the transport lends its I/O, else on its progress thread; true if here. */
    private static boolean runAsTheCommunicatorWould(Progress p, Runnable job) throws Exception {
        if (p.runInCaller(job)) {
            return true;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        p.execute(() -> {
            try {
                job.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        done.get(20, TimeUnit.SECONDS);
        return false;
    }

    @Test
    void closedTransportsLeaveNoThreadBehind() throws Exception {
        List<Transport> t = open(2);
        Done s = new Done();
        Done r = new Done();
        t.get(1).recv(0, 3, ByteBuffer.allocateDirect(16), r);
        t.get(0).send(1, 3, pattern(16, 1, true), s);
        s.await();
        r.await();
        closeAll();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // idle helpers may linger a moment
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith("jccl-")).sorted().toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("threads still running 5 s after every transport closed: " + left);
    }

    @Test
    void aLargeMessageWaitsForItsReceive() throws Exception {
        List<Transport> t = open(2);
        Done s = new Done();
        t.get(0).send(1, 3, pattern(8 << 20, 9, true), s);
        Thread.sleep(300);
        assertFalse(s.isDone(), "an 8 MiB send completed with no receive posted");
        ByteBuffer in = ByteBuffer.allocateDirect(8 << 20);
        Done r = new Done();
        t.get(1).recv(0, 3, in, r);
        r.await();
        s.await();
        assertPattern(in, 9);
    }

    @Test
    void aSizeMismatchFailsTheReceiveClearly() throws Exception {
        List<Transport> t = open(2);
        String why = mismatchFailure(t, 5, 100, 200, false);
        assertTrue(why.contains("100 B") && why.contains("200 B"), why);
    }

    /** Small and large messages may take different ways (eager and rendezvous, or two UCX endpoints). */
    @Test
    void aSizeMismatchBetweenASmallAndALargeMessageFailsTheReceiveClearly() throws Exception {
        List<Transport> t = open(2);
        String why = mismatchFailure(t, 5, 300_000, 200, false);
        // a transport that learns of it as a truncation may not know the sender's length, but names the sender
        assertTrue(why.contains("200 B") && (why.contains("300000 B") || why.contains("rank 0")), why);
        why = mismatchFailure(t, 6, 100, 300_000, true);
        assertTrue(why.contains("100 B") && why.contains("300000 B"), why);
    }

    /** Rank 0 sends {@code sent} bytes to a receive of {@code posted} at rank 1; returns the receive's failure. */
    private static String mismatchFailure(List<Transport> t, int tag, int sent, int posted, boolean sendFirst)
            throws Exception {
        Done r = new Done();
        if (sendFirst) {
            t.get(0).send(1, tag, pattern(sent, 0, true), new Done());
        }
        t.get(1).recv(0, tag, ByteBuffer.allocateDirect(posted), r);
        if (!sendFirst) {
            t.get(0).send(1, tag, pattern(sent, 0, true), new Done());
        }
        Throwable f = r.failure();
        assertTrue(f instanceof JcclException, String.valueOf(f));
        return f.getMessage();
    }

    @Test
    void aMessageWithAnotherCheckWordFailsItsReceiveNamingBothWords() throws Exception {
        List<Transport> t = open(2);
        assumeTrue(t.get(0).checkedMessageBytes() >= 64, transportName() + " carries no check words");
        Done wrong = new Done();
        t.get(1).recv(0, 7, 0x1234L, ByteBuffer.allocateDirect(64), wrong);
        t.get(0).send(1, 7, 0x5678L, pattern(48, 0, true), new Done()); // another length too: the word says more
        Throwable f = wrong.failure();
        assertTrue(f instanceof CheckMismatch c && c.peer() == 0 && c.mine() == 0x1234L && c.theirs() == 0x5678L,
                String.valueOf(f));
        ByteBuffer in = ByteBuffer.allocateDirect(32);
        Done right = new Done();
        t.get(1).recv(0, 8, 0x99L, in, right);
        t.get(0).send(1, 8, 0x99L, pattern(32, 5, true), new Done());
        right.await();
        assertPattern(in, 5);
    }

    @Test
    void checkedMessagesOfEverySizeUpToTheLimitArriveWhole() throws Exception {
        List<Transport> t = open(2);
        int limit = t.get(0).checkedMessageBytes();
        assumeTrue(limit > 0, transportName() + " carries no check words");
        int[] sizes = {0, 1, 7, 8, 1000, Math.min(limit, 4096), Math.min(limit, 4096) + 1, 20_000};
        for (int k = 0; k < sizes.length; k++) {
            boolean direct = k % 2 == 0;
            ByteBuffer in = direct ? ByteBuffer.allocateDirect(sizes[k]) : ByteBuffer.allocate(sizes[k]);
            Done r = new Done();
            Done s = new Done();
            if (k % 3 == 0) { // either side first
                t.get(0).send(1, 20 + k, 0x77L, pattern(sizes[k], k, !direct), s);
                t.get(1).recv(0, 20 + k, 0x77L, in, r);
            } else {
                t.get(1).recv(0, 20 + k, 0x77L, in, r);
                t.get(0).send(1, 20 + k, 0x77L, pattern(sizes[k], k, !direct), s);
            }
            r.await();
            s.await();
            assertPattern(in, k);
        }
    }

    @Test
    void aCheckedMessageOfAnotherLengthWithTheSameWordFailsOnItsLength() throws Exception {
        List<Transport> t = open(2);
        assumeTrue(t.get(0).checkedMessageBytes() >= 64, transportName() + " carries no check words");
        Done r = new Done();
        t.get(1).recv(0, 9, 0x42L, ByteBuffer.allocate(64), r);
        t.get(0).send(1, 9, 0x42L, pattern(40, 0, false), new Done());
        Throwable f = r.failure();
        assertTrue(f instanceof JcclException && !(f instanceof CheckMismatch), String.valueOf(f));
        assertTrue(f.getMessage().contains("40 B") && f.getMessage().contains("64 B"), f.getMessage());
    }

    @Test
    void abortFailsWhatThePeerHasPending() throws Exception {
        List<Transport> t = open(3);
        Done r = new Done();
        t.get(2).recv(0, 11, ByteBuffer.allocateDirect(64), r);
        t.get(0).abort(new JcclException(0, "test", "rank 0 gave up"));
        Throwable f = r.failure();
        assertTrue(f instanceof JcclException && f.getMessage().contains("rank 0 gave up"), String.valueOf(f));
        Done later = new Done();
        t.get(1).send(2, 12, ByteBuffer.allocateDirect(8), later);
        Done late = new Done();
        t.get(0).recv(1, 12, ByteBuffer.allocateDirect(8), late);
        assertTrue(late.failure() instanceof JcclException, "the aborting rank fails later operations");
    }

    @Test
    void anAbortsReasonReachesAPeerThatWritesToTheRankAfterItClosed() throws Exception {
        List<Transport> t = open(2);
        t.get(0).abort(new JcclException(0, "test", "rank 0 gave up"));
        t.get(0).close();
        List<Done> sends = new ArrayList<>();
        for (int i = 0; i < 64; i++) { // the later ones are written after the peer's socket is gone
            Done s = new Done();
            t.get(1).send(0, 13, pattern(1000, i, true), s);
            sends.add(s);
        }
        int failed = 0;
        for (Done s : sends) { // a short send may complete once written, before anything says the peer left
            Throwable f = s.failure();
            if (f != null) {
                failed++;
                assertTrue(f instanceof JcclException && f.getMessage().contains("rank 0 gave up"), f.toString());
            }
        }
        assertTrue(failed > 0, "64 sends to a closed rank all completed");
        Done r = new Done();
        t.get(1).recv(0, 14, ByteBuffer.allocateDirect(8), r);
        Throwable f = r.failure();
        assertTrue(f instanceof JcclException && f.getMessage().contains("rank 0 gave up"), String.valueOf(f));
    }
}
