// Structural checks that run before libonnx sees a model: they name the node or tensor at
// fault, confine external data, and keep known libonnx 1.12 crashes (division by a zero
// stride, out-of-range batch_dims, ...) from being reached.
#include "bridge_internal.h"

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <unordered_set>

using namespace mcc_onnx;
using onnx::AttributeProto;
using onnx::GraphProto;
using onnx::NodeProto;
using onnx::ValueInfoProto;

namespace {

// Validates every tensor reachable from `g`, subgraphs included: a subgraph's external data
// must be confined too, even though the importer never reads it.
void validate_graph_tensors_in(const GraphProto &g, const std::string &dir, const std::string &scope) {
    for (const auto &t : g.initializer()) validate_tensor(t, dir, scope + "initializer '" + t.name() + "'");
    if (g.sparse_initializer_size() > 0) {
        const auto &values = g.sparse_initializer(0).values();
        throw Error(scope + "sparse initializer '" + values.name() + "' is not supported");
    }
    for (int n = 0; n < g.node_size(); ++n) {
        const NodeProto &node = g.node(n);
        for (const auto &attr : node.attribute()) {
            std::string what = scope + "attribute '" + attr.name() + "' of " + describe_node(node, n);
            if (attr.has_t()) validate_tensor(attr.t(), dir, what);
            for (const auto &t : attr.tensors()) validate_tensor(t, dir, what);
            if (attr.has_sparse_tensor()) {
                validate_tensor(attr.sparse_tensor().values(), dir, what + " (values)");
                validate_tensor(attr.sparse_tensor().indices(), dir, what + " (indices)");
            }
            if (attr.has_g()) validate_graph_tensors_in(attr.g(), dir, "in " + what + ": ");
            for (const auto &sub : attr.graphs()) validate_graph_tensors_in(sub, dir, "in " + what + ": ");
        }
    }
}

// Rejects negative dims and shapes over the element limit in a declared or inferred type.
void check_value_dims(const ValueInfoProto &v, const std::string &what) {
    const auto &type = v.type();
    const onnx::TensorShapeProto *shape = nullptr;
    if (type.has_tensor_type() && type.tensor_type().has_shape()) shape = &type.tensor_type().shape();
    if (type.has_sparse_tensor_type() && type.sparse_tensor_type().has_shape()) shape = &type.sparse_tensor_type().shape();
    if (!shape) return;
    google::protobuf::RepeatedField<int64_t> known;
    for (const auto &d : shape->dim())
        if (d.has_dim_value()) known.Add(d.dim_value());
    checked_element_count(known, what + " '" + v.name() + "'");
}

// Attribute values that libonnx 1.12's shape inference divides by or indexes with unchecked
// (found by fuzzing the node suite); checked for ai.onnx nodes in every (sub)graph.
void check_attribute_ranges(const GraphProto &g) {
    for (int n = 0; n < g.node_size(); ++n) {
        const NodeProto &node = g.node(n);
        bool standard = node.domain().empty() || node.domain() == "ai.onnx";
        for (const auto &attr : node.attribute()) {
            if (attr.has_g()) check_attribute_ranges(attr.g());
            for (const auto &sub : attr.graphs()) check_attribute_ranges(sub);
            if (!standard) continue;
            auto fail = [&](const std::string &why) {
                throw Error("attribute '" + attr.name() + "' of " + describe_node(node, n) + " " + why);
            };
            const std::string &name = attr.name();
            if (name == "strides" || name == "dilations" || name == "kernel_shape") {
                for (int64_t v : attr.ints())
                    if (v < 1) fail("has value " + std::to_string(v) + "; every value must be at least 1");
            } else if (name == "group" && attr.type() == AttributeProto::INT) {
                if (attr.i() < 1) fail("is " + std::to_string(attr.i()) + "; it must be at least 1");
            } else if (name == "blocksize" && attr.type() == AttributeProto::INT) {
                if (attr.i() < 1 || attr.i() > (int64_t(1) << 18))
                    fail("is " + std::to_string(attr.i()) + "; it must be between 1 and 2^18");
            } else if (name == "batch_dims" && attr.type() == AttributeProto::INT) {
                if (attr.i() < 0) fail("is " + std::to_string(attr.i()) + "; it must not be negative");
            }
        }
    }
}

}  // namespace

