package org.jccl.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.jccl.tck.Oracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Edge cases of the kernel; the TCK checks every type and op against an independent oracle. */
class ReductionKernelTest {
    private static ByteBuffer buf(int bytes, ByteOrder order) {
        return ByteBuffer.allocate(bytes).order(order);
    }

    /**
     * Every type and op over windows of one element, of a few, on either side of the length up to
     * which the kernel goes element by element (64), and across several of its chunks (2048); they
     * start at an odd byte, sit in heap and direct buffers of either order, and are checked against
     * the oracle element by element; the bytes around the destination window stay untouched.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 37, 64, 65, 2 * 2048 + 37})
    void everyTypeAndOpAcrossChunksAndOffsets(int n) {
        int offset = 5;
        for (DataType t : DataType.values()) {
            for (ReduceOp op : ReduceOp.values()) {
                if (op == ReduceOp.AVG || !t.isInteger() && (op == ReduceOp.BAND || op == ReduceOp.BOR || op == ReduceOp.BXOR)) {
                    continue;
                }
                for (ByteOrder order : new ByteOrder[] {ByteOrder.nativeOrder(), ByteOrder.BIG_ENDIAN}) {
                    for (boolean direct : new boolean[] {true, false}) {
                        int bytes = offset + n * t.size() + 3;
                        ByteBuffer dst = (direct ? ByteBuffer.allocateDirect(bytes) : ByteBuffer.allocate(bytes)).order(order);
                        ByteBuffer src = (direct ? ByteBuffer.allocate(bytes) : ByteBuffer.allocateDirect(bytes)).order(order);
                        for (int i = 0; i < bytes; i++) {
                            dst.put(i, (byte) 0x5a);
                        }
                        for (int i = 0; i < n; i++) {
                            Oracle.write(dst, offset + i * t.size(), t, Oracle.input(t, op, 0, i, 1));
                            Oracle.write(src, 2 + i * t.size(), t, Oracle.input(t, op, 1, i, 1));
                        }
                        ReductionKernel.reduce(dst.position(offset).limit(offset + n * t.size()), src.position(2), t, op);
                        String what = t + " " + op + " " + order + (direct ? " direct" : " heap");
                        assertEquals(offset, dst.position(), what);
                        dst.clear();
                        for (int i = 0; i < n; i++) {
                            long want = Oracle.reduce(t, op, Oracle.input(t, op, 0, i, 1), Oracle.input(t, op, 1, i, 1));
                            assertEquals(want, Oracle.read(dst, offset + i * t.size(), t), what + " element " + i);
                        }
                        for (int i = 0; i < offset; i++) {
                            assertEquals((byte) 0x5a, dst.get(i), what + " byte before the window");
                        }
                        for (int i = offset + n * t.size(); i < bytes; i++) {
                            assertEquals((byte) 0x5a, dst.get(i), what + " byte after the window");
                        }
                    }
                }
            }
        }
    }

    @Test
    void unsignedTypesCompareAndDivideUnsigned() {
        ByteBuffer a = buf(4, ByteOrder.LITTLE_ENDIAN).putInt(0, -1);
        ByteBuffer b = buf(4, ByteOrder.LITTLE_ENDIAN).putInt(0, 1);
        ReductionKernel.reduce(a, b, DataType.UINT32, ReduceOp.MIN);
        assertEquals(1, a.getInt(0), "0xffffffff is the largest UINT32");
        a.putInt(0, -1);
        ReductionKernel.reduce(a, b, DataType.INT32, ReduceOp.MIN);
        assertEquals(-1, a.getInt(0));
        ByteBuffer u8 = buf(1, ByteOrder.BIG_ENDIAN).put(0, (byte) 0xf0);
        ReductionKernel.reduce(u8, buf(1, ByteOrder.BIG_ENDIAN).put(0, (byte) 0x10), DataType.UINT8, ReduceOp.MAX);
        assertEquals((byte) 0xf0, u8.get(0));
        ByteBuffer u64 = buf(8, ByteOrder.BIG_ENDIAN).putLong(0, -2L);
        ReductionKernel.divide(u64, DataType.UINT64, 2);
        assertEquals(Long.MAX_VALUE, u64.getLong(0));
    }

    @Test
    void integersWrap() {
        ByteBuffer a = buf(1, ByteOrder.BIG_ENDIAN).put(0, (byte) 127);
        ReductionKernel.reduce(a, buf(1, ByteOrder.BIG_ENDIAN).put(0, (byte) 1), DataType.INT8, ReduceOp.SUM);
        assertEquals((byte) -128, a.get(0));
        ByteBuffer l = buf(8, ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        ReductionKernel.reduce(l, buf(8, ByteOrder.LITTLE_ENDIAN).putLong(0, 2), DataType.INT64, ReduceOp.PROD);
        assertEquals(-2L, l.getLong(0));
    }

    @Test
    void halvesReduceInFloatAndRoundBack() {
        ByteBuffer a = buf(2, ByteOrder.BIG_ENDIAN).putShort(0, HalfFloats.floatToFp16(65504f));
        ReductionKernel.reduce(a, buf(2, ByteOrder.BIG_ENDIAN).putShort(0, HalfFloats.floatToFp16(32f)),
                DataType.FLOAT16, ReduceOp.SUM);
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.fp16ToFloat(a.getShort(0)), "65536 overflows FLOAT16");
        ByteBuffer b = buf(2, ByteOrder.LITTLE_ENDIAN).putShort(0, HalfFloats.floatToBf16(256f));
        ReductionKernel.reduce(b, buf(2, ByteOrder.LITTLE_ENDIAN).putShort(0, HalfFloats.floatToBf16(1f)),
                DataType.BFLOAT16, ReduceOp.SUM);
        assertEquals(256f, HalfFloats.bf16ToFloat(b.getShort(0)), "257 ties to even 256 in BFLOAT16");
    }

    @Test
    void theBufferOrderIsHonoured() {
        ByteBuffer be = buf(4, ByteOrder.BIG_ENDIAN).putFloat(0, 1.5f);
        ByteBuffer be2 = buf(4, ByteOrder.BIG_ENDIAN).putFloat(0, 2f);
        ReductionKernel.reduce(be, be2, DataType.FLOAT32, ReduceOp.PROD);
        assertEquals(3f, be.getFloat(0));
        assertEquals(0x40, be.get(0) & 0xff, "big-endian bytes of 3.0f");
    }
}
