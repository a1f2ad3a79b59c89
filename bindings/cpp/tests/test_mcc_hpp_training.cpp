// The training methods of mcc.hpp against Tests/python/training/linreg.mir; run by
// Tests/python/test_training_abi.py, which passes:
//
//   test_mcc_hpp_training LIBRARY X.f32 T.f32 BATCH CHECKPOINT
//
// Trains model F three steps (SGD, momentum 0.9, lr 0.05) on X (BATCH x 4) and T (BATCH x 1),
// prints "loss <v>" per step and then "w <4 values>" and "b <value>", which the test compares
// with its numpy reference, then checks checkpoints, freezing and errors ("ok"/"FAIL" lines).
#include <mcc/mcc.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

int failed = 0;

void check(bool ok, const std::string &what) {
  if (!ok) failed++;
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
}

std::vector<float> read_floats(const char *path, size_t n) {
  std::vector<float> v(n);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char *>(v.data()), static_cast<std::streamsize>(n * sizeof(float)));
  return v;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 6) return 2;
  const int64_t batch = std::stoll(argv[4]);
  mcc::Tensor<float> x({batch, 4}, read_floats(argv[2], static_cast<size_t>(batch) * 4));
  mcc::Tensor<float> t({batch, 1}, read_floats(argv[3], static_cast<size_t>(batch)));
  mcc::Library lib = mcc::Library::open(argv[1]);
  mcc::Model f(lib, "F");
  check(f.has_training(), "F has training functions");
  f.set_optimizer(mcc::Optimizer::sgd(0.05, 0.9));
  for (int k = 0; k < 3; k++) std::printf("loss %.9g\n", static_cast<double>(f.train_step({x}, t)));
  auto w = f.param<float>("w");
  std::printf("w %.9g %.9g %.9g %.9g\nb %.9g\n", double(w[0]), double(w[1]), double(w[2]), double(w[3]),
              double(f.param<float>("b")[0]));
  check(f.step_count() == 3 && f.learning_rate() == 0.05, "step count and learning rate");

  f.save_checkpoint(argv[5]);
  mcc::Model g(lib, "F");
  g.load_checkpoint(argv[5]);
  check(g.step_count() == 3 && g.param<float>("w")[2] == w[2], "checkpoint round trip");
  check(f.freeze("w") == 1 && f.unfreeze("") == 2, "freeze counts");
  float before = f.param<float>("b")[0];
  f.evaluate({x}, t);
  check(f.param<float>("b")[0] == before && f.output<float>("y").shape() == mcc::Shape({batch, 1}), "evaluate outputs");
  mcc::Tensor<float> b({1}, {2.5f});
  f.set_param("b", b);
  check(f.param<float>("b")[0] == 2.5f, "set_param");
  auto expect = [](mcc::Status status, const std::string &what, auto body) {
    try {
      body();
      check(false, what + ": no exception");
    } catch (const mcc::Error &e) {
      check(e.status() == status, what + ": " + e.what());
    }
  };
  expect(mcc::Status::Unsupported, "N has no training", [&] { mcc::Model(lib, "N").set_optimizer(mcc::Optimizer::adam()); });
  expect(mcc::Status::ShapeMismatch, "wrong target shape", [&] { f.train_step({x}, mcc::Tensor<float>({batch})); });
  expect(mcc::Status::InvalidArgument, "bad config", [&] { f.set_optimizer(mcc::Optimizer::sgd(-1)); });
  expect(mcc::Status::NotFound, "missing checkpoint", [&] { f.load_checkpoint(std::string(argv[5]) + ".missing"); });
  std::printf("%d failed\n", failed);
  return failed ? 1 : 0;
}
