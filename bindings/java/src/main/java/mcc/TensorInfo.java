package mcc;

import java.util.Arrays;

/**
 * The declared signature of an input, output or parameter. {@code x: f32[batch, 784]} has
 * {@code dims = {-1, 784}} (-1 marks a symbolic dim) and {@code dimNames = {"batch", null}}.
 * {@code dtype} is null for an element type this binding has no {@link DType} for.
 */
public record TensorInfo(String name, DType dtype, long[] dims, String[] dimNames) {
    public TensorInfo {
        dims = dims.clone();
        dimNames = dimNames.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    @Override
    public String[] dimNames() {
        return dimNames.clone();
    }

    public int rank() {
        return dims.length;
    }

    public boolean isSymbolic(int axis) {
        return dims[axis] < 0;
    }

    /** As M writes it: {@code x: f32[batch, 784]}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(name).append(": ").append(dtype == null ? "?" : dtype.toString()).append('[');
        for (int d = 0; d < dims.length; d++) {
            if (d > 0) {
                s.append(", ");
            }
            s.append(dims[d] < 0 ? dimNames[d] : Long.toString(dims[d]));
        }
        return s.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(dims, t.dims) && Arrays.equals(dimNames, t.dimNames);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }
}
