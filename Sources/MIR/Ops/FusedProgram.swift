/// The body of a `fused` op: a postfix program over its operands, e.g. `$0 $1 add relu`
/// computes relu(operand0 + operand1). Only attribute-free elementwise ops appear in it,
/// so the text is the whole meaning. Comparisons may appear when their bool result feeds a
/// `where` (select) condition in the same program (`$0 $1 greater $2 $3 where` is the ReLU
/// gradient): bools stay inside the loop, operands and the result share one numeric dtype.
public struct FusedProgram: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        case operand(Int)
        case op(OpKind)
    }
    public var steps: [Step]

    public init(steps: [Step]) { self.steps = steps }

    public init(parsing text: String, operandCount: Int) throws(ShapeError) {
        var steps: [Step] = []
        // The stack, as "is a bool" per value: bools come only from comparisons and go only
        // into a select's condition.
        var stack: [Bool] = []
        for token in text.split(separator: " ") {
            if token.hasPrefix("$") {
                guard let i = Int(token.dropFirst()), i >= 0, i < operandCount else {
                    throw ShapeError("fused program: '\(token)' is not one of the \(operandCount) operands")
                }
                steps.append(.operand(i)); stack.append(false)
            } else {
                guard let kind = OpKind(rawValue: String(token)), FusedProgram.fusible(kind) else {
                    throw ShapeError("fused program: '\(token)' is not a fusible elementwise op")
                }
                let arity = kind.info.arity.lowerBound
                guard stack.count >= arity else { throw ShapeError("fused program: '\(token)' needs \(arity) values") }
                let args = Array(stack.suffix(arity))
                stack.removeLast(arity)
                let expected = kind == .select ? [true, false, false] : [Bool](repeating: false, count: arity)
                guard args == expected else {
                    throw ShapeError(kind == .select ? "fused program: 'where' needs a comparison as its condition and numeric branches"
                                                     : "fused program: '\(token)' reads a bool (a comparison's result)")
                }
                stack.append(FusedProgram.isComparison(kind))
                steps.append(.op(kind))
            }
        }
        guard stack.count == 1 else { throw ShapeError("fused program '\(text)' leaves \(stack.count) values, expected 1") }
        guard stack[0] == false else { throw ShapeError("fused program '\(text)' ends in a bool; its result must be numeric") }
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

    /// Elementwise ops without attributes whose result has their first operand's dtype, plus
    /// comparisons and select (typed by the parser: bools never leave the program).
    public static func fusible(_ kind: OpKind) -> Bool {
        switch kind {
        case .neg, .abs, .sign, .relu, .sigmoid, .tanh, .exp, .log, .sqrt, .erf, .floor, .ceil, .round, .reciprocal,
             .sin, .cos, .softplus, .softsign, .hardSwish, .add, .sub, .mul, .div, .pow, .maximum, .minimum, .select:
            return true
        default:
            return isComparison(kind)
        }
    }

    /// Comparisons: numeric operands, a bool result.
    public static func isComparison(_ kind: OpKind) -> Bool {
        [.equal, .less, .lessEqual, .greater, .greaterEqual].contains(kind)
    }
}
