import MIR

/// fuse-elementwise: merges chains of attribute-free elementwise ops into `fused` ops, so
/// the chain runs as one loop without intermediate tensors (XLA-style loop fusion).
/// An op is merged into its user when the user is its only reader and has its shape (so
/// no value is recomputed for broadcast positions). A comparison merges into the `where`
/// that reads it as its condition (the bool mask never reaches memory), as long as the
/// fused op's operands and result share one numeric dtype. Requires: a verified module.
/// Ensures: no fusible op feeds a fusible op that it could merge into; dead ops are left
/// for `dce`.
public struct FuseElementwise: ModulePass {
    public static let name = "fuse-elementwise"
    public static let summary = "Merge chains of elementwise ops into single-loop fused ops"
    public init() {}

    /// A fusible op as (operands, program) over those operands.
    func asProgram(_ op: Operation) -> ([ValueID], [FusedProgram.Step])? {
        if op.kind == .fused, let text = op.attributes["program"]?.stringValue,
           let p = try? FusedProgram(parsing: text, operandCount: op.operands.count) {
            return (op.operands, p.steps)
        }
        guard FusedProgram.fusible(op.kind), op.attributes.isEmpty else { return nil }
        return (op.operands, op.operands.indices.map { .operand($0) } + [.op(op.kind)])
    }

    /// `op` (as `operands`, `steps`) with its operand k's producer `inner` inlined, or nil when
    /// the result is no valid fused op.
    func merge(_ op: Operation, _ operands: [ValueID], _ steps: [FusedProgram.Step], k: Int,
               inner: ([ValueID], [FusedProgram.Step]), in f: Function) -> ([ValueID], FusedProgram)? {
        // New operand list: ours without k, then the producer's (deduplicated).
        var merged = operands
        merged.remove(at: k)
        var innerIndex: [Int] = []
        for v in inner.0 {
            if let e = merged.firstIndex(of: v) { innerIndex.append(e) } else { merged.append(v); innerIndex.append(merged.count - 1) }
        }
        var program: [FusedProgram.Step] = []
        for s in steps {
            switch s {
            case .operand(k):
                program += inner.1.map { t -> FusedProgram.Step in
                    if case .operand(let m) = t { return .operand(innerIndex[m]) }
                    return t
                }
            case .operand(let m): program.append(.operand(m > k ? m - 1 : m))
            case .op: program.append(s)
            }
        }
        // A fused op's operands and result share one numeric dtype: a comparison's bool result,
        // or a where whose condition would stay an operand, is no fused op (the parser checks
        // that every bool feeds a where's condition).
        let dtype = f.type(of: op.result).dtype
        guard merged.count <= 64, dtype != .bool, merged.allSatisfy({ f.type(of: $0).dtype == dtype }),
              let parsed = try? FusedProgram(parsing: FusedProgram(steps: program).text, operandCount: merged.count) else { return nil }
        return (merged, parsed)
    }

    public func run(on module: Module) throws(PassError) {
        for f in module.functions {
            var changed = true
            while changed {
                changed = false
                let uses = f.useCounts()
                var producer: [ValueID: Int] = [:]
                for (i, op) in f.ops.enumerated() { producer[op.result] = i }
                search: for i in f.ops.indices {
                    let op = f.ops[i]
                    guard let (operands, steps) = asProgram(op) else { continue }
                    // Merge one operand produced by a fusible op read only here, of our shape.
                    for k in operands.indices {
                        guard let j = producer[operands[k]], uses[operands[k].raw] == 1, let inner = asProgram(f.ops[j]),
                              f.type(of: operands[k]).shape == f.type(of: op.result).shape,
                              let (merged, program) = merge(op, operands, steps, k: k, inner: inner, in: f) else { continue }
                        f.ops[i].kind = .fused
                        f.ops[i].operands = merged
                        f.ops[i].attributes = ["program": .string(program.text)]
                        changed = true
                        break search
                    }
                }
            }
        }
    }
}
