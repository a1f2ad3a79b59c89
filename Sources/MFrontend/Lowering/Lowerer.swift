import MIR

/// A named result of a model or layer application (`logits`, or `y` for a layer).
struct NamedValue {
    var name: String
    var value: ValueID
}

/// How a parameter starts out. Glorot-uniform weights are drawn from the model seed and the
/// parameter's path, so the same source always builds the same library.
enum ParamInit {
    case glorot(fanIn: Int, fanOut: Int)
    case uniform(limit: Double)
    case zeros
    case ones
}

/// The state of lowering one exported model to one MIR function: its private module of
/// parameters, op emission with located shape errors, and parameter and constant creation.
/// Sub-models and layers applied inside it all lower into the same function.
final class Lowerer {
    let program: Program
    let module: Module
    let function: Function
    /// The exported model's name; part of every parameter's seed.
    let rootName: String
    var seed: UInt64 = 0
    var weightsFile: String?
    /// Parameters that are not trained: running statistics and constants.
    private(set) var buffers = Set<String>()
    private var paramValues: [String: ValueID] = [:]
    private var constantNames: [String: String] = [:]
    /// Nesting of sub-model instances, and the metamodels being lowered (to catch self-containment).
    var instanceDepth = 0
    var activeModels: [String] = []
    /// Work done so far (statements lowered, models applied): bounds loops that emit no ops.
    var steps = 0
    static let maxSteps = 100_000
    /// The function is abandoned beyond this many ops (an unrolled loop or recurrence gone wild).
    static let maxOps = 300_000
    private var reportedTooLarge = false

    var diags: Diags { program.diags }

    init(program: Program, rootName: String, arguments: [FunctionInput]) {
        self.program = program
        self.rootName = rootName
        self.module = Module(name: rootName)
        self.function = Function(name: rootName, arguments: arguments)
    }

    func type(_ v: ValueID) -> TensorType { function.type(of: v) }

    /// Whether the op budget is spent (reported once).
    func overBudget(at range: SourceRange) -> Bool {
        guard function.ops.count > Lowerer.maxOps || steps > Lowerer.maxSteps else { return false }
        if !reportedTooLarge {
            reportedTooLarge = true
            diags.error("model '\(rootName)' is too large to lower (more than \(Lowerer.maxOps) operations or \(Lowerer.maxSteps) statements and model applications)", at: range)
        }
        return true
    }

    /// Appends an op, reporting a shape-rule failure at `range`.
    func emit(_ kind: OpKind, _ operands: [ValueID], attributes: Attributes = [:], explicit: TensorType? = nil,
              at range: SourceRange) -> ValueID? {
        if overBudget(at: range) { return nil }
        do {
            return try function.append(kind, operands, attributes: attributes, explicitType: explicit, location: range.start)
        } catch {
            diags.error(error.message, at: range); return nil
        }
    }

    /// `x` reshaped to `shape` (same dtype).
    func reshape(_ x: ValueID, _ shape: [Dim], at range: SourceRange) -> ValueID? {
        let t = type(x)
        if t.shape == shape { return x }
        return emit(.reshape, [x], explicit: TensorType(t.dtype, shape), at: range)
    }

    /// The parameter `path` (`fc1.weight`), created on first use. A later use that needs another
    /// shape is an error: a layer's parameters are fixed by its first application.
    func parameter(_ path: String, shape: [Int], initializer: ParamInit, trainable: Bool = true, layer: String,
                   at range: SourceRange) -> ValueID? {
        let type = TensorType(.f32, static: shape)
        if let existing = module.parameter(named: path) {
            guard existing.type == type else {
                let what = path.split(separator: ".").last.map(String.init) ?? path
                diags.error("layer '\(layer)' is applied again to an input that needs \(what) shape \(shape), but its first use fixed \(existing.type.staticShape ?? [])", at: range)
                return nil
            }
            if let v = paramValues[path] { return v }
        } else {
            var count = 1
            for d in shape {
                let r = count.multipliedReportingOverflow(by: d)
                guard !r.overflow, r.partialValue <= 1 << 34 else {
                    diags.error("parameter '\(path)' of shape \(shape) is too large", at: range); return nil
                }
                count = r.partialValue
            }
            let recipe: Initializer
            switch initializer {
            case .glorot(let fanIn, let fanOut):
                recipe = .uniform(limit: (6.0 / max(1, Double(fanIn) + Double(fanOut))).squareRoot(), seed: parameterSeed(path))
            case .uniform(let limit): recipe = .uniform(limit: limit, seed: parameterSeed(path))
            case .zeros: recipe = .zeros
            case .ones: recipe = .constant(1)
            }
            let initial = weightsFile.map { Initializer.safetensors(path: $0, key: path) } ?? recipe
            module.parameters.append(MIR.Parameter(name: path, type: type, initializer: initial))
            if !trainable { buffers.insert(path) }
        }
        let v = function.appendUnchecked(.param, [], attributes: ["name": .string(path)], type: type, location: range.start)
        paramValues[path] = v
        return v
    }

    /// The seed of a parameter: the model seed mixed with the exported model's name and the path.
    func parameterSeed(_ path: String) -> UInt64 {
        (seed ^ stableHash(rootName + "." + path)) & 0x7FFF_FFFF_FFFF_FFFF
    }

    /// A scalar constant of `dtype` (a non-trainable parameter, shared by equal values).
    func scalar(_ value: Double, _ dtype: DType, at range: SourceRange) -> ValueID? {
        constant(key: "\(dtype.rawValue):\(value)", type: TensorType(dtype, static: []),
                 initializer: value == 0 ? .zeros : .constant(value), at: range)
    }

    /// A constant tensor with the given values (row-major).
    func constantTensor(_ values: [Double], shape: [Int], dtype: DType, at range: SourceRange) -> ValueID? {
        let key = "\(dtype.rawValue)\(shape):\(values.count > 16 ? "\(values.count)@\(stableHash(values.map { "\($0)" }.joined(separator: ",")))" : "\(values)")"
        let allZero = values.allSatisfy { $0 == 0 }
        return constant(key: key, type: TensorType(dtype, static: shape), initializer: allZero ? .zeros : .values(values), at: range)
    }

    private func constant(key: String, type: TensorType, initializer: Initializer, at range: SourceRange) -> ValueID? {
        let name: String
        if let existing = constantNames[key] {
            name = existing
        } else {
            name = "const\(constantNames.count)"
            constantNames[key] = name
            module.parameters.append(MIR.Parameter(name: name, type: type, initializer: initializer))
            buffers.insert(name)
        }
        if let v = paramValues[name] { return v }
        let v = function.appendUnchecked(.param, [], attributes: ["name": .string(name)], type: type, location: range.start)
        paramValues[name] = v
        return v
    }

    /// `expand` of a scalar constant to `shape` (the zero state of a recurrence).
    func filled(_ value: Double, _ type: TensorType, at range: SourceRange) -> ValueID? {
        guard let s = scalar(value, type.dtype, at: range) else { return nil }
        return emit(.expand, [s], explicit: type, at: range)
    }
}

/// `prefix.name`, or `name` at the top level.
func join(_ prefix: String, _ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }

/// `a * b * ...`, saturating instead of trapping (fan-in of a huge layer; only its size matters).
func saturatingProduct(_ values: Int...) -> Int {
    var out = 1
    for v in values {
        let r = out.multipliedReportingOverflow(by: v)
        out = r.overflow ? Int.max / 2 : r.partialValue
    }
    return out
}
