/*
 * mcc.h — the C ABI of every shared library that mcc emits.
 *
 * A library built by `mcc model.m -o libmodel.so` contains one or more compiled
 * models, their parameters, and the small runtime that drives them. Nothing else
 * is needed at run time besides libc, libm, pthreads and OpenBLAS.
 *
 * Typical use:
 *
 *     mcc_model *m = NULL;
 *     if (mcc_model_create(NULL, &m) != MCC_OK) { puts(mcc_last_error()); return 1; }
 *     int64_t shape[2] = {1, 784};
 *     DLTensor x = {.data = pixels, .device = {kDLCPU, 0}, .ndim = 2,
 *                   .dtype = {kDLFloat, 32, 1}, .shape = shape};
 *     if (mcc_model_run(m, &x, 1) != MCC_OK) { puts(mcc_last_error()); }
 *     DLTensor y;
 *     mcc_model_output(m, 0, &y);          // a view into the instance's memory
 *     mcc_model_destroy(m);
 *
 * Tensors are DLPack 0.6 `DLTensor`s (dlpack/dlpack.h, Debian's libdlpack-dev):
 * CPU device, compact row-major (strides NULL or equal to the compact strides);
 * `byte_offset` is honoured. Data needs only the element type's natural alignment.
 * A dim of 0 is allowed (the run computes nothing for it).
 *
 * Errors: every function that can fail returns an `mcc_status`. On failure,
 * `mcc_last_error()` returns a message for the calling thread that says what
 * was wrong ("input 'x' (#0): dim 1 is 783, expected 784").
 *
 * Threading contract:
 *   - Functions that take no `mcc_model *` (ABI version, model list, metadata of
 *     compiled models, last error) may be called from any thread at any time.
 *   - Distinct instances are fully independent: they may run concurrently on
 *     different threads. Parameters are shared read-only between instances.
 *   - One instance must not be used by two threads at the same time; callers
 *     serialize calls on one instance (or create one instance per thread).
 *   - Output views returned by `mcc_model_output` stay valid until the next
 *     `mcc_model_run`, training call (train step, backward, evaluate) or
 *     `mcc_model_destroy` on that instance.
 *   - Parameters are shared read-only between instances until an instance writes
 *     them (mcc_model_set_param, a train step, loading a checkpoint): that instance
 *     then gets its own copy (copy-on-write), which no other instance sees.
 *   - A rejected run (any non-OK status from mcc_model_run) leaves the previous
 *     successful run's outputs intact.
 *   - `mcc_last_error()` is thread-local: it reports the calling thread's last
 *     failure and stays valid until that thread's next failing call.
 */
#ifndef MCC_H
#define MCC_H

#include <stddef.h>
#include <stdint.h>
#include <dlpack/dlpack.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define MCC_API __attribute__((visibility("default")))
#else
#define MCC_API
#endif

/* The ABI version this header describes. A library reports its own through
 * mcc_abi_version(); callers should refuse a library whose major differs. */
#define MCC_ABI_VERSION_MAJOR 1
#define MCC_ABI_VERSION_MINOR 1
#define MCC_ABI_VERSION ((MCC_ABI_VERSION_MAJOR << 16) | MCC_ABI_VERSION_MINOR)

typedef enum mcc_status {
  MCC_OK = 0,
  MCC_ERR_INVALID_ARGUMENT = 1, /* null pointer, index out of range, wrong input count,
                                 * output requested before any successful run */
  MCC_ERR_SHAPE_MISMATCH = 2,   /* wrong rank or dim, inconsistent symbolic dim */
  MCC_ERR_DTYPE_MISMATCH = 3,   /* wrong element type */
  MCC_ERR_UNSUPPORTED = 4,      /* non-CPU device, non-compact strides, ... */
  MCC_ERR_OUT_OF_MEMORY = 5,
  MCC_ERR_NOT_FOUND = 6,        /* no model / input / parameter of that name */
  MCC_ERR_INTERNAL = 7
} mcc_status;

/* An instance of a compiled model: its work memory and output buffers. */
typedef struct mcc_model mcc_model;

/* What a tensor slot (input, output or parameter) expects. */
typedef struct mcc_tensor_info {
  const char *name;           /* "x", "logits", "fc1.weight" */
  DLDataType dtype;           /* e.g. {kDLFloat, 32, 1} */
  int32_t ndim;
  const int64_t *dims;        /* ndim entries; -1 marks a symbolic dim */
  const char *const *dim_names; /* ndim entries; symbolic dims have their name
                                 * ("batch") or expression ("(h-3)/2+1"),
                                 * static dims have NULL */
} mcc_tensor_info;

/* --- library-wide queries ------------------------------------------------ */

/* (major << 16) | minor of the ABI the library implements. */
MCC_API uint32_t mcc_abi_version(void);
/* The mcc version that produced the library, e.g. "0.1.0". */
MCC_API const char *mcc_compiler_version(void);
/* The calling thread's last error message ("" if none). */
MCC_API const char *mcc_last_error(void);
/* Human-readable name of a status code. */
MCC_API const char *mcc_status_string(mcc_status status);

