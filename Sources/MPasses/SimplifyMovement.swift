import MIR

/// simplify-movement: removes redundant data movement. A reshape or flatten of a reshape
/// or flatten becomes one reshape of the original value; a reshape to the operand's own
/// type disappears; a transpose of a transpose becomes one transpose with the composed
/// permutation, and an identity permutation disappears. Transposes sink below elementwise ops
/// (pointwise ops commute with a permutation): `u(transpose(x))` becomes `transpose(u(x))`,
/// and `b(transpose(x), transpose(y))` with the same permutation, or with a scalar second
/// operand, becomes `transpose(b(x, y))`, when each sunk transpose has that op as its only
/// reader. Sinking never adds a transpose (two become one, or one moves); it lets a transpose
/// meet the next one and cancel, and leaves the elementwise chain contiguous for fusion.
/// Requires: a verified module. Ensures: no reshape/flatten reads another reshape/flatten,
/// no transpose reads a transpose, no identity reshape or transpose remains, no single-reader
/// transpose feeds an elementwise op as above; dead ops are left for `dce`.
public struct SimplifyMovement: ModulePass {
    public static let name = "simplify-movement"
    public static let summary = "Collapse reshape and transpose chains; drop identity movement"
    public init() {}

    public func run(on module: Module) throws(PassError) {
        for f in module.functions {
            var producer: [ValueID: Int] = [:]
            var uses = f.useCounts()
            var i = -1
            while i + 1 < f.ops.count {
                i += 1
                let op = f.ops[i]
                producer[op.result] = i
                if let moved = sinkTranspose(f, at: i, producer: producer, uses: uses) {
                    // The new transpose sits at `moved`; walk on from it so it can merge or sink further.
                    producer = f.producers(); uses = f.useCounts(); i = moved - 1
                    continue
                }
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

    /// Rewrites the elementwise op at `i` whose operands are single-reader transposes into the
    /// op on the untransposed values followed by one transpose; returns the new transpose's index.
    func sinkTranspose(_ f: Function, at i: Int, producer: [ValueID: Int], uses: [Int]) -> Int? {
        let op = f.ops[i]
        let category = op.kind.info.category
        guard category == .elementwiseUnary || (category == .elementwiseBinary && op.kind != .select) else { return nil }
        func transposed(_ v: ValueID) -> (source: ValueID, perm: [Int])? {
            guard let j = producer[v], f.ops[j].kind == .transpose, uses[v.raw] == op.operands.filter({ $0 == v }).count else { return nil }
            let rank = f.type(of: v).rank
            return (f.ops[j].operands[0], f.ops[j].attributes["perm"]?.intsValue ?? Array((0..<rank).reversed()))
        }
        guard let first = transposed(op.operands[0]) else { return nil }
        var operands = [first.source]
        if op.operands.count == 2 {
            let other = op.operands[1]
            if other == op.operands[0] {
                operands.append(first.source)
            } else if let second = transposed(other), second.perm == first.perm,
                      f.type(of: second.source).shape == f.type(of: first.source).shape {
                operands.append(second.source)
            } else if f.type(of: other).shape.allSatisfy({ $0 == .constant(1) }) {
                operands.append(other)  // a scalar (or all-ones shape) broadcasts the same either way
                guard f.type(of: other).rank <= f.type(of: op.result).rank else { return nil }
            } else {
                return nil
            }
        }
        let result = f.type(of: op.result)
        // The untransposed result: out[d] = in[perm[d]], so in[perm[d]] = out[d].
        var shape = f.type(of: first.source).shape
        for (d, p) in first.perm.enumerated() { shape[p] = result.shape[d] }
        let inner = f.insert(op.kind, operands, attributes: op.attributes, type: TensorType(result.dtype, shape), at: i + 1)
        let outer = f.insert(.transpose, [inner], attributes: ["perm": .ints(first.perm)], type: result, at: i + 2)
        f.replaceAllUses(of: op.result, with: outer)
        return i + 2
    }
}
