import MIR

/// Name resolution of a forward body without lowering it: for a metamodel checked generically
/// (its required hyperparameters unknown), every name must still be an input, a local assigned
/// before, a hyperparameter or constant, a layer, a tensor function or a model.
extension Scope {
    func checkNames() {
        var known = Set(spec.inputs.map(\.name.name)).union(env.keys).union(components.keys)
        if let forward = spec.forward { walk(forward, &known) }
        for out in spec.outputs { if let v = out.value { names(in: v, known) } }
    }

    private func walk(_ block: Block, _ known: inout Set<String>) {
        for stmt in block.statements {
            switch stmt.kind {
            case .assign(let targets, let value):
                names(in: value, known)
                for t in targets { if case .identifier(let n) = t.kind { known.insert(n) } }
            case .variable(_, let id, _, let value):
                if let value { names(in: value, known) }
                known.insert(id.name)
            case .for(let variables, let sequence, let body):
                names(in: sequence, known)
                var inner = known.union(variables.map(\.name))
                walk(body, &inner)
                known.formUnion(inner)
            case .if(let condition, let then, let orElse):
                names(in: condition, known)
                var a = known, b = known
                walk(then, &a)
                if let orElse { walk(orElse, &b) }
                known.formUnion(a.union(b))   // a name assigned on one path only is reported when lowered
            case .expression, .return, .while:
                break   // reported when an instance is lowered
            }
        }
    }

    private func names(in e: Expr, _ known: Set<String>) {
        switch e.kind {
        case .identifier(let n):
            if !known.contains(n) {
                diags.error("unknown name '\(n)'\(suggestion(for: n, among: Array(known)))", at: e.range)
            }
        case .call(let callee, let arguments):
            if case .identifier(let n) = callee.kind {
                if !known.contains(n) && ForwardFunctions.table[n] == nil && program.symbols[n] == nil && n != "range" {
                    let candidates = Array(known) + Array(ForwardFunctions.table.keys) + program.modelNames
                    diags.error("unknown function or layer '\(n)'\(suggestion(for: n, among: candidates))", at: callee.range)
                }
            } else {
                names(in: callee, known)
            }
            for a in arguments { names(in: a.value, known) }
        case .member(let base, _): names(in: base, known)
        case .subscript(let base, let indices):
            names(in: base, known)
            for i in indices { names(in: i, known) }
        case .binary(_, let lhs, let rhs):
            names(in: lhs, known)
            names(in: rhs, known)
        case .unary(_, let operand): names(in: operand, known)
        case .tuple(let items), .list(let items): for i in items { names(in: i, known) }
        case .int, .float, .string, .bool: break
        }
    }
}
