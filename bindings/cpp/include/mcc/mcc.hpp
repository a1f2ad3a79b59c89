// mcc.hpp: header-only C++17 bindings for libraries built by mcc (the C ABI of mcc.h).
//
//     #include <mcc/mcc.hpp>
//     mcc::Model model;                                     // the model of the library this program links
//     mcc::Tensor<float> x({2, 784});                       // owning, zero-filled
//     model.run({x});                                       // inputs by position, or run({{"x", x}})
//     mcc::TensorView<const float> probs = model.output<float>("probs");   // [2, 10], no copy
//
// Or, without linking the model: `auto model = mcc::Model::load("./libmlp.so");` (dlopen).
//
// Errors throw mcc::Error, which carries the mcc_status and the library's own message
// ("input 'x' (#0): dim 1 is 783, expected 784"). Threading follows mcc.h: a Model is one
// instance, to be used by one thread at a time; make one Model per thread (parameters are
// shared between instances, so that is cheap). Views returned by output() stay valid until the
// next run(), close() or destruction of that Model; output_copy() returns an owning Tensor.
#ifndef MCC_HPP
#define MCC_HPP

#include "mcc.h"
#include "optimizer.hpp"

#include <dlfcn.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace mcc {

// --- errors ----------------------------------------------------------------------------------

/// mcc_status as a scoped enum.
enum class Status : int {
  Ok = MCC_OK,
  InvalidArgument = MCC_ERR_INVALID_ARGUMENT,
  ShapeMismatch = MCC_ERR_SHAPE_MISMATCH,
  DtypeMismatch = MCC_ERR_DTYPE_MISMATCH,
  Unsupported = MCC_ERR_UNSUPPORTED,
  OutOfMemory = MCC_ERR_OUT_OF_MEMORY,
  NotFound = MCC_ERR_NOT_FOUND,
  Internal = MCC_ERR_INTERNAL,
};

/// The status's name as mcc.h spells it, without the prefix: "SHAPE_MISMATCH".
inline const char *to_string(Status s) noexcept {
  switch (s) {
    case Status::Ok: return "OK";
    case Status::InvalidArgument: return "INVALID_ARGUMENT";
    case Status::ShapeMismatch: return "SHAPE_MISMATCH";
    case Status::DtypeMismatch: return "DTYPE_MISMATCH";
    case Status::Unsupported: return "UNSUPPORTED";
    case Status::OutOfMemory: return "OUT_OF_MEMORY";
    case Status::NotFound: return "NOT_FOUND";
    case Status::Internal: return "INTERNAL";
  }
  return "UNKNOWN_STATUS";
}

/// A failure: the library's status and message, or the binding's own for misuse it catches
/// first (a closed model, an unknown input name, a wrong element type for a view).
class Error : public std::runtime_error {
 public:
  Error(Status status, const std::string &message)
      : std::runtime_error(message + " [" + to_string(status) + "]"), status_(status), message_(message) {}
  Status status() const noexcept { return status_; }
  /// The message alone, without the status suffix that what() adds.
  const std::string &message() const noexcept { return message_; }

 private:
  Status status_;
  std::string message_;
};

// --- element types -----------------------------------------------------------------------------

/// The DLPack type of a C++ element type: dtype_of<float>() is {kDLFloat, 32, 1}.
template <class T>
constexpr DLDataType dtype_of() noexcept {
  using U = std::remove_cv_t<T>;
  static_assert(std::is_arithmetic_v<U>, "mcc tensors hold arithmetic element types");
  if constexpr (std::is_same_v<U, bool>) {
    return DLDataType{6 /* kDLBool, DLPack 0.8 */, 8, 1};
  } else if constexpr (std::is_floating_point_v<U>) {
    return DLDataType{kDLFloat, static_cast<uint8_t>(sizeof(U) * 8), 1};
  } else if constexpr (std::is_signed_v<U>) {
    return DLDataType{kDLInt, static_cast<uint8_t>(sizeof(U) * 8), 1};
  } else {
    return DLDataType{kDLUInt, static_cast<uint8_t>(sizeof(U) * 8), 1};
  }
}

inline bool operator==(DLDataType a, DLDataType b) noexcept {
  return a.code == b.code && a.bits == b.bits && a.lanes == b.lanes;
}
inline bool operator!=(DLDataType a, DLDataType b) noexcept { return !(a == b); }

