package mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of Open MPI's Java bindings does, after {@code mvn package}: compile a program in the
 * default package with {@code bin/mpijavac}, then {@code mpirun -np 2 java -cp jccl-mpi.jar:. Prog}.
 * Only the shaded jar is on the program's class path. Skipped, loudly, where mpirun is missing.
 */
class ShadedJarIT {
    private static final String PROGRAM = """
            import mpi.*;

            public class Greeting {
                public static void main(String[] args) throws MPIException {
                    MPI.Init(args);
                    int[] sum = {MPI.COMM_WORLD.getRank() + 1};
                    MPI.COMM_WORLD.allReduce(sum, 1, MPI.INT, MPI.SUM);
                    System.out.println("rank " + MPI.COMM_WORLD.getRank() + " of " + MPI.COMM_WORLD.getSize() + " sums " + sum[0]);
                    MPI.Finalize();
                }
            }
            """;

    private static Path root() {
        return Path.of("").toAbsolutePath().getParent();
    }

    private static String run(List<String> cmd, Path dir) throws Exception {
        Mpirun.Result r = Mpirun.run(cmd, dir);
        assertEquals(0, r.exit(), String.join(" ", cmd) + ":\n" + r.out());
        return r.out();
    }

    @Test
    void aProgramCompiledWithMpijavacRunsUnderMpirunOnTheJarAlone(@TempDir Path dir) throws Exception {
        Mpirun.assumePresent("the shaded jar's test");
        Path jar = root().resolve("mpi/target/jccl-mpi.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: the shade plugin did not run");
        Files.writeString(dir.resolve("Greeting.java"), PROGRAM);
        run(List.of(root().resolve("bin/mpijavac").toString(), "Greeting.java"), dir);
        Mpirun.Result r = Mpirun.java(2, jar + java.io.File.pathSeparator + ".", "Greeting", dir);
        assertEquals(0, r.exit(), r.out());
        String out = r.out();
        assertTrue(out.contains("rank 0 of 2 sums 3"), out);
        assertTrue(out.contains("rank 1 of 2 sums 3"), out);
    }
}
