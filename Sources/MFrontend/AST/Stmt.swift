import MIR

/// A statement in a func body, a forward block, a loop body or at top level (host code).
public struct Stmt: Sendable, Equatable {
    /// The shape of a statement.
    public indirect enum Kind: Sendable, Equatable {
        /// `x = e`, `a, b = e`, `obj.field = e`, `xs[i] = e`; each target is an
        /// `.identifier`, `.member` or `.subscript` expression (the parser reports others).
        case assign(targets: [Expr], value: Expr)
        /// An expression evaluated for its effect: `optimizer.step()`.
        case expression(Expr)
        /// `for x in e { }` or `for a, b in e { }`.
        case `for`(variables: [Identifier], sequence: Expr, body: Block)
        /// `while e { }`.
        case `while`(condition: Expr, body: Block)
        /// `if e { } else { }`; `else if` is an `orElse` block holding one `.if` statement.
        case `if`(condition: Expr, then: Block, orElse: Block?)
        /// `return` or `return e`.
        case `return`(Expr?)
        /// `let x: T = e` (isMutable false) or `var x = e` (true); type and value are optional.
        case variable(isMutable: Bool, name: Identifier, type: TypeExpr?, value: Expr?)
    }

    public var kind: Kind
    public var range: SourceRange
    public init(_ kind: Kind, range: SourceRange) { self.kind = kind; self.range = range }
}

/// A braced list of statements; `range` spans the braces.
public struct Block: Sendable, Equatable {
    public var statements: [Stmt]
    public var range: SourceRange
    public init(statements: [Stmt], range: SourceRange) { self.statements = statements; self.range = range }
}
