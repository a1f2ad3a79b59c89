/*
 * mcc_jni.c: the JNI glue behind mcc.Native (bindings/java). Built as libmccjni.so:
 *
 *   gcc -std=c11 -O2 -fPIC -shared -I$JAVA_HOME/include -I$JAVA_HOME/include/linux \
 *       -Iinclude -I<javac -h output> mcc_jni.c -o libmccjni.so
 *
 * It talks to mcc libraries only through the C ABI of include/mcc.h, opening each with
 * dlopen(RTLD_LOCAL) and calling it through a table of function pointers, so one glue serves
 * every model library and several can live in one JVM. Libraries stay loaded for the life of
 * the process (the JVM never unloads native code either).
 *
 * Every failure becomes a Java exception before returning: mcc.MccException(status, message)
 * with the library's own mcc_last_error() text, read on the failing thread.
 */
#define _POSIX_C_SOURCE 200809L
#include <jni.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcc.h"
#include "mcc_Native.h" /* javac -h: the compiler checks these definitions against it */

typedef struct api {
  struct api *next;
  void *handle;
  uint32_t (*abi_version)(void);
  const char *(*compiler_version)(void);
  const char *(*last_error)(void);
  int32_t (*model_count)(void);
  const char *(*model_name)(int32_t);
  mcc_status (*create)(const char *, mcc_model **);
  void (*destroy)(mcc_model *);
  const char *(*instance_name)(const mcc_model *);
  int32_t (*num[3])(const mcc_model *);
  mcc_status (*info[3])(const mcc_model *, int32_t, mcc_tensor_info *);
  mcc_status (*param)(const mcc_model *, int32_t, DLTensor *);
  mcc_status (*run)(mcc_model *, const DLTensor *, int32_t);
  mcc_status (*output)(mcc_model *, int32_t, DLTensor *);
  mcc_status (*set_num_threads)(mcc_model *, int32_t);
  /* ABI 1.1 training; all NULL in a library built before it. */
  int32_t (*has_training)(const mcc_model *);
  mcc_status (*set_optimizer)(mcc_model *, const mcc_optimizer_config *);
  mcc_status (*loss_call[3])(mcc_model *, const DLTensor *, int32_t, const DLTensor *, float *);
  mcc_status (*zero_grad)(mcc_model *);
  mcc_status (*optimizer_step)(mcc_model *);
  mcc_status (*set_param)(mcc_model *, int32_t, const DLTensor *);
  mcc_status (*freeze)(mcc_model *, const char *, int32_t, int32_t *);
  mcc_status (*save_checkpoint)(const mcc_model *, const char *);
  mcc_status (*load_checkpoint)(mcc_model *, const char *);
  mcc_status (*set_seed)(mcc_model *, uint64_t);
  double (*learning_rate)(const mcc_model *);
  int64_t (*step_count)(const mcc_model *);
} api;

/* What a Java Model's `long instance` points to. */
typedef struct instance {
  const api *api;
  mcc_model *model;
} instance;

enum { KIND_INPUT = 0, KIND_OUTPUT = 1, KIND_PARAM = 2 };

static pthread_mutex_t apis_lock = PTHREAD_MUTEX_INITIALIZER;
static api *apis; /* one per dlopen handle, never freed (libraries are never unloaded) */
static long live_objects; /* tensor blocks + instances not yet freed; __atomic builtins */

/* --- exceptions ------------------------------------------------------------------------- */

static void throw_mcc(JNIEnv *env, int status, const char *message) {
  if ((*env)->ExceptionCheck(env)) return; /* keep the first exception */
  jclass cls = (*env)->FindClass(env, "mcc/MccException");
  if (!cls) return;
  jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(ILjava/lang/String;)V");
  jstring text = (*env)->NewStringUTF(env, message ? message : "");
  if (!ctor || !text) return;
  jobject e = (*env)->NewObject(env, cls, ctor, (jint)status, text);
  if (e) (*env)->Throw(env, (jthrowable)e);
}

static void throw_class(JNIEnv *env, const char *cls_name, const char *message) {
  if ((*env)->ExceptionCheck(env)) return;
  jclass cls = (*env)->FindClass(env, cls_name);
  if (cls) (*env)->ThrowNew(env, cls, message);
}