/// M's spelling of a DLPack type: "f32", "i64", "u8", "bf16", "bool".
inline std::string type_name(DLDataType t) {
  if (t.code == 6 && t.bits == 8 && t.lanes == 1) return "bool";
  const char *kind = t.code == kDLFloat ? "f" : t.code == kDLInt ? "i" : t.code == kDLUInt ? "u"
                     : t.code == kDLBfloat ? "bf" : t.code == kDLComplex ? "c" : "?";
  return kind + std::to_string(t.bits) + (t.lanes != 1 ? "x" + std::to_string(t.lanes) : "");
}

// --- tensors -------------------------------------------------------------------------------------

using Shape = std::vector<int64_t>;

/// "[2, 784]".
inline std::string to_string(const Shape &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); i++) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// Number of elements of a shape (1 for a scalar); throws Error on a negative dim.
inline size_t element_count(const Shape &shape) {
  size_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw Error(Status::ShapeMismatch, "negative dim in shape " + to_string(shape));
    n *= static_cast<size_t>(d);
  }
  return n;
}

/// A non-owning view of a compact row-major tensor: a std::span<T> with a shape.
/// `TensorView<const float>` reads, `TensorView<float>` writes; the first converts from the second.
template <class T>
class TensorView {
 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  using iterator = T *;

  TensorView() = default;
  TensorView(T *data, Shape shape) : data_(data), shape_(std::move(shape)), size_(element_count(shape_)) {}
  template <class U, class = std::enable_if_t<std::is_convertible_v<U (*)[], T (*)[]>>>
  TensorView(const TensorView<U> &other) : data_(other.data()), shape_(other.shape()), size_(other.size()) {}

  T *data() const noexcept { return data_; }
  const Shape &shape() const noexcept { return shape_; }
  int64_t dim(size_t axis) const { return shape_.at(axis); }
  size_t rank() const noexcept { return shape_.size(); }
  size_t size() const noexcept { return size_; }
  size_t size_bytes() const noexcept { return size_ * sizeof(T); }
  bool empty() const noexcept { return size_ == 0; }
  static constexpr DLDataType dtype() noexcept { return dtype_of<T>(); }

  T *begin() const noexcept { return data_; }
  T *end() const noexcept { return data_ + size_; }
  T &operator[](size_t i) const noexcept { return data_[i]; }
  /// Element at a multi-index, row-major: view(b, c) for a rank-2 view. Checks rank and bounds.
  template <class... Index>
  T &operator()(Index... index) const {
    const int64_t idx[] = {static_cast<int64_t>(index)...};
    if (sizeof...(Index) != shape_.size())
      throw Error(Status::ShapeMismatch, "rank-" + std::to_string(shape_.size()) + " view indexed with " +
                                             std::to_string(sizeof...(Index)) + " indices");
    size_t offset = 0;
    for (size_t d = 0; d < shape_.size(); d++) {
      if (idx[d] < 0 || idx[d] >= shape_[d])
        throw Error(Status::InvalidArgument, "index " + std::to_string(idx[d]) + " out of range for dim " +
                                                 std::to_string(d) + " of " + to_string(shape_));
      offset = offset * static_cast<size_t>(shape_[d]) + static_cast<size_t>(idx[d]);
    }
    return data_[offset];
  }

 private:
  T *data_ = nullptr;
  Shape shape_;
  size_t size_ = 0;
};

/// An owning, compact row-major tensor (a std::vector<T> with a shape).
template <class T>
class Tensor {
 public:
  using value_type = T;

  Tensor() = default;
  /// Zero-filled.
  explicit Tensor(Shape shape) : shape_(std::move(shape)), data_(element_count(shape_)) {}
  Tensor(std::initializer_list<int64_t> shape) : Tensor(Shape(shape)) {}
  /// Takes `data`; its size must match the shape.
  Tensor(Shape shape, std::vector<T> data) : shape_(std::move(shape)), data_(std::move(data)) {
    if (data_.size() != element_count(shape_))
      throw Error(Status::InvalidArgument, std::to_string(data_.size()) + " values for shape " + to_string(shape_));
  }

  TensorView<T> view() { return TensorView<T>(data_.data(), shape_); }
  TensorView<const T> view() const { return TensorView<const T>(data_.data(), shape_); }
  operator TensorView<T>() { return view(); }
  operator TensorView<const T>() const { return view(); }

