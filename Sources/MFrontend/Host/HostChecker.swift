import MIR

/// A name bound in host code (a func's parameters and locals, or top-level statements).
struct HostBinding {
    var type: MType
    var mutable: Bool
    var range: SourceRange
    var used = false
    /// Parameters and loop variables are not reported when unused.
    var quiet = false
}

/// Type-checks host code: funcs and top-level statements. Models are values with signature
/// types; tensors carry shapes where they are known at compile time; the runtime's objects
/// (optimizers, engines, datasets) are checked against the signature table in `Builtins`.
final class HostChecker {
    let program: Program
    var funcTypes: [String: FunctionType] = [:]
    var bindings: [String: HostBinding] = [:]
    /// The declared result of the func being checked; nil at top level.
    var returnType: MType?
    var modelTypeCache: [String: ModelType] = [:]

    var diags: Diags { program.diags }

    init(program: Program) { self.program = program }

    /// Checks the root file's funcs and top-level statements.
    func checkProgram() {
        for (name, symbol) in program.symbols.sorted(by: { $0.key < $1.key }) {
            if case .function(let f) = symbol { funcTypes[name] = signature(of: f) }
        }
        for decl in program.root.declarations {
            if case .func(let f) = decl, case .function(let declared)? = program.symbols[f.name.name], declared.range == f.range {
                checkFunc(f)
            }
        }
        bindings = [:]
        returnType = nil
        for case .statement(let s) in program.root.declarations { checkStatement(s) }
        warnUnused()
    }

    /// A func's type from its annotations (a parameter without one takes its default's type).
    func signature(of f: FuncDecl) -> FunctionType {
        var params: [FunctionType.Param] = []
        for p in f.parameters {
            var type = MType.unknown
            if let t = p.type {
                type = resolveAnnotation(t)
            } else if let d = p.defaultValue {
                let saved = bindings
                bindings = [:]
                type = typeOf(d)
                bindings = saved
            } else {
                diags.error("parameter '\(p.name.name)' of func '\(f.name.name)' needs a type (like '\(p.name.name): Int') or a default", at: p.name.range)
            }
            params.append(FunctionType.Param(name: p.name.name, type: type, hasDefault: p.defaultValue != nil))
        }
        return FunctionType(params: params, result: f.returnType.map(resolveAnnotation) ?? .none)
    }

    func checkFunc(_ f: FuncDecl) {
        guard let type = funcTypes[f.name.name] else { return }
        bindings = [:]
        var seen = Set<String>()
        for (p, t) in zip(f.parameters, type.params) {
            if !seen.insert(p.name.name).inserted { diags.error("parameter '\(p.name.name)' is declared twice", at: p.name.range) }
            if let d = p.defaultValue, p.type != nil {
                let dt = typeOf(d)
                if !t.type.accepts(dt) {
                    diags.error("default of '\(p.name.name)' is \(dt.description), but the parameter is \(t.type.description)", at: d.range)
                }
            }
            bindings[p.name.name] = HostBinding(type: t.type, mutable: true, range: p.name.range, quiet: true)
        }
        returnType = type.result
        checkBlock(f.body)
        if case .none = type.result {} else if !type.result.isUnknown && !returnsValue(f.body) {
            diags.error("func '\(f.name.name)' declares '-> \(type.result.description)' but never returns a value", at: f.name.range)
        }
        warnUnused()
        returnType = nil
    }

    private func returnsValue(_ block: Block) -> Bool {
        block.statements.contains { s in
            switch s.kind {
            case .return(let v): return v != nil
            case .if(_, let then, let orElse): return returnsValue(then) || (orElse.map(returnsValue) ?? false)
            case .for(_, _, let body), .while(_, let body): return returnsValue(body)
            case .assign, .expression, .variable: return false
            }
        }
    }

    func warnUnused() {
        for (name, b) in bindings.sorted(by: { ($0.value.range.start.line, $0.value.range.start.column) < ($1.value.range.start.line, $1.value.range.start.column) })
        where !b.used && !b.quiet && !name.hasPrefix("_") {
            diags.warning("'\(name)' is assigned but never used", at: b.range)
        }
    }

    // MARK: statements

    func checkBlock(_ block: Block) {
        for s in block.statements { checkStatement(s) }
    }

