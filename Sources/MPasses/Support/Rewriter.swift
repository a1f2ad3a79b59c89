import MIR

/// In-place rewriting of a function's op list. `Function` appends new ops at the end of its
/// arena, so a rewrite that replaces an op by several ops rebuilds the list: ops are
/// re-emitted in order, a replaced op's result is mapped to its replacement, and later
/// operands and results follow the map. Values are renumbered densely at the end.
extension Function {
    /// Calls `expand` on every op in order (with operands already remapped). `expand` returns
    /// nil to keep the op, or the value that replaces its result (after appending the ops
    /// that compute it with `append`).
    func rewriteOps(_ expand: (Operation) throws(PassError) -> ValueID?) throws(PassError) {
        let old = ops
        ops = []
        var map: [ValueID: ValueID] = [:]
        for var op in old {
            op.operands = op.operands.map { map[$0] ?? $0 }
            if let replacement = try expand(op) { map[op.result] = replacement } else { ops.append(op) }
        }
        results = results.map { FunctionOutput(name: $0.name, value: map[$0.value] ?? $0.value) }
        compact()
    }
}

/// Scalar constants that passes need (epsilon, 1/n, ...). Constants are module parameters
/// (MIR has no constant op); an existing scalar parameter with the same value is reused,
/// else a new one named `mcc.constN` is added.
struct ConstantPool {
    let module: Module

    func scalar(_ value: Double, _ dtype: DType) -> String {
        let type = TensorType(dtype, static: [])
        let wanted: Initializer = value == 0 ? .zeros : .constant(value)
        if let p = module.parameters.first(where: { $0.type == type && $0.initializer == wanted && ConstantPool.isConstant($0.name) }) {
            return p.name
        }
        let name = freshName()
        module.parameters.append(Parameter(name: name, type: type, initializer: wanted))
        return name
    }

    /// A constant tensor (e.g. the class indices 0..<C of a one-hot), reused when one with the
    /// same type and values exists.
    func tensor(_ values: [Double], _ type: TensorType) -> String {
        let wanted: Initializer = .values(values)
        if let p = module.parameters.first(where: { $0.type == type && $0.initializer == wanted && ConstantPool.isConstant($0.name) }) {
            return p.name
        }
        let name = freshName()
        module.parameters.append(Parameter(name: name, type: type, initializer: wanted))
        return name
    }

    /// A constant name not yet used (`mcc.constN`).
    func freshName() -> String {
        var n = module.parameters.count
        while module.parameter(named: "mcc.const\(n)") != nil { n += 1 }
        return "mcc.const\(n)"
    }

    /// Names of compiler-made constants: `constN` (the M front end) and `mcc.constN` (passes).
    static func isConstant(_ name: String) -> Bool {
        for prefix in ["const", "mcc.const"] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            if !rest.isEmpty, rest.allSatisfy(\.isNumber) { return true }
        }
        return false
    }
}

extension Function {
    /// Reads a scalar constant parameter (see ConstantPool).
    func constant(_ value: Double, _ dtype: DType, pool: ConstantPool, location: SourceLocation? = nil) -> ValueID {
        let name = pool.scalar(value, dtype)
        return appendUnchecked(.param, [], attributes: ["name": .string(name)], type: TensorType(dtype, static: []), location: location)
    }
}
