/* Value symbols: symbolic dims computed from the *data* of small inputs (an ONNX Reshape's
 * `shape`, a Slice's `starts`) before the dims and workspace are sized. The code generator
 * encodes each `symbol` and `check` of the MIR function (docs/mir.md) as a statement of
 * int64 words:
 *
 *   kind (1 = symbol, 2 = check), index (symbol slot or check number), length, expression...
 *
 * and the expression in postfix: 1 v (integer), 2 bits (double), 3 s (symbol slot),
 * 4 a i (element i of input a), 5 f (function f of SymFunction's order, popping its arity),
 * 6 a (how many elements of input a are nonzero), 7 b s (how many boxes NonMaxSuppression
 * selects from inputs b and s, popping max_output, iou, score_threshold, has_score, center),
 * 8 a axis (how many distinct slices input a has along axis; -1: distinct elements).
 * A zero word ends the program. Integers are int64 and floats double, as in MIR; every
 * failure (division by zero, overflow, an element past the input's end, a failed check)
 * is a clear error, never undefined behaviour. */
#include "mcc_runtime_private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define fail mcc_rt_fail

typedef struct {
  int is_float;
  int64_t i;
  double f;
} sym_value;

enum { F_ADD, F_SUB, F_MUL, F_DIV, F_MOD, F_MIN, F_MAX, F_EQ, F_NE, F_LT, F_LE, F_GT, F_GE, F_AND, F_OR, F_NOT,
       F_SELECT, F_FLOOR, F_CEIL, F_CLAMP, F_COUNT };
static const int arity[F_COUNT] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 3, 1, 1, 3};

static double as_double(sym_value v) { return v.is_float ? v.f : (double)v.i; }
static sym_value int_value(int64_t i) { sym_value v = {0, i, 0}; return v; }
static sym_value float_value(double f) { sym_value v = {1, 0, f}; return v; }

/* Reads element `index` of input `a` as an integer or a double; -1 when out of range. */
static int load_element(const mcc_model *m, const DLTensor *inputs, int64_t a, int64_t index, sym_value *out) {
  const mcc_desc_tensor *d = &m->desc->inputs[a];
  int64_t numel = 1;
  for (int32_t k = 0; k < inputs[a].ndim; k++) numel *= inputs[a].shape[k];
  if (index < 0 || index >= numel) return -1;
  const char *p = (const char *)m->input_ptrs[a];
  if (d->dtype_code == kDLFloat) {
    *out = float_value(d->dtype_bits == 64 ? ((const double *)p)[index] : (double)((const float *)p)[index]);
    return 0;
  }
  int64_t v;
  int uns = d->dtype_code == kDLUInt;
  switch (d->dtype_bits) {
  case 8: v = uns ? (int64_t)((const uint8_t *)p)[index] : (int64_t)((const int8_t *)p)[index]; break;
  case 16: v = uns ? (int64_t)((const uint16_t *)p)[index] : (int64_t)((const int16_t *)p)[index]; break;
  case 32: v = uns ? (int64_t)((const uint32_t *)p)[index] : (int64_t)((const int32_t *)p)[index]; break;
  default: v = ((const int64_t *)p)[index]; break;   /* u64 beyond INT64_MAX reads as negative */
  }
  *out = int_value(v);
  return 0;
}

/* The number of nonzero elements of input `a` (NaN counts, as in ONNX NonZero). */
static int64_t count_nonzero(const mcc_model *m, const DLTensor *inputs, int64_t a) {
  const mcc_desc_tensor *d = &m->desc->inputs[a];
  int64_t numel = 1, count = 0;
  for (int32_t k = 0; k < inputs[a].ndim; k++) numel *= inputs[a].shape[k];
  const char *p = (const char *)m->input_ptrs[a];
  if (d->dtype_code == kDLFloat && d->dtype_bits == 64) {
    for (int64_t i = 0; i < numel; i++) count += ((const double *)p)[i] != 0;
  } else if (d->dtype_code == kDLFloat && d->dtype_bits == 32) {
    for (int64_t i = 0; i < numel; i++) count += ((const float *)p)[i] != 0;
  } else {
    /* Integers and bools (the verifier admits no other types): any nonzero byte is nonzero. */
    int64_t bytes = (d->dtype_bits + 7) / 8;
    for (int64_t i = 0; i < numel; i++) {
      int nonzero = 0;
      for (int64_t b = 0; b < bytes; b++) nonzero |= p[i * bytes + b] != 0;
      count += nonzero;
    }
  }
  return count;
}

/* Converts a double to int64, rounding with `fn`; 0 when not finite or out of range. */
static int to_int(double x, int64_t *out) {
  if (!isfinite(x) || x >= 9.2e18 || x <= -9.2e18) return 0;
  *out = (int64_t)x;
  return 1;
}

