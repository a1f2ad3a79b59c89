/// Parses MIR text (the printer's output, or hand-written golden inputs) into a Module.
/// Every op's type is re-inferred and compared with the written one, so a golden file
/// cannot claim a type the op table disagrees with.
public func parseModule(_ file: SourceFile) throws(Diagnostic) -> Module {
    var lexer = TextLexer(file)
    var parser = TextParser(tokens: try lexer.tokenize())
    return try parser.parseModule()
}

public func parseModule(text: String, path: String = "<mir>") throws(Diagnostic) -> Module {
    try parseModule(SourceFile(path: path, text: text))
}

struct TextParser {
    let tokens: [(TextToken, SourceLocation)]
    var index = 0

    init(tokens: [(TextToken, SourceLocation)]) { self.tokens = tokens }

    var token: TextToken { tokens[min(index, tokens.count - 1)].0 }
    var location: SourceLocation { tokens[min(index, tokens.count - 1)].1 }
    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func fail(_ message: String) -> Diagnostic { .error(message, at: SourceRange(location)) }

    func describe(_ t: TextToken) -> String {
        switch t {
        case .identifier(let s): return "'\(s)'"
        case .percent(let s): return "'%\(s)'"
        case .at(let s): return "'@\(s)'"
        case .int(let v): return "'\(v)'"
        case .float(let v): return "'\(v)'"
        case .string: return "a string"
        case .punct(let p): return "'\(p)'"
        case .end: return "end of input"
        }
    }

    mutating func expect(_ p: String) throws(Diagnostic) {
        guard token == .punct(p) else { throw fail("expected '\(p)', found \(describe(token))") }
        advance()
    }
    mutating func expectKeyword(_ k: String) throws(Diagnostic) {
        guard token == .identifier(k) else { throw fail("expected '\(k)', found \(describe(token))") }
        advance()
    }
    mutating func consume(_ p: String) -> Bool {
        if token == .punct(p) { advance(); return true }
        return false
    }
    mutating func identifier(_ what: String) throws(Diagnostic) -> String {
        guard case .identifier(let s) = token else { throw fail("expected \(what), found \(describe(token))") }
        advance(); return s
    }
    mutating func symbolName() throws(Diagnostic) -> String {
        guard case .at(let s) = token else { throw fail("expected '@name', found \(describe(token))") }
        advance(); return s
    }
    mutating func int() throws(Diagnostic) -> Int {
        guard case .int(let v) = token else { throw fail("expected an integer, found \(describe(token))") }
        advance(); return v
    }
    mutating func number() throws(Diagnostic) -> Double {
        switch token {
        case .int(let v): advance(); return Double(v)
        case .float(let v): advance(); return v
        case .identifier("nan"): advance(); return .nan
        case .identifier("inf"): advance(); return .infinity
        default: throw fail("expected a number, found \(describe(token))")
        }
    }
    mutating func string() throws(Diagnostic) -> String {
        guard case .string(let s) = token else { throw fail("expected a string, found \(describe(token))") }
        advance(); return s
    }

    mutating func parseModule() throws(Diagnostic) -> Module {
        try expectKeyword("module")
        let module = Module(name: try symbolName())
        while token != .end {
            switch token {
            case .identifier("param"): module.parameters.append(try parseParameter())
            case .identifier("func"): module.functions.append(try parseFunction(module))
            default: throw fail("expected 'param' or 'func', found \(describe(token))")
            }
        }
        return module
    }

    mutating func parseParameter() throws(Diagnostic) -> Parameter {
        try expectKeyword("param")
        let name = try symbolName()
        try expect(":")
        let type = try parseType()
        try expect("=")
        return Parameter(name: name, type: type, initializer: try parseInitializer())
    }

