package org.jccl.perf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jccl.Communicator;
import org.jccl.DataType;
import org.jccl.Jccl;
import org.jccl.JcclException;
import org.jccl.ReduceOp;

/**
 * One rank of {@link LinkFaultTest}: {@code args[0]} all-reduces of {@code args[1]} int32 elements,
 * each checked element by element, printing {@code OK i} after each and {@code DONE} at the end,
 * or {@code FAILED message} (exit 1) when jccl fails, or {@code WRONG ...} (exit 2) when data is.
 */
public final class FaultWorker {
    private FaultWorker() {
    }

    public static void main(String[] args) {
        int iterations = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        try (Communicator c = Jccl.init()) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 * count).order(ByteOrder.nativeOrder());
            int p = c.size();
            for (int i = 0; i < iterations; i++) {
                for (int k = 0; k < count; k++) {
                    b.putInt(4 * k, c.rank() * 1000 + i + k);
                }
                c.allReduce(b, b, DataType.INT32, ReduceOp.SUM);
                for (int k = 0; k < count; k++) {
                    int want = 1000 * p * (p - 1) / 2 + p * (i + k);
                    if (b.getInt(4 * k) != want) {
                        System.out.println("WRONG iteration " + i + " element " + k + ": " + b.getInt(4 * k) + ", want " + want);
                        System.exit(2);
                    }
                }
                System.out.println("OK " + i);
            }
            System.out.println("DONE");
        } catch (JcclException e) {
            System.out.println("FAILED " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }
}
