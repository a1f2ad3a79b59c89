/* The runtime every mcc-built library carries: the C ABI of include/mcc.h on top of the
 * tables and entry points that the code generator emits (mcc_runtime_internal.h).
 * It validates every argument before generated code sees it, so a bad call gets an
 * error status and a message, never an out-of-bounds access. Training is in mcc_training.c,
 * checkpoints in mcc_checkpoint.c, profiling in mcc_profile.c, the thread pool in mcc_pool.c. */
#include "mcc_runtime_private.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define fail mcc_rt_fail

extern void openblas_set_num_threads(int) __attribute__((weak));

static int default_threads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : (n > 256 ? 256 : (int)n);
}


static _Thread_local char last_error[1024];

mcc_status mcc_rt_fail(mcc_status status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return status;
}

uint32_t mcc_abi_version(void) { return MCC_ABI_VERSION; }
const char *mcc_compiler_version(void) { return mcc_desc_compiler_version; }
const char *mcc_last_error(void) { return last_error; }

const char *mcc_status_string(mcc_status status) {
  switch (status) {
  case MCC_OK: return "ok";
  case MCC_ERR_INVALID_ARGUMENT: return "invalid argument";
  case MCC_ERR_SHAPE_MISMATCH: return "shape mismatch";
  case MCC_ERR_DTYPE_MISMATCH: return "dtype mismatch";
  case MCC_ERR_UNSUPPORTED: return "unsupported";
  case MCC_ERR_OUT_OF_MEMORY: return "out of memory";
  case MCC_ERR_NOT_FOUND: return "not found";
  case MCC_ERR_INTERNAL: return "internal error";
  }
  return "unknown status";
}

/* `<F>.train` and `<F>.loss` are parts of model F, not models of their own. */
static int is_training_function(const char *name) {
  size_t n = strlen(name);
  return (n > 6 && strcmp(name + n - 6, ".train") == 0) || (n > 5 && strcmp(name + n - 5, ".loss") == 0);
}

int32_t mcc_model_count(void) {
  int32_t n = 0;
  for (int32_t i = 0; i < mcc_desc_model_count; i++) n += !is_training_function(mcc_desc_models[i].name);
  return n;
}

const char *mcc_model_name(int32_t index) {
  if (index < 0) return NULL;
  for (int32_t i = 0; i < mcc_desc_model_count; i++)
    if (!is_training_function(mcc_desc_models[i].name) && index-- == 0) return mcc_desc_models[i].name;
  return NULL;
}

/* The default model: the code generator's choice, or the model a training function belongs to. */
static const mcc_desc_model *default_model(void) {
  const mcc_desc_model *d = &mcc_desc_models[mcc_desc_default_model];
  if (!is_training_function(d->name)) return d;
  size_t base = strlen(d->name) - (strstr(d->name, ".train") == d->name + strlen(d->name) - 6 ? 6 : 5);
  for (int32_t i = 0; i < mcc_desc_model_count; i++)
    if (strlen(mcc_desc_models[i].name) == base && strncmp(mcc_desc_models[i].name, d->name, base) == 0) return &mcc_desc_models[i];
  for (int32_t i = mcc_desc_model_count - 1; i >= 0; i--)
    if (!is_training_function(mcc_desc_models[i].name)) return &mcc_desc_models[i];
  return d;
}

static int32_t total_dims(const mcc_desc_model *d) {
  int32_t n = 0;
  for (int32_t i = 0; i < d->n_inputs; i++) n += d->inputs[i].ndim;
  for (int32_t i = 0; i < d->n_outputs; i++) n += d->outputs[i].ndim;
  return n;
}

mcc_status mcc_model_create(const char *name, mcc_model **out_model) {
  if (!out_model) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_create: out_model is NULL");
  *out_model = NULL;
  const mcc_desc_model *desc = NULL;
  if (!name) {
    desc = default_model();
  } else {
    for (int32_t i = 0; i < mcc_desc_model_count; i++)
      if (strcmp(mcc_desc_models[i].name, name) == 0) desc = &mcc_desc_models[i];
    if (!desc) {
      char known[512] = "";
      for (int32_t i = 0; i < mcc_desc_model_count; i++) {
        if (i) strncat(known, ", ", sizeof known - strlen(known) - 1);
        strncat(known, mcc_desc_models[i].name, sizeof known - strlen(known) - 1);
      }
      return fail(MCC_ERR_NOT_FOUND, "no model named '%s' in this library (it has: %s)", name, known);
    }
  }
  mcc_model *m = NULL;
  mcc_status st = mcc_rt_instance(desc, &m);
  if (st == MCC_OK) st = mcc_training_link(m);
  if (st != MCC_OK) { mcc_model_destroy(m); return st; }
  *out_model = m;
  return MCC_OK;
}

