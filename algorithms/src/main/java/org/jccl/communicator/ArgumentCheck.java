package org.jccl.communicator;

import java.nio.ByteBuffer;
import org.jccl.DataType;
import org.jccl.JcclException;
import org.jccl.Mailbox;
import org.jccl.ReduceOp;

/** Checks a collective's arguments on this rank before anything is sent; failures name rank and operation. */
final class ArgumentCheck {
    private final int rank;
    private final int size;
    private final String op;

    ArgumentCheck(int rank, int size, String op) {
        this.rank = rank;
        this.size = size;
        this.op = op;
    }

    JcclException fail(String cause) {
        return new JcclException(rank, op, cause);
    }

    ArgumentCheck present(String name, ByteBuffer b) {
        if (b == null) {
            throw fail(name + " buffer is null");
        }
        return this;
    }

    ArgumentCheck writable(String name, ByteBuffer b) {
        present(name, b);
        if (b.isReadOnly()) {
            throw fail(name + " buffer is read-only");
        }
        return this;
    }

    ArgumentCheck root(int root) {
        if (root < 0 || root >= size) {
            throw fail("root " + root + " is outside 0.." + (size - 1));
        }
        return this;
    }

    ArgumentCheck peer(int peer) {
        if (peer < 0 || peer >= size) {
            throw fail("peer " + peer + " is outside 0.." + (size - 1));
        }
        if (peer == rank) {
            throw fail("peer " + peer + " is this rank; send to another rank");
        }
        return this;
    }

    /** A mailbox's peer: any rank, this one too, or {@code Mailbox.ANY_SOURCE} where {@code wildcard}. */
    ArgumentCheck member(int peer, boolean wildcard) {
        if (!(wildcard && peer == Mailbox.ANY_SOURCE) && (peer < 0 || peer >= size)) {
            throw fail((wildcard ? "source " : "destination ") + peer + " is outside 0.." + (size - 1)
                    + (wildcard ? " and is not ANY_SOURCE" : ""));
        }
        return this;
    }

    /** A mailbox's tag: at least 0, or {@code Mailbox.ANY_TAG} where {@code wildcard}. */
    ArgumentCheck tag(int tag, boolean wildcard) {
        if (tag < 0 && !(wildcard && tag == Mailbox.ANY_TAG)) {
            throw fail("tag " + tag + " is negative" + (wildcard ? " and is not ANY_TAG" : ""));
        }
        return this;
    }

    ArgumentCheck typed(DataType type, ReduceOp reduceOp) {
        if (type == null || reduceOp == null) {
            throw fail("data type and reduce op must not be null");
        }
        if (reduceOp.isBitwise() && !type.isInteger()) {
            throw fail(reduceOp + " is a bitwise op and " + type + " is not an integer type");
        }
        return this;
    }

    ArgumentCheck wholeElements(String name, ByteBuffer b, DataType type) {
        if (b.remaining() % type.size() != 0) {
            throw fail(name + " window of " + b.remaining() + " B is not a whole number of " + type + " elements ("
                    + type.size() + " B each)");
        }
        return this;
    }

    ArgumentCheck sameOrder(ByteBuffer a, ByteBuffer b) {
        if (a.order() != b.order()) {
            throw fail("send buffer is " + a.order() + " but receive buffer is " + b.order());
        }
        return this;
    }

    ArgumentCheck length(String name, ByteBuffer b, long expected, String why) {
        if (b.remaining() != expected) {
            throw fail(name + " window is " + b.remaining() + " B but must be " + expected + " B (" + why + ")");
        }
        return this;
    }

    ArgumentCheck divisible(String name, ByteBuffer b) {
        if (b.remaining() % size != 0) {
            throw fail(name + " window of " + b.remaining() + " B does not split into " + size + " equal blocks");
        }
        return this;
    }

    /** Checks uneven counts: one per rank, none negative; returns their sum (times {@code unit}). */
    int counts(String name, int[] counts, int unit) {
        if (counts == null) {
            throw fail(name + " is null");
        }
        if (counts.length != size) {
            throw fail(name + " has " + counts.length + " entries for " + size + " ranks");
        }
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw fail(name + "[" + i + "] is negative: " + counts[i]);
            }
            total += (long) counts[i] * unit;
        }
        if (total > Integer.MAX_VALUE) {
            throw fail(name + " add up to " + total + " B, above the 2 GiB buffer limit");
        }
        return (int) total;
    }

    /** {@code block * size}, failing when it does not fit a buffer. */
    long times(long block) {
        long total = block * size;
        if (total > Integer.MAX_VALUE) {
            throw fail(size + " blocks of " + block + " B exceed the 2 GiB buffer limit");
        }
        return total;
    }
}
