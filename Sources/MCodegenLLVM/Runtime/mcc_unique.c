/* Unique (ONNX semantics) over slices along an axis: x viewed as [outer, len, inner], slice i is
 * x[:, i, :], compared lexicographically in row-major order (numpy's rule). Shared by the
 * value-symbol evaluator (the count sizes the results) and the kernels (indices, inverse, counts). */
#include "mcc_runtime_private.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *x;
  int32_t code, bits;
  int64_t outer, len, inner;
} view;

static int compare_elements(const view *v, int64_t a, int64_t b) {
  const char *p = v->x;
  switch (v->code) {
  case kDLFloat:
    if (v->bits == 64) { double x = ((const double *)p)[a], y = ((const double *)p)[b]; return (x > y) - (x < y); }
    else { float x = ((const float *)p)[a], y = ((const float *)p)[b]; return (x > y) - (x < y); }
  case kDLInt:
    switch (v->bits) {
    case 8: { int8_t x = ((const int8_t *)p)[a], y = ((const int8_t *)p)[b]; return (x > y) - (x < y); }
    case 16: { int16_t x = ((const int16_t *)p)[a], y = ((const int16_t *)p)[b]; return (x > y) - (x < y); }
    case 32: { int32_t x = ((const int32_t *)p)[a], y = ((const int32_t *)p)[b]; return (x > y) - (x < y); }
    default: { int64_t x = ((const int64_t *)p)[a], y = ((const int64_t *)p)[b]; return (x > y) - (x < y); }
    }
  default:   /* unsigned and bool */
    switch (v->bits) {
    case 16: { uint16_t x = ((const uint16_t *)p)[a], y = ((const uint16_t *)p)[b]; return (x > y) - (x < y); }
    case 32: { uint32_t x = ((const uint32_t *)p)[a], y = ((const uint32_t *)p)[b]; return (x > y) - (x < y); }
    case 64: { uint64_t x = ((const uint64_t *)p)[a], y = ((const uint64_t *)p)[b]; return (x > y) - (x < y); }
    default: { uint8_t x = ((const uint8_t *)p)[a], y = ((const uint8_t *)p)[b]; return (x > y) - (x < y); }
    }
  }
}

static int compare_slices(const view *v, int64_t i, int64_t j) {
  for (int64_t o = 0; o < v->outer; o++)
    for (int64_t k = 0; k < v->inner; k++) {
      int64_t base = o * v->len * v->inner + k;
      int c = compare_elements(v, base + i * v->inner, base + j * v->inner);
      if (c) return c;
    }
  return 0;
}

/* Returns the number of unique slices (-1 when out of memory); writes, when given, `first`
 * (first occurrence of each unique, in output order), `counts` (both at most `cap`) and
 * `inverse` (len entries: each slice's position in the output). */
int64_t mcc_rt_unique(const void *x, int32_t code, int32_t bits, int64_t outer, int64_t len, int64_t inner,
                      int32_t sorted, int64_t *first, int64_t *inverse, int64_t *counts, int64_t cap) {
  view v = {x, code, bits, outer, len, inner};
  if (len <= 0) return 0;
  int64_t *reps = malloc((size_t)len * sizeof *reps);    /* first occurrences, in first-seen order */
  int64_t *owner = malloc((size_t)len * sizeof *owner);  /* slice -> position in reps */
  int64_t *rank = malloc((size_t)len * sizeof *rank);    /* position in reps -> output position */
  int64_t *hits = calloc((size_t)len, sizeof *hits);
  if (!reps || !owner || !rank || !hits) { free(reps); free(owner); free(rank); free(hits); return -1; }
  int64_t u = 0;
  for (int64_t i = 0; i < len; i++) {
    int64_t r = 0;
    while (r < u && compare_slices(&v, reps[r], i) != 0) r++;
    if (r == u) reps[u++] = i;
    owner[i] = r;
    hits[r]++;
  }
  /* Output order: first-seen, or ascending (insertion sort of positions; ties cannot occur). */
  int64_t *order = malloc((size_t)(u > 0 ? u : 1) * sizeof *order);
  if (!order) { free(reps); free(owner); free(rank); free(hits); return -1; }
  for (int64_t r = 0; r < u; r++) {
    int64_t p = r;
    if (sorted)
      while (p > 0 && compare_slices(&v, reps[order[p - 1]], reps[r]) > 0) { order[p] = order[p - 1]; p--; }
    order[p] = r;
  }
  for (int64_t p = 0; p < u; p++) rank[order[p]] = p;
  for (int64_t p = 0; p < u && p < cap; p++) {
    if (first) first[p] = reps[order[p]];
    if (counts) counts[p] = hits[order[p]];
  }
  if (inverse)
    for (int64_t i = 0; i < len; i++) inverse[i] = rank[owner[i]];
  free(order); free(reps); free(owner); free(rank); free(hits);
  return u;
}
