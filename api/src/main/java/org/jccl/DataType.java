package org.jccl;

/** Element types that reductions understand. Elements are read in the buffer's own byte order. */
public enum DataType {
    INT8(1, Kind.SIGNED),
    UINT8(1, Kind.UNSIGNED),
    INT32(4, Kind.SIGNED),
    UINT32(4, Kind.UNSIGNED),
    INT64(8, Kind.SIGNED),
    UINT64(8, Kind.UNSIGNED),
    /** IEEE 754 binary16; reduced in float precision and rounded back to nearest even. */
    FLOAT16(2, Kind.FLOATING),
    /** bfloat16 (the upper half of a float32); reduced in float precision, rounded to nearest even. */
    BFLOAT16(2, Kind.FLOATING),
    FLOAT32(4, Kind.FLOATING),
    FLOAT64(8, Kind.FLOATING);

    private enum Kind { SIGNED, UNSIGNED, FLOATING }

    private final int size;
    private final Kind kind;

    DataType(int size, Kind kind) {
        this.size = size;
        this.kind = kind;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** True for the integer types, signed or not; bitwise ops are defined only for these. */
    public boolean isInteger() {
        return kind != Kind.FLOATING;
    }

    /** True for UINT8, UINT32 and UINT64. */
    public boolean isUnsigned() {
        return kind == Kind.UNSIGNED;
    }
}
