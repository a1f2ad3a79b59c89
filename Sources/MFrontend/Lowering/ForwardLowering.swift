import MIR

/// An expression's value in forward: a tensor, a compile-time number (becomes a constant of the
/// other operand's dtype), or the named outputs of a multi-output model.
enum Operand {
    case tensor(ValueID)
    case scalar(Double)
    case outputs([NamedValue])
}

/// Lowering of forward bodies: assignments, compile-time `for` and `if`, tensor expressions,
/// layer and sub-model applications.
extension Scope {
    func lowerBlock(_ block: Block) {
        for stmt in block.statements {
            if lowerer.overBudget(at: stmt.range) { return }
            lowerStatement(stmt)
        }
    }

    func lowerStatement(_ stmt: Stmt) {
        lowerer.steps += 1
        switch stmt.kind {
        case .assign(let targets, let value):
            var names: [Identifier] = []
            for t in targets {
                guard case .identifier(let n) = t.kind else {
                    diags.error("forward assigns to names only (like 'h = relu(x)')", at: t.range); return
                }
                guard assignable(n, at: t.range) else { return }
                names.append(Identifier(name: n, range: t.range))
            }
            guard let v = lowerExpr(value) else { return }
            bind(names, v, at: value.range)
        case .variable(_, let id, let type, let value):
            guard let value else { diags.error("'\(id.name)' needs a value", at: stmt.range); return }
            guard assignable(id.name, at: id.range), let v = lowerTensorOperand(lowerExpr(value), at: value.range) else { return }
            if let type, let declared = resolveType(type), substitute(declared) != lowerer.type(v) {
                diags.error("'\(id.name)' is declared \(substitute(declared)) but its value is \(lowerer.type(v))", at: type.range); return
            }
            bind([id], .tensor(v), at: value.range)
        case .for(let variables, let sequence, let body):
            guard variables.count == 1 else { diags.error("a forward loop binds one variable", at: stmt.range); return }
            guard let items = loopItems(sequence) else { return }
            let saved = env[variables[0].name]
            for item in items {
                lowerer.steps += 1
                if lowerer.overBudget(at: stmt.range) { break }
                env[variables[0].name] = item
                lowerBlock(body)
            }
            env[variables[0].name] = saved
        case .if(let condition, let then, let orElse):
            switch evaluator.evaluate(condition) {
            case .success(.bool(let b)):
                if b { lowerBlock(then) } else if let orElse { lowerBlock(orElse) }
            case .success(let other):
                diags.error("an 'if' in forward needs a compile-time Bool condition (from hyperparameters), got \(MFrontend.describe(other))", at: condition.range)
            case .failure(let e):
                let tensorName = e.unknownName.map { values[$0] != nil } ?? false
                diags.error(tensorName ? "an 'if' in forward is decided at compile time; '\(e.unknownName ?? "")' is a tensor (use where(cond, a, b) for an elementwise choice)"
                                       : e.message, at: e.range)
            }
        case .return:
            diags.error("forward has no 'return': assign each output by name (like 'logits = fc(h)')", at: stmt.range)
        case .expression:
            diags.error("forward blocks hold tensor assignments only (like 'h = relu(fc1(x))')", at: stmt.range)
        case .while:
            diags.error("forward cannot loop with 'while'; use 'for i in range(n)' (unrolled at compile time)", at: stmt.range)
        }
    }

    private func assignable(_ name: String, at range: SourceRange) -> Bool {
        if components[name] != nil || inputNames.contains(name) {
            diags.error("cannot assign to '\(name)': it is \(components[name] != nil ? "a layer" : "an input") of model '\(spec.name)'", at: range)
            return false
        }
        if env[name] != nil && values[name] == nil {
            diags.error("cannot assign to '\(name)': it is a hyperparameter or constant of model '\(spec.name)'", at: range); return false
        }
        return true
    }

