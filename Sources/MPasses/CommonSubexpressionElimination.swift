import MIR

/// cse: replaces an op with an earlier identical one (same kind, operands, attributes and
/// type; operands of commutative ops in either order). All MIR ops are pure, so any
/// earlier duplicate can be reused. Requires: a verified module. Ensures: no two ops
/// compute the same value; dead duplicates are left for `dce`.
public struct CommonSubexpressionElimination: ModulePass {
    public static let name = "cse"
    public static let summary = "Reuse the result of an earlier identical op"
    public init() {}

    struct Key: Hashable {
        var kind: OpKind
        var operands: [ValueID]
        var attributes: [String: Attribute]
        var type: TensorType
    }

    public func run(on module: Module) throws(PassError) {
        for f in module.functions {
            var seen: [Key: ValueID] = [:]
            for i in f.ops.indices {
                let op = f.ops[i]
                var operands = op.operands
                if op.kind.info.commutative { operands.sort() }
                let key = Key(kind: op.kind, operands: operands, attributes: op.attributes, type: f.type(of: op.result))
                if let earlier = seen[key] {
                    f.replaceAllUses(of: op.result, with: earlier)
                } else {
                    seen[key] = op.result
                }
            }
        }
    }
}
