package mpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.IntBuffer;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Point-to-point calls as MPI matches them, over inproc and tcp: wildcards and statuses, receives
 * up to a length, probes, matched messages, synchronous sends, requests of every kind and their
 * array calls, persistent requests, cancelling.
 */
class PointToPointTest {
    @ParameterizedTest
    @ValueSource(strings = {"inproc", "tcp"})
    void wildcardReceivesSayWhoSentWhatAndHowMuch(String transport) {
        CommTest.onRanks(4, transport, w -> {
            int me = w.getRank();
            if (me != 0) {
                int[] data = new int[me * 3];
                Arrays.fill(data, me);
                w.send(data, data.length, MPI.INT, 0, 100 + me);
                return;
            }
            int[] room = new int[20];
            boolean[] seen = new boolean[4];
            for (int i = 1; i < 4; i++) {
                Status s = w.recv(room, room.length, MPI.INT, MPI.ANY_SOURCE, MPI.ANY_TAG);
                int from = s.getSource();
                assertEquals(100 + from, s.getTag());
                assertEquals(from * 3, s.getCount(MPI.INT));
                assertEquals(from * 3, s.getElements(MPI.INT));
                for (int k = 0; k < from * 3; k++) {
                    assertEquals(from, room[k]);
                }
                seen[from] = true;
            }
            assertTrue(seen[1] && seen[2] && seen[3]);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"inproc", "tcp"})
    void probesAndMatchedMessages(String transport) {
        CommTest.onRanks(2, transport, w -> {
            if (w.getRank() == 0) {
                w.send(new int[] {1, 2, 3, 4, 5}, 5, MPI.INT, 1, 7);
                w.send(new double[] {2.5}, 1, MPI.DOUBLE, 1, 8);
                w.barrier();
                return;
            }
            Status p = w.probe(0, MPI.ANY_TAG);
            assertEquals(7, p.getTag());
            assertEquals(5, p.getCount(MPI.INT));
            assertNull(w.iProbe(0, 9));
            Message m = new Message();
            assertTrue(m.isNull());
            Status taken = m.mProbe(MPI.ANY_SOURCE, 7, w);
            assertFalse(m.isNull());
            assertEquals(5, taken.getCount(MPI.INT));
            // the taken message is out of matching: a wildcard receive gets the next one
            double[] d = new double[1];
            assertEquals(8, w.recv(d, 1, MPI.DOUBLE, 0, MPI.ANY_TAG).getTag());
            assertEquals(2.5, d[0]);
            int[] five = new int[5];
            assertEquals(7, m.mRecv(five, 5, MPI.INT).getTag());
            assertArrayEquals(new int[] {1, 2, 3, 4, 5}, five);
            assertTrue(m.isNull());
            assertNull(new Message().imProbe(0, MPI.ANY_TAG, w), "nothing left");
            w.barrier();
            Message none = new Message();
            none.mProbe(MPI.PROC_NULL, 0, w);
            assertTrue(none.isNoProc());
            assertEquals(MPI.PROC_NULL, none.mRecv(five, 5, MPI.INT).getSource());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"inproc", "tcp"})
    void requestsOfEveryKindAndTheirArrayCalls(String transport) throws Exception {
        MPI.attachBuffer(new byte[1 << 20]);
        try {
            requestsOfEveryKind(transport);
        } finally {
            MPI.detachBuffer();
        }
    }

    private static void requestsOfEveryKind(String transport) {
        CommTest.onRanks(2, transport, w -> {
            int me = w.getRank();
            int peer = 1 - me;
            int n = 6;
            Request[] reqs = new Request[2 * n];
            IntBuffer[] in = new IntBuffer[n];
            for (int i = 0; i < n; i++) {
                in[i] = MPI.newIntBuffer(1000 * (i + 1));
                reqs[i] = w.iRecv(in[i], in[i].capacity(), MPI.INT, peer, i);
            }
            for (int i = 0; i < n; i++) {
                IntBuffer out = MPI.newIntBuffer(1000 * (i + 1));
                for (int k = 0; k < out.capacity(); k++) {
                    out.put(k, me * 100_000 + i * 1000 + k);
                }
                reqs[n + i] = switch (i % 4) {
                    case 0 -> w.iSend(out, out.capacity(), MPI.INT, peer, i);
                    case 1 -> w.isSend(out, out.capacity(), MPI.INT, peer, i);
                    case 2 -> w.irSend(out, out.capacity(), MPI.INT, peer, i);
                    default -> w.ibSend(out, out.capacity(), MPI.INT, peer, i);
                };
            }
            int first = Request.waitAny(reqs);
            assertTrue(first >= 0 && first < 2 * n);
            assertTrue(reqs[first].isNull(), "a completed request becomes null");
            int[] some = Request.waitSome(reqs);
            assertNotNull(some);
            Status[] all = Request.waitAllStatus(reqs);
            assertNull(all[first], "an inactive request has no status");
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < in[i].capacity(); k++) {
                    assertEquals(peer * 100_000 + i * 1000 + k, in[i].get(k));
                }
            }
            assertTrue(Request.testAll(reqs));
            assertEquals(MPI.UNDEFINED, Request.waitAny(reqs), "no request is active");
            assertNull(Request.testSome(reqs));
            assertNull(Request.waitAnyStatus(reqs));
            assertEquals(MPI.UNDEFINED, Request.testAny(reqs));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"inproc", "tcp"})
    void aSynchronousSendCompletesOnlyOnceMatchedAndAReceiveCanBeCancelled(String transport) {
        CommTest.onRanks(2, transport, w -> {
            IntBuffer b = MPI.newIntBuffer(4);
            if (w.getRank() == 0) {
                Request s = w.isSend(b, 4, MPI.INT, 1, 3);
                Thread.sleep(200);
                assertFalse(s.test(), "a synchronous send completed before any receive");
                assertNull(s.testStatus());
                assertNull(s.getStatus());
                w.barrier();
                s.waitFor();
                assertTrue(s.isNull());
            } else {
                Request r = w.iRecv(MPI.newIntBuffer(4), 4, MPI.INT, 0, 99);
                r.cancel();
                assertTrue(r.waitStatus().isCancelled());
                w.barrier();
                w.recv(b, 4, MPI.INT, 0, 3);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"inproc", "tcp"})
    void persistentRequestsRunRoundAfterRoundAndSendsToItselfArrive(String transport) {
        CommTest.onRanks(3, transport, w -> {
            int me = w.getRank();
            int n = w.getSize();
            IntBuffer out = MPI.newIntBuffer(2);
            IntBuffer in = MPI.newIntBuffer(2);
            Prequest send = w.sendInit(out, 2, MPI.INT, (me + 1) % n, 5);
            Prequest recv = w.recvInit(in, 2, MPI.INT, (me + n - 1) % n, 5);
            for (int round = 0; round < 4; round++) {
                out.put(0, me).put(1, round);
                Prequest.startAll(new Prequest[] {recv, send});
                Request.waitAll(new Request[] {recv, send});
                assertFalse(send.isNull(), "a persistent request stays after a wait");
                assertEquals((me + n - 1) % n, in.get(0));
                assertEquals(round, in.get(1));
            }
            send.free();
            assertTrue(send.isNull());
            // to itself: the send is copied, so it completes before its receive
            w.send(new int[] {42}, 1, MPI.INT, me, 6);
            int[] self = new int[1];
            assertEquals(me, w.recv(self, 1, MPI.INT, me, 6).getSource());
            assertEquals(42, self[0]);
            int[] ring = {me};
            w.sendRecvReplace(ring, 1, MPI.INT, (me + 1) % n, 1, MPI.ANY_SOURCE, MPI.ANY_TAG);
            assertEquals((me + n - 1) % n, ring[0]);
        });
    }
}