/* Models compiled into this library, in declaration order. */
MCC_API int32_t mcc_model_count(void);
/* Name of model `index`, or NULL when out of range. */
MCC_API const char *mcc_model_name(int32_t index);

/* --- instances ----------------------------------------------------------- */

/* Creates an instance of the model called `name`, or of the library's default
 * model (the last one declared, or the one chosen with `mcc --model`) when
 * `name` is NULL. */
MCC_API mcc_status mcc_model_create(const char *name, mcc_model **out_model);
/* Frees an instance and everything it owns. NULL is a no-op. */
MCC_API void mcc_model_destroy(mcc_model *model);
/* Name of the model this instance runs. */
MCC_API const char *mcc_model_instance_name(const mcc_model *model);

/* --- introspection (valid for the instance's lifetime) ------------------- */

MCC_API int32_t mcc_model_num_inputs(const mcc_model *model);
MCC_API int32_t mcc_model_num_outputs(const mcc_model *model);
MCC_API int32_t mcc_model_num_params(const mcc_model *model);
/* Fill `*info` with the declared signature of input/output/parameter `index`.
 * The pointers inside stay valid for the library's lifetime. */
MCC_API mcc_status mcc_model_input_info(const mcc_model *model, int32_t index, mcc_tensor_info *info);
MCC_API mcc_status mcc_model_output_info(const mcc_model *model, int32_t index, mcc_tensor_info *info);
MCC_API mcc_status mcc_model_param_info(const mcc_model *model, int32_t index, mcc_tensor_info *info);
/* Index of the input/output/parameter called `name`, or -1. */
MCC_API int32_t mcc_model_find_input(const mcc_model *model, const char *name);
MCC_API int32_t mcc_model_find_output(const mcc_model *model, const char *name);
MCC_API int32_t mcc_model_find_param(const mcc_model *model, const char *name);
/* A read-only view of parameter `index` (always fully static shape): the instance's
 * current values. A view taken before the instance's first parameter write keeps
 * showing the compiled values; take a new view after training. */
MCC_API mcc_status mcc_model_param(const mcc_model *model, int32_t index, DLTensor *out_view);

/* --- running ------------------------------------------------------------- */

/* Runs the model on `num_inputs` tensors given in declaration order. Checks
 * every input (null pointers, device, dtype, rank, each dim, symbolic dims
 * agreeing across inputs) before any computation. */
MCC_API mcc_status mcc_model_run(mcc_model *model, const DLTensor *inputs, int32_t num_inputs);
/* A view of output `index` of the last successful run (or training call: train step,
 * backward, evaluate, which compute the forward outputs too): its shape is concrete.
 * The view is owned by the instance (see the threading contract above). */
MCC_API mcc_status mcc_model_output(mcc_model *model, int32_t index, DLTensor *out_view);

/* Number of threads this instance's kernels use (default: the number of online
 * cores; 1 runs everything on the calling thread). Each instance owns its thread pool,
 * whose idle workers sleep (no spinning). GEMM runs in OpenBLAS, whose thread count is
 * process-wide: the last call of any instance sets it. */
MCC_API mcc_status mcc_model_set_num_threads(mcc_model *model, int32_t num_threads);

/* --- profiling ---------------------------------------------------------- */

/* Starts (enable != 0) or stops and discards per-kernel profiling of this instance.
 * While enabled, every kernel call of every run is recorded with its time and FLOPs. */
MCC_API mcc_status mcc_model_enable_profiling(mcc_model *model, int32_t enable);
/* Writes the recorded kernel calls as Chrome trace JSON (chrome://tracing, Perfetto):
 * one complete event per call, named "op #index type", with flops and GFLOP/s in args. */
MCC_API mcc_status mcc_model_write_profile(const mcc_model *model, const char *path);

/* --- training (ABI 1.1) ------------------------------------------------------
 * A model `F` compiled with training functions (`mcc model.m --train-loss ...`)
 * carries `F.train` (forward + loss + gradients) and `F.loss` (inference forward +
 * loss) next to it; mcc_model_create("F") links them. An instance accumulates
 * gradients (backward), updates its own copy of the parameters (optimizer_step) and
 * keeps the optimizer state and step count. Calls below return MCC_ERR_UNSUPPORTED
 * on a model without training functions. See docs/c-abi.md, "Training". */

typedef enum mcc_optimizer_kind {
  MCC_OPTIMIZER_SGD = 0,   /* momentum, Nesterov, L2 weight decay (PyTorch SGD) */
  MCC_OPTIMIZER_ADAM = 1,  /* L2 weight decay added to the gradient (PyTorch Adam) */
  MCC_OPTIMIZER_ADAMW = 2  /* decoupled weight decay (PyTorch AdamW) */
} mcc_optimizer_kind;

typedef enum mcc_lr_schedule {
  MCC_SCHEDULE_CONSTANT = 0,
  MCC_SCHEDULE_STEP = 1,   /* lr * gamma^floor(k / step_size), k = steps after warmup */
  MCC_SCHEDULE_COSINE = 2  /* min_lr + (lr - min_lr) * (1 + cos(pi * k / (total_steps - warmup))) / 2 */
} mcc_lr_schedule;