    private func bind(_ names: [Identifier], _ v: Operand, at range: SourceRange) {
        if names.count == 1 {
            guard let t = lowerTensorOperand(v, at: range, allowOutputs: true) else { return }
            if case .outputs(let outs) = v, outs.count > 1 { values[names[0].name] = .outputs(outs) } else { values[names[0].name] = .tensor(t) }
            if localRanges[names[0].name] == nil { localRanges[names[0].name] = names[0].range }
            return
        }
        guard case .outputs(let outs) = v, outs.count == names.count else {
            diags.error("cannot unpack \(describe(v)) into \(names.count) names", at: range); return
        }
        for (n, o) in zip(names, outs) {
            values[n.name] = .tensor(o.value)
            if localRanges[n.name] == nil { localRanges[n.name] = n.range }
        }
    }

    private func describe(_ v: Operand) -> String {
        switch v {
        case .tensor(let t): return "a tensor \(lowerer.type(t))"
        case .scalar(let s): return "the number \(formatFloat(s))"
        case .outputs(let outs): return "\(outs.count) outputs (\(outs.map(\.name).joined(separator: ", ")))"
        }
    }

    /// The values of a compile-time `for`: `range(...)`, or a tuple or list.
    private func loopItems(_ sequence: Expr) -> [ConstValue]? {
        if case .call(let callee, let args) = sequence.kind, case .identifier("range") = callee.kind {
            var bounds: [Int] = []
            for a in args {
                guard case .success(.int(let v)) = evaluator.evaluate(a.value), a.label == nil else {
                    diags.error("'range' takes compile-time Ints in forward", at: a.range); return nil
                }
                bounds.append(v)
            }
            guard (1...3).contains(bounds.count) else { diags.error("'range' takes 1 to 3 Ints", at: sequence.range); return nil }
            let (start, end, step) = bounds.count == 1 ? (0, bounds[0], 1) : (bounds[0], bounds[1], bounds.count == 3 ? bounds[2] : 1)
            guard step != 0 else { diags.error("'range' step must not be 0", at: sequence.range); return nil }
            guard bounds.allSatisfy({ $0.magnitude <= 1 << 40 }) else {
                diags.error("'range' bounds must be within ±2^40", at: sequence.range); return nil
            }
            let count = step > 0 ? max(0, (end - start + step - 1) / step) : max(0, (start - end - step - 1) / -step)
            guard count <= 10_000 else { diags.error("a forward loop unrolls at compile time; \(count) iterations is too many", at: sequence.range); return nil }
            return (0..<count).map { .int(start + $0 * step) }
        }
        switch evaluator.evaluate(sequence) {
        case .success(.tuple(let items)), .success(.list(let items)): return items
        case .success(let other):
            diags.error("a forward loop runs over range(...) or a tuple, got \(MFrontend.describe(other))", at: sequence.range); return nil
        case .failure(let e): diags.error(e.message, at: e.range); return nil
        }
    }

    // MARK: expressions

    /// The single tensor of `v`; a scalar becomes an f32 constant, several outputs are an error.
    func lowerTensorOperand(_ v: Operand?, at range: SourceRange, allowOutputs: Bool = false) -> ValueID? {
        switch v {
        case nil: return nil
        case .tensor(let t)?: return t
        case .scalar(let s)?: return lowerer.scalar(s, .f32, at: range)
        case .outputs(let outs)?:
            if outs.count == 1 { return outs[0].value }
            if allowOutputs, let first = outs.first { return first.value }
            diags.error("this has \(outs.count) outputs (\(outs.map(\.name).joined(separator: ", "))); pick one with '.\(outs.first?.name ?? "name")' or unpack them with 'a, b = ...'", at: range)
            return nil
        }
    }

    func lowerTensor(_ e: Expr) -> ValueID? { lowerTensorOperand(lowerExpr(e), at: e.range) }

