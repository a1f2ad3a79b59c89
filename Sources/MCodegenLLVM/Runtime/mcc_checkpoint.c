/* Checkpoints: a safetensors file (8-byte little-endian header length, JSON header, raw
 * little-endian data) holding the parameters under their own names, the optimizer moments
 * as `optimizer/m/<name>` and `optimizer/v/<name>`, and the step, seed, optimizer kind and
 * model name as `__metadata__` strings. Any safetensors reader can open it; loading checks
 * the whole file against the model before it changes anything. */
#include "mcc_runtime_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define fail mcc_rt_fail

#define MCC_MAX_HEADER (INT64_C(1) << 28)   /* 256 MiB of JSON is not a checkpoint */
#define MCC_CKPT_RANK 16

static const char *st_dtype(int32_t code, int32_t bits) {
  if (code == kDLFloat) return bits == 16 ? "F16" : bits == 32 ? "F32" : bits == 64 ? "F64" : NULL;
  if (code == kDLBfloat && bits == 16) return "BF16";
  if (code == kDLInt) return bits == 8 ? "I8" : bits == 16 ? "I16" : bits == 32 ? "I32" : bits == 64 ? "I64" : NULL;
  if (code == kDLUInt) return bits == 8 ? "U8" : bits == 16 ? "U16" : bits == 32 ? "U32" : bits == 64 ? "U64" : NULL;
  if (code == 6 && bits == 8) return "BOOL";
  return NULL;
}

/* One tensor to write or one header entry read. */
typedef struct {
  char name[512];
  char dtype[8];
  int32_t ndim;
  int64_t dims[MCC_CKPT_RANK];
  int64_t begin, end;
  const void *data;       /* when writing */
} ckpt_entry;

typedef struct { char *text; size_t len, cap; int oom; } strbuf;

static void put(strbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
    char *t = realloc(b->text, cap);
    if (!t) { b->oom = 1; return; }
    b->text = t; b->cap = cap;
  }
  memcpy(b->text + b->len, s, n);
  b->len += n;
  b->text[b->len] = '\0';
}
static void puts_(strbuf *b, const char *s) { put(b, s, strlen(s)); }
static void putq(strbuf *b, const char *s) {   /* a JSON string */
  put(b, "\"", 1);
  for (; *s; s++) {
    char esc[8];
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; put(b, esc, 2); }
    else if (c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", c); puts_(b, esc); }
    else put(b, s, 1);
  }
  put(b, "\"", 1);
}

/* Constants the compiler stores as parameters: `constN` (the M front end) and `mcc.constN`
 * (passes; ConstantPool in MPasses). They are not model state, and their numbering differs
 * between a library built with training functions and one without, so checkpoints leave them
 * out and loading ignores them: a checkpoint from the training library loads into the
 * inference library of the same model. */
static int is_compiler_constant(const char *name) {
  const char *rest = strncmp(name, "mcc.const", 9) == 0 ? name + 9 : strncmp(name, "const", 5) == 0 ? name + 5 : NULL;
  if (!rest || !*rest) return 0;
  for (; *rest; rest++)
    if (*rest < '0' || *rest > '9') return 0;
  return 1;
}

/* The tensors of a checkpoint, in file order: parameters, then moments. */
static int32_t collect(const mcc_model *m, ckpt_entry *e) {
  const mcc_desc_model *d = m->desc;
  const mcc_training *t = m->training;
  int32_t n = 0;
  for (int32_t kind = 0; kind < 3; kind++)
    for (int32_t p = 0; p < d->n_params; p++) {
      const mcc_desc_tensor *desc = &d->params[p];
      if (is_compiler_constant(desc->name)) continue;
      const void *data = kind == 0 ? (const char *)m->params + d->param_offsets[p]
                       : !t ? NULL : kind == 1 ? (const void *)t->params[p].m1 : (const void *)t->params[p].m2;
      if (!data) continue;
      ckpt_entry *x = &e[n++];
      snprintf(x->name, sizeof x->name, "%s%s", kind == 0 ? "" : kind == 1 ? "optimizer/m/" : "optimizer/v/", desc->name);
      snprintf(x->dtype, sizeof x->dtype, "%s", kind == 0 ? st_dtype(desc->dtype_code, desc->dtype_bits) : "F32");
      x->ndim = desc->ndim;
      for (int32_t k = 0; k < desc->ndim; k++) x->dims[k] = desc->dims[k];
      x->end = (kind == 0 ? mcc_rt_param_bytes(desc) : t->params[p].numel * 4);
      x->data = data;
    }
  return n;
}

