// The Java demo `make demo` runs (a single-file program: no separate compile step):
//
//   java -cp out/java-lib/mcc.jar bindings/java/demo/Demo.java out/libmlp.so
//
// Prints the model's signature, its outputs for the same batch the C++ and Python demos use,
// and the library's message for a bad input.
import java.nio.FloatBuffer;
import mcc.DType;
import mcc.MccException;
import mcc.Model;
import mcc.Outputs;
import mcc.Tensor;
import mcc.TensorInfo;

public class Demo {
    public static void main(String[] args) {
        try (Model model = Model.load(args.length > 0 ? args[0] : "out/libmlp.so");
             Tensor x = Tensor.allocate(DType.F32, 2, 784)) {
            System.out.println("model " + model.name() + ": " + model.inputs() + " -> " + model.outputs());
            FloatBuffer pixels = x.floatBuffer();  // the tensor's native memory: no copy on run
            for (int k = 0; k < 2 * 784; k++) {
                pixels.put(k, (k * 37 % 101) / 100f - 0.5f);
            }
            try (Outputs out = model.run(x)) {
                Tensor probs = out.get("probs");
                FloatBuffer p = probs.floatBuffer();
                for (int r = 0; r < probs.shape()[0]; r++) {
                    StringBuilder line = new StringBuilder("probs[" + r + "] =");
                    int best = 0;
                    for (int c = 0; c < 10; c++) {
                        line.append(String.format(" %.4f", p.get(r * 10 + c)));
                        best = p.get(r * 10 + c) > p.get(r * 10 + best) ? c : best;
                    }
                    System.out.println(line + "  argmax " + best);
                }
            }
            try (Tensor bad = Tensor.allocate(DType.F32, 2, 783)) {
                model.run(bad).close();
            } catch (MccException e) {
                System.out.println("run with last dim 783: " + e.getMessage() + " [" + e.status() + "]");
            }
        }
    }
}
