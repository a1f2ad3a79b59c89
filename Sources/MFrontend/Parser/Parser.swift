import MIR

/// Parses one M source file. Always returns an AST: declarations, members and statements that
/// had errors are left out, and every error is reported through `diagnostics`. Empty input, binary
/// garbage and pathological nesting produce diagnostics, never a trap.
public func parseSource(_ file: SourceFile, diagnostics: DiagnosticEngine) -> SourceUnit {
    diagnostics.register(file)
    return runWithLargeStack(parserStackSize) {
        Parser(file: file, diagnostics: diagnostics).parseSourceUnit()
    }
}

/// Thrown after a diagnostic has been reported (or deliberately suppressed); caught at the
/// nearest statement, member or declaration, which then skips ahead with `synchronize()`.
struct ParseError: Error {}

/// A recursive-descent parser over a lazily lexed token stream with a small lookahead buffer.
///
/// Newlines end statements, except inside `(...)` and `[...]`: functions that parse bracketed
/// lists set `ignoreNewlines` for their extent, and `peek` then drops newline tokens.
final class Parser {
    let file: SourceFile
    let reporter: DiagnosticReporter
    private var lexer: Lexer
    private var buffer: [Token] = []
    var ignoreNewlines = false
    /// Current nesting of brackets, unary operators and blocks; bounded so input cannot overflow the stack.
    var depth = 0
    /// Deep enough for any real program; about 1 MB of stack in a debug build (see LargeStack.swift).
    let maxDepth = 128
    /// Links of enclosing operator and postfix chains: with `depth` this bounds the AST's height,
    /// which matters because destroying or walking a deep indirect-enum tree recurses.
    var chainLinks = 0
    let maxChainLinks = 500
    /// End offset of the last consumed non-newline token: where a missing `)` or `}` belongs.
    private(set) var previousEnd = 0
    /// Counts consumed tokens so loops can assert progress.
    private(set) var consumed = 0

    init(file: SourceFile, diagnostics: DiagnosticEngine) {
        self.file = file
        self.reporter = DiagnosticReporter(engine: diagnostics, file: file)
        self.lexer = Lexer(file: file, reporter: reporter)
    }

    // MARK: Token stream

    /// The `k`-th upcoming token, skipping newlines while `ignoreNewlines` is set.
    func peek(_ k: Int = 0) -> Token {
        var index = 0, seen = 0
        while true {
            while buffer.count <= index { buffer.append(lexer.next()) }
            guard index < buffer.count else { return Token(kind: .eof, start: file.bytes.count, end: file.bytes.count) }
            let token = buffer[index]
            if token.kind == .eof { return token }
            if ignoreNewlines && token.kind == .newline {
                // Dropping is safe: in this mode nobody can observe the newline.
                if index == 0 { buffer.removeFirst() } else { index += 1 }
                continue
            }
            if seen == k { return token }
            seen += 1
            index += 1
        }
    }

    var current: Token { peek(0) }
    var kind: TokenKind { peek(0).kind }

    /// Consumes and returns the current token (never moves past end of file).
    @discardableResult
    func advance() -> Token {
        let token = current
        if token.kind == .eof || buffer.isEmpty { return token }
        buffer.removeFirst()
        consumed += 1
        if token.kind != .newline { previousEnd = token.end }
        return token
    }

    /// Consumes the current token if it has kind `k`.
    func accept(_ k: TokenKind) -> Token? { kind == k ? advance() : nil }

    /// The current token's identifier text, if it is an identifier.
    var identifierText: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    func isIdentifier(_ token: Token, _ name: String? = nil) -> Bool {
        guard case .identifier(let text) = token.kind else { return false }
        return name.map { $0 == text } ?? true
    }

    // MARK: Ranges

    func range(_ start: Int, _ end: Int) -> SourceRange { reporter.range(start, end) }
    func range(of token: Token) -> SourceRange { reporter.range(token.start, token.end) }
    /// From `start` to the end of the last consumed token.
    func range(from start: Int) -> SourceRange { reporter.range(start, max(start, previousEnd)) }
    func range(from start: SourceRange, to end: SourceRange) -> SourceRange {
        SourceRange(start: start.start, end: end.end)
    }

    // MARK: Errors

    /// Reports `message` unless the current token is `.invalid` (the lexer already complained about
    /// it, and a second error for the same bytes is noise), and returns the error to throw.
    func fail(_ message: FrontendMessage, at range: SourceRange, notes: [Diagnostic] = []) -> ParseError {
        if kind != .invalid { reporter.error(message, at: range, notes: notes) }
        return ParseError()
    }