  T *data() noexcept { return data_.data(); }
  const T *data() const noexcept { return data_.data(); }
  const Shape &shape() const noexcept { return shape_; }
  int64_t dim(size_t axis) const { return shape_.at(axis); }
  size_t rank() const noexcept { return shape_.size(); }
  size_t size() const noexcept { return data_.size(); }
  const std::vector<T> &values() const noexcept { return data_; }
  std::vector<T> &values() noexcept { return data_; }
  T *begin() noexcept { return data_.data(); }
  T *end() noexcept { return data_.data() + data_.size(); }
  const T *begin() const noexcept { return data_.data(); }
  const T *end() const noexcept { return data_.data() + data_.size(); }
  T &operator[](size_t i) noexcept { return data_[i]; }
  const T &operator[](size_t i) const noexcept { return data_[i]; }

 private:
  Shape shape_;
  std::vector<T> data_;
};

/// One input of a run: any view or tensor, type-erased (its data is not copied).
class Input {
 public:
  template <class T>
  Input(const TensorView<T> &v) : data_(const_cast<std::remove_cv_t<T> *>(v.data())), dtype_(dtype_of<T>()), shape_(v.shape()) {}
  template <class T>
  Input(const Tensor<T> &t) : Input(t.view()) {}
  /// Raw memory with an explicit element type (e.g. bf16 data, which has no C++ type).
  Input(const void *data, DLDataType dtype, Shape shape) : data_(const_cast<void *>(data)), dtype_(dtype), shape_(std::move(shape)) {}

  DLTensor dl() const noexcept {
    DLTensor t{};
    t.data = data_;
    t.device = {kDLCPU, 0};
    t.ndim = static_cast<int32_t>(shape_.size());
    t.dtype = dtype_;
    t.shape = const_cast<int64_t *>(shape_.data());
    return t;
  }

 private:
  void *data_;
  DLDataType dtype_;
  Shape shape_;
};

// --- libraries -------------------------------------------------------------------------------------

/// A signature slot: `x: f32[batch, 784]` has dims {-1, 784} and dim_names {"batch", ""}.
struct TensorInfo {
  std::string name;
  DLDataType dtype{};
  Shape dims;                          ///< -1 marks a symbolic dim
  std::vector<std::string> dim_names;  ///< the symbol or expression of a symbolic dim, "" for static dims

  bool is_symbolic(size_t axis) const { return dims.at(axis) < 0; }
  /// As M writes it: "x: f32[batch, 784]".
  std::string to_string() const {
    std::string s = name + ": " + type_name(dtype) + "[";
    for (size_t d = 0; d < dims.size(); d++)
      s += (d ? ", " : "") + (dims[d] < 0 ? dim_names[d] : std::to_string(dims[d]));
    return s + "]";
  }
};

namespace detail {
// The C ABI as function pointers: the linked library's, or one dlopen'd per path.
struct Api {
  std::string path;
  uint32_t (*abi_version)();
  const char *(*compiler_version)();
  const char *(*last_error)();
  int32_t (*model_count)();
  const char *(*model_name)(int32_t);
  mcc_status (*create)(const char *, mcc_model **);
  void (*destroy)(mcc_model *);
  const char *(*instance_name)(const mcc_model *);
  int32_t (*num_inputs)(const mcc_model *);
  int32_t (*num_outputs)(const mcc_model *);
  int32_t (*num_params)(const mcc_model *);
  mcc_status (*input_info)(const mcc_model *, int32_t, mcc_tensor_info *);
  mcc_status (*output_info)(const mcc_model *, int32_t, mcc_tensor_info *);
  mcc_status (*param_info)(const mcc_model *, int32_t, mcc_tensor_info *);
  mcc_status (*param)(const mcc_model *, int32_t, DLTensor *);
  mcc_status (*run)(mcc_model *, const DLTensor *, int32_t);
  mcc_status (*output)(mcc_model *, int32_t, DLTensor *);
  mcc_status (*set_num_threads)(mcc_model *, int32_t);
  // ABI 1.1 (training); null in a library built before it.
  struct Training {
    int32_t (*has_training)(const mcc_model *);
    mcc_status (*set_optimizer)(mcc_model *, const mcc_optimizer_config *);
    mcc_status (*train_step)(mcc_model *, const DLTensor *, int32_t, const DLTensor *, float *);
    mcc_status (*backward)(mcc_model *, const DLTensor *, int32_t, const DLTensor *, float *);
    mcc_status (*zero_grad)(mcc_model *);
    mcc_status (*optimizer_step)(mcc_model *);
    mcc_status (*evaluate)(mcc_model *, const DLTensor *, int32_t, const DLTensor *, float *);
    mcc_status (*set_param)(mcc_model *, int32_t, const DLTensor *);
    mcc_status (*freeze)(mcc_model *, const char *, int32_t, int32_t *);
    mcc_status (*save_checkpoint)(const mcc_model *, const char *);
    mcc_status (*load_checkpoint)(mcc_model *, const char *);
    mcc_status (*set_seed)(mcc_model *, uint64_t);
    double (*learning_rate)(const mcc_model *);
    int64_t (*step_count)(const mcc_model *);
  } training{};

