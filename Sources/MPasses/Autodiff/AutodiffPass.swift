import MIR

/// autodiff: for every function with a result named `loss` (and no `grad.*` result yet),
/// appends results `grad.<name>` = d sum(loss) / d name for every float argument and every
/// float parameter it reads (compiler constants excluded) that the loss depends on, in
/// argument order, then module parameter order. Not in the default pipeline: it is the
/// hook for golden and finite-difference tests of the gradient rules; training functions
/// come from `addTrainingFunctions`. Requires: a verified module without fused ops.
public struct AutodiffPass: ModulePass {
    public static let name = "autodiff"
    public static let summary = "Append gradients of the result 'loss' w.r.t. float arguments and parameters"
    public init() {}

    public func run(on module: Module) throws(PassError) {
        for f in module.functions where f.results.contains(where: { $0.name == "loss" }) && !f.results.contains(where: { $0.name.hasPrefix("grad.") }) {
            let params = Set(module.parameters.filter { $0.type.dtype.isFloat && !ConstantPool.isConstant($0.name) }.map(\.name))
            let args = Set(f.arguments.indices)
            let grads: Autodiff.Gradients
            do { grads = try Autodiff.differentiate(f, in: module, loss: "loss", parameters: params, arguments: args) } catch {
                throw PassError(pass: Self.name, message: "\(error)")
            }
            var names = Set(f.results.map(\.name))
            func add(_ name: String, _ v: ValueID) throws(PassError) {
                guard names.insert("grad." + name).inserted else {
                    throw PassError(pass: Self.name, message: "@\(f.name): argument and parameter '\(name)' would both give 'grad.\(name)'")
                }
                f.results.append(FunctionOutput(name: "grad." + name, value: v))
            }
            for i in f.arguments.indices { if let g = grads.arguments[i] { try add(f.arguments[i].name, g) } }
            for p in module.parameters { if let g = grads.parameters[p.name] { try add(p.name, g) } }
        }
    }
}
