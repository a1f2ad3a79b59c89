import MIR

/// Turns model declarations into `ModelSpec`s: metamodel instantiation (`= MLP(...)`),
/// inheritance (`extends`), configuration-style models (`pretrained_model = "..."`),
/// composition (`= sequentialModel(...)`) and `customModel` bodies.
extension Program {
    static let composers = ["sequentialModel", "parallelModel", "customModel"]

    /// The spec of top-level model `name`; nil after an error was reported (once).
    func spec(forModel name: String) -> ModelSpec? {
        if let s = specCache[name] { return s }
        guard case .model(let d)? = symbols[name] else { return nil }
        if resolving.contains(name) {
            diags.error("model '\(name)' is defined in terms of itself", at: d.name.range)
            return nil
        }
        if failedSpecs.contains(name) { return nil }
        resolving.insert(name)
        let s = resolve(d)
        resolving.remove(name)
        if let s { specCache[name] = s } else { failedSpecs.insert(name) }
        return s
    }

    private func resolve(_ d: ModelDecl) -> ModelSpec? {
        let name = d.name.name
        switch d.kind {
        case .body:
            let members = checkDuplicateMembers(d.members, owner: name, diags: diags)
            if members.contains(where: { if case .binding(let id, _) = $0.kind { return id.name == "pretrained_model" }; return false }) {
                return resolveConfiguration(d, members)
            }
            let s = ModelSpec(name: name, declRange: d.name.range)
            s.apply(members: members, diags: diags)
            return s
        case .instantiation(let e):
            guard let s = resolveInstantiation(e, name: d.name) else { return nil }
            return s
        case .extends(let base, let arguments):
            guard let baseSpec = resolveBase(base, arguments, at: d.range) else { return nil }
            let s = baseSpec.copy(named: name)
            s.declRange = d.name.range
            s.apply(members: checkDuplicateMembers(d.members, owner: name, diags: diags), diags: diags)
            s.ownMembers = Set(d.members.compactMap { if case .binding(let id, _) = $0.kind { return id.name }; return nil })
            return s
        case .custom(let builder):
            guard builder.name == "customModel" else {
                diags.error("unknown model builder '\(builder.name)'\(suggestion(for: builder.name, among: Program.composers))", at: builder.range)
                return nil
            }
            let s = ModelSpec(name: name, declRange: d.name.range)
            s.apply(members: checkDuplicateMembers(d.members, owner: name, diags: diags), diags: diags)
            return s
        }
    }

    /// `model X = e`.
    private func resolveInstantiation(_ e: Expr, name: Identifier) -> ModelSpec? {
        var callee = e, arguments: [Argument] = []
        var hasParentheses = false
        if case .call(let c, let args) = e.kind { callee = c; arguments = args; hasParentheses = true }
        guard case .identifier(let target) = callee.kind else {
            diags.error("expected a metamodel instantiation like 'MLP(in_features = 64)', a model, or sequentialModel(...)", at: e.range)
            return nil
        }
        if target == "sequentialModel" || target == "parallelModel" {
            let s = ModelSpec(name: name.name, declRange: name.range)
            s.composite = e
            return s
        }
        if target == "customModel" {
            diags.error("customModel takes a body: 'model \(name.name) = customModel { input ...; output ... }'", at: e.range)
            return nil
        }
        switch symbols[target] {
        case .metamodel(let meta)?:
            guard let s = instantiate(meta, arguments: arguments, evaluator: ConstEvaluator { _ in nil }, at: e.range) else { return nil }
            s.name = name.name
            s.declRange = name.range
            return s
        case .model?:
            guard let base = spec(forModel: target) else { return nil }
            if hasParentheses && !arguments.isEmpty { return rebind(base, arguments, at: e.range)?.copy(named: name.name) }
            return base.copy(named: name.name)
        case .onnx(let m)?:
            let s = ModelSpec(name: name.name, declRange: name.range)
            s.imported = m
            return s
        case .function?:
            diags.error("'\(target)' is a func, not a model", at: callee.range); return nil
        case nil:
            if LayerKind(name: target) != nil {
                diags.error("'\(target)' is a layer, not a model: a model needs inputs, e.g. 'model \(name.name) { input x: f32[batch, 64]; l = \(target)(...) }'", at: callee.range)
            } else {
                diags.error("unknown metamodel or model '\(target)'\(suggestion(for: target, among: modelNames + Program.composers))", at: callee.range)
            }
            return nil
        }
    }

    /// The base of `extends Base` or `extends Base(args)`.
    private func resolveBase(_ base: Identifier, _ arguments: [Argument], at range: SourceRange) -> ModelSpec? {
        switch symbols[base.name] {
        case .model?:
            guard let s = spec(forModel: base.name) else { return nil }
            return arguments.isEmpty ? s : rebind(s, arguments, at: range)
        case .metamodel(let meta)?:
            return instantiate(meta, arguments: arguments, evaluator: ConstEvaluator { _ in nil }, at: range)
        case .onnx?:
            diags.error("cannot extend '\(base.name)': an imported ONNX model has no members to inherit", at: base.range); return nil
        case .function?:
            diags.error("'\(base.name)' is a func, not a model", at: base.range); return nil
        case nil:
            diags.error("unknown base model '\(base.name)'\(suggestion(for: base.name, among: modelNames))", at: base.range)
            return nil
        }
    }

