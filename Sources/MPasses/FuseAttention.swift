import MIR

/// fuse-attention: rewrites scaled dot-product attention, `softmax(Q K^T * scale [+ mask]) V`
/// over rank-4 f32 tensors, into one `attention` op whose kernel never materializes the
/// [b, h, sq, sk] scores (AttentionKernel.swift). Recognized forms:
///   - the scale as `mul`/`div` by a scalar constant after the Q K^T matmul, or on Q or on K^T
///     before it (PyTorch exports scale both by sqrt(scale)), or absent (scale 1);
///   - an additive mask `add(scores, m)` (either order) after the scale, m broadcastable to
///     [b, h, sq, sk];
///   - transposes feeding Q, K^T and V, and one transpose of the result, are absorbed into the
///     op's layout perms (AttentionShapes.swift), so BERT's head splits [b, s, h, d] are read in
///     place and the merged [b, s, h, d] output needs no copy before its reshape.
/// The scores, softmax and product must each have one reader; the replaced ops are left dead
/// for `dce`. Requires: a verified module, after CSE (single-use values) and before
/// fuse-elementwise (which would merge the scale and mask into a `fused` op). Ensures: the
/// verifier passes; each attention has static head sizes of at most `AttentionLayout.maxHeadSize`.
///
///     %s = matmul %q, %kt                     ->    %o = attention %q4, %k4, %v4, %m
///     %t = mul %s, %scale                                {q_perm = [0, 2, 1, 3], ..., scale = 0.17}
///     %u = add %t, %m
///     %p = softmax %u {axis = -1}
///     %o = matmul %p, %v
public struct FuseAttention: WeightPass {
    public static let name = "fuse-attention"
    public static let summary = "Fuse softmax(Q K^T * scale + mask) V into one attention op"
    public init() {}

    public func run(on module: Module, context: PassContext) throws(PassError) {
        for f in module.functions { rewrite(f, module, context) }
    }

    private func rewrite(_ f: Function, _ module: Module, _ context: PassContext) {
        let known = KnownValues(module: module, function: f, context: context)
        var uses = f.useCounts()
        let producer = f.producers()
        func def(_ v: ValueID) -> Operation? { producer[v].map { f.ops[$0] } }
        func single(_ v: ValueID) -> Bool { uses[v.raw] == 1 }

        /// The value of a known scalar (one element; see KnownValues): a compiler constant, or a
        /// parameter holding data in a frozen build, since the kernel bakes the scale in.
        func scalar(_ v: ValueID) -> Double? {
            guard f.type(of: v).elementCount == .constant(1), let value = known.splat(v), value.isFinite, value != 0 else { return nil }
            return value
        }
        /// `x * c`, `c * x` or `x / c` with c a scalar constant: (x, factor).
        func scaled(_ v: ValueID) -> (ValueID, Double)? {
            guard let op = def(v), op.operands.count == 2 else { return nil }
            let (a, b) = (op.operands[0], op.operands[1])
            switch op.kind {
            case .mul:
                if let c = scalar(b), f.type(of: a) == f.type(of: v) { return (a, c) }
                if let c = scalar(a), f.type(of: b) == f.type(of: v) { return (b, c) }
            case .div:
                if let c = scalar(b), f.type(of: a) == f.type(of: v) { return (a, 1 / c) }
            default: break
            }
            return nil
        }
        /// Follows transposes down from `v`, composing them into `perm` (logical axis j is axis
        /// perm[j] of the returned value).
        func absorbTransposes(_ v: ValueID, _ perm: [Int]) -> (ValueID, [Int]) {
            var (x, p) = (v, perm)
            while let op = def(x), op.kind == .transpose, let t = op.attributes["perm"]?.intsValue, t.count == 4 {
                p = p.map { t[$0] }
                x = op.operands[0]
            }
            return (x, p)
        }

        for i in f.ops.indices {
            let pv = f.ops[i]
            guard pv.kind == .matmul, pv.attributes.isEmpty, f.type(of: pv.result).rank == 4, f.type(of: pv.result).dtype == .f32,
                  let softmax = def(pv.operands[0]), softmax.kind == .softmax, single(softmax.result),
                  [-1, 3].contains(softmax.attributes["axis"]?.intValue ?? -1) else { continue }
            // Scores: [add mask] <- [mul/div scale] <- matmul(Q, K^T).
            var s = softmax.operands[0], mask: ValueID?, scale = 1.0
            if let add = def(s), add.kind == .add, single(s) {
                for (x, m) in [(add.operands[0], add.operands[1]), (add.operands[1], add.operands[0])] where single(x) {
                    guard let d = def(scaled(x)?.0 ?? x), d.kind == .matmul else { continue }
                    s = x; mask = m; break
                }
            }
            if single(s), let (x, c) = scaled(s) { s = x; scale *= c }
            guard single(s), let qk = def(s), qk.kind == .matmul, qk.attributes.isEmpty, f.type(of: s).rank == 4 else { continue }
            var q = qk.operands[0], kt = qk.operands[1]
            if let (x, c) = scaled(q) { q = x; scale *= c }
            if let (x, c) = scaled(kt) { kt = x; scale *= c }
            var (qv, qPerm) = absorbTransposes(q, AttentionLayout.identity)
            var (kv, kPerm) = absorbTransposes(kt, [0, 1, 3, 2])
            // A scale under the head transposes (simplify-movement sinks transposes below it).
            if qv != q, let (x, c) = scaled(qv) { scale *= c; (qv, qPerm) = absorbTransposes(x, qPerm) }
            if kv != kt, let (x, c) = scaled(kv) { scale *= c; (kv, kPerm) = absorbTransposes(x, kPerm) }
            let (vv, vPerm) = absorbTransposes(pv.operands[1], AttentionLayout.identity)
            // The result transpose, when it is the product's only reader.
            var target = i, outPerm = AttentionLayout.identity
            if single(pv.result), let j = f.ops.indices.first(where: { f.ops[$0].operands == [pv.result] && f.ops[$0].kind == .transpose }),
               let p = f.ops[j].attributes["perm"]?.intsValue, p.count == 4 {
                target = j; outPerm = p
            }
            let layout = AttentionLayout(q: qPerm, k: kPerm, v: vPerm, out: outPerm, scale: scale)
            guard let headDim = f.type(of: q).shape[3].constantValue, let valueDim = f.type(of: pv.operands[1]).shape[3].constantValue,
                  max(headDim, valueDim) <= AttentionLayout.maxHeadSize else { continue }
            let operands = [qv, kv, vv] + (mask.map { [$0] } ?? [])
            guard let type = try? OpKind.attention.inferResultType(operands: operands.map(f.type(of:)), attributes: layout.attributes),
                  type == f.type(of: f.ops[target].result), headDim > 0 else { continue }
            f.ops[target] = Operation(kind: .attention, operands: operands, attributes: layout.attributes,
                                      result: f.ops[target].result, location: f.ops[target].location)
            for v in operands { uses[v.raw] += 1 }
        }
    }
}
