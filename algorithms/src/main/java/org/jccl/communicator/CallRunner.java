package org.jccl.communicator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.jccl.Configuration;
import org.jccl.JcclException;
import org.jccl.core.CommunicatorStatus;
import org.jccl.core.Schedule;
import org.jccl.core.ScheduleRunner;
import org.jccl.core.ScheduleTimeout;
import org.jccl.core.ScratchPool;
import org.jccl.core.Tags;
import org.jccl.spi.CheckMismatch;
import org.jccl.spi.Transport;

/**
 * Runs a communicator's calls. Each {@link Call} becomes a {@link Schedule}: the algorithm's steps,
 * with the check word in or beside its messages ({@link ArgumentAgreement}), and scratch memory from
 * a pool per call in flight; the {@link ScheduleRunner} runs it, a
 * blocking call's on the caller's own thread, an asynchronous one wherever the communicator is
 * driven next. It numbers the collectives, and it keeps whether the communicator is closed or
 * broken: any failure breaks it on every rank, with the mismatch named where ranks called different
 * things, and with the ranks that never reached the collective named where it timed out.
 */
final class CallRunner {
    private static final boolean CHECK_ARGUMENTS = Boolean.parseBoolean(
            System.getProperty(Configuration.PROP_CHECK_ARGUMENTS, "true"));

    private final int rank;
    private final int size;
    private final Transport transport;
    private final long timeoutNanos;
    private final int chunkBytes;
    /** Whom a timeout asks which ranks never reached the collective. */
    private final Membership membership;
    /** Scratch memory, one pool per collective in flight (a blocking one and the asynchronous ones). */
    private final ConcurrentLinkedQueue<ScratchPool> scratch = new ConcurrentLinkedQueue<>();
    /** Runs the schedules: blocking ones on their callers, asynchronous ones wherever the communicator is driven. */
    private final ScheduleRunner runner;
    private final CommunicatorStatus status = new CommunicatorStatus();
    private long sequence;
    private volatile JcclException broken;
    private volatile boolean closed;

    CallRunner(int rank, int size, Transport transport, long timeoutNanos, int chunkBytes, Membership membership) {
        this.rank = rank;
        this.size = size;
        this.transport = transport;
        this.timeoutNanos = timeoutNanos;
        this.chunkBytes = chunkBytes;
        this.membership = membership;
        this.runner = new ScheduleRunner(transport.progress(), "jccl-progress-r" + rank);
        membership.join(status, transport);
    }

    /** What the communicator is doing now, for deadline dumps. */
    CommunicatorStatus status() {
        return status;
    }

    /** Runs {@code call} on this thread; its failure breaks the communicator and is thrown. */
    void run(Call call) {
        long tag = nextTag(call);
        Schedule s = schedule(call, tag, sequence, null);
        runner.run(s);
        RuntimeException e = s.failure();
        if (e != null) {
            throw failure(call, e);
        }
    }

    /** Starts the call {@code make} builds; its future ends with it (exceptionally when it fails). */
    CompletableFuture<Void> async(Supplier<Call> make) {
        CollectiveFuture f = new CollectiveFuture(runner);
        Schedule s;
        try {
            Call call = make.get();
            s = schedule(call, nextTag(call), sequence, f);
        } catch (JcclException e) {
            return CompletableFuture.failedFuture(e);
        }
        f.bind(s);
        runner.start(s);
        return f;
    }

    private long nextTag(Call call) {
        return call.pointToPointTag() >= 0 ? call.pointToPointTag() : Tags.collective(++sequence);
    }

    /**
     * The call's schedule: the algorithm's steps, with the check word in messages of their own where
     * the transport cannot carry it in the data's. When it finishes, its scratch memory goes back to the pool and the
     * future of an asynchronous call (else null) learns how it ended.
     */
    private Schedule schedule(Call call, long tag, long seq, CollectiveFuture future) {
        usable(call.operation());
        Signature signature = checkedSignature(call);
        // no message of a collective is longer than its largest buffer
        int limit = transport.checkedMessageBytes();
        boolean checked = signature != null && limit > 0 && (limit == Integer.MAX_VALUE || call.longest() <= limit);
        ScratchPool pool = scratch.poll();
        if (pool == null) {
            pool = new ScratchPool();
        }
        // the word goes with every message the transport can check, the word's own messages too: a
        // rank that sends it beside the data still learns from the first message of one that does
        // not, and the other way round
        Schedule s = new Schedule(transport, rank, size, call.operation(), call.algorithm(), tag,
                signature != null ? signature.word() : 0, seq, call.bytes(), timeoutNanos, pool, chunkBytes);
        try {
            if (signature != null && !checked) {
                s.announceCheck();
            }
            call.body().accept(s);
            s.seal();
        } catch (RuntimeException e) {
            scratch.add(pool);
            throw e;
        }
        ScratchPool used = pool;
        CallRecord record = CallRecord.start(call, rank, size, seq);
        s.onFinish(() -> {
            if (record != null) {
                record.end(s.failure());
            }
            status.end();
            scratch.add(used);
            if (future != null) {
                RuntimeException e = s.failure();
                future.ended(e == null ? null : failure(call, e));
            }
        });
        status.begin(s, seq);
        return s;
    }

    /** What ranks must agree on for {@code call}, or null when nothing is checked. */
    private Signature checkedSignature(Call call) {
        return CHECK_ARGUMENTS && size > 1 ? call.signature() : null;
    }

    /** What the caller sees of a schedule's failure; any failure breaks the communicator. */
    private RuntimeException failure(Call call, RuntimeException e) {
        Signature signature = checkedSignature(call);
        JcclException j;
        if (e instanceof CheckMismatch m) {
            j = signature == null ? m : ArgumentAgreement.named(rank, call.operation(), signature, m);
        } else if (e instanceof ScheduleTimeout t && call.pointToPointTag() < 0) {
            // before the failure reaches the peers, so that the ones it reaches pass the report on
            String report = membership.report(t.sequence(), call.operation());
            j = report == null ? t : new JcclException(rank, call.operation(), t.detail() + "; " + report, t);
        } else if (e instanceof JcclException f) {
            JcclException m = ArgumentAgreement.reported(rank, call.operation(), f);
            j = m != null ? m : f;
        } else {
            j = new JcclException(rank, call.operation(), "internal error: " + e, e);
        }
        breakWith(j);
        return j;
    }

    /** Refuses {@code op} on a closed or broken communicator; else the checks for its arguments. */
    ArgumentCheck usable(String op) {
        if (closed) {
            throw new JcclException(rank, op, "the communicator is closed");
        }
        JcclException b = broken;
        if (b != null) {
            throw new JcclException(rank, op, "the communicator is broken by an earlier failure: " + b.getMessage(), b);
        }
        return new ArgumentCheck(rank, size, op);
    }

    /** Breaks the communicator with {@code e} (the first failure stays) and tells every peer. */
    void breakWith(JcclException e) {
        if (broken == null) {
            broken = e;
        }
        transport.abort(e);
    }


    /** Marks the communicator closed; false when it was already. */
    boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** After the transport closed (which fails what is pending): stops the runner, frees scratch memory. */
    void release() {
        membership.leave();
        runner.close();
        scratch.forEach(ScratchPool::release);
        scratch.clear();
    }

    /** Closed, broken (and why), or what runs now. */
    String describe() {
        return closed ? "closed" : broken != null ? "broken (" + broken.getMessage() + ")" : status.describe();
    }
}
