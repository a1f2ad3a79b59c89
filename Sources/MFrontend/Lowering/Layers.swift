import MIR

/// The layer library: every layer type, its argument signature, and argument binding with a
/// precise diagnostic for each problem. Lowering lives in LayerLowering*.swift.
enum LayerKind: String, CaseIterable {
    case dense = "Dense"
    case conv1d = "Conv1D", conv2d = "Conv2D", depthwiseConv2d = "DepthwiseConv2D"
    case convTranspose2d = "ConvTranspose2D"
    case batchNorm = "BatchNorm", layerNorm = "LayerNorm", dropout = "Dropout", embedding = "Embedding"
    case lstm = "LSTM", gru = "GRU", multiHeadAttention = "MultiHeadAttention"
    case maxPooling2d = "MaxPooling2D", averagePooling2d = "AveragePooling2D"
    case globalAveragePooling2d = "GlobalAveragePooling2D", globalMaxPooling2d = "GlobalMaxPooling2D"
    case globalAveragePooling1d = "GlobalAveragePooling1D"
    case flatten = "Flatten", reshape = "Reshape", concat = "Concat", add = "Add"
    case activation = "Activation", relu = "ReLU", relu6 = "ReLU6", gelu = "GELU", sigmoid = "Sigmoid", tanh = "Tanh"
    case silu = "SiLU", softmax = "Softmax", leakyRelu = "LeakyReLU", normalize = "Normalize", identity = "Identity"

    /// Other spellings of layer names (Keras and PyTorch).
    static let nameAliases: [String: LayerKind] = [
        "Linear": .dense, "BatchNormalization": .batchNorm, "BatchNorm2D": .batchNorm, "BatchNorm1D": .batchNorm,
        "LayerNormalization": .layerNorm, "MaxPool2D": .maxPooling2d, "AvgPool2D": .averagePooling2d,
        "AveragePool2D": .averagePooling2d, "Conv2DTranspose": .convTranspose2d, "Concatenate": .concat,
    ]

    init?(name: String) {
        if let k = LayerKind(rawValue: name) { self = k } else if let k = LayerKind.nameAliases[name] { self = k } else { return nil }
    }

    static var allNames: [String] { allCases.map(\.rawValue) + nameAliases.keys.sorted() }

    /// Layers whose output has the input's shape (allowed in front of a model in sequentialModel).
    var preservesShape: Bool {
        switch self {
        case .batchNorm, .layerNorm, .dropout, .activation, .relu, .relu6, .gelu, .sigmoid, .tanh, .silu, .softmax,
             .leakyRelu, .normalize, .identity:
            return true
        case .dense, .conv1d, .conv2d, .depthwiseConv2d, .convTranspose2d, .embedding, .lstm, .gru, .multiHeadAttention,
             .maxPooling2d, .averagePooling2d, .globalAveragePooling2d, .globalMaxPooling2d, .globalAveragePooling1d,
             .flatten, .reshape, .concat, .add:
            return false
        }
    }

    /// How many tensors the layer takes when applied.
    var inputArity: ClosedRange<Int> {
        switch self {
        case .concat, .add: 2...1000
        case .multiHeadAttention: 1...3
        default: 1...1
        }
    }
}

/// Activation names usable as `activation = "..."`, in `Activation("...")` and as functions in forward.
let activationNames = ["relu", "relu6", "gelu", "sigmoid", "tanh", "softmax", "leaky_relu", "silu", "exp", "log",
                       "sqrt", "abs", "elu", "softplus", "linear"]

/// What an argument accepts.
enum ArgumentType {
    case int, positiveInt, nonNegativeInt
    /// One positive Int or a pair `(a, b)`; bound as a 2-tuple.
    case intPair
    /// One non-negative Int or a pair; bound as a 2-tuple.
    case nonNegativePair
    /// `"valid"`, `"same"`, an Int or a pair of Ints.
    case padding
    case string([String])
    case bool, float
    /// A Float in [0, 1).
    case probability
    /// A tuple of Ints (or one Int); `-1` allowed once.
    case shape
    /// One Int or a tuple of Ints (axes, permutations).
    case ints

