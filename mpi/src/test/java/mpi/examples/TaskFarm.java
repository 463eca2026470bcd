package mpi.examples;

import java.nio.LongBuffer;
import mpi.MPI;
import mpi.MPIException;
import mpi.Request;
import mpi.Status;

/**
 * A manager and its workers, the classic shape of an MPI program that needs wildcards: rank 0
 * hands out tasks and takes results from whichever worker answers first ({@code ANY_SOURCE}); a
 * worker tells a task from the stop signal by its tag ({@code ANY_TAG}). Results come back through
 * non-blocking sends, and a non-blocking all-reduce sums what every rank did (each rank first
 * passes its count to itself through {@code COMM_SELF}).
 */
public final class TaskFarm {
    private static final int TASK = 1;
    private static final int STOP = 2;
    private static final int RESULT = 3;
    private static final int TASKS = 40;

    private TaskFarm() {
    }

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int rank = MPI.COMM_WORLD.getRank();
        int size = MPI.COMM_WORLD.getSize();
        long[] task = new long[1];
        long sum = 0;
        long done = 0;
        if (rank == 0) {
            int next = 0;
            for (int w = 1; w < size && next < TASKS; w++) {
                task[0] = next++;
                MPI.COMM_WORLD.send(task, 1, MPI.LONG, w, TASK);
            }
            long[] result = new long[1];
            for (int received = 0; received < TASKS; received++) {
                Status s = MPI.COMM_WORLD.recv(result, 1, MPI.LONG, MPI.ANY_SOURCE, RESULT);
                sum += result[0];
                task[0] = next;
                MPI.COMM_WORLD.send(task, next < TASKS ? 1 : 0, MPI.LONG, s.getSource(), next < TASKS ? TASK : STOP);
                next++;
            }
            for (int w = TASKS + 1; w < size; w++) {
                MPI.COMM_WORLD.send(task, 0, MPI.LONG, w, STOP); // workers that never got a task
            }
        } else {
            LongBuffer out = MPI.newLongBuffer(1);
            while (true) {
                Status s = MPI.COMM_WORLD.recv(task, 1, MPI.LONG, 0, MPI.ANY_TAG);
                if (s.getTag() == STOP) {
                    break;
                }
                out.put(0, task[0] * task[0]);
                Request r = MPI.COMM_WORLD.iSend(out, 1, MPI.LONG, 0, RESULT);
                r.waitFor();
                done++;
            }
        }
        // through COMM_SELF, each rank hands its count to itself
        MPI.COMM_SELF.send(new long[] {done}, 1, MPI.LONG, 0, 0);
        long[] mine = new long[1];
        MPI.COMM_SELF.recv(mine, 1, MPI.LONG, MPI.ANY_SOURCE, MPI.ANY_TAG);
        LongBuffer counts = MPI.newLongBuffer(1).put(0, mine[0]);
        MPI.COMM_WORLD.iAllReduce(counts, 1, MPI.LONG, MPI.SUM).waitFor();
        if (rank == 0) {
            System.out.println("tasks done: " + counts.get(0) + ", sum of squares: " + sum);
        }
        MPI.Finalize();
    }
}
