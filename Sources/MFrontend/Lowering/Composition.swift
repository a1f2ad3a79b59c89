import MIR

/// Something applicable to tensors that a model body binds to a name: a layer, a sub-model
/// (a model, or a metamodel instance), or a composition of them.
indirect enum Component {
    case layer(LayerSpec)
    case model(ModelSpec)
    case sequential([ComponentItem])
    case parallel([ComponentItem], merge: String, axis: Int)
    case imported(ImportedModel)
}

struct ComponentItem {
    var component: Component
    /// The expression that built it, for diagnostics about its use.
    var range: SourceRange
}

enum ComponentResult {
    case component(ComponentItem)
    /// Not a component: the caller treats the expression as a compile-time value.
    case notComponent
    /// An error was reported.
    case failed
}

let mergeModes = ["concat", "add", "mean"]

extension Scope {
    /// Interprets a binding's value: `Dense(128)`, `BasicBlock(64, 128)`, `Digits`,
    /// `sequentialModel(...)`, `parallelModel(..., merge = "add")`.
    func buildComponent(_ e: Expr, name: String) -> ComponentResult {
        var calleeExpr = e, arguments: [Argument] = [], isCall = false
        if case .call(let c, let args) = e.kind { calleeExpr = c; arguments = args; isCall = true }
        guard case .identifier(let callee) = calleeExpr.kind else { return .notComponent }
        if let kind = LayerKind(name: callee) {
            guard isCall else {
                diags.error("layer '\(callee)' needs parentheses: '\(callee)(...)'", at: e.range); return .failed
            }
            var values: [ConstValue?] = []
            for a in arguments {
                switch evaluator.evaluate(a.value) {
                case .success(let v): values.append(v)
                case .failure(let err):
                    let hint = err.unknownName.map { suggestion(for: $0, among: Array(env.keys)) } ?? ""
                    diags.error(err.message + hint, at: err.range); values.append(nil)
                }
            }
            guard let bound = bindArguments(arguments, values: values, to: kind.signature, callee: callee, callRange: e.range, diags: diags) else {
                return .failed
            }
            return .component(ComponentItem(component: .layer(LayerSpec(kind: kind, arguments: bound, range: e.range)), range: e.range))
        }
        if callee == "sequentialModel" || callee == "parallelModel" {
            guard isCall else { diags.error("'\(callee)' needs its parts: '\(callee)(a, b, ...)'", at: e.range); return .failed }
            return buildComposite(callee, arguments, at: e.range)
        }
        if callee == "customModel" {
            diags.error("customModel takes a body and is declared at top level: 'model Name = customModel { ... }'", at: e.range)
            return .failed
        }
        switch program.symbols[callee] {
        case .metamodel(let meta)?:
            guard let s = program.instantiate(meta, arguments: arguments, evaluator: evaluator, at: e.range) else { return .failed }
            return .component(ComponentItem(component: .model(s), range: e.range))
        case .model?:
            guard let s = program.spec(forModel: callee) else { return .failed }
            if !arguments.isEmpty {
                guard let r = program.rebind(s, arguments, at: e.range) else { return .failed }
                return .component(ComponentItem(component: .model(r), range: e.range))
            }
            return .component(ComponentItem(component: .model(s), range: e.range))
        case .onnx(let m)?:
            guard arguments.isEmpty else { diags.error("imported model '\(callee)' takes no arguments", at: e.range); return .failed }
            return .component(ComponentItem(component: .imported(m), range: e.range))
        case .function?:
            diags.error("'\(callee)' is a func (host code), not a layer or model", at: calleeExpr.range); return .failed
        case nil:
            guard isCall else { return .notComponent }
            if ["min", "max", "abs", "int", "float"].contains(callee) { return .notComponent }
            if ForwardFunctions.table[callee] != nil {
                diags.error("'\(callee)' is a tensor function: apply it in forward, like 'h = \(callee)(x)'", at: calleeExpr.range)
                return .failed
            }
            let candidates = LayerKind.allNames + program.modelNames + ["sequentialModel", "parallelModel"]
            diags.error("unknown layer '\(callee)'\(suggestion(for: callee, among: candidates))", at: calleeExpr.range)
            return .failed
        }
    }

