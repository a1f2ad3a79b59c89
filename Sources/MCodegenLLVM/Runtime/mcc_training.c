/* Training on top of the inference runtime: an instance of F runs the generated `F.train`
 * (loss and gradients) and `F.loss` (evaluation) as sub-instances over its own copy of the
 * parameters, accumulates gradients, and applies SGD/Adam/AdamW with a learning-rate
 * schedule and global-norm clipping. Formulas follow PyTorch's optimizers so results can be
 * checked against a reference; docs/c-abi.md ("Training") states them. */
#include "mcc_runtime_private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fail mcc_rt_fail

/* Updates of tensors at least this big are split over the instance's thread pool. */
#define MCC_PARALLEL_UPDATE (1 << 16)

int64_t mcc_rt_param_bytes(const mcc_desc_tensor *t) {
  int64_t n = t->dtype_bits / 8;
  for (int32_t k = 0; k < t->ndim; k++) n *= t->dims[k];
  return n;
}

static int64_t blob_extent(const mcc_desc_model *d) {
  int64_t end = 0;
  for (int32_t i = 0; i < d->n_params; i++) {
    int64_t e = (int64_t)d->param_offsets[i] + mcc_rt_param_bytes(&d->params[i]);
    if (e > end) end = e;
  }
  return end;
}

/* The original rows x columns of a packed-only parameter (the inverse of GemmTiling.packB). */
static void unpack(const mcc_desc_packed *w, float *out) {
  int64_t npad = (w->columns + w->nr - 1) / w->nr * w->nr;
  for (int64_t pc = 0; pc < w->rows; pc += w->kc) {
    int64_t depth = w->rows - pc < w->kc ? w->rows - pc : w->kc;
    for (int64_t jp = 0; jp * w->nr < w->columns; jp++) {
      const float *panel = w->packed + pc * npad + jp * depth * w->nr;
      int64_t width = w->columns - jp * w->nr < w->nr ? w->columns - jp * w->nr : w->nr;
      for (int64_t p = 0; p < depth; p++) memcpy(out + (pc + p) * w->columns + jp * w->nr, panel + p * w->nr, (size_t)width * 4);
    }
  }
}

mcc_status mcc_rt_readable_param(mcc_model *m, int32_t index) {
  if (m->param_copy || !m->desc->param_data || mcc_desc_packed_count == 0) return MCC_OK;
  if (index >= 0 && (int64_t)m->desc->param_offsets[index] < mcc_desc_param_stored_bytes) return MCC_OK;
  return mcc_rt_own_params(m);
}

/* The copy keeps the blob's layout, so the offsets compiled into F, F.train and F.loss all
 * stay valid; it spans what those three read. */
mcc_status mcc_rt_own_params(mcc_model *m) {
  if (m->param_copy || !m->desc->param_data) return MCC_OK;
  int64_t extent = blob_extent(m->desc);
  if (m->training) {
    if (m->training->train && blob_extent(m->training->train->desc) > extent) extent = blob_extent(m->training->train->desc);
    if (m->training->loss && blob_extent(m->training->loss->desc) > extent) extent = blob_extent(m->training->loss->desc);
  }
  void *p = NULL;
  if (posix_memalign(&p, 64, (size_t)(extent > 0 ? extent : 64)) != 0)
    return fail(MCC_ERR_OUT_OF_MEMORY, "model '%s': cannot allocate %lld bytes for its parameters", m->desc->name, (long long)extent);
  int64_t stored = extent < mcc_desc_param_stored_bytes ? extent : mcc_desc_param_stored_bytes;
  memcpy(p, m->desc->param_data, (size_t)stored);
  for (int32_t i = 0; i < mcc_desc_packed_count; i++) {
    const mcc_desc_packed *w = &mcc_desc_packed_params[i];
    if ((int64_t)w->offset + w->rows * w->columns * 4 <= extent) unpack(w, (float *)((char *)p + w->offset));
  }
  m->param_copy = p;
  m->params = p;
  return MCC_OK;
}

static const mcc_desc_model *find_desc(const char *base, const char *suffix) {
  size_t n = strlen(base);
  for (int32_t i = 0; i < mcc_desc_model_count; i++) {
    const char *name = mcc_desc_models[i].name;
    if (strncmp(name, base, n) == 0 && strcmp(name + n, suffix) == 0) return &mcc_desc_models[i];
  }
  return NULL;
}