/* Throws for a non-OK status, with the library's message; returns 1 when it threw. */
static int failed(JNIEnv *env, const api *a, mcc_status s) {
  if (s == MCC_OK) return 0;
  throw_mcc(env, (int)s, a->last_error());
  return 1;
}

static const instance *live(JNIEnv *env, jlong handle) {
  if (!handle) {
    throw_class(env, "java/lang/IllegalStateException", "model is closed");
    return NULL;
  }
  return (const instance *)(intptr_t)handle;
}

/* --- libraries -------------------------------------------------------------------------- */

JNIEXPORT jlong JNICALL Java_mcc_Native_open(JNIEnv *env, jclass cls, jstring jpath) {
  (void)cls;
  if (!jpath) {
    throw_class(env, "java/lang/NullPointerException", "library path is null");
    return 0;
  }
  const char *path = (*env)->GetStringUTFChars(env, jpath, NULL);
  if (!path) return 0;
  char message[1024];
  int status = MCC_ERR_UNSUPPORTED; /* why `found` stays NULL past dlopen */
  api *found = NULL;
  pthread_mutex_lock(&apis_lock);
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    snprintf(message, sizeof message, "cannot load mcc library '%s': %s", path, why ? why : "dlopen failed");
    pthread_mutex_unlock(&apis_lock);
    (*env)->ReleaseStringUTFChars(env, jpath, path);
    throw_mcc(env, MCC_ERR_NOT_FOUND, message);
    return 0;
  }
  for (api *a = apis; a; a = a->next)
    if (a->handle == handle) found = a;
  if (found) {
    dlclose(handle); /* drop the extra reference dlopen just took */
  } else {
    api *a = calloc(1, sizeof *a);
    const char *missing = NULL;
#define BIND(field, name)                                                   \
  do {                                                                      \
    void *fn = dlsym(handle, name);                                         \
    if (!fn && !missing) missing = name;                                    \
    memcpy(&a->field, &fn, sizeof fn); /* object to function pointer */     \
  } while (0)
    if (a) {
      BIND(abi_version, "mcc_abi_version");
      BIND(compiler_version, "mcc_compiler_version");
      BIND(last_error, "mcc_last_error");
      BIND(model_count, "mcc_model_count");
      BIND(model_name, "mcc_model_name");
      BIND(create, "mcc_model_create");
      BIND(destroy, "mcc_model_destroy");
      BIND(instance_name, "mcc_model_instance_name");
      BIND(num[KIND_INPUT], "mcc_model_num_inputs");
      BIND(num[KIND_OUTPUT], "mcc_model_num_outputs");
      BIND(num[KIND_PARAM], "mcc_model_num_params");
      BIND(info[KIND_INPUT], "mcc_model_input_info");
      BIND(info[KIND_OUTPUT], "mcc_model_output_info");
      BIND(info[KIND_PARAM], "mcc_model_param_info");
      BIND(param, "mcc_model_param");
      BIND(run, "mcc_model_run");
      BIND(output, "mcc_model_output");
      BIND(set_num_threads, "mcc_model_set_num_threads");
      const char *required = missing;   /* the training calls are optional */
      BIND(has_training, "mcc_model_has_training");
      BIND(set_optimizer, "mcc_model_set_optimizer");
      BIND(loss_call[0], "mcc_model_train_step");
      BIND(loss_call[1], "mcc_model_backward");
      BIND(loss_call[2], "mcc_model_evaluate");
      BIND(zero_grad, "mcc_model_zero_grad");
      BIND(optimizer_step, "mcc_model_optimizer_step");
      BIND(set_param, "mcc_model_set_param");
      BIND(freeze, "mcc_model_freeze");
      BIND(save_checkpoint, "mcc_model_save_checkpoint");
      BIND(load_checkpoint, "mcc_model_load_checkpoint");
      BIND(set_seed, "mcc_model_set_seed");
      BIND(learning_rate, "mcc_model_learning_rate");
      BIND(step_count, "mcc_model_step_count");
      if (missing != required) a->step_count = NULL;   /* all or nothing: trainable() checks this one */
      missing = required;
    }
#undef BIND
    if (!a) {
      status = MCC_ERR_OUT_OF_MEMORY;
      snprintf(message, sizeof message, "out of memory opening '%s'", path);
    } else if (missing) {
      snprintf(message, sizeof message, "'%s' is not an mcc library: it lacks %s", path, missing);
    } else if (a->abi_version() >> 16 != MCC_ABI_VERSION_MAJOR) {
      uint32_t v = a->abi_version();
      snprintf(message, sizeof message, "'%s' implements mcc C ABI %u.%u; this binding supports %d.x", path,
               v >> 16, v & 0xffff, MCC_ABI_VERSION_MAJOR);
    } else {
      a->handle = handle;
      a->next = apis;
      apis = found = a;
    }
    if (!found) {
      free(a);
      dlclose(handle);
    }
  }
  pthread_mutex_unlock(&apis_lock);
  (*env)->ReleaseStringUTFChars(env, jpath, path);
  if (!found) {
    throw_mcc(env, status, message);
    return 0;
  }
  return (jlong)(intptr_t)found;
}

