// Tests of mcc.hpp against a library compiled from examples/mlp.m; run by
// Tests/python/test_bindings_cpp.py, which builds this program linked with that library
// (-lmlp, so mcc::Model() uses the linked symbols) and passes:
//
//   test_mcc_hpp LIBRARY INPUT.f32 REFERENCE.f32 BATCH
//
// INPUT is a BATCH x 784 float32 batch, REFERENCE numpy's forward pass on it (BATCH x 10).
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
#include <mcc/mcc.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace {

int passed = 0, failed = 0;

void check(bool ok, const std::string &what) {
  (ok ? passed : failed)++;
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
}

// Runs `body`, which must throw mcc::Error with `status` and a message containing `needle`.
void expect_error(const std::string &what, mcc::Status status, const std::string &needle,
                  const std::function<void()> &body) {
  try {
    body();
    check(false, what + ": no exception");
  } catch (const mcc::Error &e) {
    bool ok = e.status() == status && e.message().find(needle) != std::string::npos &&
              std::string(e.what()).find(mcc::to_string(status)) != std::string::npos;
    check(ok, what + ": " + e.what());
  }
}

std::vector<float> read_floats(const std::string &path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::vector<float> out(static_cast<size_t>(in.tellg()) / sizeof(float));
  in.seekg(0);
  in.read(reinterpret_cast<char *>(out.data()), static_cast<std::streamsize>(out.size() * sizeof(float)));
  return out;
}

float max_abs_diff(mcc::TensorView<const float> a, const std::vector<float> &b) {
  if (a.size() != b.size()) return INFINITY;
  float m = 0;
  for (size_t i = 0; i < b.size(); i++) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s LIBRARY INPUT.f32 REFERENCE.f32 BATCH\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const int64_t batch = std::stoll(argv[4]);
  const mcc::Tensor<float> x({batch, 784}, read_floats(argv[2]));
  const std::vector<float> reference = read_floats(argv[3]);

  // --- metadata ------------------------------------------------------------------------------------
  mcc::Library lib = mcc::Library::open(path);
  check(lib.abi_version() >> 16 == MCC_ABI_VERSION_MAJOR, "ABI major matches mcc.h");
  check(!lib.compiler_version().empty(), "compiler version " + lib.compiler_version());
  check(lib.model_names() == std::vector<std::string>{"MLP"}, "model list is {MLP}");

  mcc::Model model(lib);
  check(model.name() == "MLP", "default model is MLP");
  check(model.inputs().size() == 1 && model.inputs()[0].to_string() == "x: f32[batch, 784]",
        "input signature " + model.inputs()[0].to_string());
  check(model.inputs()[0].dims == mcc::Shape{-1, 784} && model.inputs()[0].dim_names[0] == "batch" &&
            model.inputs()[0].is_symbolic(0) && !model.inputs()[0].is_symbolic(1),
        "symbolic dim named batch");
  check(model.outputs().size() == 1 && model.outputs()[0].to_string() == "probs: f32[batch, 10]",
        "output signature " + model.outputs()[0].to_string());
  check(model.params().size() == 4 && model.params()[model.param_index("fc1.weight")].to_string() ==
                                          "fc1.weight: f32[784, 128]",
        "parameter fc1.weight: f32[784, 128]");
  auto w = model.param<float>("fc2.bias");
  check(w.shape() == mcc::Shape{10}, "parameter view has its shape");

  // --- running -------------------------------------------------------------------------------------
  model.run({x});
  auto probs = model.output<float>("probs");
  check(probs.shape() == mcc::Shape{batch, 10}, "output shape " + mcc::to_string(probs.shape()));
  float err = max_abs_diff(probs, reference);
  check(err < 1e-5f, "matches the numpy reference (max abs diff " + std::to_string(err) + ")");
  check(std::fabs(probs(0, 0) - reference[0]) < 1e-5f && std::fabs(probs(batch - 1, 9) - reference.back()) < 1e-5f,
        "multi-index access");
  mcc::Tensor<float> copy = model.output_copy<float>(0);

  mcc::Model by_name(lib, "MLP");
  by_name.run({{"x", x}});
  check(max_abs_diff(by_name.output<float>(0), reference) < 1e-5f, "inputs by name");

  mcc::Model linked;  // the library this program is linked with: the same file
  linked.run({mcc::TensorView<const float>(x.data(), {batch, 784})});
  check(max_abs_diff(linked.output<float>(0), copy.values()) == 0.0f, "linked library gives identical results");

  // --- errors --------------------------------------------------------------------------------------
  mcc::Tensor<float> narrow({batch, 783});
  expect_error("wrong shape", mcc::Status::ShapeMismatch, "dim 1 is 783, expected 784", [&] { model.run({narrow}); });
  check(max_abs_diff(model.output<float>(0), copy.values()) == 0.0f, "a rejected run keeps the previous outputs");
  mcc::Tensor<double> wide({batch, 784});
  expect_error("wrong dtype", mcc::Status::DtypeMismatch, "input 'x'", [&] { model.run({wide}); });
  expect_error("wrong input count", mcc::Status::InvalidArgument, "", [&] { model.run({x, x}); });
  expect_error("unknown input name", mcc::Status::NotFound, "no input 'pixels'", [&] { model.run({{"pixels", x}}); });
  expect_error("wrong output type", mcc::Status::DtypeMismatch, "output 'probs' is f32, not f64",
               [&] { model.output<double>(0); });
  expect_error("missing file", mcc::Status::NotFound, "/nonexistent/libnothing.so",
               [] { mcc::Library::open("/nonexistent/libnothing.so"); });
  expect_error("unknown model", mcc::Status::NotFound, "", [&] { mcc::Model(lib, "NoSuchModel"); });
  mcc::Model closing(lib);
  closing.close();
  closing.close();  // idempotent
  expect_error("closed model", mcc::Status::InvalidArgument, "model 'MLP' is closed", [&] { closing.run({x}); });
  mcc::Model moved_to = std::move(by_name);
  expect_error("moved-from model", mcc::Status::InvalidArgument, "is closed", [&] { by_name.output<float>(0); });
  check(!moved_to.closed() && moved_to.output<float>(0).size() == copy.size(), "moved-to model keeps its outputs");

  // --- threads: 8 at once, one Model each, identical results ----------------------------------
  constexpr int kThreads = 8, kRounds = 20;
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0}, errors{0};
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&] {
      try {
        mcc::Model mine(lib);
        for (int r = 0; r < kRounds; r++) {
          mine.run({x});
          auto out = mine.output<float>(0);
          if (!std::equal(out.begin(), out.end(), copy.begin(), copy.end())) mismatches++;
        }
      } catch (const mcc::Error &) {
        errors++;
      }
    });
  }
  for (auto &t : threads) t.join();
  check(mismatches == 0 && errors == 0, "8 threads x " + std::to_string(kRounds) + " runs: " +
                                             std::to_string(mismatches) + " mismatches, " +
                                             std::to_string(errors) + " errors");

  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
