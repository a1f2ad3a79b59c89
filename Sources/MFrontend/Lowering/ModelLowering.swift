import Foundation
import MIR

/// Lowers one `model Name { ... }` to a MIR function, checking shapes as it goes: every
/// layer application runs the op table's shape rule, and a failure is reported at the
/// call in the M source.
struct ModelLowering {
    let model: ModelDecl
    let module: Module
    let diagnostics: DiagnosticEngine
    let directory: String

    var seed: UInt64 = 0
    var weightsFile: String?
    var layers: [String: Layer] = [:]
    var layerOrder: [String] = []
    var inputs: [(Identifier, TensorType)] = []
    var outputs: [(Identifier, TypeExpr?)] = []
    var forward: Block?
    var values: [String: ValueID] = [:]
    var function: Function!
    /// Module parameters this model created (others belong to earlier models in the file).
    var ownedParameters = Set<String>()
    /// Models imported with `import onnx ... as Name`, callable in forward as `Name(x)`.
    var importedModels: [String: Function] = [:]
    func isOurs(_ p: MIR.Parameter) -> Bool { ownedParameters.contains(p.name) }

    init(model: ModelDecl, module: Module, diagnostics: DiagnosticEngine, directory: String) {
        self.model = model; self.module = module; self.diagnostics = diagnostics; self.directory = directory
    }

    var name: String { model.name.name }
    func error(_ message: String, _ range: SourceRange) { diagnostics.error(message, at: range) }

    mutating func lower() -> Function? {
        let errorsBefore = diagnostics.errorCount
        collectMembers()
        if inputs.isEmpty { error("model '\(name)' declares no input (e.g. 'input x: f32[batch, 784]')", model.name.range) }
        if outputs.isEmpty { error("model '\(name)' declares no output (e.g. 'output y: f32[batch, 10]')", model.name.range) }
        guard diagnostics.errorCount == errorsBefore else { return nil }
        function = Function(name: name, arguments: inputs.map { MIR.FunctionInput(name: $0.0.name, type: $0.1) })
        for (i, input) in inputs.enumerated() { values[input.0.name] = function.argument(i) }

        if let forward {
            for stmt in forward.statements { lowerStatement(stmt) }
        } else {
            lowerSequential()
        }
        guard diagnostics.errorCount == errorsBefore else { return nil }
        for (outName, outType) in outputs {
            guard let v = values[outName.name] else {
                error("output '\(outName.name)' is never assigned in forward", outName.range); continue
            }
            if let outType, let declared = resolveType(outType) {
                let actual = function.type(of: v)
                if declared != actual {
                    error("output '\(outName.name)' is declared \(declared) but forward computes \(actual)", outType.range)
                }
            }
            function.results.append(MIR.FunctionOutput(name: outName.name, value: v))
        }
        for layerName in layerOrder where layers[layerName]?.used == false {
            if let l = layers[layerName] { diagnostics.warning("layer '\(layerName)' is never used", at: l.name.range) }
        }
        return diagnostics.errorCount == errorsBefore ? function : nil
    }

    // MARK: members

    mutating func collectMembers() {
        var names: [String: SourceRange] = [:]
        func declare(_ id: Identifier) -> Bool {
            if let previous = names[id.name] {
                diagnostics.emit(Diagnostic(.error, "'\(id.name)' is declared twice in model '\(name)'", at: id.range,
                                            notes: [Diagnostic(.note, "first declared here", at: previous)]))
                return false
            }
            names[id.name] = id.range
            return true
        }
        for member in model.members {
            switch member.kind {
            case .input(let id, let typeExpr):
                guard declare(id), let t = resolveType(typeExpr) else { continue }
                inputs.append((id, t))
            case .output(let id, let typeExpr, let value):
                if let value { error("'output \(id.name) = ...' belongs in customModel (not supported yet); assign outputs in forward", value.range) }
                guard declare(id) else { continue }
                outputs.append((id, typeExpr))
            case .binding(let id, let value):
                guard declare(id) else { continue }
                collectBinding(id, value)
            case .forward(let block):
                if forward != nil { error("model '\(name)' has more than one forward block", member.range) }
                forward = block
            }
        }
        // Symbols in input dims must be bound by a plain symbolic dim of some input.
        var plain = Set<String>()
        for (_, t) in inputs { for d in t.shape { if let s = d.symbolName { plain.insert(s) } } }
        for (id, t) in inputs {
            for d in t.shape { for s in d.symbols where !plain.contains(s) {
                error("input '\(id.name)': symbolic dim '\(s)' is used in an expression but no input has it as a dim of its own", id.range)
            } }
        }
    }