    /// `extends Digits(hidden = 512)`: the base's metamodel re-instantiated with merged arguments.
    func rebind(_ base: ModelSpec, _ arguments: [Argument], at range: SourceRange) -> ModelSpec? {
        guard let meta = base.metamodel else {
            let first = arguments.first.map { $0.label?.range ?? $0.range } ?? range
            diags.error("model '\(base.name)' has no hyperparameters to override (it does not instantiate a metamodel)", at: first,
                        notes: [diags.note("'\(base.name)' declared here", at: base.declRange)])
            return nil
        }
        var explicit = base.explicitArguments, ranges = base.explicitArgumentRanges
        let evaluator = ConstEvaluator { _ in nil }
        var ok = true
        for arg in arguments {
            guard let label = arg.label else {
                diags.error("hyperparameter overrides must be named, like 'hidden = 512'", at: arg.range); ok = false; continue
            }
            guard meta.parameters.contains(where: { $0.name.name == label.name }) else {
                reportUnknownHyperparameter(label, meta: meta); ok = false; continue
            }
            switch evaluator.evaluate(arg.value) {
            case .success(let v): explicit[label.name] = v; ranges[label.name] = arg.value.range
            case .failure(let e): diags.error(e.message, at: e.range); ok = false
            }
        }
        guard ok, let env = bindHyperparameters(meta, explicit: explicit, ranges: ranges, at: range) else { return nil }
        let s = base.copy(named: base.name)
        s.explicitArguments = explicit; s.explicitArgumentRanges = ranges; s.env = env
        return s
    }

    func reportUnknownHyperparameter(_ label: Identifier, meta: MetamodelDecl) {
        let names = meta.parameters.map(\.name.name)
        let list = names.isEmpty ? "it has none" : "it has " + names.joined(separator: ", ")
        diags.error("metamodel '\(meta.name.name)' has no hyperparameter '\(label.name)'\(suggestion(for: label.name, among: names)) (\(list))",
                    at: label.range, notes: [diags.note("'\(meta.name.name)' declared here", at: meta.name.range)])
    }

    /// `Meta(args)`: binds the arguments, evaluated by `evaluator` (the enclosing model's
    /// hyperparameters), and returns a spec with the metamodel's members.
    func instantiate(_ meta: MetamodelDecl, arguments: [Argument], evaluator: ConstEvaluator, at range: SourceRange) -> ModelSpec? {
        var explicit: [String: ConstValue] = [:], ranges: [String: SourceRange] = [:]
        var ok = true
        for (i, arg) in arguments.enumerated() {
            let param: Parameter
            if let label = arg.label {
                guard let p = meta.parameters.first(where: { $0.name.name == label.name }) else {
                    reportUnknownHyperparameter(label, meta: meta); ok = false; continue
                }
                param = p
            } else {
                guard i < meta.parameters.count else {
                    diags.error("metamodel '\(meta.name.name)' takes \(meta.parameters.count) hyperparameter\(meta.parameters.count == 1 ? "" : "s"), got \(arguments.count)",
                                at: arg.range, notes: [diags.note("'\(meta.name.name)' declared here", at: meta.name.range)])
                    ok = false; continue
                }
                param = meta.parameters[i]
            }
            if explicit[param.name.name] != nil {
                diags.error("hyperparameter '\(param.name.name)' is given twice", at: arg.range); ok = false; continue
            }
            switch evaluator.evaluate(arg.value) {
            case .success(let v): explicit[param.name.name] = v; ranges[param.name.name] = arg.value.range
            case .failure(let e):
                diags.error(e.message + (e.unknownName.map { suggestion(for: $0, among: []) } ?? ""), at: e.range); ok = false
            }
        }
        guard ok, let env = bindHyperparameters(meta, explicit: explicit, ranges: ranges, at: range) else { return nil }
        let args = arguments.map(\.description).joined(separator: ", ")
        let s = ModelSpec(name: "\(meta.name.name)(\(args))", declRange: meta.name.range)
        s.metamodel = meta; s.explicitArguments = explicit; s.explicitArgumentRanges = ranges; s.env = env
        s.apply(members: checkDuplicateMembers(meta.members, owner: meta.name.name, diags: diags), diags: diags)
        s.isTemplate = true
        s.instantiatedAt = diags.note("in '\(s.name)' instantiated here", at: range)
        return s
    }

