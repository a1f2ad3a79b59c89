import MIR

/// One bound argument of a host call.
struct BoundArgument {
    var type: MType
    var expr: Expr
    /// The value when the argument is a literal (for choices, ranges, names).
    var literal: ConstValue?
}

/// Calls in host code: built-in functions and methods (checked against `Builtins`), funcs,
/// model application, metamodel instantiation and layer values.
extension HostChecker {
    func typeOfCall(_ callee: Expr, _ args: [Argument], at range: SourceRange) -> MType {
        if case .member(let base, let name) = callee.kind {
            return methodCall(base, typeOf(base), name, args, at: range)
        }
        guard case .identifier(let name) = callee.kind else { return callValue(typeOf(callee), args, at: range) }
        if bindings[name] != nil || funcTypes[name] != nil { return callValue(typeOfName(name, at: callee.range), args, at: range, name: name) }
        if name == "Optimizer" { return optimizerCall(args, at: range) }
        if let signature = Builtins.functions[name] {
            guard let bound = bind(args, to: signature, callee: name, at: range) else { return signature.result }
            return builtinResult(name, signature, bound, args, at: range)
        }
        if let kind = LayerKind(name: name) { return layerValue(kind, name, args, at: range) }
        switch program.symbols[name] {
        case .model?, .onnx?: return callValue(typeOfName(name, at: callee.range), args, at: range)
        case .metamodel(let meta)?: return instantiate(meta, args, at: range)
        case .function?, nil: break
        }
        if Program.composers.contains(name) {
            diags.error("'\(name)' composes models in a declaration: 'model Name = \(name)(...)'", at: callee.range)
            for a in args { _ = typeOf(a.value) }
            return .unknown
        }
        let candidates = Array(bindings.keys) + Array(funcTypes.keys) + program.modelNames + Array(Builtins.functions.keys) + LayerKind.allNames
        diags.error("unknown function '\(name)'\(suggestion(for: name, among: candidates))", at: callee.range)
        for a in args { _ = typeOf(a.value) }
        return .unknown
    }

    /// Calls a value: a model (forward), a func, a loss function.
    func callValue(_ t: MType, _ args: [Argument], at range: SourceRange, name: String = "func") -> MType {
        switch t {
        case .model(let m):
            if args.isEmpty { return t }
            let types = args.map { typeOf($0.value) }
            guard let m else { return .unknown }
            return callModel(m, args, types, at: range)
        case .function(let f):
            let signature = BuiltinSignature(params: f.params.map { HostParam($0.name, $0.type, required: !$0.hasDefault) }, result: f.result)
            _ = bind(args, to: signature, callee: name, at: range)
            return f.result
        case .object(.lossFunction):
            let types = args.map { typeOf($0.value) }
            guard types.count == 2, args.allSatisfy({ $0.label == nil }) else {
                diags.error("a loss function takes (predictions, targets), got \(types.count) argument\(types.count == 1 ? "" : "s")", at: range)
                return .unknown
            }
            for (a, t) in zip(args, types) where !MType.tensor(nil).accepts(t) {
                diags.error("a loss function takes tensors, got \(t.description)", at: a.value.range)
            }
            return .tensor(TensorType(.f32, []))
        case .unknown:
            for a in args { _ = typeOf(a.value) }
            return .unknown
        default:
            for a in args { _ = typeOf(a.value) }
            diags.error("\(t.description) cannot be called", at: range); return .unknown
        }
    }

    /// `model(x)`: the inputs' shapes unify with the signature; the result is the outputs' types.
    func callModel(_ m: ModelType, _ args: [Argument], _ types: [MType], at range: SourceRange) -> MType {
        if let label = args.first(where: { $0.label != nil })?.label {
            diags.error("model '\(m.name)' takes its inputs by position, not '\(label.name) ='", at: label.range); return .unknown
        }
        guard args.count == m.inputs.count else {
            diags.error("model '\(m.name)' takes \(m.inputs.count) input\(m.inputs.count == 1 ? "" : "s") (\(m.inputs.map(\.name).joined(separator: ", "))), got \(args.count)", at: range)
            return .unknown
        }
        var symbols: [String: Dim] = [:]
        for ((input, arg), t) in zip(zip(m.inputs, args), types) {
            guard case .tensor(let actual) = t else {
                if !t.isUnknown { diags.error("model '\(m.name)' input '\(input.name)' must be a tensor, got \(t.description)", at: arg.value.range) }
                continue
            }
            guard let actual else { continue }
            let fail = "model '\(m.name)' expects input '\(input.name)' of type \(input.type), got \(actual)"
            guard actual.dtype == input.type.dtype, actual.rank == input.type.rank else { diags.error(fail, at: arg.value.range); return .unknown }
            for (d, a) in zip(input.type.shape, actual.shape) {
                if case .symbol(let s) = d, symbols[s] == nil { symbols[s] = a; continue }
                let expected = d.substituting(symbols)
                if expected != a && expected.isStatic && a.isStatic { diags.error(fail, at: arg.value.range); return .unknown }
            }
        }
        let outs = m.outputs.map { MType.tensor(TensorType($0.type.dtype, $0.type.shape.map { $0.substituting(symbols) })) }
        return outs.count == 1 ? outs[0] : .tuple(outs)
    }

