/* The per-instance thread pool behind mcc_rt_parallel (one pool per instance, so instances
 * never contend): threads - 1 workers plus the calling thread.
 *
 * A task is `parts` independent parts (the kernel's partition). Threads claim parts from a
 * shared counter instead of owning a fixed one: when a worker is slow to wake (the machine is
 * loaded, or the kernel is short), the caller runs the unclaimed parts itself rather than
 * waiting, so a split kernel is never much slower than running it on one thread.
 *
 * Waking: a worker that finished a task spins briefly (MCC_SPIN_NS) on the task counter before
 * it sleeps on a condition variable, so back-to-back parallel kernels skip the futex wake-up;
 * the caller signals only when some worker actually sleeps. An idle pool sleeps: no thread
 * spins for longer than MCC_SPIN_NS after its last task. */
#include "mcc_runtime_private.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* Spin window before sleeping: long enough to cover the serial kernels between two split
 * ones in a forward pass (tens of microseconds), short enough that an idle instance costs
 * nothing measurable. */
#define MCC_SPIN_NS 50000

struct mcc_pool {
  int threads;                  /* parts per task, including the calling thread's */
  pthread_t *workers;
  pthread_mutex_t mutex;
  pthread_cond_t start, done;
  /* (task << 16) | next unclaimed part: a claim succeeds only for the current task. */
  _Atomic uint64_t state;
  _Atomic int remaining;        /* parts of the current task not yet finished */
  _Atomic int sleepers;         /* workers blocked (or about to block) on `start` */
  _Atomic int caller_sleeps;    /* the caller is blocked (or about to block) on `done` */
  _Atomic int shutdown;
  mcc_kernel_entry fn;          /* the current task: written before `state` publishes it */
  void *const *args;
  const int64_t *syms;
};

typedef struct { mcc_pool *pool; } mcc_worker_arg;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Claims and runs parts of task `task` until none is left; signals the caller when this
 * thread finished the last one. */
static void run_parts(mcc_pool *p, uint64_t task) {
  uint64_t s = atomic_load(&p->state);
  for (;;) {
    if (s >> 16 != task || (int)(s & 0xffff) >= p->threads) return;
    if (!atomic_compare_exchange_weak(&p->state, &s, s + 1)) continue;
    /* Claimed: the task cannot finish (nor fn change) before this part does. */
    p->fn(p->args, p->syms, (int64_t)(s & 0xffff), p->threads);
    if (atomic_fetch_sub(&p->remaining, 1) == 1 && atomic_load(&p->caller_sleeps)) {
      pthread_mutex_lock(&p->mutex);
      pthread_cond_signal(&p->done);
      pthread_mutex_unlock(&p->mutex);
    }
    s = atomic_load(&p->state);
  }
}

static void *worker_main(void *raw) {
  mcc_pool *p = ((mcc_worker_arg *)raw)->pool;
  free(raw);
  uint64_t seen = 0;
  for (;;) {
    uint64_t task = atomic_load(&p->state) >> 16;
    if (task == seen && !atomic_load(&p->shutdown)) {
      int64_t deadline = now_ns() + MCC_SPIN_NS;
      for (int i = 1; task == seen && !atomic_load_explicit(&p->shutdown, memory_order_relaxed); i++) {
        cpu_relax();
        task = atomic_load(&p->state) >> 16;
        if ((i & 63) == 0) {
          if (now_ns() > deadline) break;
          sched_yield();   /* a loaded machine: let a runnable thread have this core */
        }
      }
    }
    if (task == seen && !atomic_load(&p->shutdown)) {
      pthread_mutex_lock(&p->mutex);
      atomic_fetch_add(&p->sleepers, 1);
      while (!atomic_load(&p->shutdown) && (task = atomic_load(&p->state) >> 16) == seen)
        pthread_cond_wait(&p->start, &p->mutex);
      atomic_fetch_sub(&p->sleepers, 1);
      pthread_mutex_unlock(&p->mutex);
    }
    if (atomic_load(&p->shutdown)) break;
    seen = task;
    run_parts(p, task);
  }
  return NULL;
}

void mcc_rt_pool_destroy(mcc_pool *p) {
  if (!p) return;
  pthread_mutex_lock(&p->mutex);
  atomic_store(&p->shutdown, 1);
  pthread_cond_broadcast(&p->start);
  pthread_mutex_unlock(&p->mutex);
  for (int i = 0; i < p->threads - 1; i++) pthread_join(p->workers[i], NULL);
  pthread_mutex_destroy(&p->mutex);
  pthread_cond_destroy(&p->start);
  pthread_cond_destroy(&p->done);
  free(p->workers);
  free(p);
}

mcc_pool *mcc_rt_pool_create(int threads) {
  if (threads <= 1) return NULL;
  if (threads > 0xffff) threads = 0xffff;
  mcc_pool *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->workers = calloc((size_t)threads, sizeof(pthread_t));
  if (!p->workers) { free(p); return NULL; }
  pthread_mutex_init(&p->mutex, NULL);
  pthread_cond_init(&p->start, NULL);
  pthread_cond_init(&p->done, NULL);
  p->threads = 1;
  for (int i = 1; i < threads; i++) {
    mcc_worker_arg *arg = malloc(sizeof *arg);
    if (!arg) break;
    arg->pool = p;
    if (pthread_create(&p->workers[i - 1], NULL, worker_main, arg) != 0) { free(arg); break; }
    p->threads++;
  }
  if (p->threads == 1) { mcc_rt_pool_destroy(p); return NULL; }
  return p;
}

void mcc_rt_parallel(void *raw, mcc_kernel_entry fn, void *const *args, const int64_t *syms) {
  mcc_pool *p = raw;
  if (!p) { fn(args, syms, 0, 1); return; }
  p->fn = fn; p->args = args; p->syms = syms;
  atomic_store(&p->remaining, p->threads);
  uint64_t task = (atomic_load(&p->state) >> 16) + 1;
  atomic_store(&p->state, task << 16);   /* publishes fn/args/syms with it (seq_cst) */
  if (atomic_load(&p->sleepers) > 0) {
    pthread_mutex_lock(&p->mutex);
    pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->mutex);
  }
  run_parts(p, task);
  if (atomic_load(&p->remaining) == 0) return;
  /* Parts still running on workers: spin for them briefly, then sleep. */
  int64_t deadline = now_ns() + MCC_SPIN_NS;
  for (int i = 1; atomic_load(&p->remaining) > 0; i++) {
    cpu_relax();
    if ((i & 63) == 0 && now_ns() > deadline) break;
  }
  if (atomic_load(&p->remaining) == 0) return;
  pthread_mutex_lock(&p->mutex);
  atomic_store(&p->caller_sleeps, 1);
  while (atomic_load(&p->remaining) > 0) pthread_cond_wait(&p->done, &p->mutex);
  atomic_store(&p->caller_sleeps, 0);
  pthread_mutex_unlock(&p->mutex);
}
