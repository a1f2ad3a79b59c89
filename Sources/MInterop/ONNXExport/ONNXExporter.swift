import MIR

/// Why a module could not be written as ONNX.
public enum ONNXExportError: Error, Sendable, CustomStringConvertible {
    /// The requested model does not exist (or the module has none).
    case noModel(String?, available: [String])
    /// An op (or this use of it) has no ONNX equivalent in the exporter's opset; `value`
    /// numbers its result as MIR text does.
    case unsupported(op: String, value: Int, location: SourceLocation?, reason: String)
    /// A parameter's data could not be produced or does not fit its type.
    case parameter(String, reason: String)
    /// Graph names that ONNX cannot represent (an output named like an unrelated input).
    case naming(String)

    public var description: String {
        switch self {
        case .noModel(let name?, let available):
            return "ONNX export: no model named '\(name)' (models: \(available.joined(separator: ", ")))"
        case .noModel(nil, _):
            return "ONNX export: the module has no model"
        case .unsupported(let op, let value, let location, let reason):
            let at = location.map { "\($0): " } ?? ""
            return "\(at)ONNX export: op '\(op)' (%\(value)) cannot be exported: \(reason)"
        case .parameter(let name, let reason):
            return "ONNX export: parameter '\(name)': \(reason)"
        case .naming(let message):
            return "ONNX export: \(message)"
        }
    }
}

/// The ONNX versions the exporter writes: IR version 8 (onnx 1.10+) and the default
/// domain at opset 13, the first with per-axis Softmax and Split/Squeeze/ReduceSum inputs.
public enum ONNXExportVersion {
    public static let irVersion = 8
    public static let opset = 13
}

/// Writes one model of `module` (`function`, default: the last one declared, as the C ABI's
/// default model) as a serialized ONNX `ModelProto`.
///
/// Parameters the model reads become initializers with `raw_data` from `parameterData`
/// (packed little-endian bytes of the parameter's dtype); symbolic dims of the inputs and
/// outputs become `dim_param`s; each MIR op becomes one ONNX node, or a short pattern of
/// nodes where ONNX spells it differently (Reshape's shape tensor, Gelu before opset 20).
public func exportONNX(
    _ module: Module, function name: String?, parameterData: (Parameter) throws -> [UInt8],
    producerVersion: String = ""
) throws(ONNXExportError) -> [UInt8] {
    let chosen = name.map { n in module.functions.first { $0.name == n } } ?? module.functions.last
    guard let function = chosen else { throw .noModel(name, available: module.functions.map(\.name)) }
    var ctx = try ONNXExportContext(module: module, function: function, parameterData: parameterData)
    for op in function.ops where op.kind != .param {
        try ctx.export(op)
    }
    ctx.finishOutputs()
    return ONNXProtoEncoder.model(ctx.graph, irVersion: ONNXExportVersion.irVersion, opset: ONNXExportVersion.opset,
                                  producer: "mcc", producerVersion: producerVersion)
}

/// The state of one export: the graph built so far and the ONNX name of every MIR value.
struct ONNXExportContext {
    let function: Function
    var graph: ExportGraph
    /// `names[v.raw]`: the ONNX value holding MIR value `v` (its final name, fixed up front).
    var names: [String]
    /// Every name in use in the graph, so that `fresh` never collides.
    private var taken: Set<String> = []
    private var nodeCount = 0
    /// Graph outputs that need an Identity node (the value is an input, a parameter or another output).
    private var pendingOutputs: [(name: String, value: ValueID)] = []
    /// Where each symbol of the signature can be read at run time: input name and axis.
    var symbolSources: [String: (input: String, axis: Int)] = [:]
    /// Cached run-time dim tensors (`int64[1]`), keyed by the dim's text.
    var dimTensors: [String: String] = [:]
    /// Constants added by the op table, so that equal ones (a shape, an axis) are stored once.
    private var constants: [ConstantKey: String] = [:]

