import MIR

/// Read-only view of a function for pattern-matching passes (fuse-norm, fuse-gelu): which op
/// produces a value, how often each value is read, and the values of scalar constants (known
/// values: compiler constants, or parameters holding data in a frozen build; see KnownValues).
struct PatternView {
    let f: Function
    let module: Module
    let known: KnownValues
    private(set) var producer: [ValueID: Int] = [:]
    private(set) var uses: [Int]

    init(_ f: Function, _ module: Module, _ context: PassContext) {
        self.f = f; self.module = module
        known = KnownValues(module: module, function: f, context: context)
        uses = f.useCounts()
        for (i, op) in f.ops.enumerated() { producer[op.result] = i }
    }

    /// The op producing `v` when it has the given kind.
    func op(_ v: ValueID, _ kind: OpKind) -> Operation? {
        guard let i = producer[v], f.ops[i].kind == kind else { return nil }
        return f.ops[i]
    }

    /// The op producing `v` when it has the given kind and `v` is read exactly `reads` times
    /// (an intermediate the rewrite will drop must have no reader outside the pattern).
    func inner(_ v: ValueID, _ kind: OpKind, reads: Int = 1) -> Operation? {
        guard uses[v.raw] == reads else { return nil }
        return op(v, kind)
    }

    /// The value of a one-element constant parameter, nil for anything else (or unreadable data).
    func scalar(_ v: ValueID) -> Double? {
        guard f.type(of: v).elementCount == .constant(1), f.type(of: v).dtype.isFloat else { return nil }
        return known.splat(v)
    }

    /// Whether `v` is a scalar constant within a relative 1e-5 of `expected` (exported models
    /// round constants such as sqrt(2) or sqrt(2/pi) to f32).
    func isConstant(_ v: ValueID, _ expected: Double) -> Bool {
        guard let x = scalar(v) else { return false }
        return abs(x - expected) <= 1e-5 * abs(expected)
    }

    /// The two operands of a commutative binary op, the one satisfying `first` first.
    func split(_ op: Operation, _ first: (ValueID) -> Bool) -> (ValueID, ValueID)? {
        guard op.operands.count == 2 else { return nil }
        if first(op.operands[0]) { return (op.operands[0], op.operands[1]) }
        if first(op.operands[1]) { return (op.operands[1], op.operands[0]) }
        return nil
    }
}

extension Double {
    /// The shortest decimal that rounds to the same f32 (1e-12, not 9.9999999600419e-13), for
    /// attributes taken from f32 constants.
    var roundedToFloat: Double { Double(String(Float(self))) ?? self }
}
