// mcc_onnx_load: read, parse, validate, convert and shape-infer an ONNX model.
//
// Order matters: our own structural checks (checks.cpp) run before libonnx's checker because
// they give shorter messages naming the node or tensor (the checker dumps whole protos) and
// because the checker stat()s external data paths without confining them. Shape inference
// runs last, on the model that will be returned.
#include "bridge_internal.h"

#include <chrono>
#include <climits>
#include <csignal>
#include <cstring>
#include <functional>
#include <mutex>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

using namespace mcc_onnx;
using onnx::GraphProto;
using onnx::ModelProto;
using onnx::NodeProto;
using onnx::ValueInfoProto;

namespace {

// onnx::checker::check_model(const ModelProto &) with the model's directory set, so that
// external data is found (the public overload taking a ModelProto has no directory).
void run_checker(const ModelProto &m, const std::string &dir) {
    onnx::checker::CheckerContext ctx;
    ctx.set_model_dir(dir);
    ctx.set_ir_version(static_cast<int>(m.ir_version()));
    std::unordered_map<std::string, int> opsets;
    for (const auto &o : m.opset_import()) {
        if (o.version() < 1 || o.version() > INT_MAX)
            throw Error("opset import of domain '" + o.domain() + "' has invalid version " + std::to_string(o.version()));
        opsets[o.domain()] = static_cast<int>(o.version());
    }
    if (opsets.empty()) throw Error("the model imports no opset (IR version 3 and later need opset_import)");
    ctx.set_opset_imports(opsets);
    onnx::checker::LexicalScopeContext lex;
    try {
        onnx::checker::check_graph(m.graph(), ctx, lex);
        if (m.ir_version() >= 8) onnx::checker::check_model_local_functions(m, ctx, lex);
    } catch (const std::exception &e) {
        throw Error(std::string("invalid model (onnx checker): ") + e.what());
    }
}

int64_t onnx_opset(const ModelProto &m) {
    for (const auto &o : m.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx") return o.version();
    return -1;
}

// Node-level inference failures (an op libonnx cannot infer, a shape that depends on data)
// are warnings: the importer infers shapes itself and reports what it cannot handle. A
// conflict between declared and inferred types or shapes is an inconsistent model: error.
void infer_shapes(ModelProto &m, std::vector<std::string> &warnings) {
    try {
        onnx::ShapeInferenceOptions strict(/*check_type=*/true, /*error_mode=*/1, /*data_propagation=*/true);
        onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(), strict);
        return;
    } catch (const std::exception &e) {
        warnings.push_back(std::string("shape inference: ") + e.what());
    }
    try {
        onnx::ShapeInferenceOptions lenient(/*check_type=*/false, /*error_mode=*/0, /*data_propagation=*/false);
        onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(), lenient);
    } catch (const std::exception &e) {
        throw Error(std::string("inconsistent types or shapes: ") + e.what());
    }
}

// Our own checks: no libonnx code runs, so they are safe on any input.
void structural_checks(ModelProto &m, const std::string &dir, std::vector<std::string> &warnings) {
    check_graph_contents(m.graph(), dir);
    check_all_value_dims(m.graph());
    sort_nodes(*m.mutable_graph(), warnings);
}

// libonnx's checker, version converter and shape inference, in that order.
void libonnx_phases(ModelProto &m, const std::string &dir, int target_opset, std::vector<std::string> &warnings) {
    run_checker(m, dir);
    int64_t opset = onnx_opset(m);
    if (target_opset > 0 && target_opset != opset) {
        if (opset < 0)
            throw Error("cannot convert to opset " + std::to_string(target_opset) +
                        ": the model does not import the ai.onnx domain");
        ModelProto converted;
        try {
            converted = onnx::version_conversion::ConvertVersion(m, target_opset);
        } catch (const std::exception &e) {
            throw Error("cannot convert the model from opset " + std::to_string(opset) + " to " +
                        std::to_string(target_opset) + ": " + e.what());
        }
        m = std::move(converted);
        structural_checks(m, dir, warnings);
        run_checker(m, dir);
    }
    infer_shapes(m, warnings);
    check_all_value_dims(m.graph());
}

// Serializes all libonnx work in the process. libonnx initializes its schema registry
// lazily under a function-local static guard; a fork while another thread holds such a
// guard (or any libonnx-internal lock) would leave the child deadlocked. With this mutex
// held around the fork, no other thread is inside libonnx at that moment.
std::mutex &libonnx_mutex() {
    static std::mutex mutex;
    return mutex;
}

