import MIR

// Top-level declarations: imports, `model` (body / instantiation / extends / customModel),
// `metamodel`, `func`; anything else is a host statement. `model` and `metamodel` are keywords
// only when a name follows, so `model(x)` and `model.parameters()` stay ordinary expressions.

extension Parser {
    func parseDeclaration() throws(ParseError) -> Decl {
        if kind == .keyword(.import) { return try parseImport() }
        if kind == .keyword(.func) { return .func(try parseFunc()) }
        if isIdentifier(current, "model") && isIdentifier(peek(1)) { return .model(try parseModel()) }
        if isIdentifier(current, "metamodel") && isIdentifier(peek(1)) { return .metamodel(try parseMetamodel()) }
        return .statement(try parseStatement())
    }

    /// `import "path.m"` or `import onnx "file.onnx" as Name`.
    func parseImport() throws(ParseError) -> Decl {
        let start = advance().start
        if isIdentifier(current, "onnx"), case .string = peek(1).kind {
            advance()
            let (path, pathRange) = try expectString("a path string after 'import onnx'")
            guard isIdentifier(current, "as") else { throw failExpected("'as' and a model name after the ONNX path") }
            advance()
            let alias = try expectIdentifier("a model name after 'as'")
            return .importONNX(ImportONNXDecl(path: path, pathRange: pathRange, alias: alias, range: range(from: start)))
        }
        let (path, pathRange) = try expectString("a path string after 'import'")
        return .import(ImportDecl(path: path, pathRange: pathRange, range: range(from: start)))
    }

    func expectString(_ what: String) throws(ParseError) -> (String, SourceRange) {
        guard case .string(let value) = kind else { throw failExpected(what) }
        return (value, range(of: advance()))
    }

    /// After `model Name`: `{ members }`, `= customModel { members }`, `= expr`,
    /// or `extends Base`, `extends Base(args)`, either optionally followed by `{ members }`.
    func parseModel() throws(ParseError) -> ModelDecl {
        let start = advance().start
        let name = try expectIdentifier("a model name")
        let context = "of model '\(name.name)'"
        if kind == .lbrace {
            let (members, body) = try parseMemberBody(context: context)
            return ModelDecl(name: name, kind: .body, members: members, bodyRange: body, range: range(from: start))
        }
        if accept(.equal) != nil {
            if case .identifier(let builderName) = kind, peek(1).kind == .lbrace {
                let builder = Identifier(name: builderName, range: range(of: advance()))
                let (members, body) = try parseMemberBody(context: context)
                return ModelDecl(name: name, kind: .custom(builder: builder), members: members, bodyRange: body,
                                 range: range(from: start))
            }
            let value = try parseExpression()
            return ModelDecl(name: name, kind: .instantiation(value), members: [], bodyRange: nil,
                             range: range(from: start))
        }
        guard isIdentifier(current, "extends") else {
            throw failExpected("'{', '=' or 'extends' after model name '\(name.name)'")
        }
        advance()
        let base = try expectIdentifier("a base model name after 'extends'")
        var arguments: [Argument] = []
        if kind == .lparen { arguments = try parseArguments().0 }
        var members: [ModelMember] = []
        var body: SourceRange? = nil
        if kind == .lbrace { (members, body) = try parseMemberBody(context: context) }
        return ModelDecl(name: name, kind: .extends(base: base, arguments: arguments), members: members,
                         bodyRange: body, range: range(from: start))
    }

    /// `metamodel Name(params) { members }`; the parameter list may be omitted.
    func parseMetamodel() throws(ParseError) -> MetamodelDecl {
        let start = advance().start
        let name = try expectIdentifier("a metamodel name")
        var parameters: [Parameter] = []
        if kind == .lparen { parameters = try parseParameters() }
        guard kind == .lbrace else { throw failExpected("'{' to start the body of metamodel '\(name.name)'") }
        let (members, body) = try parseMemberBody(context: "of metamodel '\(name.name)'")
        return MetamodelDecl(name: name, parameters: parameters, members: members, bodyRange: body,
                             range: range(from: start))
    }

    /// `func name(params) -> T { body }`.
    func parseFunc() throws(ParseError) -> FuncDecl {
        let start = advance().start
        let name = try expectIdentifier("a function name after 'func'")
        guard kind == .lparen else { throw failExpected("'(' after function name '\(name.name)'") }
        let parameters = try parseParameters()
        var returnType: TypeExpr? = nil
        if accept(.arrow) != nil { returnType = try parseType() }
        guard kind == .lbrace else { throw failExpected("'{' to start the body of func '\(name.name)'") }
        let body = try parseBlock(context: "of func '\(name.name)'")
        return FuncDecl(name: name, parameters: parameters, returnType: returnType, body: body, range: range(from: start))
    }

    /// `(p: T = default, q, r = 1)` at the current `(`.
    func parseParameters() throws(ParseError) -> [Parameter] {
        try parseCommaList(closer: .rparen, what: "parameter list") { () throws(ParseError) -> Parameter in
            let start = self.current.start
            let name = try self.expectIdentifier("a parameter name")
            var type: TypeExpr? = nil
            if self.accept(.colon) != nil { type = try self.parseType() }
            var value: Expr? = nil
            if self.accept(.equal) != nil { value = try self.parseExpression() }
            return Parameter(name: name, type: type, defaultValue: value,
                             range: self.range(from: start))
        }.items
    }

    func parseMemberBody(context: String) throws(ParseError) -> ([ModelMember], SourceRange) {
        try parseBraced(context: context) { () throws(ParseError) -> ModelMember in try self.parseMember() }
    }

    /// One model member: `input x: T`, `output y[: T][= e]`, `forward { }`, or `name = e`.
    func parseMember() throws(ParseError) -> ModelMember {
        let start = current.start
        guard let word = identifierText else {
            throw failExpected("a model member ('input', 'output', 'forward' or 'name = value')")
        }
        let next = peek(1)
        if word == "input" && isIdentifier(next) {
            advance()
            let name = try expectIdentifier("an input name")
            try expect(.colon, "':' and a type after input '\(name.name)'")
            let type = try parseType()
            return ModelMember(.input(name: name, type: type), range: range(from: start))
        }
        if word == "output" && isIdentifier(next) {
            advance()
            let name = try expectIdentifier("an output name")
            var type: TypeExpr? = nil
            if accept(.colon) != nil { type = try parseType() }
            var value: Expr? = nil
            if accept(.equal) != nil { value = try parseExpression() }
            return ModelMember(.output(name: name, type: type, value: value), range: range(from: start))
        }
        if word == "forward" && next.kind == .lbrace {
            advance()
            let body = try parseBlock(context: "of 'forward'")
            return ModelMember(.forward(body), range: range(from: start))
        }
        let name = Identifier(name: word, range: range(of: advance()))
        guard accept(.equal) != nil else { throw failExpected("'=' after member name '\(word)'") }
        let value = try parseExpression()
        return ModelMember(.binding(name: name, value: value), range: range(from: start))
    }
}
