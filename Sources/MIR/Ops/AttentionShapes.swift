/// The layout and shape rule of `attention q, k, v[, mask] {scale, q_perm, k_perm, v_perm, out_perm}`.
///
/// With Q = transpose(q, q_perm) : [b, h, sq, d], K = transpose(k, k_perm) : [b, h, sk, d] and
/// V = transpose(v, v_perm) : [b, h, sk, dv], the result is
/// `transpose(softmax(Q K^T * scale + mask, axis = -1) V, out_perm)`; the mask is additive and
/// broadcasts (numpy rules) to [b, h, sq, sk]. Absent perms are the identity, an absent scale is
/// 1/sqrt(d). The perms are how fuse-attention absorbs the head transposes: BERT's q, k, v are
/// [b, s, h, d] views of the projections (perm [0, 2, 1, 3]) and its output goes back to
/// [b, s, h, d] (out_perm [0, 2, 1, 3]), so neither side needs a copy.
public struct AttentionLayout: Sendable, Equatable {
    /// Per operand, the operand axis that holds logical axis j (b, h, s, d) is `perm[j]`.
    public var q: [Int], k: [Int], v: [Int]
    /// Result axis j holds logical output axis `out[j]` of [b, h, sq, dv].
    public var out: [Int]
    public var scale: Double?

    public static let identity = [0, 1, 2, 3]
    /// The largest static head size the kernel takes (it keeps head size x 16 floats on the
    /// stack per operand); fuse-attention leaves larger heads unfused.
    public static let maxHeadSize = 1024

    public init(q: [Int], k: [Int], v: [Int], out: [Int], scale: Double?) {
        self.q = q; self.k = k; self.v = v; self.out = out; self.scale = scale
    }

    public init(_ attrs: Attributes) throws(ShapeError) {
        func perm(_ key: String) throws(ShapeError) -> [Int] {
            guard let a = attrs[key] else { return AttentionLayout.identity }
            guard let p = a.intsValue, p.sorted() == AttentionLayout.identity else {
                throw ShapeError("'attention' \(key) must be a permutation of [0, 1, 2, 3], got \(a)")
            }
            return p
        }
        q = try perm("q_perm"); k = try perm("k_perm"); v = try perm("v_perm"); out = try perm("out_perm")
        if let s = attrs["scale"] {
            guard let value = s.floatValue, value.isFinite else { throw ShapeError("'attention' scale must be a finite number, got \(s)") }
            scale = value
        }
    }

    /// The attributes that state this layout (identity perms and a nil scale are left out).
    public var attributes: Attributes {
        var a: Attributes = [:]
        if let scale { a["scale"] = .float(scale) }
        for (key, p) in [("q_perm", q), ("k_perm", k), ("v_perm", v), ("out_perm", out)] where p != AttentionLayout.identity {
            a[key] = .ints(p)
        }
        return a
    }

    /// An operand's dims in logical order (b, h, s, d).
    public func logicalShape(_ t: TensorType, _ perm: [Int]) -> [Dim] { perm.map { t.shape[$0] } }

    /// The scale the kernel uses: the attribute, else 1/sqrt(d).
    public func effectiveScale(headDim: Int) -> Double { scale ?? 1 / Double(max(headDim, 1)).squareRoot() }

    public func resultType(_ ops: [TensorType]) throws(ShapeError) -> TensorType {
        let (qt, kt, vt) = (ops[0], ops[1], ops[2])
        for (name, t) in [("q", qt), ("k", kt), ("v", vt)] {
            guard t.rank == 4 else { throw ShapeError("'attention' \(name) must have rank 4, got \(t)") }
            guard t.dtype == qt.dtype else { throw ShapeError("'attention' operands must share one dtype, got \(qt) and \(t)") }
        }
        let q = logicalShape(qt, self.q), k = logicalShape(kt, self.k), v = logicalShape(vt, self.v)
        guard q[0] == k[0], q[0] == v[0], q[1] == k[1], q[1] == v[1] else {
            throw ShapeError("'attention' q [b, h, sq, d] = \(q), k = \(k) and v = \(v) must agree in batch and heads")
        }
        guard q[3] == k[3] else { throw ShapeError("'attention' q's head size \(q[3]) differs from k's \(k[3])") }
        guard k[2] == v[2] else { throw ShapeError("'attention' k's sequence length \(k[2]) differs from v's \(v[2])") }
        if ops.count == 4 {
            let m = ops[3], full = [q[0], q[1], q[2], k[2]]
            guard m.dtype == qt.dtype, m.rank <= 4 else {
                throw ShapeError("'attention' mask must be \(qt.dtype) of rank <= 4, got \(m)")
            }
            for (i, d) in m.shape.enumerated() where d != .constant(1) && d != full[4 - m.rank + i] {
                throw ShapeError("'attention' mask \(m) does not broadcast to [b, h, sq, sk] = \(full)")
            }
        }
        let o = [q[0], q[1], q[2], v[3]]
        return TensorType(qt.dtype, out.map { o[$0] })
    }
}
