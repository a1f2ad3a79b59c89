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

JNIEXPORT void JNICALL Java_mcc_Native_run(JNIEnv *env, jclass cls, jlong handle, jlongArray jaddresses,
                                           jintArray jdtypes, jintArray jranks, jlongArray jshapes) {
  (void)cls;
  const instance *inst = live(env, handle);
  if (!inst) return;
  jsize n = (*env)->GetArrayLength(env, jaddresses);
  jsize total = (*env)->GetArrayLength(env, jshapes);
  if ((*env)->GetArrayLength(env, jdtypes) != 3 * n || (*env)->GetArrayLength(env, jranks) != n) {
    throw_class(env, "java/lang/IllegalArgumentException", "inconsistent tensor arrays");
    return;
  }
  /* One block for everything this call needs; freed before returning on every path. */
  size_t bytes = (size_t)n * (sizeof(DLTensor) + sizeof(jlong) + 4 * sizeof(jint)) + (size_t)total * sizeof(int64_t) + 1;
  char *block = malloc(bytes);
  if (!block) {
    throw_mcc(env, MCC_ERR_OUT_OF_MEMORY, "out of memory preparing inputs");
    return;
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
      return;
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
  mcc_status s = inst->api->run(inst->model, n ? tensors : NULL, (int32_t)n);
  free(block);
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
