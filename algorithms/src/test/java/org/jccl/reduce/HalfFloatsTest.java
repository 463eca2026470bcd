package org.jccl.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {
    @Test
    void everyFp16ValueSurvivesARoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.fp16ToFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfFloats.fp16ToFloat(HalfFloats.floatToFp16(f))));
            } else {
                assertEquals(h, HalfFloats.floatToFp16(f) & 0xffff, "half 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void knownFp16Values() {
        assertEquals(1.0f, HalfFloats.fp16ToFloat((short) 0x3c00));
        assertEquals(65504f, HalfFloats.fp16ToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, HalfFloats.fp16ToFloat((short) 0x0001));
        assertEquals(-2.0f, HalfFloats.fp16ToFloat((short) 0xc000));
        assertEquals(0x7c00, HalfFloats.floatToFp16(65520f) & 0xffff, "65520 rounds up to infinity");
        assertEquals(0x7bff, HalfFloats.floatToFp16(65519f) & 0xffff);
        assertEquals(0x0000, HalfFloats.floatToFp16(0x1p-25f) & 0xffff, "half the smallest subnormal ties to even 0");
        assertEquals(0x0001, HalfFloats.floatToFp16(0x1.000002p-25f) & 0xffff);
    }

    /** Nearest-even rounding checked against the two neighbouring halves, computed exactly in double. */
    @Test
    void fp16RoundsToNearestEven() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (Float.isNaN(f) || Math.abs(f) >= 65520f) {
                continue;
            }
            int h = HalfFloats.floatToFp16(f) & 0xffff;
            double got = HalfFloats.fp16ToFloat((short) h);
            double err = Math.abs(got - f);
            // no representable half is closer
            for (int d = -1; d <= 1; d += 2) {
                int n = h + d;
                if ((n & 0x7c00) == 0x7c00 || n < 0 || n > 0xffff || ((n ^ h) & 0x8000) != 0) {
                    continue;
                }
                double other = Math.abs(HalfFloats.fp16ToFloat((short) n) - f);
                assertTrue(err < other || (err == other && (h & 1) == 0), "float " + f + " -> half 0x"
                        + Integer.toHexString(h) + " (" + got + ")");
            }
        }
    }

    @Test
    void bf16RoundsToNearestEvenAndKeepsNaN() {
        assertEquals(0x3f80, HalfFloats.floatToBf16(1.0f) & 0xffff);
        assertEquals(0x3f80, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f808000)) & 0xffff, "tie to even, down");
        assertEquals(0x3f82, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f818000)) & 0xffff, "tie to even, up");
        assertEquals(0x3f81, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f808001)) & 0xffff);
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.MAX_VALUE)));
        for (int b = 0; b < 0x10000; b++) {
            float f = HalfFloats.bf16ToFloat((short) b);
            if (!Float.isNaN(f)) {
                assertEquals(b, HalfFloats.floatToBf16(f) & 0xffff);
            }
        }
    }
}
