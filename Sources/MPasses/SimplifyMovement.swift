import MIR

/// simplify-movement: removes redundant data movement. A reshape or flatten of a reshape
/// or flatten becomes one reshape of the original value; a reshape to the operand's own
/// type disappears; a transpose of a transpose becomes one transpose with the composed
/// permutation, and an identity permutation disappears. Requires: a verified module.
/// Ensures: no reshape/flatten reads another reshape/flatten, no transpose reads a
/// transpose, no identity reshape or transpose remains; dead ops are left for `dce`.
public struct SimplifyMovement: ModulePass {
    public static let name = "simplify-movement"
    public static let summary = "Collapse reshape and transpose chains; drop identity movement"
    public init() {}

    public func run(on module: Module) throws(PassError) {
        for f in module.functions {
            var producer: [ValueID: Int] = [:]
            for i in f.ops.indices {
                let op = f.ops[i]
                producer[op.result] = i
                let resultType = f.type(of: op.result)
                switch op.kind {
                case .reshape, .flatten:
                    var source = op.operands[0]
                    while let j = producer[source], f.ops[j].kind == .reshape || f.ops[j].kind == .flatten {
                        source = f.ops[j].operands[0]
                    }
                    if f.type(of: source) == resultType {
                        f.replaceAllUses(of: op.result, with: source)
                    } else if source != op.operands[0] {
                        f.ops[i].kind = .reshape
                        f.ops[i].operands = [source]
                        f.ops[i].attributes = [:]
                    }
                case .transpose:
                    let rank = resultType.rank
                    var perm = op.attributes["perm"]?.intsValue ?? Array((0..<rank).reversed())
                    var source = op.operands[0]
                    if let j = producer[source], f.ops[j].kind == .transpose {
                        let inner = f.ops[j].attributes["perm"]?.intsValue ?? Array((0..<rank).reversed())
                        // out[d] = mid[perm[d]] = in[inner[perm[d]]]
                        perm = perm.map { inner[$0] }
                        source = f.ops[j].operands[0]
                        f.ops[i].operands = [source]
                        f.ops[i].attributes = ["perm": .ints(perm)]
                    }
                    if perm == Array(0..<rank) { f.replaceAllUses(of: op.result, with: source) }
                default:
                    continue
                }
            }
        }
    }
}
