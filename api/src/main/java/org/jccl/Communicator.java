package org.jccl;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A group of ranks that run collectives together.
 *
 * <p>Buffers are used from {@code position()} to {@code limit()}; position and limit are left
 * unchanged. Direct buffers are the zero-copy path; heap buffers work too. Typed elements are read
 * and written in each buffer's own {@link ByteBuffer#order() order}, and all ranks pass the same
 * order. Passing the same buffer object as send and receive buffer means in place.
 *
 * <p>Every rank calls the same collectives in the same order, with the same root and element
 * counts. Any failure is a {@link JcclException} naming the rank, the operation and the cause.
 * Bad arguments are rejected before anything is sent and leave the communicator usable; any other
 * failure (a peer lost, a timeout, an abort) breaks the communicator on every rank.
 *
 * <p>Every collective has an {@code xxxAsync} twin that returns at once with a future. Collectives
 * are numbered in the order they were issued (which must be the same on every rank), and
 * collectives in flight at the same time overlap on the wire without mixing their messages. A
 * failed collective completes its future exceptionally with a {@link JcclException}. Futures never
 * complete on a transport thread, so callbacks cannot stall one.
 *
 * <p>The ranks check that they called the same collective with the same counts, type, op and root
 * (from check words in the collective's own messages; over ucx, for buffers above 4 KiB, before
 * any data moves); a mismatch fails every rank with a {@link JcclException} naming the ranks and values that differ, and breaks the
 * communicator. A rank that had already finished that collective finds out at its next call.
 *
 * <p>In place: allGather(buf, buf) and gather(buf, buf, root) at the root take this rank's block
 * from its place in {@code buf}; reduceScatter(buf, buf) leaves the result in block {@code rank()}
 * of {@code buf}; scatter(buf, buf, root) at the root keeps its own block where it is. The uneven
 * (V) variants follow the same rules with their counts.
 *
 * <p>Issue collectives from one thread at a time; a communicator and the communicators split from
 * it may be used concurrently from different threads.
 */
public interface Communicator extends AutoCloseable {

    /** This process's rank, 0 to {@code size() - 1}. */
    int rank();

    /** The number of ranks. */
    int size();

    /** Copies root's {@code buf} window into every other rank's {@code buf} window (same length). */
    void broadcast(ByteBuffer buf, int root);

    /** Root's {@code send} holds {@code size()} blocks of {@code recv.remaining()} bytes; rank i receives block i. */
    void scatter(ByteBuffer send, ByteBuffer recv, int root);

    /** Root's {@code recv} receives {@code size()} blocks of {@code send.remaining()} bytes in rank order. */
    void gather(ByteBuffer send, ByteBuffer recv, int root);

    /** Every rank's {@code recv} receives {@code size()} blocks of {@code send.remaining()} bytes in rank order. */
    void allGather(ByteBuffer send, ByteBuffer recv);

    /** Root's {@code recv} receives the element-wise reduction of all {@code send} windows; {@code recv} may be null elsewhere. */
    void reduce(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op, int root);

    /** Every rank's {@code recv} receives the element-wise reduction of all {@code send} windows. */
    void allReduce(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op);

    /** {@code send} holds {@code size()} blocks of {@code recv.remaining()} bytes; rank i receives reduced block i. */
    void reduceScatter(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op);

    /** Both hold {@code size()} equal blocks; send block j goes to rank j and lands in its block {@code rank()}. */
    void allToAll(ByteBuffer send, ByteBuffer recv);

    /** Returns once every rank has entered the barrier. */
    void barrier();

    /** Sends the window of {@code buf} to {@code peer}; matched by a {@link #recv} with the same tag, in order. */
    void send(ByteBuffer buf, int peer, int tag);

    /** Receives a message of exactly {@code buf.remaining()} bytes from {@code peer} with {@code tag}. */
    void recv(ByteBuffer buf, int peer, int tag);

    /** Root's {@code recv} receives every rank's {@code send}, packed in rank order; rank i sends {@code recvCounts[i]} bytes. Every rank passes the counts. */
    void gatherV(ByteBuffer send, ByteBuffer recv, int[] recvCounts, int root);

    /** Rank i receives the next {@code sendCounts[i]} bytes of root's {@code send} (blocks packed in rank order). Every rank passes the counts. */
    void scatterV(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int root);

    /** Every rank's {@code recv} receives every rank's {@code send}, packed in rank order; rank i sends {@code recvCounts[i]} bytes. */
    void allGatherV(ByteBuffer send, ByteBuffer recv, int[] recvCounts);

    /** This rank sends {@code sendCounts[j]} bytes to rank j and receives {@code recvCounts[j]} bytes from it; blocks packed in rank order. */
    void allToAllV(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int[] recvCounts);

