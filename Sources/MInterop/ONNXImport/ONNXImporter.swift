import Foundation
import MIR

/// Every problem found while importing, reported together (e.g. all unsupported nodes).
public struct ONNXImportError: Error, Sendable, CustomStringConvertible {
    public var messages: [String]
    public init(_ messages: [String]) { self.messages = messages }
    public var description: String { messages.map { "error: \($0)" }.joined(separator: "\n") }
}

/// The imported module plus the parameter bytes it refers to through `external(key)`.
public struct ONNXImportResult {
    public var module: Module
    public var parameterData: [String: [UInt8]]
}

/// A node-level failure; the importer prefixes the node's op, opset and name.
struct NodeError: Error {
    var message: String
    var unsupported: Bool
    init(_ message: String, unsupported: Bool = false) { self.message = message; self.unsupported = unsupported }
    static func unsupported(_ m: String) -> NodeError { NodeError(m, unsupported: true) }
}

/// Imports an ONNX graph as one MIR function (one model). Graph inputs become arguments
/// with `dim_param` names as symbolic dims; initializers become parameters; shape
/// arithmetic (Shape, Gather, Concat, ...) is folded at compile time, symbolically.
///
/// - Parameter differentiate: imports `Gradient` nodes (ai.onnx.preview.training) with it;
///   without it they are reported as unsupported.
/// `fuseRecurrent`: LSTMs become `lstm_sequence` kernels (inference); false keeps the unrolled,
/// differentiable form (training builds).
public func importONNX(_ model: ONNXModel, modelName: String, forceDynamic: Bool = false,
                       differentiate: ONNXDifferentiator? = nil, fuseRecurrent: Bool = true) throws(ONNXImportError) -> ONNXImportResult {
    var importer = ONNXImporter(model: model, modelName: modelName, forceDynamic: forceDynamic)
    importer.differentiate = differentiate
    importer.fuseRecurrent = fuseRecurrent
    return try importer.run()
}

struct ONNXImporter {
    let model: ONNXModel
    let modelName: String
    let forceDynamic: Bool
    /// LSTMs import as lstm_sequence (see fusesLSTM); off for training builds.
    var fuseRecurrent = true
    let opset: Int
    var module: Module
    var function: Function!
    var values: [String: ImportValue] = [:]
    /// Sequence-typed values, kept apart from tensors: a sequence never reaches MIR.
    var sequences: [String: ImportSequence] = [:]
    var data: [String: [UInt8]] = [:]
    var errors: [String] = []
    var unsupported: [String] = []
    var constantCount = 0
    var node: ONNXNode?
    /// Forced-dynamic symbols and the static size the model declared for them. A symbol is
    /// pinned back to its size only when an op cannot work with it symbolically.
    var forcedSymbols: [String: Int] = [:]
    /// How many nodes (and graph outputs) read each value name: folding BatchNorm into a
    /// convolution is only safe when the convolution's output has no other reader.
    var readers: [String: Int] = [:]
    var differentiate: ONNXDifferentiator?
    var gradientRequests: [GradientRequest] = []
    /// Gradient outputs by name: (request, index into its xs).
    var pendingGradients: [String: (request: Int, index: Int)] = [:]
    /// Small run-time tensors computed from graph inputs by scalar arithmetic (a Cast of a
    /// size input): their elements as symbol expressions, so they can decide shapes.
    var dataExprs: [ValueID: [SymExpr]] = [:]

    init(model: ONNXModel, modelName: String, forceDynamic: Bool) {
        self.model = model; self.modelName = modelName; self.forceDynamic = forceDynamic
        opset = model.opsetImports[""] ?? model.opsetImports["ai.onnx"] ?? 1
        module = Module(name: modelName)
    }

