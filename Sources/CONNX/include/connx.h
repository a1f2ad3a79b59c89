/*
 * connx.h: a plain C facade over Debian's libonnx (C++, protobuf).
 *
 * Swift's C++ interop crashes on protobuf types, so MInterop sees only this header;
 * bridge.cpp owns every protobuf object and catches every C++ exception.
 *
 * Conventions:
 * - Handles are opaque. A model owns everything reachable from it: strings and tensor
 *   views returned by accessors live until mcc_onnx_free(model).
 * - Indices are 0-based and bounds-checked: a bad index (or a NULL handle) returns
 *   0, NULL or -1 as documented, never crashes.
 * - Functions taking `char **error` set *error to a malloc'ed message on failure (free it
 *   with mcc_onnx_free_string) and leave it untouched on success. `error` may be NULL.
 * - Messages name the node, tensor or value at fault but not the file that was loaded:
 *   callers prefix the path they passed.
 */
#ifndef MCC_CONNX_H
#define MCC_CONNX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mcc_onnx_model mcc_onnx_model;
typedef struct mcc_onnx_tensor mcc_onnx_tensor;

/* The three value-info lists of the main graph. */
enum {
    MCC_ONNX_INPUTS = 0,     /* graph inputs that are not initializers */
    MCC_ONNX_OUTPUTS = 1,    /* graph outputs */
    MCC_ONNX_VALUE_INFO = 2, /* intermediate values, after shape inference */
};

/* Largest element count accepted for any tensor or value (2^36). */
#define MCC_ONNX_MAX_ELEMENTS (INT64_C(1) << 36)
/* Largest model or standalone tensor file accepted (2 GiB - 1, protobuf's own limit). */
#define MCC_ONNX_MAX_FILE_BYTES (INT64_C(0x7fffffff))

/* ---- Loading ------------------------------------------------------------------------- */

/* Reads, parses, validates (checker + structural checks), optionally converts to
 * `target_opset` (when > 0 and different from the model's ai.onnx opset) and runs shape
 * inference. Returns NULL and sets *error on any failure.
 *
 * Shape inference runs strict first; node-level failures (an op libonnx cannot infer, a
 * violated type constraint) become warnings and a lenient pass follows. A conflict between
 * declared and inferred types or shapes fails the load ("inconsistent types or shapes").
 *
 * libonnx is not thread-safe and crashes on some malformed models, so loads take a
 * process-wide lock and run the libonnx phases first in a forked child: a child killed by
 * a signal (or still busy after 300 s) fails the load instead of the caller.
 * MCC_ONNX_SANDBOX=0 in the environment skips the child (e.g. under a debugger). */
mcc_onnx_model *mcc_onnx_load(const char *path, int target_opset, char **error);
void mcc_onnx_free(mcc_onnx_model *model);

/* A standalone serialized TensorProto (test data sets' input_N.pb / output_N.pb).
 * External data is resolved relative to, and confined to, the file's directory. */
mcc_onnx_tensor *mcc_onnx_load_tensor(const char *path, char **error);
void mcc_onnx_free_tensor(mcc_onnx_tensor *tensor);

void mcc_onnx_free_string(char *string);

/* ---- Model --------------------------------------------------------------------------- */

int64_t mcc_onnx_ir_version(const mcc_onnx_model *model);
/* Opset imported for `domain` ("" and "ai.onnx" are the same domain); -1 if absent. */
int64_t mcc_onnx_opset_version(const mcc_onnx_model *model, const char *domain);
int64_t mcc_onnx_opset_count(const mcc_onnx_model *model);
const char *mcc_onnx_opset_domain(const mcc_onnx_model *model, int64_t index);
int64_t mcc_onnx_opset_version_at(const mcc_onnx_model *model, int64_t index);
const char *mcc_onnx_producer_name(const mcc_onnx_model *model);
const char *mcc_onnx_producer_version(const mcc_onnx_model *model);
const char *mcc_onnx_graph_name(const mcc_onnx_model *model);
/* Non-fatal findings of the load (e.g. node-level shape-inference failures). */
int64_t mcc_onnx_warning_count(const mcc_onnx_model *model);
const char *mcc_onnx_warning(const mcc_onnx_model *model, int64_t index);

/* ---- Value infos (list is MCC_ONNX_INPUTS, _OUTPUTS or _VALUE_INFO) ------------------ */

int64_t mcc_onnx_value_count(const mcc_onnx_model *model, int list);
const char *mcc_onnx_value_name(const mcc_onnx_model *model, int list, int64_t index);
/* TypeProto's value case: 1 tensor, 4 sequence, 5 map, 8 sparse tensor, 9 optional,
 * 0 not set; -1 bad index. */
int mcc_onnx_value_type_case(const mcc_onnx_model *model, int list, int64_t index);
/* TensorProto.DataType of a (sparse) tensor value, or of the innermost tensor type of a
 * sequence or optional value (e.g. float for optional(sequence(tensor(float)))); 0 if
 * unknown; -1 bad index. mcc_onnx_value_rank and _dim look through the same way. */