    func checkStatement(_ s: Stmt) {
        switch s.kind {
        case .expression(let e):
            _ = typeOf(e)
        case .assign(let targets, let value):
            let t = typeOf(value)
            if targets.count == 1 {
                assign(targets[0], t, immutable: false, declaredAt: nil)
            } else if case .tuple(let items) = t, items.count == targets.count {
                for (target, item) in zip(targets, items) { assign(target, item, immutable: false, declaredAt: nil) }
            } else {
                if !t.isUnknown { diags.error("cannot unpack \(t.description) into \(targets.count) names", at: value.range) }
                for target in targets { assign(target, .unknown, immutable: false, declaredAt: nil) }
            }
        case .variable(let isMutable, let name, let type, let value):
            var t = value.map(typeOf) ?? .unknown
            if let type {
                let declared = resolveAnnotation(type)
                if let value, !declared.accepts(t) {
                    diags.error("'\(name.name)' is declared \(declared.description) but its value is \(t.description)", at: value.range)
                }
                t = declared
            } else if value == nil {
                diags.error("'\(name.name)' needs a type or a value", at: name.range)
            }
            if bindings[name.name] != nil {
                diags.error("'\(name.name)' is already defined", at: name.range,
                            notes: [diags.note("previous definition here", at: bindings[name.name]?.range)])
            }
            bindings[name.name] = HostBinding(type: t, mutable: isMutable, range: name.range)
        case .for(let variables, let sequence, let body):
            let element = elementType(of: typeOf(sequence), at: sequence.range)
            if variables.count == 1 {
                bindings[variables[0].name] = HostBinding(type: element, mutable: true, range: variables[0].range, quiet: true)
            } else {
                var items = [MType](repeating: .unknown, count: variables.count)
                if case .tuple(let parts) = element, parts.count == variables.count { items = parts }
                else if !element.isUnknown {
                    diags.error("cannot unpack \(element.description) into \(variables.count) loop variables", at: sequence.range)
                }
                for (v, t) in zip(variables, items) { bindings[v.name] = HostBinding(type: t, mutable: true, range: v.range, quiet: true) }
            }
            checkBlock(body)
        case .while(let condition, let body):
            expectBool(condition, "a 'while' condition")
            checkBlock(body)
        case .if(let condition, let then, let orElse):
            expectBool(condition, "an 'if' condition")
            checkBlock(then)
            if let orElse { checkBlock(orElse) }
        case .return(let value):
            guard let expected = returnType else {
                diags.error("'return' outside a func", at: s.range); return
            }
            let t = value.map(typeOf) ?? .none
            if case .none = expected, value != nil {
                diags.error("func has no declared result; add '-> \(t.description)' to return a value", at: s.range)
            } else if !expected.accepts(t) {
                diags.error("cannot return \(t.description) from a func declared '-> \(expected.description)'", at: value?.range ?? s.range)
            }
        }
    }

    private func expectBool(_ e: Expr, _ what: String) {
        let t = typeOf(e)
        if case .bool = t { return }
        if t.isUnknown { return }
        diags.error("\(what) must be Bool, got \(t.description)", at: e.range)
    }

    /// What `for x in seq` binds.
    func elementType(of t: MType, at range: SourceRange) -> MType {
        switch t {
        case .list(let e): return e
        case .object(.dataset): return .object(.batch)
        case .tensor: return .tensor(nil)
        case .tuple(let items): return items.first ?? .unknown
        case .string: return .string
        case .space: return .string
        case .unknown: return .unknown
        default:
            diags.error("cannot iterate over \(t.description)", at: range); return .unknown
        }
    }

    private func assign(_ target: Expr, _ t: MType, immutable: Bool, declaredAt: SourceRange?) {
        switch target.kind {
        case .identifier(let name):
            if let symbol = program.symbols[name] {
                diags.error("cannot assign to '\(name)': it is a \(symbol.kindName)", at: target.range,
                            notes: [diags.note("declared here", at: symbol.nameRange)])
                return
            }
            if var b = bindings[name] {
                if !b.mutable {
                    diags.error("cannot assign to '\(name)': it is a 'let' constant", at: target.range,
                                notes: [diags.note("declared here", at: b.range)])
                    return
                }
                if !b.type.accepts(t) {
                    diags.error("cannot assign \(t.description) to '\(name)', which holds \(b.type.description)", at: target.range,
                                notes: [diags.note("first assigned here", at: b.range)])
                    return
                }
                if case .builder = t { b.type = t; bindings[name] = b }
                if case .model(nil) = b.type, case .model = t { b.type = t; bindings[name] = b }
                return
            }
            bindings[name] = HostBinding(type: t, mutable: !immutable, range: target.range)
        case .member(let base, let name):
            let bt = typeOf(base)
            if !bt.isUnknown { diags.error("cannot assign to '\(name.name)' of \(bt.description)", at: target.range) }
        case .subscript(let base, let indices):
            let bt = typeOf(base)
            for i in indices { _ = typeOf(i) }
            if case .list(let e) = bt, !e.accepts(t) {
                diags.error("cannot store \(t.description) in a list of \(e.description)", at: target.range)
            }
        default:
            diags.error("cannot assign to this expression", at: target.range)
        }
    }
}
