import MIR

/// fuse-norm: recognizes layer normalization written out as reductions and elementwise ops
/// and replaces it with one `layer_norm` op, whose kernel reads each row once while it is in
/// cache (the decomposed form makes five passes over the tensor and two temporaries). The
/// forms recognized are those of mcc's ONNX importer and M's stdlib `LayerNorm`, and of
/// PyTorch's and Keras' ONNX exports:
///
///     %m = reduce_mean %x {axes = [-1], keepdims = 1}
///     %c = sub %x, %m
///     %s = mul %c, %c                   (or pow %c, 2)
///     %v = reduce_mean %s {axes = [-1], keepdims = 1}
///     %e = add %v, %eps                 (eps: a scalar constant)
///     %d = sqrt %e
///     %n = div %c, %d                   (or mul %c, (reciprocal %d))
///     %g = mul %n, %scale
///     %y = add %g, %bias                (optional)  ->  %y = layer_norm %x, %scale, %bias {axis = 2, epsilon = ...}
///
/// The reduced axes must be the trailing ones and `scale`/`bias` must have exactly those
/// dims. Every intermediate must be read only inside the pattern. The matched ops are left
/// dead for `dce`. Requires: a verified module, before fuse-elementwise (which would merge the
/// elementwise steps into fused ops).
public struct FuseNorm: WeightPass {
    public static let name = "fuse-norm"
    public static let summary = "Replace decomposed layer normalization (mean, variance, epsilon, scale, bias) with layer_norm"
    public init() {}

    public func run(on module: Module, context: PassContext) throws(PassError) {
        for f in module.functions {
            let view = PatternView(f, module, context)
            var consumed: Set<Int> = []
            // Last to first, so the widest match (with the bias add) wins over its scale mul.
            for i in f.ops.indices.reversed() where !consumed.contains(i) {
                guard let (x, scale, bias, axis, eps, ops) = match(f.ops[i], view) else { continue }
                consumed.formUnion(ops)
                f.ops[i].kind = .layerNorm
                f.ops[i].operands = [x, scale] + (bias.map { [$0] } ?? [])
                f.ops[i].attributes = ["axis": .int(axis), "epsilon": .float(eps)]
            }
        }
    }

    /// (x, scale, bias, axis, epsilon, indices of the ops matched) for the op ending a layer norm.
    private func match(_ y: Operation, _ v: PatternView) -> (ValueID, ValueID, ValueID?, Int, Double, [Int])? {
        let type = v.f.type(of: y.result)
        guard type.dtype == .f32 || type.dtype == .f64 else { return nil }
        var bias: ValueID?
        var scaled = y
        if y.kind == .add {
            // add(mul(n, scale), bias), in either order.
            for (s, b) in [(y.operands[0], y.operands[1]), (y.operands[1], y.operands[0])] {
                if let m = v.inner(s, .mul) { scaled = m; bias = b; break }
            }
            guard bias != nil else { return nil }
        }
        guard scaled.kind == .mul, scaled.operands.count == 2 else { return nil }
        for (n, scale) in [(scaled.operands[0], scaled.operands[1]), (scaled.operands[1], scaled.operands[0])] {
            guard let (x, axis, eps, ops) = normalized(n, v) else { continue }
            let xt = v.f.type(of: x)
            let trailing = TensorType(xt.dtype, Array(xt.shape[axis...]))
            guard xt == type, v.f.type(of: scale) == trailing, bias.map({ v.f.type(of: $0) == trailing }) ?? true else { return nil }
            var all = ops
            if bias != nil, let j = v.producer[scaled.result] { all.append(j) }
            return (x, scale, bias, axis, eps, all)
        }
        return nil
    }

