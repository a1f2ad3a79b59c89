import MIR

// Expressions by precedence climbing: or < and < not < comparisons < + - < * / % @ < unary - < **
// < postfix (call, member, subscript) < primary. Left-associative operators loop instead of
// recursing, so only brackets, prefix operators and `**` (right-associative) use parser stack.

extension Parser {
    func parseExpression() throws(ParseError) -> Expr {
        try parseBinary(minPrecedence: 1)
    }

    func parseBinary(minPrecedence: Int) throws(ParseError) -> Expr {
        var lhs = try parsePrefix(minPrecedence: minPrecedence)
        var links = 0
        defer { chainLinks -= links }
        while let op = kind.binaryOperator, op.precedence >= minPrecedence {
            let opToken = current
            try addChainLink(at: opToken)
            links += 1
            advance()
            let rhs: Expr
            if op == .power {
                try enterNesting(at: opToken)
                defer { depth -= 1 }
                rhs = try parseBinary(minPrecedence: op.precedence)   // right-associative
            } else {
                rhs = try parseBinary(minPrecedence: op.precedence + 1)
            }
            lhs = Expr(.binary(op: op, lhs: lhs, rhs: rhs), range: range(from: lhs.range, to: rhs.range))
        }
        return lhs
    }

    /// `not x` binds looser than comparisons (`not a == b` is `not (a == b)`); `-x` binds tighter
    /// than `*` but looser than `**` (`-x ** 2` is `-(x ** 2)`, as in Python).
    func parsePrefix(minPrecedence: Int) throws(ParseError) -> Expr {
        let token = current
        let op: UnaryOperator
        let operandPrecedence: Int
        if token.kind == .keyword(.not) {
            op = .not
            operandPrecedence = max(4, minPrecedence)
        } else if token.kind == .minus {
            op = .negate
            operandPrecedence = max(8, minPrecedence)
        } else {
            return try parsePostfix()
        }
        try enterNesting(at: token)
        defer { depth -= 1 }
        advance()
        let operand = try parseBinary(minPrecedence: operandPrecedence)
        return Expr(.unary(op: op, operand: operand), range: range(from: range(of: token), to: operand.range))
    }

    func parsePostfix() throws(ParseError) -> Expr {
        var expr = try parsePrimary()
        var links = 0
        defer { chainLinks -= links }
        while true {
            // A line that starts with `.name` continues a method chain (`Model()\n    .add(...)`):
            // no statement can start with a dot, so this never swallows a statement.
            if kind == .newline && peek(1).kind == .dot && isIdentifier(peek(2)) { advance() }
            guard kind == .lparen || kind == .dot || kind == .lbracket else { break }
            let token = current
            try addChainLink(at: token)
            links += 1
            if token.kind == .lparen {
                let (arguments, close) = try parseArguments()
                expr = Expr(.call(callee: expr, arguments: arguments), range: range(from: expr.range, to: range(of: close)))
            } else if token.kind == .dot {
                advance()
                let name = try expectIdentifier("a member name after '.'")
                expr = Expr(.member(base: expr, name: name), range: range(from: expr.range, to: name.range))
            } else {
                let list = try parseCommaList(closer: .rbracket, what: "subscript") { () throws(ParseError) -> Expr in
                    try self.parseExpression()
                }
                if list.items.isEmpty {
                    throw fail(.expected("an index", found: "']'"), at: range(of: list.close))
                }
                expr = Expr(.subscript(base: expr, indices: list.items), range: range(from: expr.range, to: range(of: list.close)))
            }
        }
        return expr
    }

