/// Value symbols: symbolic dims whose values come from the *data* of small arguments
/// (an ONNX Reshape's `shape` input, a Slice's `starts`), computed at run time after the
/// shape symbols are bound and before any dim, workspace size or kernel needs them.
///
///     symbol r0 = select(eq(%shape[0], 0), 2, %shape[0])
///     check ge(r0, 0), "Reshape: target dim 0 is negative"
///
/// Types then use `r0` like any other named dim. A `check` whose expression is 0 at run
/// time rejects the call with its message (MCC_ERR_SHAPE_MISMATCH through the C ABI).

/// A scalar expression over symbols and argument elements. Integers are int64; an
/// element of a float argument or a float literal makes a float, and arithmetic with a
/// float is float. `floor`/`ceil` turn floats back into integers; a symbol's value must
/// be an integer.
public indirect enum SymExpr: Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    /// A shape symbol or an earlier value symbol.
    case symbol(String)
    /// Element `index` (row-major, flat) of argument `%name`.
    case element(String, Int)
    case call(SymFunction, [SymExpr])
    /// How many elements of argument `%name` are nonzero (the size of an ONNX NonZero or
    /// Compress result when its input is an argument).
    case countNonzero(String)
    /// How many boxes ONNX NonMaxSuppression selects from arguments `%boxes` (f32 [batches, n, 4])
    /// and `%scores` (f32 [batches, classes, n]), given max_output_boxes_per_class,
    /// iou_threshold, score_threshold, has_score_threshold (0/1) and center_point_box (0/1).
    case countNMS(String, String, [SymExpr])
    /// How many distinct slices argument `%name` has along `axis` (nil: distinct elements),
    /// the size of an ONNX Unique result.
    case countUnique(String, Int?)

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .float(let v): return formatFloat(v)
        case .symbol(let s): return s
        case .element(let a, let i): return "%\(a)[\(i)]"
        case .call(let f, let args): return "\(f.rawValue)(" + args.map(\.description).joined(separator: ", ") + ")"
        case .countNonzero(let a): return "count_nonzero(%\(a))"
        case .countUnique(let a, let axis): return "count_unique(%\(a)" + (axis.map { ", \($0))" } ?? ")")
        case .countNMS(let b, let s, let xs): return "count_nms(%\(b), %\(s), " + xs.map(\.description).joined(separator: ", ") + ")"
        }
    }

    /// Symbols the expression reads, in first-seen order.
    public var symbols: [String] {
        switch self {
        case .int, .float, .element, .countNonzero, .countUnique: return []
        case .symbol(let s): return [s]
        case .call(_, let args), .countNMS(_, _, let args):
            var out: [String] = []
            for a in args { for s in a.symbols where !out.contains(s) { out.append(s) } }
            return out
        }
    }

    /// Arguments whose elements the expression reads.
    public var elements: [(String, Int)] {
        switch self {
        case .int, .float, .symbol, .countNonzero, .countUnique: return []
        case .element(let a, let i): return [(a, i)]
        case .call(_, let args), .countNMS(_, _, let args): return args.flatMap(\.elements)
        }
    }

    /// The expression of a dim (constants and shape symbols become their sym forms).
    public init(_ d: Dim) {
        switch d {
        case .constant(let v): self = .int(v)
        case .symbol(let s): self = .symbol(s)
        case .add(let a, let b): self = .call(.add, [SymExpr(a), SymExpr(b)])
        case .mul(let a, let b): self = .call(.mul, [SymExpr(a), SymExpr(b)])
        case .floorDiv(let a, let b): self = .call(.div, [SymExpr(a), SymExpr(b)])
        }
    }

    public static func + (a: SymExpr, b: SymExpr) -> SymExpr { .call(.add, [a, b]) }
    public static func - (a: SymExpr, b: SymExpr) -> SymExpr { .call(.sub, [a, b]) }
    public static func * (a: SymExpr, b: SymExpr) -> SymExpr { .call(.mul, [a, b]) }
}

