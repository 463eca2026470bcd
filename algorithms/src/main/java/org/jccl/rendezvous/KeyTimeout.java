package org.jccl.rendezvous;

import org.jccl.JcclException;

/** A wait in the {@link RendezvousStore} for a key that no rank set before the deadline. */
public final class KeyTimeout extends JcclException {
    private static final long serialVersionUID = 1L;

    KeyTimeout(int rank, String cause) {
        super(rank, "rendezvous", cause);
    }
}