    /// "expected X, found Y" at the current token.
    func failExpected(_ what: String) -> ParseError {
        fail(.expected(what, found: describe(current)), at: range(of: current))
    }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .eof: return "end of file"
        case .newline: return "end of line"
        case .string: return "a string literal"
        case .identifier, .integer, .float, .keyword, .invalid, .plus, .minus, .star, .starStar, .slash, .percent,
             .at, .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .equal, .arrow, .dot, .comma,
             .colon, .semicolon, .lparen, .rparen, .lbracket, .rbracket, .lbrace, .rbrace:
            let end = min(token.end, file.bytes.count), start = min(token.start, end)
            return "'" + clip(String(decoding: file.bytes[start..<end], as: UTF8.self)) + "'"
        }
    }

    /// Consumes a token of kind `k` or reports "expected `what`, found ...".
    @discardableResult
    func expect(_ k: TokenKind, _ what: String) throws(ParseError) -> Token {
        guard let token = accept(k) else { throw failExpected(what) }
        return token
    }

    func expectIdentifier(_ what: String) throws(ParseError) -> Identifier {
        guard case .identifier(let name) = kind else { throw failExpected(what) }
        return Identifier(name: name, range: range(of: advance()))
    }

    /// Counts one more link of a left-to-right chain (`a + b + c`, `f()()`, `x.a.b`); such chains
    /// nest AST nodes without recursing in the parser, so they are bounded separately from `depth`.
    func addChainLink(at token: Token) throws(ParseError) {
        if chainLinks >= maxChainLinks { throw fail(.expressionTooLong, at: range(of: token)) }
        chainLinks += 1
    }

    /// Enters one level of nesting at `token`; pair with `defer { depth -= 1 }` after the call.
    func enterNesting(at token: Token, _ message: FrontendMessage = .nestedTooDeeply) throws(ParseError) {
        if depth >= maxDepth { throw fail(message, at: range(of: token)) }
        depth += 1
    }

    /// Reports that `opener` was never closed: at the end of the last token, with a note at the opener.
    func reportUnclosed(_ opener: Token, closer: String, context: String) {
        let openerText = describe(opener).trimmingQuotes
        reporter.error(.unclosed(closer, openerText, context), at: previousEnd, previousEnd,
                       notes: [reporter.note(.toMatch(openerText), at: opener.start, opener.end)])
    }

    // MARK: Recovery

    /// Skips to the start of the next statement: past a newline or `;` at the current brace depth,
    /// or up to (not past) a `}` closing the enclosing block, or to end of file. Nested `{ }` are skipped whole.
    func synchronize() {
        let saved = ignoreNewlines
        ignoreNewlines = false
        defer { ignoreNewlines = saved }
        var braces = 0
        while true {
            switch kind {
            case .eof: return
            case .newline, .semicolon:
                advance()
                if braces == 0 { return }
            case .lbrace:
                braces += 1
                advance()
            case .rbrace:
                if braces == 0 { return }
                braces -= 1
                advance()
            case .identifier, .integer, .float, .string, .keyword, .plus, .minus, .star, .starStar, .slash, .percent,
                 .at, .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .equal, .arrow, .dot,
                 .comma, .colon, .lparen, .rparen, .lbracket, .rbracket, .invalid:
                advance()
            }
        }
    }

    /// Skips newlines and `;` between statements or members.
    func skipSeparators() {
        while kind == .newline || kind == .semicolon { advance() }
    }

    /// After a statement, member or declaration: a newline or `;` must follow, unless a `}` or
    /// end of file does.
    func expectStatementEnd() throws(ParseError) {
        // A statement also ends where the next token starts a new line: an unclosed body that
        // stopped at the next declaration has already consumed the newline in front of it.
        if kind != .eof && file.location(ofOffset: current.start).line > file.location(ofOffset: previousEnd).line {
            return
        }
        switch kind {
        case .newline, .semicolon: advance()
        case .rbrace, .eof: break
        case .identifier, .integer, .float, .string, .keyword, .plus, .minus, .star, .starStar, .slash, .percent,
             .at, .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .equal, .arrow, .dot, .comma,
             .colon, .lparen, .rparen, .lbracket, .rbracket, .lbrace, .invalid:
            throw failExpected("end of line")
        }
    }

    /// Whether the current token starts a top-level declaration; used inside an unclosed body to
    /// stop at the next `model`/`func` instead of swallowing it and the rest of the file.
    func atTopLevelDeclarationStart() -> Bool {
        if kind == .keyword(.func) || kind == .keyword(.import) { return true }
        guard let word = identifierText, word == "model" || word == "metamodel" else { return false }
        return isIdentifier(peek(1))
    }

    // MARK: File

    func parseSourceUnit() -> SourceUnit {
        var declarations: [Decl] = []
        while true {
            skipSeparators()
            if kind == .eof || reporter.stopped { break }
            let before = consumed
            if kind == .rbrace {
                reporter.error(.extraneousBrace, at: range(of: advance()))
                continue
            }
            do {
                declarations.append(try parseDeclaration())
                try expectStatementEnd()
            } catch {
                synchronize()
            }
            if consumed == before { advance() }   // Defensive: every iteration must make progress.
        }
        if declarations.isEmpty && reporter.errorCount == 0 {
            reporter.error(.emptyFile, at: 0, 0)
        }
        return SourceUnit(path: file.path, declarations: declarations)
    }
}

extension String {
    /// `'{'` -> `{`, for reusing `describe` in messages that add their own quotes.
    var trimmingQuotes: String {
        guard count >= 2, first == "'", last == "'" else { return self }
        return String(dropFirst().dropLast())
    }
}
