import MIR

extension Function {
    /// Appends the primitive ops an `attention` op stands for and returns their result:
    /// transposes into [b, h, s, d], `matmul(Q, K^T) * scale [+ mask]`, softmax, `matmul(P, V)`
    /// and the output transpose. Autodiff differentiates this form (attention's gradient is
    /// the composition of theirs), and it is the reference the fused kernel is tested against.
    func decomposeAttention(_ op: Operation, pool: ConstantPool, pass: String) throws(PassError) -> ValueID {
        let loc = op.location
        do {
            let layout = try AttentionLayout(op.attributes)
            func transpose(_ x: ValueID, _ perm: [Int]) throws(ShapeError) -> ValueID {
                perm == AttentionLayout.identity ? x : try append(.transpose, [x], attributes: ["perm": .ints(perm)], location: loc)
            }
            let q = try transpose(op.operands[0], layout.q)
            let kT = try transpose(op.operands[1], [layout.k[0], layout.k[1], layout.k[3], layout.k[2]])
            let v = try transpose(op.operands[2], layout.v)
            let qt = type(of: q)
            let headDim = qt.shape[3].constantValue ?? 1
            let scale = constant(layout.effectiveScale(headDim: headDim), qt.dtype, pool: pool, location: loc)
            var scores = try append(.mul, [try append(.matmul, [q, kT], location: loc), scale], location: loc)
            if op.operands.count == 4 { scores = try append(.add, [scores, op.operands[3]], location: loc) }
            let weights = try append(.softmax, [scores], attributes: ["axis": .int(-1)], location: loc)
            return try transpose(try append(.matmul, [weights, v], location: loc), layout.out)
        } catch {
            throw PassError(pass: pass, message: "cannot expand attention in @\(name): \(error.message)")
        }
    }
}
