import MIR

/// Gradient rules of elementwise ops. `g` is the gradient of the op's result `y`; each rule
/// returns one gradient per operand (nil where none flows). Binary ops broadcast, so their
/// operand gradients are un-broadcast to the operand's shape.
extension GradientBuilder {
    func unaryGradient(_ op: Operation, x: ValueID, y: ValueID, g: ValueID) throws(AutodiffError) -> ValueID? {
        let a = op.attributes
        func attr(_ k: String, _ d: Double) -> Double { a[k]?.floatValue ?? d }
        switch op.kind {
        case .neg: return try neg(g)
        case .abs: return try mul(g, unary(.sign, x))
        case .relu: return try keep(g, where: compare(.greater, x, 0))
        case .sigmoid: return try mul(g, mul(y, rsub(1, y)))
        case .tanh: return try mul(g, rsub(1, square(y)))
        case .exp: return try mul(g, y)
        case .log: return try div(g, x)
        case .sqrt: return try div(mul(g, 0.5), y)
        case .erf:   // 2/sqrt(pi) * exp(-x^2)
            return try mul(g, mul(unary(.exp, neg(square(x))), 1.1283791670955126))
        case .reciprocal: return try neg(mul(g, square(y)))
        case .sin: return try mul(g, unary(.cos, x))
        case .cos: return try neg(mul(g, unary(.sin, x)))
        case .tan: return try mul(g, add(square(y), 1))
        case .asin: return try div(g, unary(.sqrt, rsub(1, square(x))))
        case .acos: return try neg(div(g, unary(.sqrt, rsub(1, square(x)))))
        case .atan: return try div(g, add(square(x), 1))
        case .sinh: return try mul(g, unary(.cosh, x))
        case .cosh: return try mul(g, unary(.sinh, x))
        case .asinh: return try div(g, unary(.sqrt, add(square(x), 1)))
        case .acosh: return try div(g, unary(.sqrt, add(square(x), -1)))
        case .atanh: return try div(g, rsub(1, square(x)))
        case .softplus: return try mul(g, unary(.sigmoid, x))
        case .softsign: return try div(g, square(add(unary(.abs, x), 1)))
        case .leakyRelu:   // forward keeps x where x >= 0
            let slope = try emit(.select, [compare(.greaterEqual, x, 0), scalar(1, like: x), scalar(attr("alpha", 0.01), like: x)])
            return try mul(g, slope)
        case .elu:
            let alpha = attr("alpha", 1)
            return try emit(.select, [compare(.greater, x, 0), g, mul(g, mul(unary(.exp, x), alpha))])
        case .celu:
            let alpha = attr("alpha", 1)
            return try emit(.select, [compare(.greater, x, 0), g, mul(g, unary(.exp, mul(x, 1 / alpha)))])
        case .selu:
            let alpha = attr("alpha", 1.67326319217681884765625), gamma = attr("gamma", 1.05070102214813232421875)
            return try mul(emit(.select, [compare(.greater, x, 0), g, mul(g, mul(unary(.exp, x), alpha))]), gamma)
        case .hardSigmoid:   // slope alpha strictly inside (0, 1)
            let alpha = attr("alpha", 0.2)
            let h = try add(mul(x, alpha), attr("beta", 0.5))
            return try keep(mul(g, alpha), where: and(compare(.greater, h, 0), compare(.less, h, 1)))
        case .hardSwish:   // y = x * clamp(x/6 + 1/2, 0, 1)
            let h = try add(mul(x, 1.0 / 6.0), 0.5)
            let inside = try and(compare(.greater, h, 0), compare(.less, h, 1))
            let clamped = try unary(.clip, h, ["min": .float(0), "max": .float(1)])
            return try mul(g, add(clamped, keep(mul(x, 1.0 / 6.0), where: inside)))
        case .thresholdedRelu: return try keep(g, where: compare(.greater, x, attr("alpha", 1)))
        case .gelu:
            if a["approximate"]?.stringValue == "tanh" {
                let c = 0.7978845608028654, k = 0.044715
                let t = try unary(.tanh, mul(add(x, mul(mul(x, square(x)), k)), c))
                let left = try mul(add(t, 1), 0.5)
                let right = try mul(mul(mul(x, rsub(1, square(t))), c), add(mul(square(x), 3 * k), 1))
                return try mul(g, add(left, mul(right, 0.5)))
            }
            let cdf = try mul(add(unary(.erf, mul(x, 0.7071067811865476)), 1), 0.5)
            let pdf = try mul(unary(.exp, mul(square(x), -0.5)), 0.3989422804014327)
            return try mul(g, add(cdf, mul(x, pdf)))
        case .clip:   // forward replaces x below min / above max; the bounds themselves pass
            var inside: ValueID?
            if let lo = a["min"]?.floatValue { inside = try compare(.greaterEqual, x, lo) }
            if let hi = a["max"]?.floatValue {
                let c = try compare(.lessEqual, x, hi)
                inside = try inside.map { v throws(AutodiffError) in try and(v, c) } ?? c
            }
            return try inside.map { v throws(AutodiffError) in try keep(g, where: v) } ?? g
        case .cast:
            return try emit(.cast, [g], ["to": .string(type(x).dtype.rawValue)])
        case .dropout:
            // Same seed, same mask: the seeded form is linear in x with a fixed 0 / 1/(1-p) mask.
            return op.operands.count >= 2 ? try emit(.dropout, [g] + op.operands.dropFirst(), a) : g
        default:
            throw AutodiffError("internal error: '\(op.kind.rawValue)' has no elementwise unary rule", at: location)
        }
    }

