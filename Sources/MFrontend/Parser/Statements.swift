import MIR

// Statements: assignments (also `a, b = e`), expression statements, `for`, `while`, `if`/`else`,
// `return`, `let`/`var`. Each ends at a newline, `;`, a closing `}` or end of file.

extension Parser {
    func parseStatement() throws(ParseError) -> Stmt {
        if case .keyword(let keyword) = kind {
            switch keyword {
            case .if: return try parseIf()
            case .for: return try parseFor()
            case .while: return try parseWhile()
            case .return: return try parseReturn()
            case .let, .var: return try parseVariable()
            case .import, .func, .in, .else, .true, .false, .and, .or, .not: break
            }
        }
        return try parseSimpleStatement()
    }

    /// `e`, `target = e`, or `t1, t2 = e`.
    func parseSimpleStatement() throws(ParseError) -> Stmt {
        let first = try parseExpression()
        var targets = [first]
        if kind == .comma {
            while accept(.comma) != nil { targets.append(try parseExpression()) }
            guard kind == .equal else { throw failExpected("'=' after the assignment targets") }
        }
        guard accept(.equal) != nil else { return Stmt(.expression(first), range: first.range) }
        for target in targets where !isAssignable(target) {
            reporter.error(.notAssignable, at: target.range)
        }
        let value = try parseExpression()
        return Stmt(.assign(targets: targets, value: value), range: range(from: first.range, to: value.range))
    }

    func isAssignable(_ e: Expr) -> Bool {
        switch e.kind {
        case .identifier, .member, .subscript: true
        case .int, .float, .string, .bool, .call, .binary, .unary, .tuple, .list: false
        }
    }

    func parseIf() throws(ParseError) -> Stmt {
        let ifToken = advance()
        let condition = try parseExpression()
        let then = try parseBlock(context: "of 'if'")
        var orElse: Block? = nil
        // `}` and `else` may be on separate lines; the lexer collapses blank lines to one newline.
        if kind == .newline && peek(1).kind == .keyword(.else) { advance() }
        if let elseToken = accept(.keyword(.else)) {
            if kind == .keyword(.if) {
                try enterNesting(at: elseToken, .blocksNestedTooDeeply)
                defer { depth -= 1 }
                let nested = try parseIf()
                orElse = Block(statements: [nested], range: nested.range)
            } else {
                orElse = try parseBlock(context: "of 'else'")
            }
        }
        return Stmt(.if(condition: condition, then: then, orElse: orElse), range: range(from: ifToken.start))
    }

    func parseFor() throws(ParseError) -> Stmt {
        let forToken = advance()
        var variables = [try expectIdentifier("a loop variable name after 'for'")]
        while accept(.comma) != nil { variables.append(try expectIdentifier("a loop variable name")) }
        try expect(.keyword(.in), "'in' after the loop variable")
        let sequence = try parseExpression()
        let body = try parseBlock(context: "of 'for' loop")
        return Stmt(.for(variables: variables, sequence: sequence, body: body), range: range(from: forToken.start))
    }

    func parseWhile() throws(ParseError) -> Stmt {
        let whileToken = advance()
        let condition = try parseExpression()
        let body = try parseBlock(context: "of 'while' loop")
        return Stmt(.while(condition: condition, body: body), range: range(from: whileToken.start))
    }

    func parseReturn() throws(ParseError) -> Stmt {
        let returnToken = advance()
        if kind == .newline || kind == .semicolon || kind == .rbrace || kind == .eof {
            return Stmt(.return(nil), range: range(of: returnToken))
        }
        let value = try parseExpression()
        return Stmt(.return(value), range: range(from: returnToken.start))
    }

    /// `let x: T = e` / `var x = e`.
    func parseVariable() throws(ParseError) -> Stmt {
        let keywordToken = advance()
        let name = try expectIdentifier("a variable name")
        var type: TypeExpr? = nil
        if accept(.colon) != nil { type = try parseType() }
        var value: Expr? = nil
        if accept(.equal) != nil { value = try parseExpression() }
        let isMutable = keywordToken.kind == .keyword(.var)
        return Stmt(.variable(isMutable: isMutable, name: name, type: type, value: value),
                    range: range(from: keywordToken.start))
    }

    /// `{ statements }` at the current token; `context` ("of 'if'") completes error messages.
    func parseBlock(context: String) throws(ParseError) -> Block {
        guard kind == .lbrace else { throw failExpected("'{' to start the body \(context)") }
        let (statements, range) = try parseBraced(context: context) { () throws(ParseError) -> Stmt in
            try self.parseStatement()
        }
        return Block(statements: statements, range: range)
    }

    /// The loop shared by blocks and model bodies: items separated by newlines or `;` up to `}`.
    /// An item with an error is dropped and parsing resumes at the next line. An unclosed body
    /// ends at end of file or at the next top-level declaration, with one error.
    func parseBraced<T>(
        context: String, _ item: () throws(ParseError) -> T
    ) throws(ParseError) -> ([T], SourceRange) {
        let open = current
        try enterNesting(at: open, .blocksNestedTooDeeply)
        defer { depth -= 1 }
        advance()
        let saved = ignoreNewlines
        ignoreNewlines = false
        defer { ignoreNewlines = saved }
        var items: [T] = []
        while true {
            skipSeparators()
            if let close = accept(.rbrace) { return (items, range(open.start, close.end)) }
            if kind == .eof || reporter.stopped || atTopLevelDeclarationStart() {
                reportUnclosed(open, closer: "}", context: context)
                return (items, range(from: open.start))
            }
            let before = consumed
            do {
                items.append(try item())
                try expectStatementEnd()
            } catch {
                synchronize()
            }
            if consumed == before { advance() }   // Defensive: every iteration must make progress.
        }
    }
}
