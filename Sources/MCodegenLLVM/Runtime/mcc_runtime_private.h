/* What the runtime's C files share (hidden symbols: the library exports only mcc.h). The
 * inference ABI lives in mcc_runtime.c, training in mcc_training.c, checkpoints in
 * mcc_checkpoint.c. */
#ifndef MCC_RUNTIME_PRIVATE_H
#define MCC_RUNTIME_PRIVATE_H
#include "mcc.h"
#include "mcc_runtime_internal.h"

#include <stddef.h>

/* No tensor the runtime allocates may exceed this many bytes (1 TiB): catches absurd
 * symbolic dims before a multiplication can overflow. */
#define MCC_MAX_BYTES (INT64_C(1) << 40)

typedef struct mcc_pool mcc_pool;
typedef struct mcc_profile mcc_profile;
typedef struct mcc_training mcc_training;

struct mcc_model {
  const mcc_desc_model *desc;
  int64_t *syms;          /* bound symbol values of the last run */
  int64_t *dims;          /* inputs' then outputs' dims of the last run */
  int64_t *new_syms;      /* scratch for the run being checked: a failed check leaves */
  int64_t *new_dims;      /* the last successful run's outputs intact */
  void **input_ptrs;
  void **output_ptrs;
  int64_t *output_capacity;  /* bytes allocated per output */
  int64_t **output_shapes;   /* per output, into dims */
  void *workspace;
  int64_t workspace_capacity;
  int has_run;
  int threads;
  mcc_pool *pool;            /* created on the first run; borrowed from the parent in sub-instances */
  mcc_profile *profile;      /* non-NULL while profiling is enabled */
  /* Parameters the generated code reads: the shared blob until the first write, then
   * param_copy (same layout, so the compiled offsets stay valid). */
  const void *params;
  void *param_copy;
  mcc_training *training;    /* train/loss sub-instances and optimizer state; NULL without */
  /* After a training call, mcc_model_output reads output_map[i] of this sub-instance. */
  const struct mcc_model *outputs_from;
  const int32_t *output_map;
};

mcc_status mcc_rt_fail(mcc_status status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *mcc_rt_dtype_name(uint8_t code, uint8_t bits);
/* An instance of exactly `desc` (no training link). */
mcc_status mcc_rt_instance(const mcc_desc_model *desc, mcc_model **out);
/* Checks the inputs and sizes the outputs and workspace; the output shapes are then in
 * new_dims (mcc_rt_new_output_shape). Nothing observable changes on failure. */
mcc_status mcc_rt_prepare(mcc_model *m, const DLTensor *inputs, int32_t num_inputs);
const int64_t *mcc_rt_new_output_shape(const mcc_model *m, int32_t output);
/* Runs the prepared call with the parameters at m->params. */
void mcc_rt_execute(mcc_model *m);
/* A pool of threads - 1 workers (NULL for one thread or on failure: kernels then run on the
 * calling thread), and its teardown (NULL is fine). */
mcc_pool *mcc_rt_pool_create(int threads);
void mcc_rt_pool_destroy(mcc_pool *p);
/* The instance's thread pool, created if it has none yet (NULL for one thread). */
mcc_pool *mcc_rt_pool(mcc_model *m);
/* Bytes of one parameter of a descriptor; the extent of all its parameters in the blob. */
int64_t mcc_rt_param_bytes(const mcc_desc_tensor *t);
/* Gives `m` its own parameter copy (copy-on-write, packed-only parameters unpacked into it);
 * MCC_OK when it has one. */
mcc_status mcc_rt_own_params(mcc_model *m);
/* Makes parameter `index` (-1: every parameter) readable at m->params: takes the copy when
 * it is packed-only and `m` has none. Later runs then pack it at run time. */
mcc_status mcc_rt_readable_param(mcc_model *m, int32_t index);

/* Training state of one forward parameter. */
typedef struct mcc_train_param {
  int32_t grad_output;    /* index of `grad.<name>` among F.train's outputs; -1: not trainable */
  int32_t state_output;   /* index of `state.<name>` (BatchNorm statistics); -1: none */
  int64_t numel;
  int frozen;
  float *grad;            /* accumulated gradient, numel floats (trainable only) */
  float *m1, *m2;         /* optimizer moments (momentum / Adam m and v), allocated on first use */
} mcc_train_param;

struct mcc_training {
  mcc_model *train, *loss;   /* instances of F.train and F.loss (NULL when absent); borrow F's pool */
  mcc_train_param *params;   /* one per forward parameter */
  int32_t n_params;
  int32_t n_inputs;          /* F's inputs; F.train takes them, target, then (optionally) seed */
  int32_t train_loss, eval_loss;         /* index of `loss` among the outputs */
  int32_t *train_out_map, *eval_out_map; /* forward output i -> index of `out.<name>`; NULL if incomplete */
  DLTensor *args;            /* scratch: inputs, target, seed */
  int64_t seed_value, seed_shape;
  int has_optimizer;
  mcc_optimizer_config config;
  int grads_valid;           /* 0 after zero_grad: the gradient buffers hold stale values */
  int64_t step;
  uint64_t seed;
  char train_error[256], eval_error[256];   /* why F.train / F.loss cannot be used; "" when they can */
};

/* Computes the value symbols into m->new_syms from the inputs' data and runs the checks
 * (mcc_value_symbols.c); call after the shape symbols are bound. */
mcc_status mcc_rt_value_symbols(mcc_model *m, const DLTensor *inputs);

/* Profiling (mcc_profile.c). A training call's sub-instance records while its parent does. */
void mcc_rt_profile_destroy(mcc_profile *p);
mcc_status mcc_rt_profile_follow(mcc_model *sub, const mcc_model *parent);

/* Training hooks called by mcc_runtime.c. */
mcc_status mcc_training_link(mcc_model *m);
void mcc_training_destroy(mcc_training *t);

#endif