    func lowerExpr(_ e: Expr) -> Operand? {
        switch e.kind {
        case .identifier(let n):
            if let v = values[n] {
                readLocals.insert(n)
                switch v {
                case .tensor(let t): return .tensor(t)
                case .outputs(let o): return .outputs(o)
                }
            }
            if let c = env[n] {
                guard let d = c.doubleValue else {
                    diags.error("'\(n)' is \(MFrontend.describe(c)), not a number usable in a tensor expression", at: e.range); return nil
                }
                return .scalar(d)
            }
            if components[n] != nil { diags.error("layer '\(n)' must be applied to a tensor, like '\(n)(x)'", at: e.range); return nil }
            let known = Array(values.keys) + Array(env.keys)
            diags.error("unknown name '\(n)'\(suggestion(for: n, among: known))", at: e.range)
            return nil
        case .int(let v): return .scalar(Double(v))
        case .float(let v): return .scalar(v)
        case .call(let callee, let args):
            return lowerCall(callee, args, range: e.range)
        case .binary(let op, let lhs, let rhs):
            return lowerBinary(op, lhs, rhs, range: e.range)
        case .unary(let op, let operand):
            guard let v = lowerExpr(operand) else { return nil }
            if case .scalar(let s) = v, op == .negate { return .scalar(-s) }
            guard let t = lowerTensorOperand(v, at: operand.range) else { return nil }
            return lowerer.emit(op == .negate ? .neg : .logicalNot, [t], at: e.range).map { .tensor($0) }
        case .member(let base, let name):
            guard let v = lowerExpr(base) else { return nil }
            guard case .outputs(let outs) = v else {
                diags.error("'.\(name.name)' picks an output of a model with several outputs; this is \(describe(v))", at: name.range); return nil
            }
            guard let o = outs.first(where: { $0.name == name.name }) else {
                diags.error("no output '\(name.name)'\(suggestion(for: name.name, among: outs.map(\.name))) (outputs: \(outs.map(\.name).joined(separator: ", ")))", at: name.range)
                return nil
            }
            return .tensor(o.value)
        case .subscript(let base, let indices):
            guard case .identifier(let n) = base.kind, case .outputs(let outs)? = values[n], indices.count == 1,
                  case .success(.int(let i)) = evaluator.evaluate(indices[0]) else {
                diags.error("tensors cannot be indexed in forward yet; only the outputs of a multi-output model (outs[0])", at: e.range); return nil
            }
            readLocals.insert(n)
            guard i >= 0, i < outs.count else { diags.error("index \(i) is out of range for \(outs.count) outputs", at: indices[0].range); return nil }
            return .tensor(outs[i].value)
        case .string, .bool, .tuple, .list:
            diags.error("expected a tensor expression, found \(MFrontend.describe(e))", at: e.range); return nil
        }
    }

    private func lowerBinary(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, range: SourceRange) -> Operand? {
        guard let a = lowerExpr(lhs), let b = lowerExpr(rhs) else { return nil }
        if case .scalar = a, case .scalar = b {
            switch evaluator.evaluate(Expr(.binary(op: op, lhs: lhs, rhs: rhs), range: range)) {
            case .success(let v): if let d = v.doubleValue { return .scalar(d) }
            case .failure(let e): diags.error(e.message, at: e.range); return nil
            }
        }
        var x: ValueID? = nil, y: ValueID? = nil
        if case .scalar = a {} else { x = lowerTensorOperand(a, at: lhs.range) }
        if case .scalar = b {} else { y = lowerTensorOperand(b, at: rhs.range) }
        let dtype = (x ?? y).map { lowerer.type($0).dtype } ?? .f32
        if case .scalar(let s) = a { x = lowerer.scalar(s, dtype, at: lhs.range) }
        if case .scalar(let s) = b { y = lowerer.scalar(s, dtype, at: rhs.range) }
        guard let x, let y else { return nil }
        let kind: OpKind
        switch op {
        case .add: kind = .add
        case .subtract: kind = .sub
        case .multiply: kind = .mul
        case .divide: kind = .div
        case .matmul: kind = .matmul
        case .power: kind = .pow
        case .modulo: kind = .mod
        case .equal, .notEqual: kind = .equal
        case .less: kind = .less
        case .lessEqual: kind = .lessEqual
        case .greater: kind = .greater
        case .greaterEqual: kind = .greaterEqual
        case .and: kind = .logicalAnd
        case .or: kind = .logicalOr
        }
        let tx = lowerer.type(x), ty = lowerer.type(y)
        do {
            _ = try kind.inferResultType(operands: [tx, ty], attributes: [:])
        } catch {
            diags.error("cannot apply '\(op.spelling)' to \(tx) and \(ty): \(error.message)", at: range,
                        notes: [diags.note("left operand is \(tx)", at: lhs.range), diags.note("right operand is \(ty)", at: rhs.range)])
            return nil
        }
        guard let r = lowerer.emit(kind, [x, y], at: range) else { return nil }
        if op == .notEqual { return lowerer.emit(.logicalNot, [r], at: range).map { .tensor($0) } }
        return .tensor(r)
    }

