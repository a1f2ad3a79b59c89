// Shared between the CONNX .cpp files; never seen by Swift.
#pragma once

// SwiftPM defines DEBUG in debug builds; onnx's headers use that name for their own
// purposes, so it must not leak into them.
#undef DEBUG

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"

#include "connx.h"

// A tensor view: the proto plus the directory its external data must stay inside.
// Views of initializers and attribute tensors borrow the model's protos; a standalone
// tensor (mcc_onnx_load_tensor) owns its proto.
struct mcc_onnx_tensor {
    const onnx::TensorProto *proto = nullptr;
    std::string dir;
    std::unique_ptr<onnx::TensorProto> owned;
};

struct mcc_onnx_model {
    onnx::ModelProto proto;  // never mutated after the load, so c_str() pointers stay valid
    std::string dir;         // the model's directory: root for external data
    std::vector<const onnx::ValueInfoProto *> inputs;  // graph inputs minus initializers
    std::vector<std::unique_ptr<mcc_onnx_tensor>> initializers;
    std::vector<std::vector<std::unique_ptr<mcc_onnx_tensor>>> attr_tensors;  // [node][attr]
    // Subgraph attributes (If branches, Loop and Scan bodies) as views of their own, so every
    // accessor works on them unchanged: [node][attr][graph], one graph for GRAPH attributes.
    std::vector<std::vector<std::vector<std::unique_ptr<mcc_onnx_model>>>> attr_graphs;
    std::vector<std::string> warnings;
};

namespace mcc_onnx {

// A load or data error whose message is shown to the user as is.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Copies `message` into a malloc'ed C string for a `char **error` out-parameter.
void set_error(char **error, const std::string &message);

// Reads a whole regular file of at most `limit` bytes.
std::string read_file(const std::string &path, int64_t limit);

// The directory holding `path` ("." when it has none).
std::string directory_of(const std::string &path);

// Number of elements described by `dims`: every dim >= 0 and at most
// MCC_ONNX_MAX_ELEMENTS, and so is the product. Throws Error naming `what`.
int64_t checked_element_count(const google::protobuf::RepeatedField<int64_t> &dims, const std::string &what);

// Bytes per element of a TensorProto.DataType; 0 for STRING, UNDEFINED and unknown types.
int64_t element_size(int elem_type);

// Checks that a tensor's dims are sane, its data matches its element count, and any
// external data file lies inside `dir`. Throws Error naming `what`.
void validate_tensor(const onnx::TensorProto &tensor, const std::string &dir, const std::string &what);

// Validates every tensor of `g` and its subgraphs (validate_tensor), rejects sparse
// initializers, and checks attribute values libonnx would crash on. Throws Error.
void check_graph_contents(const onnx::GraphProto &g, const std::string &dir);

// Rejects negative dims and shapes over the element limit in the graph's value infos.
void check_all_value_dims(const onnx::GraphProto &g);

// Checks that node inputs and graph outputs are defined, values are assigned once and there
// is no cycle; reorders an unsorted acyclic graph (adding a warning). Throws Error.
void sort_nodes(onnx::GraphProto &g, std::vector<std::string> &warnings);

// "node 'conv1' (Conv)" or, for an unnamed node, "node #3 (Conv)".
std::string describe_node(const onnx::NodeProto &node, int64_t index);

}  // namespace mcc_onnx
