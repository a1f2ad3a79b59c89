package mcc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outputs of one run, by name, in declaration order. Closing it closes every tensor. */
public final class Outputs implements AutoCloseable {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    Outputs() {}

    void put(String name, Tensor tensor) {
        tensors.put(name, tensor);
    }

    /** The output called {@code name}; throws MccException(NOT_FOUND) for an unknown name. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new MccException(Status.NOT_FOUND, "no output '" + name + "' (outputs: " + String.join(", ", tensors.keySet()) + ")");
        }
        return t;
    }

    /** Output {@code index} in declaration order. */
    public Tensor get(int index) {
        return new ArrayList<>(tensors.values()).get(index);
    }

    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    public Map<String, Tensor> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    public int size() {
        return tensors.size();
    }

    @Override
    public void close() {
        for (Tensor t : tensors.values()) {
            t.close();
        }
    }
}
