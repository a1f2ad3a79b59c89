import MIR

/// fuse-epilogue: folds an activation (relu, or clip such as relu6) that is the only reader
/// of a float conv2d or matmul into that op, as `activation = "relu" | "clip"` (with
/// `activation_min` / `activation_max` for clip). The kernel then applies it to each output
/// block right after computing it, while the block is still in cache, instead of a separate
/// pass over the whole tensor. The activation op takes over the contraction (same result
/// value); the contraction itself is left dead for `dce`. Requires: a verified module,
/// before fuse-elementwise (which would otherwise merge the activation into its user).
public struct FuseEpilogue: ModulePass {
    public static let name = "fuse-epilogue"
    public static let summary = "Fold relu/clip activations into the conv2d or matmul that produces their input"
    public init() {}

    public func run(on module: Module) throws(PassError) {
        for f in module.functions {
            let uses = f.useCounts()
            var producer: [ValueID: Int] = [:]
            for (i, op) in f.ops.enumerated() { producer[op.result] = i }
            for i in f.ops.indices {
                let op = f.ops[i]
                var activation: Attributes
                switch op.kind {
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
}
