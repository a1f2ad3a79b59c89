/// The body of a `fused` op: a postfix program over its operands, e.g. `$0 $1 add relu`
/// computes relu(operand0 + operand1). Only attribute-free elementwise ops appear in it,
/// so the text is the whole meaning.
public struct FusedProgram: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        case operand(Int)
        case op(OpKind)
    }
    public var steps: [Step]

    public init(steps: [Step]) { self.steps = steps }

    public init(parsing text: String, operandCount: Int) throws(ShapeError) {
        var steps: [Step] = []
        var depth = 0
        for token in text.split(separator: " ") {
            if token.hasPrefix("$") {
                guard let i = Int(token.dropFirst()), i >= 0, i < operandCount else {
                    throw ShapeError("fused program: '\(token)' is not one of the \(operandCount) operands")
                }
                steps.append(.operand(i)); depth += 1
            } else {
                guard let kind = OpKind(rawValue: String(token)), FusedProgram.fusible(kind) else {
                    throw ShapeError("fused program: '\(token)' is not a fusible elementwise op")
                }
                let arity = kind.info.arity.lowerBound
                guard depth >= arity else { throw ShapeError("fused program: '\(token)' needs \(arity) values") }
                depth += 1 - arity
                steps.append(.op(kind))
            }
        }
        guard depth == 1 else { throw ShapeError("fused program '\(text)' leaves \(depth) values, expected 1") }
        self.steps = steps
    }

    public var text: String {
        steps.map { step -> String in
            switch step {
            case .operand(let i): return "$\(i)"
            case .op(let k): return k.rawValue
            }
        }.joined(separator: " ")
    }

    /// Elementwise ops without attributes whose result has their first operand's dtype.
    public static func fusible(_ kind: OpKind) -> Bool {
        switch kind {
        case .neg, .abs, .sign, .relu, .sigmoid, .tanh, .exp, .log, .sqrt, .erf, .floor, .ceil, .round, .reciprocal,
             .sin, .cos, .softplus, .softsign, .hardSwish, .add, .sub, .mul, .div, .pow, .maximum, .minimum:
            return true
        default:
            return false
        }
    }
}