/// The functions a symbol expression may call. Raw values are the text names; the
/// runtime's opcode is the case's index in `allCases` (keep the order).
public enum SymFunction: String, CaseIterable, Sendable {
    case add, sub, mul
    case div            // floor division (integers), true division (floats)
    case mod            // integer remainder with the divisor's sign
    case min, max
    case eq, ne, lt, le, gt, ge   // -> 0 or 1
    case and, or, not
    case select         // select(c, a, b): a when c != 0
    case floor, ceil    // float -> integer (error when not finite or out of range)
    case clamp          // clamp(x, lo, hi)

    public var arity: Int {
        switch self {
        case .not, .floor, .ceil: return 1
        case .select, .clamp: return 3
        default: return 2
        }
    }
}

/// `symbol name = expr`.
public struct ValueSymbol: Hashable, Sendable {
    public var name: String
    public var expr: SymExpr
    public init(name: String, expr: SymExpr) { self.name = name; self.expr = expr }
}

/// `check expr, "message"`: the run is rejected with `message` when `expr` is 0.
public struct SymbolCheck: Hashable, Sendable {
    public var expr: SymExpr
    public var message: String
    public init(expr: SymExpr, message: String) { self.expr = expr; self.message = message }
}

extension Function {
    /// Shape symbols first (bound from the arguments' dims), then value symbols, in the
    /// order the runtime stores them.
    public var symbols: [String] { shapeSymbols + valueSymbols.map(\.name) }

    /// Declares a value symbol with a fresh name starting with `prefix`; returns its dim.
    public func defineValueSymbol(_ prefix: String, _ raw: SymExpr) -> Dim {
        let expr = raw.folded
        // Dim arithmetic of known symbols (a constant, `h + 1`) needs no new symbol.
        if let d = expr.dim { return d }
        let taken = Set(symbols)
        var name = prefix, k = 0
        while taken.contains(name) { k += 1; name = "\(prefix)_\(k)" }
        valueSymbols.append(ValueSymbol(name: name, expr: expr))
        return .symbol(name)
    }