static int same_tensor_type(const mcc_desc_tensor *a, const mcc_desc_tensor *b) {
  if (a->dtype_code != b->dtype_code || a->dtype_bits != b->dtype_bits || a->ndim != b->ndim) return 0;
  for (int32_t k = 0; k < a->ndim; k++)
    if (a->dims[k] != b->dims[k]) return 0;
  return 1;
}

/* Matches a training function's outputs to F: `loss`, `grad.X`/`state.X` to parameter X,
 * `out.Y` to output Y. Anything else is an error: the compiler and runtime disagree. */
static mcc_status link_outputs(mcc_model *m, const mcc_desc_model *fd, int is_train, int32_t *loss_index, int32_t **out_map) {
  const mcc_desc_model *d = m->desc;
  mcc_training *t = m->training;
  *loss_index = -1;
  int32_t *map = malloc(sizeof(int32_t) * (size_t)(d->n_outputs + 1));
  if (!map) return fail(MCC_ERR_OUT_OF_MEMORY, "mcc_model_create: out of memory");
  for (int32_t o = 0; o < d->n_outputs; o++) map[o] = -1;
  *out_map = map;
  for (int32_t o = 0; o < fd->n_outputs; o++) {
    const mcc_desc_tensor *r = &fd->outputs[o];
    const char *name = r->name;
    int32_t p;
    if (strcmp(name, "loss") == 0) {
      if (r->dtype_code != kDLFloat || (r->dtype_bits != 32 && r->dtype_bits != 64) || r->ndim != 1 || r->dims[0] != 1)
        return fail(MCC_ERR_UNSUPPORTED, "'%s': result 'loss' must be f32[1] or f64[1]", fd->name);
      *loss_index = o;
    } else if (is_train && strncmp(name, "grad.", 5) == 0 && (p = mcc_model_find_param(m, name + 5)) >= 0) {
      if (!same_tensor_type(r, &d->params[p]) || r->dtype_code != kDLFloat || r->dtype_bits != 32)
        return fail(MCC_ERR_UNSUPPORTED, "'%s': gradient '%s' must have parameter '%s''s type, f32", fd->name, name, name + 5);
      t->params[p].grad_output = o;
    } else if (is_train && strncmp(name, "state.", 6) == 0 && (p = mcc_model_find_param(m, name + 6)) >= 0) {
      if (!same_tensor_type(r, &d->params[p]))
        return fail(MCC_ERR_INTERNAL, "'%s': state '%s' does not have parameter '%s''s type", fd->name, name, name + 6);
      t->params[p].state_output = o;
    } else if (strncmp(name, "out.", 4) == 0 && (p = mcc_model_find_output(m, name + 4)) >= 0) {
      map[p] = o;
    } else {
      return fail(MCC_ERR_INTERNAL, "'%s': result '%s' matches no parameter or output of model '%s'", fd->name, name, d->name);
    }
  }
  if (*loss_index < 0) return fail(MCC_ERR_INTERNAL, "'%s' has no result 'loss'", fd->name);
  for (int32_t o = 0; o < d->n_outputs; o++)
    if (map[o] < 0) { free(map); *out_map = NULL; break; }   /* outputs then stay unreadable after this call */
  /* The forward inputs, in order, then target and (F.train) an optional seed. */
  int32_t extra = fd->n_inputs - d->n_inputs;
  if (extra < 1 || extra > 2 || (extra == 2 && !is_train) || strcmp(fd->inputs[d->n_inputs].name, "target") != 0)
    return fail(MCC_ERR_INTERNAL, "'%s' must take the inputs of '%s', then 'target'%s", fd->name, d->name, is_train ? " and 'seed'" : "");
  for (int32_t i = 0; i < d->n_inputs; i++)
    if (strcmp(fd->inputs[i].name, d->inputs[i].name) != 0)
      return fail(MCC_ERR_INTERNAL, "'%s': input #%d is '%s', expected '%s'", fd->name, i, fd->inputs[i].name, d->inputs[i].name);
  if (extra == 2) {
    const mcc_desc_tensor *s = &fd->inputs[d->n_inputs + 1];
    if (s->dtype_code != kDLInt || s->dtype_bits != 64 || s->ndim != 1 || s->dims[0] != 1)
      return fail(MCC_ERR_INTERNAL, "'%s': input 'seed' must be i64[1]", fd->name);
  }
  return MCC_OK;
}