    var description: String {
        switch self {
        case .int: "an Int"
        case .positiveInt: "a positive Int"
        case .nonNegativeInt: "a non-negative Int"
        case .intPair: "an Int or a pair of Ints like (3, 3)"
        case .nonNegativePair: "a non-negative Int or a pair of them"
        case .padding: "\"valid\", \"same\", an Int or a pair of Ints"
        case .string(let choices): "one of " + choices.map { "\"\($0)\"" }.joined(separator: ", ")
        case .bool: "a Bool"
        case .float: "a Float"
        case .probability: "a Float in [0, 1)"
        case .shape: "a tuple of Ints like (7, 7, 64)"
        case .ints: "an Int or a tuple of Ints"
        }
    }
}

struct ArgumentSpec {
    var name: String
    var type: ArgumentType
    var required = false
    init(_ name: String, _ type: ArgumentType, required: Bool = false) {
        self.name = name; self.type = type; self.required = required
    }
}

extension LayerKind {
    var signature: [ArgumentSpec] {
        let act = ArgumentSpec("activation", .string(activationNames))
        let bias = ArgumentSpec("use_bias", .bool)
        var specs: [ArgumentSpec]
        switch self {
        case .dense: specs = [ArgumentSpec("units", .positiveInt, required: true), act, bias]
        case .conv1d:
            specs = [ArgumentSpec("filters", .positiveInt, required: true), ArgumentSpec("kernel", .positiveInt, required: true),
                     ArgumentSpec("stride", .positiveInt), ArgumentSpec("padding", .padding), ArgumentSpec("dilation", .positiveInt),
                     ArgumentSpec("groups", .positiveInt), act, bias]
        case .conv2d:
            specs = [ArgumentSpec("filters", .positiveInt, required: true), ArgumentSpec("kernel", .intPair, required: true),
                     ArgumentSpec("stride", .intPair), ArgumentSpec("padding", .padding), ArgumentSpec("dilation", .intPair),
                     ArgumentSpec("groups", .positiveInt), act, bias]
        case .depthwiseConv2d:
            specs = [ArgumentSpec("kernel", .intPair, required: true), ArgumentSpec("stride", .intPair),
                     ArgumentSpec("padding", .padding), ArgumentSpec("dilation", .intPair),
                     ArgumentSpec("depth_multiplier", .positiveInt), act, bias]
        case .convTranspose2d:
            specs = [ArgumentSpec("filters", .positiveInt, required: true), ArgumentSpec("kernel", .intPair, required: true),
                     ArgumentSpec("stride", .intPair), ArgumentSpec("padding", .nonNegativePair),
                     ArgumentSpec("output_padding", .nonNegativePair), act, bias]
        case .batchNorm: specs = [ArgumentSpec("eps", .float), ArgumentSpec("momentum", .float)]
        case .layerNorm: specs = [ArgumentSpec("eps", .float)]
        case .dropout: specs = [ArgumentSpec("rate", .probability, required: true)]
        case .embedding:
            specs = [ArgumentSpec("vocab", .positiveInt, required: true), ArgumentSpec("dim", .positiveInt, required: true)]
        case .lstm, .gru:
            specs = [ArgumentSpec("units", .positiveInt, required: true), ArgumentSpec("return_sequences", .bool)]
        case .multiHeadAttention: specs = [ArgumentSpec("heads", .positiveInt, required: true), ArgumentSpec("dropout", .probability)]
        case .maxPooling2d, .averagePooling2d:
            specs = [ArgumentSpec("pool", .intPair), ArgumentSpec("stride", .intPair), ArgumentSpec("padding", .padding)]
        case .globalAveragePooling2d, .globalMaxPooling2d, .globalAveragePooling1d, .flatten, .add, .relu, .relu6,
             .sigmoid, .tanh, .silu, .identity:
            specs = []
        case .reshape: specs = [ArgumentSpec("shape", .shape, required: true)]
        case .concat: specs = [ArgumentSpec("axis", .int)]
        case .activation: specs = [ArgumentSpec("function", .string(activationNames), required: true)]
        case .gelu: specs = [ArgumentSpec("approximate", .string(["none", "tanh"]))]
        case .softmax: specs = [ArgumentSpec("axis", .int)]
        case .leakyRelu: specs = [ArgumentSpec("alpha", .float)]
        case .normalize: specs = [ArgumentSpec("mean", .float, required: true), ArgumentSpec("std", .float, required: true)]
        }
        // Keras' builder style declares the input on the first layer (channels last).
        specs.append(ArgumentSpec("input_shape", .shape))
        return specs
    }

