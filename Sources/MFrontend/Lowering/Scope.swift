import Foundation
import MIR

/// A value in a forward body: one tensor, or the named outputs of a multi-output model.
enum LocalValue {
    case tensor(ValueID)
    case outputs([NamedValue])
}

/// Lowers one model instance (the exported model itself, or a sub-model applied inside it)
/// into the lowerer's function: binds its inputs to actual values (unifying symbolic dims),
/// builds its layers, runs its forward body and checks its declared outputs.
final class Scope {
    let spec: ModelSpec
    /// Parameter path prefix (`layer1.0`), empty for the exported model.
    let prefix: String
    let lowerer: Lowerer
    let isTop: Bool
    var env: [String: ConstValue]
    var components: [String: ComponentItem] = [:]
    var componentOrder: [Identifier] = []
    var usedComponents = Set<String>()
    var values: [String: LocalValue] = [:]
    /// Where each forward local was first assigned, and which were read (for unused warnings).
    var localRanges: [String: SourceRange] = [:]
    var readLocals = Set<String>()
    var inputNames = Set<String>()
    /// Symbolic dims of the declared inputs bound to the actual argument dims.
    var symbolMap: [String: Dim] = [:]

    var diags: Diags { lowerer.diags }
    var program: Program { lowerer.program }

    init(spec: ModelSpec, prefix: String, lowerer: Lowerer, isTop: Bool) {
        self.spec = spec; self.prefix = prefix; self.lowerer = lowerer; self.isTop = isTop
        self.env = spec.env
    }

    /// Compile-time values of this scope: hyperparameters, derived constants, loop indices.
    var evaluator: ConstEvaluator {
        ConstEvaluator { [unowned self] name in self.env[name] }
    }

    /// The declared input types under this instance's hyperparameters (symbolic dims kept).
    func declaredInputTypes() -> [FunctionInput]? {
        var out: [FunctionInput] = []
        for input in spec.inputs {
            guard let t = resolveType(input.type) else { return nil }
            out.append(FunctionInput(name: input.name.name, type: t))
        }
        return out
    }

    /// Lowers the instance with `arguments` bound to its inputs; returns its outputs in order.
    func run(arguments: [ValueID], callRange: SourceRange) -> [NamedValue]? {
        let errorsBefore = diags.errorCount
        if let imported = spec.imported {
            return applyImported(imported, path: prefix, inputs: arguments, at: callRange)
        }
        if let composite = spec.composite {
            guard case .component(let item) = buildComponent(composite, name: spec.name) else { return nil }
            return apply(item, label: spec.name, path: prefix, inputs: arguments, at: callRange)
        }
        if spec.inputs.isEmpty {
            diags.error("model '\(spec.name)' declares no input (e.g. 'input x: f32[batch, 784]')", at: spec.declRange); return nil
        }
        if spec.outputs.isEmpty {
            diags.error("model '\(spec.name)' declares no output (e.g. 'output y: f32[batch, 10]')", at: spec.declRange); return nil
        }
        guard bindInputs(arguments, at: callRange) else { return nil }
        collectMembers()
        guard diags.errorCount == errorsBefore else { return nil }
        if let forward = spec.forward {
            lowerBlock(forward)
        } else if !spec.outputs.contains(where: { $0.value != nil }) {
            lowerInDeclarationOrder()
        }
        guard diags.errorCount == errorsBefore else { return nil }
        var results: [NamedValue] = []
        for out in spec.outputs {
            var value: ValueID?
            if let e = out.value {
                value = lowerTensor(e)
            } else if case .tensor(let v)? = values[out.name.name] {
                value = v
                readLocals.insert(out.name.name)
            } else if values[out.name.name] != nil {
                diags.error("output '\(out.name.name)' must be one tensor, but it is assigned several outputs", at: out.name.range)
            } else {
                diags.error("output '\(out.name.name)' is never assigned in forward", at: out.name.range)
            }
            guard let v = value else { continue }
            if let typeExpr = out.type, let declared = resolveType(typeExpr) {
                let expected = substitute(declared)
                let actual = lowerer.type(v)
                if expected != actual {
                    diags.error("output '\(out.name.name)' is declared \(expected) but forward computes \(actual)", at: typeExpr.range)
                }
            }
            results.append(NamedValue(name: out.name.name, value: v))
        }
        warnUnused()
        return diags.errorCount == errorsBefore ? results : nil
    }