static void release_sub(mcc_model *sub) {
  if (!sub) return;
  sub->pool = NULL;   /* borrowed from the parent */
  mcc_model_destroy(sub);
}

mcc_status mcc_training_link(mcc_model *m) {
  const mcc_desc_model *train = find_desc(m->desc->name, ".train"), *loss = find_desc(m->desc->name, ".loss");
  if (!train && !loss) return MCC_OK;
  mcc_training *t = calloc(1, sizeof *t);
  if (!t) return fail(MCC_ERR_OUT_OF_MEMORY, "mcc_model_create: out of memory");
  m->training = t;
  t->n_inputs = m->desc->n_inputs;
  t->n_params = m->desc->n_params;
  t->params = calloc((size_t)m->desc->n_params + 1, sizeof *t->params);
  t->args = calloc((size_t)m->desc->n_inputs + 2, sizeof(DLTensor));
  if (!t->params || !t->args) return fail(MCC_ERR_OUT_OF_MEMORY, "mcc_model_create: out of memory");
  for (int32_t p = 0; p < m->desc->n_params; p++) {
    t->params[p].grad_output = t->params[p].state_output = -1;
    t->params[p].numel = mcc_rt_param_bytes(&m->desc->params[p]) / (m->desc->params[p].dtype_bits / 8);
  }
  /* A training function the runtime cannot drive (f64 gradients, a mismatch) disables training
   * with its reason; the model itself still runs. */
  mcc_status st;
  if (train) {
    if ((st = mcc_rt_instance(train, &t->train)) != MCC_OK) return st;
    if ((st = link_outputs(m, train, 1, &t->train_loss, &t->train_out_map)) != MCC_OK) {
      if (st == MCC_ERR_OUT_OF_MEMORY) return st;
      snprintf(t->train_error, sizeof t->train_error, "%s", mcc_last_error());
      release_sub(t->train);
      t->train = NULL;
      for (int32_t p = 0; p < t->n_params; p++) t->params[p].grad_output = t->params[p].state_output = -1;
    }
  }
  if (loss) {
    if ((st = mcc_rt_instance(loss, &t->loss)) != MCC_OK) return st;
    if ((st = link_outputs(m, loss, 0, &t->eval_loss, &t->eval_out_map)) != MCC_OK) {
      if (st == MCC_ERR_OUT_OF_MEMORY) return st;
      snprintf(t->eval_error, sizeof t->eval_error, "%s", mcc_last_error());
      release_sub(t->loss);
      t->loss = NULL;
    }
  }
  return MCC_OK;
}

void mcc_training_destroy(mcc_training *t) {
  if (!t) return;
  release_sub(t->train);
  release_sub(t->loss);
  for (int32_t p = 0; t->params && p < t->n_params; p++) {
    free(t->params[p].grad); free(t->params[p].m1); free(t->params[p].m2);
  }
  free(t->params);
  free(t->train_out_map); free(t->eval_out_map); free(t->args);
  free(t);
}

int32_t mcc_model_has_training(const mcc_model *m) { return m && m->training && m->training->train ? 1 : 0; }

static mcc_status need_training(const mcc_model *m, const char *fn, int need_train) {
  if (!m) return fail(MCC_ERR_INVALID_ARGUMENT, "%s: model is NULL", fn);
  const char *why = !m->training ? "" : need_train ? m->training->train_error : m->training->eval_error;
  if (why[0]) return fail(MCC_ERR_UNSUPPORTED, "%s: model '%s' cannot %s: %s", fn, m->desc->name, need_train ? "train" : "evaluate", why);
  if (!m->training || (need_train ? !m->training->train : !m->training->loss))
    return fail(MCC_ERR_UNSUPPORTED, "%s: model '%s' has no %s function (compile it with a training loss, e.g. "
                "`mcc model.m --train-loss cross_entropy`)", fn, m->desc->name, need_train ? "training" : "loss");
  return MCC_OK;
}

/* ---- learning-rate schedule ----------------------------------------------------------- */

/* The rate of the update that follows `k` completed steps. */
static double schedule_lr(const mcc_optimizer_config *c, int64_t k) {
  if (c->warmup_steps > 0 && k < c->warmup_steps) return c->learning_rate * (double)(k + 1) / (double)c->warmup_steps;
  int64_t j = k - (c->warmup_steps > 0 ? c->warmup_steps : 0);
  switch (c->schedule) {
  case MCC_SCHEDULE_STEP: return c->learning_rate * pow(c->gamma, (double)(j / c->step_size));
  case MCC_SCHEDULE_COSINE: {
    double span = (double)(c->total_steps - (c->warmup_steps > 0 ? c->warmup_steps : 0));
    double progress = (double)j < span ? (double)j / span : 1.0;
    return c->min_lr + (c->learning_rate - c->min_lr) * 0.5 * (1.0 + cos(M_PI * progress));
  }
  default: return c->learning_rate;
  }
}