static const api *lib(jlong handle) { return (const api *)(intptr_t)handle; }

JNIEXPORT jint JNICALL Java_mcc_Native_abiVersion(JNIEnv *env, jclass cls, jlong library) {
  (void)env, (void)cls;
  return (jint)lib(library)->abi_version();
}

JNIEXPORT jstring JNICALL Java_mcc_Native_compilerVersion(JNIEnv *env, jclass cls, jlong library) {
  (void)cls;
  return (*env)->NewStringUTF(env, lib(library)->compiler_version());
}

JNIEXPORT jobjectArray JNICALL Java_mcc_Native_modelNames(JNIEnv *env, jclass cls, jlong library) {
  (void)cls;
  const api *a = lib(library);
  int32_t n = a->model_count();
  jobjectArray out = (*env)->NewObjectArray(env, n, (*env)->FindClass(env, "java/lang/String"), NULL);
  for (int32_t i = 0; out && i < n; i++) {
    jstring s = (*env)->NewStringUTF(env, a->model_name(i));
    if (!s) return NULL;
    (*env)->SetObjectArrayElement(env, out, i, s);
    (*env)->DeleteLocalRef(env, s);
  }
  return out;
}

/* --- instances -------------------------------------------------------------------------- */

JNIEXPORT jlong JNICALL Java_mcc_Native_create(JNIEnv *env, jclass cls, jlong library, jstring jname) {
  (void)cls;
  const api *a = lib(library);
  const char *name = jname ? (*env)->GetStringUTFChars(env, jname, NULL) : NULL;
  if (jname && !name) return 0;
  mcc_model *m = NULL;
  mcc_status s = a->create(name, &m);
  if (name) (*env)->ReleaseStringUTFChars(env, jname, name);
  if (failed(env, a, s)) return 0;
  instance *inst = malloc(sizeof *inst);
  if (!inst) {
    a->destroy(m);
    throw_mcc(env, MCC_ERR_OUT_OF_MEMORY, "out of memory creating a model instance");
    return 0;
  }
  inst->api = a;
  inst->model = m;
  __atomic_add_fetch(&live_objects, 1, __ATOMIC_RELAXED);
  return (jlong)(intptr_t)inst;
}

JNIEXPORT void JNICALL Java_mcc_Native_destroy(JNIEnv *env, jclass cls, jlong handle) {
  (void)env, (void)cls;
  instance *inst = (instance *)(intptr_t)handle;
  if (!inst) return;
  inst->api->destroy(inst->model);
  free(inst);
  __atomic_sub_fetch(&live_objects, 1, __ATOMIC_RELAXED);
}

JNIEXPORT jstring JNICALL Java_mcc_Native_instanceName(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  const instance *inst = live(env, handle);
  return inst ? (*env)->NewStringUTF(env, inst->api->instance_name(inst->model)) : NULL;
}

