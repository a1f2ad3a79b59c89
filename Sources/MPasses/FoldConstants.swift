import MIR

/// fold-constants: evaluates at compile time every op whose operands are all known values
/// (compiler constants; with frozen parameters, any parameter: see KnownValues) and whose kind
/// ConstantEvaluator covers (elementwise math, reshape/flatten/expand/transpose, cast). The
/// result becomes a new constant parameter read by a `param` op, so chains fold in one walk.
/// A result larger than its largest operand (a broadcast) is folded only up to
/// KnownValues.maxElements, so folding never blows up the library. Requires: a verified module.
/// Ensures: no covered op has only known operands; the folded ops are left for `dce`.
public struct FoldConstants: WeightPass {
    public static let name = "fold-constants"
    public static let summary = "Evaluate ops whose operands are all compile-time constants"
    public init() {}

    public func run(on module: Module, context: PassContext) throws(PassError) {
        let pool = ConstantPool(module: module)
        for f in module.functions {
            var known = KnownValues(module: module, function: f, context: context)
            var i = 0
            while i < f.ops.count {
                defer { i += 1 }
                let op = f.ops[i]
                guard op.kind != .param, !op.operands.isEmpty else { continue }
                var operands: [(values: [Double], shape: [Int])] = []
                for v in op.operands {
                    guard let shape = f.type(of: v).staticShape, let values = known.values(v) else { break }
                    operands.append((values, shape))
                }
                let type = f.type(of: op.result)
                guard operands.count == op.operands.count,
                      let values = ConstantEvaluator.evaluate(op, operands: operands, result: type) else { continue }
                let largest = operands.map(\.values.count).max() ?? 0
                guard values.count <= max(largest, 1) || values.count <= KnownValues.maxElements else { continue }
                let name: String
                if values.count <= 64 {
                    name = type.rank == 0 ? pool.scalar(values[0], type.dtype) : pool.tensor(values, type)
                } else {
                    name = pool.freshName()
                    module.parameters.append(Parameter(name: name, type: type, initializer: context.weights.store(values, name: name, type: type)))
                }
                let read = f.insertParam(module, name, at: i)
                known.record(read, reads: name)
                i += 1
                f.replaceAllUses(of: op.result, with: read)
            }
        }
    }
}