/* Applies function f to args[0..arity); returns NULL or a static reason. */
static const char *apply(int64_t f, const sym_value *a, sym_value *out) {
  int any_float = a[0].is_float || (arity[f] > 1 && a[1].is_float);
  switch (f) {
  case F_ADD: case F_SUB: case F_MUL: case F_MIN: case F_MAX:
    if (any_float) {
      double x = as_double(a[0]), y = as_double(a[1]);
      *out = float_value(f == F_ADD ? x + y : f == F_SUB ? x - y : f == F_MUL ? x * y : f == F_MIN ? fmin(x, y) : fmax(x, y));
    } else {
      int64_t x = a[0].i, y = a[1].i, r;
      if (f == F_MIN) r = x < y ? x : y;
      else if (f == F_MAX) r = x > y ? x : y;
      else if ((f == F_ADD ? __builtin_add_overflow(x, y, &r) : f == F_SUB ? __builtin_sub_overflow(x, y, &r)
                                                                            : __builtin_mul_overflow(x, y, &r)))
        return "integer overflow";
      *out = int_value(r);
    }
    return NULL;
  case F_DIV: case F_MOD:
    if (any_float) {
      double x = as_double(a[0]), y = as_double(a[1]);
      *out = float_value(f == F_DIV ? x / y : fmod(x, y));
      return NULL;
    }
    if (a[1].i == 0) return "division by zero";
    if (a[0].i == INT64_MIN && a[1].i == -1) return "integer overflow";
    {
      int64_t q = a[0].i / a[1].i, r = a[0].i % a[1].i;
      if (r != 0 && ((r < 0) != (a[1].i < 0))) { q -= 1; r += a[1].i; }   /* floor semantics */
      *out = int_value(f == F_DIV ? q : r);
    }
    return NULL;
  case F_EQ: case F_NE: case F_LT: case F_LE: case F_GT: case F_GE: {
    int c;
    if (any_float) {
      double x = as_double(a[0]), y = as_double(a[1]);
      c = f == F_EQ ? x == y : f == F_NE ? x != y : f == F_LT ? x < y : f == F_LE ? x <= y : f == F_GT ? x > y : x >= y;
    } else {
      int64_t x = a[0].i, y = a[1].i;
      c = f == F_EQ ? x == y : f == F_NE ? x != y : f == F_LT ? x < y : f == F_LE ? x <= y : f == F_GT ? x > y : x >= y;
    }
    *out = int_value(c);
    return NULL;
  }
  case F_AND: *out = int_value(as_double(a[0]) != 0 && as_double(a[1]) != 0); return NULL;
  case F_OR: *out = int_value(as_double(a[0]) != 0 || as_double(a[1]) != 0); return NULL;
  case F_NOT: *out = int_value(as_double(a[0]) == 0); return NULL;
  case F_SELECT: *out = as_double(a[0]) != 0 ? a[1] : a[2]; return NULL;
  case F_FLOOR: case F_CEIL: {
    if (!a[0].is_float) { *out = a[0]; return NULL; }
    int64_t r;
    if (!to_int(f == F_FLOOR ? floor(a[0].f) : ceil(a[0].f), &r)) return "a float that is not finite or too large for a dim";
    *out = int_value(r);
    return NULL;
  }
  case F_CLAMP:
    if (a[0].is_float || a[1].is_float || a[2].is_float) {
      double x = as_double(a[0]), lo = as_double(a[1]), hi = as_double(a[2]);
      *out = float_value(x < lo ? lo : x > hi ? hi : x);
    } else {
      *out = int_value(a[0].i < a[1].i ? a[1].i : a[0].i > a[2].i ? a[2].i : a[0].i);
    }
    return NULL;
  }
  return "an unknown function";
}