    mutating func parseInitializer() throws(Diagnostic) -> Initializer {
        let kind = try identifier("an initializer")
        switch kind {
        case "zeros": return .zeros
        case "constant":
            try expect("("); let v = try number(); try expect(")"); return .constant(v)
        case "uniform":
            try expect("("); try expectKeyword("limit"); try expect("="); let limit = try number()
            try expect(","); try expectKeyword("seed"); try expect("=")
            let seedLoc = location
            let seed = try int()
            guard seed >= 0 else { throw .error("seed must be non-negative", at: SourceRange(seedLoc)) }
            try expect(")")
            return .uniform(limit: limit, seed: UInt64(seed))
        case "safetensors":
            try expect("("); let path = try string(); try expect(","); let key = try string(); try expect(")")
            return .safetensors(path: path, key: key)
        case "external":
            try expect("("); let key = try string(); try expect(")")
            return .external(key: key)
        case "values":
            try expect("("); try expect("[")
            var vs: [Double] = []
            if !consume("]") {
                repeat { vs.append(try number()) } while consume(",")
                try expect("]")
            }
            try expect(")")
            return .values(vs)
        default:
            throw fail("unknown initializer '\(kind)' (expected zeros, constant, uniform, safetensors, values or external)")
        }
    }

    mutating func parseType() throws(Diagnostic) -> TensorType {
        let loc = location
        let name = try identifier("a tensor type")
        guard let dtype = DType(rawValue: name) else {
            throw .error("unknown dtype '\(name)'", at: SourceRange(loc))
        }
        try expect("[")
        var dims: [Dim] = []
        if !consume("]") {
            repeat { dims.append(try parseDimSum(depth: 0)) } while consume(",")
            try expect("]")
        }
        return TensorType(dtype, dims)
    }

    mutating func parseDimSum(depth: Int) throws(Diagnostic) -> Dim {
        guard depth < 64 else { throw fail("dim expression nested too deeply") }
        var d = try parseDimProduct(depth: depth)
        while true {
            if consume("+") { d = d + (try parseDimProduct(depth: depth)) }
            else if consume("-") { d = d - (try parseDimProduct(depth: depth)) }
            else { return d }
        }
    }
    mutating func parseDimProduct(depth: Int) throws(Diagnostic) -> Dim {
        var d = try parseDimAtom(depth: depth)
        while true {
            if consume("*") { d = d * (try parseDimAtom(depth: depth)) }
            else if consume("/") { d = Dim.quotient(d, try parseDimAtom(depth: depth)) }
            else { return d }
        }
    }
    mutating func parseDimAtom(depth: Int) throws(Diagnostic) -> Dim {
        switch token {
        case .int(let v): advance(); return .constant(v)
        case .identifier(let s): advance(); return .symbol(s)
        case .punct("("):
            advance(); let d = try parseDimSum(depth: depth + 1); try expect(")"); return d
        default: throw fail("expected a dim, found \(describe(token))")
        }
    }

    mutating func parseFunction(_ module: Module) throws(Diagnostic) -> Function {
        try expectKeyword("func")
        let name = try symbolName()
        try expect("(")
        var args: [FunctionInput] = []
        if !consume(")") {
            repeat {
                guard case .percent(let n) = token else { throw fail("expected an argument '%name', found \(describe(token))") }
                advance(); try expect(":")
                args.append(FunctionInput(name: n, type: try parseType()))
            } while consume(",")
            try expect(")")
        }
        try expect("->"); try expect("(")
        var resultDecls: [(String, TensorType, SourceLocation)] = []
        if !consume(")") {
            repeat {
                let loc = location
                let n = try identifier("a result name"); try expect(":")
                resultDecls.append((n, try parseType(), loc))
            } while consume(",")
            try expect(")")
        }
        try expect("{")
        let f = Function(name: name, arguments: args)
        var values: [String: ValueID] = [:]
        for (i, a) in args.enumerated() {
            guard values[a.name] == nil else { throw fail("duplicate argument '%\(a.name)'") }
            values[a.name] = f.argument(i)
        }
        while true {
            if token == .identifier("symbol") {
                advance()
                let loc = location
                let n = try identifier("a symbol name")
                guard !f.symbols.contains(n) else { throw .error("symbol '\(n)' is already defined", at: SourceRange(loc)) }
                try expect("=")
                let e = try parseSymExpr(f, depth: 0)
                f.valueSymbols.append(ValueSymbol(name: n, expr: e))
            } else if token == .identifier("check") {
                advance()
                let e = try parseSymExpr(f, depth: 0)
                try expect(",")
                f.symbolChecks.append(SymbolCheck(expr: e, message: try string()))
            } else { break }
        }
        if let problem = f.verifyValueSymbols().first { throw fail(problem) }
        while token != .identifier("return") {
            try parseOperation(into: f, module: module, values: &values)
        }
        advance()
        var returned: [(ValueID, SourceLocation)] = []
        repeat {
            let loc = location
            guard case .percent(let n) = token, let v = values[n] else { throw fail("expected a defined value after 'return', found \(describe(token))") }
            advance(); returned.append((v, loc))
        } while consume(",")
        try expect("}")
        guard returned.count == resultDecls.count else {
            throw fail("'return' has \(returned.count) values but the signature declares \(resultDecls.count) results")
        }
        for ((v, loc), (n, t, _)) in zip(returned, resultDecls) {
            guard f.type(of: v) == t else {
                throw .error("result '\(n)' is declared \(t) but the returned value is \(f.type(of: v))", at: SourceRange(loc))
            }
            f.results.append(FunctionOutput(name: n, value: v))
        }
        return f
    }

