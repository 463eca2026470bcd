package org.jccl;

/**
 * Reduction operators. SUM, PROD, MIN, MAX and AVG apply to every {@link DataType};
 * BAND, BOR and BXOR only to integer types. Integer arithmetic wraps; AVG of integers is the
 * wrapped sum divided by the number of ranks, rounded toward zero (unsigned division for UINT types).
 */
public enum ReduceOp {
    SUM, PROD, MIN, MAX, AVG, BAND, BOR, BXOR;

    /** True for BAND, BOR and BXOR. */
    public boolean isBitwise() {
        return this == BAND || this == BOR || this == BXOR;
    }
}
