/// One dimension of a tensor shape: a constant, a named symbol bound at run time
/// (`batch`), or a small arithmetic expression of them (`(h - 3) / 2 + 1`).
///
/// Always build expressions through the static helpers (`+`, `*`, `quotient`), which
/// fold constants and normalize, so that equal shapes compare equal structurally.
public indirect enum Dim: Hashable, Sendable, CustomStringConvertible {
    case constant(Int)
    case symbol(String)
    case add(Dim, Dim)
    case mul(Dim, Dim)
    case floorDiv(Dim, Dim)

    public var constantValue: Int? { if case .constant(let v) = self { return v }; return nil }
    public var symbolName: String? { if case .symbol(let s) = self { return s }; return nil }
    public var isStatic: Bool { constantValue != nil }

    public static func + (a: Dim, b: Dim) -> Dim {
        switch (a, b) {
        case (.constant(let x), .constant(let y)): return .constant(x &+ y)
        case (.constant(0), _): return b
        case (_, .constant(0)): return a
        case (.add(let l, .constant(let x)), .constant(let y)): return l + .constant(x &+ y)
        case (.constant, _): return .add(b, a)   // constants go right: `n + 1`
        default: return .add(a, b)
        }
    }
    public static func - (a: Dim, b: Dim) -> Dim {
        if case .constant(let y) = b { return a + .constant(-y) }
        if a == b { return .constant(0) }
        return a + (.constant(-1) * b)
    }
    public static func * (a: Dim, b: Dim) -> Dim {
        switch (a, b) {
        case (.constant(let x), .constant(let y)): return .constant(x &* y)
        case (.constant(1), _): return b
        case (_, .constant(1)): return a
        case (.constant(0), _), (_, .constant(0)): return .constant(0)
        case (.mul(.constant(let x), let r), .constant(let y)): return .constant(x &* y) * r
        case (_, .constant): return .mul(b, a)   // constants go left: `2 * n`
        default: return .mul(a, b)
        }
    }
    public static func quotient(_ a: Dim, _ b: Dim) -> Dim {
        switch (a, b) {
        case (.constant(let x), .constant(let y)) where y != 0:
            let q = x / y
            return .constant((x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q)
        case (_, .constant(1)): return a
        default: return .floorDiv(a, b)
        }
    }

    /// The value under a binding of symbols, or nil when a symbol is unbound or a
    /// division by zero occurs.
    public func evaluate(_ env: [String: Int]) -> Int? {
        switch self {
        case .constant(let v): return v
        case .symbol(let s): return env[s]
        case .add(let a, let b):
            guard let x = a.evaluate(env), let y = b.evaluate(env) else { return nil }
            return x.addingReportingOverflow(y).overflow ? nil : x + y
        case .mul(let a, let b):
            guard let x = a.evaluate(env), let y = b.evaluate(env) else { return nil }
            return x.multipliedReportingOverflow(by: y).overflow ? nil : x * y
        case .floorDiv(let a, let b):
            guard let x = a.evaluate(env), let y = b.evaluate(env), y != 0 else { return nil }
            let q = x / y
            return (x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q
        }
    }

    /// Every symbol the dim mentions, in first-seen order.
    public var symbols: [String] {
        switch self {
        case .constant: return []
        case .symbol(let s): return [s]
        case .add(let a, let b), .mul(let a, let b), .floorDiv(let a, let b):
            var out = a.symbols
            for s in b.symbols where !out.contains(s) { out.append(s) }
            return out
        }
    }

    /// Text form with minimal parentheses: `batch`, `2 * n`, `(h + -3) / 2 + 1`.
    public var description: String { render(parentPrecedence: 0) }

    private func render(parentPrecedence: Int) -> String {
        switch self {
        case .constant(let v): return String(v)
        case .symbol(let s): return s
        case .add(let a, let b):
            let s = "\(a.render(parentPrecedence: 1)) + \(b.render(parentPrecedence: 1))"
            return parentPrecedence > 1 ? "(\(s))" : s
        case .mul(let a, let b):
            let s = "\(a.render(parentPrecedence: 2)) * \(b.render(parentPrecedence: 3))"
            return parentPrecedence > 2 ? "(\(s))" : s
        case .floorDiv(let a, let b):
            let s = "\(a.render(parentPrecedence: 2)) / \(b.render(parentPrecedence: 3))"
            return parentPrecedence > 2 ? "(\(s))" : s
        }
    }
}

extension Array where Element == Dim {
    /// The product of the dims, normalized so that permuted products compare equal.
    public var product: Dim {
        var constant = 1
        var rest: [Dim] = []
        // Nested products are flattened, so [n, 128] and [128 * n] have equal products.
        func collect(_ d: Dim) {
            switch d {
            case .constant(let v): constant = constant &* v
            case .mul(let a, let b): collect(a); collect(b)
            default: rest.append(d)
            }
        }
        for d in self { collect(d) }
        rest.sort { $0.description < $1.description }
        return rest.reduce(Dim.constant(constant)) { $0 * $1 }
    }
}