mcc_status mcc_rt_instance(const mcc_desc_model *desc, mcc_model **out_model) {
  *out_model = NULL;
  mcc_model *m = calloc(1, sizeof *m);
  if (!m) return fail(MCC_ERR_OUT_OF_MEMORY, "mcc_model_create: out of memory");
  m->desc = desc;
  m->params = desc->param_data;
  m->threads = default_threads();
  if (openblas_set_num_threads) openblas_set_num_threads(1);
  m->syms = calloc((size_t)desc->n_symbols + 1, sizeof(int64_t));
  m->dims = calloc((size_t)total_dims(desc) + 1, sizeof(int64_t));
  m->new_syms = calloc((size_t)desc->n_symbols + 1, sizeof(int64_t));
  m->new_dims = calloc((size_t)total_dims(desc) + 1, sizeof(int64_t));
  m->input_ptrs = calloc((size_t)desc->n_inputs + 1, sizeof(void *));
  m->output_ptrs = calloc((size_t)desc->n_outputs + 1, sizeof(void *));
  m->output_capacity = calloc((size_t)desc->n_outputs + 1, sizeof(int64_t));
  m->output_shapes = calloc((size_t)desc->n_outputs + 1, sizeof(int64_t *));
  if (!m->syms || !m->dims || !m->new_syms || !m->new_dims || !m->input_ptrs || !m->output_ptrs || !m->output_capacity || !m->output_shapes) {
    mcc_model_destroy(m);
    return fail(MCC_ERR_OUT_OF_MEMORY, "mcc_model_create: out of memory");
  }
  int64_t *shape = m->dims;
  for (int32_t i = 0; i < desc->n_inputs; i++) shape += desc->inputs[i].ndim;
  for (int32_t i = 0; i < desc->n_outputs; i++) {
    m->output_shapes[i] = shape;
    shape += desc->outputs[i].ndim;
  }
  *out_model = m;
  return MCC_OK;
}

void mcc_model_destroy(mcc_model *m) {
  if (!m) return;
  if (m->output_ptrs && m->desc)
    for (int32_t i = 0; i < m->desc->n_outputs; i++) free(m->output_ptrs[i]);
  free(m->syms); free(m->dims); free(m->new_syms); free(m->new_dims); free(m->input_ptrs); free(m->output_ptrs);
  free(m->output_capacity); free(m->output_shapes); free(m->workspace);
  mcc_training_destroy(m->training);   /* its sub-instances borrow m's pool: destroy them first */
  free(m->param_copy);
  mcc_rt_pool_destroy(m->pool);
  mcc_rt_profile_destroy(m->profile);
  free(m);
}

const char *mcc_model_instance_name(const mcc_model *m) { return m ? m->desc->name : NULL; }
int32_t mcc_model_num_inputs(const mcc_model *m) { return m ? m->desc->n_inputs : -1; }
int32_t mcc_model_num_outputs(const mcc_model *m) { return m ? m->desc->n_outputs : -1; }
int32_t mcc_model_num_params(const mcc_model *m) { return m ? m->desc->n_params : -1; }

static void fill_info(const mcc_desc_tensor *t, mcc_tensor_info *info) {
  info->name = t->name;
  info->dtype.code = (uint8_t)t->dtype_code;
  info->dtype.bits = (uint8_t)t->dtype_bits;
  info->dtype.lanes = 1;
  info->ndim = t->ndim;
  info->dims = t->dims;
  info->dim_names = t->dim_names;
}

static mcc_status tensor_info(const mcc_model *m, int32_t index, mcc_tensor_info *info, const char *what,
                              int32_t count, const mcc_desc_tensor *table) {
  if (!m) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_%s_info: model is NULL", what);
  if (!info) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_%s_info: info is NULL", what);
  if (index < 0 || index >= count)
    return fail(MCC_ERR_INVALID_ARGUMENT, "%s index %d is out of range: model '%s' has %d %ss", what, index,
                m->desc->name, count, what);
  fill_info(&table[index], info);
  return MCC_OK;
}

