import MIR

/// Why training functions could not be added (names the function, op or parameter).
public struct TrainingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Parameter roles in training. State parameters are updated by training-mode forward
/// passes instead of by gradients: BatchNorm running statistics, named `*.running_mean` and
/// `*.running_var` by the M front end (PyTorch's names; `running_mean`/`running_var` alone
/// too). Compiler constants (`constN`, `mcc.constN`) are neither trained nor state.
public enum TrainingRoles {
    public static func isState(_ name: String) -> Bool {
        for suffix in ["running_mean", "running_var"] where name == suffix || name.hasSuffix("." + suffix) { return true }
        return false
    }
    public static func isConstant(_ name: String) -> Bool { ConstantPool.isConstant(name) }
    /// Float, not state, not a constant: what `isTrainable` may further restrict.
    public static func mayTrain(_ p: Parameter) -> Bool { p.type.dtype.isFloat && !isState(p.name) && !isConstant(p.name) }
}

/// Adds `<F>.train` and `<F>.loss` to the module, next to forward function `<F>` (see
/// docs/training.md, "Autodiff"). `output` picks the forward result the loss reads (default:
/// the first). Trainable = float parameters that are neither state nor constants and for
/// which `isTrainable` holds. With `inputGradients` (a test hook), `<F>.train` also returns
/// `grad_input.<name>` for every float forward input, after the parameter gradients.
@discardableResult
public func addTrainingFunctions(to module: Module, forward: String, output: String? = nil, loss: LossSpec,
                                 isTrainable: (String) -> Bool = { _ in true },
                                 inputGradients: Bool = false) throws -> (train: Function, loss: Function) {
    guard let f = module.function(named: forward) else { throw TrainingError("no function named '\(forward)'") }
    for suffix in [".train", ".loss"] where module.function(named: forward + suffix) != nil {
        throw TrainingError("the module already has a function '\(forward + suffix)'")
    }
    guard let chosen = output.map({ name in f.results.first { $0.name == name } }) ?? f.results.first else {
        throw TrainingError("@\(forward) has no result named '\(output ?? "")' (results: \(f.results.map(\.name).joined(separator: ", ")))")
    }
    let pool = ConstantPool(module: module)
    let outputType = f.type(of: chosen.value)
    guard outputType.dtype.isFloat else { throw TrainingError("the loss needs a float output, but '\(chosen.name)' is \(outputType)") }
    let targetInput = FunctionInput(name: "target", type: loss.targetType(for: outputType))
    for name in ["target", "seed"] where f.arguments.contains(where: { $0.name == name }) {
        throw TrainingError("@\(forward) already has an input named '\(name)'; training functions add one")
    }

    // <F>.loss: the inference forward pass and the loss.
    let lossFn = Function(name: forward + ".loss", arguments: f.arguments + [targetInput])
    do {
        let map = try copyOps(of: f, into: lossFn)
        let b = GradientBuilder(f: lossFn, pool: pool)
        let value = try loss.build(prediction: map[chosen.value.raw], target: lossFn.argument(f.arguments.count), b)
        lossFn.results = [FunctionOutput(name: "loss", value: value)] + f.results.map { FunctionOutput(name: "out." + $0.name, value: map[$0.value.raw]) }
    } catch let e as AutodiffError { throw TrainingError("@\(lossFn.name): \(e)") }

    // <F>.train: the training-mode forward pass, the loss, its gradients and the new state.
    let seedInput = FunctionInput(name: "seed", type: TensorType(.i64, static: [1]))
    let train = Function(name: forward + ".train", arguments: f.arguments + [targetInput, seedInput])
    var state = TrainingState(seed: train.argument(f.arguments.count + 1))
    do {
        let map = try copyOps(of: f, into: train) { op in try trainingForm(of: op, in: train, state: &state, pool: pool) }
        let b = GradientBuilder(f: train, pool: pool)
        let value = try loss.build(prediction: map[chosen.value.raw], target: train.argument(f.arguments.count), b)
        train.results = [FunctionOutput(name: "loss", value: value)]
            + state.updates.map { FunctionOutput(name: "state." + $0.name, value: $0.value) }
            + f.results.map { FunctionOutput(name: "out." + $0.name, value: map[$0.value.raw]) }
        let read = Set(train.ops.compactMap { $0.kind == .param ? $0.attributes["name"]?.stringValue : nil })
        let trainable = module.parameters.filter { TrainingRoles.mayTrain($0) && read.contains($0.name) && isTrainable($0.name) }
        let inputs = inputGradients ? Set(f.arguments.indices.filter { f.arguments[$0].type.dtype.isFloat }) : []
        let grads = try Autodiff.differentiate(train, in: module, loss: "loss", parameters: Set(trainable.map(\.name)), arguments: inputs)
        let gradResults = trainable.compactMap { p in grads.parameters[p.name].map { FunctionOutput(name: "grad." + p.name, value: $0) } }
            + f.arguments.indices.compactMap { i in grads.arguments[i].map { FunctionOutput(name: "grad_input." + f.arguments[i].name, value: $0) } }
        train.results.insert(contentsOf: gradResults, at: 1)
    } catch let e as AutodiffError { throw TrainingError("@\(train.name): \(e)") }

    module.functions += [train, lossFn]
    for fn in [train, lossFn] {
        do { try fn.verify(in: module) } catch { throw TrainingError("internal error: \(error)") }
    }
    return (train, lossFn)
}

/// Bookkeeping of the training-mode rewrite: the seed argument, how many dropout ops were
/// seeded so far, and the new values of state parameters.
struct TrainingState {
    var seed: ValueID
    var dropouts = 0
    var updates: [(name: String, value: ValueID)] = []
}

/// Copies `f`'s ops into `g` (whose first arguments are `f`'s) and returns the value map.
/// `rewrite` may replace an op by the value it returns (after appending ops to `g`).
func copyOps(of f: Function, into g: Function, rewrite: ((Operation) throws -> ValueID?)? = nil) throws -> [ValueID] {
    var map = (0..<f.valueCount).map { ValueID($0) }
    for var op in f.ops {
        op.operands = op.operands.map { map[$0.raw] }
        if let rewrite, let replaced = try rewrite(op) {
            map[op.result.raw] = replaced
        } else {
            map[op.result.raw] = g.appendUnchecked(op.kind, op.operands, attributes: op.attributes, type: f.type(of: op.result), location: op.location)
        }
    }
    return map
}