double mcc_model_learning_rate(const mcc_model *m) {
  if (!m || !m->training || !m->training->has_optimizer) return 0.0;
  return schedule_lr(&m->training->config, m->training->step);
}

int64_t mcc_model_step_count(const mcc_model *m) { return !m ? -1 : m->training ? m->training->step : 0; }

static mcc_status check_config(const mcc_optimizer_config *c) {
  const char *bad = NULL;
  if (c->kind < MCC_OPTIMIZER_SGD || c->kind > MCC_OPTIMIZER_ADAMW) bad = "kind is not an mcc_optimizer_kind";
  else if (c->schedule < MCC_SCHEDULE_CONSTANT || c->schedule > MCC_SCHEDULE_COSINE) bad = "schedule is not an mcc_lr_schedule";
  else if (!(c->learning_rate > 0) || !isfinite(c->learning_rate)) bad = "learning_rate must be a finite number > 0";
  else if (!(c->weight_decay >= 0) || !isfinite(c->weight_decay)) bad = "weight_decay must be >= 0";
  else if (c->kind == MCC_OPTIMIZER_SGD && !(c->momentum >= 0 && c->momentum < 1)) bad = "momentum must be in [0, 1)";
  else if (c->kind == MCC_OPTIMIZER_SGD && c->nesterov && !(c->momentum > 0)) bad = "Nesterov momentum needs momentum > 0";
  else if (c->kind != MCC_OPTIMIZER_SGD && !(c->beta1 >= 0 && c->beta1 < 1 && c->beta2 >= 0 && c->beta2 < 1))
    bad = "beta1 and beta2 must be in [0, 1)";
  else if (c->kind != MCC_OPTIMIZER_SGD && !(c->epsilon > 0)) bad = "epsilon must be > 0";
  else if (c->warmup_steps < 0) bad = "warmup_steps must be >= 0";
  else if (c->schedule == MCC_SCHEDULE_STEP && c->step_size <= 0) bad = "the step schedule needs step_size > 0";
  else if (c->schedule == MCC_SCHEDULE_STEP && !(c->gamma >= 0) ) bad = "the step schedule needs gamma >= 0";
  else if (c->schedule == MCC_SCHEDULE_COSINE && c->total_steps <= c->warmup_steps) bad = "the cosine schedule needs total_steps > warmup_steps";
  else if (c->schedule == MCC_SCHEDULE_COSINE && !(c->min_lr >= 0)) bad = "min_lr must be >= 0";
  else if (!(c->clip_norm >= 0) || !isfinite(c->clip_norm)) bad = "clip_norm must be >= 0 (0: no clipping)";
  return bad ? fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_set_optimizer: %s", bad) : MCC_OK;
}

mcc_status mcc_model_set_optimizer(mcc_model *m, const mcc_optimizer_config *c) {
  mcc_status st = need_training(m, "mcc_model_set_optimizer", 1);
  if (st != MCC_OK) return st;
  if (!c) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_set_optimizer: config is NULL");
  if ((st = check_config(c)) != MCC_OK) return st;
  mcc_training *t = m->training;
  if (t->has_optimizer && t->config.kind != c->kind)   /* another method's moments mean nothing here */
    for (int32_t p = 0; p < t->n_params; p++) {
      free(t->params[p].m1); free(t->params[p].m2);
      t->params[p].m1 = t->params[p].m2 = NULL;
    }
  t->config = *c;
  t->has_optimizer = 1;
  return MCC_OK;
}

mcc_status mcc_model_set_seed(mcc_model *m, uint64_t seed) {
  mcc_status st = need_training(m, "mcc_model_set_seed", 1);
  if (st != MCC_OK) return st;
  m->training->seed = seed;
  return MCC_OK;
}

/* ---- parameters ------------------------------------------------------------------------ */

