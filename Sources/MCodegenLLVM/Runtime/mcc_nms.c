/* NonMaxSuppression (ONNX semantics), shared by the value-symbol evaluator (the count, before
 * the forward, sizes the result) and the kernel (which writes the selected triples). Both run
 * the same deterministic code on the same data, so the count and the triples agree. */
#include "mcc_runtime_private.h"

#include <stdlib.h>

/* Corners (y1, x1, y2, x2) of box `b` with min/max order fixed (ONNX allows flipped corners). */
static void corners(const float *b, int center, float *y1, float *x1, float *y2, float *x2) {
  if (center) {
    *x1 = b[0] - b[2] / 2; *x2 = b[0] + b[2] / 2;
    *y1 = b[1] - b[3] / 2; *y2 = b[1] + b[3] / 2;
  } else {
    *y1 = b[0] < b[2] ? b[0] : b[2]; *y2 = b[0] < b[2] ? b[2] : b[0];
    *x1 = b[1] < b[3] ? b[1] : b[3]; *x2 = b[1] < b[3] ? b[3] : b[1];
  }
}

static int iou_exceeds(const float *a, const float *b, int center, float threshold) {
  float ay1, ax1, ay2, ax2, by1, bx1, by2, bx2;
  corners(a, center, &ay1, &ax1, &ay2, &ax2);
  corners(b, center, &by1, &bx1, &by2, &bx2);
  float ih = (ay2 < by2 ? ay2 : by2) - (ay1 > by1 ? ay1 : by1);
  float iw = (ax2 < bx2 ? ax2 : bx2) - (ax1 > bx1 ? ax1 : bx1);
  if (ih <= 0 || iw <= 0) return 0;
  float inter = ih * iw;
  float uni = (ay2 - ay1) * (ax2 - ax1) + (by2 - by1) * (bx2 - bx1) - inter;
  if (uni <= 0) return 0;
  return inter / uni > threshold;
}

typedef struct { float score; int64_t index; } scored;

/* Higher score first; equal scores keep the lower index first (a stable order). */
static int by_score(const void *pa, const void *pb) {
  const scored *a = pa, *b = pb;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* Selects boxes per (batch, class): boxes [batches, n, 4], scores [batches, classes, n].
 * Writes at most `cap` triples (batch, class, box) to `out` (when not NULL) and returns how
 * many are selected, or -1 when out of memory. */
int64_t mcc_rt_nms(const float *boxes, const float *scores, int64_t batches, int64_t classes, int64_t n,
                              int64_t max_out, float iou_threshold, float score_threshold, int32_t has_score,
                              int32_t center, int64_t *out, int64_t cap) {
  if (max_out <= 0 || n <= 0) return 0;
  scored *order = malloc((size_t)n * sizeof *order);
  int64_t *kept = malloc((size_t)n * sizeof *kept);
  if (!order || !kept) { free(order); free(kept); return -1; }
  int64_t total = 0;
  for (int64_t b = 0; b < batches; b++) {
    for (int64_t c = 0; c < classes; c++) {
      const float *s = scores + (b * classes + c) * n;
      int64_t m = 0;
      for (int64_t i = 0; i < n; i++)
        if (!has_score || s[i] > score_threshold) { order[m].score = s[i]; order[m].index = i; m++; }
      qsort(order, (size_t)m, sizeof *order, by_score);
      int64_t k = 0;
      for (int64_t i = 0; i < m && k < max_out; i++) {
        const float *box = boxes + (b * n + order[i].index) * 4;
        int keep = 1;
        for (int64_t j = 0; j < k && keep; j++)
          if (iou_exceeds(boxes + (b * n + kept[j]) * 4, box, center, iou_threshold)) keep = 0;
        if (!keep) continue;
        kept[k++] = order[i].index;
        if (out && total < cap) { out[total * 3] = b; out[total * 3 + 1] = c; out[total * 3 + 2] = order[i].index; }
        total++;
      }
    }
  }
  free(order);
  free(kept);
  return total;
}
