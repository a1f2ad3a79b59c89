package mcc;

import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One instance of a model compiled by mcc: its work memory and output buffers.
 *
 * <pre>{@code
 * try (Model model = Model.load("out/libmlp.so");
 *      Tensor x = Tensor.allocate(DType.F32, 2, 784)) {
 *     x.floatBuffer().put(pixels);
 *     try (Outputs out = model.run(x)) {
 *         FloatBuffer probs = out.get("probs").floatBuffer();   // [2, 10]
 *     }
 * }
 * }</pre>
 *
 * <p>Inputs are read by the library where they lie (no copy). Each output is copied once, from
 * the instance's buffers (which the next run reuses) into a new native {@link Tensor}, or into
 * tensors the caller provides ({@link #runInto}); Java reads it through a direct buffer.
 *
 * <p>Thread-safe: calls on one Model are serialized (synchronized); for parallel runs make one
 * Model per thread ({@link #newInstance}: parameters are shared, read-only). {@link #close}
 * frees the instance at once; a Cleaner frees a forgotten one after garbage collection.
 */
public final class Model implements AutoCloseable {
    private final String path;
    private final long library;
    private final String name;
    private final List<TensorInfo> inputs, outputs, params;
    private final Cleaner.Cleanable destroyer;
    private long instance;  // 0 once closed; guarded by this

    private Model(String path, String modelName) {
        this.path = path;
        this.library = Native.open(path);
        long handle = Native.create(library, modelName);
        this.destroyer = Tensor.CLEANER.register(this, new Destroyer(handle));
        this.instance = handle;
        try {
            this.name = Native.instanceName(handle);
            this.inputs = infos(Native.INPUT);
            this.outputs = infos(Native.OUTPUT);
            this.params = infos(Native.PARAM);
        } catch (RuntimeException e) {
            destroyer.clean();
            throw e;
        }
    }

    /** Loads the library at {@code path} and creates an instance of its default model. */
    public static Model load(String path) {
        return new Model(path, null);
    }

    /** Loads the library at {@code path} and creates an instance of {@code model}. */
    public static Model load(String path, String model) {
        return new Model(path, model);
    }

    public static Model load(Path path) {
        return load(path.toString());
    }

    /** Another instance of the same model (its own buffers, the same parameters). */
    public Model newInstance() {
        checkOpen();
        return new Model(path, name);
    }

    public String name() {
        return name;
    }

    public String path() {
        return path;
    }

    public List<TensorInfo> inputs() {
        return inputs;
    }

    public List<TensorInfo> outputs() {
        return outputs;
    }

    public List<TensorInfo> params() {
        return params;
    }

    /** The models in the library, in declaration order. */
    public List<String> availableModels() {
        return List.of(Native.modelNames(library));
    }

    /** (major << 16) | minor of the C ABI the library implements. */
    public int abiVersion() {
        return Native.abiVersion(library);
    }

    /** The mcc that built the library, e.g. "0.1.0". */
    public String compilerVersion() {
        return Native.compilerVersion(library);
    }

    /**
     * Runs the model on {@code inputs} in declaration order; returns new tensors the caller closes.
     * Throws MccException with the library's message when it rejects an input (shape, dtype, count).
     */
    public synchronized Outputs run(Tensor... inputs) {
        runNative(inputs);
        Outputs out = new Outputs();
        try {
            for (int i = 0; i < outputs.size(); i++) {
                TensorInfo info = outputs.get(i);
                Tensor t = Tensor.allocate(known(info), Native.shape(instance, Native.OUTPUT, i));
                out.put(info.name(), t);
                Native.copy(instance, Native.OUTPUT, i, t.address(), t.byteSize());
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** Runs on inputs by name; every input must be given. */
    public synchronized Outputs run(Map<String, Tensor> named) {
        Tensor[] ordered = new Tensor[inputs.size()];
        for (Map.Entry<String, Tensor> e : named.entrySet()) {
            int i = indexOf(inputs, e.getKey(), "input");
            ordered[i] = e.getValue();
        }
        for (int i = 0; i < ordered.length; i++) {
            if (ordered[i] == null) {
                throw new MccException(Status.INVALID_ARGUMENT, "model '" + name + "': missing input '" + inputs.get(i).name() + "'");
            }
        }
        return run(ordered);
    }

    /**
     * Runs and copies the outputs into {@code results} (declaration order), which must have
     * the outputs' dtypes and concrete shapes: a steady-state loop then allocates nothing.
     */
    public synchronized void runInto(Tensor[] inputs, Tensor[] results) {
        if (results.length != outputs.size()) {
            throw new MccException(Status.INVALID_ARGUMENT, "model '" + name + "' has " + outputs.size() + " outputs, got " + results.length + " result tensors");
        }
        runNative(inputs);
        for (int i = 0; i < results.length; i++) {
            long[] shape = Native.shape(instance, Native.OUTPUT, i);
            TensorInfo info = outputs.get(i);
            if (results[i].dtype() != info.dtype() || !Arrays.equals(results[i].shape(), shape)) {
                throw new MccException(Status.SHAPE_MISMATCH, "result " + i + " is " + results[i].dtype() + Arrays.toString(results[i].shape())
                        + "; output '" + info.name() + "' is " + info.dtype() + Arrays.toString(shape));
            }
            Native.copy(instance, Native.OUTPUT, i, results[i].address(), results[i].byteSize());
        }
    }

    /** A copy of parameter {@code name} (e.g. "fc1.weight"). */
    public synchronized Tensor param(String paramName) {
        checkOpen();
        int i = indexOf(params, paramName, "parameter");
        Tensor t = Tensor.allocate(known(params.get(i)), Native.shape(instance, Native.PARAM, i));
        try {
            Native.copy(instance, Native.PARAM, i, t.address(), t.byteSize());
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** Threads the library's kernels may use (see mcc_model_set_num_threads). */
    public synchronized void setNumThreads(int threads) {
        checkOpen();
        Native.setNumThreads(instance, threads);
    }

    /** Destroys the instance now; later calls throw IllegalStateException. Idempotent. */
    @Override
    public synchronized void close() {
        instance = 0;
        destroyer.clean();
    }

    public synchronized boolean isClosed() {
        return instance == 0;
    }

    @Override
    public String toString() {
        return "Model(" + name + " from " + path + (isClosed() ? ", closed)" : ": " + inputs + " -> " + outputs + ")");
    }

    // --- training (C ABI 1.1; docs/c-abi.md "Training") --------------------------------------------

    /** Whether the model was compiled with training functions ({@code mcc --train-loss ...}). */
    public synchronized boolean hasTraining() {
        checkOpen();
        return Native.hasTraining(instance);
    }

    public synchronized void setOptimizer(Optimizer o) {
        checkOpen();
        Native.setOptimizer(instance, o.kind, o.schedule, o.nesterov,
                new double[] {o.learningRate, o.weightDecay, o.momentum, o.beta1, o.beta2, o.epsilon, o.gamma, o.minLr, o.clipNorm},
                new long[] {o.warmupSteps, o.stepSize, o.totalSteps});
    }

    /** zero_grad + backward + optimizer_step on one batch; returns its loss. */
    public synchronized float trainStep(Tensor[] inputs, Tensor target) {
        return lossCall(0, inputs, target);
    }

    /** Adds the batch's gradients to the accumulated ones; returns its loss. */
    public synchronized float backward(Tensor[] inputs, Tensor target) {
        return lossCall(1, inputs, target);
    }

    /** The inference-mode loss of a batch; changes nothing. */
    public synchronized float evaluate(Tensor[] inputs, Tensor target) {
        return lossCall(2, inputs, target);
    }

    public synchronized void zeroGrad() {
        checkOpen();
        Native.step(instance, 0);
    }

    public synchronized void optimizerStep() {
        checkOpen();
        Native.step(instance, 1);
    }

    /** Copies {@code value} (the parameter's dtype and shape) into this instance's parameter. */
    public synchronized void setParam(String paramName, Tensor value) {
        checkOpen();
        int i = indexOf(params, paramName, "parameter");
        Packed p = pack(new Tensor[] {value});
        Native.setParam(instance, i, p.addresses, p.dtypes, p.ranks, p.shapes);
    }

    /** Freezes the parameters {@code prefix} and {@code prefix.*}; returns how many matched. */
    public synchronized int freeze(String prefix) {
        checkOpen();
        return Native.freeze(instance, prefix, true);
    }

    public synchronized int unfreeze(String prefix) {
        checkOpen();
        return Native.freeze(instance, prefix, false);
    }

    public synchronized void saveCheckpoint(String file) {
        checkOpen();
        Native.checkpoint(instance, file, true);
    }

    public synchronized void loadCheckpoint(String file) {
        checkOpen();
        Native.checkpoint(instance, file, false);
    }

    /** Dropout seed: step k runs with seed + k. */
    public synchronized void setSeed(long seed) {
        checkOpen();
        Native.setSeed(instance, seed);
    }

    public synchronized double learningRate() {
        checkOpen();
        return Native.learningRate(instance);
    }

    public synchronized long stepCount() {
        checkOpen();
        return Native.stepCount(instance);
    }

    private float lossCall(int op, Tensor[] inputs, Tensor target) {
        checkOpen();
        Tensor[] all = Arrays.copyOf(inputs, inputs.length + 1);
        all[inputs.length] = target;
        Packed p = pack(all);
        return Native.lossCall(instance, op, p.addresses, p.dtypes, p.ranks, p.shapes);
    }

    /** Tensors as the parallel arrays the glue takes. */
    private record Packed(long[] addresses, int[] dtypes, int[] ranks, long[] shapes) {}

    private static Packed pack(Tensor[] tensors) {
        long[] addresses = new long[tensors.length];
        int[] dtypes = new int[3 * tensors.length];
        int[] ranks = new int[tensors.length];
        int total = 0;
        for (Tensor t : tensors) {
            total += t.rank();
        }
        long[] shapes = new long[total];
        int at = 0;
        for (int i = 0; i < tensors.length; i++) {
            Tensor t = tensors[i];
            addresses[i] = t.address();  // throws IllegalStateException for a closed tensor
            dtypes[3 * i] = t.dtype().code;
            dtypes[3 * i + 1] = t.dtype().bits;
            dtypes[3 * i + 2] = 1;
            long[] shape = t.shape();
            ranks[i] = shape.length;
            System.arraycopy(shape, 0, shapes, at, shape.length);
            at += shape.length;
        }
        return new Packed(addresses, dtypes, ranks, shapes);
    }

    private void runNative(Tensor[] tensors) {
        checkOpen();
        Packed p = pack(tensors);
        Native.run(instance, p.addresses, p.dtypes, p.ranks, p.shapes);
    }

    private static DType known(TensorInfo info) {
        if (info.dtype() == null) {
            throw new MccException(Status.UNSUPPORTED, "'" + info.name() + "' has an element type the Java binding lacks");
        }
        return info.dtype();
    }

    private void checkOpen() {
        if (instance == 0) {
            throw new IllegalStateException("model '" + name + "' is closed");
        }
    }

    private int indexOf(List<TensorInfo> infos, String key, String kind) {
        for (int i = 0; i < infos.size(); i++) {
            if (infos.get(i).name().equals(key)) {
                return i;
            }
        }
        throw new MccException(Status.NOT_FOUND, "model '" + name + "' has no " + kind + " '" + key + "'");
    }

    private List<TensorInfo> infos(int kind) {
        List<TensorInfo> out = new ArrayList<>();
        for (int i = 0, n = Native.count(instance, kind); i < n; i++) {
            Object[] raw = Native.info(instance, kind, i);
            int[] t = (int[]) raw[1];
            out.add(new TensorInfo((String) raw[0], DType.of(t[0], t[1], t[2]), (long[]) raw[2], (String[]) raw[3]));
        }
        return List.copyOf(out);
    }

    /** Destroys the native instance exactly once; holds no reference to the Model. */
    private record Destroyer(long handle) implements Runnable {
        @Override
        public void run() {
            Native.destroy(handle);
        }
    }
}