    /** Like {@link #reduceScatter} with rank i receiving {@code recvCounts[i]} reduced elements (counts in elements). */
    void reduceScatterV(ByteBuffer send, ByteBuffer recv, int[] recvCounts, DataType type, ReduceOp op);

    /** In-place all-reduce of a float array (staged through a pooled direct buffer). */
    void allReduce(float[] data, ReduceOp op);

    /** In-place all-reduce of a double array. */
    void allReduce(double[] data, ReduceOp op);

    /** In-place all-reduce of an int array. */
    void allReduce(int[] data, ReduceOp op);

    /** In-place all-reduce of a long array. */
    void allReduce(long[] data, ReduceOp op);

    /** Broadcast of a byte array from {@code root}, in place. */
    void broadcast(byte[] data, int root);

    /** Asynchronous {@link #broadcast(ByteBuffer, int)}. */
    CompletableFuture<Void> broadcastAsync(ByteBuffer buf, int root);

    /** Asynchronous {@link #scatter}. */
    CompletableFuture<Void> scatterAsync(ByteBuffer send, ByteBuffer recv, int root);

    /** Asynchronous {@link #gather}. */
    CompletableFuture<Void> gatherAsync(ByteBuffer send, ByteBuffer recv, int root);

    /** Asynchronous {@link #allGather}. */
    CompletableFuture<Void> allGatherAsync(ByteBuffer send, ByteBuffer recv);

    /** Asynchronous {@link #reduce}. */
    CompletableFuture<Void> reduceAsync(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op, int root);

    /** Asynchronous {@link #allReduce(ByteBuffer, ByteBuffer, DataType, ReduceOp)}. */
    CompletableFuture<Void> allReduceAsync(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op);

    /** Asynchronous {@link #reduceScatter}. */
    CompletableFuture<Void> reduceScatterAsync(ByteBuffer send, ByteBuffer recv, DataType type, ReduceOp op);

    /** Asynchronous {@link #allToAll}. */
    CompletableFuture<Void> allToAllAsync(ByteBuffer send, ByteBuffer recv);

    /** Asynchronous {@link #barrier}. */
    CompletableFuture<Void> barrierAsync();

    /**
     * Asynchronous {@link #send}: posts the message and returns, so that messages posted back to
     * back are on the wire together (a window, as with {@code MPI_Isend}). The buffer must not
     * change until the future completes. Waiting in the future ({@code join}, {@code get}) is the
     * fastest way to learn of the end; callbacks run in the common pool or on a thread waiting in
     * one of these futures, never on jccl's threads.
     * A message that gets no answer within the timeout fails the future and the communicator.
     */
    CompletableFuture<Void> sendAsync(ByteBuffer buf, int peer, int tag);

    /** Asynchronous {@link #recv}: posts the receive and returns, as {@link #sendAsync} does. */
    CompletableFuture<Void> recvAsync(ByteBuffer buf, int peer, int tag);

    /** Asynchronous {@link #gatherV}. */
    CompletableFuture<Void> gatherVAsync(ByteBuffer send, ByteBuffer recv, int[] recvCounts, int root);

    /** Asynchronous {@link #scatterV}. */
    CompletableFuture<Void> scatterVAsync(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int root);

    /** Asynchronous {@link #allGatherV}. */
    CompletableFuture<Void> allGatherVAsync(ByteBuffer send, ByteBuffer recv, int[] recvCounts);

    /** Asynchronous {@link #allToAllV}. */
    CompletableFuture<Void> allToAllVAsync(ByteBuffer send, int[] sendCounts, ByteBuffer recv, int[] recvCounts);

    /** Asynchronous {@link #reduceScatterV}. */
    CompletableFuture<Void> reduceScatterVAsync(ByteBuffer send, ByteBuffer recv, int[] recvCounts, DataType type, ReduceOp op);

    /**
     * This communicator's point-to-point messaging with MPI's matching: receives up to a length,
     * wildcard source and tag, probes, synchronous sends. It costs nothing until first used.
     */
    Mailbox mailbox();

    /**
     * Splits this communicator like {@code MPI_Comm_split}: ranks with the same {@code color} form a
     * new communicator, ordered by {@code key} and then by rank here. Every rank must call it;
     * {@code color < 0} takes part but gets null. The new communicator has its own connections, so
     * its traffic, failures and close never touch this one.
     */
    Communicator split(int color, int key);

    /** Fails everything in flight on this communicator, on every rank, now; later calls fail fast. */
    void abort();

    /** Releases the communicator's connections and threads. Idempotent. */
    @Override
    void close();
}