    mutating func parseOperation(into f: Function, module: Module, values: inout [String: ValueID]) throws(Diagnostic) -> Void {
        let opLoc = location
        guard case .percent(let resultName) = token else { throw fail("expected '%name = op' or 'return', found \(describe(token))") }
        guard values[resultName] == nil else { throw fail("value '%\(resultName)' is defined twice") }
        advance(); try expect("=")
        let kindLoc = location
        let kindName = try identifier("an op name")
        guard let kind = OpKind(rawValue: kindName) else { throw .error("unknown op '\(kindName)'", at: SourceRange(kindLoc)) }
        var operands: [ValueID] = []
        var attrs: Attributes = [:]
        if kind == .param {
            let p = try symbolName()
            guard module.parameter(named: p) != nil else { throw .error("unknown parameter '@\(p)'", at: SourceRange(kindLoc)) }
            attrs["name"] = .string(p)
        } else {
            if case .percent = token {
                repeat {
                    guard case .percent(let n) = token, let v = values[n] else { throw fail("use of undefined value \(describe(token))") }
                    advance(); operands.append(v)
                } while consume(",")
            }
            if consume("{") {
                repeat {
                    let key = try identifier("an attribute name"); try expect("=")
                    attrs[key] = try parseAttribute()
                } while consume(",")
                try expect("}")
            }
        }
        try expect(":")
        let written = try parseType()
        var loc: SourceLocation? = nil
        if token == .identifier("loc") {
            advance(); try expect("(")
            let file = try string(); try expect(":"); let line = try int(); try expect(":"); let col = try int()
            try expect(")")
            loc = SourceLocation(file: file, line: line, column: col)
        }
        let inferred: TensorType
        do {
            inferred = try kind.inferResultType(operands: operands.map(f.type(of:)), attributes: attrs, explicit: written,
                                                valueSymbols: Set(f.valueSymbols.map(\.name)))
        } catch { throw .error(error.message, at: SourceRange(kindLoc)) }
        guard inferred == written else {
            throw .error("'\(kindName)' produces \(inferred) but is written as \(written)", at: SourceRange(opLoc))
        }
        values[resultName] = f.appendUnchecked(kind, operands, attributes: attrs, type: written, location: loc)
    }

