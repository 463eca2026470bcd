package org.jccl.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.Envelope;
import org.jccl.JcclException;
import org.jccl.Mailbox;
import org.jccl.MatchedMessage;
import org.jccl.ReduceOp;
import org.jccl.TruncatedMessage;
import org.junit.jupiter.api.Test;

/**
 * MPI's point-to-point matching ({@link Mailbox}), written once for every transport: receives up to
 * a length, wildcard source and tag, order per (source, tag), probes, messages taken out of
 * matching, synchronous sends, truncation, cancelling, refused arguments.
 */
public abstract class MailboxSuite {
    /** Message lengths around the mailbox's eager limit and the transports' own (tcp 64 KiB). */
    private static final int[] LENGTHS = {0, 1, 7, 4095, 4096, 4097, 65_537, 300_001};

    /** Ranks as threads over the transport under test. */
    protected abstract ThreadRanks threads();

    private void onRanks(int ranks, ThreadRanks.RankBody body) {
        List<Throwable> errors = threads().each(ranks, Map.of(), TestPorts.timeout(), body).stream()
                .filter(Objects::nonNull).toList();
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError(errors.size() + " ranks failed; first: " + errors.get(0), errors.get(0));
            errors.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    private static ByteBuffer message(int source, int k, int length, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
        for (int i = 0; i < length; i++) {
            b.put(i, (byte) (source * 31 + k * 7 + i));
        }
        return b;
    }

    private static void assertMessage(ByteBuffer b, int source, int k, int length) {
        for (int i = 0; i < length; i++) {
            if (b.get(i) != (byte) (source * 31 + k * 7 + i)) {
                throw new AssertionError("message " + k + " from rank " + source + ": byte " + i + " differs");
            }
        }
    }

    @Test
    void wildcardReceivesTakeEveryMessageUpToTheirLengthInOrderPerSourceAndTag() {
        for (int ranks : new int[] {1, 2, 3, 5}) {
            onRanks(ranks, c -> {
                Mailbox m = c.mailbox();
                List<CompletableFuture<Void>> sends = new ArrayList<>();
                for (int dest = 0; dest < ranks; dest++) {
                    for (int k = 0; k < LENGTHS.length; k++) {
                        sends.add(m.sendAsync(message(c.rank(), k, LENGTHS[k], k % 2 == 0), dest, k % 3));
                    }
                }
                ByteBuffer in = ByteBuffer.allocateDirect(LENGTHS[LENGTHS.length - 1] + 100);
                Map<String, Integer> lastK = new HashMap<>();
                for (int i = 0; i < ranks * LENGTHS.length; i++) {
                    Envelope e = i % 2 == 0 ? m.recv(in.clear(), Mailbox.ANY_SOURCE, Mailbox.ANY_TAG)
                            : m.recvAsync(in.clear(), Mailbox.ANY_SOURCE, Mailbox.ANY_TAG).join();
                    int k = indexOf(e.length());
                    assertEquals(k % 3, e.tag(), "tag of message " + k);
                    assertMessage(in, e.source(), k, e.length());
                    Integer before = lastK.put(e.source() + "/" + e.tag(), k);
                    assertTrue(before == null || before < k, "message " + k + " from rank " + e.source()
                            + " overtook message " + before + " with the same tag");
                }
                sends.forEach(CompletableFuture::join);
                assertNull(m.tryProbe(Mailbox.ANY_SOURCE, Mailbox.ANY_TAG), "nothing is left");
            });
        }
    }

    private static int indexOf(int length) {
        for (int k = 0; k < LENGTHS.length; k++) {
            if (LENGTHS[k] == length) {
                return k;
            }
        }
        throw new AssertionError("no message is " + length + " B long");
    }

    @Test
    void aReceiveNamingSourceAndTagWaitsForItsOwnMessageWhileOthersQueue() {
        onRanks(3, c -> {
            Mailbox m = c.mailbox();
            if (c.rank() == 0) {
                ByteBuffer fromTwo = ByteBuffer.allocate(4);
                CompletableFuture<Envelope> f = m.recvAsync(fromTwo, 2, 8);
                ByteBuffer any = ByteBuffer.allocate(100);
                assertEquals(new Envelope(1, 9, 100), m.recv(any, 1, Mailbox.ANY_TAG));
                assertMessage(any, 1, 0, 100);
                c.barrier(); // rank 2 sends only now
                assertEquals(new Envelope(2, 8, 4), f.join());
                assertMessage(fromTwo, 2, 0, 4);
            } else if (c.rank() == 1) {
                m.send(message(1, 0, 100, true), 0, 9);
                c.barrier();
            } else {
                c.barrier();
                m.send(message(2, 0, 4, false), 0, 8);
            }
        });
    }

    @Test
    void probesSayWhatCameAndATakenMessageGoesOnlyToItsHandle() {
        onRanks(2, c -> {
            Mailbox m = c.mailbox();
            if (c.rank() == 0) {
                m.send(message(0, 1, 1000, true), 1, 5);
                c.barrier();
                m.send(message(0, 2, 70_000, false), 1, 6);
            } else {
                assertEquals(new Envelope(0, 5, 1000), m.probe(Mailbox.ANY_SOURCE, Mailbox.ANY_TAG));
                assertNull(m.tryProbe(0, 6));
                MatchedMessage taken = m.take(0, 5);
                assertEquals(new Envelope(0, 5, 1000), taken.envelope());
                assertNull(m.tryProbe(Mailbox.ANY_SOURCE, 5), "a taken message is out of matching");
                ByteBuffer other = ByteBuffer.allocate(70_000);
                CompletableFuture<Envelope> next = m.recvAsync(other, Mailbox.ANY_SOURCE, Mailbox.ANY_TAG);
                c.barrier();
                assertEquals(new Envelope(0, 6, 70_000), next.join(), "the wildcard receive skipped the taken message");
                assertMessage(other, 0, 2, 70_000);
                ByteBuffer in = ByteBuffer.allocateDirect(1000);
                assertEquals(1000, taken.recv(in).length());
                assertMessage(in, 0, 1, 1000);
                assertThrows(JcclException.class, () -> taken.recv(in), "a taken message is received once");
            }
        });
    }

    @Test
    void aSynchronousSendEndsOnlyOnceItsReceiveMatched() {
        onRanks(2, c -> {
            Mailbox m = c.mailbox();
            for (int length : new int[] {8, 200_000}) {
                if (c.rank() == 0) {
                    CompletableFuture<Void> f = m.sendSyncAsync(message(0, 0, length, true), 1, 3);
                    Thread.sleep(200);
                    assertFalse(f.isDone(), "a synchronous send of " + length + " B ended before any receive");
                    c.barrier();
                    f.join();
                    m.sendSync(message(0, 1, length, false), 1, 4);
                } else {
                    c.barrier();
                    ByteBuffer in = ByteBuffer.allocate(length);
                    m.recv(in, 0, 3);
                    assertMessage(in, 0, 0, length);
                    m.recv(in.clear(), 0, 4);
                    assertMessage(in, 0, 1, length);
                }
            }
            // to itself: ends when its own receive matches
            CompletableFuture<Void> self = m.sendSyncAsync(message(c.rank(), 2, 10, true), c.rank(), 1);
            assertFalse(self.isDone());
            ByteBuffer in = ByteBuffer.allocate(10);
            assertEquals(new Envelope(c.rank(), 1, 10), m.recv(in, c.rank(), 1));
            self.join();
        });
    }

    @Test
    void aLongerMessageThanTheBufferIsTruncatedAndTheCommunicatorStaysUsable() {
        onRanks(2, c -> {
            Mailbox m = c.mailbox();
            int[] lengths = {100, 100_000};
            if (c.rank() == 0) {
                for (int k = 0; k < lengths.length; k++) {
                    m.send(message(0, k, lengths[k], true), 1, k);
                }
            } else {
                for (int k = 0; k < lengths.length; k++) {
                    ByteBuffer small = ByteBuffer.allocateDirect(10);
                    int tag = k;
                    TruncatedMessage t = assertThrows(TruncatedMessage.class, () -> m.recv(small, 0, tag));
                    assertEquals(new Envelope(0, k, lengths[k]), t.envelope());
                    assertTrue(t.getMessage().startsWith("rank 1: recv: message of " + lengths[k] + " B from rank 0"),
                            t.getMessage());
                    assertMessage(small, 0, k, 10);
                }
            }
            ByteBuffer v = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putInt(0, c.rank() + 1);
            c.allReduce(v, v, DataType.INT32, ReduceOp.SUM);
            assertEquals(3, v.getInt(0), "the communicator works after a truncation");
        });
    }

    /** Receives stand with no helper thread driving for them: asking a future or probing must make progress. */
    @Test
    void pollingAloneMakesProgress() {
        onRanks(2, c -> {
            Mailbox m = c.mailbox();
            if (c.rank() == 0) {
                CompletableFuture<Void> small = m.sendAsync(message(0, 0, 16, true), 1, 4);
                CompletableFuture<Void> large = m.sendAsync(message(0, 1, 200_000, false), 1, 5);
                while (!small.isDone() || !large.isDone()) {
                    Thread.onSpinWait();
                }
            } else {
                while (m.tryProbe(0, 4) == null) {
                    Thread.onSpinWait();
                }
                ByteBuffer in = ByteBuffer.allocateDirect(200_000);
                CompletableFuture<Envelope> f = m.recvAsync(in, 0, 5);
                while (!f.isDone()) {
                    Thread.onSpinWait();
                }
                assertEquals(200_000, f.join().length());
                assertMessage(in, 0, 1, 200_000);
                assertNotNull(m.tryTake(0, 4));
            }
        });
    }

    @Test
    void cancellingWithdrawsAReceiveNothingMatched() {
        onRanks(2, c -> {
            Mailbox m = c.mailbox();
            if (c.rank() == 1) {
                CompletableFuture<Envelope> withdrawn = m.recvAsync(ByteBuffer.allocate(8), Mailbox.ANY_SOURCE, 2);
                assertTrue(withdrawn.cancel(false));
                assertTrue(withdrawn.isCancelled());
                c.barrier();
                ByteBuffer in = ByteBuffer.allocate(8);
                assertEquals(new Envelope(0, 2, 8), m.recv(in, 0, 2));
                CompletableFuture<Envelope> matched = m.recvAsync(in.clear(), 0, 2);
                matched.join();
                assertFalse(matched.cancel(false), "a matched receive cannot be withdrawn");
            } else {
                c.barrier();
                m.send(message(0, 0, 8, true), 1, 2);
                m.send(message(0, 1, 8, true), 1, 2);
            }
        });
    }

    @Test
    void badArgumentsNameRankOperationAndCause() {
        onRanks(2, c -> {
            Mailbox m = c.mailbox();
            ByteBuffer b = ByteBuffer.allocate(8);
            refused(c, "send", "destination 2 is outside 0..1", () -> m.send(b, 2, 0));
            refused(c, "send", "tag -1 is negative", () -> m.send(b, 0, Mailbox.ANY_TAG));
            refused(c, "sendSync", "send buffer is null", () -> m.sendSync(null, 0, 0));
            refused(c, "recv", "source -2 is outside 0..1 and is not ANY_SOURCE", () -> m.recv(b, -2, 0));
            refused(c, "recv", "tag -5 is negative and is not ANY_TAG", () -> m.recv(b, 0, -5));
            refused(c, "recv", "receive buffer is read-only", () -> m.recv(b.asReadOnlyBuffer(), 0, 0));
            refused(c, "probe", "source 9 is outside", () -> m.tryProbe(9, 0));
            CompletableFuture<Void> f = m.sendAsync(b, 5, 0);
            JcclException e = assertThrows(JcclException.class, () -> {
                try {
                    f.join();
                } catch (CompletionException x) {
                    throw x.getCause();
                }
            });
            assertTrue(e.getMessage().contains("destination 5"), e.getMessage());
            c.barrier();
        });
    }

    private static void refused(Communicator c, String op, String cause, Runnable call) {
        JcclException e = assertThrows(JcclException.class, call::run, op);
        String expected = "rank " + c.rank() + ": " + op + ": ";
        assertTrue(e.getMessage().startsWith(expected) && e.getMessage().contains(cause), e.getMessage());
        assertNotNull(e.getMessage());
    }
}
