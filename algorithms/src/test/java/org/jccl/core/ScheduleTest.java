package org.jccl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The program of a schedule runs once, whichever threads advance it at once. */
class ScheduleTest {
    private static Schedule schedule(ScratchPool pool) {
        return new Schedule(null, 0, 1, "test", "local", 0, 0, 1, 0, 1_000_000_000L, pool, 1024);
    }

    @Test
    void stepsRunInOrderAndTheEndIsReportedOnce() {
        StringBuilder order = new StringBuilder();
        AtomicInteger ends = new AtomicInteger();
        Schedule s = schedule(new ScratchPool());
        s.local(() -> order.append('a'));
        s.local(() -> order.append('b'));
        s.onFinish(ends::incrementAndGet);
        assertTrue(s.advance());
        assertTrue(s.advance(), "a finished schedule stays finished");
        assertEquals("ab", order.toString());
        assertEquals(1, ends.get());
        assertEquals(null, s.failure());
    }

    @Test
    void aFailingStepFailsTheScheduleOnce() {
        AtomicInteger ends = new AtomicInteger();
        Schedule s = schedule(new ScratchPool());
        s.local(() -> {
            throw new IllegalStateException("boom");
        });
        s.local(() -> {
            throw new AssertionError("a step after a failure ran");
        });
        s.onFinish(ends::incrementAndGet);
        assertTrue(s.advance());
        assertEquals("boom", s.failure().getMessage());
        assertEquals(1, ends.get());
    }

    /**
     * Two threads advance one schedule at the same moment, many times over: the one that loses the
     * race must not run the end again (the end hands the scratch memory back, and a second hand-back
     * would give it to two collectives at once).
     */
    @Test
    void racingThreadsFinishAScheduleOnce() throws Exception {
        int rounds = 20_000;
        AtomicInteger ends = new AtomicInteger();
        AtomicInteger steps = new AtomicInteger();
        Schedule[] current = new Schedule[1];
        CyclicBarrier start = new CyclicBarrier(2);
        CyclicBarrier done = new CyclicBarrier(2, () -> {
            Schedule s = schedule(new ScratchPool());
            s.local(steps::incrementAndGet);
            s.onFinish(ends::incrementAndGet);
            current[0] = s;
        });
        Runnable racer = () -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    start.await();
                    Schedule s = current[0];
                    for (int k = 0; k < 20; k++) {
                        s.advance(); // the losers keep trying while the winner finishes
                    }
                    done.await();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        Schedule first = schedule(new ScratchPool());
        first.local(steps::incrementAndGet);
        first.onFinish(ends::incrementAndGet);
        current[0] = first;
        Thread other = new Thread(racer);
        other.start();
        racer.run();
        other.join();
        assertEquals(rounds, steps.get(), "every schedule's step ran once");
        assertEquals(rounds, ends.get(), "every schedule finished once");
    }
}