// libonnx 1.12 crashes (SIGFPE, SIGSEGV) on some malformed models that pass its checker,
// and our structural checks cannot foresee them all. So the libonnx phases first run in a
// forked child on its copy-on-write copy of the model: if the child dies from a signal,
// the load fails with an error instead of taking the caller down. If it exits (with or
// without an exception) the phases are deterministic and are safe to run here. Set
// MCC_ONNX_SANDBOX=0 to skip the child (e.g. under a debugger). Call with libonnx_mutex held.
void probe_in_child(const std::function<void()> &phases) {
    const char *setting = getenv("MCC_ONNX_SANDBOX");
    if (setting && strcmp(setting, "0") == 0) return;
    pid_t pid = fork();
    if (pid < 0) return;  // no child: run unprotected rather than refuse to load
    if (pid == 0) {
        // Die quietly: no core file, and none of the host's crash handlers (Swift's
        // backtracer would print a report for a crash we expect and handle).
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        for (int sig : {SIGSEGV, SIGFPE, SIGBUS, SIGILL, SIGABRT, SIGTRAP}) signal(sig, SIG_DFL);
        int code = 0;
        try {
            phases();
        } catch (...) {
            code = 1;
        }
        _exit(code);  // no atexit handlers or stdio flushes of the parent's state
    }
    // Checking and inferring even large models takes seconds; a child still busy after
    // this long is looping on a pathological model, which must not hang the caller.
    const int limit_s = 300;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
    int status = 0;
    for (int wait_us = 50;; wait_us = std::min(wait_us * 2, 20000)) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) return;  // e.g. SIGCHLD ignored by the host: cannot tell
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            throw Error("libonnx did not finish checking and inferring shapes within " + std::to_string(limit_s) +
                        " seconds");
        }
        usleep(static_cast<useconds_t>(wait_us));
    }
    if (WIFSIGNALED(status))
        throw Error(std::string("libonnx crashed (") + strsignal(WTERMSIG(status)) +
                    ") while checking or inferring shapes: the model is malformed in a way libonnx "
                    "does not validate (e.g. an out-of-range attribute such as an axis)");
}

void build_views(mcc_onnx_model &model);

// A subgraph wrapped as a model of its own: same IR version, opsets and directory. The
// copy costs the subgraph's size once; subgraphs are small next to the main graph.
std::unique_ptr<mcc_onnx_model> subgraph_view(const mcc_onnx_model &parent, const GraphProto &g) {
    auto sub = std::make_unique<mcc_onnx_model>();
    sub->proto.set_ir_version(parent.proto.ir_version());
    *sub->proto.mutable_opset_import() = parent.proto.opset_import();
    *sub->proto.mutable_graph() = g;
    sub->dir = parent.dir;
    build_views(*sub);
    return sub;
}

void build_views(mcc_onnx_model &model) {
    const GraphProto &g = model.proto.graph();
    std::unordered_set<std::string> initializers;
    for (const auto &t : g.initializer()) {
        initializers.insert(t.name());
        auto view = std::make_unique<mcc_onnx_tensor>();
        view->proto = &t;
        view->dir = model.dir;
        model.initializers.push_back(std::move(view));
    }
    for (const auto &v : g.input())
        if (!initializers.count(v.name())) model.inputs.push_back(&v);
    model.attr_tensors.resize(g.node_size());
    model.attr_graphs.resize(g.node_size());
    for (int n = 0; n < g.node_size(); ++n)
        for (const auto &attr : g.node(n).attribute()) {
            std::vector<std::unique_ptr<mcc_onnx_model>> graphs;
            if (attr.type() == onnx::AttributeProto::GRAPH && attr.has_g()) graphs.push_back(subgraph_view(model, attr.g()));
            if (attr.type() == onnx::AttributeProto::GRAPHS)
                for (const auto &sub : attr.graphs()) graphs.push_back(subgraph_view(model, sub));
            model.attr_graphs[n].push_back(std::move(graphs));
            std::unique_ptr<mcc_onnx_tensor> view;
            if (attr.type() == onnx::AttributeProto::TENSOR && attr.has_t()) {
                view = std::make_unique<mcc_onnx_tensor>();
                view->proto = &attr.t();
                view->dir = model.dir;
            }
            model.attr_tensors[n].push_back(std::move(view));
        }
}

}  // namespace

std::string mcc_onnx::describe_node(const NodeProto &node, int64_t index) {
    std::string op = node.op_type().empty() ? "no op type" : node.op_type();
    if (node.name().empty()) return "node #" + std::to_string(index) + " (" + op + ")";
    return "node '" + node.name() + "' (" + op + ")";
}

extern "C" mcc_onnx_model *mcc_onnx_load(const char *path, int target_opset, char **error) {
    try {
        if (!path) throw Error("no path given");
        auto model = std::make_unique<mcc_onnx_model>();
        model->dir = directory_of(path);
        ModelProto &m = model->proto;
        {
            std::string bytes = read_file(path, MCC_ONNX_MAX_FILE_BYTES);
            if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
                throw Error("not a valid ONNX model: the protobuf data is truncated or corrupt");
        }
        if (!m.has_ir_version() || m.ir_version() == 0)
            throw Error("no IR version set: not an ONNX model");
        if (m.ir_version() < 3 || m.ir_version() > onnx::Version::IR_VERSION)
            throw Error("IR version " + std::to_string(m.ir_version()) + " is not supported (supported: 3 to " +
                        std::to_string(onnx::Version::IR_VERSION) + ")");
        if (!m.has_graph()) throw Error("the model has no graph");
        structural_checks(m, model->dir, model->warnings);
        auto phases = [&] { libonnx_phases(m, model->dir, target_opset, model->warnings); };
        {
            std::lock_guard<std::mutex> lock(libonnx_mutex());
            probe_in_child(phases);
            phases();
        }
        build_views(*model);
        return model.release();
    } catch (const std::exception &e) {
        set_error(error, e.what());
    } catch (...) {
        set_error(error, "unknown error while loading an ONNX model");
    }
    return nullptr;
}

extern "C" void mcc_onnx_free(mcc_onnx_model *model) { delete model; }
