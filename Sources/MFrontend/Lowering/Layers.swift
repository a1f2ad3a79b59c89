import MIR

/// The layer library of the first language subset: what each layer call means, checked
/// against a signature so wrong arguments get a precise diagnostic.
enum LayerKind: String, CaseIterable {
    case dense = "Dense", conv2d = "Conv2D", maxPooling2d = "MaxPooling2D", averagePooling2d = "AveragePooling2D"
    case flatten = "Flatten", activation = "Activation", softmax = "Softmax", relu = "ReLU"
}

/// Activations usable as functions in `forward` and as `activation = "..."` arguments.
let activationOps: [String: OpKind] = ["relu": .relu, "sigmoid": .sigmoid, "tanh": .tanh, "exp": .exp,
                                       "log": .log, "sqrt": .sqrt, "abs": .abs]

struct Layer {
    var kind: LayerKind
    var name: Identifier
    var range: SourceRange
    var units = 0                       // Dense units or Conv2D filters
    var kernel = [1, 1], strides = [1, 1], dilations = [1, 1]
    var padding = "valid"
    var useBias = true
    var activation: OpKind?
    var axis = -1
    /// Set at the first application: the parameters' shapes depend on the input.
    var weightShape: [Int]?
    var used = false
}

/// A bound call argument value.
enum ArgumentValue {
    case int(Int), float(Double), string(String), bool(Bool), ints([Int])
}

enum ArgumentType {
    case int, positiveInt, intPair, string([String]), bool, float

    var description: String {
        switch self {
        case .int: "an Int"
        case .positiveInt: "a positive Int"
        case .intPair: "an Int or a pair of Ints like (3, 3)"
        case .string(let choices): "one of " + choices.map { "\"\($0)\"" }.joined(separator: ", ")
        case .bool: "a Bool"
        case .float: "a Float"
        }
    }
}

struct ArgumentSpec {
    var name: String
    var type: ArgumentType
    var required = false
}

extension LayerKind {
    var signature: [ArgumentSpec] {
        let activations = ArgumentType.string(activationOps.keys.sorted() + ["linear"])
        switch self {
        case .dense:
            return [ArgumentSpec(name: "units", type: .positiveInt, required: true),
                    ArgumentSpec(name: "activation", type: activations), ArgumentSpec(name: "use_bias", type: .bool)]
        case .conv2d:
            return [ArgumentSpec(name: "filters", type: .positiveInt, required: true),
                    ArgumentSpec(name: "kernel", type: .intPair, required: true),
                    ArgumentSpec(name: "stride", type: .intPair), ArgumentSpec(name: "padding", type: .string(["valid", "same"])),
                    ArgumentSpec(name: "dilation", type: .intPair), ArgumentSpec(name: "activation", type: activations),
                    ArgumentSpec(name: "use_bias", type: .bool)]
        case .maxPooling2d, .averagePooling2d:
            return [ArgumentSpec(name: "pool", type: .intPair), ArgumentSpec(name: "stride", type: .intPair),
                    ArgumentSpec(name: "padding", type: .string(["valid", "same"]))]
        case .flatten, .relu: return []
        case .activation: return [ArgumentSpec(name: "function", type: activations, required: true)]
        case .softmax: return [ArgumentSpec(name: "axis", type: .int)]
        }
    }

    /// Alternative spellings accepted for keyword arguments (Keras and the paper use both).
    static let aliases: [String: String] = ["kernel_size": "kernel", "strides": "stride", "pool_size": "pool",
                                            "dilation_rate": "dilation"]
}

/// Binds call arguments to a signature: positional first, then keywords, with a
/// diagnostic for every problem (unknown keyword, duplicate, missing, wrong type).
func bindArguments(_ args: [Argument], to signature: [ArgumentSpec], callee: String, callRange: SourceRange,
                   diagnostics: DiagnosticEngine) -> [String: ArgumentValue]? {
    var bound: [String: ArgumentValue] = [:]
    var ok = true
    for (i, arg) in args.enumerated() {
        let spec: ArgumentSpec
        if let label = arg.label {
            let name = LayerKind.aliases[label.name] ?? label.name
            guard let s = signature.first(where: { $0.name == name }) else {
                let names = signature.map(\.name)
                let known = names.isEmpty ? "it takes no arguments" : "it takes " + names.joined(separator: ", ")
                diagnostics.error("'\(callee)' has no argument '\(label.name)'\(suggestion(for: label.name, among: names)) (\(known))", at: label.range)
                ok = false; continue
            }
            spec = s
        } else {
            guard i < signature.count else {
                diagnostics.error("'\(callee)' takes at most \(signature.count) positional argument\(signature.count == 1 ? "" : "s"), got \(i + 1)", at: arg.range)
                ok = false; continue
            }
            spec = signature[i]
        }
        if bound[spec.name] != nil {
            diagnostics.error("'\(callee)': argument '\(spec.name)' is given twice", at: arg.range); ok = false; continue
        }
        guard let value = convert(arg.value, to: spec.type) else {
            diagnostics.error("'\(callee)': argument '\(spec.name)' must be \(spec.type.description), got \(describe(arg.value))", at: arg.value.range)
            ok = false; continue
        }
        bound[spec.name] = value
    }
    for spec in signature where spec.required && bound[spec.name] == nil && ok {
        diagnostics.error("'\(callee)' is missing its argument '\(spec.name)' (\(spec.type.description))", at: callRange)
        ok = false
    }
    return ok ? bound : nil
}

func literalInt(_ e: Expr) -> Int? {
    switch e.kind {
    case .int(let v): return v
    case .unary(.negate, let inner): if case .int(let v) = inner.kind { return -v }; return nil
    default: return nil
    }
}

func convert(_ e: Expr, to type: ArgumentType) -> ArgumentValue? {
    switch type {
    case .int: return literalInt(e).map { .int($0) }
    case .positiveInt:
        guard let v = literalInt(e), v > 0, v <= 1 << 24 else { return nil }
        return .int(v)
    case .intPair:
        if let v = literalInt(e), v > 0, v <= 1 << 16 { return .ints([v, v]) }
        guard case .tuple(let items) = e.kind, items.count == 2 else { return nil }
        let vs = items.compactMap(literalInt)
        guard vs.count == 2, vs.allSatisfy({ $0 > 0 && $0 <= 1 << 16 }) else { return nil }
        return .ints(vs)
    case .string(let choices):
        guard case .string(let s) = e.kind, choices.contains(s) else { return nil }
        return .string(s)
    case .bool:
        guard case .bool(let b) = e.kind else { return nil }
        return .bool(b)
    case .float:
        switch e.kind {
        case .float(let v): return .float(v)
        case .int(let v): return .float(Double(v))
        default: return nil
        }
    }
}

/// A short description of what an argument expression is, for type errors.
func describe(_ e: Expr) -> String {
    switch e.kind {
    case .string(let s): return "the String \"\(s.count > 20 ? String(s.prefix(20)) + "..." : s)\""
    case .int(let v): return "the Int \(v)"
    case .float(let v): return "the Float \(v)"
    case .bool(let b): return "the Bool \(b)"
    case .tuple(let items): return "a tuple of \(items.count) element\(items.count == 1 ? "" : "s")"
    case .list: return "a list"
    case .identifier(let n): return "'\(n)'"
    case .unary(.negate, _): return literalInt(e).map { "the Int \($0)" } ?? "an expression"
    default: return "an expression"
    }
}
