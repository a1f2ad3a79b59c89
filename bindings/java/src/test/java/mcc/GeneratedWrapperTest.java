package mcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import mlp.MLP;
import org.junit.jupiter.api.Test;

/**
 * The typed wrapper that {@code mcc examples/mlp.m --emit-bindings java} wrote next to the
 * library ({@code mlp.MLP}), compiled together with these tests by the Makefile.
 */
class GeneratedWrapperTest {
    static final String LIBRARY = System.getProperty("mcc.test.library");

    @Test
    void predictGivesTheModelsOutputs() {
        float[] input = ModelTest.batch(3, 11);
        try (MLP model = new MLP(LIBRARY); Model plain = Model.load(LIBRARY);
             Tensor x = Tensor.ofFloats(input, 3, 784);
             MLP.Result result = model.predict(x); Outputs expected = plain.run(x)) {
            assertArrayEquals(new long[] {3, 10}, result.probs.shape());
            assertArrayEquals(expected.get("probs").toFloatArray(), result.probs.toFloatArray());
            try (Tensor probs = model.probs(x)) {  // one method per output
                assertArrayEquals(result.probs.toFloatArray(), probs.toFloatArray());
            }
            assertEquals("MLP", model.model().name());
        }
    }

    @Test
    void defaultsToTheLibraryItWasGeneratedFor() {
        assertEquals(new File(LIBRARY).getAbsolutePath(), MLP.LIBRARY);
        try (MLP model = new MLP()) {
            assertEquals("x: f32[batch, 784]", model.model().inputs().get(0).toString());
        }
    }

    @Test
    void errorsCarryTheLibrarysMessage() {
        try (MLP model = new MLP(LIBRARY); Tensor x = Tensor.allocate(DType.F32, 1, 783)) {
            MccException e = assertThrows(MccException.class, () -> model.predict(x));
            assertEquals(Status.SHAPE_MISMATCH, e.status());
            assertEquals("input 'x' (#0): dim 1 is 783, expected 784", e.getMessage());
        }
    }

    @Test
    void rejectsALibraryWithAnotherSignature() {
        String other = System.getProperty("mcc.test.other.library");  // examples/cnn.m, also a model named CNN
        MccException e = assertThrows(MccException.class, () -> new MLP(other));
        assertEquals(Status.NOT_FOUND, e.status(), "the CNN library has no model MLP");
        assertTrue(e.getMessage().contains("MLP"), e.getMessage());
    }
}