static int valid_kind(JNIEnv *env, jint kind) {
  if (kind >= KIND_INPUT && kind <= KIND_PARAM) return 1;
  throw_class(env, "java/lang/IllegalArgumentException", "bad tensor kind");
  return 0;
}

JNIEXPORT jint JNICALL Java_mcc_Native_count(JNIEnv *env, jclass cls, jlong handle, jint kind) {
  (void)cls;
  const instance *inst = live(env, handle);
  if (!inst || !valid_kind(env, kind)) return 0;
  return inst->api->num[kind](inst->model);
}

JNIEXPORT jobjectArray JNICALL Java_mcc_Native_info(JNIEnv *env, jclass cls, jlong handle, jint kind, jint index) {
  (void)cls;
  const instance *inst = live(env, handle);
  if (!inst || !valid_kind(env, kind)) return NULL;
  mcc_tensor_info info;
  if (failed(env, inst->api, inst->api->info[kind](inst->model, index, &info))) return NULL;
  jclass string_cls = (*env)->FindClass(env, "java/lang/String");
  jobjectArray out = (*env)->NewObjectArray(env, 4, (*env)->FindClass(env, "java/lang/Object"), NULL);
  jstring name = (*env)->NewStringUTF(env, info.name);
  jintArray dtype = (*env)->NewIntArray(env, 3);
  jlongArray dims = (*env)->NewLongArray(env, info.ndim);
  jobjectArray dim_names = (*env)->NewObjectArray(env, info.ndim, string_cls, NULL);
  if (!out || !name || !dtype || !dims || !dim_names) return NULL;
  jint t[3] = {info.dtype.code, info.dtype.bits, info.dtype.lanes};
  (*env)->SetIntArrayRegion(env, dtype, 0, 3, t);
  for (int32_t d = 0; d < info.ndim; d++) {
    jlong v = info.dims[d];
    (*env)->SetLongArrayRegion(env, dims, d, 1, &v);
    if (v < 0 && info.dim_names && info.dim_names[d]) {
      jstring s = (*env)->NewStringUTF(env, info.dim_names[d]);
      if (!s) return NULL;
      (*env)->SetObjectArrayElement(env, dim_names, d, s);
      (*env)->DeleteLocalRef(env, s);
    }
  }
  (*env)->SetObjectArrayElement(env, out, 0, name);
  (*env)->SetObjectArrayElement(env, out, 1, dtype);
  (*env)->SetObjectArrayElement(env, out, 2, dims);
  (*env)->SetObjectArrayElement(env, out, 3, dim_names);
  return out;
}

/* --- running ---------------------------------------------------------------------------- */

/* Builds DLTensors from the parallel arrays Java passes (dtypes: 3 ints each, shapes
 * concatenated); returns the malloc'd block they live in (tensors first), or NULL after throwing. */
static DLTensor *unpack(JNIEnv *env, jlongArray jaddresses, jintArray jdtypes, jintArray jranks, jlongArray jshapes, jsize *count) {
  jsize n = (*env)->GetArrayLength(env, jaddresses);
  jsize total = (*env)->GetArrayLength(env, jshapes);
  if ((*env)->GetArrayLength(env, jdtypes) != 3 * n || (*env)->GetArrayLength(env, jranks) != n) {
    throw_class(env, "java/lang/IllegalArgumentException", "inconsistent tensor arrays");
    return NULL;
  }
  size_t bytes = (size_t)n * (sizeof(DLTensor) + sizeof(jlong) + 4 * sizeof(jint)) + (size_t)total * sizeof(int64_t) + 1;
  char *block = malloc(bytes);
  if (!block) {
    throw_mcc(env, MCC_ERR_OUT_OF_MEMORY, "out of memory preparing inputs");
    return NULL;
  }
  DLTensor *tensors = (DLTensor *)block;
  int64_t *shapes = (int64_t *)(tensors + n);
  jlong *addresses = (jlong *)(shapes + total);
  jint *dtypes = (jint *)(addresses + n);
  jint *ranks = dtypes + 3 * n;
  (*env)->GetLongArrayRegion(env, jaddresses, 0, n, addresses);
  (*env)->GetIntArrayRegion(env, jdtypes, 0, 3 * n, dtypes);
  (*env)->GetIntArrayRegion(env, jranks, 0, n, ranks);
  (*env)->GetLongArrayRegion(env, jshapes, 0, total, (jlong *)shapes);
  jsize at = 0;
  for (jsize i = 0; i < n; i++) {
    if (ranks[i] < 0 || at + ranks[i] > total) {
      free(block);
      throw_class(env, "java/lang/IllegalArgumentException", "inconsistent tensor ranks");
      return NULL;
    }
    tensors[i] = (DLTensor){.data = (void *)(intptr_t)addresses[i],
                            .device = {kDLCPU, 0},
                            .ndim = ranks[i],
                            .dtype = {(uint8_t)dtypes[3 * i], (uint8_t)dtypes[3 * i + 1], (uint16_t)dtypes[3 * i + 2]},
                            .shape = shapes + at,
                            .strides = NULL,
                            .byte_offset = 0};
    at += ranks[i];
  }
  *count = n;
  return tensors;
}

