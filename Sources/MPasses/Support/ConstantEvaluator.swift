import Foundation
import MIR

/// Evaluates one op on known values at compile time, for fold-constants. Values are Doubles;
/// results are rounded to the result dtype after each op, so a chain of folds matches what the
/// kernels compute in that dtype (up to the one rounding of each op). Returns nil for ops,
/// dtypes or values it does not cover (the op then stays and runs at run time).
enum ConstantEvaluator {
    static func evaluate(_ op: MIR.Operation, operands: [(values: [Double], shape: [Int])], result: TensorType) -> [Double]? {
        guard let shape = result.staticShape else { return nil }
        let count = shape.reduce(1, *)
        let raw: [Double]?
        switch op.kind {
        case .reshape, .flatten:
            raw = operands[0].values.count == count ? operands[0].values : nil
        case .expand:
            raw = broadcast(operands[0], to: shape)
        case .transpose:
            raw = transpose(operands[0], perm: op.attributes["perm"]?.intsValue ?? Array((0..<shape.count).reversed()))
        case .cast:
            raw = operands[0].values
        default:
            if operands.count == 1, op.attributes.isEmpty, let fn = unary(op.kind) {
                raw = operands[0].values.map(fn)
            } else if operands.count == 2, op.attributes.isEmpty, let fn = binary(op.kind, integer: result.dtype.isInteger) {
                guard let a = broadcast(operands[0], to: shape), let b = broadcast(operands[1], to: shape) else { return nil }
                if result.dtype.isInteger, op.kind == .div, b.contains(0) { return nil }  // the run-time error stays at run time
                raw = a.indices.map { fn((a[$0], b[$0])) }
            } else {
                raw = nil
            }
        }
        guard let values = raw, values.count == count else { return nil }
        return round(values, to: result.dtype)
    }

    /// Values rounded as the dtype stores them; nil where an integer would overflow or a value
    /// is not representable (NaN into an integer).
    static func round(_ values: [Double], to dtype: DType) -> [Double]? {
        switch dtype {
        case .f32: return values.map { Double(Float($0)) }
        case .f64: return values
        case .bool: return values.map { $0 != 0 ? 1 : 0 }
        case .i8, .i16, .i32, .i64, .u8, .u16:
            let bits = Double(dtype.bits), signed = dtype != .u8 && dtype != .u16
            let lo = signed ? -pow(2, bits - 1) : 0, hi = signed ? pow(2, bits - 1) - 1 : pow(2, bits) - 1
            var out: [Double] = []
            out.reserveCapacity(values.count)
            for v in values {
                let t = v.rounded(.towardZero)
                guard v.isFinite, t >= lo, t <= hi, abs(t) <= 9_007_199_254_740_992 else { return nil }
                out.append(t)
            }
            return out
        default: return nil  // f16/bf16 and the rest: rounding the kernels do is not modeled here
        }
    }

    static func unary(_ kind: OpKind) -> ((Double) -> Double)? {
        switch kind {
        case .neg: return { -$0 }
        case .abs: return { Swift.abs($0) }
        case .sign: return { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }
        case .relu: return { Swift.max($0, 0) }
        case .sigmoid: return { 1 / (1 + Foundation.exp(-$0)) }
        case .tanh: return { Foundation.tanh($0) }
        case .exp: return { Foundation.exp($0) }
        case .log: return { Foundation.log($0) }
        case .sqrt: return { $0.squareRoot() }
        case .erf: return { Foundation.erf($0) }
        case .floor: return { $0.rounded(.down) }
        case .ceil: return { $0.rounded(.up) }
        case .round: return { $0.rounded(.toNearestOrEven) }
        case .reciprocal: return { 1 / $0 }
        case .sin: return { Foundation.sin($0) }
        case .cos: return { Foundation.cos($0) }
        default: return nil
        }
    }

    static func binary(_ kind: OpKind, integer: Bool) -> (((Double, Double)) -> Double)? {
        switch kind {
        case .add: return { $0.0 + $0.1 }
        case .sub: return { $0.0 - $0.1 }
        case .mul: return { $0.0 * $0.1 }
        case .div: return integer ? { ($0.0 / $0.1).rounded(.towardZero) } : { $0.0 / $0.1 }
        case .pow: return { Foundation.pow($0.0, $0.1) }
        case .maximum: return { Swift.max($0.0, $0.1) }
        case .minimum: return { Swift.min($0.0, $0.1) }
        default: return nil
        }
    }

    /// numpy broadcasting of a row-major tensor to `shape` (dims aligned at the right).
    static func broadcast(_ x: (values: [Double], shape: [Int]), to shape: [Int]) -> [Double]? {
        if x.shape == shape { return x.values }
        guard x.shape.count <= shape.count else { return nil }
        let pad = shape.count - x.shape.count
        var strides = [Int](repeating: 0, count: shape.count), step = 1
        for d in stride(from: x.shape.count - 1, through: 0, by: -1) {
            guard x.shape[d] == shape[pad + d] || x.shape[d] == 1 else { return nil }
            strides[pad + d] = x.shape[d] == 1 ? 0 : step
            step *= x.shape[d]
        }
        return gather(x.values, shape: shape, strides: strides)
    }

    static func transpose(_ x: (values: [Double], shape: [Int]), perm: [Int]) -> [Double]? {
        guard perm.count == x.shape.count, Set(perm) == Set(0..<perm.count) else { return nil }
        var inStrides = [Int](repeating: 1, count: x.shape.count)
        for d in stride(from: x.shape.count - 2, through: 0, by: -1) { inStrides[d] = inStrides[d + 1] * x.shape[d + 1] }
        return gather(x.values, shape: perm.map { x.shape[$0] }, strides: perm.map { inStrides[$0] })
    }

    /// out[i] = values[sum(index_d(i) * strides[d])] over the row-major indices of `shape`.
    static func gather(_ values: [Double], shape: [Int], strides: [Int]) -> [Double] {
        let count = shape.reduce(1, *)
        var out = [Double](), index = [Int](repeating: 0, count: shape.count), offset = 0
        out.reserveCapacity(count)
        for _ in 0..<count {
            out.append(values[offset])
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1; offset += strides[d]
                if index[d] < shape[d] { break }
                offset -= strides[d] * shape[d]; index[d] = 0; d -= 1
            }
        }
        return out
    }
}
