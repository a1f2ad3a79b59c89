import MIR

/// fuse-epilogue: folds what follows a float conv2d or matmul into the op, so its kernel applies
/// it to each output block right after computing it, while the block is still in cache, instead
/// of a separate pass over the whole tensor:
///   - a matmul's bias add (dense layers, BERT's projections): `add(matmul(x, w), b)` with b of
///     type [n] (the result's last dim) becomes `matmul(x, w, b)`;
///   - a residual add (ResNet / MobileNetV2 skip connections, BERT's): `add(conv2d(x, w, b), r)` or
///     `add(matmul(x, w, b), r)` with r of the result's type becomes `conv2d(x, w, b, r)` /
///     `matmul(x, w, b, r)` (ungrouped convolutions / matmuls with a bias: the GEMM kernel's
///     epilogue adds it);
///   - then an activation (relu, clip such as relu6, or gelu on a matmul), as
///     `activation = "relu" | "clip" | "gelu" | "gelu_tanh"` (with `activation_min` /
///     `activation_max` for clip).
/// The folded op takes over the contraction (same result value); the contraction itself is left
/// dead for `dce`. Each folded value must have the op as its only reader. Requires: a verified
/// module, after fuse-gelu (which makes the gelu ops), before fuse-elementwise (which would
/// otherwise merge the add or activation into its user).
///
///     %2 = conv2d %x, %w, %b {...}            ->    %4 = conv2d %x, %w, %b, %r {activation = "relu", ...}
///     %3 = add %2, %r
///     %4 = relu %3
public struct FuseEpilogue: ModulePass {
    public static let name = "fuse-epilogue"
    public static let summary = "Fold bias and residual adds and relu/clip/gelu activations into the conv2d or matmul that produces their input"
    public init() {}

    public func run(on module: Module) throws(PassError) {
        for f in module.functions {
            let uses = f.useCounts()
            var producer: [ValueID: Int] = [:]
            for (i, op) in f.ops.enumerated() { producer[op.result] = i }
            for i in f.ops.indices {
                let op = f.ops[i]
                if op.kind == .add, foldBias(f, at: i, producer: producer, uses: uses) || foldResidual(f, at: i, producer: producer, uses: uses) {
                    continue
                }
                var activation: Attributes
                switch op.kind {
                case .gelu where Set(op.attributes.keys).isSubset(of: ["approximate"]):
                    let tanhForm = op.attributes["approximate"]?.stringValue == "tanh"
                    guard tanhForm || (op.attributes["approximate"]?.stringValue ?? "none") == "none" else { continue }
                    activation = ["activation": .string(tanhForm ? "gelu_tanh" : "gelu")]
                case .relu where op.attributes.isEmpty:
                    activation = ["activation": .string("relu")]
                case .clip where Set(op.attributes.keys).isSubset(of: ["min", "max"]):
                    activation = ["activation": .string("clip")]
                    if let lo = op.attributes["min"] { activation["activation_min"] = lo }
                    if let hi = op.attributes["max"] { activation["activation_max"] = hi }
                default: continue
                }
                guard op.operands.count == 1, let j = producer[op.operands[0]], uses[op.operands[0].raw] == 1 else { continue }
                let p = f.ops[j]
                guard p.kind == .conv2d || p.kind == .matmul, p.attributes["activation"] == nil,
                      p.kind == .matmul || !(activation["activation"]?.stringValue ?? "").hasPrefix("gelu"),
                      f.type(of: p.result) == f.type(of: op.result),
                      f.type(of: p.result).dtype == .f32 || f.type(of: p.result).dtype == .f64 else { continue }
                var attrs = p.attributes
                for (k, v) in activation { attrs[k] = v }
                f.ops[i].kind = p.kind
                f.ops[i].operands = p.operands
                f.ops[i].attributes = attrs
            }
        }
    }

    /// `add(matmul, b)` (either order) -> `matmul(x, w, b)` when the matmul is a float one with
    /// no epilogue yet, read only by the add, and b is a vector over the result's last dim.
    private func foldBias(_ f: Function, at i: Int, producer: [ValueID: Int], uses: [Int]) -> Bool {
        let op = f.ops[i]
        let resultType = f.type(of: op.result)
        guard op.operands.count == 2, resultType.dtype == .f32 || resultType.dtype == .f64, resultType.rank >= 2 else { return false }
        for (c, b) in [(op.operands[0], op.operands[1]), (op.operands[1], op.operands[0])] where c != b {
            guard let j = producer[c], uses[c.raw] == 1 else { continue }
            let mm = f.ops[j]
            guard mm.kind == .matmul, mm.operands.count == 2, mm.attributes["activation"] == nil,
                  f.type(of: mm.result) == resultType,
                  f.type(of: b) == TensorType(resultType.dtype, [resultType.shape[resultType.rank - 1]]) else { continue }
            f.ops[i].kind = .matmul
            f.ops[i].operands = mm.operands + [b]
            f.ops[i].attributes = mm.attributes
            return true
        }
        return false
    }

    /// `add(conv, r)` (either order) -> `conv2d(x, w, b, r)` when conv is an ungrouped float
    /// conv2d with a bias (or a matmul with a bias), no activation yet, read only by the add,
    /// and r has the result's type.
    private func foldResidual(_ f: Function, at i: Int, producer: [ValueID: Int], uses: [Int]) -> Bool {
        let op = f.ops[i]
        let resultType = f.type(of: op.result)
        guard op.operands.count == 2, resultType.dtype == .f32 || resultType.dtype == .f64 else { return false }
        for (c, r) in [(op.operands[0], op.operands[1]), (op.operands[1], op.operands[0])] where c != r {
            guard let j = producer[c], uses[c.raw] == 1 else { continue }
            let conv = f.ops[j]
            guard conv.kind == .conv2d || conv.kind == .matmul, conv.operands.count == 3, conv.attributes["activation"] == nil,
                  (conv.attributes["groups"]?.intValue ?? 1) == 1,
                  f.type(of: conv.result) == resultType, f.type(of: r) == resultType else { continue }
            f.ops[i].kind = conv.kind
            f.ops[i].operands = conv.operands + [r]
            f.ops[i].attributes = conv.attributes
            return true
        }
        return false
    }
}
