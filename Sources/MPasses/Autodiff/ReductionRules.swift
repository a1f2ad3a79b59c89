import MIR

/// Gradient rules of reductions, cumsum, top-k and softmax. A reduction's gradient is
/// first reshaped to keepdims form, so it broadcasts against the input.
extension GradientBuilder {
    func reductionGradient(_ op: Operation, x: ValueID, y: ValueID, g: ValueID) throws(AutodiffError) -> ValueID {
        let xt = type(x)
        let axes: [Int]
        do { axes = try OpKind.reductionAxes(op.attributes, rank: xt.rank) } catch { throw AutodiffError(error.message, at: location) }
        let keepdims = (op.attributes["keepdims"]?.intValue ?? 1) != 0
        let gk = try keepDims(g, reducedAxes: axes, inputRank: xt.rank, keepdims: keepdims)
        let yk = try keepDims(y, reducedAxes: axes, inputRank: xt.rank, keepdims: keepdims)
        let spread = try expand(gk, xt.shape)
        switch op.kind {
        case .reduceSum: return spread
        case .reduceMean: return try expand(div(gk, count(xt, axes: axes)), xt.shape)
        case .reduceSumSquare: return try mul(mul(spread, x), 2)
        case .reduceL1: return try mul(spread, unary(.sign, x))
        case .reduceL2: return try mul(spread, div(x, yk))
        case .reduceLogSum: return try div(spread, unary(.exp, yk))
        case .reduceLogSumExp: return try mul(spread, unary(.exp, sub(x, yk)))
        case .reduceProd: return try div(mul(spread, yk), x)   // undefined where x = 0 (documented)
        case .reduceMax, .reduceMin:
            // Ties share the gradient equally (the mean of the subgradients).
            let hit = try emit(.cast, [emit(.equal, [x, yk])], ["to": .string(xt.dtype.rawValue)])
            let hits = try reduceSum(hit, axes: axes, keepdims: true)
            return try mul(hit, div(gk, hits))
        default:
            throw AutodiffError("internal error: '\(op.kind.rawValue)' has no reduction rule", at: location)
        }
    }

    /// cumsum's adjoint is cumsum in the other direction (exclusive stays exclusive).
    func cumsumGradient(_ op: Operation, g: ValueID) throws(AutodiffError) -> ValueID {
        var attrs = op.attributes
        attrs["reverse"] = .int((op.attributes["reverse"]?.intValue ?? 0) != 0 ? 0 : 1)
        return try emit(.cumsum, [g] + op.operands.dropFirst(), attrs)
    }

    /// topk_values reads x at topk_indices: scatter the gradient back to those positions.
    func topkGradient(_ op: Operation, x: ValueID, g: ValueID) throws(AutodiffError) -> ValueID {
        let indices = try emit(.topkIndices, [x], op.attributes)
        let axis = op.attributes["axis"]?.intValue ?? -1
        return try emit(.scatterAdd, [zeros(type(x)), indices, g], ["axis": .int(axis)])
    }

    func softmaxGradient(_ op: Operation, y: ValueID, g: ValueID) throws(AutodiffError) -> ValueID {
        let axis = op.attributes["axis"]?.intValue ?? -1
        let rank = type(y).rank
        let a = (try? normalizeAxis(axis, rank: rank)) ?? rank - 1
        if op.kind == .softmax {   // y * (g - sum(g * y))
            return try mul(y, sub(g, reduceSum(mul(g, y), axes: [a], keepdims: true)))
        }
        // log_softmax: g - softmax(x) * sum(g), with softmax(x) = exp(y)
        return try sub(g, mul(unary(.exp, y), reduceSum(g, axes: [a], keepdims: true)))
    }
}
