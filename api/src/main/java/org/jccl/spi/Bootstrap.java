package org.jccl.spi;

/**
 * The small out-of-band channel a transport gets at start-up to publish its own address and learn
 * its peers'. Backed by the rendezvous store; blocking, slow, for a few bytes only.
 */
public interface Bootstrap {
    /** Every rank contributes {@code mine}; returns all contributions indexed by rank. */
    byte[][] allGather(byte[] mine);

    /** Returns once every rank has called it. */
    void barrier();
}