mcc_status mcc_model_input_info(const mcc_model *m, int32_t i, mcc_tensor_info *info) {
  return tensor_info(m, i, info, "input", m ? m->desc->n_inputs : 0, m ? m->desc->inputs : NULL);
}
mcc_status mcc_model_output_info(const mcc_model *m, int32_t i, mcc_tensor_info *info) {
  return tensor_info(m, i, info, "output", m ? m->desc->n_outputs : 0, m ? m->desc->outputs : NULL);
}
mcc_status mcc_model_param_info(const mcc_model *m, int32_t i, mcc_tensor_info *info) {
  return tensor_info(m, i, info, "param", m ? m->desc->n_params : 0, m ? m->desc->params : NULL);
}

static int32_t find(const mcc_desc_tensor *table, int32_t count, const char *name) {
  if (!name) return -1;
  for (int32_t i = 0; i < count; i++)
    if (strcmp(table[i].name, name) == 0) return i;
  return -1;
}
int32_t mcc_model_find_input(const mcc_model *m, const char *n) { return m ? find(m->desc->inputs, m->desc->n_inputs, n) : -1; }
int32_t mcc_model_find_output(const mcc_model *m, const char *n) { return m ? find(m->desc->outputs, m->desc->n_outputs, n) : -1; }
int32_t mcc_model_find_param(const mcc_model *m, const char *n) { return m ? find(m->desc->params, m->desc->n_params, n) : -1; }

mcc_status mcc_model_param(const mcc_model *m, int32_t index, DLTensor *view) {
  if (!m || !view) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_param: %s is NULL", m ? "out_view" : "model");
  if (index < 0 || index >= m->desc->n_params)
    return fail(MCC_ERR_INVALID_ARGUMENT, "param index %d is out of range: model '%s' has %d params", index,
                m->desc->name, m->desc->n_params);
  const mcc_desc_tensor *t = &m->desc->params[index];
  /* A packed-only parameter is rebuilt into the instance's own copy (the view stays valid
   * as long as the instance, like every view of it). */
  mcc_status st = mcc_rt_readable_param((mcc_model *)m, index);
  if (st != MCC_OK) return st;
  memset(view, 0, sizeof *view);
  view->data = (void *)((const char *)m->params + m->desc->param_offsets[index]);
  view->device.device_type = kDLCPU;
  view->ndim = t->ndim;
  view->dtype.code = (uint8_t)t->dtype_code;
  view->dtype.bits = (uint8_t)t->dtype_bits;
  view->dtype.lanes = 1;
  view->shape = (int64_t *)t->dims;
  return MCC_OK;
}

const char *mcc_rt_dtype_name(uint8_t code, uint8_t bits) {
  static const char *names[] = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                                "float16", "float32", "float64", "bfloat16", "bool"};
  int bi = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : bits == 64 ? 3 : -1;
  if (code == kDLInt && bi >= 0) return names[bi];
  if (code == kDLUInt && bi >= 0) return names[4 + bi];
  if (code == kDLFloat && bits == 16) return names[8];
  if (code == kDLFloat && bits == 32) return names[9];
  if (code == kDLFloat && bits == 64) return names[10];
  if (code == kDLBfloat && bits == 16) return names[11];
  if (code == 6 && bits == 8) return names[12];
  return "an unknown dtype";
}