    /// Problems with the value symbols and checks (empty when they are well formed).
    func verifyValueSymbols() -> [String] {
        var errors: [String] = []
        var known = Set(shapeSymbols)
        let args = Dictionary(arguments.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        func check(_ e: SymExpr, _ here: String, depth: Int = 0) {
            guard depth < 64 else { errors.append("\(here): expression nested too deeply"); return }
            switch e {
            case .int, .float: break
            case .symbol(let s): if !known.contains(s) { errors.append("\(here) uses symbol '\(s)' before it is defined") }
            case .element(let a, let i):
                guard let t = args[a] else { errors.append("\(here) reads '%\(a)', which is not an argument"); break }
                if !(t.dtype.isInteger || t.dtype == .f32 || t.dtype == .f64) { errors.append("\(here) reads '%\(a)' of type \(t), which is not an integer, f32 or f64 tensor") }
                if i < 0 { errors.append("\(here) reads element \(i) of '%\(a)'") }
                else if let n = t.elementCount.constantValue, i >= n {
                    errors.append("\(here) reads element \(i) of '%\(a)', which has \(n) elements")
                }
            case .countNonzero(let a):
                guard let t = args[a] else { errors.append("\(here) reads '%\(a)', which is not an argument"); break }
                if !(t.dtype.isInteger || t.dtype == .bool || t.dtype == .f32 || t.dtype == .f64) {
                    errors.append("\(here) counts '%\(a)' of type \(t), which is not a bool, integer, f32 or f64 tensor")
                }
            case .countUnique(let a, let axis):
                guard let t = args[a] else { errors.append("\(here) reads '%\(a)', which is not an argument"); break }
                if !(t.dtype.isInteger || t.dtype == .bool || t.dtype == .f32 || t.dtype == .f64) {
                    errors.append("\(here) counts '%\(a)' of type \(t), which is not a bool, integer, f32 or f64 tensor")
                }
                if let axis, axis < 0 || axis >= t.rank { errors.append("\(here): count_unique axis \(axis) is out of range for \(t)") }
            case .countNMS(let b, let s, let xs):
                for a in [b, s] {
                    guard let t = args[a] else { errors.append("\(here) reads '%\(a)', which is not an argument"); continue }
                    if t.dtype != .f32 || t.rank != 3 { errors.append("\(here): count_nms reads '%\(a)' of type \(t), expected f32 of rank 3") }
                }
                if xs.count != 5 { errors.append("\(here): 'count_nms' takes 2 arguments and 5 operands, got \(xs.count) operands") }
                for x in xs { check(x, here, depth: depth + 1) }
            case .call(let f, let xs):
                if xs.count != f.arity { errors.append("\(here): '\(f.rawValue)' takes \(f.arity) operands, got \(xs.count)") }
                for x in xs { check(x, here, depth: depth + 1) }
            }
        }
        for v in valueSymbols {
            check(v.expr, "symbol '\(v.name)'")
            if !known.insert(v.name).inserted { errors.append("symbol '\(v.name)' is defined twice (or is a shape symbol)") }
        }
        for (i, c) in symbolChecks.enumerated() { check(c.expr, "check #\(i)") }
        return errors
    }
}

extension SymExpr {
    /// Calls on integer constants evaluated (with the runtime's semantics), so that dims
    /// that do not depend on data stay static.
    public var folded: SymExpr {
        if case .countNMS(let b, let s, let xs) = self { return .countNMS(b, s, xs.map(\.folded)) }
        guard case .call(let f, let raw) = self else { return self }
        let args = raw.map(\.folded)
        let ints = args.compactMap { e -> Int? in if case .int(let v) = e { return v }; return nil }
        if f == .select, case .int(let c) = args[0] { return c != 0 ? args[1] : args[2] }
        guard ints.count == args.count, ints.count == f.arity else { return .call(f, args) }
        let a = ints[0], b = ints.count > 1 ? ints[1] : 0
        func bool(_ v: Bool) -> SymExpr { .int(v ? 1 : 0) }
        switch f {
        case .add: let r = a.addingReportingOverflow(b); return r.overflow ? .call(f, args) : .int(r.partialValue)
        case .sub: let r = a.subtractingReportingOverflow(b); return r.overflow ? .call(f, args) : .int(r.partialValue)
        case .mul: let r = a.multipliedReportingOverflow(by: b); return r.overflow ? .call(f, args) : .int(r.partialValue)
        case .div, .mod:
            guard b != 0, !(a == .min && b == -1) else { return .call(f, args) }
            var q = a / b, r = a % b
            if r != 0 && (r < 0) != (b < 0) { q -= 1; r += b }
            return .int(f == .div ? q : r)
        case .min: return .int(Swift.min(a, b))
        case .max: return .int(Swift.max(a, b))
        case .eq: return bool(a == b)
        case .ne: return bool(a != b)
        case .lt: return bool(a < b)
        case .le: return bool(a <= b)
        case .gt: return bool(a > b)
        case .ge: return bool(a >= b)
        case .and: return bool(a != 0 && b != 0)
        case .or: return bool(a != 0 || b != 0)
        case .not: return bool(a == 0)
        case .floor, .ceil: return .int(a)
        case .clamp: return .int(Swift.min(Swift.max(a, b), ints[2]))
        case .select: return .call(f, args)
        }
    }

    /// The same value as a `Dim` when the expression reads no data and uses only dim
    /// arithmetic (so that it compares structurally with other dims).
    public var dim: Dim? {
        switch self {
        case .int(let v): return .constant(v)
        case .symbol(let s): return .symbol(s)
        case .float, .element, .countNonzero, .countNMS, .countUnique: return nil
        case .call(let f, let args):
            let ds = args.compactMap(\.dim)
            guard ds.count == args.count else { return nil }
            switch f {
            case .add: return ds[0] + ds[1]
            case .sub: return ds[0] - ds[1]
            case .mul: return ds[0] * ds[1]
            case .div: return Dim.quotient(ds[0], ds[1])
            default: return nil
            }
        }
    }

    /// The expression with symbols replaced by dims (to pin shape symbols).
    public func substituting(_ map: [String: Dim]) -> SymExpr {
        switch self {
        case .int, .float, .element, .countNonzero, .countUnique: return self
        case .countNMS(let b, let s, let xs): return .countNMS(b, s, xs.map { $0.substituting(map) })
        case .symbol(let s): return map[s].map { SymExpr($0) } ?? self
        case .call(let f, let args): return .call(f, args.map { $0.substituting(map) })
        }
    }
}