  void check(mcc_status s) const {
    if (s != MCC_OK) throw Error(static_cast<Status>(s), last_error());
  }
};
}  // namespace detail

/// An mcc library: the one this program links, or one opened by path. Cheap to copy; the
/// library stays loaded for the rest of the process (as with ctypes and JNI), so no model,
/// view or OpenBLAS thread can outlive its code.
class Library {
 public:
  /// Opens `path` with dlopen (RTLD_LOCAL: several mcc libraries can live in one process).
  /// Throws Error(NotFound) when it cannot be loaded, Error(Unsupported) when it is not an mcc
  /// library of ABI major MCC_ABI_VERSION_MAJOR.
  static Library open(const std::string &path) {
    void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char *why = dlerror();
      throw Error(Status::NotFound, "cannot load mcc library '" + path + "': " + (why ? why : "dlopen failed"));
    }
    auto api = std::make_shared<detail::Api>();
    api->path = path;
    try {
      bind(*api, [&](const char *name, bool required) {
        void *fn = dlsym(handle, name);
        if (!fn && required) throw Error(Status::Unsupported, "'" + path + "' is not an mcc library: it lacks " + name);
        return fn;
      });
    } catch (...) {
      dlclose(handle);  // nothing of it is in use yet
      throw;
    }
    return Library(std::move(api));
  }

  /// The library linked into this program (-lmodel, via pkg-config or CMake). Only a program
  /// that calls this (or default-constructs a Model) needs to link one.
  static Library linked() {
    static const std::shared_ptr<const detail::Api> api = [] {
      auto a = std::make_shared<detail::Api>(detail::Api{
          "(linked)", &mcc_abi_version, &mcc_compiler_version, &mcc_last_error, &mcc_model_count, &mcc_model_name,
          &mcc_model_create, &mcc_model_destroy, &mcc_model_instance_name, &mcc_model_num_inputs,
          &mcc_model_num_outputs, &mcc_model_num_params, &mcc_model_input_info, &mcc_model_output_info,
          &mcc_model_param_info, &mcc_model_param, &mcc_model_run, &mcc_model_output, &mcc_model_set_num_threads,
          detail::Api::Training{&mcc_model_has_training, &mcc_model_set_optimizer, &mcc_model_train_step,
                                &mcc_model_backward, &mcc_model_zero_grad, &mcc_model_optimizer_step, &mcc_model_evaluate,
                                &mcc_model_set_param, &mcc_model_freeze, &mcc_model_save_checkpoint,
                                &mcc_model_load_checkpoint, &mcc_model_set_seed, &mcc_model_learning_rate,
                                &mcc_model_step_count}});
      check_version(*a);
      return a;
    }();
    return Library(api);
  }

  const std::string &path() const noexcept { return api_->path; }
  /// (major << 16) | minor of the ABI the library implements.
  uint32_t abi_version() const { return api_->abi_version(); }
  /// The mcc that built it, e.g. "0.1.0".
  std::string compiler_version() const { return api_->compiler_version(); }
  /// The models it holds, in declaration order.
  std::vector<std::string> model_names() const {
    std::vector<std::string> names;
    for (int32_t i = 0; i < api_->model_count(); i++) names.emplace_back(api_->model_name(i));
    return names;
  }

 private:
  friend class Model;
  explicit Library(std::shared_ptr<const detail::Api> api) : api_(std::move(api)) {}

  template <class Lookup>
  static void bind(detail::Api &a, Lookup lookup) {
    auto get = [&](auto &fn, const char *name, bool required = true) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(lookup(name, required));
    };
    get(a.abi_version, "mcc_abi_version");
    get(a.compiler_version, "mcc_compiler_version");
    get(a.last_error, "mcc_last_error");
    get(a.model_count, "mcc_model_count");
    get(a.model_name, "mcc_model_name");
    get(a.create, "mcc_model_create");
    get(a.destroy, "mcc_model_destroy");
    get(a.instance_name, "mcc_model_instance_name");
    get(a.num_inputs, "mcc_model_num_inputs");
    get(a.num_outputs, "mcc_model_num_outputs");
    get(a.num_params, "mcc_model_num_params");
    get(a.input_info, "mcc_model_input_info");
    get(a.output_info, "mcc_model_output_info");
    get(a.param_info, "mcc_model_param_info");
    get(a.param, "mcc_model_param");
    get(a.run, "mcc_model_run");
    get(a.output, "mcc_model_output");
    get(a.set_num_threads, "mcc_model_set_num_threads");
    auto &t = a.training;
    get(t.has_training, "mcc_model_has_training", false);
    get(t.set_optimizer, "mcc_model_set_optimizer", false);
    get(t.train_step, "mcc_model_train_step", false);
    get(t.backward, "mcc_model_backward", false);
    get(t.zero_grad, "mcc_model_zero_grad", false);
    get(t.optimizer_step, "mcc_model_optimizer_step", false);
    get(t.evaluate, "mcc_model_evaluate", false);
    get(t.set_param, "mcc_model_set_param", false);
    get(t.freeze, "mcc_model_freeze", false);
    get(t.save_checkpoint, "mcc_model_save_checkpoint", false);
    get(t.load_checkpoint, "mcc_model_load_checkpoint", false);
    get(t.set_seed, "mcc_model_set_seed", false);
    get(t.learning_rate, "mcc_model_learning_rate", false);
    get(t.step_count, "mcc_model_step_count", false);
    if (!t.step_count) t = {};   // all or nothing: a library before ABI 1.1 has none
    check_version(a);
  }

  static void check_version(const detail::Api &a) {
    uint32_t v = a.abi_version();
    if (v >> 16 != MCC_ABI_VERSION_MAJOR)
      throw Error(Status::Unsupported, "'" + a.path + "' implements mcc C ABI " + std::to_string(v >> 16) + "." +
                                           std::to_string(v & 0xffff) + "; mcc.hpp supports " +
                                           std::to_string(MCC_ABI_VERSION_MAJOR) + ".x");
  }

  std::shared_ptr<const detail::Api> api_;
};

