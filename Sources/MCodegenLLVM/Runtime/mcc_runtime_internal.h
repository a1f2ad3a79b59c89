/* Tables that mcc's code generator emits into every library (see Descriptors.swift);
 * the runtime below reads them. Layouts must match Descriptors.swift field by field. */
#ifndef MCC_RUNTIME_INTERNAL_H
#define MCC_RUNTIME_INTERNAL_H
#include <stdint.h>

typedef struct mcc_desc_tensor {
  const char *name;
  const int64_t *dims;            /* -1 for symbolic dims */
  const char *const *dim_names;   /* symbol or expression text; NULL for static dims */
  const int32_t *dim_symbols;     /* index into the model's symbols for a pure symbol, else -1 */
  int32_t dtype_code, dtype_bits, ndim, reserved;
} mcc_desc_tensor;

typedef int64_t (*mcc_workspace_size_fn)(const int64_t *syms);
typedef int32_t (*mcc_dims_fn)(const int64_t *syms, int64_t *dims);
typedef void (*mcc_forward_fn)(const int64_t *syms, void *const *inputs, void *const *outputs,
                               const void *params, void *workspace, void *pool, void *profile);
typedef void (*mcc_flops_fn)(const int64_t *syms, int64_t *flops);

/* Profiling hooks around every kernel call; cheap no-ops when profile is NULL. */
int64_t mcc_rt_profile_begin(void *profile);
void mcc_rt_profile_end(void *profile, int64_t kernel, int64_t started, const int64_t *syms);

/* A kernel's entry point: `part` of `parts` of its work (see mcc_rt_parallel). */
typedef void (*mcc_kernel_entry)(void *const *args, const int64_t *syms, int64_t part, int64_t parts);

/* Runs fn for parts 0..n-1, one per pool thread (any thread may run any part) and returns
 * when all are done. A NULL pool runs the whole kernel on the calling thread. */
void mcc_rt_parallel(void *pool, mcc_kernel_entry fn, void *const *args, const int64_t *syms);
/* NonMaxSuppression's selection (mcc_nms.c): the count, and the triples when `out` is given. */
int64_t mcc_rt_nms(const float *boxes, const float *scores, int64_t batches, int64_t classes, int64_t n,
                   int64_t max_out, float iou_threshold, float score_threshold, int32_t has_score,
                   int32_t center, int64_t *out, int64_t cap);
/* Unique's slices along an axis (mcc_unique.c): the count, and first/inverse/counts when given. */
int64_t mcc_rt_unique(const void *x, int32_t code, int32_t bits, int64_t outer, int64_t len, int64_t inner,
                      int32_t sorted, int64_t *first, int64_t *inverse, int64_t *counts, int64_t cap);

typedef struct mcc_desc_model {
  const char *name;
  const mcc_desc_tensor *inputs, *outputs, *params;
  const char *const *symbols;
  const uint64_t *param_offsets;
  const void *param_data;
  mcc_workspace_size_fn workspace_size;
  mcc_dims_fn dims;
  mcc_forward_fn forward;
  int32_t n_inputs, n_outputs, n_params, n_symbols;
  const char *const *kernel_names;
  mcc_flops_fn kernel_flops;
  int64_t n_kernels;
  /* Value symbols (the last n_value_symbols of `symbols`) and checks, computed from the
   * inputs' data before `dims` (mcc_value_symbols.c has the encoding); NULL when none. */
  const int64_t *symbol_program;
  const char *const *check_messages;
  int32_t n_value_symbols, n_checks;
} mcc_desc_model;

/* A parameter the blob does not store (packed-only, GemmPrepack.swift): its bytes would lie
 * at `offset` of the blob; `packed` holds it in the GEMM's panel layout (depth blocks of kc
 * rows at pc * npad, npad = columns rounded up to nr; NR-column panels of kc x nr floats). */
typedef struct mcc_desc_packed {
  const float *packed;
  uint64_t offset;
  int64_t rows, columns, kc, nr;
} mcc_desc_packed;

extern const mcc_desc_model mcc_desc_models[];
extern const mcc_desc_packed *const mcc_desc_packed_params;
extern const int32_t mcc_desc_packed_count;
/* Bytes of the blob that hold data; packed-only parameters' offsets are at or past it. */
extern const int64_t mcc_desc_param_stored_bytes;
extern const int32_t mcc_desc_model_count;
extern const int32_t mcc_desc_default_model;
extern const char *const mcc_desc_compiler_version;

#endif