/* Every field is read; zero is a valid value for most, so set them all
 * (beta1 0.9, beta2 0.999, epsilon 1e-8 are the usual Adam values). */
typedef struct mcc_optimizer_config {
  int32_t kind;            /* mcc_optimizer_kind */
  int32_t schedule;        /* mcc_lr_schedule */
  double learning_rate;    /* > 0: the peak rate, after warmup */
  double weight_decay;     /* >= 0 */
  double momentum;         /* SGD: in [0, 1) */
  int32_t nesterov;        /* SGD: nonzero for Nesterov momentum (needs momentum > 0) */
  int32_t reserved;
  double beta1, beta2;     /* Adam/AdamW: in [0, 1) */
  double epsilon;          /* Adam/AdamW: > 0 */
  int64_t warmup_steps;    /* >= 0: lr * (k + 1) / warmup_steps for the first warmup_steps steps */
  int64_t step_size;       /* STEP: > 0 */
  double gamma;            /* STEP: the decay factor */
  int64_t total_steps;     /* COSINE: > warmup_steps; the rate stays at min_lr afterwards */
  double min_lr;           /* COSINE: >= 0 */
  double clip_norm;        /* > 0: scale gradients to this global L2 norm when above; 0: off */
} mcc_optimizer_config;

/* 1 when the instance's model has training functions, 0 when not or model is NULL. */
MCC_API int32_t mcc_model_has_training(const mcc_model *model);
/* Sets the optimizer and schedule. Keeps the step count and the optimizer state
 * (moments) of parameters; a new kind starts from zero moments. */
MCC_API mcc_status mcc_model_set_optimizer(mcc_model *model, const mcc_optimizer_config *config);
/* zero_grad + backward + optimizer_step in one call; `*loss` (may be NULL) gets the
 * batch loss. On a non-finite loss nothing changes and the call fails with
 * "loss is nan at step N" (N = the step count so far). */
MCC_API mcc_status mcc_model_train_step(mcc_model *model, const DLTensor *inputs, int32_t num_inputs,
                                        const DLTensor *target, float *loss);
/* Runs `F.train` and adds the gradients to the instance's accumulated gradients;
 * training-mode state (BatchNorm statistics) is written to the parameters. */
MCC_API mcc_status mcc_model_backward(mcc_model *model, const DLTensor *inputs, int32_t num_inputs,
                                      const DLTensor *target, float *loss);
/* Sets the accumulated gradients to zero. */
MCC_API mcc_status mcc_model_zero_grad(mcc_model *model);
/* Clips, then updates every trainable, unfrozen parameter from the accumulated
 * gradients, and advances the step count (and the schedule) by one. */
MCC_API mcc_status mcc_model_optimizer_step(mcc_model *model);
/* Runs `F.loss` (inference mode); the forward outputs are then readable with
 * mcc_model_output. Changes nothing in the instance's training state. */
MCC_API mcc_status mcc_model_evaluate(mcc_model *model, const DLTensor *inputs, int32_t num_inputs,
                                      const DLTensor *target, float *loss);
/* Copies `value` (the parameter's exact dtype and shape, compact, CPU) into
 * parameter `index` of this instance. Works on every model, trainable or not. */
MCC_API mcc_status mcc_model_set_param(mcc_model *model, int32_t index, const DLTensor *value);
/* Freezes (frozen != 0) or unfreezes the parameters whose name is `prefix` or starts
 * with `prefix` followed by '.' ("fc1" matches "fc1.weight", not "fc10.weight"; ""
 * matches all). `*count` (may be NULL) gets the number matched; none is NOT_FOUND.
 * Frozen parameters get no update; their optimizer state stays as it was. */
MCC_API mcc_status mcc_model_freeze(mcc_model *model, const char *prefix, int32_t frozen, int32_t *count);
/* Writes parameters, optimizer moments, step and seed as a safetensors file,
 * atomically (`path.tmp.<pid>`, fsync, rename): on failure `path` is untouched. */
MCC_API mcc_status mcc_model_save_checkpoint(const mcc_model *model, const char *path);
/* Reads a checkpoint written by mcc_model_save_checkpoint (or any safetensors file
 * with exactly the model's parameters). Checks every tensor's name, dtype and shape
 * before changing anything; the error names the first mismatch. */
MCC_API mcc_status mcc_model_load_checkpoint(mcc_model *model, const char *path);
/* Seed of the training-mode randomness (dropout): step k runs with seed + k. Default 0. */
MCC_API mcc_status mcc_model_set_seed(mcc_model *model, uint64_t seed);
/* The learning rate the next optimizer step uses; 0 without an optimizer or model. */
MCC_API double mcc_model_learning_rate(const mcc_model *model);
/* Optimizer steps taken so far (restored by mcc_model_load_checkpoint); -1 for NULL. */
MCC_API int64_t mcc_model_step_count(const mcc_model *model);

#ifdef __cplusplus
}
#endif

#endif /* MCC_H */