    /// Without forward: one input flows through the layers in declaration order (Keras' Sequential).
    func lowerInDeclarationOrder() {
        guard spec.inputs.count == 1, spec.outputs.count == 1 else {
            diags.error("model '\(spec.name)' has no forward block; that is only allowed with exactly one input and one output (layers then apply in order)", at: spec.declRange)
            return
        }
        guard case .tensor(var current)? = values[spec.inputs[0].name.name] else { return }
        readLocals.insert(spec.inputs[0].name.name)
        for id in componentOrder {
            guard let item = components[id.name] else { continue }
            usedComponents.insert(id.name)
            guard let out = apply(item, label: id.name, path: join(prefix, id.name), inputs: [current], at: item.range) else { return }
            guard out.count == 1 else {
                diags.error("'\(id.name)' has \(out.count) outputs; without forward every layer must have one", at: id.range); return
            }
            current = out[0].value
        }
        values[spec.outputs[0].name.name] = .tensor(current)
    }

    // MARK: members

    /// Builds layers and sub-models from the bindings; other bindings are settings or constants.
    func collectMembers() {
        for (id, value) in spec.bindings {
            if id.name == "seed" || id.name == "weights" {
                if isTop { applySetting(id, value) }
                continue
            }
            if inputNames.contains(id.name) || spec.outputs.contains(where: { $0.name.name == id.name }) {
                diags.error("'\(id.name)' is declared twice in model '\(spec.name)'", at: id.range); continue
            }
            switch buildComponent(value, name: id.name) {
            case .component(let item):
                components[id.name] = item
                componentOrder.append(id)
            case .failed: continue
            case .notComponent:
                switch evaluator.evaluate(value) {
                case .success(let v): env[id.name] = v
                case .failure(let e):
                    let candidates = Array(env.keys) + LayerKind.allNames + program.modelNames
                    let hint = e.unknownName.map { suggestion(for: $0, among: candidates) } ?? ""
                    if e.message == "not a compile-time value" {
                        diags.error("'\(id.name)' must be a layer such as Dense(10), a model, or a compile-time value (a setting or derived hyperparameter)", at: value.range)
                    } else {
                        diags.error(e.message + hint, at: e.range)
                    }
                }
            }
        }
    }

    func applySetting(_ id: Identifier, _ value: Expr) {
        if id.name == "seed" {
            guard case .success(.int(let v)) = evaluator.evaluate(value), v >= 0 else {
                diags.error("'seed' must be a non-negative Int, got \(describe(value))", at: value.range); return
            }
            lowerer.seed = UInt64(v)
            return
        }
        guard case .string(let path) = value.kind else {
            diags.error("'weights' must be a String path to a .safetensors file", at: value.range); return
        }
        let directory = URL(fileURLWithPath: value.range.start.file).deletingLastPathComponent().path
        let resolved = path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path
        guard FileManager.default.isReadableFile(atPath: resolved) else {
            diags.error("cannot read weights file '\(path)' (looked for \(resolved))", at: value.range); return
        }
        lowerer.weightsFile = resolved
    }

    // MARK: types and inputs

    /// A written tensor type with hyperparameters substituted into its dims.
    func resolveType(_ t: TypeExpr) -> TensorType? {
        guard case .tensor(let dtype, let dims) = t.kind else {
            diags.error("expected a tensor type such as f32[batch, 784], found \(t)", at: t.range); return nil
        }
        var out: [Dim] = []
        for d in dims {
            guard let dim = resolveDim(d) else { return nil }
            out.append(dim)
        }
        return TensorType(dtype, out)
    }