mcc_status mcc_model_save_checkpoint(const mcc_model *m, const char *path) {
  if (!m || !path) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_save_checkpoint: %s is NULL", m ? "path" : "model");
  const mcc_desc_model *d = m->desc;
  for (int32_t p = 0; p < d->n_params; p++)
    if (!st_dtype(d->params[p].dtype_code, d->params[p].dtype_bits) || d->params[p].ndim > MCC_CKPT_RANK)
      return fail(MCC_ERR_UNSUPPORTED, "parameter '%s': safetensors cannot store its type", d->params[p].name);
  mcc_status readable = mcc_rt_readable_param((mcc_model *)m, -1);
  if (readable != MCC_OK) return readable;
  ckpt_entry *e = calloc((size_t)d->n_params * 3 + 1, sizeof *e);
  if (!e) return fail(MCC_ERR_OUT_OF_MEMORY, "mcc_model_save_checkpoint: out of memory");
  int32_t n = collect(m, e);
  const mcc_training *t = m->training;
  static const char *kinds[] = {"sgd", "adam", "adamw"};
  char number[64];
  strbuf h = {0};
  puts_(&h, "{\"__metadata__\":{\"format\":\"mcc-checkpoint-1\",\"model\":");
  putq(&h, d->name);
  snprintf(number, sizeof number, ",\"step\":\"%lld\",\"seed\":\"%llu\"", (long long)(t ? t->step : 0),
           (unsigned long long)(t ? t->seed : 0));
  puts_(&h, number);
  if (t && t->has_optimizer) { puts_(&h, ",\"optimizer\":"); putq(&h, kinds[t->config.kind]); }
  puts_(&h, "}");
  int64_t offset = 0;
  for (int32_t i = 0; i < n; i++) {
    puts_(&h, ",");
    putq(&h, e[i].name);
    puts_(&h, ":{\"dtype\":\"");
    puts_(&h, e[i].dtype);
    puts_(&h, "\",\"shape\":[");
    for (int32_t k = 0; k < e[i].ndim; k++) {
      snprintf(number, sizeof number, "%s%lld", k ? "," : "", (long long)e[i].dims[k]);
      puts_(&h, number);
    }
    int64_t size = e[i].end;
    e[i].begin = offset; e[i].end = offset + size; offset += size;
    snprintf(number, sizeof number, "],\"data_offsets\":[%lld,%lld]}", (long long)e[i].begin, (long long)e[i].end);
    puts_(&h, number);
  }
  puts_(&h, "}");
  while (h.len % 8 != 0) puts_(&h, " ");   /* keeps the data 8-byte aligned, as the format recommends */
  if (h.oom) { free(h.text); free(e); return fail(MCC_ERR_OUT_OF_MEMORY, "mcc_model_save_checkpoint: out of memory"); }

  /* Write beside the target, flush to disk, then rename: `path` is the old file or the new one. */
  size_t tlen = strlen(path) + 32;
  char *tmp = malloc(tlen);
  if (!tmp) { free(h.text); free(e); return fail(MCC_ERR_OUT_OF_MEMORY, "mcc_model_save_checkpoint: out of memory"); }
  snprintf(tmp, tlen, "%s.tmp.%ld", path, (long)getpid());
  mcc_status st = MCC_OK;
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    st = fail(MCC_ERR_INVALID_ARGUMENT, "cannot write checkpoint '%s': %s", path, strerror(errno));
  } else {
    unsigned char len[8];
    for (int k = 0; k < 8; k++) len[k] = (unsigned char)((uint64_t)h.len >> (8 * k));
    int ok = fwrite(len, 1, 8, f) == 8 && fwrite(h.text, 1, h.len, f) == h.len;
    for (int32_t i = 0; ok && i < n; i++)
      ok = fwrite(e[i].data, 1, (size_t)(e[i].end - e[i].begin), f) == (size_t)(e[i].end - e[i].begin);
    int err = ok ? 0 : errno;
    if (ok && (fflush(f) != 0 || fsync(fileno(f)) != 0)) { ok = 0; err = errno; }
    if (fclose(f) != 0 && ok) { ok = 0; err = errno; }
    if (ok && rename(tmp, path) != 0) { ok = 0; err = errno; }
    if (!ok) {
      unlink(tmp);
      st = fail(MCC_ERR_INVALID_ARGUMENT, "cannot write checkpoint '%s': %s", path, err ? strerror(err) : "write failed");
    }
  }
  free(tmp); free(h.text); free(e);
  return st;
}