    /// (x, axis, epsilon, ops) when `n` is (x - mean) / sqrt(var + eps) over x's trailing axes.
    private func normalized(_ n: ValueID, _ v: PatternView) -> (ValueID, Int, Double, [Int])? {
        guard v.uses[n.raw] == 1, let i = v.producer[n] else { return nil }
        let op = v.f.ops[i]
        var centered: ValueID, root: ValueID
        var ops = [i]
        switch op.kind {
        case .div:
            (centered, root) = (op.operands[0], op.operands[1])
        case .mul:
            guard let (r, c) = v.split(op, { v.inner($0, .reciprocal) != nil }), let rop = v.inner(r, .reciprocal) else { return nil }
            (centered, root) = (c, rop.operands[0])
            ops.append(v.producer[r]!)
        default: return nil
        }
        // sqrt(add(reduce_mean(square(c)), eps))
        guard let sq = v.inner(root, .sqrt), let shifted = v.inner(sq.operands[0], .add),
              let (variance, epsValue) = v.split(shifted, { v.inner($0, .reduceMean) != nil }), let eps = v.scalar(epsValue),
              eps >= 0, let varOp = v.inner(variance, .reduceMean) else { return nil }
        ops += [root, sq.operands[0], variance].compactMap { v.producer[$0] }
        let square = varOp.operands[0]
        var centeredReads = 0
        if let m = v.inner(square, .mul), m.operands == [centered, centered] {
            centeredReads = 3
        } else if let p = v.inner(square, .pow), p.operands[0] == centered, v.isConstant(p.operands[1], 2) {
            centeredReads = 2
        } else { return nil }
        ops.append(v.producer[square]!)
        guard let sub = v.inner(centered, .sub, reads: centeredReads), let meanOp = v.inner(sub.operands[1], .reduceMean) else { return nil }
        let x = sub.operands[0]
        guard meanOp.operands[0] == x else { return nil }
        ops += [centered, sub.operands[1]].compactMap { v.producer[$0] }
        let xt = v.f.type(of: x)
        guard let axis = trailingAxis(meanOp, rank: xt.rank), trailingAxis(varOp, rank: xt.rank) == axis,
              v.f.type(of: centered) == xt else { return nil }
        return (x, axis, eps.roundedToFloat, ops)
    }

    /// The first reduced axis when a reduce_mean keeps dims and reduces exactly axis..<rank.
    private func trailingAxis(_ op: Operation, rank: Int) -> Int? {
        guard op.attributes["keepdims"]?.intValue ?? 1 == 1, let axes = try? OpKind.reductionAxes(op.attributes, rank: rank),
              let first = axes.first, axes == Array(first..<rank) else { return nil }
        return first
    }

    /// The decomposition of a layer_norm op (autodiff differentiates it): appends the ops and
    /// returns the value replacing its result.
    static func expand(_ op: Operation, in f: Function, pool: ConstantPool) throws(PassError) -> ValueID {
        let x = op.operands[0], xt = f.type(of: x), loc = op.location
        let axis = op.attributes["axis"]?.intValue ?? -1
        let first = axis < 0 ? axis + xt.rank : axis
        let reduce: Attributes = ["axes": .ints(Array(first..<xt.rank)), "keepdims": .int(1)]
        let eps = f.constant(op.attributes["epsilon"]?.floatValue ?? 1e-5, xt.dtype, pool: pool, location: loc)
        do {
            let mean = try f.append(.reduceMean, [x], attributes: reduce, location: loc)
            let centered = try f.append(.sub, [x, mean], location: loc)
            let variance = try f.append(.reduceMean, [try f.append(.mul, [centered, centered], location: loc)], attributes: reduce, location: loc)
            let root = try f.append(.sqrt, [try f.append(.add, [variance, eps], location: loc)], location: loc)
            var y = try f.append(.mul, [try f.append(.div, [centered, root], location: loc), op.operands[1]], location: loc)
            if op.operands.count == 3 { y = try f.append(.add, [y, op.operands[2]], location: loc) }
            return y
        } catch {
            throw PassError(pass: name, message: "cannot expand layer_norm in @\(f.name): \(error.message)")
        }
    }
}
