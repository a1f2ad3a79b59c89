// Calls a library built by mcc through the plain C ABI of include/mcc.h.
//
//   mcc examples/mlp.m -o out/libmlp.so
//   g++ -std=c++17 -Iinclude examples/cpp/demo.cpp -Lout -lmlp -Wl,-rpath,$PWD/out -o out/demo
//
// Prints the library's models, the default model's signature (symbolic dims by name), its
// outputs for a deterministic batch of 2, and the library's message for a bad input.
// The input is the same as bindings/python/demo.py uses, so both print the same numbers.
#include "mcc.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

using ModelPtr = std::unique_ptr<mcc_model, decltype(&mcc_model_destroy)>;

constexpr int64_t kBatch = 2;  // the value given to every symbolic dim

std::string dtype_name(DLDataType t) {
  const char *kind = t.code == kDLFloat ? "f" : t.code == kDLInt ? "i" : t.code == kDLUInt ? "u"
                   : t.code == kDLBfloat ? "bf" : "?";
  return kind + std::to_string(t.bits) + (t.lanes != 1 ? "x" + std::to_string(t.lanes) : "");
}

// "x: f32[batch, 784]"
std::string signature(const mcc_tensor_info &info) {
  std::string s = std::string(info.name) + ": " + dtype_name(info.dtype) + "[";
  for (int32_t d = 0; d < info.ndim; d++) {
    if (d) s += ", ";
    s += info.dims[d] >= 0 ? std::to_string(info.dims[d])
                           : std::string(info.dim_names[d] ? info.dim_names[d] : "?");
  }
  return s + "]";
}

bool check(mcc_status status, const char *what) {
  if (status == MCC_OK) return true;
  std::fprintf(stderr, "%s failed: %s: %s\n", what, mcc_status_string(status), mcc_last_error());
  return false;
}

// One input: its shape (symbolic dims set to kBatch), its data, and a DLTensor over them.
struct Input {
  std::vector<int64_t> shape;
  std::vector<float> data;
  DLTensor tensor{};
};

}  // namespace

int main() {
  uint32_t abi = mcc_abi_version();
  std::printf("library: built by mcc %s, C ABI %u.%u\n", mcc_compiler_version(), abi >> 16, abi & 0xffff);
  if (abi >> 16 != MCC_ABI_VERSION_MAJOR) {
    std::fprintf(stderr, "this demo needs C ABI %d.x\n", MCC_ABI_VERSION_MAJOR);
    return 1;
  }
  std::printf("models:");
  for (int32_t i = 0; i < mcc_model_count(); i++) std::printf(" %s", mcc_model_name(i));
  std::printf("\n");

  mcc_model *raw = nullptr;
  if (!check(mcc_model_create(nullptr, &raw), "mcc_model_create")) return 1;
  ModelPtr model(raw, mcc_model_destroy);
  std::printf("model %s\n", mcc_model_instance_name(model.get()));

  mcc_tensor_info info;
  std::vector<Input> inputs(mcc_model_num_inputs(model.get()));
  for (int32_t i = 0; i < (int32_t)inputs.size(); i++) {
    if (!check(mcc_model_input_info(model.get(), i, &info), "mcc_model_input_info")) return 1;
    std::printf("  input  %s\n", signature(info).c_str());
    if (info.dtype.code != kDLFloat || info.dtype.bits != 32) {
      std::fprintf(stderr, "this demo feeds f32 inputs only\n");
      return 1;
    }
    Input &in = inputs[i];
    size_t count = 1;
    for (int32_t d = 0; d < info.ndim; d++) {
      in.shape.push_back(info.dims[d] >= 0 ? info.dims[d] : kBatch);
      count *= (size_t)in.shape.back();
    }
    // Deterministic values in [-0.5, 0.5], the same formula as bindings/python/demo.py.
    for (size_t k = 0; k < count; k++) in.data.push_back((float)((k * 37) % 101) / 100.0f - 0.5f);
    in.tensor.data = in.data.data();
    in.tensor.device = {kDLCPU, 0};
    in.tensor.ndim = info.ndim;
    in.tensor.dtype = info.dtype;
    in.tensor.shape = in.shape.data();
  }
  for (int32_t i = 0; i < mcc_model_num_outputs(model.get()); i++) {
    if (!check(mcc_model_output_info(model.get(), i, &info), "mcc_model_output_info")) return 1;
    std::printf("  output %s\n", signature(info).c_str());
  }
  std::printf("  %d parameters\n", mcc_model_num_params(model.get()));

  std::vector<DLTensor> tensors;
  for (const Input &in : inputs) tensors.push_back(in.tensor);
  if (!check(mcc_model_run(model.get(), tensors.data(), (int32_t)tensors.size()), "mcc_model_run")) return 1;

  for (int32_t i = 0; i < mcc_model_num_outputs(model.get()); i++) {
    DLTensor y;  // a view into the instance: valid until the next run or destroy
    if (!check(mcc_model_output(model.get(), i, &y), "mcc_model_output")) return 1;
    mcc_model_output_info(model.get(), i, &info);
    int64_t cols = y.ndim ? y.shape[y.ndim - 1] : 1, rows = 1;
    for (int d = 0; d + 1 < y.ndim; d++) rows *= y.shape[d];
    const float *v = static_cast<const float *>(y.data);
    for (int64_t r = 0; r < rows; r++) {
      std::printf("%s[%lld] =", info.name, (long long)r);
      int64_t best = 0;
      for (int64_t c = 0; c < cols; c++) {
        std::printf(" %.4f", v[r * cols + c]);
        if (v[r * cols + c] > v[r * cols + best]) best = c;
      }
      std::printf("  argmax %lld\n", (long long)best);
    }
  }

  // Error handling: shrink the first input's last dim by one; the library says what is wrong.
  if (!inputs.empty()) {
    std::vector<int64_t> bad_shape = inputs[0].shape;
    bad_shape.back() -= 1;
    tensors[0].shape = bad_shape.data();
    mcc_status status = mcc_model_run(model.get(), tensors.data(), (int32_t)tensors.size());
    std::printf("run with last dim %lld: %s: %s\n", (long long)bad_shape.back(), mcc_status_string(status),
                mcc_last_error());
    if (status == MCC_OK) return 1;
  }
  return 0;
}