mcc_status mcc_model_set_param(mcc_model *m, int32_t index, const DLTensor *v) {
  if (!m || !v) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_set_param: %s is NULL", m ? "value" : "model");
  const mcc_desc_model *d = m->desc;
  if (index < 0 || index >= d->n_params)
    return fail(MCC_ERR_INVALID_ARGUMENT, "param index %d is out of range: model '%s' has %d params", index, d->name, d->n_params);
  const mcc_desc_tensor *p = &d->params[index];
  if (v->device.device_type != kDLCPU)
    return fail(MCC_ERR_UNSUPPORTED, "param '%s': device type %d is not supported (only CPU)", p->name, (int)v->device.device_type);
  if (v->dtype.code != p->dtype_code || v->dtype.bits != p->dtype_bits || v->dtype.lanes != 1)
    return fail(MCC_ERR_DTYPE_MISMATCH, "param '%s': dtype is %s, expected %s", p->name, mcc_rt_dtype_name(v->dtype.code, v->dtype.bits),
                mcc_rt_dtype_name((uint8_t)p->dtype_code, (uint8_t)p->dtype_bits));
  if (v->ndim != p->ndim) return fail(MCC_ERR_SHAPE_MISMATCH, "param '%s': rank is %d, expected %d", p->name, v->ndim, p->ndim);
  if (v->ndim > 0 && !v->shape) return fail(MCC_ERR_INVALID_ARGUMENT, "param '%s': shape pointer is NULL", p->name);
  int64_t expected = 1;
  for (int32_t k = v->ndim - 1; k >= 0; k--) {
    if (v->shape[k] != p->dims[k])
      return fail(MCC_ERR_SHAPE_MISMATCH, "param '%s': dim %d is %lld, expected %lld", p->name, k, (long long)v->shape[k], (long long)p->dims[k]);
    if (v->strides && v->shape[k] != 1 && v->strides[k] != expected)
      return fail(MCC_ERR_UNSUPPORTED, "param '%s': strides are not compact row-major", p->name);
    expected *= v->shape[k];
  }
  int64_t bytes = mcc_rt_param_bytes(p);
  if (!v->data && bytes > 0) return fail(MCC_ERR_INVALID_ARGUMENT, "param '%s': data pointer is NULL", p->name);
  mcc_status st = mcc_rt_own_params(m);
  if (st != MCC_OK) return st;
  memmove((char *)m->param_copy + d->param_offsets[index], (const char *)v->data + v->byte_offset, (size_t)bytes);
  return MCC_OK;
}

static int prefix_matches(const char *name, const char *prefix) {
  size_t n = strlen(prefix);
  if (n == 0) return 1;
  if (strncmp(name, prefix, n) != 0) return 0;
  return name[n] == '\0' || name[n] == '.' || prefix[n - 1] == '.';
}

mcc_status mcc_model_freeze(mcc_model *m, const char *prefix, int32_t frozen, int32_t *count) {
  mcc_status st = need_training(m, "mcc_model_freeze", 1);
  if (st != MCC_OK) return st;
  if (!prefix) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_freeze: prefix is NULL");
  int32_t matched = 0;
  for (int32_t p = 0; p < m->desc->n_params; p++)
    if (prefix_matches(m->desc->params[p].name, prefix)) { m->training->params[p].frozen = frozen != 0; matched++; }
  if (count) *count = matched;
  if (!matched) return fail(MCC_ERR_NOT_FOUND, "mcc_model_freeze: no parameter of model '%s' is '%s' or starts with '%s.'",
                            m->desc->name, prefix, prefix);
  return MCC_OK;
}

/* ---- forward + backward ----------------------------------------------------------------- */

/* Class indices must lie in [0, classes) before the generated code gathers with them: the
 * class count is dim 1 (PyTorch's layout: [N, C] or [N, C, d...]) of the first forward output
 * (`out.<name>` of the training function) whose rank is the target's + 1. */
static mcc_status check_labels(const mcc_model *m, const mcc_model *sub, const DLTensor *target) {
  if (target->dtype.code != kDLInt) return MCC_OK;
  const mcc_desc_model *d = sub->desc;
  for (int32_t o = 0; o < d->n_outputs; o++) {
    if (strncmp(d->outputs[o].name, "out.", 4) != 0 || d->outputs[o].ndim != target->ndim + 1 || d->outputs[o].ndim < 2) continue;
    int64_t classes = mcc_rt_new_output_shape(sub, o)[1];
    int64_t n = 1;
    for (int32_t k = 0; k < target->ndim; k++) n *= target->shape[k];
    const char *base = (const char *)target->data + target->byte_offset;
    for (int64_t i = 0; i < n; i++) {
      int64_t label = target->dtype.bits == 64 ? ((const int64_t *)base)[i] : ((const int32_t *)base)[i];
      if (label < 0 || label >= classes)
        return fail(MCC_ERR_INVALID_ARGUMENT, "target[%lld] is %lld at step %lld: class labels of output '%s' must be in [0, %lld)",
                    (long long)i, (long long)label, (long long)m->training->step, d->outputs[o].name + 4, (long long)classes);
    }
    return MCC_OK;
  }
  return MCC_OK;
}