mcc_status mcc_rt_value_symbols(mcc_model *m, const DLTensor *inputs) {
  const mcc_desc_model *d = m->desc;
  const int64_t *p = d->symbol_program;
  enum { STACK = 64 };
  sym_value stack[STACK];
  while (*p != 0) {
    int64_t kind = p[0], index = p[1], length = p[2];
    const int64_t *e = p + 3, *end = p + 3 + length;
    const char *what = kind == 1 ? "value symbol" : "check";
    char name[64];
    if (kind == 1) snprintf(name, sizeof name, "'%s'", d->symbols[index]);
    else snprintf(name, sizeof name, "#%lld", (long long)index);
    int top = 0;
    while (e < end) {
      if (top >= STACK - 1) return fail(MCC_ERR_INTERNAL, "model '%s': %s %s: expression too deep", d->name, what, name);
      switch (e[0]) {
      case 1: stack[top++] = int_value(e[1]); e += 2; break;
      case 2: { double f; memcpy(&f, &e[1], sizeof f); stack[top++] = float_value(f); e += 2; break; }
      case 3: stack[top++] = int_value(m->new_syms[e[1]]); e += 2; break;
      case 4:
        if (load_element(m, inputs, e[1], e[2], &stack[top]) != 0)
          return fail(MCC_ERR_SHAPE_MISMATCH, "model '%s': input '%s' (#%lld) is too short: %s %s reads its element %lld",
                      d->name, d->inputs[e[1]].name, (long long)e[1], what, name, (long long)e[2]);
        top++; e += 3; break;
      case 6: stack[top++] = int_value(count_nonzero(m, inputs, e[1])); e += 2; break;
      case 8: {
        const DLTensor *x = &inputs[e[1]];
        const mcc_desc_tensor *xd = &d->inputs[e[1]];
        int64_t outer = 1, len = 1, inner = 1, axis = e[2];
        for (int32_t k = 0; k < x->ndim; k++) {
          if (axis < 0 || k == axis) len *= x->shape[k];
          else if (k < axis) outer *= x->shape[k];
          else inner *= x->shape[k];
        }
        int64_t count = mcc_rt_unique(m->input_ptrs[e[1]], xd->dtype_code, xd->dtype_bits, outer, len, inner, 0,
                                      NULL, NULL, NULL, 0);
        if (count < 0) return fail(MCC_ERR_OUT_OF_MEMORY, "model '%s': Unique: out of memory", d->name);
        stack[top++] = int_value(count);
        e += 3;
        break;
      }
      case 7: {
        const DLTensor *b = &inputs[e[1]], *s = &inputs[e[2]];
        if (top < 5 || b->ndim != 3 || s->ndim != 3)
          return fail(MCC_ERR_INTERNAL, "model '%s': %s %s is malformed", d->name, what, name);
        if (b->shape[2] != 4 || s->shape[0] != b->shape[0] || s->shape[2] != b->shape[1])
          return fail(MCC_ERR_SHAPE_MISMATCH, "model '%s': NonMaxSuppression: boxes '%s' must be [batches, n, 4] and "
                      "scores '%s' [batches, classes, n] with the same batches and n", d->name, d->inputs[e[1]].name, d->inputs[e[2]].name);
        top -= 5;
        int64_t max_out;
        if (!stack[top].is_float) max_out = stack[top].i;
        else if (!to_int(stack[top].f, &max_out)) max_out = 0;
        int64_t count = mcc_rt_nms((const float *)m->input_ptrs[e[1]], (const float *)m->input_ptrs[e[2]], b->shape[0],
                                   s->shape[1], b->shape[1], max_out, (float)as_double(stack[top + 1]),
                                   (float)as_double(stack[top + 2]), as_double(stack[top + 3]) != 0,
                                   as_double(stack[top + 4]) != 0, NULL, 0);
        if (count < 0) return fail(MCC_ERR_OUT_OF_MEMORY, "model '%s': NonMaxSuppression: out of memory", d->name);
        stack[top++] = int_value(count);
        e += 3;
        break;
      }
      case 5: {
        int64_t f = e[1];
        if (f < 0 || f >= F_COUNT || top < arity[f])
          return fail(MCC_ERR_INTERNAL, "model '%s': %s %s is malformed", d->name, what, name);
        top -= arity[f];
        sym_value r;
        const char *why = apply(f, &stack[top], &r);
        if (why) return fail(MCC_ERR_SHAPE_MISMATCH, "model '%s': %s %s: %s in its computation from the input data",
                             d->name, what, name, why);
        stack[top++] = r;
        e += 2;
        break;
      }
      default: return fail(MCC_ERR_INTERNAL, "model '%s': %s %s is malformed", d->name, what, name);
      }
    }
    if (top != 1) return fail(MCC_ERR_INTERNAL, "model '%s': %s %s is malformed", d->name, what, name);
    if (kind == 1) {
      if (stack[0].is_float) {
        int64_t r;
        if (!to_int(stack[0].f, &r))
          return fail(MCC_ERR_SHAPE_MISMATCH, "model '%s': value symbol %s is %g, not an integer", d->name, name, stack[0].f);
        stack[0] = int_value(r);
      }
      m->new_syms[index] = stack[0].i;
    } else if (as_double(stack[0]) == 0) {
      return fail(MCC_ERR_SHAPE_MISMATCH, "model '%s': %s", d->name, d->check_messages[index]);
    }
    p = end;
  }
  return MCC_OK;
}
