import MIR

/// Reverse-mode differentiation supplied by the caller (mcc passes MPasses' `Autodiff`, which
/// MInterop does not depend on): appends to `function` the gradient of sum(result `loss`)
/// with respect to the given argument indices and returns them by index (absent: the loss
/// does not depend on that argument).
public typealias ONNXDifferentiator = (_ function: Function, _ module: Module, _ loss: String,
                                       _ arguments: Set<Int>) throws -> [Int: ValueID]

/// One `Gradient` node (ai.onnx.preview.training): its outputs are d sum(y) / d xs[i].
struct GradientRequest {
    var y: ValueID
    var arguments: [Int]
    var outputs: [String]
}

extension ONNXImporter {
    /// Records a Gradient node. Its outputs are computed once the whole graph is imported
    /// (`differentiatePending`), so they may only be graph outputs: autodiff appends to the
    /// function and may renumber its values, which no later node may depend on.
    mutating func gradient(_ n: ONNXNode) throws(NodeError) {
        guard differentiate != nil else { throw .unsupported("no autodiff is available to this importer") }
        guard let xs = n.attributes["xs"]?.stringsValue, let yName = n.attributes["y"]?.stringValue else {
            throw NodeError("Gradient needs the attributes 'xs' (strings) and 'y' (string)")
        }
        let zs = n.attributes["zs"]?.stringsValue ?? []
        guard n.inputs == xs + zs else {
            throw .unsupported("inputs \(n.inputs) that are not the values named by xs and zs (\(xs + zs)); mcc differentiates the graph as it is fed")
        }
        guard n.outputs.count == xs.count else { throw NodeError("\(n.outputs.count) outputs for \(xs.count) xs") }
        guard case .tensor(let y)? = values[yName] else {
            throw .unsupported("y '\(yName)' is not a run-time tensor computed before this node")
        }
        var arguments: [Int] = []
        for x in xs {
            guard let i = function.arguments.firstIndex(where: { $0.name == x }) else {
                throw .unsupported("x '\(x)' is not a graph input (mcc differentiates with respect to graph inputs)")
            }
            guard function.arguments[i].type.dtype.isFloat else { throw NodeError("x '\(x)' is not a float tensor") }
            arguments.append(i)
        }
        guard function.type(of: y).dtype.isFloat else { throw NodeError("y '\(yName)' is not a float tensor") }
        gradientRequests.append(GradientRequest(y: y, arguments: arguments, outputs: n.outputs))
        for (j, name) in n.outputs.enumerated() where !name.isEmpty {
            pendingGradients[name] = (gradientRequests.count - 1, j)
        }
    }

    /// Differentiates every recorded Gradient node. `function.results` holds the graph's
    /// other outputs; gradients are appended under hidden names, which `run` then maps to
    /// the graph outputs (values are looked up by result name, as autodiff may renumber).
    mutating func differentiatePending() throws(ONNXImportError) {
        guard let differentiate, !gradientRequests.isEmpty else { return }
        let requests = gradientRequests
        for (k, r) in requests.enumerated() { function.results.append(FunctionOutput(name: "onnx.gradient.\(k).y", value: r.y)) }
        for (k, r) in requests.enumerated() {
            let grads: [Int: ValueID]
            do { grads = try differentiate(function, module, "onnx.gradient.\(k).y", Set(r.arguments)) } catch {
                throw ONNXImportError(["ONNX op 'Gradient' with outputs \(r.outputs): \(error)"])
            }
            for (j, i) in r.arguments.enumerated() {
                var g = grads[i]
                if g == nil {
                    // y does not depend on this x: its gradient is zero.
                    let t = function.arguments[i].type
                    do {
                        let zero = try tensor(.constant(.scalar(0, t.dtype)))
                        g = try emit(.expand, [zero], explicit: t)
                    } catch { throw ONNXImportError(["ONNX op 'Gradient': \(error.message)"]) }
                }
                function.results.append(FunctionOutput(name: "onnx.gradient.\(k).\(j)", value: g!))
            }
        }
    }
}
