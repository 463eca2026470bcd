package org.jccl.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jccl.DataType;
import org.jccl.ReduceOp;
import org.junit.jupiter.api.Test;

/** Edge cases of the kernel; the TCK checks every type and op against an independent oracle. */
class ReductionKernelTest {
    private static ByteBuffer buf(int bytes, ByteOrder order) {
        return ByteBuffer.allocate(bytes).order(order);
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
