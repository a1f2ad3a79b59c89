// Bounds-checked read-only accessors. None of them allocates or throws: they index
// protobuf repeated fields after checking the index, and return 0, NULL or -1 otherwise.
#include "bridge_internal.h"

#include <cstring>

using onnx::AttributeProto;
using onnx::NodeProto;
using onnx::ValueInfoProto;

namespace {

template <typename Field>
bool in_range(const Field &field, int64_t index) {
    return index >= 0 && index < static_cast<int64_t>(field.size());
}

const NodeProto *node_at(const mcc_onnx_model *m, int64_t node) {
    if (!m || !in_range(m->proto.graph().node(), node)) return nullptr;
    return &m->proto.graph().node(static_cast<int>(node));
}

const AttributeProto *attr_at(const mcc_onnx_model *m, int64_t node, int64_t attr) {
    const NodeProto *n = node_at(m, node);
    if (!n || !in_range(n->attribute(), attr)) return nullptr;
    return &n->attribute(static_cast<int>(attr));
}

const ValueInfoProto *value_at(const mcc_onnx_model *m, int list, int64_t index) {
    if (!m || index < 0) return nullptr;
    const auto &g = m->proto.graph();
    switch (list) {
    case MCC_ONNX_INPUTS:
        return index < static_cast<int64_t>(m->inputs.size()) ? m->inputs[static_cast<size_t>(index)] : nullptr;
    case MCC_ONNX_OUTPUTS: return index < g.output_size() ? &g.output(static_cast<int>(index)) : nullptr;
    case MCC_ONNX_VALUE_INFO: return index < g.value_info_size() ? &g.value_info(static_cast<int>(index)) : nullptr;
    default: return nullptr;
    }
}

// The innermost type of a sequence or optional type (itself for any other type).
const onnx::TypeProto &element_type(const onnx::TypeProto &type) {
    const onnx::TypeProto *t = &type;
    for (int depth = 0; depth < 16; ++depth) {  // bounded: protobuf nesting is the only limit
        if (t->has_sequence_type() && t->sequence_type().has_elem_type()) t = &t->sequence_type().elem_type();
        else if (t->has_optional_type() && t->optional_type().has_elem_type()) t = &t->optional_type().elem_type();
        else break;
    }
    return *t;
}

// The shape of a tensor or sparse tensor value (or of a sequence's or optional's tensor
// elements), NULL when absent.
const onnx::TensorShapeProto *shape_of(const ValueInfoProto *v) {
    if (!v) return nullptr;
    const auto &type = element_type(v->type());
    if (type.has_tensor_type() && type.tensor_type().has_shape()) return &type.tensor_type().shape();
    if (type.has_sparse_tensor_type() && type.sparse_tensor_type().has_shape())
        return &type.sparse_tensor_type().shape();
    return nullptr;
}

const onnx::TensorShapeProto_Dimension *dim_at(const mcc_onnx_model *m, int list, int64_t index, int64_t dim) {
    const auto *shape = shape_of(value_at(m, list, index));
    if (!shape || !in_range(shape->dim(), dim)) return nullptr;
    return &shape->dim(static_cast<int>(dim));
}

}  // namespace

