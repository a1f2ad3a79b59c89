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
 *     `mcc_model_run` or `mcc_model_destroy` on that instance.
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
#define MCC_ABI_VERSION_MINOR 0
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
/* A read-only view of parameter `index` (always fully static shape). */
MCC_API mcc_status mcc_model_param(const mcc_model *model, int32_t index, DLTensor *out_view);

/* --- running ------------------------------------------------------------- */

/* Runs the model on `num_inputs` tensors given in declaration order. Checks
 * every input (null pointers, device, dtype, rank, each dim, symbolic dims
 * agreeing across inputs) before any computation. */
MCC_API mcc_status mcc_model_run(mcc_model *model, const DLTensor *inputs, int32_t num_inputs);
/* A view of output `index` of the last successful run: its shape is concrete.
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

#ifdef __cplusplus
}
#endif

#endif /* MCC_H */