    /// Alternative spellings accepted for keyword arguments (Keras and the paper use both).
    static let argumentAliases: [String: String] = [
        "kernel_size": "kernel", "strides": "stride", "pool_size": "pool", "dilation_rate": "dilation",
        "input_dim": "vocab", "output_dim": "dim", "num_heads": "heads", "epsilon": "eps", "target_shape": "shape",
        "num_embeddings": "vocab", "embedding_dim": "dim", "hidden_size": "units", "out_features": "units",
        "negative_slope": "alpha", "p": "rate",
    ]
}

/// A layer with its arguments bound and validated: `fc1 = Dense(128)`.
struct LayerSpec {
    var kind: LayerKind
    var arguments: [String: ConstValue]
    /// The whole call `Dense(128)`, for diagnostics about its construction.
    var range: SourceRange

    func int(_ name: String) -> Int? { arguments[name]?.intValue }
    func float(_ name: String) -> Double? { arguments[name]?.doubleValue }
    func string(_ name: String) -> String? { arguments[name]?.stringValue }
    func bool(_ name: String) -> Bool? { arguments[name]?.boolValue }
    func pair(_ name: String) -> [Int]? {
        guard case .tuple(let items)? = arguments[name] else { return nil }
        let ints = items.compactMap(\.intValue)
        return ints.count == 2 ? ints : nil
    }
    func ints(_ name: String) -> [Int]? {
        guard case .tuple(let items)? = arguments[name] else { return nil }
        let ints = items.compactMap(\.intValue)
        return ints.count == items.count ? ints : nil
    }
    /// The arguments contain values that are not known yet (a metamodel checked generically).
    var isGeneric: Bool { arguments.values.contains { $0.isUnknown } }
}

/// Binds evaluated call arguments to a signature: positional first, then keywords, with a
/// diagnostic for every problem (unknown keyword, duplicate, missing, wrong type or range).
func bindArguments(_ args: [Argument], values: [ConstValue?], to signature: [ArgumentSpec], callee: String,
                   callRange: SourceRange, diags: Diags) -> [String: ConstValue]? {
    var bound: [String: ConstValue] = [:]
    var ok = true
    let positional = signature.filter { $0.name != "input_shape" }
    for (i, arg) in args.enumerated() {
        let spec: ArgumentSpec
        if let label = arg.label {
            let name = LayerKind.argumentAliases[label.name] ?? label.name
            guard let s = signature.first(where: { $0.name == name }) else {
                let names = signature.map(\.name)
                diags.error("'\(callee)' has no argument '\(label.name)'\(suggestion(for: label.name, among: names)) (it takes \(names.joined(separator: ", ")))", at: label.range)
                ok = false; continue
            }
            spec = s
        } else {
            guard i < positional.count else {
                diags.error("'\(callee)' takes at most \(positional.count) positional argument\(positional.count == 1 ? "" : "s"), got \(i + 1)", at: arg.range)
                ok = false; continue
            }
            spec = positional[i]
        }
        if bound[spec.name] != nil {
            diags.error("'\(callee)': argument '\(spec.name)' is given twice", at: arg.range); ok = false; continue
        }
        guard let raw = values[i] else { ok = false; continue }   // already reported by the evaluator
        guard let value = convert(raw, to: spec.type) else {
            var hint = ""
            if case .string(let choices) = spec.type, let s = raw.stringValue { hint = suggestion(for: s, among: choices) }
            diags.error("'\(callee)': argument '\(spec.name)' must be \(spec.type.description), got \(describe(raw))\(hint)", at: arg.value.range)
            ok = false; continue
        }
        bound[spec.name] = value
    }
    for spec in signature where spec.required && bound[spec.name] == nil && ok {
        diags.error("'\(callee)' is missing its argument '\(spec.name)' (\(spec.type.description))", at: callRange)
        ok = false
    }
    return ok ? bound : nil
}