extern "C" {

int64_t mcc_onnx_ir_version(const mcc_onnx_model *m) { return m ? m->proto.ir_version() : -1; }

int64_t mcc_onnx_opset_version(const mcc_onnx_model *m, const char *domain) {
    if (!m || !domain) return -1;
    // "" and "ai.onnx" name the same domain.
    auto is_default = [](const char *d) { return d[0] == '\0' || strcmp(d, "ai.onnx") == 0; };
    for (const auto &o : m->proto.opset_import())
        if (o.domain() == domain || (is_default(domain) && is_default(o.domain().c_str()))) return o.version();
    return -1;
}

int64_t mcc_onnx_opset_count(const mcc_onnx_model *m) { return m ? m->proto.opset_import_size() : -1; }

const char *mcc_onnx_opset_domain(const mcc_onnx_model *m, int64_t i) {
    if (!m || !in_range(m->proto.opset_import(), i)) return nullptr;
    return m->proto.opset_import(static_cast<int>(i)).domain().c_str();
}

int64_t mcc_onnx_opset_version_at(const mcc_onnx_model *m, int64_t i) {
    if (!m || !in_range(m->proto.opset_import(), i)) return -1;
    return m->proto.opset_import(static_cast<int>(i)).version();
}

const char *mcc_onnx_producer_name(const mcc_onnx_model *m) { return m ? m->proto.producer_name().c_str() : nullptr; }
const char *mcc_onnx_producer_version(const mcc_onnx_model *m) {
    return m ? m->proto.producer_version().c_str() : nullptr;
}
const char *mcc_onnx_graph_name(const mcc_onnx_model *m) { return m ? m->proto.graph().name().c_str() : nullptr; }

int64_t mcc_onnx_warning_count(const mcc_onnx_model *m) { return m ? static_cast<int64_t>(m->warnings.size()) : -1; }
const char *mcc_onnx_warning(const mcc_onnx_model *m, int64_t i) {
    if (!m || !in_range(m->warnings, i)) return nullptr;
    return m->warnings[static_cast<size_t>(i)].c_str();
}

int64_t mcc_onnx_value_count(const mcc_onnx_model *m, int list) {
    if (!m) return -1;
    switch (list) {
    case MCC_ONNX_INPUTS: return static_cast<int64_t>(m->inputs.size());
    case MCC_ONNX_OUTPUTS: return m->proto.graph().output_size();
    case MCC_ONNX_VALUE_INFO: return m->proto.graph().value_info_size();
    default: return -1;
    }
}

const char *mcc_onnx_value_name(const mcc_onnx_model *m, int list, int64_t i) {
    const ValueInfoProto *v = value_at(m, list, i);
    return v ? v->name().c_str() : nullptr;
}

int mcc_onnx_value_type_case(const mcc_onnx_model *m, int list, int64_t i) {
    const ValueInfoProto *v = value_at(m, list, i);
    return v ? static_cast<int>(v->type().value_case()) : -1;
}

int mcc_onnx_value_elem_type(const mcc_onnx_model *m, int list, int64_t i) {
    const ValueInfoProto *v = value_at(m, list, i);
    if (!v) return -1;
    const auto &type = element_type(v->type());
    if (type.has_tensor_type()) return type.tensor_type().elem_type();
    if (type.has_sparse_tensor_type()) return type.sparse_tensor_type().elem_type();
    return 0;
}

int64_t mcc_onnx_value_rank(const mcc_onnx_model *m, int list, int64_t i) {
    const auto *shape = shape_of(value_at(m, list, i));
    return shape ? shape->dim_size() : -1;
}

int64_t mcc_onnx_value_dim(const mcc_onnx_model *m, int list, int64_t i, int64_t dim) {
    const auto *d = dim_at(m, list, i, dim);
    return d && d->has_dim_value() ? d->dim_value() : -1;
}

const char *mcc_onnx_value_dim_param(const mcc_onnx_model *m, int list, int64_t i, int64_t dim) {
    const auto *d = dim_at(m, list, i, dim);
    return d && d->has_dim_param() ? d->dim_param().c_str() : nullptr;
}

int64_t mcc_onnx_node_count(const mcc_onnx_model *m) { return m ? m->proto.graph().node_size() : -1; }

const char *mcc_onnx_node_op_type(const mcc_onnx_model *m, int64_t n) {
    const NodeProto *node = node_at(m, n);
    return node ? node->op_type().c_str() : nullptr;
}

const char *mcc_onnx_node_name(const mcc_onnx_model *m, int64_t n) {
    const NodeProto *node = node_at(m, n);
    return node ? node->name().c_str() : nullptr;
}

const char *mcc_onnx_node_domain(const mcc_onnx_model *m, int64_t n) {
    const NodeProto *node = node_at(m, n);
    return node ? node->domain().c_str() : nullptr;
}

int64_t mcc_onnx_node_input_count(const mcc_onnx_model *m, int64_t n) {
    const NodeProto *node = node_at(m, n);
    return node ? node->input_size() : -1;
}

const char *mcc_onnx_node_input(const mcc_onnx_model *m, int64_t n, int64_t i) {
    const NodeProto *node = node_at(m, n);
    return node && in_range(node->input(), i) ? node->input(static_cast<int>(i)).c_str() : nullptr;
}

int64_t mcc_onnx_node_output_count(const mcc_onnx_model *m, int64_t n) {
    const NodeProto *node = node_at(m, n);
    return node ? node->output_size() : -1;
}

const char *mcc_onnx_node_output(const mcc_onnx_model *m, int64_t n, int64_t i) {
    const NodeProto *node = node_at(m, n);
    return node && in_range(node->output(), i) ? node->output(static_cast<int>(i)).c_str() : nullptr;
}

int64_t mcc_onnx_attr_count(const mcc_onnx_model *m, int64_t n) {
    const NodeProto *node = node_at(m, n);
    return node ? node->attribute_size() : -1;
}

const char *mcc_onnx_attr_name(const mcc_onnx_model *m, int64_t n, int64_t a) {
    const AttributeProto *attr = attr_at(m, n, a);
    return attr ? attr->name().c_str() : nullptr;
}

int mcc_onnx_attr_type(const mcc_onnx_model *m, int64_t n, int64_t a) {
    const AttributeProto *attr = attr_at(m, n, a);
    return attr ? static_cast<int>(attr->type()) : -1;
}

int64_t mcc_onnx_attr_int(const mcc_onnx_model *m, int64_t n, int64_t a) {
    const AttributeProto *attr = attr_at(m, n, a);
    return attr ? attr->i() : 0;
}

float mcc_onnx_attr_float(const mcc_onnx_model *m, int64_t n, int64_t a) {
    const AttributeProto *attr = attr_at(m, n, a);
    return attr ? attr->f() : 0;
}

const char *mcc_onnx_attr_string(const mcc_onnx_model *m, int64_t n, int64_t a, size_t *length) {
    const AttributeProto *attr = attr_at(m, n, a);
    if (length) *length = attr ? attr->s().size() : 0;
    return attr ? attr->s().data() : nullptr;
}

int64_t mcc_onnx_attr_list_count(const mcc_onnx_model *m, int64_t n, int64_t a) {
    const AttributeProto *attr = attr_at(m, n, a);
    if (!attr) return -1;
    switch (attr->type()) {
    case AttributeProto::FLOATS: return attr->floats_size();
    case AttributeProto::INTS: return attr->ints_size();
    case AttributeProto::STRINGS: return attr->strings_size();
    case AttributeProto::TENSORS: return attr->tensors_size();
    case AttributeProto::GRAPHS: return attr->graphs_size();
    default: return -1;
    }
}

int64_t mcc_onnx_attr_ints_at(const mcc_onnx_model *m, int64_t n, int64_t a, int64_t i) {
    const AttributeProto *attr = attr_at(m, n, a);
    return attr && in_range(attr->ints(), i) ? attr->ints(static_cast<int>(i)) : 0;
}

float mcc_onnx_attr_floats_at(const mcc_onnx_model *m, int64_t n, int64_t a, int64_t i) {
    const AttributeProto *attr = attr_at(m, n, a);
    return attr && in_range(attr->floats(), i) ? attr->floats(static_cast<int>(i)) : 0;
}

const char *mcc_onnx_attr_strings_at(const mcc_onnx_model *m, int64_t n, int64_t a, int64_t i, size_t *length) {
    const AttributeProto *attr = attr_at(m, n, a);
    bool ok = attr && in_range(attr->strings(), i);
    if (length) *length = ok ? attr->strings(static_cast<int>(i)).size() : 0;
    return ok ? attr->strings(static_cast<int>(i)).data() : nullptr;
}

const mcc_onnx_tensor *mcc_onnx_attr_tensor(const mcc_onnx_model *m, int64_t n, int64_t a) {
    if (!attr_at(m, n, a)) return nullptr;
    return m->attr_tensors[static_cast<size_t>(n)][static_cast<size_t>(a)].get();
}

const mcc_onnx_model *mcc_onnx_attr_graph(const mcc_onnx_model *m, int64_t n, int64_t a, int64_t i) {
    if (!attr_at(m, n, a)) return nullptr;
    const auto &graphs = m->attr_graphs[static_cast<size_t>(n)][static_cast<size_t>(a)];
    return in_range(graphs, i) ? graphs[static_cast<size_t>(i)].get() : nullptr;
}

int64_t mcc_onnx_initializer_count(const mcc_onnx_model *m) {
    return m ? static_cast<int64_t>(m->initializers.size()) : -1;
}

const mcc_onnx_tensor *mcc_onnx_initializer(const mcc_onnx_model *m, int64_t i) {
    if (!m || !in_range(m->initializers, i)) return nullptr;
    return m->initializers[static_cast<size_t>(i)].get();
}

}  // extern "C"