    /// Hyperparameter values: explicit ones checked against declared types, defaults evaluated in order
    /// (a default may use earlier hyperparameters), and a diagnostic for each missing one.
    func bindHyperparameters(_ meta: MetamodelDecl, explicit: [String: ConstValue], ranges: [String: SourceRange],
                             at range: SourceRange) -> [String: ConstValue]? {
        var env: [String: ConstValue] = [:]
        var ok = true
        for p in meta.parameters {
            let declared = hyperparameterType(p)
            let value: ConstValue
            let where_: SourceRange
            if let v = explicit[p.name.name] {
                value = v; where_ = ranges[p.name.name] ?? range
            } else if let d = p.defaultValue {
                let snapshot = env
                switch ConstEvaluator(lookup: { snapshot[$0] }).evaluate(d) {
                case .success(let v): value = v
                case .failure(let e): diags.error(e.message, at: e.range); ok = false; continue
                }
                where_ = d.range
            } else {
                diags.error("missing hyperparameter '\(p.name.name)'\(declared.map { " (\($0.rawValue))" } ?? "") of metamodel '\(meta.name.name)'",
                            at: range, notes: [diags.note("'\(p.name.name)' declared here", at: p.range)])
                ok = false; continue
            }
            if let declared, !declared.accepts(value.type) {
                diags.error("hyperparameter '\(p.name.name)' of '\(meta.name.name)' is \(declared.rawValue), got \(describe(value))",
                            at: where_, notes: [diags.note("'\(p.name.name)' declared here", at: p.range)])
                ok = false; continue
            }
            if declared == .float, case .int(let i) = value { env[p.name.name] = .float(Double(i)) } else { env[p.name.name] = value }
        }
        return ok ? env : nil
    }

    /// The declared type of a hyperparameter, or nil when only a default is given.
    func hyperparameterType(_ p: Parameter) -> ConstType? {
        guard let t = p.type else { return nil }
        switch t.kind {
        case .int: return .int
        case .float: return .float
        case .bool: return .bool
        case .string: return .string
        case .tuple: return .tuple
        case .list: return .list
        case .named, .tensor, .function: return .any
        }
    }

    /// `model M { pretrained_model = "bert-base-uncased"; num_labels = 2 }`.
    private func resolveConfiguration(_ d: ModelDecl, _ members: [ModelMember]) -> ModelSpec? {
        var keyValue: Expr?, settings: [(Identifier, Expr)] = [], keys: [(Identifier, Expr)] = []
        for m in members {
            switch m.kind {
            case .binding(let id, let value):
                if id.name == "pretrained_model" { keyValue = value }
                else if id.name == "seed" || id.name == "weights" { settings.append((id, value)) }
                else { keys.append((id, value)) }
            case .input, .output, .forward:
                diags.error("a configuration-style model (with pretrained_model) takes only settings, like 'num_labels = 2'", at: m.range)
                return nil
            }
        }
        guard let keyValue else { return nil }
        guard case .string(let key) = keyValue.kind else {
            diags.error("'pretrained_model' must be a String naming a model, like \"bert-base-uncased\"", at: keyValue.range); return nil
        }
        guard let entry = options.repository[key] else {
            diags.error("model repository not available yet: cannot resolve pretrained model '\(key)'\(suggestion(for: key, among: Array(options.repository.keys))) (mcc knows \(options.repository.keys.sorted().joined(separator: ", ")))",
                        at: keyValue.range)
            return nil
        }
        guard loadModule(named: entry.module, at: keyValue.range), case .metamodel(let meta)? = symbols[entry.metamodel] else {
            diags.error("model repository not available yet: the architecture of '\(key)' is '\(entry.metamodel)' in '\(entry.module)', which was not found (set MCC_STDLIB to the directory holding stdlib/)",
                        at: keyValue.range)
            return nil
        }
        var explicit: [String: ConstValue] = [:], ranges: [String: SourceRange] = [:]
        for (k, v) in entry.hyperparameters { explicit[k] = .int(v) }
        var ok = true
        for (id, value) in keys {
            guard meta.parameters.contains(where: { $0.name.name == id.name }) else {
                let names = meta.parameters.map(\.name.name) + ["seed", "weights"]
                diags.error("unknown configuration key '\(id.name)' for '\(key)' (\(meta.name.name))\(suggestion(for: id.name, among: names))",
                            at: id.range, notes: [diags.note("'\(meta.name.name)' declared here", at: meta.name.range)])
                ok = false; continue
            }
            switch ConstEvaluator(lookup: { _ in nil }).evaluate(value) {
            case .success(let v): explicit[id.name] = v; ranges[id.name] = value.range
            case .failure(let e): diags.error(e.message, at: e.range); ok = false
            }
        }
        guard ok, let env = bindHyperparameters(meta, explicit: explicit, ranges: ranges, at: d.name.range) else { return nil }
        let s = ModelSpec(name: d.name.name, declRange: d.name.range)
        s.metamodel = meta; s.explicitArguments = explicit; s.explicitArgumentRanges = ranges; s.env = env
        s.apply(members: checkDuplicateMembers(meta.members, owner: meta.name.name, diags: diags), diags: diags)
        s.bindings += settings.map { (name: $0.0, value: $0.1) }
        s.isTemplate = true
        s.instantiatedAt = diags.note("in '\(meta.name.name)', the architecture of '\(key)', configured here", at: keyValue.range)
        diags.warning("pretrained weights for '\(key)' are not available until the model repository lands; the architecture comes from \(entry.module) and parameters are initialized from the seed",
                      at: keyValue.range)
        return s
    }
}