    func resolveDim(_ d: DimExpr) -> Dim? {
        switch d.kind {
        case .constant(let v):
            guard v >= 0, v <= 1 << 40 else { diags.error("dim \(v) is out of range", at: d.range); return nil }
            return .constant(v)
        case .symbol(let s):
            switch env[s] {
            case nil, .unknown?: return .symbol(s)
            case .int(let v)?:
                guard v >= 0, v <= 1 << 40 else { diags.error("dim '\(s)' = \(v) is out of range", at: d.range); return nil }
                return .constant(v)
            case let other?:
                diags.error("'\(s)' is \(describe(other)), not an Int dim", at: d.range); return nil
            }
        case .binary(let op, let l, let r):
            guard let a = resolveDim(l), let b = resolveDim(r) else { return nil }
            switch op {
            case .add: return a + b
            case .subtract: return a - b
            case .multiply: return a * b
            case .divide:
                if b == .constant(0) { diags.error("division by zero in a dim", at: d.range); return nil }
                return Dim.quotient(a, b)
            case .modulo: diags.error("'%' is not supported in dims", at: d.range); return nil
            }
        }
    }

    func substitute(_ t: TensorType) -> TensorType {
        TensorType(t.dtype, t.shape.map { $0.substituting(symbolMap) })
    }

    /// Binds the actual arguments to the declared inputs; named dims must agree across inputs.
    func bindInputs(_ arguments: [ValueID], at callRange: SourceRange) -> Bool {
        guard arguments.count == spec.inputs.count else {
            let names = spec.inputs.map(\.name.name).joined(separator: ", ")
            diags.error("model '\(spec.name)' takes \(spec.inputs.count) input\(spec.inputs.count == 1 ? "" : "s") (\(names)), got \(arguments.count)",
                        at: callRange, notes: [diags.note("'\(spec.name)' declared here", at: spec.declRange)])
            return false
        }
        var ok = true
        var boundBy: [String: String] = [:]
        for (input, arg) in zip(spec.inputs, arguments) {
            inputNames.insert(input.name.name)
            values[input.name.name] = .tensor(arg)
            localRanges[input.name.name] = input.name.range
            guard let declared = resolveType(input.type) else { ok = false; continue }
            let actual = lowerer.type(arg)
            let mismatch = "model '\(spec.name)' expects input '\(input.name.name)' of type \(declared), got \(actual)"
            let note = diags.note("input '\(input.name.name)' declared here", at: input.name.range)
            guard declared.dtype == actual.dtype, declared.rank == actual.rank else {
                diags.error(mismatch, at: callRange, notes: [note]); ok = false; continue
            }
            for (d, a) in zip(declared.shape, actual.shape) {
                if case .symbol(let s) = d {
                    if let bound = symbolMap[s], bound != a {
                        diags.error("named dim '\(s)' is \(bound) in input '\(boundBy[s] ?? "?")' but \(a) in input '\(input.name.name)' of model '\(spec.name)'",
                                    at: callRange, notes: [note])
                        ok = false
                    } else if symbolMap[s] == nil {
                        symbolMap[s] = a
                        boundBy[s] = input.name.name
                    }
                } else if d.substituting(symbolMap) != a {
                    diags.error(mismatch, at: callRange, notes: [note]); ok = false; break
                }
            }
        }
        return ok
    }

    // MARK: warnings

    func warnUnused() {
        for id in componentOrder where !usedComponents.contains(id.name) && spec.isOwn(id.name) {
            diags.warning("layer '\(id.name)' is never used", at: id.range)
        }
        guard isTop || spec.isOwn("") else { return }
        let outputs = Set(spec.outputs.map(\.name.name))
        for (name, range) in localRanges.sorted(by: { ($0.value.start.line, $0.value.start.column) < ($1.value.start.line, $1.value.start.column) })
        where !readLocals.contains(name) && !outputs.contains(name) && !name.hasPrefix("_") {
            if inputNames.contains(name) {
                if spec.forward != nil { diags.warning("input '\(name)' is never used", at: range) }
            } else {
                diags.warning("'\(name)' is assigned but never used", at: range)
            }
        }
    }
}
