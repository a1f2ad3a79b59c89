import MIR

/// A value known at compile time: a hyperparameter, a layer argument, a setting, a loop index.
indirect enum ConstValue: Equatable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case string(String)
    case tuple([ConstValue])
    case list([ConstValue])
    /// A value of a known type whose value is not known: a metamodel checked without arguments.
    case unknown(ConstType)

    var type: ConstType {
        switch self {
        case .int: .int
        case .float: .float
        case .bool: .bool
        case .string: .string
        case .tuple: .tuple
        case .list: .list
        case .unknown(let t): t
        }
    }

    var intValue: Int? { if case .int(let v) = self { return v }; return nil }
    var stringValue: String? { if case .string(let v) = self { return v }; return nil }
    var boolValue: Bool? { if case .bool(let v) = self { return v }; return nil }
    var doubleValue: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .float(let v): return v
        default: return nil
        }
    }
    var isUnknown: Bool {
        switch self {
        case .unknown: return true
        case .tuple(let items), .list(let items): return items.contains { $0.isUnknown }
        default: return false
        }
    }

    /// M source text for the value: `64`, `0.5`, `"relu"`, `(3, 3)`.
    var description: String {
        switch self {
        case .int(let v): return String(v)
        case .float(let v): return formatFloat(v)
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return quoted(s)
        case .tuple(let items):
            return items.count == 1 ? "(\(items[0]),)" : "(" + items.map(\.description).joined(separator: ", ") + ")"
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .unknown(let t): return "<\(t.rawValue)>"
        }
    }
}

/// The type of a compile-time value, as written in hyperparameter declarations.
enum ConstType: String, Equatable {
    case int = "Int", float = "Float", bool = "Bool", string = "String", tuple, list, any

    /// Whether a value of type `other` may initialize a declaration of this type (Int widens to Float).
    func accepts(_ other: ConstType) -> Bool {
        self == other || self == .any || other == .any || (self == .float && other == .int)
    }
}

/// Why an expression is not a compile-time value; `range` is the offending sub-expression.
struct ConstEvalError: Error {
    var message: String
    var range: SourceRange
    /// The name that was not found, for "did you mean" at the caller.
    var unknownName: String?
}

/// Evaluates expressions over compile-time values. `lookup` resolves names (hyperparameters,
/// constants, loop indices); it records uses so that unused hyperparameters can be reported.
struct ConstEvaluator {
    var lookup: (String) -> ConstValue?

    func evaluate(_ e: Expr) -> Result<ConstValue, ConstEvalError> {
        do { return .success(try eval(e)) } catch { return .failure(error) }
    }

    func eval(_ e: Expr) throws(ConstEvalError) -> ConstValue {
        switch e.kind {
        case .int(let v): return .int(v)
        case .float(let v): return .float(v)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .identifier(let name):
            if let v = lookup(name) { return v }
            throw ConstEvalError(message: "unknown name '\(name)'", range: e.range, unknownName: name)
        case .tuple(let items):
            var out: [ConstValue] = []
            for item in items { out.append(try eval(item)) }
            return .tuple(out)
        case .list(let items):
            var out: [ConstValue] = []
            for item in items { out.append(try eval(item)) }
            return .list(out)
        case .unary(let op, let operand):
            let v = try eval(operand)
            switch (op, v) {
            case (.negate, .int(let x)):
                guard x != Int.min else { throw ConstEvalError(message: "integer overflow", range: e.range) }
                return .int(-x)
            case (.negate, .float(let x)): return .float(-x)
            case (.not, .bool(let b)): return .bool(!b)
            case (.negate, .unknown(let t)) where t == .int || t == .float: return v
            case (.not, .unknown(.bool)): return v
            default:
                throw ConstEvalError(message: "operator '\(op.spelling)' cannot be applied to \(v.type.rawValue)", range: e.range)
            }
        case .binary(let op, let lhs, let rhs):
            return try binary(op, try eval(lhs), try eval(rhs), e.range)
        case .call(let callee, let arguments):
            guard case .identifier(let name) = callee.kind, ["min", "max", "abs", "int", "float"].contains(name),
                  arguments.allSatisfy({ $0.label == nil }) else {
                throw ConstEvalError(message: "not a compile-time value", range: e.range)
            }
            var values: [ConstValue] = []
            for a in arguments { values.append(try eval(a.value)) }
            return try builtin(name, values, e.range)
        case .subscript(let base, let indices):
            let b = try eval(base)
            guard indices.count == 1, case .int(let i) = try eval(indices[0]) else {
                throw ConstEvalError(message: "a tuple or list index must be one Int", range: e.range)
            }
            switch b {
            case .tuple(let items), .list(let items):
                let k = i < 0 ? i + items.count : i
                guard k >= 0, k < items.count else {
                    throw ConstEvalError(message: "index \(i) is out of range for \(items.count) elements", range: indices[0].range)
                }
                return items[k]
            default: throw ConstEvalError(message: "\(b.type.rawValue) cannot be indexed", range: base.range)
            }
        case .member:
            throw ConstEvalError(message: "not a compile-time value", range: e.range)
        }
    }

