import MIR

/// Argument-dependent results and checks of built-in functions and methods: freeze groups,
/// tuned names, devices, builder shapes, optimization techniques.
extension HostChecker {
    func builtinResult(_ name: String, _ signature: BuiltinSignature, _ bound: [String: BoundArgument], _ args: [Argument],
                       at range: SourceRange) -> MType {
        switch name {
        case "Engine":
            if let d = bound["device"], let s = d.literal?.stringValue, !Builtins.isValidDevice(s) {
                diags.error("unknown device \"\(s)\": expected \"CPU\", \"GPU\" or \"GPU:N\"", at: d.expr.range)
            }
        case "defineHyperparamSpace":
            return .space(args.compactMap { $0.label?.name })
        case "uniform", "loguniform":
            if let lo = bound["low"]?.literal?.doubleValue, let hi = bound["high"]?.literal?.doubleValue {
                if lo >= hi { diags.error("'\(name)': low (\(formatFloat(lo))) must be below high (\(formatFloat(hi)))", at: range) }
                if name == "loguniform" && lo <= 0 { diags.error("'loguniform': low must be positive, got \(formatFloat(lo))", at: range) }
            }
        case "fineTuneModel":
            let model: ModelType? = { if case .model(let m)? = bound["model"]?.type { return m }; return nil }()
            if let freeze = bound["freeze"], let group = freeze.literal?.stringValue {
                var groups = ["backbone", "head", "all", "none"]
                if let model { groups += model.layers }
                if !groups.contains(group) {
                    diags.error("no layer group '\(group)' to freeze\(suggestion(for: group, among: groups)) (groups: \(groups.joined(separator: ", ")))", at: freeze.expr.range)
                }
            }
            if let head = bound["head"] {
                switch head.type {
                case .layer, .model, .unknown: return .model(nil)
                default: diags.error("'fineTuneModel': head must be a layer or a model, got \(head.type.description)", at: head.expr.range)
                }
            }
            return bound["model"]?.type ?? .model(nil)
        case "autoTuneModel":
            let model: ModelType? = { if case .model(let m)? = bound["model"]?.type { return m }; return nil }()
            var knobs = ["lr", "learning_rate", "batch_size", "epochs", "weight_decay", "momentum", "dropout"]
            if let model { knobs += model.hyperparameters }
            if case .function(let f)? = bound["train"]?.type {
                knobs += f.params.map(\.name)
                if let first = f.params.first, !first.type.accepts(.model(model)) {
                    diags.error("'autoTuneModel': train's first parameter takes \(first.type.description), but the tuned model is \(MType.model(model).description)", at: bound["train"]?.expr.range ?? range)
                }
            } else if let t = bound["train"], !t.type.isUnknown {
                diags.error("'autoTuneModel': train must be a func, got \(t.type.description)", at: t.expr.range)
            }
            if case .space(let names)? = bound["space"]?.type, model != nil {
                for n in names where !knobs.contains(n) {
                    diags.error("the search space tunes '\(n)', which is not a hyperparameter of \(model?.name ?? "the model") nor a training setting\(suggestion(for: n, among: knobs))", at: bound["space"]?.expr.range ?? range)
                }
            }
            return bound["model"]?.type ?? .model(nil)
        default: break
        }
        return signature.result
    }

