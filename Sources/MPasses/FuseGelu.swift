import MIR

/// fuse-gelu: recognizes GELU written out with erf or tanh and replaces it with the `gelu` op,
/// which fuse-epilogue can then fold into the matmul before it (BERT's feed-forward):
///
///     erf form:  x * 0.5 * (1 + erf(x / sqrt(2)))                        -> gelu %x
///     tanh form: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))   -> gelu %x {approximate = "tanh"}
///
/// The products may be grouped and ordered either way (`(x * 0.5) * (1 + e)`, `(x * (1 + e)) * 0.5`),
/// x / sqrt(2) may be x * (1 / sqrt(2)), x^3 may be pow(x, 3) or x * x * x. Constants are
/// scalar parameters, compared with a relative tolerance of 1e-5. Intermediates must be read
/// only inside the pattern; the matched ops are left dead for `dce`. Requires: a verified
/// module, before fuse-epilogue and fuse-elementwise.
public struct FuseGelu: WeightPass {
    public static let name = "fuse-gelu"
    public static let summary = "Replace GELU written with erf or tanh by the gelu op"
    public init() {}

    public func run(on module: Module, context: PassContext) throws(PassError) {
        for f in module.functions {
            let view = PatternView(f, module, context)
            for i in f.ops.indices where f.ops[i].kind == .mul {
                let type = f.type(of: f.ops[i].result)
                guard type.dtype == .f32 || type.dtype == .f64, let (x, tanhForm) = match(f.ops[i], view), f.type(of: x) == type else { continue }
                f.ops[i].kind = .gelu
                f.ops[i].operands = [x]
                f.ops[i].attributes = tanhForm ? ["approximate": .string("tanh")] : [:]
            }
        }
    }

    /// (x, tanh form) when `y` is the final product of a GELU.
    private func match(_ y: Operation, _ v: PatternView) -> (ValueID, Bool)? {
        // (1 + t) times (x * 0.5), or 0.5 times (x * (1 + t)).
        for (a, b) in [(y.operands[0], y.operands[1]), (y.operands[1], y.operands[0])] {
            if let (x, tanhForm) = onePlus(a, v), half(b, of: x, v) { return (x, tanhForm) }
            if v.isConstant(a, 0.5), let m = v.inner(b, .mul) {
                for (p, x) in [(m.operands[0], m.operands[1]), (m.operands[1], m.operands[0])] {
                    if let (x2, tanhForm) = onePlus(p, v), x2 == x { return (x, tanhForm) }
                }
            }
        }
        return nil
    }

    /// Whether `v` is x * 0.5 (either order) or x / 2.
    private func half(_ h: ValueID, of x: ValueID, _ v: PatternView) -> Bool {
        if let m = v.inner(h, .mul), let (c, other) = v.split(m, { v.isConstant($0, 0.5) }) { return other == x && c != x }
        if let d = v.inner(h, .div) { return d.operands[0] == x && v.isConstant(d.operands[1], 2) }
        return false
    }

    /// (x, tanh form) when `p` is 1 + erf(x / sqrt 2) or 1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)).
    private func onePlus(_ p: ValueID, _ v: PatternView) -> (ValueID, Bool)? {
        guard let add = v.inner(p, .add), let (_, t) = v.split(add, { v.isConstant($0, 1) }) else { return nil }
        if let e = v.inner(t, .erf), let x = scaledBySqrtHalf(e.operands[0], v) { return (x, false) }
        if let th = v.inner(t, .tanh), let x = tanhArgument(th.operands[0], v) { return (x, true) }
        return nil
    }

    /// x when `s` is x / sqrt(2) or x * (1 / sqrt(2)).
    private func scaledBySqrtHalf(_ s: ValueID, _ v: PatternView) -> ValueID? {
        if let d = v.inner(s, .div), v.isConstant(d.operands[1], 2.0.squareRoot()) { return d.operands[0] }
        if let m = v.inner(s, .mul), let (_, x) = v.split(m, { v.isConstant($0, 0.5.squareRoot()) }) { return x }
        return nil
    }

    /// x when `s` is sqrt(2/pi) * (x + 0.044715 * x^3), products in either order.
    private func tanhArgument(_ s: ValueID, _ v: PatternView) -> ValueID? {
        guard let m = v.inner(s, .mul), let (_, sum) = v.split(m, { v.isConstant($0, (2 / Double.pi).squareRoot()) }),
              let add = v.inner(sum, .add) else { return nil }
        for (x, cubic) in [(add.operands[0], add.operands[1]), (add.operands[1], add.operands[0])] {
            guard let k = v.inner(cubic, .mul), let (_, cube) = v.split(k, { v.isConstant($0, 0.044715) }) else { continue }
            if isCube(cube, of: x, v) { return x }
        }
        return nil
    }

    /// Whether `c` is pow(x, 3), x * (x * x) or (x * x) * x.
    private func isCube(_ c: ValueID, of x: ValueID, _ v: PatternView) -> Bool {
        if let p = v.inner(c, .pow) { return p.operands[0] == x && v.isConstant(p.operands[1], 3) }
        guard let m = v.inner(c, .mul), let (sq, other) = v.split(m, { $0 != x }), other == x,
              let s = v.inner(sq, .mul) else { return false }
        return s.operands == [x, x]
    }
}