    init(module: Module, function: Function, parameterData: (Parameter) throws -> [UInt8]) throws(ONNXExportError) {
        self.function = function
        graph = ExportGraph(name: function.name)
        names = [String](repeating: "", count: function.valueCount)

        // Inputs and outputs keep their MIR names; everything else is named around them.
        for (i, a) in function.arguments.enumerated() {
            guard taken.insert(a.name).inserted else { throw .naming("input '\(a.name)' is declared twice") }
            names[i] = a.name
            graph.inputs.append(ExportValueInfo(name: a.name, elementType: a.type.dtype.onnxElementType, dims: exportDims(a.type)))
            for (axis, d) in a.type.shape.enumerated() {
                if case .symbol(let s) = d, symbolSources[s] == nil { symbolSources[s] = (a.name, axis) }
            }
        }
        var claimed = Set<Int>()
        for r in function.results {
            guard taken.insert(r.name).inserted || (function.isArgument(r.value) && names[r.value.raw] == r.name) else {
                throw .naming("output '\(r.name)' has the same name as an input or another output")
            }
            let producer = function.ops.first { $0.result == r.value }
            if let op = producer, op.kind != .param, claimed.insert(r.value.raw).inserted {
                names[r.value.raw] = r.name
            } else if !(function.isArgument(r.value) && names[r.value.raw] == r.name) {
                pendingOutputs.append((r.name, r.value))
            }
            let t = function.type(of: r.value)
            graph.outputs.append(ExportValueInfo(name: r.name, elementType: t.dtype.onnxElementType, dims: exportDims(t)))
        }

        // Parameters the model reads become initializers, once each.
        var initializerName: [String: String] = [:]
        for op in function.ops where op.kind == .param {
            guard let pname = op.attributes["name"]?.stringValue, let p = module.parameter(named: pname) else {
                throw unsupported(op, "it names no module parameter")
            }
            if let existing = initializerName[pname] { names[op.result.raw] = existing; continue }
            guard let shape = p.type.staticShape else { throw .parameter(pname, reason: "symbolic shape \(p.type)") }
            let data: [UInt8]
            do { data = try parameterData(p) } catch { throw .parameter(pname, reason: "\(error)") }
            let expected = shape.reduce(1, *) * p.type.dtype.byteSize
            guard data.count == expected else {
                throw .parameter(pname, reason: "\(data.count) bytes of data for \(p.type) (\(expected) bytes)")
            }
            let onnxName = fresh(pname)
            initializerName[pname] = onnxName
            names[op.result.raw] = onnxName
            graph.initializers.append(ExportTensor(name: onnxName, elementType: p.type.dtype.onnxElementType, dims: shape, rawData: data))
        }
        // Intermediate values: named after the op and its number in MIR text (`%5 = conv2d` is `conv2d_5`).
        for op in function.ops where names[op.result.raw].isEmpty {
            names[op.result.raw] = fresh("\(op.kind.rawValue)_\(op.result.raw - function.arguments.count)")
        }
    }

    /// Connects outputs that name an existing value (an input, a parameter, a value output twice).
    mutating func finishOutputs() {
        for p in pendingOutputs {
            let source = names[p.value.raw]
            nodeCount += 1
            graph.nodes.append(ExportNode(opType: "Identity", inputs: [source], outputs: [p.name], name: "Identity_\(nodeCount)"))
        }
    }

    /// Shape of a graph input or output: constants, symbols as `dim_param`, and
    /// expressions (`2 * n`) as a `dim_param` spelled like MIR prints them.
    func exportDims(_ t: TensorType) -> [ExportDim] {
        t.shape.map { d in d.constantValue.map(ExportDim.value) ?? .param(d.description) }
    }

    // MARK: building blocks for the op table

    /// A name not used yet in the graph, `hint` itself when free.
    mutating func fresh(_ hint: String) -> String {
        if taken.insert(hint).inserted { return hint }
        var i = 1
        while !taken.insert("\(hint)_\(i)").inserted { i += 1 }
        return "\(hint)_\(i)"
    }

    /// Appends a node; returns its (first) output, `output` or a fresh name.
    @discardableResult
    mutating func node(_ opType: String, _ inputs: [String], output: String? = nil,
                       _ attributes: [(name: String, value: ExportAttribute)] = [], outputs extra: [String] = []) -> String {
        let out = output ?? fresh("\(opType.lowercased())_t")
        nodeCount += 1
        graph.nodes.append(ExportNode(opType: opType, inputs: inputs, outputs: [out] + extra,
                                      name: "\(opType)_\(nodeCount)", attributes: attributes))
        return out
    }

    /// An `int64` initializer; `dims` nil means a 1-D tensor of the values. Equal constants are shared.
    mutating func int64s(_ values: [Int], dims: [Int]? = nil, hint: String = "const") -> String {
        let shape = dims ?? [values.count]
        let raw = values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: Int64(v) >> (8 * $0)) } }
        return constant(ExportTensor(name: hint, elementType: DType.i64.onnxElementType, dims: shape, rawData: raw))
    }

    /// A scalar initializer of `dtype` (for Clip bounds, Pad values and decomposed activations).
    mutating func scalar(_ value: Double, _ dtype: DType, hint: String = "scalar") -> String {
        constant(ExportTensor(name: hint, elementType: dtype.onnxElementType, dims: [], rawData: packValues([value], as: dtype)))
    }

    /// Adds `t` as an initializer named after `t.name`, or returns an equal one added before.
    mutating func constant(_ t: ExportTensor) -> String {
        let key = ConstantKey(elementType: t.elementType, dims: t.dims, rawData: t.rawData)
        if let existing = constants[key] { return existing }
        var named = t
        named.name = fresh(t.name)
        graph.initializers.append(named)
        constants[key] = named.name
        return named.name
    }

    /// The error for `op`, numbered as MIR text prints it (`%0` is the first op's result).
    func unsupported(_ op: Operation, _ reason: String) -> ONNXExportError {
        .unsupported(op: op.kind.rawValue, value: op.result.raw - function.arguments.count, location: op.location, reason: reason)
    }
}

/// Identity of a constant initializer: type, shape and bytes.
private struct ConstantKey: Hashable {
    var elementType: Int
    var dims: [Int]
    var rawData: [UInt8]
}
