import MIR

/// simplify-algebra: rewrites elementwise ops by algebraic identities that hold bit for bit in
/// IEEE arithmetic (so outputs do not change), with c a known splat value (KnownValues):
///   x + 0, 0 + x, x - 0, x * 1, 1 * x, x / 1, pow(x, 1)  ->  x
///   x / c  ->  x * (1/c)      when 1/c is exact (c a power of two)
///   pow(x, 2) -> x * x,  pow(x, 0.5) -> sqrt(x),  pow(x, -1) -> reciprocal(x)
///   neg(neg(x)), relu(relu(x)), abs(abs(x)), cast to x's own dtype  ->  the inner value
/// An identity applies only when the constant does not broadcast x to a larger shape, and
/// never for x * 0 or x - x (NaN and infinity make them differ). Requires: a verified module.
/// Ensures: none of the patterns above remains; replaced ops are left for `dce`.
public struct SimplifyAlgebra: WeightPass {
    public static let name = "simplify-algebra"
    public static let summary = "Remove identity arithmetic (x*1, x+0, x/1, pow(x,1), double negation) and strength-reduce pow and div"
    public init() {}

    public func run(on module: Module, context: PassContext) throws(PassError) {
        let pool = ConstantPool(module: module)
        for f in module.functions {
            let known = KnownValues(module: module, function: f, context: context)
            var producer: [ValueID: Int] = [:]
            var i = 0
            while i < f.ops.count {
                defer { i += 1 }
                let op = f.ops[i]
                producer[op.result] = i
                let type = f.type(of: op.result)
                guard type.dtype.isFloat, op.attributes.isEmpty || op.kind == .cast else { continue }
                // x's value when `c` is the splat `value` and x alone already has the result's type.
                func identity(_ x: ValueID, _ c: ValueID, _ value: Double) -> Bool {
                    guard f.type(of: x) == type else { return false }
                    return known.splat(c) == value
                }
                var replacement: ValueID?
                switch op.kind {
                case .add where op.operands.count == 2:
                    let (a, b) = (op.operands[0], op.operands[1])
                    replacement = identity(a, b, 0) ? a : identity(b, a, 0) ? b : nil
                case .sub:
                    replacement = identity(op.operands[0], op.operands[1], 0) ? op.operands[0] : nil
                case .mul:
                    let (a, b) = (op.operands[0], op.operands[1])
                    replacement = identity(a, b, 1) ? a : identity(b, a, 1) ? b : nil
                case .div:
                    let (x, c) = (op.operands[0], op.operands[1])
                    if identity(x, c, 1) { replacement = x; break }
                    guard f.type(of: x) == type, let v = known.splat(c), v.isNormal, v.significandBitPattern == 0,
                          (1 / v).isNormal else { break }
                    let r = f.insertParam(module, pool.scalar(1 / v, type.dtype), at: i)
                    f.ops[i + 1].kind = .mul
                    f.ops[i + 1].operands = [x, r]
                    i += 1; producer[op.result] = i
                case .pow:
                    let (x, e) = (op.operands[0], op.operands[1])
                    guard f.type(of: x) == type, let v = known.splat(e) else { break }
                    switch v {
                    case 1: replacement = x
                    case 2: f.ops[i].kind = .mul; f.ops[i].operands = [x, x]
                    case 0.5: f.ops[i].kind = .sqrt; f.ops[i].operands = [x]
                    case -1: f.ops[i].kind = .reciprocal; f.ops[i].operands = [x]
                    default: break
                    }
                case .neg:
                    if let j = producer[op.operands[0]], f.ops[j].kind == .neg { replacement = f.ops[j].operands[0] }
                case .relu, .abs:
                    if let j = producer[op.operands[0]], f.ops[j].kind == op.kind, f.ops[j].attributes.isEmpty { replacement = op.operands[0] }
                case .cast:
                    if f.type(of: op.operands[0]) == type { replacement = op.operands[0] }
                default:
                    break
                }
                if let r = replacement { f.replaceAllUses(of: op.result, with: r) }
            }
        }
    }
}
