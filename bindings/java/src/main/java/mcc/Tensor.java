package mcc;

import java.lang.ref.Cleaner;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A compact row-major tensor in native memory, passed to mcc libraries without copying.
 *
 * <p>{@link #allocate} and {@link #ofFloats} own their memory: {@link #close} frees it at once
 * (a {@link Cleaner} frees a forgotten one after garbage collection, as a safety net only).
 * {@link #wrap} views a caller's direct buffer, which stays the caller's. Buffers returned by
 * {@link #floatBuffer} and {@link #byteBuffer} read and write the tensor's memory directly, so
 * they must not be used after the tensor is closed. A Tensor is not thread-safe; distinct
 * tensors may be used by distinct threads.
 */
public final class Tensor implements AutoCloseable {
    static final Cleaner CLEANER = Cleaner.create();

    private final DType dtype;
    private final long[] shape;
    private final long size;
    private final ByteBuffer bytes;    // native order, exactly byteSize() long; null over a FloatBuffer
    private final FloatBuffer floats;  // the wrapped FloatBuffer's slice, or null
    private final long address;
    private final Cleaner.Cleanable freer;  // null for wrapped memory
    private volatile boolean closed;

    private Tensor(DType dtype, long[] shape, ByteBuffer bytes, FloatBuffer floats, long address, boolean owned) {
        this.dtype = dtype;
        this.shape = shape;
        this.size = elementCount(shape);
        this.bytes = bytes == null ? null : bytes.order(ByteOrder.nativeOrder());
        this.floats = floats;
        this.address = address;
        this.freer = owned ? CLEANER.register(this, new Freer(bytes)) : null;
    }

    /** A zero-filled tensor in newly allocated native memory. */
    public static Tensor allocate(DType dtype, long... shape) {
        long byteSize = Math.multiplyExact(elementCount(shape), (long) dtype.byteSize());
        ByteBuffer memory = Native.allocate(byteSize);
        return new Tensor(dtype, shape.clone(), memory, null, Native.address(memory), true);
    }

    /** An f32 tensor holding a copy of {@code values}. */
    public static Tensor ofFloats(float[] values, long... shape) {
        if (values.length != elementCount(shape)) {
            throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
        }
        Tensor t = allocate(DType.F32, shape);
        t.floatBuffer().put(values);
        return t;
    }

    /**
     * An f32 tensor over a direct FloatBuffer in native byte order, from its position on: no
     * copy. The library reads the caller's memory, which must stay valid while the tensor is used.
     */
    public static Tensor wrap(FloatBuffer buffer, long... shape) {
        if (buffer.order() != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException("the FloatBuffer must be in native byte order");
        }
        long need = checkWrap(buffer, 4, DType.F32, shape);
        FloatBuffer slice = buffer.slice().limit((int) (need / 4));
        return new Tensor(DType.F32, shape.clone(), null, slice, Native.address(slice), false);
    }

    /** A tensor of {@code dtype} over a direct ByteBuffer, from its position on: no copy. */
    public static Tensor wrap(ByteBuffer buffer, DType dtype, long... shape) {
        long need = checkWrap(buffer, 1, dtype, shape);
        ByteBuffer slice = buffer.slice().limit((int) need);
        return new Tensor(dtype, shape.clone(), slice, null, Native.address(slice), false);
    }

    private static long checkWrap(Buffer buffer, int unit, DType dtype, long[] shape) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("mcc tensors need direct buffers (ByteBuffer.allocateDirect)");
        }
        long need = Math.multiplyExact(elementCount(shape), (long) dtype.byteSize());
        if ((long) buffer.remaining() * unit < need) {
            throw new IllegalArgumentException("buffer has " + (long) buffer.remaining() * unit + " bytes left; "
                    + dtype + Arrays.toString(shape) + " needs " + need);
        }
        return need;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public long size() {
        return size;
    }

    public long byteSize() {
        return size * dtype.byteSize();
    }

    /** A view of the memory as floats (f32 tensors), position 0: reads and writes need no copy. */
    public FloatBuffer floatBuffer() {
        if (dtype != DType.F32) {
            throw new MccException(Status.DTYPE_MISMATCH, "tensor is " + dtype + ", not f32");
        }
        checkOpen();
        return floats != null ? floats.duplicate() : byteBuffer().asFloatBuffer();
    }

    /** A view of the raw memory in native byte order, position 0 (not for tensors over a FloatBuffer). */
    public ByteBuffer byteBuffer() {
        checkOpen();
        if (bytes == null) {
            throw new UnsupportedOperationException("this tensor wraps a FloatBuffer: use floatBuffer()");
        }
        return bytes.duplicate().order(ByteOrder.nativeOrder());
    }

    /** A copy of the elements (f32 tensors). */
    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(size)];
        floatBuffer().get(out);
        return out;
    }

    /** Frees owned memory now (wrapped memory stays the caller's). Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (freer != null) {
            freer.clean();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    long address() {
        checkOpen();
        return address;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tensor is closed");
        }
    }

    @Override
    public String toString() {
        return "Tensor(" + dtype + Arrays.toString(shape) + (closed ? ", closed)" : ")");
    }

    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dim in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Frees native memory exactly once; holds no reference to the Tensor. */
    private record Freer(ByteBuffer memory) implements Runnable {
        @Override
        public void run() {
            Native.free(memory);
        }
    }
}