    mutating func collectBinding(_ id: Identifier, _ value: Expr) {
        switch id.name {
        case "seed":
            guard let v = literalInt(value), v >= 0 else { error("'seed' must be a non-negative Int, got \(describe(value))", value.range); return }
            seed = UInt64(v)
            return
        case "weights":
            guard case .string(let path) = value.kind else { error("'weights' must be a String path to a .safetensors file", value.range); return }
            let resolved = path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path
            guard FileManager.default.isReadableFile(atPath: resolved) else {
                error("cannot read weights file '\(path)' (looked for \(resolved))", value.range); return
            }
            weightsFile = resolved
            return
        default: break
        }
        guard case .call(let callee, let args) = value.kind, case .identifier(let calleeName) = callee.kind else {
            error("'\(id.name)' must be a layer such as Dense(10), or a setting (seed, weights)", value.range); return
        }
        guard let kind = LayerKind(rawValue: calleeName) else {
            let known = LayerKind.allCases.map(\.rawValue)
            error("unknown layer '\(calleeName)'\(suggestion(for: calleeName, among: known)) (layers: \(known.joined(separator: ", ")))", callee.range)
            return
        }
        guard let bound = bindArguments(args, to: kind.signature, callee: calleeName, callRange: value.range, diagnostics: diagnostics) else { return }
        var layer = Layer(kind: kind, name: id, range: value.range)
        func ints(_ k: String) -> [Int]? { if case .ints(let v)? = bound[k] { return v }; return nil }
        func int(_ k: String) -> Int? { if case .int(let v)? = bound[k] { return v }; return nil }
        func string(_ k: String) -> String? { if case .string(let v)? = bound[k] { return v }; return nil }
        layer.units = int("units") ?? int("filters") ?? 0
        layer.kernel = ints("kernel") ?? ints("pool") ?? (kind == .conv2d ? [1, 1] : [2, 2])
        layer.strides = ints("stride") ?? (kind == .maxPooling2d || kind == .averagePooling2d ? layer.kernel : [1, 1])
        layer.dilations = ints("dilation") ?? [1, 1]
        layer.padding = string("padding") ?? "valid"
        if case .bool(let b)? = bound["use_bias"] { layer.useBias = b }
        if let a = string("activation") ?? string("function"), a != "linear" { layer.activation = activationOps[a] }
        if kind == .relu { layer.activation = .relu }
        layer.axis = int("axis") ?? -1
        layers[id.name] = layer
        layerOrder.append(id.name)
    }

    func resolveType(_ t: TypeExpr) -> TensorType? {
        guard case .tensor(let dtype, let dims) = t.kind else {
            error("expected a tensor type such as f32[batch, 784]", t.range); return nil
        }
        guard let mirType = MIR.DType(rawValue: dtype.rawValue) else { return nil }
        var out: [Dim] = []
        for d in dims {
            guard let dim = resolveDim(d) else { return nil }
            out.append(dim)
        }
        return TensorType(mirType, out)
    }

    func resolveDim(_ d: DimExpr) -> Dim? {
        switch d.kind {
        case .constant(let v):
            guard v >= 0, v <= 1 << 40 else { error("dim \(v) is out of range", d.range); return nil }
            return .constant(v)
        case .symbol(let s): return .symbol(s)
        case .binary(let op, let l, let r):
            guard let a = resolveDim(l), let b = resolveDim(r) else { return nil }
            switch op {
            case .add: return a + b
            case .subtract: return a - b
            case .multiply: return a * b
            case .divide:
                if b == .constant(0) { error("division by zero in a dim", d.range); return nil }
                return Dim.quotient(a, b)
            case .modulo: error("'%' is not supported in dims", d.range); return nil
            }
        }
    }
}
