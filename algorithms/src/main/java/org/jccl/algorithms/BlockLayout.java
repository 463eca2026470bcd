package org.jccl.algorithms;

import java.nio.ByteBuffer;
import org.jccl.core.Windows;

/** Where each rank's block lies in a buffer: byte offsets and lengths, indexed by rank. */
public final class BlockLayout {
    private final int[] offsets;
    private final int[] lengths;

    private BlockLayout(int[] lengths) {
        this.lengths = lengths;
        this.offsets = new int[lengths.length + 1];
        for (int i = 0; i < lengths.length; i++) {
            offsets[i + 1] = offsets[i] + lengths[i];
        }
    }

    /** {@code bytes} split into {@code parts} blocks of whole elements whose sizes differ by at most one element. */
    public static BlockLayout even(int bytes, int elementSize, int parts) {
        int count = bytes / elementSize;
        int[] len = new int[parts];
        for (int i = 0; i < parts; i++) {
            len[i] = (count / parts + (i < count % parts ? 1 : 0)) * elementSize;
        }
        return new BlockLayout(len);
    }

    /** {@code parts} blocks of {@code blockBytes} each. */
    public static BlockLayout uniform(int blockBytes, int parts) {
        int[] len = new int[parts];
        java.util.Arrays.fill(len, blockBytes);
        return new BlockLayout(len);
    }

    /** Blocks of the given byte lengths, packed in rank order. */
    public static BlockLayout of(int[] lengths) {
        return new BlockLayout(lengths.clone());
    }

    /** Number of blocks. */
    public int parts() {
        return lengths.length;
    }

    /** Byte offset of block {@code i}. */
    public int offset(int i) {
        return offsets[i];
    }

    /** Byte length of block {@code i}. */
    public int length(int i) {
        return lengths[i];
    }

    /** Bytes of blocks {@code from} (inclusive) to {@code to} (exclusive). */
    public int span(int from, int to) {
        return offsets[to] - offsets[from];
    }

    /** Total bytes. */
    public int total() {
        return offsets[lengths.length];
    }

    /** Block {@code i} of {@code buf} as its own window. */
    public ByteBuffer window(ByteBuffer buf, int i) {
        return Windows.of(buf, offsets[i], lengths[i]);
    }
}
