import MIR

// Types: `Int`, `Float`, `Bool`, `String`, a named type, `f32[batch, 3, 224, 224]`, `(T, U)`.
// Dims are integer literals, names, or `+ - * / %` over them with parentheses.

extension Parser {
    func parseType() throws(ParseError) -> TypeExpr {
        let token = current
        if token.kind == .lparen {
            let list = try parseCommaList(closer: .rparen, what: "tuple type") { () throws(ParseError) -> TypeExpr in
                try self.parseType()
            }
            if let arrow = accept(.arrow) {
                // `() -> () -> ...` recurses once per arrow, so it counts as nesting.
                try enterNesting(at: arrow)
                defer { depth -= 1 }
                let result = try parseType()
                return TypeExpr(.function(parameters: list.items, result: result), range: range(from: range(of: token), to: result.range))
            }
            return TypeExpr(.tuple(list.items), range: range(token.start, list.close.end))
        }
        if token.kind == .lbracket {
            let list = try parseCommaList(closer: .rbracket, what: "list type") { () throws(ParseError) -> TypeExpr in
                try self.parseType()
            }
            guard list.items.count == 1, let element = list.items.first else {
                throw fail(.expected("one element type in '[...]'", found: "\(list.items.count)"), at: range(token.start, list.close.end))
            }
            return TypeExpr(.list(element), range: range(token.start, list.close.end))
        }
        guard case .identifier(let name) = token.kind else { throw failExpected("a type") }
        advance()
        if let dtype = DType(rawValue: name) {
            guard kind == .lbracket else {
                throw fail(.tensorTypeNeedsShape(name), at: range(of: token))
            }
            let list = try parseCommaList(closer: .rbracket, what: "tensor shape") { () throws(ParseError) -> DimExpr in
                try self.parseDim(minPrecedence: 1)
            }
            return TypeExpr(.tensor(dtype: dtype, dims: list.items), range: range(token.start, list.close.end))
        }
        let kind: TypeExpr.Kind
        switch name {
        case "Int": kind = .int
        case "Float": kind = .float
        case "Bool": kind = .bool
        case "String": kind = .string
        default: kind = .named(name)
        }
        return TypeExpr(kind, range: range(of: token))
    }

    func parseDim(minPrecedence: Int) throws(ParseError) -> DimExpr {
        var lhs = try parseDimAtom()
        var links = 0
        defer { chainLinks -= links }
        while let op = kind.dimOperator, op.precedence >= minPrecedence {
            try addChainLink(at: current)
            links += 1
            advance()
            let rhs = try parseDim(minPrecedence: op.precedence + 1)
            lhs = DimExpr(.binary(op: op, lhs: lhs, rhs: rhs), range: range(from: lhs.range, to: rhs.range))
        }
        return lhs
    }

    func parseDimAtom() throws(ParseError) -> DimExpr {
        let token = current
        switch token.kind {
        case .integer(let value):
            advance()
            return DimExpr(.constant(value), range: range(of: token))
        case .identifier(let name):
            advance()
            return DimExpr(.symbol(name), range: range(of: token))
        case .lparen:
            let list = try parseCommaList(closer: .rparen, what: "dimension") { () throws(ParseError) -> DimExpr in
                try self.parseDim(minPrecedence: 1)
            }
            guard list.items.count == 1, let only = list.items.first else {
                throw fail(.expected("one dimension in parentheses", found: "\(list.items.count)"),
                           at: range(token.start, list.close.end))
            }
            return DimExpr(only.kind, range: range(token.start, list.close.end))
        case .float, .string, .keyword, .plus, .minus, .star, .starStar, .slash, .percent, .at, .equalEqual,
             .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .equal, .arrow, .dot, .comma, .colon,
             .semicolon, .rparen, .lbracket, .rbracket, .lbrace, .rbrace, .newline, .eof, .invalid:
            throw failExpected("a dimension (an integer or a name)")
        }
    }
}
