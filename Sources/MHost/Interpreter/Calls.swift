import Foundation
import MFrontend
import MIR

/// Calls: funcs, models, metamodels, layers, loss functions and the built-in functions.
extension Interpreter {
    func call(_ callee: Expr, _ arguments: [Argument], at range: SourceRange) throws(RunFailure) -> Value {
        var args = Arguments(callee: "", values: [], range: range)
        for a in arguments { args.values.append((a.label?.name, try evaluate(a.value), a.value.range)) }
        if case .member(let base, let name) = callee.kind {
            args.callee = name.name
            return try method(evaluate(base), name, args)
        }
        if case .identifier(let name) = callee.kind {
            args.callee = name
            if frame[name] == nil {
                if functions[name] != nil { return try callFunction(name, args.values.map { ($0.label, $0.value) }, at: range) }
                if program.isMetamodel(name) {
                    // Hyperparameters are compile-time values: pass the evaluated arguments as literals.
                    var literals: [Argument] = []
                    for (a, v) in zip(arguments, args.values) {
                        guard let e = literalExpr(v.value, at: a.value.range) else {
                            throw RunFailure("'\(name)': a hyperparameter must be a number, String, Bool or tuple, got \(v.value.typeName)", at: a.value.range)
                        }
                        literals.append(Argument(label: a.label, value: e, range: a.range))
                    }
                    guard let m = program.instantiate(metamodel: name, arguments: literals, at: range) else {
                        throw RunFailure(renderedDiagnostics() ?? "cannot instantiate '\(name)'", at: range)
                    }
                    return .model(ModelRef(model: m, context: context))
                }
                if !program.isModel(name), let v = try builtin(name, args) { return v }
            }
        }
        return try callValue(evaluate(callee), args)
    }