    /// Binds arguments to a signature with a diagnostic per problem; nil when binding failed.
    func bind(_ args: [Argument], to signature: BuiltinSignature, callee: String, at range: SourceRange) -> [String: BoundArgument]? {
        var bound: [String: BoundArgument] = [:]
        var ok = true
        var positional = 0
        for arg in args {
            let t = typeOf(arg.value)
            let literal = try? ConstEvaluator(lookup: { _ in nil }).evaluate(arg.value).get()
            let param: HostParam
            if let label = arg.label {
                if let p = signature.params.first(where: { $0.name == label.name }) {
                    param = p
                } else if let any = signature.anyKeywords {
                    param = HostParam(label.name, any)
                } else {
                    let names = signature.params.map(\.name)
                    diags.error("'\(callee)' has no argument '\(label.name)'\(suggestion(for: label.name, among: names))\(names.isEmpty ? " (it takes none)" : " (it takes \(names.joined(separator: ", ")))")",
                                at: label.range)
                    ok = false; continue
                }
            } else if positional < signature.params.count {
                param = signature.params[positional]; positional += 1
            } else if let variadic = signature.variadic {
                param = HostParam("#\(positional)", variadic); positional += 1
            } else {
                diags.error("'\(callee)' takes at most \(signature.params.count) argument\(signature.params.count == 1 ? "" : "s"), got more", at: arg.range)
                ok = false; continue
            }
            if bound[param.name] != nil { diags.error("'\(callee)': argument '\(param.name)' is given twice", at: arg.range); ok = false; continue }
            if !param.type.accepts(t) {
                diags.error("'\(callee)': argument '\(param.name)' must be \(param.type.description), got \(t.description)", at: arg.value.range)
                ok = false; continue
            }
            if let literal, !checkLiteral(literal, param, callee: callee, at: arg.value.range) { ok = false; continue }
            bound[param.name] = BoundArgument(type: t, expr: arg.value, literal: literal)
        }
        for p in signature.params where p.required && bound[p.name] == nil && ok {
            diags.error("'\(callee)' is missing its argument '\(p.name)' (\(p.type.description))", at: range); ok = false
        }
        return ok ? bound : nil
    }

    /// Choices and numeric ranges of literal arguments (`percentage = 1.5`, `goal = "sped"`).
    private func checkLiteral(_ v: ConstValue, _ p: HostParam, callee: String, at range: SourceRange) -> Bool {
        if let choices = p.choices {
            let text = v.stringValue ?? v.description
            if !choices.contains(text) {
                let hint = v.stringValue != nil ? suggestion(for: text, among: choices) : ""
                diags.error("'\(callee)': \(p.name) \(v) is not one of \(choices.map { v.stringValue != nil ? "\"\($0)\"" : $0 }.joined(separator: ", "))\(hint)", at: range)
                return false
            }
        }
        if let r = p.range, let d = v.doubleValue {
            let inside = r.inclusive ? (d >= r.low && d <= r.high) : (d > r.low && d < r.high)
            if !inside {
                let bounds = r.high.isInfinite ? "greater than \(formatFloat(r.low))" : "between \(formatFloat(r.low)) and \(formatFloat(r.high)) (exclusive)"
                diags.error("'\(callee)': \(p.name) must be \(bounds), got \(v)", at: range); return false
            }
        }
        return true
    }

    private func optimizerCall(_ args: [Argument], at range: SourceRange) -> MType {
        // `Optimizer()` starts an optimization pipeline; `Optimizer("adam", learning_rate = ...)` names a training optimizer.
        if args.isEmpty { return .object(.modelOptimizer) }
        let signature = BuiltinSignature(params: [HostParam("name", .string, required: true, choices: Builtins.optimizerNames),
                                                  HostParam("learning_rate", .float, range: Builtins.positive),
                                                  HostParam("momentum", .float), HostParam("weight_decay", .float)],
                                         result: .object(.optimizerSpec))
        _ = bind(args, to: signature, callee: "Optimizer", at: range)
        return .object(.optimizerSpec)
    }

    /// A layer in host code (`Dense(5)` as a head, `Conv2D(...)` added to a builder).
    func layerValue(_ kind: LayerKind, _ name: String, _ args: [Argument], at range: SourceRange) -> MType {
        var values: [ConstValue?] = []
        for a in args {
            let t = typeOf(a.value)
            if let v = try? ConstEvaluator(lookup: { _ in nil }).evaluate(a.value).get() { values.append(v); continue }
            switch t {
            case .int: values.append(.unknown(.int))
            case .float: values.append(.unknown(.float))
            case .bool: values.append(.unknown(.bool))
            case .string: values.append(.unknown(.string))
            default: values.append(.unknown(.any))
            }
        }
        guard let bound = bindArguments(args, values: values, to: kind.signature, callee: name, callRange: range, diags: diags) else { return .unknown }
        return .layer(LayerSpec(kind: kind, arguments: bound, range: range))
    }

    /// `MLP(in_features = 64)` in host code: an instance, checked and lowered for its signature.
    func instantiate(_ meta: MetamodelDecl, _ args: [Argument], at range: SourceRange) -> MType {
        var evaluable = true
        for a in args where (try? ConstEvaluator(lookup: { _ in nil }).evaluate(a.value).get()) == nil {
            _ = typeOf(a.value)
            evaluable = false
        }
        guard evaluable else { return .model(nil) }
        guard let spec = program.instantiate(meta, arguments: args, evaluator: ConstEvaluator { _ in nil }, at: range),
              let lowered = program.lowerCached(spec) else { return .unknown }
        return .model(lowered.modelType)
    }
}
