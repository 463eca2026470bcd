package mpi;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Where the basic elements of one element of a derived datatype lie: each one's kind and its byte
 * offset from the element's start, in MPI's type-map order, with the element's bounds. A derived
 * type travels packed: its basic elements back to back in type-map order, as MPI's pack does; this
 * class packs from a buffer's bytes and unpacks into them, leaving the gaps between as they were.
 */
final class TypeMap {
    final Datatype.Basic[] kinds;
    /** Byte offset of each basic element from the start of its element. */
    final int[] offsets;
    /** Lower bound and upper bound in bytes: an element spans [lb, ub), and the next starts ub - lb later. */
    final int lb;
    final int ub;
    /** Bytes of data in one element, packed. */
    final int size;

    TypeMap(Datatype.Basic[] kinds, int[] offsets, int lb, int ub) {
        this.kinds = kinds;
        this.offsets = offsets;
        this.lb = lb;
        this.ub = ub;
        int bytes = 0;
        for (Datatype.Basic k : kinds) {
            bytes += k.bytes;
        }
        this.size = bytes;
    }

    /** The map of one basic element. */
    static TypeMap of(Datatype.Basic basic) {
        return new TypeMap(new Datatype.Basic[] {basic}, new int[] {0}, 0, basic.bytes);
    }

    /** The map of a pair type: moved as its whole struct of {@code extent} bytes. */
    static TypeMap bytes(int extent) {
        Datatype.Basic[] kinds = new Datatype.Basic[extent];
        Arrays.fill(kinds, Datatype.Basic.BYTE);
        int[] offsets = new int[extent];
        for (int i = 0; i < extent; i++) {
            offsets[i] = i;
        }
        return new TypeMap(kinds, offsets, 0, extent);
    }

    int extent() {
        return ub - lb;
    }

    /**
     * Blocks of {@code lengths[b]} copies of {@code old} starting {@code displacements[b]} bytes
     * from the element's start; the bounds are those of the copies, as MPI computes them.
     */
    static TypeMap blocks(int[] lengths, int[] displacements, TypeMap[] old) {
        int n = 0;
        for (int b = 0; b < lengths.length; b++) {
            n += lengths[b] * old[b].kinds.length;
        }
        Datatype.Basic[] kinds = new Datatype.Basic[n];
        int[] offsets = new int[n];
        int lb = Integer.MAX_VALUE;
        int ub = Integer.MIN_VALUE;
        int at = 0;
        for (int b = 0; b < lengths.length; b++) {
            TypeMap t = old[b];
            for (int copy = 0; copy < lengths[b]; copy++) {
                int start = displacements[b] + copy * t.extent();
                for (int e = 0; e < t.kinds.length; e++) {
                    kinds[at] = t.kinds[e];
                    offsets[at++] = start + t.offsets[e];
                }
                lb = Math.min(lb, start + t.lb);
                ub = Math.max(ub, start + t.ub);
            }
        }
        return lengths.length == 0 || n == 0 && lb == Integer.MAX_VALUE ? new TypeMap(kinds, offsets, 0, 0)
                : new TypeMap(kinds, offsets, lb, ub);
    }

    /** This map with other bounds ({@code createResized}). */
    TypeMap resized(int lb, int extent) {
        return new TypeMap(kinds, offsets, lb, lb + extent);
    }

    /** The bytes {@code count} elements span from the buffer's start: what the buffer must hold. */
    long span(int count) {
        if (count == 0 || kinds.length == 0) {
            return 0;
        }
        int last = 0;
        for (int e = 0; e < kinds.length; e++) {
            last = Math.max(last, offsets[e] + kinds[e].bytes);
        }
        return (long) (count - 1) * extent() + last;
    }

    /** The smallest offset of any basic element: below 0, an element reaches before its start. */
    int lowest() {
        int low = 0;
        for (int o : offsets) {
            low = Math.min(low, o);
        }
        return low;
    }

    /** Packs {@code count} elements from {@code from} (the buffer's bytes) into {@code to}, from its start. */
    void pack(ByteBuffer from, int count, ByteBuffer to) {
        int p = 0;
        for (int i = 0; i < count; i++) {
            int base = i * extent();
            for (int e = 0; e < kinds.length; e++) {
                int n = kinds[e].bytes;
                to.put(p, from, base + offsets[e], n);
                p += n;
            }
        }
    }

    /** Unpacks {@code count} elements from {@code from} into {@code to} (the buffer's bytes); gaps stay. */
    void unpack(ByteBuffer from, int count, ByteBuffer to) {
        int p = 0;
        for (int i = 0; i < count; i++) {
            int base = i * extent();
            for (int e = 0; e < kinds.length; e++) {
                int n = kinds[e].bytes;
                to.put(base + offsets[e], from, p, n);
                p += n;
            }
        }
    }
}