    /// `int | float | name | %arg[index] | fn(expr, ...)` (see ValueSymbols.swift).
    mutating func parseSymExpr(_ f: Function, depth: Int) throws(Diagnostic) -> SymExpr {
        guard depth < 64 else { throw fail("symbol expression nested too deeply") }
        switch token {
        case .int(let v): advance(); return .int(v)
        case .float(let v): advance(); return .float(v)
        case .percent(let a):
            guard let arg = f.arguments.first(where: { $0.name == a }) else { throw fail("'%\(a)' is not an argument") }
            advance(); try expect("[")
            let indexLoc = location
            let i = try int()
            if i < 0 || (arg.type.elementCount.constantValue.map { i >= $0 } ?? false) {
                throw .error("element \(i) is out of range for '%\(a)' of type \(arg.type)", at: SourceRange(indexLoc))
            }
            guard arg.type.dtype.isInteger || arg.type.dtype == .f32 || arg.type.dtype == .f64 else {
                throw .error("'%\(a)' of type \(arg.type) cannot give symbol values (integers, f32 or f64)", at: SourceRange(indexLoc))
            }
            try expect("]")
            return .element(a, i)
        case .identifier(let s):
            let loc = location
            advance()
            guard consume("(") else {
                guard f.symbols.contains(s) else { throw .error("unknown symbol '\(s)'", at: SourceRange(loc)) }
                return .symbol(s)
            }
            if s == "count_nms" {
                var names: [String] = []
                for _ in 0..<2 {
                    guard case .percent(let a) = token, let arg = f.arguments.first(where: { $0.name == a }),
                          arg.type.dtype == .f32, arg.type.rank == 3 else {
                        throw fail("count_nms takes two f32 rank-3 arguments (boxes, scores) first")
                    }
                    advance(); try expect(",")
                    names.append(a)
                }
                var xs: [SymExpr] = []
                repeat { xs.append(try parseSymExpr(f, depth: depth + 1)) } while consume(",")
                try expect(")")
                guard xs.count == 5 else { throw .error("'count_nms' takes 5 operands after its arguments, got \(xs.count)", at: SourceRange(loc)) }
                return .countNMS(names[0], names[1], xs)
            }
            if s == "count_unique" {
                guard case .percent(let a) = token, let arg = f.arguments.first(where: { $0.name == a }) else {
                    throw fail("count_unique takes an argument ('%name')")
                }
                guard arg.type.dtype.isInteger || arg.type.dtype == .bool || arg.type.dtype == .f32 || arg.type.dtype == .f64 else {
                    throw fail("'%\(a)' of type \(arg.type) cannot be counted (bool, integers, f32 or f64)")
                }
                advance()
                var axis: Int?
                if consume(",") {
                    let v = try int()
                    guard v >= 0, v < arg.type.rank else { throw fail("count_unique axis \(v) is out of range for \(arg.type)") }
                    axis = v
                }
                try expect(")")
                return .countUnique(a, axis)
            }
            if s == "count_nonzero" {
                guard case .percent(let a) = token, let arg = f.arguments.first(where: { $0.name == a }) else {
                    throw fail("count_nonzero takes an argument ('%name')")
                }
                guard arg.type.dtype.isInteger || arg.type.dtype == .bool || arg.type.dtype == .f32 || arg.type.dtype == .f64 else {
                    throw fail("'%\(a)' of type \(arg.type) cannot be counted (bool, integers, f32 or f64)")
                }
                advance(); try expect(")")
                return .countNonzero(a)
            }
            guard let fn = SymFunction(rawValue: s) else { throw .error("unknown symbol function '\(s)'", at: SourceRange(loc)) }
            var args: [SymExpr] = []
            if !consume(")") {
                repeat { args.append(try parseSymExpr(f, depth: depth + 1)) } while consume(",")
                try expect(")")
            }
            guard args.count == fn.arity else {
                throw .error("'\(s)' takes \(fn.arity) operands, got \(args.count)", at: SourceRange(loc))
            }
            return .call(fn, args)
        default: throw fail("expected a symbol expression, found \(describe(token))")
        }
    }

    mutating func parseAttribute() throws(Diagnostic) -> Attribute {
        switch token {
        case .int(let v): advance(); return .int(v)
        case .float(let v): advance(); return .float(v)
        case .string(let s): advance(); return .string(s)
        case .punct("["):
            advance()
            // Ints, floats, or dims naming symbols (`[s0, 2 * n]`).
            var floats: [Double] = [], dims: [Dim] = []
            var anyFloat = false
            if !consume("]") {
                repeat {
                    switch token {
                    case .float, .identifier("nan"), .identifier("inf"):
                        anyFloat = true; floats.append(try number())
                    default:
                        let d = try parseDimSum(depth: 0)
                        dims.append(d)
                        floats.append(Double(d.constantValue ?? 0))
                    }
                } while consume(",")
                try expect("]")
            }
            if anyFloat {
                guard dims.allSatisfy(\.isStatic) else { throw fail("a list mixes floats and symbolic dims") }
                return .floats(floats)
            }
            return .dims(dims)
        default: throw fail("expected an attribute value, found \(describe(token))")
        }
    }
}
