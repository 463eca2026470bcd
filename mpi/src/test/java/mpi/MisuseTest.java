package mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.IntBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Each misuse ends in an {@link MPIException} of MPI's class for it, on every rank that made it; nothing hangs. */
class MisuseTest {
    private static void refused(int errorClass, String words, Executable call) {
        MPIException e = assertThrows(MPIException.class, call);
        assertEquals(errorClass, e.getErrorClass(), e.getMessage());
        assertEquals(errorClass, e.getErrorCode());
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    @Test
    void eachMisuseHasItsErrorClass() {
        CommTest.onRanks(2, "inproc", w -> {
            int[] four = new int[4];
            refused(MPI.ERR_BUFFER, "null", () -> w.allReduce(null, four, 4, MPI.INT, MPI.SUM));
            refused(MPI.ERR_TYPE, "does not hold MPI_DOUBLE", () -> w.bcast(four, 4, MPI.DOUBLE, 0));
            refused(MPI.ERR_TYPE, "does not hold MPI_INT", () -> w.bcast(MPI.newLongBuffer(4), 4, MPI.INT, 0));
            refused(MPI.ERR_COUNT, "more than the array's 4 elements", () -> w.bcast(four, 5, MPI.INT, 0));
            refused(MPI.ERR_COUNT, "more than the buffer's 16 bytes", () -> w.bcast(MPI.newIntBuffer(4), 5, MPI.INT, 0));
            refused(MPI.ERR_COUNT, "negative", () -> w.bcast(four, -1, MPI.INT, 0));
            refused(MPI.ERR_BUFFER, "not an array or a buffer", () -> w.bcast("text", 1, MPI.BYTE, 0));
            refused(MPI.ERR_ROOT, "rank " + w.getRank() + ": bcast: root 2 is not in 0..1", () -> w.bcast(four, 4, MPI.INT, 2));
            refused(MPI.ERR_RANK, "rank " + w.getRank() + ": send: destination rank 5", () -> w.send(four, 4, MPI.INT, 5, 0));
            refused(MPI.ERR_TAG, "tag -3", () -> w.send(four, 4, MPI.INT, 1 - w.getRank(), -3));
            refused(MPI.ERR_RANK, "source rank -7", () -> w.recv(four, 4, MPI.INT, -7, 0));
            refused(MPI.ERR_BUFFER, "needs a direct buffer", () -> w.iSend(IntBuffer.allocate(4), 4, MPI.INT, 0, 0));
            refused(MPI.ERR_BUFFER, "needs a direct buffer", () -> w.iAllReduce(IntBuffer.wrap(four), 4, MPI.INT, MPI.SUM));
            refused(MPI.ERR_REQUEST, "message handle is null", () -> new Message().mRecv(four, 4, MPI.INT));
            // a receive shorter than its message: the first elements arrive, and the error says so
            int[] two = new int[2];
            int peer = 1 - w.getRank();
            w.send(new int[] {7, 8, 9}, 3, MPI.INT, peer, 11);
            refused(MPI.ERR_TRUNCATE, "longer than the receive buffer of 8 B", () -> w.recv(two, 2, MPI.INT, peer, 11));
            assertEquals(8, two[1]);
            refused(MPI.ERR_TRUNCATE, "does not fit", () -> w.allGather(four, 4, MPI.INT, new int[6], 3, MPI.INT));
            refused(MPI.ERR_OP, "MPI_BAND is not defined on MPI_FLOAT",
                    () -> w.allReduce(new float[2], 2, MPI.FLOAT, MPI.BAND));
            refused(MPI.ERR_OP, "MPI_SUM is not defined on MPI_BOOLEAN",
                    () -> w.allReduce(new boolean[2], 2, MPI.BOOLEAN, MPI.SUM));
            refused(MPI.ERR_COUNT, "one entry per rank (2)", () -> w.reduceScatter(four, four, new int[] {4}, MPI.INT, MPI.SUM));
            refused(MPI.ERR_COUNT, "count -1 is negative", () -> w.reduceScatter(four, new int[] {5, -1}, MPI.INT, MPI.SUM));
            refused(MPI.ERR_TYPE, "cannot be freed", MPI.INT::free);
            String outOfScope = "is not supported by jccl-mpi";
            refused(MPI.ERR_UNSUPPORTED_OPERATION, outOfScope, () -> w.createCart(new int[] {2}, new boolean[] {false}, false));
            refused(MPI.ERR_UNSUPPORTED_OPERATION, outOfScope, () -> w.createGraph(new int[] {1}, new int[] {0}, false));
            refused(MPI.ERR_UNSUPPORTED_OPERATION, outOfScope, () -> w.createIntercomm(w, 0, 0, 0));
            refused(MPI.ERR_UNSUPPORTED_OPERATION, outOfScope, () -> w.spawn("x", new String[0], 1, MPI.INFO_NULL, 0, null));
            refused(MPI.ERR_UNSUPPORTED_OPERATION, "(MPI.Win)", () -> new Win(MPI.newByteBuffer(8), 8, 1, MPI.INFO_NULL, w));
            refused(MPI.ERR_UNSUPPORTED_OPERATION, "(MPI.File)", () -> new File(w, "data", MPI.MODE_RDONLY));
            IntBuffer still = MPI.newIntBuffer(1).put(0, w.getRank() + 1);
            w.allReduce(still, 1, MPI.INT, MPI.SUM); // the communicator still works
            assertEquals(3, still.get(0));
        });
    }
}
