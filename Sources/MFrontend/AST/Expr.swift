import MIR

/// A name together with the source range it was written at.
public struct Identifier: Sendable, Equatable {
    public var name: String
    public var range: SourceRange
    public init(name: String, range: SourceRange) { self.name = name; self.range = range }
}

/// An expression: a node kind plus the source range of the whole expression.
public struct Expr: Sendable, Equatable {
    /// The shape of an expression; every payload that is a name keeps its own range.
    public indirect enum Kind: Sendable, Equatable {
        /// A bare name: `x`, `Dense`, `model`.
        case identifier(String)
        /// An integer literal (always non-negative; `-1` is `unary(.negate, int(1))`).
        case int(Int)
        /// A floating-point literal: `0.5`, `1e-3`, `.5`.
        case float(Double)
        /// A string literal with escapes already decoded.
        case string(String)
        /// `true` or `false`.
        case bool(Bool)
        /// `callee(a, b, k = v)`: positional arguments come first, then labelled ones.
        case call(callee: Expr, arguments: [Argument])
        /// `base.name`.
        case member(base: Expr, name: Identifier)
        /// `base[i]` or `base[i, j]`.
        case `subscript`(base: Expr, indices: [Expr])
        /// `lhs op rhs`.
        case binary(op: BinaryOperator, lhs: Expr, rhs: Expr)
        /// `-x` or `not x`.
        case unary(op: UnaryOperator, operand: Expr)
        /// `(a, b)`, `(a,)` or `()`; a parenthesized single expression is not a tuple.
        case tuple([Expr])
        /// `[a, b]`.
        case list([Expr])
    }

    public var kind: Kind
    /// The whole expression; a parenthesized expression's range includes its parentheses.
    public var range: SourceRange
    public init(_ kind: Kind, range: SourceRange) { self.kind = kind; self.range = range }
}

/// One call argument: `value` or `label = value`.
public struct Argument: Sendable, Equatable {
    /// The keyword label, or nil for a positional argument.
    public var label: Identifier?
    public var value: Expr
    /// From the label (or the value when unlabelled) to the end of the value.
    public var range: SourceRange
    public init(label: Identifier?, value: Expr, range: SourceRange) {
        self.label = label; self.value = value; self.range = range
    }
    /// Where the label was written, for diagnostics about keyword arguments.
    public var labelRange: SourceRange? { label?.range }
}

/// Infix operators, loosest first: or < and < comparisons < + - < * / % @ < ** (right-assoc).
public enum BinaryOperator: String, Sendable, Equatable, CaseIterable {
    case or = "or", and = "and"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case add = "+", subtract = "-"
    case multiply = "*", divide = "/", modulo = "%", matmul = "@"
    case power = "**"

    /// The operator as written in M (`and`/`or` even when the source used `&&`/`||`).
    public var spelling: String { rawValue }

    /// Binding strength; higher binds tighter. Prefix `not` sits at 3 and prefix `-` at 7.
    public var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: 4
        case .add, .subtract: 5
        case .multiply, .divide, .modulo, .matmul: 6
        case .power: 8
        }
    }
}

/// Prefix operators.
public enum UnaryOperator: String, Sendable, Equatable, CaseIterable {
    case negate = "-"
    case not = "not"
    /// The operator as written in M (`not` even when the source used `!`).
    public var spelling: String { rawValue }
}
