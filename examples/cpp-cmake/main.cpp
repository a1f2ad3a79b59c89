// The C++ demo `make demo` runs: the typed wrapper mcc generated for examples/mlp.m
// (mlp.hpp, over bindings/cpp's mcc.hpp), linked with libmlp.so through CMake's
// find_package(mlp). See CMakeLists.txt for the build.
//
// Prints the model's signature, its outputs for the same batch the Python and Java demos
// use, and the library's message for a bad input.
#include "mlp.hpp"

#include <cstdio>

int main() {
  try {
    mlp::MLP model;  // the model of the libmlp.so this program links
    const mcc::TensorInfo &in = model.model().inputs()[0], &out = model.model().outputs()[0];
    std::printf("model %s: [%s] -> [%s]\n", model.model().name().c_str(), in.to_string().c_str(), out.to_string().c_str());

    mcc::Tensor<float> x({2, 784});
    for (size_t k = 0; k < x.size(); k++) x[k] = static_cast<float>((k * 37) % 101) / 100.0f - 0.5f;
    mlp::MLPOutputs result = model.predict(x);
    const mcc::Tensor<float> &probs = result.probs;  // [2, 10], an owning copy
    for (int64_t r = 0; r < probs.dim(0); r++) {
      std::printf("probs[%lld] =", static_cast<long long>(r));
      int best = 0;
      for (int c = 0; c < 10; c++) {
        std::printf(" %.4f", probs[r * 10 + c]);
        if (probs[r * 10 + c] > probs[r * 10 + best]) best = c;
      }
      std::printf("  argmax %d\n", best);
    }

    mcc::Tensor<float> bad({2, 783});
    try {
      model.predict(bad);
    } catch (const mcc::Error &e) {
      std::printf("run with last dim 783: %s\n", e.what());  // the library's message and status
    }
  } catch (const mcc::Error &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