    private func lowerCall(_ callee: Expr, _ args: [Argument], range: SourceRange) -> Operand? {
        // `blocks[i](h)`: one part of a sequentialModel.
        if case .subscript(let base, let indices) = callee.kind, case .identifier(let n) = base.kind,
           let item = components[n], case .sequential(let parts) = item.component {
            guard indices.count == 1, case .success(.int(let i)) = evaluator.evaluate(indices[0]) else {
                diags.error("a part of '\(n)' is picked by a compile-time Int", at: callee.range); return nil
            }
            guard i >= 0, i < parts.count else { diags.error("'\(n)' has \(parts.count) parts; index \(i) is out of range", at: indices[0].range); return nil }
            usedComponents.insert(n)
            guard let inputs = tensorArguments(args, callee: n) else { return nil }
            return apply(parts[i], label: "\(n)[\(i)]", path: join(join(prefix, n), "\(i)"), inputs: inputs, at: range).map(result)
        }
        guard case .identifier(let name) = callee.kind else {
            diags.error("only layers, models and tensor functions can be called in forward", at: callee.range); return nil
        }
        if let item = components[name] {
            usedComponents.insert(name)
            guard let inputs = tensorArguments(args, callee: name) else { return nil }
            return apply(item, label: name, path: join(prefix, name), inputs: inputs, at: range).map(result)
        }
        if values[name] != nil { diags.error("'\(name)' is a tensor, not a layer", at: callee.range); return nil }
        if let fn = ForwardFunctions.table[name] { return lowerFunction(name, fn, args, range: range).map { .tensor($0) } }
        switch program.symbols[name] {
        case .model?:
            guard let s = program.spec(forModel: name), let inputs = tensorArguments(args, callee: name) else { return nil }
            return apply(ComponentItem(component: .model(s), range: range), label: name, path: join(prefix, name), inputs: inputs, at: range).map(result)
        case .onnx(let m)?:
            guard let inputs = tensorArguments(args, callee: name) else { return nil }
            return applyImported(m, path: join(prefix, name), inputs: inputs, at: range).map(result)
        case .metamodel?:
            diags.error("metamodel '\(name)' is a template: declare an instance as a member ('m = \(name)(...)') and apply it as 'm(x)'", at: callee.range)
            return nil
        case .function?:
            diags.error("'\(name)' is a func (host code); forward calls layers, models and tensor functions", at: callee.range); return nil
        case nil: break
        }
        if LayerKind(name: name) != nil {
            diags.error("'\(name)' is a layer type: declare it as a member (e.g. 'l = \(name)(...)') and apply it by name", at: callee.range)
        } else {
            let candidates = Array(ForwardFunctions.table.keys) + componentOrder.map(\.name) + program.modelNames
            diags.error("unknown function or layer '\(name)'\(suggestion(for: name, among: candidates))", at: callee.range)
        }
        return nil
    }

    private func result(_ outs: [NamedValue]) -> Operand { outs.count == 1 ? .tensor(outs[0].value) : .outputs(outs) }

    private func tensorArguments(_ args: [Argument], callee: String) -> [ValueID]? {
        var out: [ValueID] = []
        for a in args {
            if let label = a.label {
                diags.error("'\(callee)' takes tensors by position, not '\(label.name) ='", at: label.range); return nil
            }
            guard let v = lowerTensor(a.value) else { return nil }
            out.append(v)
        }
        return out
    }
}