void mcc_onnx::check_graph_contents(const GraphProto &g, const std::string &dir) {
    validate_graph_tensors_in(g, dir, "");
    check_attribute_ranges(g);
}

void mcc_onnx::check_all_value_dims(const GraphProto &g) {
    for (const auto &v : g.input()) check_value_dims(v, "graph input");
    for (const auto &v : g.output()) check_value_dims(v, "graph output");
    for (const auto &v : g.value_info()) check_value_dims(v, "value");
}

// Checks that every node input and graph output is defined, that values are assigned once,
// and that there is no cycle; reorders an acyclic but unsorted graph (ONNX requires
// topological order, and some exporters get it wrong).
void mcc_onnx::sort_nodes(GraphProto &g, std::vector<std::string> &warnings) {
    const int count = g.node_size();
    std::unordered_set<std::string> defined;
    for (const auto &v : g.input()) defined.insert(v.name());
    for (const auto &t : g.initializer()) defined.insert(t.name());
    std::unordered_map<std::string, int> producer;
    for (int n = 0; n < count; ++n)
        for (const auto &out : g.node(n).output()) {
            if (out.empty()) continue;
            if (defined.count(out))
                throw Error(describe_node(g.node(n), n) + " writes '" + out + "', which is a graph input or initializer");
            auto [it, fresh] = producer.emplace(out, n);
            if (!fresh)
                throw Error("value '" + out + "' is produced by both " + describe_node(g.node(it->second), it->second) +
                            " and " + describe_node(g.node(n), n));
        }
    std::vector<std::string> missing;
    std::vector<std::vector<int>> users(count);
    std::vector<int> pending(count, 0);  // inputs whose producer has not been scheduled
    for (int n = 0; n < count; ++n)
        for (const auto &in : g.node(n).input()) {
            if (in.empty() || defined.count(in)) continue;
            auto it = producer.find(in);
            if (it == producer.end()) {
                missing.push_back("input '" + in + "' of " + describe_node(g.node(n), n));
                continue;
            }
            users[it->second].push_back(n);
            pending[n] += 1;
        }
    for (const auto &v : g.output())
        if (!defined.count(v.name()) && !producer.count(v.name())) missing.push_back("graph output '" + v.name() + "'");
    if (!missing.empty()) {
        std::string list;
        for (size_t i = 0; i < missing.size() && i < 20; ++i) list += (i ? "; " : "") + missing[i];
        if (missing.size() > 20) list += "; and " + std::to_string(missing.size() - 20) + " more";
        throw Error("undefined values (not a graph input, an initializer or any node's output; a missing "
                    "initializer?): " + list);
    }
    // Kahn's algorithm, always taking the lowest original index so sorted graphs keep their order.
    std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
    for (int n = 0; n < count; ++n)
        if (pending[n] == 0) ready.push(n);
    std::vector<int> order;
    order.reserve(count);
    while (!ready.empty()) {
        int n = ready.top();
        ready.pop();
        order.push_back(n);
        for (int user : users[n])
            if (--pending[user] == 0) ready.push(user);
    }
    if (static_cast<int>(order.size()) < count) {
        // Every unscheduled node waits on another unscheduled node: walk producers until one repeats.
        int n = 0;
        while (pending[n] == 0) ++n;
        std::vector<int> path;
        std::vector<int> seen(count, -1);
        while (seen[n] < 0) {
            seen[n] = static_cast<int>(path.size());
            path.push_back(n);
            for (const auto &in : g.node(n).input()) {
                auto it = producer.find(in);
                if (!in.empty() && !defined.count(in) && it != producer.end() && pending[it->second] > 0) {
                    n = it->second;
                    break;
                }
            }
        }
        std::string cycle = describe_node(g.node(n), n);
        for (int i = static_cast<int>(path.size()) - 1; i >= seen[n]; --i)
            cycle += " -> " + describe_node(g.node(path[i]), path[i]);
        throw Error("the graph has a cycle: " + cycle);
    }
    if (!std::is_sorted(order.begin(), order.end())) {
        std::vector<NodeProto> sorted(count);
        for (int i = 0; i < count; ++i) sorted[i] = std::move(*g.mutable_node(order[i]));
        g.clear_node();
        for (auto &node : sorted) *g.add_node() = std::move(node);
        warnings.push_back("the nodes were not in topological order; they were reordered");
    }
}