    mutating func run() throws(ONNXImportError) -> ONNXImportResult {
        let graph = model.graph
        var arguments: [FunctionInput] = []
        for input in graph.inputs where graph.initializers[input.name] == nil {
            guard input.kind == .tensor else {
                errors.append("graph input '\(input.name)' is \(describeKind(input.kind)); mcc's C ABI passes tensors only")
                continue
            }
            guard let code = input.elemType, let dt = mirDType(code) else {
                errors.append("graph input '\(input.name)' has unsupported element type \(input.elemType.map(onnxTypeName) ?? "unknown")")
                continue
            }
            guard let dims = input.dims else {
                errors.append("graph input '\(input.name)' has no shape; mcc needs the rank of every input"); continue
            }
            var shape: [Dim] = []
            for (k, d) in dims.enumerated() {
                switch d {
                case .value(let v) where !forceDynamic: shape.append(.constant(v))
                case .param(let p) where !forceDynamic: shape.append(.symbol(symbolName(p)))
                default:
                    let s = symbolName("\(input.name)_d\(k)")
                    if case .value(let v) = d { forcedSymbols[s] = v }
                    shape.append(.symbol(s))
                }
            }
            arguments.append(FunctionInput(name: input.name, type: TensorType(dt, shape)))
        }
        if !errors.isEmpty { throw ONNXImportError(errors) }
        function = Function(name: modelName, arguments: arguments)
        for (i, a) in arguments.enumerated() { values[a.name] = .tensor(function.argument(i)) }
        bindInitializers(of: graph)
        countReaders(graph)
        for o in graph.outputs { readers[o.name, default: 0] += 1 }
        for n in graph.nodes {
            node = n
            do throws(NodeError) {
                do throws(NodeError) { try importNode(n) } catch {
                    // Retry once with this node's forced-dynamic dims pinned to their sizes.
                    guard pinForcedSymbols(of: n) else { throw error }
                    try importNode(n)
                }
            } catch {
                let where_ = describe(n)
                if error.unsupported { unsupported.append("\(where_) is not supported: \(error.message)") }
                else { errors.append("\(where_): \(error.message)") }
            }
        }
        node = nil
        let problems = unsupported + errors
        if !problems.isEmpty { throw ONNXImportError(problems) }
        for output in graph.outputs {
            if ![.tensor, .none].contains(output.kind) || sequences[output.name] != nil {
                let kind = sequences[output.name] != nil ? describeKind(.sequence) : describeKind(output.kind)
                errors.append("graph output '\(output.name)' is \(kind); mcc's C ABI passes tensors only"); continue
            }
            if pendingGradients[output.name] != nil { continue }
            guard let v = values[output.name] else { errors.append("graph output '\(output.name)' is never computed"); continue }
            do {
                let id = try tensor(v)   // codegen copies outputs that are inputs or parameters
                function.results.append(FunctionOutput(name: output.name, value: id))
            } catch { errors.append("graph output '\(output.name)': \(error.message)") }
        }
        if !errors.isEmpty { throw ONNXImportError(errors) }
        if !gradientRequests.isEmpty {
            try differentiatePending()
            // Graph output order, with each gradient output in its place.
            let byName = Dictionary(function.results.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            var results: [FunctionOutput] = []
            for o in graph.outputs {
                let key = pendingGradients[o.name].map { "onnx.gradient.\($0.request).\($0.index)" } ?? o.name
                guard let v = byName[key] else { throw ONNXImportError(["internal error: graph output '\(o.name)' was lost while differentiating"]) }
                results.append(FunctionOutput(name: o.name, value: v))
            }
            function.results = results
        }
        module.functions.append(function)
        do { try module.verify() } catch { throw ONNXImportError(["internal error: imported MIR fails verification: \(error)"]) }
        return ONNXImportResult(module: module, parameterData: data)
    }

    /// Initializers become compile-time constants (a subgraph may have its own).
    mutating func bindInitializers(of graph: ONNXGraph) {
        for (name, t) in graph.initializers {
            guard let dt = mirDType(t.elemType) else {
                // Only an error if a node actually reads it.
                continue
            }
            let vals = t.dims.reduce(1, *) <= 1 << 16 ? (decodeValues(t.data, dt) ?? []) : []
            var c = ConstTensor(dtype: dt, shape: t.dims, values: vals, raw: t.data)
            c.name = name
            values[name] = .constant(c)
        }
    }

    /// Counts readers in `graph` and its subgraphs, whose reads of outer values count too.
    mutating func countReaders(_ graph: ONNXGraph) {
        for n in graph.nodes {
            for i in n.inputs where !i.isEmpty { readers[i, default: 0] += 1 }
            for a in n.attributes.values {
                switch a {
                case .graph(let g): countReaders(g); for o in g.outputs { readers[o.name, default: 0] += 1 }
                case .graphs(let gs): for g in gs { countReaders(g); for o in g.outputs { readers[o.name, default: 0] += 1 } }
                default: break
                }
            }
        }
    }

    /// Imports one node, binding its outputs (tensors in `values`, sequences in `sequences`).
    mutating func importNode(_ n: ONNXNode) throws(NodeError) {
        for name in n.inputs where pendingGradients[name] != nil {
            throw .unsupported("input '\(name)' is an output of Gradient, which mcc computes after the rest of the graph: Gradient outputs can only be graph outputs")
        }
        if n.domain == Self.trainingDomain, n.opType == "Gradient" { return try gradient(n) }
        if let outs = try structured(n) {
            for (name, v) in zip(n.outputs, outs) where !name.isEmpty { bind(name, v) }
            return
        }
        for name in n.inputs where !name.isEmpty && values[name] == nil && sequences[name] != nil {
            throw NodeError("input '\(name)' is a sequence, but this op takes tensors")
        }
        var outs: [ImportValue]
        if let folded = try foldLogic(n) { outs = folded } else { outs = try convert(n) }
        for (name, v) in zip(n.outputs, outs) where !name.isEmpty { bind(name, .value(v)) }
        trackData(n, outs)
    }

    /// "ONNX op 'Add' (opset 13) at node 'add1'", for diagnostics.
    func describe(_ n: ONNXNode) -> String {
        "ONNX op '\(n.opType)' (opset \(opset)) at node '\(n.name.isEmpty ? n.outputs.first ?? "?" : n.name)'"
    }

    func describeKind(_ kind: ONNXTypeKind) -> String {
        switch kind {
        case .tensor: "a tensor"
        case .sparseTensor: "a sparse tensor"
        case .sequence: "a sequence"
        case .map: "a map"
        case .optional: "an optional"
        case .none: "untyped"
        }
    }

    /// Pins the forced-dynamic symbols in `n`'s input types; false when there are none.
    mutating func pinForcedSymbols(of n: ONNXNode) -> Bool {
        var map: [String: Dim] = [:]
        for name in n.inputs + outerNames(readBy: n) where !name.isEmpty {
            // A sequence input's elements count as inputs (ConcatFromSequence).
            let read = values[name].map { [$0] } ?? sequences[name]?.elements.compactMap { $0 } ?? []
            for v in read {
                var dims = type(v).shape
                if case .constant(let c) = v, let d = c.dims { dims += d }
                for d in dims { for s in d.symbols { if let size = forcedSymbols[s] { map[s] = .constant(size) } } }
            }
        }
        guard !map.isEmpty else { return false }
        for s in map.keys { forcedSymbols[s] = nil }
        function.substituteSymbols(map)
        func pinned(_ v: ImportValue) -> ImportValue {
            guard case .constant(var c) = v, let d = c.dims else { return v }
            c.dims = d.map { $0.substituting(map) }
            c.values = c.dims!.map { Double($0.constantValue ?? -1) }
            return .constant(c)
        }
        for (k, v) in values { values[k] = pinned(v) }
        for (k, s) in sequences { sequences[k]?.elements = s.elements.map { $0.map(pinned) } }
        return true
    }

    /// Every name the subgraphs of `n` read: outer values among them are implicit inputs.
    func outerNames(readBy n: ONNXNode) -> [String] {
        var names: [String] = []
        for a in n.attributes.values {
            let graphs: [ONNXGraph] = switch a {
            case .graph(let g): [g]
            case .graphs(let gs): gs
            default: []
            }
            for g in graphs {
                for inner in g.nodes { names += inner.inputs + outerNames(readBy: inner) }
                names += g.outputs.map(\.name)
            }
        }
        return names
    }

    func symbolName(_ raw: String) -> String {
        var s = String(raw.unicodeScalars.map { c -> Character in
            (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c))) || c == "_" ? Character(c) : "_"
        })
        if s.isEmpty || s.first!.isNumber { s = "d_" + s }
        return s
    }

    // MARK: values

    /// The value of a node input; `nil` for an omitted optional input.
    func input(_ n: ONNXNode, _ i: Int) throws(NodeError) -> ImportValue? {
        guard i < n.inputs.count, !n.inputs[i].isEmpty else { return nil }
        guard let v = values[n.inputs[i]] else { throw NodeError("input '\(n.inputs[i])' is not defined") }
        return v
    }
    func required(_ n: ONNXNode, _ i: Int) throws(NodeError) -> ImportValue {
        guard let v = try input(n, i) else { throw NodeError("missing input #\(i)") }
        return v
    }
    /// A compile-time constant input (shapes, axes, pads): run-time values are unsupported.
    func constant(_ n: ONNXNode, _ i: Int) throws(NodeError) -> ConstTensor? {
        guard let v = try input(n, i) else { return nil }
        guard case .constant(let c) = v else {
            throw .unsupported("input #\(i) ('\(n.inputs[i])') must be a compile-time constant (its values decide shapes, axes or counts; here it is a run-time value)")
        }
        return c
    }

    func type(_ v: ImportValue) -> TensorType {
        switch v {
        case .tensor(let id): return function.type(of: id)
        case .constant(let c): return c.dims.map { TensorType(.i64, [.constant($0.count)]) } ?? TensorType(c.dtype, static: c.shape)
        }
    }

    /// A run-time tensor for a value, turning constants into parameters.
    mutating func tensor(_ v: ImportValue) throws(NodeError) -> ValueID {
        switch v {
        case .tensor(let id): return id
        case .constant(let c):
            if c.isSymbolic { throw .unsupported("a shape with symbolic dims is used as data") }
            let type = TensorType(c.dtype, static: c.shape)
            if let n = c.name, let p = module.parameter(named: n), p.type == type {
                return try emit(.param, [], attributes: ["name": .string(n)], explicit: type)
            }
            constantCount += 1
            let name = c.name.flatMap { module.parameter(named: $0) == nil ? $0 : nil } ?? "const\(constantCount)"
            let key = "onnx:\(modelName)/\(name)"
            let bytes = c.bytes
            guard bytes.count == c.count * c.dtype.byteSize else { throw NodeError("constant has \(bytes.count) bytes for \(type)") }
            data[key] = bytes
            module.parameters.append(Parameter(name: name, type: type, initializer: .external(key: key)))
            return try emit(.param, [], attributes: ["name": .string(name)], explicit: type)
        }
    }

    mutating func tensorInput(_ n: ONNXNode, _ i: Int) throws(NodeError) -> ValueID { try tensor(try required(n, i)) }

    @discardableResult
    mutating func emit(_ kind: OpKind, _ operands: [ValueID], attributes: Attributes = [:], explicit: TensorType? = nil) throws(NodeError) -> ValueID {
        do {
            return try function.append(kind, operands, attributes: attributes, explicitType: explicit)
        } catch {
            throw NodeError(error.message)
        }
    }
}