JNIEXPORT void JNICALL Java_mcc_Native_run(JNIEnv *env, jclass cls, jlong handle, jlongArray jaddresses,
                                           jintArray jdtypes, jintArray jranks, jlongArray jshapes) {
  (void)cls;
  const instance *inst = live(env, handle);
  jsize n = 0;
  DLTensor *tensors = inst ? unpack(env, jaddresses, jdtypes, jranks, jshapes, &n) : NULL;
  if (!tensors) return;
  mcc_status s = inst->api->run(inst->model, n ? tensors : NULL, (int32_t)n);
  free(tensors);
  failed(env, inst->api, s);
}

static int view_of(JNIEnv *env, const instance *inst, jint kind, jint index, DLTensor *view) {
  if (kind != KIND_OUTPUT && kind != KIND_PARAM) {
    throw_class(env, "java/lang/IllegalArgumentException", "only outputs and parameters have values");
    return 0;
  }
  mcc_status s = kind == KIND_OUTPUT ? inst->api->output(inst->model, index, view)
                                     : inst->api->param(inst->model, index, view);
  return !failed(env, inst->api, s);
}

JNIEXPORT jlongArray JNICALL Java_mcc_Native_shape(JNIEnv *env, jclass cls, jlong handle, jint kind, jint index) {
  (void)cls;
  const instance *inst = live(env, handle);
  DLTensor view;
  if (!inst || !view_of(env, inst, kind, index, &view)) return NULL;
  jlongArray out = (*env)->NewLongArray(env, view.ndim);
  if (out && view.ndim) (*env)->SetLongArrayRegion(env, out, 0, view.ndim, (const jlong *)view.shape);
  return out;
}

JNIEXPORT void JNICALL Java_mcc_Native_copy(JNIEnv *env, jclass cls, jlong handle, jint kind, jint index,
                                            jlong destination, jlong capacity) {
  (void)cls;
  const instance *inst = live(env, handle);
  DLTensor view;
  if (!inst || !view_of(env, inst, kind, index, &view)) return;
  size_t count = 1;
  for (int32_t d = 0; d < view.ndim; d++) count *= (size_t)view.shape[d];
  size_t bytes = count * ((size_t)view.dtype.bits * view.dtype.lanes / 8);
  if ((jlong)bytes != capacity) {
    char message[160];
    snprintf(message, sizeof message, "destination holds %lld bytes, the tensor has %zu", (long long)capacity, bytes);
    throw_mcc(env, MCC_ERR_SHAPE_MISMATCH, message);
    return;
  }
  if (bytes) memcpy((void *)(intptr_t)destination, (const char *)view.data + view.byte_offset, bytes);
}

JNIEXPORT void JNICALL Java_mcc_Native_setNumThreads(JNIEnv *env, jclass cls, jlong handle, jint threads) {
  (void)cls;
  const instance *inst = live(env, handle);
  if (inst) failed(env, inst->api, inst->api->set_num_threads(inst->model, threads));
}

/* --- training (ABI 1.1) ------------------------------------------------------------------ */