// --- models ------------------------------------------------------------------------------------------

/// One instance of a compiled model (RAII over mcc_model_create/destroy). Move-only.
/// Not for concurrent use: one thread at a time per Model, or one Model per thread.
class Model {
 public:
  /// An instance of `name` (default: the library's default model) from the linked library.
  explicit Model(const char *name = nullptr) : Model(Library::linked(), name) {}
  explicit Model(const Library &library, const char *name = nullptr) : api_(library.api_) {
    api_->check(api_->create(name, &model_));
    try {
      name_ = api_->instance_name(model_);
      read_infos(api_->num_inputs, api_->input_info, inputs_);
      read_infos(api_->num_outputs, api_->output_info, outputs_);
      read_infos(api_->num_params, api_->param_info, params_);
    } catch (...) {
      close();
      throw;
    }
  }
  Model(const Library &library, const std::string &name) : Model(library, name.c_str()) {}
  /// Opens the library at `path` and creates an instance of `name`.
  static Model load(const std::string &path, const char *name = nullptr) { return Model(Library::open(path), name); }

  Model(Model &&other) noexcept
      : api_(std::move(other.api_)), model_(std::exchange(other.model_, nullptr)), name_(other.name_),
        inputs_(std::move(other.inputs_)), outputs_(std::move(other.outputs_)), params_(std::move(other.params_)) {}
  Model &operator=(Model &&other) noexcept {
    if (this != &other) {
      close();
      api_ = std::move(other.api_);
      model_ = std::exchange(other.model_, nullptr);
      name_ = other.name_;  // the moved-from model keeps its name for "model 'MLP' is closed"
      inputs_ = std::move(other.inputs_);
      outputs_ = std::move(other.outputs_);
      params_ = std::move(other.params_);
    }
    return *this;
  }
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;
  ~Model() { close(); }

  /// Destroys the instance now; every later call throws Error(InvalidArgument). Idempotent.
  void close() noexcept {
    if (model_) api_->destroy(model_);
    model_ = nullptr;
  }
  bool closed() const noexcept { return model_ == nullptr; }
  explicit operator bool() const noexcept { return model_ != nullptr; }