    /// Diagnostics the front end emitted while lowering on demand (a metamodel instantiated at run time).
    func renderedDiagnostics() -> String? {
        let text = program.diagnostics.render()
        return text.isEmpty ? nil : text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func callValue(_ v: Value, _ args: Arguments) throws(RunFailure) -> Value {
        switch v {
        case .function(let name):
            return try callFunction(name, args.values.map { ($0.label, $0.value) }, at: args.range)
        case .modelType(let name):
            guard args.values.isEmpty else {
                throw RunFailure("'\(name)(...)' with inputs needs an instance: 'net = \(name)()' then 'net(x)'", at: args.range)
            }
            guard let m = program.model(named: name) else { throw RunFailure(renderedDiagnostics() ?? "cannot lower model '\(name)'", at: args.range) }
            return .model(ModelRef(model: m, context: context))
        case .model(let m):
            let inputs = try args.values.map { (a) throws(RunFailure) -> HostTensor in
                guard let t = try tensor(a.value) else { throw RunFailure("model '\(m.name)' takes tensors, got \(a.value.typeName)", at: a.range) }
                return t
            }
            return .forward(ForwardResult(model: m, inputs: inputs))
        case .lossFunction(let loss):
            let given = args.positional
            guard given.count == 2 else { throw RunFailure("a loss function takes (predictions, targets)", at: args.range) }
            guard case .forward(let f) = given[0] else {
                throw RunFailure("\(loss.name) needs the outputs of a model call (outputs = model(batch.x)) to train it; got \(given[0].typeName)", at: args.range)
            }
            guard let target = try tensor(given[1]) else { throw RunFailure("\(loss.name): targets must be a tensor, got \(given[1].typeName)", at: args.range) }
            return .loss(LossResult(model: f.model, inputs: f.inputs, target: target, function: loss))
        default:
            throw RunFailure("\(v.typeName) cannot be called", at: args.range)
        }
    }

    /// A value as a host tensor (a computed forward result's first output), or nil.
    func tensor(_ v: Value) throws(RunFailure) -> HostTensor? {
        switch v {
        case .tensor(let t): return t
        case .forward(let f): return try f.outputs().first
        default: return nil
        }
    }

    /// The built-in functions; nil when `name` is not one.
    func builtin(_ name: String, _ a: Arguments) throws(RunFailure) -> Value? {
        switch name {
        case "print":
            context.progress.line(a.values.map { $0.value.description }.joined(separator: " "))
            return Value.none
        case "len":
            let (v, r) = try a.required("x", 0)
            switch v {
            case .list(let items), .tuple(let items): return .int(items.count)
            case .string(let s): return .int(s.count)
            case .dataset(let d): return .int(d.dataset.count)
            case .tensor(let t): return .int(t.shape.first ?? 1)
            case .metrics(let m): return .int(m.values.count)
            default: throw RunFailure("len() of \(v.typeName)", at: r)
            }
        case "str": return .string(try a.required("x", 0).0.description)
        case "range":
            let first = try a.int("start", 0) ?? 0
            let second = try a.int("stop", 1)
            let step = try a.int("step", 2) ?? 1
            guard step != 0 else { throw RunFailure("range() step must not be zero", at: a.range) }
            let (lo, hi) = second.map { (first, $0) } ?? (0, first)
            guard (hi - lo) / step <= 100_000_000 else { throw RunFailure("range() of more than 100,000,000 numbers", at: a.range) }
            return .list(Array(stride(from: lo, to: hi, by: step)).map { .int($0) })
        case "round":
            let x = try a.double("x", 0) ?? 0, digits = try a.int("digits", 1) ?? 0
            let scale = pow(10.0, Double(digits))
            return .float((x * scale).rounded() / scale)
        case "format":
            return .string(formatFixed(try a.double("x", 0) ?? 0, digits: try a.int("digits", 1) ?? 4))
        case "load_csv":
            let path = try resolvePath(a.string("path", 0) ?? "")
            let label = try a.string("label", 1), columns = try a.strings("columns", 2)
            return .dataset(DatasetBox(try data { () throws(DataError) in try CSVLoader.load(path: path, label: label, columns: columns) }))
        case "load_npz":
            let path = try resolvePath(a.string("path", 0) ?? "")
            let features = try a.string("features", 1) ?? "x", label = try a.string("label", 2) ?? "y"
            return .dataset(DatasetBox(try data { () throws(DataError) in try NumpyLoader.loadNPZ(path: path, features: features, label: label) }))
        case "load_npy":
            let path = try resolvePath(a.string("path", 0) ?? "")
            let labels = try a.string("labels", 1).map(resolvePath)
            return .dataset(DatasetBox(try data { () throws(DataError) in try NumpyLoader.loadNPY(path: path, labels: labels) }))
        case "load_images":
            let folder = try resolvePath(a.string("folder", 0) ?? "")
            let gray = try a.bool("grayscale", 1)
            return .dataset(DatasetBox(try data { () throws(DataError) in try ImageFolderLoader.load(folder: folder, grayscale: gray) }))
        case "Adam", "AdamW", "SGD":
            return .optimizer(try makeOptimizer(name, a))
        case "CrossEntropyLoss", "MSELoss", "L1Loss", "BCELoss", "HuberLoss", "NLLLoss":
            return .lossFunction(try makeLoss(name, a))
        case "evaluate":
            let m = try a.model("model", 0)
            return .metrics(try evaluateModel(m, a.dataset("data", 1).dataset, metrics: a.strings("metrics", 2), at: a.range))
        case "naive_forecast":
            return .metrics(try naiveForecast(a.dataset("data", 0).dataset, metrics: a.strings("metrics", 1), at: a.range))
        case "fineTuneModel":
            return .model(try fineTune(a))
        case "Engine":
            if let device = try a.string("device", 0), device.uppercased() != "CPU" {
                throw RunFailure("device \"\(device)\" is not available: mcc run executes on the CPU", at: a.range)
            }
            return .engine(EngineBox())
        default:
            if LayerNames.contains(name) {
                return .layer(LayerValue(kind: name, arguments: a.values.map { ($0.label, $0.value) }))
            }
            if ["Model", "Optimizer", "Loss", "Metric", "Pruning", "Quantization", "Fusion", "loadModelFromUrl", "load_dataset",
                "defineHyperparamSpace", "choice", "uniform", "loguniform", "randint", "autoTuneModel"].contains(name) {
                throw RunFailure("'\(name)' is checked by mcc check but cannot run yet under mcc run (it comes with a later issue)", at: a.range)
            }
            return nil
        }
    }

    /// Runs a loader, turning its error into a failure at the call.
    func data<T>(_ body: () throws(DataError) -> T) throws(RunFailure) -> T {
        do { return try body() } catch { throw RunFailure(error.message) }
    }

    func makeOptimizer(_ name: String, _ a: Arguments) throws(RunFailure) -> TrainingOptimizer {
        let (p, r) = try a.required("params", 0)
        guard case .parameters(let model) = p else {
            throw RunFailure("'\(name)' takes the model's parameters: \(name)(model.parameters(), lr = ...)", at: r)
        }
        let kind: OptimizerSettings.Kind = name == "SGD" ? .sgd : (name == "AdamW" ? .adamW : .adam)
        var s = OptimizerSettings(kind: kind, learningRate: try a.double("lr", 1) ?? (kind == .sgd ? 0.01 : 0.001))
        s.momentum = try a.double("momentum") ?? 0
        s.nesterov = try a.bool("nesterov") ?? false
        s.weightDecay = try a.double("weight_decay") ?? (kind == .adamW ? 0.01 : 0)
        s.beta1 = try a.double("beta1") ?? 0.9
        s.beta2 = try a.double("beta2") ?? 0.999
        s.epsilon = try a.double("eps") ?? 1e-8
        s.warmupSteps = try a.int("warmup") ?? 0
        s.clipNorm = try a.double("clip_norm") ?? 0
        if s.nesterov && s.momentum <= 0 { throw RunFailure("'SGD': nesterov = true needs momentum > 0", at: a.range) }
        switch try a.string("schedule") ?? "constant" {
        case "step":
            guard let every = try a.int("step_size") else { throw RunFailure("schedule = \"step\" needs step_size = N", at: a.range) }
            s.schedule = .step(every: every, gamma: try a.double("gamma") ?? 0.1)
        case "cosine":
            guard let total = try a.int("total_steps") else { throw RunFailure("schedule = \"cosine\" needs total_steps = N", at: a.range) }
            s.schedule = .cosine(totalSteps: total, minLR: try a.double("min_lr") ?? 0)
        default: s.schedule = .constant
        }
        let optimizer = TrainingOptimizer(settings: s, model: model)
        model.optimizer = optimizer
        return optimizer
    }

    func makeLoss(_ name: String, _ a: Arguments) throws(RunFailure) -> LossFunction {
        let sum = try a.string("reduction") == "sum"
        switch name {
        case "CrossEntropyLoss":
            let smoothing = try a.double("label_smoothing") ?? 0
            guard smoothing >= 0 && smoothing < 1 else { throw RunFailure("label_smoothing must be in [0, 1), got \(smoothing)", at: a.range) }
            return LossFunction(kind: .crossEntropy(labelSmoothing: smoothing), sum: sum, name: name)
        case "BCELoss": return LossFunction(kind: .binaryCrossEntropy(fromLogits: try a.bool("from_logits") ?? false), sum: sum, name: name)
        case "HuberLoss": return LossFunction(kind: .huber(delta: try a.double("delta") ?? 1), sum: sum, name: name)
        case "MSELoss": return LossFunction(kind: .mse, sum: sum, name: name)
        case "L1Loss": return LossFunction(kind: .l1, sum: sum, name: name)
        default:
            throw RunFailure("NLLLoss expects log-probabilities, which mcc run does not train; use CrossEntropyLoss on the logits", at: a.range)
        }
    }
}

/// Layer names usable as values in host code (fine-tuning heads).
let LayerNames: Set<String> = ["Dense", "Linear", "Conv1D", "Conv2D", "Dropout", "BatchNorm", "LayerNorm", "LSTM", "GRU", "Flatten",
                               "ReLU", "Softmax", "Sigmoid", "Tanh", "GELU", "Identity", "Embedding", "MaxPooling2D", "AveragePooling2D",
                               "GlobalAveragePooling2D", "Activation", "Normalize", "Reshape"]

/// A host value as an M literal expression (metamodel arguments), or nil for runtime objects.
func literalExpr(_ v: Value, at range: SourceRange) -> Expr? {
    switch v {
    case .int(let i): return i >= 0 ? Expr(.int(i), range: range) : Expr(.unary(op: .negate, operand: Expr(.int(-i), range: range)), range: range)
    case .float(let d): return d >= 0 ? Expr(.float(d), range: range) : Expr(.unary(op: .negate, operand: Expr(.float(-d), range: range)), range: range)
    case .bool(let b): return Expr(.bool(b), range: range)
    case .string(let s): return Expr(.string(s), range: range)
    case .tuple(let items):
        let parts = items.compactMap { literalExpr($0, at: range) }
        return parts.count == items.count ? Expr(.tuple(parts), range: range) : nil
    case .list(let items):
        let parts = items.compactMap { literalExpr($0, at: range) }
        return parts.count == items.count ? Expr(.list(parts), range: range) : nil
    default: return nil
    }
}
