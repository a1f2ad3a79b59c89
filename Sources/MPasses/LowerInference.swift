import MIR

/// lower-inference: rewrites the training-mode ops into their inference semantics, so codegen
/// never sees them in an inference function. `dropout x` (one operand) becomes `x`;
/// `batch_norm x, scale, bias, mean, var {epsilon}` becomes
/// `x * reshape(scale / sqrt(var + eps)) + reshape(bias - mean * scale / sqrt(var + eps))`,
/// the op sequence the M front end emitted before these ops existed (so outputs keep their
/// bits). The seeded two-operand dropout of training functions is kept. Requires: a verified
/// module. Ensures: no batch_norm and no one-operand dropout remains.
public struct LowerInference: ModulePass {
    public static let name = "lower-inference"
    public static let summary = "Rewrite dropout and batch_norm into their inference semantics"
    public init() {}

    public func run(on module: Module) throws(PassError) {
        let pool = ConstantPool(module: module)
        for f in module.functions where f.ops.contains(where: { $0.kind == .batchNorm || ($0.kind == .dropout && $0.operands.count == 1) }) {
            try f.rewriteOps { op throws(PassError) in
                switch op.kind {
                case .dropout where op.operands.count == 1: return op.operands[0]
                case .batchNorm: return try LowerInference.batchNorm(op, in: f, pool: pool)
                default: return nil
                }
            }
        }
    }

    /// Appends the inference-mode expansion of a batch_norm op and returns its result.
    static func batchNorm(_ op: Operation, in f: Function, pool: ConstantPool) throws(PassError) -> ValueID {
        let (x, gamma, beta, mean, variance) = (op.operands[0], op.operands[1], op.operands[2], op.operands[3], op.operands[4])
        let xt = f.type(of: x), loc = op.location
        let eps = f.constant(op.attributes["epsilon"]?.floatValue ?? 1e-5, f.type(of: variance).dtype, pool: pool, location: loc)
        do {
            let root = try f.append(.sqrt, [try f.append(.add, [variance, eps], location: loc)], location: loc)
            let scale = try f.append(.div, [gamma, root], location: loc)
            let shift = try f.append(.sub, [beta, try f.append(.mul, [mean, scale], location: loc)], location: loc)
            let shape = [xt.shape[1]] + [Dim](repeating: .constant(1), count: xt.rank - 2)
            func view(_ v: ValueID) throws(ShapeError) -> ValueID {
                f.type(of: v).shape == shape ? v : try f.append(.reshape, [v], explicitType: TensorType(xt.dtype, shape), location: loc)
            }
            let s = try view(scale), t = try view(shift)
            return try f.append(.add, [try f.append(.mul, [x, s], location: loc), t], location: loc)
        } catch {
            throw PassError(pass: name, message: "cannot lower batch_norm in @\(f.name): \(error.message)")
        }
    }
}