/* Checks one input and binds the symbols its dims name. */
static mcc_status check_input(mcc_model *m, int32_t i, const DLTensor *t) {
  const mcc_desc_tensor *d = &m->desc->inputs[i];
  if (t->device.device_type != kDLCPU)
    return fail(MCC_ERR_UNSUPPORTED, "input '%s' (#%d): device type %d is not supported (only CPU, %d)", d->name, i,
                (int)t->device.device_type, (int)kDLCPU);
  if (t->dtype.code != d->dtype_code || t->dtype.bits != d->dtype_bits || t->dtype.lanes != 1)
    return fail(MCC_ERR_DTYPE_MISMATCH, "input '%s' (#%d): dtype is %s (lanes %d), expected %s", d->name, i,
                mcc_rt_dtype_name(t->dtype.code, t->dtype.bits), (int)t->dtype.lanes,
                mcc_rt_dtype_name((uint8_t)d->dtype_code, (uint8_t)d->dtype_bits));
  if (t->ndim != d->ndim)
    return fail(MCC_ERR_SHAPE_MISMATCH, "input '%s' (#%d): rank is %d, expected %d", d->name, i, t->ndim, d->ndim);
  if (t->ndim > 0 && !t->shape)
    return fail(MCC_ERR_INVALID_ARGUMENT, "input '%s' (#%d): shape pointer is NULL", d->name, i);
  int64_t bytes = d->dtype_bits / 8;
  for (int32_t k = 0; k < t->ndim; k++) {
    int64_t got = t->shape[k];
    if (got < 0) return fail(MCC_ERR_SHAPE_MISMATCH, "input '%s' (#%d): dim %d is negative (%lld)", d->name, i, k, (long long)got);
    if (got > 0 && bytes > MCC_MAX_BYTES / got)
      return fail(MCC_ERR_SHAPE_MISMATCH, "input '%s' (#%d): shape is too large", d->name, i);
    bytes *= got;
    if (d->dims[k] >= 0) {
      if (got != d->dims[k])
        return fail(MCC_ERR_SHAPE_MISMATCH, "input '%s' (#%d): dim %d is %lld, expected %lld", d->name, i, k,
                    (long long)got, (long long)d->dims[k]);
    } else if (d->dim_symbols[k] >= 0) {
      int32_t s = d->dim_symbols[k];
      if (m->new_syms[s] < 0) m->new_syms[s] = got;
      else if (m->new_syms[s] != got)
        return fail(MCC_ERR_SHAPE_MISMATCH, "input '%s' (#%d): dim %d ('%s') is %lld, but '%s' is %lld from an earlier input",
                    d->name, i, k, m->desc->symbols[s], (long long)got, m->desc->symbols[s], (long long)m->new_syms[s]);
    }
  }
  if (!t->data && bytes > 0) return fail(MCC_ERR_INVALID_ARGUMENT, "input '%s' (#%d): data pointer is NULL", d->name, i);
  if (t->strides) {
    int64_t expected = 1;
    for (int32_t k = t->ndim - 1; k >= 0; k--) {
      if (t->shape[k] != 1 && t->strides[k] != expected)
        return fail(MCC_ERR_UNSUPPORTED, "input '%s' (#%d): strides are not compact row-major (dim %d has stride %lld, expected %lld)",
                    d->name, i, k, (long long)t->strides[k], (long long)expected);
      expected *= t->shape[k];
    }
  }
  m->input_ptrs[i] = (char *)t->data + t->byte_offset;
  return MCC_OK;
}

mcc_status mcc_model_run(mcc_model *m, const DLTensor *inputs, int32_t num_inputs) {
  if (!m) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_run: model is NULL");
  mcc_status st = mcc_rt_prepare(m, inputs, num_inputs);
  if (st != MCC_OK) return st;
  mcc_rt_pool(m);
  mcc_rt_execute(m);
  m->outputs_from = NULL;
  return MCC_OK;
}

mcc_pool *mcc_rt_pool(mcc_model *m) {
  if (!m->pool && m->threads > 1) m->pool = mcc_rt_pool_create(m->threads);
  return m->pool;
}

const int64_t *mcc_rt_new_output_shape(const mcc_model *m, int32_t output) {
  return m->new_dims + (m->output_shapes[output] - m->dims);
}

void mcc_rt_execute(mcc_model *m) {
  const mcc_desc_model *d = m->desc;
  memcpy(m->syms, m->new_syms, sizeof(int64_t) * (size_t)d->n_symbols);
  memcpy(m->dims, m->new_dims, sizeof(int64_t) * (size_t)total_dims(d));
  d->forward(m->syms, m->input_ptrs, m->output_ptrs, m->params, m->workspace, m->pool, m->profile);
  m->has_run = 1;
}

