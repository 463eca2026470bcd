package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.jccl.core.Exchange;
import org.jccl.core.Request;
import org.jccl.core.Tags;
import org.jccl.spi.Bootstrap;

/**
 * The out-of-band channel of a split communicator's transport: point-to-point messages among the
 * new communicator's members over the parent communicator (a length, then the bytes), under a tag
 * of their own per split and round. Ranks of the parent outside the new communicator take no part.
 */
final class PeerBootstrap implements Bootstrap {
    /** The parent communicator, running a body under a given tag as one of its collectives. */
    interface Parent {
        void run(String operation, long tag, Consumer<Exchange> body);
    }

    private final Parent parent;
    private final int[] members;
    private final int me;
    private final long split;
    private int round;

    /**
     * @param members parent ranks of the new communicator, in its rank order
     * @param me this rank's index in {@code members}
     */
    PeerBootstrap(Parent parent, int[] members, int me, long split) {
        this.parent = parent;
        this.members = members;
        this.me = me;
        this.split = split;
    }

    @Override
    public synchronized byte[][] allGather(byte[] mine) {
        int n = members.length;
        byte[][] all = new byte[n][];
        all[me] = mine.clone();
        long tag = Tags.bootstrap(split, round++);
        parent.run("split", tag, x -> {
            ByteBuffer[] lengths = new ByteBuffer[n];
            Request[] pending = new Request[2 * n];
            ByteBuffer myLength = ByteBuffer.allocateDirect(4).putInt(0, mine.length);
            ByteBuffer myBytes = ByteBuffer.allocateDirect(mine.length).put(0, mine);
            for (int i = 0; i < n; i++) {
                if (i != me) {
                    lengths[i] = ByteBuffer.allocateDirect(4);
                    pending[2 * i] = x.irecv(members[i], lengths[i]);
                    pending[2 * i + 1] = x.isend(members[i], myLength);
                }
            }
            x.awaitAll(pending);
            ByteBuffer[] bytes = new ByteBuffer[n];
            for (int i = 0; i < n; i++) {
                if (i != me) {
                    bytes[i] = ByteBuffer.allocateDirect(lengths[i].getInt(0));
                    pending[2 * i] = x.irecv(members[i], bytes[i]);
                    pending[2 * i + 1] = x.isend(members[i], myBytes);
                }
            }
            x.awaitAll(pending);
            for (int i = 0; i < n; i++) {
                if (i != me) {
                    all[i] = new byte[bytes[i].capacity()];
                    bytes[i].get(0, all[i]);
                }
            }
        });
        return all;
    }

    @Override
    public void barrier() {
        allGather(new byte[0]);
    }
}