    private func builtin(_ name: String, _ values: [ConstValue], _ range: SourceRange) throws(ConstEvalError) -> ConstValue {
        if values.contains(where: \.isUnknown) { return .unknown(name == "float" ? .float : .int) }
        switch name {
        case "min", "max":
            guard values.count >= 1, values.allSatisfy({ $0.doubleValue != nil }) else {
                throw ConstEvalError(message: "'\(name)' takes numbers", range: range)
            }
            let pick = values.dropFirst().reduce(values[0]) { best, v in
                let better = name == "min" ? (v.doubleValue ?? 0) < (best.doubleValue ?? 0) : (v.doubleValue ?? 0) > (best.doubleValue ?? 0)
                return better ? v : best
            }
            return pick
        case "abs":
            guard values.count == 1 else { throw ConstEvalError(message: "'abs' takes one number", range: range) }
            switch values[0] {
            case .int(let v) where v != Int.min: return .int(Swift.abs(v))
            case .float(let v): return .float(Swift.abs(v))
            default: throw ConstEvalError(message: "'abs' takes one number", range: range)
            }
        case "int":
            guard values.count == 1, let v = values[0].doubleValue, v.isFinite, Swift.abs(v) < 9e18 else {
                throw ConstEvalError(message: "'int' takes one finite number", range: range)
            }
            return .int(Int(v.rounded(.towardZero)))
        default:
            guard values.count == 1, let v = values[0].doubleValue else {
                throw ConstEvalError(message: "'float' takes one number", range: range)
            }
            return .float(v)
        }
    }

    private func binary(_ op: BinaryOperator, _ a: ConstValue, _ b: ConstValue, _ range: SourceRange) throws(ConstEvalError) -> ConstValue {
        let mismatch = ConstEvalError(message: "operator '\(op.spelling)' cannot be applied to \(a.type.rawValue) and \(b.type.rawValue)", range: range)
        if a.isUnknown || b.isUnknown {
            switch op {
            case .and, .or, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return .unknown(.bool)
            case .add, .subtract, .multiply, .divide, .modulo, .power, .matmul:
                return .unknown(a.type == .float || b.type == .float ? .float : a.type == .string ? .string : .int)
            }
        }
        switch op {
        case .and, .or:
            guard case .bool(let x) = a, case .bool(let y) = b else { throw mismatch }
            return .bool(op == .and ? x && y : x || y)
        case .equal: return .bool(equal(a, b))
        case .notEqual: return .bool(!equal(a, b))
        case .less, .lessEqual, .greater, .greaterEqual:
            if case .string(let x) = a, case .string(let y) = b { return .bool(compare(op, x < y, x == y)) }
            guard let x = a.doubleValue, let y = b.doubleValue else { throw mismatch }
            return .bool(compare(op, x < y, x == y))
        case .matmul: throw mismatch
        case .add, .subtract, .multiply, .divide, .modulo, .power:
            if case .string(let x) = a, case .string(let y) = b, op == .add { return .string(x + y) }
            if case .int(let x) = a, case .int(let y) = b { return try intArithmetic(op, x, y, range) }
            guard let x = a.doubleValue, let y = b.doubleValue else { throw mismatch }
            switch op {
            case .add: return .float(x + y)
            case .subtract: return .float(x - y)
            case .multiply: return .float(x * y)
            case .divide:
                guard y != 0 else { throw ConstEvalError(message: "division by zero", range: range) }
                return .float(x / y)
            case .modulo:
                guard y != 0 else { throw ConstEvalError(message: "division by zero", range: range) }
                return .float(x - (x / y).rounded(.down) * y)
            default: return .float(pow(x, y))
            }
        }
    }

    private func compare(_ op: BinaryOperator, _ less: Bool, _ equal: Bool) -> Bool {
        switch op {
        case .less: less
        case .lessEqual: less || equal
        case .greater: !less && !equal
        default: !less
        }
    }

    private func equal(_ a: ConstValue, _ b: ConstValue) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }

    /// Int arithmetic; `/` is floor division (as in dims), and overflow is an error, not a trap.
    private func intArithmetic(_ op: BinaryOperator, _ x: Int, _ y: Int, _ range: SourceRange) throws(ConstEvalError) -> ConstValue {
        let overflow = ConstEvalError(message: "integer overflow", range: range)
        switch op {
        case .add:
            let r = x.addingReportingOverflow(y); if r.overflow { throw overflow }; return .int(r.partialValue)
        case .subtract:
            let r = x.subtractingReportingOverflow(y); if r.overflow { throw overflow }; return .int(r.partialValue)
        case .multiply:
            let r = x.multipliedReportingOverflow(by: y); if r.overflow { throw overflow }; return .int(r.partialValue)
        case .divide, .modulo:
            guard y != 0 else { throw ConstEvalError(message: "division by zero", range: range) }
            guard !(x == Int.min && y == -1) else { throw overflow }
            let q = x / y, r = x % y
            let floorQ = (r != 0 && (r < 0) != (y < 0)) ? q - 1 : q
            return .int(op == .divide ? floorQ : x - floorQ * y)
        default:
            guard y >= 0 else { return .float(pow(Double(x), Double(y))) }
            var result = 1, base = x, e = y
            while e > 0 {   // by squaring: at most 64 rounds, so `2 ** 10**18` ends quickly
                if e & 1 == 1 {
                    let r = result.multipliedReportingOverflow(by: base); if r.overflow { throw overflow }; result = r.partialValue
                }
                e >>= 1
                if e > 0 {
                    let r = base.multipliedReportingOverflow(by: base); if r.overflow { throw overflow }; base = r.partialValue
                }
            }
            return .int(result)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