/* ---- reading -------------------------------------------------------------------------------
 * A small JSON reader for the one shape of header safetensors uses: an object of objects
 * whose values are strings, integer arrays or (ignored) other JSON values. */
typedef struct { const char *s, *end; const char *error; } json;

static void ws(json *j) { while (j->s < j->end && (*j->s == ' ' || *j->s == '\n' || *j->s == '\r' || *j->s == '\t')) j->s++; }
static int expect(json *j, char c) {
  ws(j);
  if (j->s < j->end && *j->s == c) { j->s++; return 1; }
  if (!j->error) j->error = c == ':' ? "expected ':'" : c == '{' ? "expected an object" : c == '[' ? "expected an array" : "malformed JSON";
  return 0;
}
static int peek(json *j, char c) { ws(j); return j->s < j->end && *j->s == c; }

/* Reads a string into out (truncated to cap - 1 bytes); \u escapes above 0x7f become '?'. */
static int jstring(json *j, char *out, size_t cap) {
  if (!expect(j, '"')) { j->error = "expected a string"; return 0; }
  size_t n = 0;
  while (j->s < j->end && *j->s != '"') {
    char c = *j->s++;
    if (c == '\\') {
      if (j->s >= j->end) break;
      char e = *j->s++;
      c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e;
      if (e == 'u') {
        unsigned v = 0;
        for (int k = 0; k < 4 && j->s < j->end; k++, j->s++) {
          char h = *j->s;
          v = v * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 0);
        }
        c = v < 0x80 ? (char)v : '?';
      }
    }
    if (n + 1 < cap) out[n++] = c;
  }
  if (cap) out[n] = '\0';
  if (j->s >= j->end) { j->error = "unterminated string"; return 0; }
  j->s++;
  return 1;
}

static int jint(json *j, int64_t *v) {
  ws(j);
  char *stop;
  errno = 0;
  long long x = strtoll(j->s, &stop, 10);
  if (stop == j->s || stop > j->end || errno) { j->error = "expected an integer"; return 0; }
  j->s = stop;
  *v = x;
  return 1;
}

static int jskip(json *j, int depth) {
  ws(j);
  if (depth > 64 || j->s >= j->end) { j->error = "malformed JSON"; return 0; }
  char c = *j->s;
  if (c == '"') { char sink[1]; return jstring(j, sink, 1); }
  if (c == '{' || c == '[') {
    char close = c == '{' ? '}' : ']';
    j->s++;
    if (peek(j, close)) { j->s++; return 1; }
    do {
      if (c == '{') { char sink[1]; if (!jstring(j, sink, 1) || !expect(j, ':')) return 0; }
      if (!jskip(j, depth + 1)) return 0;
    } while (peek(j, ',') && j->s++);
    return expect(j, close);
  }
  while (j->s < j->end && !strchr(",}] \n\r\t", *j->s)) j->s++;   /* number, true, false, null */
  return 1;
}

typedef struct { ckpt_entry *e; int32_t n, cap; int64_t step; uint64_t seed; char model[256]; } ckpt_header;

