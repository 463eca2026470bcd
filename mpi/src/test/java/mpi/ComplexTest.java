package mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Complex numbers: summed and multiplied as such, in arrays and direct buffers, sent and counted. */
class ComplexTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void sumsAndProductsOfComplexNumbers(int ranks) {
        CommTest.onRanks(ranks, "inproc", w -> {
            int me = w.getRank();
            int n = w.getSize();
            double[] mine = new double[4];
            DoubleComplex.get(mine, 0).putReal(me + 1);
            DoubleComplex.get(mine, 0).putImag(1);
            DoubleComplex.get(mine, 1).putReal(0);
            DoubleComplex.get(mine, 1).putImag(1); // i
            double[] sum = new double[4];
            double[] product = new double[4];
            w.allReduce(mine, sum, 2, MPI.DOUBLE_COMPLEX, MPI.SUM);
            w.allReduce(mine, product, 2, MPI.DOUBLE_COMPLEX, MPI.PROD);
            double re = 1;
            double im = 0;
            for (int r = 0; r < n; r++) { // (1 + i)(2 + i)...(n + i)
                double a = r + 1;
                double nextRe = re * a - im;
                im = re + im * a;
                re = nextRe;
            }
            assertEquals(n * (n + 1) / 2.0, DoubleComplex.get(sum, 0).getReal());
            assertEquals(n, DoubleComplex.get(sum, 0).getImag());
            assertEquals(re, DoubleComplex.get(product, 0).getReal(), 1e-9);
            assertEquals(im, DoubleComplex.get(product, 0).getImag(), 1e-9);
            // i^n cycles through 1, i, -1, -i
            double[][] powers = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
            assertEquals(powers[n % 4][0], DoubleComplex.get(product, 1).getReal(), 1e-12);
            assertEquals(powers[n % 4][1], DoubleComplex.get(product, 1).getImag(), 1e-12);

            FloatBuffer f = MPI.newFloatBuffer(2);
            FloatComplex.get(f).putReal(2);
            FloatComplex.get(f).putImag(0);
            w.iAllReduce(f, 1, MPI.FLOAT_COMPLEX, MPI.PROD).waitFor();
            assertEquals((float) Math.pow(2, n), FloatComplex.get(f).getReal());
            w.iAllReduce(f, 1, MPI.FLOAT_COMPLEX, MPI.SUM).waitFor();
            assertEquals((float) (n * Math.pow(2, n)), FloatComplex.get(f).getReal());

            assertEquals(2, MPI.DOUBLE_COMPLEX.getSize());
            if (n > 1) {
                int peer = (me + 1) % n;
                w.send(mine, 2, MPI.DOUBLE_COMPLEX, peer, 3);
                double[] got = new double[8];
                Status s = w.recv(got, 4, MPI.DOUBLE_COMPLEX, MPI.ANY_SOURCE, 3);
                assertEquals(2, s.getCount(MPI.DOUBLE_COMPLEX));
                assertEquals(4, s.getElements(MPI.DOUBLE_COMPLEX));
                assertEquals(s.getSource() + 1, DoubleComplex.get(got, 0).getReal());
            }
            MPIException max = assertThrows(MPIException.class,
                    () -> w.allReduce(mine, sum, 2, MPI.DOUBLE_COMPLEX, MPI.MAX));
            assertEquals(MPI.ERR_OP, max.getErrorClass());
        });
    }
}