    func binaryGradient(_ op: Operation, y: ValueID, g: ValueID) throws(AutodiffError) -> [ValueID?] {
        let (a, b) = (op.operands[0], op.operands[1])
        let ta = type(a), tb = type(b)
        func both(_ ga: ValueID, _ gb: ValueID) throws(AutodiffError) -> [ValueID?] {
            [try unbroadcast(ga, to: ta), try unbroadcast(gb, to: tb)]
        }
        switch op.kind {
        case .add: return try both(g, g)
        case .sub: return try both(g, neg(g))
        case .mul: return try both(mul(g, b), mul(g, a))
        case .div: return try both(div(g, b), neg(div(mul(g, y), b)))
        case .pow:
            // d/da = b * a^(b-1); d/db = y * log(a), taken as 0 where a <= 0 (undefined there).
            let da = try mul(g, mul(b, emit(.pow, [a, add(b, -1)])))
            let db = try keep(mul(g, mul(y, unary(.log, a))), where: compare(.greater, a, 0))
            return try both(da, db)
        case .maximum:   // ties go to a, as in the forward kernel
            let takesA = try emit(.greaterEqual, [a, b])
            return try both(keep(g, where: takesA), drop(g, where: takesA))
        case .minimum:   // forward picks b only where b < a
            let takesB = try emit(.less, [b, a])
            return try both(drop(g, where: takesB), keep(g, where: takesB))
        case .mod:
            // a - b * q with q = floor(a/b) (fmod = 0) or trunc(a/b) (fmod = 1), q piecewise constant.
            let ratio = try div(a, b)
            var q = try unary(.floor, ratio)
            if (op.attributes["fmod"]?.intValue ?? 0) != 0 { q = try mul(unary(.sign, ratio), unary(.floor, unary(.abs, ratio))) }
            return try both(g, neg(mul(g, q)))
        default:
            throw AutodiffError("internal error: '\(op.kind.rawValue)' has no elementwise binary rule", at: location)
        }
    }

    /// `where(c, a, b)`: a's gradient where c holds, b's elsewhere; none for the condition.
    func selectGradient(_ op: Operation, g: ValueID) throws(AutodiffError) -> [ValueID?] {
        let (c, a, b) = (op.operands[0], op.operands[1], op.operands[2])
        return [nil, try unbroadcast(keep(g, where: c), to: type(a)), try unbroadcast(drop(g, where: c), to: type(b))]
    }
}