int mcc_onnx_value_elem_type(const mcc_onnx_model *model, int list, int64_t index);
/* -1 when the shape is unknown (or on a bad index). */
int64_t mcc_onnx_value_rank(const mcc_onnx_model *model, int list, int64_t index);
/* -1 when the dim has no value (or on a bad index). */
int64_t mcc_onnx_value_dim(const mcc_onnx_model *model, int list, int64_t index, int64_t dim);
/* The symbolic name of a dim, NULL if none. */
const char *mcc_onnx_value_dim_param(const mcc_onnx_model *model, int list, int64_t index, int64_t dim);

/* ---- Nodes (in topological order) ---------------------------------------------------- */

int64_t mcc_onnx_node_count(const mcc_onnx_model *model);
const char *mcc_onnx_node_op_type(const mcc_onnx_model *model, int64_t node);
const char *mcc_onnx_node_name(const mcc_onnx_model *model, int64_t node);
const char *mcc_onnx_node_domain(const mcc_onnx_model *model, int64_t node);
int64_t mcc_onnx_node_input_count(const mcc_onnx_model *model, int64_t node);
/* "" for an omitted optional input. */
const char *mcc_onnx_node_input(const mcc_onnx_model *model, int64_t node, int64_t index);
int64_t mcc_onnx_node_output_count(const mcc_onnx_model *model, int64_t node);
const char *mcc_onnx_node_output(const mcc_onnx_model *model, int64_t node, int64_t index);

/* ---- Node attributes ----------------------------------------------------------------- */

int64_t mcc_onnx_attr_count(const mcc_onnx_model *model, int64_t node);
const char *mcc_onnx_attr_name(const mcc_onnx_model *model, int64_t node, int64_t attr);
/* AttributeProto.AttributeType: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 6 FLOATS,
 * 7 INTS, 8 STRINGS, 9 TENSORS, 10 GRAPHS, 11 SPARSE_TENSOR, 12 SPARSE_TENSORS,
 * 13 TYPE_PROTO, 14 TYPE_PROTOS; 0 undefined; -1 bad index. */
int mcc_onnx_attr_type(const mcc_onnx_model *model, int64_t node, int64_t attr);
int64_t mcc_onnx_attr_int(const mcc_onnx_model *model, int64_t node, int64_t attr);
float mcc_onnx_attr_float(const mcc_onnx_model *model, int64_t node, int64_t attr);
/* Strings may contain NUL bytes: *length receives the byte count. */
const char *mcc_onnx_attr_string(const mcc_onnx_model *model, int64_t node, int64_t attr, size_t *length);
/* Element count of a FLOATS, INTS, STRINGS, TENSORS or GRAPHS attribute; -1 otherwise. */
int64_t mcc_onnx_attr_list_count(const mcc_onnx_model *model, int64_t node, int64_t attr);
int64_t mcc_onnx_attr_ints_at(const mcc_onnx_model *model, int64_t node, int64_t attr, int64_t index);
float mcc_onnx_attr_floats_at(const mcc_onnx_model *model, int64_t node, int64_t attr, int64_t index);
const char *mcc_onnx_attr_strings_at(const mcc_onnx_model *model, int64_t node, int64_t attr,
                                     int64_t index, size_t *length);
/* The tensor of a TENSOR attribute (e.g. Constant's value), owned by the model. */
const mcc_onnx_tensor *mcc_onnx_attr_tensor(const mcc_onnx_model *model, int64_t node, int64_t attr);

/* Graph `index` of a GRAPH (index 0) or GRAPHS attribute: an If branch, a Loop or Scan
 * body. The subgraph is a model view of its own, owned by `model`: every accessor above
 * works on it (its inputs, nodes, initializers and nested subgraphs); its opsets and IR
 * version are the model's. NULL for any other attribute or a bad index. Names a subgraph
 * uses but does not define refer to the enclosing graphs' values (ONNX scoping). */
const mcc_onnx_model *mcc_onnx_attr_graph(const mcc_onnx_model *model, int64_t node, int64_t attr, int64_t index);

/* ---- Initializers and tensors -------------------------------------------------------- */

int64_t mcc_onnx_initializer_count(const mcc_onnx_model *model);
const mcc_onnx_tensor *mcc_onnx_initializer(const mcc_onnx_model *model, int64_t index);

const char *mcc_onnx_tensor_name(const mcc_onnx_tensor *tensor);
/* TensorProto.DataType; -1 for a NULL tensor. */
int mcc_onnx_tensor_elem_type(const mcc_onnx_tensor *tensor);
int64_t mcc_onnx_tensor_rank(const mcc_onnx_tensor *tensor);
int64_t mcc_onnx_tensor_dim(const mcc_onnx_tensor *tensor, int64_t index);
/* Bytes mcc_onnx_tensor_data writes: element count times element size; -1 for string
 * or unknown element types. */
int64_t mcc_onnx_tensor_byte_size(const mcc_onnx_tensor *tensor);
/* Copies the values, packed little-endian in the tensor's element type, into `out`
 * (`out_bytes` must equal mcc_onnx_tensor_byte_size). Returns 0, or -1 and sets *error. */
int mcc_onnx_tensor_data(const mcc_onnx_tensor *tensor, void *out, size_t out_bytes, char **error);

#ifdef __cplusplus
}
#endif

#endif /* MCC_CONNX_H */