mcc_status mcc_rt_prepare(mcc_model *m, const DLTensor *inputs, int32_t num_inputs) {
  const mcc_desc_model *d = m->desc;
  if (num_inputs != d->n_inputs)
    return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_run: model '%s' takes %d inputs, got %d", d->name, d->n_inputs, num_inputs);
  if (!inputs && num_inputs > 0) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_run: inputs is NULL");
  for (int32_t s = 0; s < d->n_symbols; s++) m->new_syms[s] = -1;
  for (int32_t i = 0; i < num_inputs; i++) {
    mcc_status st = check_input(m, i, &inputs[i]);
    if (st != MCC_OK) return st;
  }
  for (int32_t s = 0; s < d->n_symbols - d->n_value_symbols; s++)
    if (m->new_syms[s] < 0) return fail(MCC_ERR_INTERNAL, "symbol '%s' is not bound by any input", d->symbols[s]);
  if (d->symbol_program) {
    mcc_status st = mcc_rt_value_symbols(m, inputs);
    if (st != MCC_OK) return st;
  }
  int32_t bad = d->dims(m->new_syms, m->new_dims);
  if (bad < 0)
    return fail(MCC_ERR_SHAPE_MISMATCH, "model '%s': operation #%d (a reshape to dims from input data) changes the element count",
                d->name, -bad - 1);
  if (bad != 0)
    return fail(MCC_ERR_SHAPE_MISMATCH, "model '%s': the inputs are too small for operation #%d (a window or kernel does not fit)",
                d->name, bad - 1);
  /* Inputs whose dims are expressions of symbols: compare with what the bound symbols imply. */
  const int64_t *dims = m->new_dims;
  for (int32_t i = 0; i < d->n_inputs; i++) {
    for (int32_t k = 0; k < d->inputs[i].ndim; k++)
      if (dims[k] != inputs[i].shape[k])
        return fail(MCC_ERR_SHAPE_MISMATCH, "input '%s' (#%d): dim %d is %lld, expected %lld (%s)", d->inputs[i].name, i, k,
                    (long long)inputs[i].shape[k], (long long)dims[k], d->inputs[i].dim_names[k] ? d->inputs[i].dim_names[k] : "");
    dims += d->inputs[i].ndim;
  }
  for (int32_t o = 0; o < d->n_outputs; o++) {
    const mcc_desc_tensor *t = &d->outputs[o];
    int64_t bytes = t->dtype_bits / 8;
    const int64_t *shape = m->new_dims + (m->output_shapes[o] - m->dims);
    for (int32_t k = 0; k < t->ndim; k++) {
      int64_t v = shape[k];
      if (v < 0 || (v > 0 && bytes > MCC_MAX_BYTES / v))
        return fail(MCC_ERR_SHAPE_MISMATCH, "output '%s': dim %d would be %lld", t->name, k, (long long)v);
      bytes *= v;
    }
    if (bytes > m->output_capacity[o]) {
      void *p = NULL;
      m->has_run = 0; /* the old contents of this output are about to go */
      if (posix_memalign(&p, 64, (size_t)(bytes > 0 ? bytes : 64)) != 0)
        return fail(MCC_ERR_OUT_OF_MEMORY, "output '%s': cannot allocate %lld bytes", t->name, (long long)bytes);
      free(m->output_ptrs[o]);
      m->output_ptrs[o] = p;
      m->output_capacity[o] = bytes;
    }
  }
  int64_t ws = d->workspace_size(m->new_syms);
  if (ws < 0 || ws > MCC_MAX_BYTES) return fail(MCC_ERR_OUT_OF_MEMORY, "model '%s': workspace of %lld bytes", d->name, (long long)ws);
  if (ws > m->workspace_capacity) {
    void *p = NULL;
    if (posix_memalign(&p, 64, (size_t)ws) != 0)
      return fail(MCC_ERR_OUT_OF_MEMORY, "model '%s': cannot allocate a %lld-byte workspace", d->name, (long long)ws);
    free(m->workspace);
    m->workspace = p;
    m->workspace_capacity = ws;
  }
  return MCC_OK;
}

mcc_status mcc_model_output(mcc_model *m, int32_t index, DLTensor *view) {
  if (!m || !view) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_output: %s is NULL", m ? "out_view" : "model");
  if (index < 0 || index >= m->desc->n_outputs)
    return fail(MCC_ERR_INVALID_ARGUMENT, "output index %d is out of range: model '%s' has %d outputs", index,
                m->desc->name, m->desc->n_outputs);
  if (m->outputs_from) {   /* after a training call: the forward outputs it computed */
    mcc_status st = mcc_model_output((mcc_model *)m->outputs_from, m->output_map[index], view);
    if (st != MCC_OK) return st;
    return MCC_OK;
  }
  if (!m->has_run) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_output: the model has not run successfully yet");
  const mcc_desc_tensor *t = &m->desc->outputs[index];
  memset(view, 0, sizeof *view);
  view->data = m->output_ptrs[index];
  view->device.device_type = kDLCPU;
  view->ndim = t->ndim;
  view->dtype.code = (uint8_t)t->dtype_code;
  view->dtype.bits = (uint8_t)t->dtype_bits;
  view->dtype.lanes = 1;
  view->shape = m->output_shapes[index];
  return MCC_OK;
}

mcc_status mcc_model_set_num_threads(mcc_model *m, int32_t n) {
  if (!m) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_set_num_threads: model is NULL");
  if (n < 1 || n > 1024) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_set_num_threads: %d is not a thread count in 1..1024", n);
  if (n != m->threads) {
    mcc_rt_pool_destroy(m->pool);
    m->pool = NULL;   /* recreated with the new size on the next run */
    m->threads = n;
  }
  /* GEMM kernels split their work across the instance's pool, each part calling BLAS on its
   * own thread: OpenBLAS's own threads would oversubscribe the cores. */
  if (openblas_set_num_threads) openblas_set_num_threads(1);
  return MCC_OK;
}