static int parse_entry(json *j, ckpt_entry *e) {
  int have_dtype = 0, have_shape = 0, have_offsets = 0;
  if (!expect(j, '{')) return 0;
  if (peek(j, '}')) { j->s++; j->error = "tensor entry without dtype, shape and data_offsets"; return 0; }
  do {
    char key[32];
    if (!jstring(j, key, sizeof key) || !expect(j, ':')) return 0;
    if (strcmp(key, "dtype") == 0) {
      if (!jstring(j, e->dtype, sizeof e->dtype)) return 0;
      have_dtype = 1;
    } else if (strcmp(key, "shape") == 0 || strcmp(key, "data_offsets") == 0) {
      int shape = key[0] == 's';
      int64_t v[MCC_CKPT_RANK];
      int32_t n = 0;
      if (!expect(j, '[')) return 0;
      if (!peek(j, ']')) do {
        if (n == MCC_CKPT_RANK) { j->error = "too many dims"; return 0; }
        if (!jint(j, &v[n])) return 0;
        if (v[n++] < 0) { j->error = "negative dim or offset"; return 0; }
      } while (peek(j, ',') && j->s++);
      if (!expect(j, ']')) return 0;
      if (shape) { e->ndim = n; memcpy(e->dims, v, sizeof(int64_t) * (size_t)n); have_shape = 1; }
      else if (n != 2 || v[1] < v[0]) { j->error = "data_offsets must be [begin, end]"; return 0; }
      else { e->begin = v[0]; e->end = v[1]; have_offsets = 1; }
    } else if (!jskip(j, 1)) {
      return 0;
    }
  } while (peek(j, ',') && j->s++);
  if (!expect(j, '}')) return 0;
  if (!have_dtype || !have_shape || !have_offsets) { j->error = "tensor entry without dtype, shape and data_offsets"; return 0; }
  return 1;
}

static int parse_header(json *j, ckpt_header *h) {
  if (!expect(j, '{')) return 0;
  if (peek(j, '}')) { j->s++; return 1; }
  do {
    char name[512];
    if (!jstring(j, name, sizeof name) || !expect(j, ':')) return 0;
    if (strcmp(name, "__metadata__") == 0) {
      if (!expect(j, '{')) return 0;
      if (!peek(j, '}')) do {
        char key[64], value[256];
        if (!jstring(j, key, sizeof key) || !expect(j, ':') || !jstring(j, value, sizeof value)) return 0;
        if (strcmp(key, "model") == 0) snprintf(h->model, sizeof h->model, "%s", value);
        else if (strcmp(key, "step") == 0) h->step = strtoll(value, NULL, 10);
        else if (strcmp(key, "seed") == 0) h->seed = strtoull(value, NULL, 10);
      } while (peek(j, ',') && j->s++);
      if (!expect(j, '}')) return 0;
      continue;
    }
    if (h->n == h->cap) {
      int32_t cap = h->cap ? h->cap * 2 : 64;
      ckpt_entry *e = realloc(h->e, sizeof *e * (size_t)cap);
      if (!e) { j->error = "out of memory"; return 0; }
      h->e = e; h->cap = cap;
    }
    ckpt_entry *e = &h->e[h->n++];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    if (!parse_entry(j, e)) return 0;
  } while (peek(j, ',') && j->s++);
  if (!expect(j, '}')) return 0;
  ws(j);
  if (j->s != j->end) { j->error = "trailing bytes after the header"; return 0; }
  return 1;
}

static int64_t st_size(const char *dtype) {
  if (!strcmp(dtype, "F64") || !strcmp(dtype, "I64") || !strcmp(dtype, "U64")) return 8;
  if (!strcmp(dtype, "F32") || !strcmp(dtype, "I32") || !strcmp(dtype, "U32")) return 4;
  if (!strcmp(dtype, "F16") || !strcmp(dtype, "BF16") || !strcmp(dtype, "I16") || !strcmp(dtype, "U16")) return 2;
  if (!strcmp(dtype, "I8") || !strcmp(dtype, "U8") || !strcmp(dtype, "BOOL")) return 1;
  return 0;
}

static void shape_text(char *out, size_t cap, const int64_t *dims, int32_t ndim) {
  size_t n = (size_t)snprintf(out, cap, "[");
  for (int32_t k = 0; k < ndim && n < cap; k++) n += (size_t)snprintf(out + n, cap - n, "%s%lld", k ? ", " : "", (long long)dims[k]);
  if (n < cap) snprintf(out + n, cap - n, "]");
}