  const std::string &name() const noexcept { return name_; }
  const std::vector<TensorInfo> &inputs() const noexcept { return inputs_; }
  const std::vector<TensorInfo> &outputs() const noexcept { return outputs_; }
  const std::vector<TensorInfo> &params() const noexcept { return params_; }
  size_t input_index(std::string_view name) const { return find(inputs_, name, "input"); }
  size_t output_index(std::string_view name) const { return find(outputs_, name, "output"); }
  size_t param_index(std::string_view name) const { return find(params_, name, "parameter"); }

  /// Runs on inputs in declaration order. The library checks every dtype and dim first and
  /// throws its message on a mismatch; the previous run's outputs then stay valid.
  Model &run(std::initializer_list<Input> inputs) { return run_inputs(inputs.begin(), inputs.size()); }
  Model &run(const std::vector<Input> &inputs) { return run_inputs(inputs.data(), inputs.size()); }
  /// Runs on inputs by name: run({{"x", x}}). Every input must be named exactly once.
  Model &run(std::initializer_list<std::pair<std::string_view, Input>> named) {
    std::vector<const Input *> slots(inputs_.size(), nullptr);
    for (const auto &[key, value] : named) {
      size_t i = input_index(key);
      if (slots[i]) throw Error(Status::InvalidArgument, "input '" + std::string(key) + "' given twice");
      slots[i] = &value;
    }
    std::vector<Input> ordered;
    for (size_t i = 0; i < slots.size(); i++) {
      if (!slots[i]) throw Error(Status::InvalidArgument, "model '" + name_ + "': missing input '" + inputs_[i].name + "'");
      ordered.push_back(*slots[i]);
    }
    return run_inputs(ordered.data(), ordered.size());
  }

  /// A view of output `index` of the last run, valid until the next run, close or destruction.
  /// Throws Error(DtypeMismatch) when T is not the output's element type.
  template <class T>
  TensorView<const T> output(size_t index) {
    DLTensor view = raw_output(index);
    return typed_view<T>(view, "output '" + outputs_.at(index).name + "'");
  }
  template <class T>
  TensorView<const T> output(std::string_view name) { return output<T>(output_index(name)); }
  /// An owning copy of an output.
  template <class T, class Key>
  Tensor<T> output_copy(Key key) {
    TensorView<const T> v = output<T>(key);
    return Tensor<T>(v.shape(), std::vector<T>(v.begin(), v.end()));
  }

  /// A read-only view of a parameter: this instance's values (shared with other instances until
  /// it writes them: set_param, training, load_checkpoint; take a new view after those).
  template <class T>
  TensorView<const T> param(size_t index) const {
    if (index >= params_.size()) throw Error(Status::InvalidArgument, "parameter index out of range");
    DLTensor view{};
    api_->check(api_->param(live(), static_cast<int32_t>(index), &view));
    return typed_view<T>(view, "parameter '" + params_[index].name + "'");
  }
  template <class T>
  TensorView<const T> param(std::string_view name) const { return param<T>(param_index(name)); }

  /// Threads the kernels may use (see mcc_model_set_num_threads: currently process-wide).
  void set_num_threads(int32_t n) { api_->check(api_->set_num_threads(live(), n)); }

  // --- training (ABI 1.1; see mcc.h): throws Error(Unsupported) without training functions ---

  bool has_training() const { return api_->training.has_training && api_->training.has_training(live()); }
  void set_optimizer(const mcc_optimizer_config &config) { api_->check(train().set_optimizer(live(), &config)); }
  /// zero_grad + backward + optimizer_step; returns the batch loss.
  float train_step(std::initializer_list<Input> inputs, const Input &target) { return loss_call(train().train_step, inputs, target); }
  /// Adds this batch's gradients to the accumulated ones; returns the batch loss.
  float backward(std::initializer_list<Input> inputs, const Input &target) { return loss_call(train().backward, inputs, target); }
  /// The inference-mode loss; output() then reads the forward outputs of this batch.
  float evaluate(std::initializer_list<Input> inputs, const Input &target) { return loss_call(train().evaluate, inputs, target); }
  void zero_grad() { api_->check(train().zero_grad(live())); }
  void optimizer_step() { api_->check(train().optimizer_step(live())); }
  /// Copies `value` (the parameter's exact dtype and shape) into this instance's parameter.
  void set_param(std::string_view name, const Input &value) {
    DLTensor t = value.dl();
    api_->check(train().set_param(live(), static_cast<int32_t>(param_index(name)), &t));
  }
  /// (Un)freezes the parameters `prefix` and `prefix.*`; returns how many matched.
  int32_t freeze(const std::string &prefix, bool frozen = true) {
    int32_t count = 0;
    api_->check(train().freeze(live(), prefix.c_str(), frozen ? 1 : 0, &count));
    return count;
  }
  int32_t unfreeze(const std::string &prefix) { return freeze(prefix, false); }
  void save_checkpoint(const std::string &path) const { api_->check(train().save_checkpoint(live(), path.c_str())); }
  void load_checkpoint(const std::string &path) { api_->check(train().load_checkpoint(live(), path.c_str())); }
  void set_seed(uint64_t seed) { api_->check(train().set_seed(live(), seed)); }
  double learning_rate() const { return train().learning_rate(live()); }
  int64_t step_count() const { return train().step_count(live()); }

