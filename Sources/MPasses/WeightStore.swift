import MIR

/// Parameter data for passes that rewrite weights (quantization, pruning). MIR keeps only
/// initializer recipes, so a pass reads values through the store and gets back the
/// initializer that refers to the data it writes. The driver supplies a store backed by its
/// materialized parameters (ONNX initializers, safetensors); `InlineWeights` (the default)
/// covers modules whose weights are recipes or inline values, as in the golden tests.
public protocol WeightStore: AnyObject {
    /// The parameter's values as f32, row-major.
    func floats(of parameter: Parameter) throws(PassError) -> [Float]
    /// Records `values` (already rounded for `type`'s dtype) for the parameter `name` and
    /// returns the initializer that refers to them.
    func store(_ values: [Double], name: String, type: TensorType) -> Initializer
}

/// Reads recipes and inline values; writes inline `.values` (readable in MIR text, fine for
/// small models and tests, large for real ones: the driver's store writes by reference).
public final class InlineWeights: WeightStore {
    public init() {}
    public func floats(of p: Parameter) throws(PassError) -> [Float] {
        guard let count = p.type.staticShape?.reduce(1, *) else {
            throw PassError(pass: "weights", message: "parameter '\(p.name)' has a symbolic shape")
        }
        do {
            let v = try p.initializer.materialize(count: count)
            guard v.count == count else { throw PassError(pass: "weights", message: "parameter '\(p.name)' has \(v.count) values for \(count) elements") }
            return v
        } catch let e as PassError { throw e } catch {
            throw PassError(pass: "weights", message: "parameter '\(p.name)' is stored outside the module; this pass needs the driver's weights")
        }
    }
    public func store(_ values: [Double], name: String, type: TensorType) -> Initializer {
        // f32 data as the shortest decimal that rounds to the same f32 (0.1, not 0.10000000149...).
        guard type.dtype == .f32 else { return .values(values) }
        return .values(values.map { Double(String(Float($0))) ?? $0 })
    }
}

/// Observed value ranges of activations, for static quantization: function name -> value
/// number (as MIR text prints it, `%4` is 4) -> [min, max]. The driver fills it by running the
/// float model over calibration data just before the quantization pass.
public typealias ActivationRanges = [String: [Int: ClosedRange<Float>]]

/// What weight-rewriting passes get beyond the module.
public struct PassContext {
    public var weights: WeightStore
    public var ranges: ActivationRanges
    /// The build only runs inference on the parameters as compiled (no training function, no
    /// ONNX export or weight saving): passes may fold parameters into each other (fold-batch-norm)
    /// and treat them as known values (fold-constants, simplify-algebra). Off by default.
    public var frozenParameters: Bool
    public init(weights: WeightStore = InlineWeights(), ranges: ActivationRanges = [:], frozenParameters: Bool = false) {
        self.weights = weights; self.ranges = ranges; self.frozenParameters = frozenParameters
    }
}

/// A pass that reads or rewrites parameter data.
public protocol WeightPass: ModulePass {
    func run(on module: Module, context: PassContext) throws(PassError)
}

extension WeightPass {
    public func run(on module: Module) throws(PassError) { try run(on: module, context: PassContext()) }
}

extension Module {
    /// Adds a parameter with a name not yet used (`base`, `base.1`, ...) and returns its name.
    func addParameter(_ base: String, type: TensorType, initializer: Initializer) -> String {
        var name = base, k = 1
        while parameter(named: name) != nil { name = "\(base).\(k)"; k += 1 }
        parameters.append(Parameter(name: name, type: type, initializer: initializer))
        return name
    }
}

extension Function {
    /// Inserts an op before `index` (its result gets a fresh value; `compact` renumbers later).
    @discardableResult
    func insert(_ kind: OpKind, _ operands: [ValueID], attributes: Attributes = [:], type: TensorType, at index: Int) -> ValueID {
        let v = appendUnchecked(kind, operands, attributes: attributes, type: type)
        let op = ops.removeLast()
        ops.insert(op, at: index)
        return v
    }

    /// Inserts `param @name` before `index`.
    func insertParam(_ module: Module, _ name: String, at index: Int) -> ValueID {
        let type = module.parameter(named: name)?.type ?? TensorType(.f32, [])
        return insert(.param, [], attributes: ["name": .string(name)], type: type, at: index)
    }

    /// The op defining each value (arguments have none).
    func producers() -> [ValueID: Int] {
        var out: [ValueID: Int] = [:]
        for (i, op) in ops.enumerated() { out[op.result] = i }
        return out
    }
}