/* The instance, when its library has the training calls; else throws. */
static const instance *trainable(JNIEnv *env, jlong handle) {
  const instance *inst = live(env, handle);
  if (inst && !inst->api->step_count) {
    throw_mcc(env, MCC_ERR_UNSUPPORTED, "the library was built before the training ABI (1.1)");
    return NULL;
  }
  return inst;
}

JNIEXPORT jboolean JNICALL Java_mcc_Native_hasTraining(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  const instance *inst = live(env, handle);
  return inst && inst->api->has_training && inst->api->has_training(inst->model) ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT void JNICALL Java_mcc_Native_setOptimizer(JNIEnv *env, jclass cls, jlong handle, jint kind, jint schedule,
                                                    jboolean nesterov, jdoubleArray jd, jlongArray jl) {
  (void)cls;
  const instance *inst = trainable(env, handle);
  if (!inst) return;
  if ((*env)->GetArrayLength(env, jd) != 9 || (*env)->GetArrayLength(env, jl) != 3) {
    throw_class(env, "java/lang/IllegalArgumentException", "optimizer arrays have the wrong length");
    return;
  }
  jdouble d[9];
  jlong l[3];
  (*env)->GetDoubleArrayRegion(env, jd, 0, 9, d);
  (*env)->GetLongArrayRegion(env, jl, 0, 3, l);
  mcc_optimizer_config c = {.kind = kind, .schedule = schedule, .learning_rate = d[0], .weight_decay = d[1],
                            .momentum = d[2], .nesterov = nesterov ? 1 : 0, .beta1 = d[3], .beta2 = d[4],
                            .epsilon = d[5], .warmup_steps = l[0], .step_size = l[1], .gamma = d[6],
                            .total_steps = l[2], .min_lr = d[7], .clip_norm = d[8]};
  failed(env, inst->api, inst->api->set_optimizer(inst->model, &c));
}

/* op 0: train step, 1: backward, 2: evaluate. The last tensor is the target. */
JNIEXPORT jfloat JNICALL Java_mcc_Native_lossCall(JNIEnv *env, jclass cls, jlong handle, jint op, jlongArray jaddresses,
                                                  jintArray jdtypes, jintArray jranks, jlongArray jshapes) {
  (void)cls;
  const instance *inst = trainable(env, handle);
  jsize n = 0;
  if (!inst) return 0;
  if (op < 0 || op > 2) {
    throw_class(env, "java/lang/IllegalArgumentException", "unknown training call");
    return 0;
  }
  DLTensor *tensors = unpack(env, jaddresses, jdtypes, jranks, jshapes, &n);
  if (!tensors) return 0;
  if (n < 1) {
    free(tensors);
    throw_class(env, "java/lang/IllegalArgumentException", "no target tensor");
    return 0;
  }
  float loss = 0;
  mcc_status s = inst->api->loss_call[op](inst->model, n > 1 ? tensors : NULL, (int32_t)(n - 1), &tensors[n - 1], &loss);
  free(tensors);
  failed(env, inst->api, s);
  return loss;
}

/* op 0: zero_grad, 1: optimizer_step. */
JNIEXPORT void JNICALL Java_mcc_Native_step(JNIEnv *env, jclass cls, jlong handle, jint op) {
  (void)cls;
  const instance *inst = trainable(env, handle);
  if (inst) failed(env, inst->api, op == 0 ? inst->api->zero_grad(inst->model) : inst->api->optimizer_step(inst->model));
}

JNIEXPORT void JNICALL Java_mcc_Native_setParam(JNIEnv *env, jclass cls, jlong handle, jint index, jlongArray jaddresses,
                                                jintArray jdtypes, jintArray jranks, jlongArray jshapes) {
  (void)cls;
  const instance *inst = trainable(env, handle);
  jsize n = 0;
  DLTensor *tensors = inst ? unpack(env, jaddresses, jdtypes, jranks, jshapes, &n) : NULL;
  if (!tensors) return;
  mcc_status s = n == 1 ? inst->api->set_param(inst->model, index, tensors) : MCC_ERR_INVALID_ARGUMENT;
  free(tensors);
  if (n != 1) throw_class(env, "java/lang/IllegalArgumentException", "setParam takes one tensor");
  else failed(env, inst->api, s);
}

JNIEXPORT jint JNICALL Java_mcc_Native_freeze(JNIEnv *env, jclass cls, jlong handle, jstring jprefix, jboolean frozen) {
  (void)cls;
  const instance *inst = trainable(env, handle);
  if (!inst) return 0;
  const char *prefix = jprefix ? (*env)->GetStringUTFChars(env, jprefix, NULL) : NULL;
  if (jprefix && !prefix) return 0;
  int32_t count = 0;
  mcc_status s = inst->api->freeze(inst->model, prefix, frozen ? 1 : 0, &count);
  if (prefix) (*env)->ReleaseStringUTFChars(env, jprefix, prefix);
  failed(env, inst->api, s);
  return count;
}

JNIEXPORT void JNICALL Java_mcc_Native_checkpoint(JNIEnv *env, jclass cls, jlong handle, jstring jpath, jboolean save) {
  (void)cls;
  const instance *inst = trainable(env, handle);
  if (!inst) return;
  const char *path = jpath ? (*env)->GetStringUTFChars(env, jpath, NULL) : NULL;
  if (jpath && !path) return;
  mcc_status s = save ? inst->api->save_checkpoint(inst->model, path) : inst->api->load_checkpoint(inst->model, path);
  if (path) (*env)->ReleaseStringUTFChars(env, jpath, path);
  failed(env, inst->api, s);
}

JNIEXPORT void JNICALL Java_mcc_Native_setSeed(JNIEnv *env, jclass cls, jlong handle, jlong seed) {
  (void)cls;
  const instance *inst = trainable(env, handle);
  if (inst) failed(env, inst->api, inst->api->set_seed(inst->model, (uint64_t)seed));
}

JNIEXPORT jdouble JNICALL Java_mcc_Native_learningRate(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  const instance *inst = trainable(env, handle);
  return inst ? inst->api->learning_rate(inst->model) : 0.0;
}

JNIEXPORT jlong JNICALL Java_mcc_Native_stepCount(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  const instance *inst = trainable(env, handle);
  return inst ? inst->api->step_count(inst->model) : 0;
}

/* --- memory ----------------------------------------------------------------------------- */

JNIEXPORT jobject JNICALL Java_mcc_Native_allocate(JNIEnv *env, jclass cls, jlong bytes) {
  (void)cls;
  if (bytes < 0 || bytes > 0x7fffffffL) {
    throw_class(env, "java/lang/IllegalArgumentException", "tensor size out of range for a Java buffer (0 to 2 GiB)");
    return NULL;
  }
  void *p = NULL;
  if (posix_memalign(&p, 64, bytes ? (size_t)bytes : 1) != 0) {
    throw_mcc(env, MCC_ERR_OUT_OF_MEMORY, "out of memory allocating a tensor");
    return NULL;
  }
  memset(p, 0, (size_t)bytes);
  jobject buffer = (*env)->NewDirectByteBuffer(env, p, bytes);
  if (!buffer) {
    free(p);
    return NULL;
  }
  __atomic_add_fetch(&live_objects, 1, __ATOMIC_RELAXED);
  return buffer;
}

JNIEXPORT void JNICALL Java_mcc_Native_free(JNIEnv *env, jclass cls, jobject buffer) {
  (void)cls;
  void *p = buffer ? (*env)->GetDirectBufferAddress(env, buffer) : NULL;
  if (!p) return;
  free(p);
  __atomic_sub_fetch(&live_objects, 1, __ATOMIC_RELAXED);
}

JNIEXPORT jlong JNICALL Java_mcc_Native_address(JNIEnv *env, jclass cls, jobject buffer) {
  (void)cls;
  void *p = buffer ? (*env)->GetDirectBufferAddress(env, buffer) : NULL;
  if (!p) throw_class(env, "java/lang/IllegalArgumentException", "not a direct buffer");
  return (jlong)(intptr_t)p;
}

JNIEXPORT jlong JNICALL Java_mcc_Native_liveObjects(JNIEnv *env, jclass cls) {
  (void)env, (void)cls;
  return __atomic_load_n(&live_objects, __ATOMIC_RELAXED);
}