    func parsePrimary() throws(ParseError) -> Expr {
        let token = current
        let literal: Expr.Kind
        switch token.kind {
        case .identifier(let name): literal = .identifier(name)
        case .integer(let value): literal = .int(value)
        case .float(let value): literal = .float(value)
        case .string(let value): literal = .string(value)
        case .keyword(.true): literal = .bool(true)
        case .keyword(.false): literal = .bool(false)
        case .lparen: return try parseParenthesized()
        case .lbracket:
            let list = try parseCommaList(closer: .rbracket, what: "list") { () throws(ParseError) -> Expr in
                try self.parseExpression()
            }
            return Expr(.list(list.items), range: range(token.start, list.close.end))
        case .keyword, .plus, .minus, .star, .starStar, .slash, .percent, .at, .equalEqual, .bangEqual, .less,
             .lessEqual, .greater, .greaterEqual, .equal, .arrow, .dot, .comma, .colon, .semicolon, .rparen,
             .rbracket, .lbrace, .rbrace, .newline, .eof, .invalid:
            throw failExpected("an expression")
        }
        advance()
        return Expr(literal, range: range(of: token))
    }

    /// `(e)` (not a tuple; its range grows to cover the parentheses), `()`, `(a,)`, `(a, b)`.
    func parseParenthesized() throws(ParseError) -> Expr {
        let list = try parseCommaList(closer: .rparen, what: "parenthesized expression") { () throws(ParseError) -> Expr in
            try self.parseExpression()
        }
        let whole = range(list.open.start, list.close.end)
        if list.items.count == 1, !list.trailingComma, let only = list.items.first {
            return Expr(only.kind, range: whole)
        }
        return Expr(.tuple(list.items), range: whole)
    }

    /// `(a, b, k = v)` starting at the current `(`; returns the arguments and the closing `)`.
    /// Arguments are kept even when a positional one follows a keyword one (reported, not fatal).
    func parseArguments() throws(ParseError) -> ([Argument], Token) {
        var sawLabel = false
        let list = try parseCommaList(closer: .rparen, what: "argument list") { () throws(ParseError) -> Argument in
            if case .identifier(let name) = self.kind, self.peek(1).kind == .equal {
                let labelToken = self.advance()
                self.advance()
                let value = try self.parseExpression()
                sawLabel = true
                let label = Identifier(name: name, range: self.range(of: labelToken))
                return Argument(label: label, value: value, range: self.range(from: label.range, to: value.range))
            }
            let value = try self.parseExpression()
            if sawLabel { self.reporter.error(.positionalAfterKeyword, at: value.range) }
            return Argument(label: nil, value: value, range: value.range)
        }
        return (list.items, list.close)
    }

    /// Parses `open item, item, ... close` starting at the current opening bracket, with newlines
    /// ignored inside. A trailing comma is allowed. `what` names the list in messages.
    func parseCommaList<T>(
        closer: TokenKind, what: String, _ element: () throws(ParseError) -> T
    ) throws(ParseError) -> (items: [T], open: Token, close: Token, trailingComma: Bool) {
        let open = current
        try enterNesting(at: open)
        defer { depth -= 1 }
        advance()
        let saved = ignoreNewlines
        ignoreNewlines = true
        defer { ignoreNewlines = saved }
        var items: [T] = []
        var trailingComma = false
        while true {
            if let close = accept(closer) { return (items, open, close, trailingComma) }
            items.append(try element())
            trailingComma = accept(.comma) != nil
            if !trailingComma && kind != closer { throw missingCloser(open: open, closer: closer, what: what) }
        }
    }

    /// After an element the closer is missing. If the next token is on the same line something is
    /// in the way ("expected ',' or ')'"); otherwise the closer was forgotten, which is reported at
    /// the end of the last token with a note at the opener.
    func missingCloser(open: Token, closer: TokenKind, what: String) -> ParseError {
        let closerText = closer == .rparen ? ")" : closer == .rbracket ? "]" : "}"
        let next = current
        let lastLine = file.location(ofOffset: max(0, previousEnd - 1)).line
        if next.kind != .eof && file.location(ofOffset: next.start).line == lastLine {
            return failExpected("',' or '\(closerText)' in \(what)")
        }
        if next.kind != .invalid { reportUnclosed(open, closer: closerText, context: "of the \(what)") }
        return ParseError()
    }
}