/* Whether entry e can hold the values of tensor t; otherwise fails with a message naming it. */
static mcc_status check_entry(const mcc_model *m, const char *path, const ckpt_header *h, const ckpt_entry *e,
                              const mcc_desc_tensor *t, const char *dtype) {
  int same = strcmp(e->dtype, dtype) == 0 && e->ndim == t->ndim;
  for (int32_t k = 0; same && k < t->ndim; k++) same = e->dims[k] == t->dims[k];
  if (same) return MCC_OK;
  char got[256], want[256];
  shape_text(got, sizeof got, e->dims, e->ndim);
  shape_text(want, sizeof want, t->dims, t->ndim);
  return fail(MCC_ERR_SHAPE_MISMATCH, "checkpoint '%s' (model '%s') does not fit model '%s': tensor '%s' is %s%s, expected %s%s",
              path, h->model[0] ? h->model : "?", m->desc->name, e->name, e->dtype, got, dtype, want);
}

static const ckpt_entry *find_entry(const ckpt_header *h, const char *name) {
  for (int32_t i = 0; i < h->n; i++)
    if (strcmp(h->e[i].name, name) == 0) return &h->e[i];
  return NULL;
}

/* Every check, before anything changes: returns the parameter each entry fills in *target
 * (and 0/1/2 for param/m/v in *kind). */
static mcc_status validate(const mcc_model *m, const char *path, const ckpt_header *h, int64_t data_size, int32_t *target, int32_t *kind) {
  const mcc_desc_model *d = m->desc;
  for (int32_t i = 0; i < h->n; i++) {   /* the file's own consistency first */
    const ckpt_entry *e = &h->e[i];
    int64_t bytes = st_size(e->dtype);
    for (int32_t k = 0; k < e->ndim; k++) bytes = e->dims[k] > 0 && bytes > MCC_MAX_BYTES / e->dims[k] ? -1 : bytes * e->dims[k];
    if (!st_size(e->dtype) || bytes != e->end - e->begin || e->end > data_size)
      return fail(MCC_ERR_INVALID_ARGUMENT, "checkpoint '%s' is corrupt: tensor '%s' (%s) has data_offsets [%lld, %lld] for %lld data bytes",
                  path, e->name, e->dtype, (long long)e->begin, (long long)e->end, (long long)data_size);
  }
  for (int32_t p = 0; p < d->n_params; p++) {
    if (is_compiler_constant(d->params[p].name)) continue;
    const ckpt_entry *e = find_entry(h, d->params[p].name);
    if (!e)
      return fail(MCC_ERR_NOT_FOUND, "checkpoint '%s' (model '%s') does not fit model '%s': it has no tensor '%s'", path,
                  h->model[0] ? h->model : "?", d->name, d->params[p].name);
    mcc_status st = check_entry(m, path, h, e, &d->params[p], st_dtype(d->params[p].dtype_code, d->params[p].dtype_bits));
    if (st != MCC_OK) return st;
  }
  for (int32_t i = 0; i < h->n; i++) {
    const ckpt_entry *e = &h->e[i];
    const char *name = e->name;
    kind[i] = strncmp(name, "optimizer/m/", 12) == 0 ? 1 : strncmp(name, "optimizer/v/", 12) == 0 ? 2 : 0;
    if (kind[i]) name += 12;
    if (is_compiler_constant(name)) { target[i] = -1; continue; }
    target[i] = mcc_model_find_param(m, name);
    if (target[i] < 0)
      return fail(MCC_ERR_NOT_FOUND, "checkpoint '%s' (model '%s') does not fit model '%s': tensor '%s' is not one of its parameters",
                  path, h->model[0] ? h->model : "?", d->name, e->name);
    if (kind[i]) {
      mcc_status st = check_entry(m, path, h, e, &d->params[target[i]], "F32");
      if (st != MCC_OK) return st;
      /* Moments of a parameter this library does not train (an inference build, --freeze) are
       * skipped: the parameters are what it needs. */
      if (!m->training || m->training->params[target[i]].grad_output < 0) target[i] = -1;
    }
  }
  return MCC_OK;
}

