import MIR

/// Which values a pass may treat as known at compile time, and their data. A value is known
/// when a `param` op reads a compiler constant (`constN`, `mcc.constN`), or, in a frozen build
/// (inference only: no training function, no ONNX export, no weight saving), a one-element
/// parameter whose data comes from outside the compiler (an ONNX initializer, safetensors): the
/// epsilons, scales and GELU coefficients exporters write as initializers. Tensors stay
/// parameters, listed and settable through the C ABI; so do inline `values` and recipe
/// initializers (zeros, uniform), which hand-written MIR and M models use for weights.
struct KnownValues {
    let module: Module
    let context: PassContext
    /// The parameter each `param` op's result reads.
    private(set) var reads: [ValueID: String] = [:]
    /// Largest tensor read for folding: bigger ones are weights, not constants worth evaluating.
    static let maxElements = 1 << 16

    init(module: Module, function: Function, context: PassContext) {
        self.module = module; self.context = context
        for op in function.ops where op.kind == .param { reads[op.result] = op.attributes["name"]?.stringValue }
    }

    /// Notes a `param` op a pass added.
    mutating func record(_ v: ValueID, reads name: String) { reads[v] = name }

    /// The parameter a value reads, if it is known.
    func parameter(_ v: ValueID) -> Parameter? {
        guard let name = reads[v], let p = module.parameter(named: name) else { return nil }
        if ConstantPool.isConstant(name) { return p }
        return context.frozenParameters && p.initializer.holdsData && p.type.staticShape?.reduce(1, *) == 1 ? p : nil
    }

    /// The values of a known value (row-major, as Doubles), or nil when it is not known, has a
    /// symbolic shape or is larger than `maxElements`.
    func values(_ v: ValueID) -> [Double]? {
        guard let p = parameter(v), let count = p.type.staticShape?.reduce(1, *),
              count <= KnownValues.maxElements else { return nil }
        switch p.initializer {
        case .zeros: return [Double](repeating: 0, count: count)
        case .constant(let c): return [Double](repeating: c, count: count)
        case .values(let vs) where vs.count == count: return vs
        default:
            // The weight store reads f32 data; other dtypes held outside the module stay unknown,
            // and so does data the store cannot read (the op then simply runs at run time).
            guard p.type.dtype == .f32, let v = try? context.weights.floats(of: p), v.count == count else { return nil }
            return v.map(Double.init)
        }
    }

    /// The single value every element of a known value has (a scalar or a splat), if any.
    func splat(_ v: ValueID) -> Double? {
        guard let vs = values(v), let first = vs.first, vs.allSatisfy({ $0 == first }) else { return nil }
        return first
    }
}

extension Initializer {
    /// Data from outside the compiler (trained weights: ONNX initializers, safetensors), as
    /// opposed to a recipe or inline values written in the source.
    var holdsData: Bool {
        switch self {
        case .external, .safetensors: return true
        case .values, .zeros, .constant, .uniform: return false
        }
    }
}
