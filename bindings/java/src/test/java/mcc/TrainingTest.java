package mcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The training calls of the Java binding against Tests/python/training/linreg.mir (model F:
 * y = x @ w + b with loss mean((y - t)^2); C: softmax regression), named by the system property
 * {@code mcc.test.training.library} (the Makefile's java-test target sets it).
 */
class TrainingTest {
    static final String LIBRARY = System.getProperty("mcc.test.training.library");
    static final int N = 8;

    static float[] inputs() {
        float[] x = new float[N * 4];
        for (int i = 0; i < x.length; i++) x[i] = ((i * 37) % 11) / 10f - 0.5f;
        return x;
    }

    static float[] targets(float[] x) {
        float[] t = new float[N];
        for (int i = 0; i < N; i++) t[i] = x[4 * i] - 2 * x[4 * i + 1] + 0.5f * x[4 * i + 2] + 3 * x[4 * i + 3] + 1;
        return t;
    }

    @Test
    void sgdWithMomentumMatchesAHandWrittenReference() {
        assertTrue(LIBRARY != null && Files.isRegularFile(Path.of(LIBRARY)), "set -Dmcc.test.training.library, got " + LIBRARY);
        float[] xv = inputs(), tv = targets(xv);
        try (Model m = Model.load(LIBRARY, "F");
             Tensor x = Tensor.ofFloats(xv, N, 4);
             Tensor t = Tensor.ofFloats(tv, N, 1);
             Tensor w0 = m.param("w");
             Tensor b0 = m.param("b")) {
            assertTrue(m.hasTraining());
            m.setOptimizer(Optimizer.sgd(0.05, 0.9, false));
            double[] w = new double[4], vw = new double[4];
            for (int k = 0; k < 4; k++) w[k] = w0.toFloatArray()[k];
            double b = b0.toFloatArray()[0], vb = 0;
            for (int step = 0; step < 3; step++) {
                double[] gw = new double[4];
                double gb = 0, loss = 0;
                for (int i = 0; i < N; i++) {
                    double d = b - tv[i];
                    for (int k = 0; k < 4; k++) d += xv[4 * i + k] * w[k];
                    loss += d * d / N;
                    for (int k = 0; k < 4; k++) gw[k] += 2 * xv[4 * i + k] * d / N;
                    gb += 2 * d / N;
                }
                assertEquals(loss, m.trainStep(new Tensor[] {x}, t), 1e-5 * loss);
                for (int k = 0; k < 4; k++) {
                    vw[k] = 0.9 * vw[k] + gw[k];
                    w[k] -= 0.05 * vw[k];
                }
                vb = 0.9 * vb + gb;
                b -= 0.05 * vb;
            }
            try (Tensor wt = m.param("w")) {
                float[] got = wt.toFloatArray();
                for (int k = 0; k < 4; k++) assertEquals(w[k], got[k], 1e-5 * Math.abs(w[k]) + 1e-6, "w[" + k + "]");
            }
            assertEquals(3, m.stepCount());
            assertEquals(0.05, m.learningRate(), 0);
        }
    }

    @Test
    void checkpointsFreezingAndParameters(@org.junit.jupiter.api.io.TempDir Path dir) {
        float[] xv = inputs();
        String ck = dir.resolve("f.safetensors").toString();
        try (Model m = Model.load(LIBRARY, "F");
             Model fresh = Model.load(LIBRARY, "F");
             Tensor x = Tensor.ofFloats(xv, N, 4);
             Tensor t = Tensor.ofFloats(targets(xv), N, 1);
             Tensor b = Tensor.ofFloats(new float[] {2.5f}, 1)) {
            m.setOptimizer(Optimizer.adamw(0.01, 0.01).cosine(10, 0).warmup(2).clip(1.0));
            m.trainStep(new Tensor[] {x}, t);
            m.saveCheckpoint(ck);
            fresh.loadCheckpoint(ck);
            assertEquals(1, fresh.stepCount());
            try (Tensor a = m.param("w"); Tensor c = fresh.param("w")) {
                assertArrayEquals(a.toFloatArray(), c.toFloatArray());
            }
            assertEquals(1, m.freeze("w"));
            assertEquals(2, m.unfreeze(""));
            m.setParam("b", b);
            try (Tensor got = m.param("b")) {
                assertEquals(2.5f, got.toFloatArray()[0]);
            }
            float before = m.evaluate(new Tensor[] {x}, t);
            assertEquals(before, m.evaluate(new Tensor[] {x}, t));
            MccException e = assertThrows(MccException.class, () -> fresh.loadCheckpoint(ck + ".missing"));
            assertEquals(Status.NOT_FOUND, e.status());
        }
    }

    @Test
    void errorsAreExceptionsWithTheLibrarysMessage() {
        try (Model c = Model.load(LIBRARY, "C");
             Model n = Model.load(LIBRARY, "N");
             Tensor x = Tensor.ofFloats(inputs(), N, 4);
             Tensor labels = Tensor.allocate(DType.I64, N)) {
            c.setOptimizer(Optimizer.sgd(0.1, 0, false));
            labels.byteBuffer().order(ByteOrder.nativeOrder()).asLongBuffer().put(3, 7);
            MccException e = assertThrows(MccException.class, () -> c.trainStep(new Tensor[] {x}, labels));
            assertEquals(Status.INVALID_ARGUMENT, e.status());
            assertTrue(e.getMessage().contains("target[3] is 7 at step 0"), e.getMessage());
            assertFalse(n.hasTraining());
            e = assertThrows(MccException.class, () -> n.setOptimizer(Optimizer.adam(1e-3)));
            assertEquals(Status.UNSUPPORTED, e.status());
            e = assertThrows(MccException.class, () -> c.setOptimizer(Optimizer.sgd(-1, 0, false)));
            assertTrue(e.getMessage().contains("learning_rate must be a finite number > 0"), e.getMessage());
        }
    }
}
