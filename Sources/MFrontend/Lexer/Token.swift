/// Reserved words. `model`, `metamodel`, `extends`, `onnx`, `as`, `input`, `output` and `forward`
/// are deliberately *not* here: they are contextual and stay identifiers, because the paper uses
/// some of them as ordinary names (`func train(model: Digits)`, `model.parameters()`).
enum Keyword: String, Sendable, Equatable, CaseIterable {
    case `import`, `func`, `for`, `in`, `while`, `if`, `else`, `return`, `true`, `false`, `let`, `var`
    case and, or, not
}

/// What a token is; literal tokens carry their decoded value.
enum TokenKind: Sendable, Equatable {
    case identifier(String)
    case integer(Int)
    case float(Double)
    case string(String)
    case keyword(Keyword)
    case plus, minus, star, starStar, slash, percent, at
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    case equal, arrow, dot, comma, colon, semicolon
    case lparen, rparen, lbracket, rbracket, lbrace, rbrace
    /// One or more line breaks (and the blank or comment lines between them).
    case newline
    case eof
    /// Bytes the lexer already reported; the parser stays silent about them to avoid cascades.
    case invalid
}

/// A token and its byte span `[start, end)` in the file.
struct Token: Sendable {
    var kind: TokenKind
    var start: Int
    var end: Int
}

extension TokenKind {
    /// Whether this token can end an operand; after one, `.5` lexes as `.` `5` (member access).
    var canEndOperand: Bool {
        switch self {
        case .identifier, .integer, .float, .string, .rparen, .rbracket, .rbrace: true
        case .keyword(let keyword): keyword == .true || keyword == .false
        case .plus, .minus, .star, .starStar, .slash, .percent, .at, .equalEqual, .bangEqual, .less, .lessEqual,
             .greater, .greaterEqual, .equal, .arrow, .dot, .comma, .colon, .semicolon, .lparen, .lbracket, .lbrace,
             .newline, .eof, .invalid:
            false
        }
    }

    /// The infix operator this token spells in an expression, if any.
    var binaryOperator: BinaryOperator? {
        switch self {
        case .keyword(.or): .or
        case .keyword(.and): .and
        case .equalEqual: .equal
        case .bangEqual: .notEqual
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        case .plus: .add
        case .minus: .subtract
        case .star: .multiply
        case .slash: .divide
        case .percent: .modulo
        case .at: .matmul
        case .starStar: .power
        case .identifier, .integer, .float, .string, .keyword, .equal, .arrow, .dot, .comma, .colon, .semicolon,
             .lparen, .rparen, .lbracket, .rbracket, .lbrace, .rbrace, .newline, .eof, .invalid:
            nil
        }
    }

    /// The operator this token spells inside a tensor dimension, if any.
    var dimOperator: DimOperator? {
        switch self {
        case .plus: .add
        case .minus: .subtract
        case .star: .multiply
        case .slash: .divide
        case .percent: .modulo
        case .identifier, .integer, .float, .string, .keyword, .starStar, .at, .equalEqual, .bangEqual, .less,
             .lessEqual, .greater, .greaterEqual, .equal, .arrow, .dot, .comma, .colon, .semicolon, .lparen, .rparen,
             .lbracket, .rbracket, .lbrace, .rbrace, .newline, .eof, .invalid:
            nil
        }
    }
}

extension DimOperator {
    /// `+ -` bind looser than `* / %`.
    var precedence: Int {
        switch self {
        case .add, .subtract: 1
        case .multiply, .divide, .modulo: 2
        }
    }
}