  /// The underlying handle, for calling the C ABI directly.
  mcc_model *handle() const noexcept { return model_; }

 private:
  mcc_model *live() const {
    if (!model_) throw Error(Status::InvalidArgument, "model '" + name_ + "' is closed");
    return model_;
  }

  const detail::Api::Training &train() const {
    if (!api_->training.step_count)
      throw Error(Status::Unsupported, "'" + api_->path + "' was built before the training ABI (1.1)");
    return api_->training;
  }

  template <class Fn>
  float loss_call(Fn fn, std::initializer_list<Input> inputs, const Input &target) {
    mcc_model *m = live();
    std::vector<DLTensor> tensors;
    for (const Input &in : inputs) tensors.push_back(in.dl());
    DLTensor t = target.dl();
    float loss = 0;
    api_->check(fn(m, tensors.data(), static_cast<int32_t>(tensors.size()), &t, &loss));
    return loss;
  }

  Model &run_inputs(const Input *inputs, size_t count) {
    mcc_model *m = live();
    std::vector<DLTensor> tensors;
    tensors.reserve(count);
    for (size_t i = 0; i < count; i++) tensors.push_back(inputs[i].dl());
    api_->check(api_->run(m, tensors.data(), static_cast<int32_t>(count)));
    return *this;
  }

  DLTensor raw_output(size_t index) {
    mcc_model *m = live();
    if (index >= outputs_.size()) throw Error(Status::InvalidArgument, "output index out of range");
    DLTensor view{};
    api_->check(api_->output(m, static_cast<int32_t>(index), &view));
    return view;
  }

  template <class T>
  static TensorView<const T> typed_view(const DLTensor &view, const std::string &what) {
    if (view.dtype != dtype_of<T>())
      throw Error(Status::DtypeMismatch, what + " is " + type_name(view.dtype) + ", not " + type_name(dtype_of<T>()));
    Shape shape(view.shape, view.shape + view.ndim);
    auto *data = reinterpret_cast<const T *>(static_cast<const char *>(view.data) + view.byte_offset);
    return TensorView<const T>(data, std::move(shape));  // mcc outputs and parameters are compact
  }

  template <class Count, class Info>
  void read_infos(Count count, Info info_fn, std::vector<TensorInfo> &out) {
    int32_t n = count(model_);
    for (int32_t i = 0; i < n; i++) {
      mcc_tensor_info info{};
      api_->check(info_fn(model_, i, &info));
      TensorInfo t;
      t.name = info.name;
      t.dtype = info.dtype;
      for (int32_t d = 0; d < info.ndim; d++) {
        t.dims.push_back(info.dims[d]);
        t.dim_names.emplace_back(info.dims[d] < 0 && info.dim_names && info.dim_names[d] ? info.dim_names[d] : "");
      }
      out.push_back(std::move(t));
    }
  }

  size_t find(const std::vector<TensorInfo> &infos, std::string_view name, const char *kind) const {
    for (size_t i = 0; i < infos.size(); i++)
      if (infos[i].name == name) return i;
    throw Error(Status::NotFound, "model '" + name_ + "' has no " + kind + " '" + std::string(name) + "'");
  }

  std::shared_ptr<const detail::Api> api_;
  mcc_model *model_ = nullptr;
  std::string name_;
  std::vector<TensorInfo> inputs_, outputs_, params_;
};

}  // namespace mcc

#endif  // MCC_HPP