/* Runs F.train (is_train) or F.loss on the caller's inputs + target (+ seed); on success the
 * loss is finite (for F.train) and the sub-instance's outputs hold the results. */
static mcc_status run_sub(mcc_model *m, const char *fn, int is_train, const DLTensor *inputs, int32_t n,
                          const DLTensor *target, float *loss_out) {
  mcc_status st = need_training(m, fn, is_train);
  if (st != MCC_OK) return st;
  mcc_training *t = m->training;
  mcc_model *sub = is_train ? t->train : t->loss;
  if (n != t->n_inputs)
    return fail(MCC_ERR_INVALID_ARGUMENT, "%s: model '%s' takes %d inputs, got %d", fn, m->desc->name, t->n_inputs, n);
  if (!inputs && n > 0) return fail(MCC_ERR_INVALID_ARGUMENT, "%s: inputs is NULL", fn);
  if (!target) return fail(MCC_ERR_INVALID_ARGUMENT, "%s: target is NULL", fn);
  int32_t count = n;
  for (int32_t i = 0; i < n; i++) t->args[i] = inputs[i];
  t->args[count++] = *target;
  if (sub->desc->n_inputs == n + 2) {   /* dropout masks: seed + step, so a resumed run repeats them */
    t->seed_value = (int64_t)(t->seed + (uint64_t)t->step);
    t->seed_shape = 1;
    DLTensor *s = &t->args[count++];
    memset(s, 0, sizeof *s);
    s->data = &t->seed_value;
    s->device.device_type = kDLCPU;
    s->ndim = 1;
    s->dtype.code = kDLInt; s->dtype.bits = 64; s->dtype.lanes = 1;
    s->shape = &t->seed_shape;
  }
  if ((st = mcc_rt_profile_follow(sub, m)) != MCC_OK) return st;
  if ((st = mcc_rt_prepare(sub, t->args, count)) != MCC_OK) return st;
  if ((st = check_labels(m, sub, target)) != MCC_OK) return st;
  sub->params = m->params;
  sub->threads = m->threads;
  sub->pool = mcc_rt_pool(m);
  mcc_rt_execute(sub);
  const void *raw = sub->output_ptrs[is_train ? t->train_loss : t->eval_loss];
  float loss = sub->desc->outputs[is_train ? t->train_loss : t->eval_loss].dtype_bits == 64 ? (float)*(const double *)raw
                                                                                            : *(const float *)raw;
  m->outputs_from = (is_train ? t->train_out_map : t->eval_out_map) ? sub : NULL;
  m->output_map = is_train ? t->train_out_map : t->eval_out_map;
  if (!m->outputs_from) m->has_run = 0;   /* the forward outputs of the last run are not this call's */
  if (loss_out) *loss_out = loss;
  if (is_train && !isfinite(loss))
    return fail(MCC_ERR_INVALID_ARGUMENT, "loss is %s at step %lld; the parameters were not updated", isnan(loss) ? "nan" : "inf",
                (long long)t->step);
  return MCC_OK;
}

mcc_status mcc_model_evaluate(mcc_model *m, const DLTensor *inputs, int32_t n, const DLTensor *target, float *loss) {
  return run_sub(m, "mcc_model_evaluate", 0, inputs, n, target, loss);
}

mcc_status mcc_model_zero_grad(mcc_model *m) {
  mcc_status st = need_training(m, "mcc_model_zero_grad", 1);
  if (st != MCC_OK) return st;
  m->training->grads_valid = 0;   /* the next backward overwrites instead of adding */
  return MCC_OK;
}

static mcc_status alloc_floats(float **p, int64_t n, const char *what, const char *name) {
  if (*p) return MCC_OK;
  *p = calloc((size_t)(n > 0 ? n : 1), sizeof(float));
  return *p ? MCC_OK : fail(MCC_ERR_OUT_OF_MEMORY, "cannot allocate the %s of '%s'", what, name);
}

