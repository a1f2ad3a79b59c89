package mcc;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * The JNI glue (bindings/java/src/main/c/mcc_jni.c, built as libmccjni.so). It opens mcc
 * libraries with dlopen, so one glue serves every model library.
 *
 * <p>The glue is found through the system property {@code mcc.jni.library} (a path), then
 * next to the jar or class directory this class came from, then on {@code java.library.path}.
 */
final class Native {
    private Native() {}

    static final int INPUT = 0, OUTPUT = 1, PARAM = 2;

    static {
        load();
    }

    private static void load() {
        String explicit = System.getProperty("mcc.jni.library");
        if (explicit != null) {
            System.load(new File(explicit).getAbsolutePath());
            return;
        }
        try {
            File here = new File(Native.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            File glue = new File(here.isDirectory() ? here : here.getParentFile(), "libmccjni.so");
            if (glue.isFile()) {
                System.load(glue.getAbsolutePath());
                return;
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source to look next to: fall back to java.library.path
        }
        System.loadLibrary("mccjni");
    }

    /** dlopen: a handle kept for the process lifetime (the same one for the same library). */
    static native long open(String path);
    static native int abiVersion(long library);
    static native String compilerVersion(long library);
    static native String[] modelNames(long library);

    /** mcc_model_create; model may be null for the default model. */
    static native long create(long library, String model);
    static native void destroy(long instance);
    static native String instanceName(long instance);
    static native int count(long instance, int kind);
    /** {String name, int[] {code, bits, lanes}, long[] dims, String[] dimNames}. */
    static native Object[] info(long instance, int kind, int index);

    /** mcc_model_run on tensors given as parallel arrays (dtypes: 3 ints each, shapes concatenated). */
    static native void run(long instance, long[] addresses, int[] dtypes, int[] ranks, long[] shapes);
    /** Shape of output (kind OUTPUT) or parameter (kind PARAM) {@code index}. */
    static native long[] shape(long instance, int kind, int index);
    /** Copies output or parameter {@code index} to {@code destination}, which holds {@code bytes}. */
    static native void copy(long instance, int kind, int index, long destination, long bytes);
    static native void setNumThreads(long instance, int threads);

    // Training (ABI 1.1): tensors as in run(); for lossCall the last one is the target.
    static native boolean hasTraining(long instance);
    /** d: lr, weightDecay, momentum, beta1, beta2, epsilon, gamma, minLr, clipNorm; l: warmup, stepSize, totalSteps. */
    static native void setOptimizer(long instance, int kind, int schedule, boolean nesterov, double[] d, long[] l);
    /** op 0: train step, 1: backward, 2: evaluate; returns the loss. */
    static native float lossCall(long instance, int op, long[] addresses, int[] dtypes, int[] ranks, long[] shapes);
    /** op 0: zero_grad, 1: optimizer_step. */
    static native void step(long instance, int op);
    static native void setParam(long instance, int index, long[] addresses, int[] dtypes, int[] ranks, long[] shapes);
    static native int freeze(long instance, String prefix, boolean frozen);
    static native void checkpoint(long instance, String path, boolean save);
    static native void setSeed(long instance, long seed);
    static native double learningRate(long instance);
    static native long stepCount(long instance);

    /** Zeroed, 64-byte aligned native memory as a direct buffer; free it with {@link #free}. */
    static native ByteBuffer allocate(long bytes);
    static native void free(ByteBuffer buffer);
    /** Address of a direct buffer's first element (index 0). */
    static native long address(Buffer buffer);
    /** Tensor memory blocks and model instances the glue made and has not freed yet. */
    static native long liveObjects();
}
