import MIR

/// A written type: `Int`, `Digits`, `f32[batch, 784]`, `(f32[n], Int)`.
public struct TypeExpr: Sendable, Equatable {
    /// The shape of a type annotation.
    public indirect enum Kind: Sendable, Equatable {
        /// `Int`.
        case int
        /// `Float`.
        case float
        /// `Bool`.
        case bool
        /// `String`.
        case string
        /// Any other name: a model type, `Dataset`, ...; resolved by a later stage.
        case named(String)
        /// `f32[batch, 3, 224, 224]`; `f32[]` (no dims) is a scalar tensor.
        case tensor(dtype: DType, dims: [DimExpr])
        /// `(T1, T2)`, e.g. the result of a func returning two values.
        case tuple([TypeExpr])
        /// `[T]`: a list of T.
        case list(TypeExpr)
        /// `(T1, T2) -> R`: the type of a func value (`train = train` in `autoTuneModel`).
        case function(parameters: [TypeExpr], result: TypeExpr)
    }

    public var kind: Kind
    public var range: SourceRange
    public init(_ kind: Kind, range: SourceRange) { self.kind = kind; self.range = range }
}

/// The element type of a tensor type: the same enum MIR uses, so the two never drift.
public typealias DType = MIR.DType

/// One dimension of a tensor type: a constant, a symbolic name, or arithmetic over them.
public struct DimExpr: Sendable, Equatable {
    /// The shape of a dimension expression.
    public indirect enum Kind: Sendable, Equatable {
        /// `784`.
        case constant(Int)
        /// `batch`: a symbolic dim that unifies by name within a model.
        case symbol(String)
        /// `n * 2`, `(h - 3) / 2 + 1`; parentheses are not kept, the tree encodes grouping.
        case binary(op: DimOperator, lhs: DimExpr, rhs: DimExpr)
    }

    public var kind: Kind
    public var range: SourceRange
    public init(_ kind: Kind, range: SourceRange) { self.kind = kind; self.range = range }
}

/// The arithmetic allowed in dims; `/` is integer (floor) division.
public enum DimOperator: String, Sendable, Equatable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
}