    func methodCall(_ base: Expr, _ receiver: MType, _ name: Identifier, _ args: [Argument], at range: SourceRange) -> MType {
        if receiver.isUnknown { for a in args { _ = typeOf(a.value) }; return .unknown }
        guard let kind = receiverKind(receiver) else {
            for a in args { _ = typeOf(a.value) }
            diags.error("\(receiver.description) has no method '\(name.name)'", at: name.range); return .unknown
        }
        let table = Builtins.methods[kind] ?? [:]
        guard let signature = table[name.name] else {
            for a in args { _ = typeOf(a.value) }
            diags.error("\(receiver.description) has no method '\(name.name)'\(suggestion(for: name.name, among: Array(table.keys)))", at: name.range)
            return .unknown
        }
        guard let bound = bind(args, to: signature, callee: name.name, at: range) else { return signature.result }
        switch (kind, name.name) {
        case ("Builder", "add"):
            guard case .builder(let current) = receiver, let part = bound["layer"] else { return receiver }
            let next = addToBuilder(current, part, at: range)
            if case .identifier(let n) = base.kind, var b = bindings[n] { b.type = next; bindings[n] = b }
            return next
        case ("Builder", "compile"):
            checkCompile(bound)
            return receiver
        case ("ModelOptimizer", "add"):
            if let t = bound["technique"] {
                switch t.type {
                case .object(.pruning), .object(.quantization), .object(.fusion), .unknown: break
                default: diags.error("an optimization pipeline takes Pruning, Quantization or Fusion, got \(t.type.description)", at: t.expr.range)
                }
            }
            return receiver
        case ("ModelOptimizer", "optimize"):
            return bound["model"]?.type ?? .model(nil)
        case ("Engine", "prepare_data"), ("Engine", "run"):
            if let d = bound["data"] {
                switch d.type {
                case .object(.dataset), .tensor, .unknown: break
                default: diags.error("the engine runs on a Dataset or a tensor, got \(d.type.description)", at: d.expr.range)
                }
            }
            return signature.result
        default:
            return signature.result
        }
    }

    /// The builder's output type after adding a layer or model (shape-checked like a model body).
    private func addToBuilder(_ current: TensorType?, _ part: BoundArgument, at range: SourceRange) -> MType {
        switch part.type {
        case .layer(let spec?):
            var input = current
            if input == nil, let declared = spec.ints("input_shape") {
                input = TensorType(.f32, [.symbol("batch")] + channelsFirst(declared).map { Dim.constant($0) })
            }
            guard let input, !spec.isGeneric else { return .builder(nil) }
            return applyLayerType(spec, to: input, at: part.expr.range).map { .builder($0) } ?? .builder(nil)
        case .model(let m?):
            guard let input = m.inputs.first?.type, m.inputs.count == 1, m.outputs.count == 1 else { return .builder(nil) }
            if let current, !shapesCompatible(input, current) {
                diags.error("model '\(m.name)' expects \(input), but the layers before it give \(current)", at: part.expr.range)
                return .builder(nil)
            }
            return .builder(m.outputs[0].type)
        case .model, .layer, .unknown: return .builder(nil)
        default:
            diags.error("'add' takes a layer or a model, got \(part.type.description)", at: part.expr.range); return .builder(nil)
        }
    }

    /// Applies a layer to a tensor type by lowering it into a scratch function.
    func applyLayerType(_ spec: LayerSpec, to input: TensorType, at range: SourceRange) -> TensorType? {
        let lowerer = Lowerer(program: program, rootName: "Model", arguments: [FunctionInput(name: "x", type: input)])
        let scope = Scope(spec: ModelSpec(name: "Model()", declRange: nil), prefix: "", lowerer: lowerer, isTop: false)
        guard let v = scope.lowerLayer(spec, label: "", path: "layer", inputs: [lowerer.function.argument(0)], at: range) else {
            return nil
        }
        return lowerer.type(v)
    }

    private func checkCompile(_ bound: [String: BoundArgument]) {
        if let o = bound["optimizer"] {
            switch o.type {
            case .object(.optimizerSpec), .unknown: break
            case .string:
                if let s = o.literal?.stringValue, !Builtins.optimizerNames.contains(s) {
                    diags.error("unknown optimizer \"\(s)\"\(suggestion(for: s, among: Builtins.optimizerNames))", at: o.expr.range)
                }
            default: diags.error("'compile': optimizer must be Optimizer(...) or a name like \"adam\", got \(o.type.description)", at: o.expr.range)
            }
        }
        if let l = bound["loss"] {
            switch l.type {
            case .object(.lossSpec), .object(.lossFunction), .unknown: break
            case .string:
                if let s = l.literal?.stringValue, !Builtins.lossNames.contains(s) {
                    diags.error("unknown loss \"\(s)\"\(suggestion(for: s, among: Builtins.lossNames))", at: l.expr.range)
                }
            default: diags.error("'compile': loss must be Loss(...) or a loss name, got \(l.type.description)", at: l.expr.range)
            }
        }
        if let m = bound["metrics"] {
            switch m.type {
            case .list(.object(.metric)), .list(.string), .list(.unknown), .unknown: break
            default: diags.error("'compile': metrics must be a list of Metric(...) or names, got \(m.type.description)", at: m.expr.range)
            }
        }
    }
}
