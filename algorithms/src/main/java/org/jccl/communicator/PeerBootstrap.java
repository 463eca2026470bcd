package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.jccl.core.Schedule;
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
        void run(String operation, long tag, Consumer<Schedule> body);
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
        ByteBuffer[] lengths = new ByteBuffer[n];
        exchange(ByteBuffer.allocateDirect(4).putInt(0, mine.length), i -> lengths[i] = ByteBuffer.allocateDirect(4));
        ByteBuffer[] bytes = new ByteBuffer[n];
        exchange(ByteBuffer.allocateDirect(mine.length).put(0, mine),
                i -> bytes[i] = ByteBuffer.allocateDirect(lengths[i].getInt(0)));
        byte[][] all = new byte[n][];
        all[me] = mine.clone();
        for (int i = 0; i < n; i++) {
            if (i != me) {
                all[i] = new byte[bytes[i].capacity()];
                bytes[i].get(0, all[i]);
            }
        }
        return all;
    }

    /**
     * One round: {@code out} goes to every other member, and member i's message lands in
     * {@code in.apply(i)} (made before the round runs, so it may depend on earlier rounds only).
     */
    private void exchange(ByteBuffer out, IntFunction<ByteBuffer> in) {
        long tag = Tags.bootstrap(split, round++);
        int n = members.length;
        ByteBuffer[] windows = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            if (i != me) {
                windows[i] = in.apply(i);
            }
        }
        parent.run("split", tag, x -> {
            Request[] pending = new Request[2 * n];
            for (int i = 0; i < n; i++) {
                if (i != me) {
                    pending[2 * i] = x.irecv(members[i], windows[i]);
                    pending[2 * i + 1] = x.isend(members[i], out);
                }
            }
            x.awaitAll(pending);
        });
    }

    @Override
    public void barrier() {
        allGather(new byte[0]);
    }
}