    private func buildComposite(_ callee: String, _ arguments: [Argument], at range: SourceRange) -> ComponentResult {
        var children: [ComponentItem] = []
        var merge = "concat", axis = 1, repeatCount = 1
        var ok = true
        let keywords = callee == "sequentialModel" ? ["repeat"] : ["merge", "axis"]
        for arg in arguments {
            if let label = arg.label {
                guard keywords.contains(label.name) else {
                    diags.error("'\(callee)' has no argument '\(label.name)'\(suggestion(for: label.name, among: keywords)) (it takes \(keywords.joined(separator: ", ")))", at: label.range)
                    ok = false; continue
                }
                let value = evaluator.evaluate(arg.value)
                switch (label.name, value) {
                case ("merge", .success(.string(let m))):
                    guard mergeModes.contains(m) else {
                        diags.error("unknown merge mode \"\(m)\"\(suggestion(for: m, among: mergeModes)) (parallelModel merges by \(mergeModes.map { "\"\($0)\"" }.joined(separator: ", ")))", at: arg.value.range)
                        ok = false; continue
                    }
                    merge = m
                case ("axis", .success(.int(let a))): axis = a
                case ("repeat", .success(.int(let n))) where n >= 1 && n <= 1000: repeatCount = n
                case (_, .failure(let err)): diags.error(err.message, at: err.range); ok = false
                default:
                    let expected = label.name == "merge" ? "a String" : label.name == "axis" ? "an Int" : "an Int from 1 to 1000"
                    diags.error("'\(callee)': argument '\(label.name)' must be \(expected)", at: arg.value.range); ok = false
                }
                continue
            }
            switch buildComponent(arg.value, name: "") {
            case .component(let item): children.append(item)
            case .failed: ok = false
            case .notComponent:
                if case .identifier(let n) = arg.value.kind {
                    let candidates = LayerKind.allNames + program.modelNames
                    diags.error("unknown layer or model '\(n)'\(suggestion(for: n, among: candidates))", at: arg.value.range)
                } else {
                    diags.error("'\(callee)' takes layers and models, got \(describe(arg.value))", at: arg.value.range)
                }
                ok = false
            }
        }
        guard ok else { return .failed }
        guard !children.isEmpty else { diags.error("'\(callee)' needs at least one layer or model", at: range); return .failed }
        if callee == "sequentialModel" {
            var all: [ComponentItem] = []
            for _ in 0..<repeatCount { all += children }
            return .component(ComponentItem(component: .sequential(all), range: range))
        }
        return .component(ComponentItem(component: .parallel(children, merge: merge, axis: axis), range: range))
    }

    // MARK: application

    /// Applies a component to `inputs`; `label` names it in messages, `path` prefixes its parameters.
    func apply(_ item: ComponentItem, label: String, path: String, inputs: [ValueID], at range: SourceRange) -> [NamedValue]? {
        switch item.component {
        case .layer(let spec):
            guard spec.kind.inputArity.contains(inputs.count) else {
                let a = spec.kind.inputArity
                let expected = a.count == 1 ? "\(a.lowerBound) tensor" : a.upperBound > 100 ? "\(a.lowerBound) or more tensors" : "\(a.lowerBound) to \(a.upperBound) tensors"
                diags.error("layer '\(label)' (\(spec.kind.rawValue)) takes \(expected), got \(inputs.count)", at: range); return nil
            }
            guard let v = lowerLayer(spec, label: label, path: path, inputs: inputs, at: range) else { return nil }
            return [NamedValue(name: "y", value: v)]
        case .model(let s):
            return applyModel(s, path: path, inputs: inputs, at: range)
        case .imported(let m):
            return applyImported(m, path: path, inputs: inputs, at: range)
        case .sequential(let children):
            var current = inputs
            var last: [NamedValue] = []
            for (i, child) in children.enumerated() {
                guard var out = apply(child, label: "\(label)[\(i)]", path: join(path, "\(i)"), inputs: current, at: range) else { return nil }
                // A layer after a model keeps the model's output name (`logits` through a Softmax).
                if case .layer = child.component, out.count == 1, last.count == 1 { out[0].name = last[0].name }
                last = out
                current = out.map(\.value)
            }
            return last
        case .parallel(let children, let merge, let axis):
            var branches: [ValueID] = []
            var name = "y"
            for (i, child) in children.enumerated() {
                guard let out = apply(child, label: "\(label)[\(i)]", path: join(path, "\(i)"), inputs: inputs, at: range) else { return nil }
                guard out.count == 1 else {
                    diags.error("parallelModel branch \(i) has \(out.count) outputs; each branch must have one", at: child.range); return nil
                }
                branches.append(out[0].value)
                if i == 0 { name = out[0].name }
            }
            guard let v = mergeBranches(branches, children: children, merge: merge, axis: axis, at: range) else { return nil }
            return [NamedValue(name: name, value: v)]
        }
    }

    func mergeBranches(_ branches: [ValueID], children: [ComponentItem], merge: String, axis: Int, at range: SourceRange) -> ValueID? {
        let types = branches.map(lowerer.type)
        let notes = zip(children, types).enumerated().map { i, pair in diags.note("branch \(i) gives \(pair.1)", at: pair.0.range) }
        if branches.count == 1 { return branches[0] }
        switch merge {
        case "concat":
            do {
                _ = try OpKind.concat.inferResultType(operands: types, attributes: ["axis": .int(axis)])
            } catch {
                diags.error("parallelModel cannot merge by \"concat\" along axis \(axis): \(error.message)", at: range, notes: notes)
                return nil
            }
            return lowerer.emit(.concat, branches, attributes: ["axis": .int(axis)], at: range)
        default:
            guard types.allSatisfy({ $0 == types[0] }) else {
                diags.error("parallelModel merges by \"\(merge)\" only outputs of one type, got \(types.map(\.description).joined(separator: " and "))", at: range, notes: notes)
                return nil
            }
            var sum = branches[0]
            for b in branches.dropFirst() { guard let s = lowerer.emit(.add, [sum, b], at: range) else { return nil }; sum = s }
            if merge == "add" { return sum }
            guard let k = lowerer.scalar(1.0 / Double(branches.count), types[0].dtype, at: range) else { return nil }
            return lowerer.emit(.mul, [sum, k], at: range)
        }
    }

    /// Lowers sub-model `spec` inline with its parameters under `path`.
    func applyModel(_ s: ModelSpec, path: String, inputs: [ValueID], at range: SourceRange) -> [NamedValue]? {
        guard lowerer.instanceDepth < 40 else {
            diags.error("models are nested more than 40 deep (does '\(s.name)' contain itself?)", at: range); return nil
        }
        if s.metamodel == nil, lowerer.activeModels.contains(s.name) {
            diags.error("model '\(s.name)' contains itself", at: range); return nil
        }
        lowerer.steps += 1
        if lowerer.overBudget(at: range) { return nil }
        lowerer.instanceDepth += 1
        lowerer.activeModels.append(s.name)
        defer { lowerer.instanceDepth -= 1; lowerer.activeModels.removeLast() }
        let scope = Scope(spec: s, prefix: path, lowerer: lowerer, isTop: false)
        return diags.withContext(s.instantiatedAt) { scope.run(arguments: inputs, callRange: range) }
    }

    /// Inlines an imported ONNX model, its parameters renamed under `path`.
    func applyImported(_ m: ImportedModel, path: String, inputs: [ValueID], at range: SourceRange) -> [NamedValue]? {
        let prefixPath = path.isEmpty ? m.alias.name : path
        for p in m.parameters {
            let name = join(prefixPath, p.name)
            if lowerer.module.parameter(named: name) == nil {
                lowerer.module.parameters.append(MIR.Parameter(name: name, type: p.type, initializer: p.initializer))
            }
        }
        do {
            let results = try lowerer.function.inline(m.function, arguments: inputs, parameterName: { join(prefixPath, $0) }, location: range.start)
            return zip(m.function.results, results).map { NamedValue(name: $0.name, value: $1) }
        } catch {
            diags.error(error.message, at: range); return nil
        }
    }

    /// The input signature of a composition: that of its first model; layers in front of it must
    /// keep the shape (the signature cannot be inferred backwards through them).
    func signature(of item: ComponentItem) -> [FunctionInput]? {
        switch item.component {
        case .model(let s):
            if let m = s.imported { return m.function.arguments }
            let scope = Scope(spec: s, prefix: "", lowerer: lowerer, isTop: false)
            if let c = s.composite, case .component(let inner) = scope.buildComponent(c, name: s.name) { return scope.signature(of: inner) }
            return scope.declaredInputTypes()
        case .imported(let m): return m.function.arguments
        case .layer: return nil
        case .parallel(let children, _, _): return children.lazy.compactMap { self.signature(of: $0) }.first
        case .sequential(let children):
            for child in children {
                if case .layer(let l) = child.component {
                    guard l.kind.preservesShape else {
                        diags.error("cannot infer the inputs of this sequentialModel: '\(l.kind.rawValue)' comes before any model with declared inputs; start with a model, or declare 'model Name { input ...; layers }'", at: child.range)
                        return nil
                    }
                    continue
                }
                return signature(of: child)
            }
            diags.error("a sequentialModel of layers only has no declared inputs; declare 'model Name { input x: ...; layers... }' instead", at: item.range)
            return nil
        }
    }
}