/// Checks and normalizes a value for an argument type; unknown values of a fitting type pass.
func convert(_ v: ConstValue, to type: ArgumentType) -> ConstValue? {
    if case .unknown(let t) = v {
        let numeric = t == .int || t == .any
        switch type {
        case .int, .positiveInt, .nonNegativeInt: return numeric ? v : nil
        case .intPair, .nonNegativePair: return numeric ? .tuple([v, v]) : (t == .tuple ? v : nil)
        case .padding, .shape, .ints: return v
        case .string: return t == .string || t == .any ? v : nil
        case .bool: return t == .bool || t == .any ? v : nil
        case .float, .probability: return numeric || t == .float ? v : nil
        }
    }
    let limit = 1 << 24
    switch type {
    case .int:
        guard let i = v.intValue, i.magnitude <= UInt(limit) else { return nil }
        return v
    case .positiveInt:
        guard let i = v.intValue, i > 0, i <= limit else { return nil }
        return v
    case .nonNegativeInt:
        guard let i = v.intValue, i >= 0, i <= limit else { return nil }
        return v
    case .intPair, .nonNegativePair:
        var low = 0
        if case .intPair = type { low = 1 }
        if let i = v.intValue { return i >= low && i <= 1 << 16 ? .tuple([v, v]) : nil }
        guard case .tuple(let items) = v, items.count == 2,
              items.allSatisfy({ ($0.intValue ?? -1) >= low && ($0.intValue ?? 0) <= 1 << 16 }) else { return nil }
        return v
    case .padding:
        if let s = v.stringValue { return s == "valid" || s == "same" ? v : nil }
        return convert(v, to: .nonNegativePair)
    case .string(let choices):
        guard let s = v.stringValue, choices.contains(s) else { return nil }
        return v
    case .bool: return v.boolValue == nil ? nil : v
    case .float:
        guard let d = v.doubleValue, d.isFinite else { return nil }
        return .float(d)
    case .probability:
        guard let d = v.doubleValue, d >= 0, d < 1 else { return nil }
        return .float(d)
    case .ints:
        if let i = v.intValue { return i.magnitude <= UInt(limit) ? .tuple([v]) : nil }
        guard case .tuple(let items) = v, items.count <= 8,
              items.allSatisfy({ ($0.intValue?.magnitude ?? UInt.max) <= UInt(limit) }) else { return nil }
        return v
    case .shape:
        if let i = v.intValue { return i > 0 && i <= limit ? .tuple([v]) : nil }
        guard case .tuple(let items) = v, !items.isEmpty, items.count <= 8 else { return nil }
        let ints = items.compactMap(\.intValue)
        guard ints.count == items.count, ints.allSatisfy({ ($0 > 0 && $0 <= limit) || $0 == -1 }),
              ints.filter({ $0 == -1 }).count <= 1 else { return nil }
        return v
    }
}

/// A short description of a value for type errors: `the String "two"`, `the Int 3`.
func describe(_ v: ConstValue) -> String {
    switch v {
    case .string(let s): return "the String \"\(s.count > 20 ? String(s.prefix(20)) + "..." : s)\""
    case .int(let i): return "the Int \(i)"
    case .float(let f): return "the Float \(formatFloat(f))"
    case .bool(let b): return "the Bool \(b)"
    case .tuple(let items): return "a tuple of \(items.count) element\(items.count == 1 ? "" : "s")"
    case .list: return "a list"
    case .unknown(let t): return "a value of type \(t.rawValue)"
    }
}

/// A short description of an expression, for "expected a tensor expression, found ...".
func describe(_ e: Expr) -> String {
    switch e.kind {
    case .string(let s): return describe(ConstValue.string(s))
    case .int(let v): return "the Int \(v)"
    case .float(let v): return "the Float \(formatFloat(v))"
    case .bool(let b): return "the Bool \(b)"
    case .tuple(let items): return "a tuple of \(items.count) element\(items.count == 1 ? "" : "s")"
    case .list: return "a list"
    case .identifier(let n): return "'\(n)'"
    default: return "an expression"
    }
}