mcc_status mcc_model_backward(mcc_model *m, const DLTensor *inputs, int32_t n, const DLTensor *target, float *loss) {
  mcc_status st = need_training(m, "mcc_model_backward", 1);
  if (st != MCC_OK) return st;
  mcc_training *t = m->training;
  /* Allocate first: once F.train has run, nothing may fail half-way. */
  for (int32_t p = 0; p < t->n_params; p++)
    if (t->params[p].grad_output >= 0 && (st = alloc_floats(&t->params[p].grad, t->params[p].numel, "gradient", m->desc->params[p].name)) != MCC_OK)
      return st;
  if ((st = mcc_rt_own_params(m)) != MCC_OK) return st;
  if ((st = run_sub(m, "mcc_model_backward", 1, inputs, n, target, loss)) != MCC_OK) return st;
  const mcc_model *sub = t->train;
  for (int32_t p = 0; p < t->n_params; p++) {
    mcc_train_param *tp = &t->params[p];
    if (tp->grad_output >= 0) {
      const float *g = sub->output_ptrs[tp->grad_output];
      if (!t->grads_valid) memcpy(tp->grad, g, sizeof(float) * (size_t)tp->numel);
      else for (int64_t i = 0; i < tp->numel; i++) tp->grad[i] += g[i];
    }
    if (tp->state_output >= 0 && !tp->frozen)
      memcpy((char *)m->param_copy + m->desc->param_offsets[p], sub->output_ptrs[tp->state_output],
             (size_t)mcc_rt_param_bytes(&m->desc->params[p]));
  }
  t->grads_valid = 1;
  return MCC_OK;
}

/* ---- optimizer -------------------------------------------------------------------------- */

typedef struct {
  float *p, *g, *m1, *m2;
  int64_t n;
  int kind, nesterov;
  float lr, wd, momentum, beta1, beta2, eps, step_size, bc2_sqrt, scale;
} update_task;

