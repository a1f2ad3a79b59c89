import MIR

/// Why a gradient could not be built, with the op and source location that caused it.
public struct AutodiffError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation?
    public init(_ message: String, at location: SourceLocation? = nil) { self.message = message; self.location = location }
    public var description: String {
        guard let l = location else { return "autodiff: \(message)" }
        return "\(l.file):\(l.line):\(l.column): autodiff: \(message)"
    }
}

/// Appends the ops of gradient computations to a function. Every helper infers types with
/// the op table's shape rules, so a wrong rule fails here (with the op's location) rather
/// than in the verifier.
struct GradientBuilder {
    let f: Function
    let pool: ConstantPool
    /// Location of the forward op whose gradient is being built (copied onto new ops).
    var location: SourceLocation?

    func type(_ v: ValueID) -> TensorType { f.type(of: v) }

    func emit(_ kind: OpKind, _ operands: [ValueID], _ attrs: Attributes = [:], type: TensorType? = nil) throws(AutodiffError) -> ValueID {
        do { return try f.append(kind, operands, attributes: attrs, explicitType: type, location: location) } catch {
            throw AutodiffError("internal error building the gradient ('\(kind.rawValue)'): \(error.message)", at: location)
        }
    }

    /// A scalar constant of `like`'s dtype (broadcasts against any shape).
    func scalar(_ v: Double, like: ValueID) -> ValueID { f.constant(v, type(like).dtype, pool: pool, location: location) }
    func scalar(_ v: Double, _ dtype: DType) -> ValueID { f.constant(v, dtype, pool: pool, location: location) }

    func add(_ a: ValueID, _ b: ValueID) throws(AutodiffError) -> ValueID { try emit(.add, [a, b]) }
    func sub(_ a: ValueID, _ b: ValueID) throws(AutodiffError) -> ValueID { try emit(.sub, [a, b]) }
    func mul(_ a: ValueID, _ b: ValueID) throws(AutodiffError) -> ValueID { try emit(.mul, [a, b]) }
    func div(_ a: ValueID, _ b: ValueID) throws(AutodiffError) -> ValueID { try emit(.div, [a, b]) }
    func neg(_ a: ValueID) throws(AutodiffError) -> ValueID { try emit(.neg, [a]) }
    func mul(_ a: ValueID, _ c: Double) throws(AutodiffError) -> ValueID { c == 1 ? a : try mul(a, scalar(c, like: a)) }
    func add(_ a: ValueID, _ c: Double) throws(AutodiffError) -> ValueID { try add(a, scalar(c, like: a)) }
    /// `c - a`.
    func rsub(_ c: Double, _ a: ValueID) throws(AutodiffError) -> ValueID { try sub(scalar(c, like: a), a) }
    func unary(_ kind: OpKind, _ a: ValueID, _ attrs: Attributes = [:]) throws(AutodiffError) -> ValueID { try emit(kind, [a], attrs) }
    func square(_ a: ValueID) throws(AutodiffError) -> ValueID { try mul(a, a) }

    /// `where(cond, a, 0)` / `where(cond, 0, a)`.
    func keep(_ a: ValueID, where cond: ValueID) throws(AutodiffError) -> ValueID { try emit(.select, [cond, a, scalar(0, like: a)]) }
    func drop(_ a: ValueID, where cond: ValueID) throws(AutodiffError) -> ValueID { try emit(.select, [cond, scalar(0, like: a), a]) }
    /// A bool comparison of `a` with a constant.
    func compare(_ kind: OpKind, _ a: ValueID, _ c: Double) throws(AutodiffError) -> ValueID { try emit(kind, [a, scalar(c, like: a)]) }
    func and(_ a: ValueID, _ b: ValueID) throws(AutodiffError) -> ValueID { try emit(.logicalAnd, [a, b]) }

    func reshape(_ a: ValueID, _ shape: [Dim]) throws(AutodiffError) -> ValueID {
        type(a).shape == shape ? a : try emit(.reshape, [a], type: TensorType(type(a).dtype, shape))
    }
    func expand(_ a: ValueID, _ shape: [Dim]) throws(AutodiffError) -> ValueID {
        type(a).shape == shape ? a : try emit(.expand, [a], type: TensorType(type(a).dtype, shape))
    }
    func reduceSum(_ a: ValueID, axes: [Int], keepdims: Bool) throws(AutodiffError) -> ValueID {
        try emit(.reduceSum, [a], ["axes": .ints(axes), "keepdims": .int(keepdims ? 1 : 0)])
    }
    func transpose(_ a: ValueID, _ perm: [Int]) throws(AutodiffError) -> ValueID {
        perm == Array(perm.indices) ? a : try emit(.transpose, [a], ["perm": .ints(perm)])
    }
    /// Swaps the last two dims.
    func transposeLast2(_ a: ValueID) throws(AutodiffError) -> ValueID {
        var perm = Array(0..<type(a).rank)
        perm.swapAt(perm.count - 1, perm.count - 2)
        return try transpose(a, perm)
    }
    func zeros(_ t: TensorType) throws(AutodiffError) -> ValueID {
        try emit(.expand, [scalar(0, t.dtype)], type: t)
    }

    /// The gradient of a value that was broadcast from `target` to `g`'s shape: summed over
    /// the broadcast dims and reshaped to `target` (numpy broadcasting's adjoint).
    func unbroadcast(_ g: ValueID, to target: TensorType) throws(AutodiffError) -> ValueID {
        let gs = type(g).shape
        if gs == target.shape { return g }
        let lead = gs.count - target.rank
        var axes = Array(0..<max(lead, 0))
        for i in max(lead, 0)..<gs.count where target.shape[i - lead] == .constant(1) && gs[i] != .constant(1) { axes.append(i) }
        let summed = axes.isEmpty ? g : try reduceSum(g, axes: axes, keepdims: true)
        return try reshape(summed, target.shape)
    }

    /// `g` (a reduction's result gradient) with the reduced axes put back as size-1 dims.
    func keepDims(_ g: ValueID, reducedAxes axes: [Int], inputRank: Int, keepdims: Bool) throws(AutodiffError) -> ValueID {
        if keepdims { return g }
        var shape: [Dim] = []
        var rest = type(g).shape.makeIterator()
        for i in 0..<inputRank { shape.append(axes.contains(i) ? .constant(1) : rest.next() ?? .constant(1)) }
        return try reshape(g, shape)
    }

    /// The number of elements along `axes` of `t`, as a scalar (a constant when static; else
    /// counted at run time by summing ones over just those dims).
    func count(_ t: TensorType, axes: [Int]) throws(AutodiffError) -> ValueID {
        let dims = axes.map { t.shape[$0] }
        if let n = dims.product.constantValue { return scalar(Double(n), t.dtype) }
        let ones = try expand(scalar(1, t.dtype), dims)
        return try reduceSum(ones, axes: [], keepdims: false)
    }
}
