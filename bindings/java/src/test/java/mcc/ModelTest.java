package mcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java binding against a library compiled from examples/mlp.m, named by the system
 * property {@code mcc.test.library} (the Makefile's java-test target sets it).
 */
class ModelTest {
    static final int BATCH = 3;
    static String library;
    static Model model;
    static float[] input;

    @BeforeAll
    static void load() {
        library = System.getProperty("mcc.test.library");
        assertTrue(library != null && new java.io.File(library).isFile(),
                "set -Dmcc.test.library to a library compiled from examples/mlp.m, got " + library);
        model = Model.load(library);
        input = batch(BATCH, 7);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Deterministic inputs in [-0.5, 0.5). */
    static float[] batch(int rows, int seed) {
        float[] x = new float[rows * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 37L + seed * 101L) % 101) / 100f - 0.5f;
        }
        return x;
    }

    static float[] run(Model m, float[] x, int rows) {
        try (Tensor t = Tensor.ofFloats(x, rows, 784); Outputs out = m.run(t)) {
            return out.get("probs").toFloatArray();
        }
    }

    // --- metadata ------------------------------------------------------------------------------

    @Test
    void metadata() {
        assertEquals("MLP", model.name());
        assertEquals(List.of("MLP"), model.availableModels());
        assertEquals(1, model.abiVersion() >> 16);
        assertFalse(model.compilerVersion().isEmpty());
        assertEquals(1, model.inputs().size());
        TensorInfo x = model.inputs().get(0);
        assertEquals("x: f32[batch, 784]", x.toString());
        assertEquals(DType.F32, x.dtype());
        assertArrayEquals(new long[] {-1, 784}, x.dims());
        assertArrayEquals(new String[] {"batch", null}, x.dimNames());
        assertTrue(x.isSymbolic(0) && !x.isSymbolic(1));
        assertEquals("probs: f32[batch, 10]", model.outputs().get(0).toString());
        assertEquals(List.of("fc1.weight: f32[784, 128]", "fc1.bias: f32[128]", "fc2.weight: f32[128, 10]", "fc2.bias: f32[10]"),
                model.params().stream().map(TensorInfo::toString).toList());
    }

    // --- running -----------------------------------------------------------------------------

    /** relu(x W1 + b1) W2 + b2, softmax, in double precision from the library's own parameters. */
    static double[] reference(float[] x, int rows) {
        float[] w1, b1, w2, b2;
        try (Tensor a = model.param("fc1.weight"); Tensor b = model.param("fc1.bias");
             Tensor c = model.param("fc2.weight"); Tensor d = model.param("fc2.bias")) {
            w1 = a.toFloatArray();
            b1 = b.toFloatArray();
            w2 = c.toFloatArray();
            b2 = d.toFloatArray();
        }
        double[] out = new double[rows * 10];
        for (int r = 0; r < rows; r++) {
            double[] h = new double[128];
            for (int j = 0; j < 128; j++) {
                double s = b1[j];
                for (int k = 0; k < 784; k++) {
                    s += (double) x[r * 784 + k] * w1[k * 128 + j];
                }
                h[j] = Math.max(0, s);
            }
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            double[] logits = new double[10];
            for (int j = 0; j < 10; j++) {
                double s = b2[j];
                for (int k = 0; k < 128; k++) {
                    s += h[k] * w2[k * 10 + j];
                }
                logits[j] = s;
                max = Math.max(max, s);
            }
            for (int j = 0; j < 10; j++) {
                sum += Math.exp(logits[j] - max);
            }
            for (int j = 0; j < 10; j++) {
                out[r * 10 + j] = Math.exp(logits[j] - max) / sum;
            }
        }
        return out;
    }

    @Test
    void runMatchesReference() {
        double[] expected = reference(input, BATCH);
        try (Tensor x = Tensor.ofFloats(input, BATCH, 784); Outputs out = model.run(x)) {
            assertEquals(List.of("probs"), out.names());
            Tensor probs = out.get("probs");
            assertArrayEquals(new long[] {BATCH, 10}, probs.shape());
            FloatBuffer got = probs.floatBuffer();
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(got.get(i) - expected[i]));
            }
            assertTrue(worst < 1e-5, "max abs diff " + worst);
        }
    }

    @Test
    void runByNameAndInto() {
        float[] expected = run(model, input, BATCH);
        try (Tensor x = Tensor.ofFloats(input, BATCH, 784); Outputs out = model.run(Map.of("x", x));
             Tensor into = Tensor.allocate(DType.F32, BATCH, 10)) {
            assertArrayEquals(expected, out.get(0).toFloatArray());
            model.runInto(new Tensor[] {x}, new Tensor[] {into});
            assertArrayEquals(expected, into.toFloatArray());
        }
    }

    @Test
    void directBuffersAreNotCopied() {
        FloatBuffer pixels = ByteBuffer.allocateDirect(4 * BATCH * 784).order(ByteOrder.nativeOrder()).asFloatBuffer();
        pixels.put(input).flip();
        try (Tensor x = Tensor.wrap(pixels, BATCH, 784)) {
            assertEquals(Native.address(pixels), x.address(), "the library reads the caller's buffer itself");
            assertArrayEquals(run(model, input, BATCH), outputOf(x));
            float[] other = batch(BATCH, 99);
            pixels.put(0, other);  // writes through the caller's buffer reach the next run
            assertArrayEquals(run(model, other, BATCH), outputOf(x));
        }
        try (Tensor x = Tensor.allocate(DType.F32, 1, 784)) {  // writes through floatBuffer() are the tensor
            x.floatBuffer().put(0, input, 0, 784);
            assertArrayEquals(run(model, java.util.Arrays.copyOf(input, 784), 1), outputOf(x));
        }
    }

    static float[] outputOf(Tensor x) {
        try (Outputs out = model.run(x)) {
            return out.get("probs").toFloatArray();
        }
    }

    // --- errors -----------------------------------------------------------------------------------

    @Test
    void wrongShape() {
        try (Tensor x = Tensor.allocate(DType.F32, 2, 783)) {
            MccException e = assertThrows(MccException.class, () -> model.run(x));
            assertEquals(Status.SHAPE_MISMATCH, e.status());
            assertEquals("input 'x' (#0): dim 1 is 783, expected 784", e.getMessage());
        }
    }

    @Test
    void wrongDtype() {
        try (Tensor x = Tensor.allocate(DType.F64, 2, 784)) {
            MccException e = assertThrows(MccException.class, () -> model.run(x));
            assertEquals(Status.DTYPE_MISMATCH, e.status());
            assertTrue(e.getMessage().startsWith("input 'x' (#0): dtype"), e.getMessage());
        }
    }

    @Test
    void wrongInputs() {
        try (Tensor x = Tensor.allocate(DType.F32, 2, 784)) {
            assertEquals(Status.INVALID_ARGUMENT, assertThrows(MccException.class, () -> model.run(x, x)).status());
            assertEquals(Status.INVALID_ARGUMENT, assertThrows(MccException.class, () -> model.run()).status());
            assertEquals(Status.NOT_FOUND, assertThrows(MccException.class, () -> model.run(Map.of("pixels", x))).status());
            try (Tensor small = Tensor.allocate(DType.F32, 1, 10)) {
                MccException e = assertThrows(MccException.class, () -> model.runInto(new Tensor[] {x}, new Tensor[] {small}));
                assertEquals(Status.SHAPE_MISMATCH, e.status());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(FloatBuffer.allocate(784), 1, 784));
    }

    @Test
    void missingFile() {
        MccException e = assertThrows(MccException.class, () -> Model.load("/nonexistent/libnothing.so"));
        assertEquals(Status.NOT_FOUND, e.status());
        assertTrue(e.getMessage().contains("/nonexistent/libnothing.so"), e.getMessage());
    }

    @Test
    void notAnMccLibraryOrModel() {
        String glue = System.getProperty("mcc.jni.library");
        MccException e = assertThrows(MccException.class, () -> Model.load(glue));
        assertEquals(Status.UNSUPPORTED, e.status());
        assertTrue(e.getMessage().contains("is not an mcc library"), e.getMessage());
        MccException unknown = assertThrows(MccException.class, () -> Model.load(library, "NoSuchModel"));
        assertEquals(Status.NOT_FOUND, unknown.status());
        assertTrue(unknown.getMessage().contains("NoSuchModel"), unknown.getMessage());
    }

    @Test
    void closedModelAndTensor() {
        Model m = Model.load(library);
        m.close();
        m.close();  // idempotent
        assertTrue(m.isClosed());
        try (Tensor x = Tensor.allocate(DType.F32, 1, 784)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.run(x));
            assertEquals("model 'MLP' is closed", e.getMessage());
            assertThrows(IllegalStateException.class, () -> m.param("fc1.bias"));
        }
        Tensor t = Tensor.allocate(DType.F32, 1, 784);
        t.close();
        assertThrows(IllegalStateException.class, () -> model.run(t));
        assertThrows(IllegalStateException.class, t::floatBuffer);
    }

    // --- threads ----------------------------------------------------------------------------------

    @Test
    void eightThreadsGiveIdenticalResults() throws Exception {
        final int threads = 8, rounds = 25;
        List<float[]> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            inputs.add(batch(1 + t % 4, 100 + t));
            expected.add(run(model, inputs.get(t), 1 + t % 4));
        }
        for (boolean shared : new boolean[] {true, false}) {
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    final int id = t;
                    results.add(pool.submit(() -> {
                        try (Model own = shared ? null : model.newInstance()) {
                            Model m = shared ? model : own;
                            start.await();
                            int mismatches = 0;
                            for (int r = 0; r < rounds; r++) {
                                if (!java.util.Arrays.equals(expected.get(id), run(m, inputs.get(id), 1 + id % 4))) {
                                    mismatches++;
                                }
                            }
                            return mismatches;
                        }
                    }));
                }
                for (int t = 0; t < threads; t++) {
                    assertEquals(0, results.get(t).get(), (shared ? "shared model" : "own instances") + ", thread " + t);
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    // --- memory -----------------------------------------------------------------------------------

    @Test
    void closeFreesNativeMemoryAtOnce() {
        long before = Native.liveObjects();
        Model m = Model.load(library);
        Tensor x = Tensor.ofFloats(input, BATCH, 784);
        Outputs out = m.run(x);
        assertEquals(before + 3, Native.liveObjects(), "instance, input and output are live");
        out.close();
        x.close();
        m.close();
        assertEquals(before, Native.liveObjects(), "close() freed everything without waiting for GC");
    }

    static long rssKiB() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS in /proc/self/status");
    }

    /**
     * 100k inferences, each allocating and closing its output tensor: native memory must not
     * grow. The Makefile fixes and pre-touches the heap (-Xms = -Xmx, -XX:+AlwaysPreTouch) and
     * keeps the JIT to C1 with the serial GC, whose own native memory then stays within ~100 KiB
     * (C2 compiling in the background adds 1-3 MB at random). A leak of even one 40-byte output
     * per run adds over 4 MB (malloc rounds it up to 48+ bytes); 2 MB are allowed.
     */
    @Test
    void hundredThousandInferencesKeepRssFlat() throws Exception {
        final int warmup = 20_000, runs = 100_000;
        long objects = Native.liveObjects();
        try (Model m = Model.load(library); Tensor x = Tensor.ofFloats(java.util.Arrays.copyOf(input, 784), 1, 784)) {
            for (int i = 0; i < warmup; i++) {
                try (Outputs out = m.run(x)) {
                    out.get(0);
                }
            }
            System.gc();
            long before = rssKiB();
            long start = System.nanoTime();
            float checksum = 0;
            for (int i = 0; i < runs; i++) {
                try (Outputs out = m.run(x)) {
                    checksum += out.get(0).floatBuffer().get(i % 10);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.gc();
            long after = rssKiB();
            System.out.printf("java leak test: %d inferences in %.1f s (%.1f us each), RSS %d KiB -> %d KiB (%+d KiB), checksum %.3f%n",
                    runs, seconds, seconds * 1e6 / runs, before, after, after - before, checksum);
            assertTrue(after - before < 2048, "RSS grew by " + (after - before) + " KiB over " + runs + " inferences");
            assertNotEquals(0f, checksum);
        }
        assertEquals(objects, Native.liveObjects(), "native objects left behind");
    }
}
