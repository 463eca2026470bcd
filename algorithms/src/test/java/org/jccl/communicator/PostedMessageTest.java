package org.jccl.communicator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jccl.JcclException;
import org.jccl.core.CommunicatorStatus;
import org.junit.jupiter.api.Test;

/**
 * Who completes the future of an asynchronous message once the transport reports its end: a caller
 * waiting in it, a caller waiting in another one, or the common pool; never the transport's thread.
 */
class PostedMessageTest {
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static PostedMessage message(AtomicReference<JcclException> broken) {
        PostedMessage m = new PostedMessage(0, "send", true, 1, 8, broken::set, new CommunicatorStatus());
        m.startClock(TIMEOUT_NANOS);
        return m;
    }

    /** Runs {@code end} on a thread named like a transport's, as a transport reports completions. */
    private static void onTransportThread(Runnable end) throws InterruptedException {
        Thread t = new Thread(end, "jccl-test-transport");
        t.start();
        t.join();
    }

    @Test
    void aCallerWaitingForTheLastMessageOfAWindowLeavesTheEarlierOnesCompleted() throws Exception {
        AtomicReference<JcclException> broken = new AtomicReference<>();
        PostedMessage first = message(broken);
        PostedMessage last = message(broken);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Thread caller = new Thread(() -> last.future().join(), "caller");
        caller.start();
        while (caller.getState() != Thread.State.TIMED_WAITING && caller.getState() != Thread.State.WAITING) {
            Thread.onSpinWait(); // parked in join: from now on it counts as a waiter
        }
        onTransportThread(first::completed);
        first.future().thenRun(() -> ranOn.set(Thread.currentThread())); // after the end: nobody watched it
        onTransportThread(last::completed);
        caller.join(10_000);
        assertFalse(caller.isAlive(), "the waiting caller was never woken");
        // settled by then: the waiter (or, had it been slow, the deadline sweep) completed it
        Thread t = ranOn.get();
        assertNotNull(t, "the message that ended unwatched was not completed when the waiter returned");
        assertFalse(t.getName().startsWith("jccl-"), "a callback ran on " + t.getName());
        assertEquals(null, broken.get());
    }

    @Test
    void aFinishedMessageNobodyLooksAtIsCompletedAllTheSame() throws Exception {
        AtomicReference<JcclException> broken = new AtomicReference<>();
        PostedMessage m = message(broken);
        onTransportThread(m::completed);
        // allOf reads the future's state without asking it, so only the delayed settling completes it
        CompletableFuture.allOf(m.future()).get(10, TimeUnit.SECONDS);
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        m.future().thenRun(() -> ranOn.complete(Thread.currentThread()));
        assertFalse(ranOn.get(10, TimeUnit.SECONDS).getName().startsWith("jccl-"));
        assertEquals(null, broken.get());
    }

    @Test
    void aFailedMessageBreaksTheCommunicatorBeforeItsFutureFails() throws Exception {
        AtomicReference<JcclException> broken = new AtomicReference<>();
        PostedMessage m = message(broken);
        JcclException cause = new JcclException(1, "transport", "lost rank 1");
        onTransportThread(() -> m.failed(cause));
        Throwable seen = m.future().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertNotNull(broken.get(), "the communicator was not broken");
        assertSame(broken.get(), seen instanceof java.util.concurrent.CompletionException ? seen.getCause() : seen);
        assertTrue(broken.get().getMessage().contains("send of 8 B to rank 1"), broken.get().getMessage());
    }
}
