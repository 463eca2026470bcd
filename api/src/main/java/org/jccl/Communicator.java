package org.jccl;

import java.nio.ByteBuffer;

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
 * <p>A communicator is meant to be driven by one thread at a time.
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

    /** Fails everything in flight on this communicator, on every rank, now; later calls fail fast. */
    void abort();

    /** Releases the communicator's connections and threads. Idempotent. */
    @Override
    void close();
}