mcc_status mcc_model_load_checkpoint(mcc_model *m, const char *path) {
  if (!m || !path) return fail(MCC_ERR_INVALID_ARGUMENT, "mcc_model_load_checkpoint: %s is NULL", m ? "path" : "model");
  FILE *f = fopen(path, "rb");
  if (!f) return fail(errno == ENOENT ? MCC_ERR_NOT_FOUND : MCC_ERR_INVALID_ARGUMENT, "cannot read checkpoint '%s': %s", path, strerror(errno));
  unsigned char len[8];
  int64_t size = -1;
  uint64_t hlen = 0;
  if (fread(len, 1, 8, f) == 8 && fseek(f, 0, SEEK_END) == 0) size = ftell(f);
  for (int k = 0; k < 8; k++) hlen |= (uint64_t)len[k] << (8 * k);
  if (size < 8 || hlen > (uint64_t)MCC_MAX_HEADER || (int64_t)hlen > size - 8) {
    fclose(f);
    return fail(MCC_ERR_INVALID_ARGUMENT, "checkpoint '%s' is not a safetensors file (%s)", path,
                size < 8 ? "shorter than 8 bytes" : "its header length does not fit the file");
  }
  /* The whole file in memory: nothing of the instance changes until all of it is checked. */
  char *buf = malloc((size_t)size + 1);
  if (!buf) { fclose(f); return fail(MCC_ERR_OUT_OF_MEMORY, "checkpoint '%s': cannot allocate %lld bytes", path, (long long)size); }
  int ok = fseek(f, 0, SEEK_SET) == 0 && fread(buf, 1, (size_t)size, f) == (size_t)size;
  fclose(f);
  if (!ok) { free(buf); return fail(MCC_ERR_INVALID_ARGUMENT, "cannot read checkpoint '%s'", path); }
  char *header = buf + 8;
  char saved = header[hlen];
  header[hlen] = '\0';   /* strtoll stops here */
  ckpt_header h = {0};
  json j = {header, header + hlen, NULL};
  ok = parse_header(&j, &h);
  header[hlen] = saved;
  int32_t *target = malloc(sizeof(int32_t) * 2 * (size_t)(h.n + 1));
  mcc_status st = MCC_OK;
  if (!ok) st = fail(MCC_ERR_INVALID_ARGUMENT, "checkpoint '%s' is not a safetensors file: %s at header byte %lld", path,
                     j.error ? j.error : "malformed JSON", (long long)(j.s - header));
  else if (!target) st = fail(MCC_ERR_OUT_OF_MEMORY, "mcc_model_load_checkpoint: out of memory");
  else st = validate(m, path, &h, size - 8 - (int64_t)hlen, target, target + h.n + 1);
  mcc_training *t = m->training;
  for (int32_t i = 0; st == MCC_OK && i < h.n; i++) {   /* allocations, still before any change */
    int32_t kind = target[h.n + 1 + i];
    if (kind && target[i] >= 0) {
      float **slot = kind == 1 ? &t->params[target[i]].m1 : &t->params[target[i]].m2;
      if (!*slot && !(*slot = calloc((size_t)t->params[target[i]].numel + 1, sizeof(float))))
        st = fail(MCC_ERR_OUT_OF_MEMORY, "mcc_model_load_checkpoint: out of memory");
    }
  }
  if (st == MCC_OK) st = mcc_rt_own_params(m);
  if (st == MCC_OK) {
    const char *data = buf + 8 + hlen;
    for (int32_t p = 0; t && p < t->n_params; p++) {   /* state the checkpoint lacks starts from zero */
      if (t->params[p].m1) memset(t->params[p].m1, 0, sizeof(float) * (size_t)t->params[p].numel);
      if (t->params[p].m2) memset(t->params[p].m2, 0, sizeof(float) * (size_t)t->params[p].numel);
    }
    for (int32_t i = 0; i < h.n; i++) {
      const ckpt_entry *e = &h.e[i];
      int32_t p = target[i], kind = target[h.n + 1 + i];
      if (p < 0) continue;   /* a compiler constant */
      void *dst = kind == 0 ? (char *)m->param_copy + m->desc->param_offsets[p] : kind == 1 ? (void *)t->params[p].m1 : (void *)t->params[p].m2;
      memcpy(dst, data + e->begin, (size_t)(e->end - e->begin));
    }
    if (t) { t->step = h.step; t->seed = h.seed; t->grads_valid = 0; }
  }
  free(target); free(h.e); free(buf);
  return st;
}