/* Plain loops over restrict pointers: the C compiler vectorizes each branch (the runtime is
 * built with -O3). The runtime targets baseline x86-64, so GCC also clones this function for
 * AVX2 and picks the clone at load time. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
static void update_range(const update_task *u, int64_t lo, int64_t hi) {
  float *restrict p = u->p, *restrict m1 = u->m1, *restrict m2 = u->m2;
  const float *restrict g = u->g;
  const float lr = u->lr, wd = u->wd, mu = u->momentum, s = u->scale;
  if (u->kind == MCC_OPTIMIZER_SGD) {
    if (!m1) {
      for (int64_t i = lo; i < hi; i++) p[i] -= lr * (s * g[i] + wd * p[i]);
    } else if (u->nesterov) {
      for (int64_t i = lo; i < hi; i++) {
        float d = s * g[i] + wd * p[i];
        m1[i] = mu * m1[i] + d;
        p[i] -= lr * (d + mu * m1[i]);
      }
    } else {
      for (int64_t i = lo; i < hi; i++) {
        m1[i] = mu * m1[i] + s * g[i] + wd * p[i];
        p[i] -= lr * m1[i];
      }
    }
    return;
  }
  const float b1 = u->beta1, b2 = u->beta2, eps = u->eps, step = u->step_size, bc2 = u->bc2_sqrt;
  const float l2 = u->kind == MCC_OPTIMIZER_ADAM ? wd : 0.0f;
  const float decay = u->kind == MCC_OPTIMIZER_ADAMW ? 1.0f - lr * wd : 1.0f;
  for (int64_t i = lo; i < hi; i++) {
    float d = s * g[i] + l2 * p[i];
    m1[i] = b1 * m1[i] + (1.0f - b1) * d;
    m2[i] = b2 * m2[i] + (1.0f - b2) * d * d;
    p[i] = p[i] * decay - step * m1[i] / (sqrtf(m2[i]) / bc2 + eps);
  }
}

static void update_part(void *const *args, const int64_t *syms, int64_t part, int64_t parts) {
  (void)syms;
  const update_task *u = args[0];
  int64_t chunk = (u->n + parts - 1) / parts;
  int64_t lo = part * chunk, hi = lo + chunk < u->n ? lo + chunk : u->n;
  if (lo < hi) update_range(u, lo, hi);
}

mcc_status mcc_model_optimizer_step(mcc_model *m) {
  mcc_status st = need_training(m, "mcc_model_optimizer_step", 1);
  if (st != MCC_OK) return st;
  mcc_training *t = m->training;
  if (!t->has_optimizer) return fail(MCC_ERR_INVALID_ARGUMENT, "model '%s' has no optimizer: call mcc_model_set_optimizer first", m->desc->name);
  const mcc_optimizer_config *c = &t->config;
  int need_m1 = c->kind != MCC_OPTIMIZER_SGD || c->momentum > 0, need_m2 = c->kind != MCC_OPTIMIZER_SGD;
  for (int32_t p = 0; p < t->n_params; p++) {
    mcc_train_param *tp = &t->params[p];
    if (tp->grad_output < 0) continue;
    const char *name = m->desc->params[p].name;
    if ((st = alloc_floats(&tp->grad, tp->numel, "gradient", name)) != MCC_OK ||
        (need_m1 && (st = alloc_floats(&tp->m1, tp->numel, "optimizer state", name)) != MCC_OK) ||
        (need_m2 && (st = alloc_floats(&tp->m2, tp->numel, "optimizer state", name)) != MCC_OK))
      return st;
  }
  if ((st = mcc_rt_own_params(m)) != MCC_OK) return st;
  if (!t->grads_valid) {   /* no backward since zero_grad: the gradient is zero */
    for (int32_t p = 0; p < t->n_params; p++)
      if (t->params[p].grad) memset(t->params[p].grad, 0, sizeof(float) * (size_t)t->params[p].numel);
    t->grads_valid = 1;
  }
  /* Global-norm clipping over the parameters this step updates (torch.nn.utils.clip_grad_norm_). */
  double scale = 1.0;
  if (c->clip_norm > 0) {
    double sum = 0;
    for (int32_t p = 0; p < t->n_params; p++) {
      const mcc_train_param *tp = &t->params[p];
      if (tp->grad_output < 0 || tp->frozen) continue;
      for (int64_t i = 0; i < tp->numel; i++) sum += (double)tp->grad[i] * tp->grad[i];
    }
    double coef = c->clip_norm / (sqrt(sum) + 1e-6);
    if (coef < 1.0) scale = coef;
  }
  double lr = schedule_lr(c, t->step);
  double k = (double)(t->step + 1);
  double bc1 = 1.0 - pow(c->beta1, k), bc2 = 1.0 - pow(c->beta2, k);
  mcc_pool *pool = mcc_rt_pool(m);
  for (int32_t p = 0; p < t->n_params; p++) {
    mcc_train_param *tp = &t->params[p];
    if (tp->grad_output < 0 || tp->frozen) continue;
    update_task u = {
      .p = (float *)((char *)m->param_copy + m->desc->param_offsets[p]), .g = tp->grad, .m1 = need_m1 ? tp->m1 : NULL,
      .m2 = tp->m2, .n = tp->numel, .kind = c->kind, .nesterov = c->nesterov != 0, .lr = (float)lr,
      .wd = (float)c->weight_decay, .momentum = (float)c->momentum, .beta1 = (float)c->beta1, .beta2 = (float)c->beta2,
      .eps = (float)c->epsilon, .step_size = need_m2 ? (float)(lr / bc1) : 0.0f, .bc2_sqrt = need_m2 ? (float)sqrt(bc2) : 1.0f,
      .scale = (float)scale,
    };
    void *args[1] = {&u};
    if (pool && tp->numel >= MCC_PARALLEL_UPDATE) mcc_rt_parallel(pool, update_part, args, NULL);
    else update_range(&u, 0, tp->numel);
  }
  t->step++;
  return MCC_OK;
}

mcc_status mcc_model_train_step(mcc_model *m, const DLTensor *inputs, int32_t n, const DLTensor *target, float *loss) {
  mcc_status st = need_training(m, "mcc_model_train_step", 1);
  if (st != MCC_OK) return st;
  if (!m->training->has_optimizer)
    return fail(MCC_ERR_INVALID_ARGUMENT, "model '%s' has no optimizer: call mcc_model_set_optimizer first", m->desc->name);
  int valid = m->training->grads_valid;
  m->training->grads_valid = 0;
  if ((st = mcc_model_backward(m, inputs, n, target, loss)) != MCC_OK) {
    m->training->grads_valid = valid;   /* a rejected step leaves the accumulated gradients alone */
    return st;
  }
  return mcc_model_optimizer_step(m);
}
