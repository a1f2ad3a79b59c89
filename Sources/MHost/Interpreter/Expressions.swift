import Foundation
import MFrontend
import MIR

/// Expressions: literals, names, operators, members, subscripts and calls.
extension Interpreter {
    func evaluate(_ e: Expr) throws(RunFailure) -> Value {
        do throws(RunFailure) {
            return try evaluateUnlocated(e)
        } catch var failure {
            if failure.range == nil { failure.range = e.range }
            throw failure
        }
    }

    private func evaluateUnlocated(_ e: Expr) throws(RunFailure) -> Value {
        switch e.kind {
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .identifier(let name): return try lookup(name, at: e.range)
        case .list(let items): return .list(try items.map { (x) throws(RunFailure) in try evaluate(x) })
        case .tuple(let items): return .tuple(try items.map { (x) throws(RunFailure) in try evaluate(x) })
        case .unary(let op, let operand):
            let v = try evaluate(operand)
            switch (op, v) {
            case (.negate, .int(let i)): return .int(-i)
            case (.negate, .float(let d)): return .float(-d)
            case (.not, .bool(let b)): return .bool(!b)
            default: throw RunFailure("operator '\(op.spelling)' cannot be applied to \(v.typeName)", at: e.range)
            }
        case .binary(let op, let lhs, let rhs):
            // `and`/`or` short-circuit like Python.
            if op == .and || op == .or {
                let a = try truth(evaluate(lhs), at: lhs.range)
                if op == .and && !a { return .bool(false) }
                if op == .or && a { return .bool(true) }
                return .bool(try truth(evaluate(rhs), at: rhs.range))
            }
            return try binary(op, evaluate(lhs), evaluate(rhs), at: e.range)
        case .member(let base, let name):
            return try member(evaluate(base), name)
        case .subscript(let base, let indices):
            let b = try evaluate(base)
            guard indices.count == 1 else { throw RunFailure("only one index is supported", at: e.range) }
            let i = try evaluate(indices[0])
            switch b {
            case .list(let items), .tuple(let items): return items[try index(i, count: items.count, at: indices[0].range)]
            case .string(let s):
                let chars = Array(s)
                return .string(String(chars[try index(i, count: chars.count, at: indices[0].range)]))
            case .metrics(let m):
                guard case .string(let key) = i, let v = m[key] else {
                    throw RunFailure("no metric \(i.quotedDescription) (computed: \(m.values.map(\.name).joined(separator: ", ")))", at: indices[0].range)
                }
                return .float(v)
            default:
                throw RunFailure("\(b.typeName) cannot be indexed", at: base.range)
            }
        case .call(let callee, let arguments):
            return try call(callee, arguments, at: e.range)
        }
    }

    func lookup(_ name: String, at range: SourceRange) throws(RunFailure) -> Value {
        if let v = frame[name] { return v }
        if functions[name] != nil { return .function(name) }
        if program.isModel(name) { return .modelType(name) }
        throw RunFailure("unknown name '\(name)'\(didYouMean(name, Array(frame.keys) + program.declaredNames))", at: range)
    }

    func binary(_ op: BinaryOperator, _ a: Value, _ b: Value, at range: SourceRange) throws(RunFailure) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            switch op {
            case .add: return .int(x &+ y)
            case .subtract: return .int(x &- y)
            case .multiply: return .int(x &* y)
            case .divide, .modulo:
                guard y != 0 else { throw RunFailure("division by zero", at: range) }
                // Floor division and modulo (the sign follows the divisor), as in dims.
                let q = Int((Double(x) / Double(y)).rounded(.down))
                return op == .divide ? .int(q) : .int(x - q * y)
            case .power:
                let p = pow(Double(x), Double(y))
                guard y >= 0 else { return .float(p) }
                guard abs(p) < 9.2e18 else { throw RunFailure("\(x) ** \(y) does not fit an Int", at: range) }
                return .int(Int(p))
            default: return try compare(op, Double(x), Double(y), at: range)
            }
        case (.int, .float), (.float, .int), (.float, .float):
            let x = a.doubleValue!, y = b.doubleValue!
            switch op {
            case .add: return .float(x + y)
            case .subtract: return .float(x - y)
            case .multiply: return .float(x * y)
            case .divide: return .float(x / y)
            case .modulo: return .float(x - (x / y).rounded(.down) * y)
            case .power: return .float(pow(x, y))
            default: return try compare(op, x, y, at: range)
            }
        case (.string(let x), .string(let y)):
            switch op {
            case .add: return .string(x + y)
            case .equal: return .bool(x == y)
            case .notEqual: return .bool(x != y)
            case .less: return .bool(x < y)
            case .lessEqual: return .bool(x <= y)
            case .greater: return .bool(x > y)
            case .greaterEqual: return .bool(x >= y)
            default: break
            }
        case (.list(let x), .list(let y)) where op == .add: return .list(x + y)
        case (.bool(let x), .bool(let y)) where op == .equal || op == .notEqual: return .bool((x == y) == (op == .equal))
        default: break
        }
        if op == .equal || op == .notEqual {
            if case .none = a, case .none = b { return .bool(op == .equal) }
            if case .none = a { return .bool(op == .notEqual) }
            if case .none = b { return .bool(op == .notEqual) }
        }
        throw RunFailure("operator '\(op.spelling)' cannot be applied to \(a.typeName) and \(b.typeName)", at: range)
    }

    private func compare(_ op: BinaryOperator, _ x: Double, _ y: Double, at range: SourceRange) throws(RunFailure) -> Value {
        switch op {
        case .equal: return .bool(x == y)
        case .notEqual: return .bool(x != y)
        case .less: return .bool(x < y)
        case .lessEqual: return .bool(x <= y)
        case .greater: return .bool(x > y)
        case .greaterEqual: return .bool(x >= y)
        default: throw RunFailure("operator '\(op.spelling)' is not defined for numbers", at: range)
        }
    }

    func member(_ base: Value, _ name: Identifier) throws(RunFailure) -> Value {
        switch base {
        case .batch(let b):
            switch name.name {
            case "x": return .tensor(b.x)
            case "y":
                guard let y = b.y else { throw RunFailure("this data set has no targets (load it with label = \"column\")", at: name.range) }
                return .tensor(y)
            default: throw RunFailure("a batch has 'x' and 'y', not '\(name.name)'", at: name.range)
            }
        case .split(let s):
            switch name.name {
            case "train": return .dataset(s.train)
            case "test": return .dataset(s.test)
            case "validation":
                guard let v = s.validation else { throw RunFailure("this split has no validation part: split(train = ..., validation = ...)", at: name.range) }
                return .dataset(v)
            default: throw RunFailure("a split has train, validation and test, not '\(name.name)'", at: name.range)
            }
        case .metrics(let m):
            guard let v = m[name.name] else {
                throw RunFailure("metric '\(name.name)' was not computed (computed: \(m.values.map(\.name).joined(separator: ", "))); add it to metrics = [...]", at: name.range)
            }
            return .float(v)
        case .dataset(let d):
            switch name.name {
            case "x": return .tensor(HostTensor(shape: [d.dataset.count] + d.dataset.featureShape, data: .f32(d.dataset.features)))
            case "y": return .tensor(d.dataset.batch(Array(0..<d.dataset.count)).y ?? HostTensor(shape: [0], data: .f32([])))
            default: break
            }
        default: break
        }
        throw RunFailure("\(base.typeName) has no member '\(name.name)'", at: name.range)
    }
}

extension Value {
    var doubleValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .float(let d): d
        default: nil
        }
    }
}
