package mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import mpi.examples.FatalError;
import mpi.examples.Hello;
import mpi.examples.PingPong;
import mpi.examples.Ring;
import mpi.examples.TaskFarm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Programs written against Open MPI's Java API, run unchanged under Debian's {@code mpirun}: each
 * process is a rank, {@code MPI.Init} finds the others with no configuration. Skipped, loudly,
 * where mpirun is missing; CI installs openmpi-bin.
 */
class MpirunExamplesTest {
    @BeforeAll
    static void mpirunPresent() {
        Mpirun.assumePresent("the mpi examples");
    }

    private static Mpirun.Result mpirun(int ranks, Class<?> main) throws Exception {
        return Mpirun.java(ranks, System.getProperty("java.class.path"), main.getName(), Path.of("."));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void helloFromEveryRank(int ranks) throws Exception {
        Mpirun.Result r = mpirun(ranks, Hello.class);
        assertEquals(0, r.exit(), r.out());
        for (int i = 0; i < ranks; i++) {
            assertTrue(r.out().contains("Hello, world, I am " + i + " of " + ranks + " on "), r.out());
        }
        assertEquals(ranks, r.out().lines().filter(l -> l.contains("(MPI 3.1, jccl-mpi ") && l.contains("main thread true,"
                + " thread level " + MPI.THREAD_SERIALIZED + ")")).count(), r.out());
    }

    @Test
    void aCounterAroundTheRing() throws Exception {
        Mpirun.Result r = mpirun(4, Ring.class);
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("Process 0 decremented value: 0"), r.out());
        // rank 0 receives the counter at 10 down to 1; the others also see the final 0
        assertTrue(r.out().contains("laps seen by all ranks: " + (10 + 11 * 3)), r.out());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void aManagerHandsOutTasksToWhicheverWorkerAnswers(int ranks) throws Exception {
        Mpirun.Result r = mpirun(ranks, TaskFarm.class);
        assertEquals(0, r.exit(), r.out());
        long squares = 0;
        for (long t = 0; t < 40; t++) {
            squares += t * t;
        }
        assertTrue(r.out().contains("tasks done: 40, sum of squares: " + squares), r.out());
    }

    @Test
    void pingPongOnDirectBuffers() throws Exception {
        Mpirun.Result r = mpirun(2, PingPong.class);
        assertEquals(0, r.exit(), r.out());
        assertEquals(5, r.out().lines().filter(l -> l.matches(" *\\d+ B +\\d+\\.\\d+ us")).count(), r.out());
    }

    @Test
    void aFatalErrorEndsTheWholeJob() throws Exception {
        Mpirun.Result r = mpirun(3, FatalError.class);
        assertNotEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("jccl-mpi: rank 1: MPI error (class 3)"), r.out());
        assertTrue(!r.out().contains("not reached"), r.out());
    }
}
