/* Per-kernel profiling: every kernel call of an instance that has profiling enabled becomes one
 * event; mcc_model_write_profile writes them as Chrome trace JSON (chrome://tracing, Perfetto)
 * with each kernel's FLOP count and GFLOP/s. */
#include "mcc_runtime_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define fail mcc_rt_fail

#define MCC_MAX_EVENTS (1 << 20)

typedef struct { int64_t kernel, start_ns, duration_ns, flops; } mcc_event;

struct mcc_profile {
  const mcc_desc_model *desc;
  mcc_event *events;
  size_t count, capacity, dropped;
  int64_t *flops;       /* per kernel, for the current run's symbols */
  int64_t origin_ns;
};

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t mcc_rt_profile_begin(void *raw) { return raw ? now_ns() : 0; }

void mcc_rt_profile_end(void *raw, int64_t kernel, int64_t started, const int64_t *syms) {
  mcc_profile *p = raw;
  if (!p) return;
  int64_t end = now_ns();
  if (kernel == 0 && p->flops) p->desc->kernel_flops(syms, p->flops);
  if (p->count == p->capacity) {
    size_t grown = p->capacity ? p->capacity * 2 : 1024;
    mcc_event *e = grown <= MCC_MAX_EVENTS ? realloc(p->events, grown * sizeof *e) : NULL;
    if (!e) { p->dropped++; return; }
    p->events = e;
    p->capacity = grown;
  }
  p->events[p->count++] = (mcc_event){kernel, started - p->origin_ns, end - started, p->flops ? p->flops[kernel] : 0};
}

void mcc_rt_profile_destroy(mcc_profile *p) {
  if (!p) return;
  free(p->events);
  free(p->flops);
  free(p);
}

mcc_status mcc_model_enable_profiling(mcc_model *m, int32_t enable) {
  if (!m) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_enable_profiling: model is NULL");
  if (m->profile && enable) return MCC_OK;
  mcc_rt_profile_destroy(m->profile);
  m->profile = NULL;
  if (m->training) {   /* F.train's and F.loss's records belong to the profile that ends here */
    mcc_model *subs[2] = {m->training->train, m->training->loss};
    for (int i = 0; i < 2; i++)
      if (subs[i]) { mcc_rt_profile_destroy(subs[i]->profile); subs[i]->profile = NULL; }
  }
  if (!enable) return MCC_OK;
  mcc_profile *p = calloc(1, sizeof *p);
  if (!p) return fail(MCC_ERR_OUT_OF_MEMORY, "mcc_model_enable_profiling: out of memory");
  p->desc = m->desc;
  p->flops = calloc((size_t)m->desc->n_kernels + 1, sizeof(int64_t));
  p->origin_ns = now_ns();
  m->profile = p;
  return MCC_OK;
}

/* Writes a JSON string with the characters JSON requires escaped. */
static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

/* One complete event per recorded kernel call of `m`, named "op #index type", prefixed with
 * the training function's name for F.train and F.loss. */
static void write_events(FILE *f, const mcc_model *m, const char *function, int *first) {
  const mcc_profile *p = m->profile;
  if (!p) return;
  for (size_t i = 0; i < p->count; i++) {
    const mcc_event *e = &p->events[i];
    const char *name = e->kernel >= 0 && e->kernel < m->desc->n_kernels ? m->desc->kernel_names[e->kernel] : "?";
    double us = (double)e->duration_ns / 1000.0;
    fprintf(f, "%s{\"name\": ", *first ? "" : ",\n");
    *first = 0;
    if (function) {
      char full[512];
      snprintf(full, sizeof full, "%s: %s", function, name);
      json_string(f, full);
    } else {
      json_string(f, name);
    }
    fprintf(f, ", \"ph\": \"X\", \"pid\": 1, \"tid\": 1, \"ts\": %.3f, \"dur\": %.3f, "
               "\"args\": {\"flops\": %lld, \"gflops_per_s\": %.3f}}",
            (double)e->start_ns / 1000.0, us, (long long)e->flops, us > 0 ? (double)e->flops / (us * 1000.0) : 0.0);
  }
}

mcc_status mcc_model_write_profile(const mcc_model *m, const char *path) {
  if (!m || !path) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_write_profile: %s is NULL", m ? "path" : "model");
  const mcc_profile *p = m->profile;
  if (!p) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_write_profile: profiling is not enabled (mcc_model_enable_profiling)");
  FILE *f = fopen(path, "w");
  if (!f) return fail(MCC_ERR_INVALID_ARGUMENT, "cannot write profile '%s': %s", path, strerror(errno));
  fprintf(f, "{\"displayTimeUnit\": \"ms\", \"otherData\": {\"model\": ");
  json_string(f, m->desc->name);
  size_t dropped = p->dropped;
  if (m->training) {
    if (m->training->train && m->training->train->profile) dropped += m->training->train->profile->dropped;
    if (m->training->loss && m->training->loss->profile) dropped += m->training->loss->profile->dropped;
  }
  fprintf(f, ", \"dropped_events\": %zu}, \"traceEvents\": [\n", dropped);
  int first = 1;
  write_events(f, m, NULL, &first);
  if (m->training) {   /* train steps and evaluations record into their functions' profiles */
    if (m->training->train) write_events(f, m->training->train, m->training->train->desc->name, &first);
    if (m->training->loss) write_events(f, m->training->loss, m->training->loss->desc->name, &first);
  }
  fprintf(f, "\n]}\n");
  int bad = ferror(f);
  if (fclose(f) != 0 || bad) return fail(MCC_ERR_INVALID_ARGUMENT, "cannot write profile '%s'", path);
  return MCC_OK;
}

/* Training calls run F.train/F.loss as sub-instances: they record while `parent` does, on the
 * parent's clock, so one trace shows forward runs and train steps in order. */
mcc_status mcc_rt_profile_follow(mcc_model *sub, const mcc_model *parent) {
  if (!parent->profile) {
    if (sub->profile) { mcc_rt_profile_destroy(sub->profile); sub->profile = NULL; }
    return MCC_OK;
  }
  if (!sub->profile) {
    mcc_status st = mcc_model_enable_profiling(sub, 1);
    if (st != MCC_OK) return st;
  }
  sub->profile->origin_ns = parent->profile->origin_ns;
  return MCC_OK;
}
