/// Checks the invariants every pass may rely on. A failure after a pass is a compiler
/// bug (the pass manager reports it with the pass name and the IR); a failure on parsed
/// text is a diagnostic for the text's author.
///
/// - every operand is an argument or the result of an earlier op (SSA dominance in a
///   single block), and every op's result is a fresh value;
/// - arity, attributes and result types agree with the op table's shape rule;
/// - `param` ops name a module parameter and have its type;
/// - results exist, have unique names, and their dims use only symbols bound by arguments.
public struct VerifierError: Error, Sendable, CustomStringConvertible {
    public var function: String
    public var messages: [String]
    public var description: String { messages.map { "verifier: @\(function): \($0)" }.joined(separator: "\n") }
}

extension Module {
    public func verify() throws(VerifierError) {
        for f in functions { try f.verify(in: self) }
        var seen = Set<String>()
        for p in parameters where !seen.insert(p.name).inserted {
            throw VerifierError(function: "<module>", messages: ["parameter '@\(p.name)' is declared twice"])
        }
    }
}

extension Function {
    public func verify(in module: Module) throws(VerifierError) {
        var errors: [String] = []
        var defined = [Bool](repeating: false, count: valueCount)
        for i in arguments.indices { defined[i] = true }
        let names = valueNames()
        if Set(arguments.map(\.name)).count != arguments.count { errors.append("argument names are not unique") }
        errors += verifyValueSymbols()
        let bound = Set(symbols)

        for (index, op) in ops.enumerated() {
            let here = "op #\(index) ('\(op.kind.rawValue)')"
            guard op.result.raw >= 0, op.result.raw < valueCount, !defined[op.result.raw] else {
                errors.append("\(here) defines an invalid or already defined value"); continue
            }
            var operandsOK = true
            for v in op.operands where !(v.raw >= 0 && v.raw < valueCount && defined[v.raw]) {
                errors.append("\(here) uses \(v.raw >= 0 && v.raw < valueCount ? names[v.raw] : "%<\(v.raw)>") before its definition")
                operandsOK = false
            }
            defined[op.result.raw] = true
            guard operandsOK else { continue }
            let written = type(of: op.result)
            do {
                let inferred = try op.kind.inferResultType(
                    operands: op.operands.map(type(of:)), attributes: op.attributes, explicit: written,
                    valueSymbols: Set(valueSymbols.map(\.name)))
                if inferred != written { errors.append("\(here) has type \(written) but its shape rule gives \(inferred)") }
                for d in written.shape { for s in d.symbols where !bound.contains(s) {
                    errors.append("\(here) uses symbol '\(s)' that no argument binds and no value symbol defines")
                } }
            } catch {
                errors.append("\(here): \(error.message)")
            }
            if op.kind == .param {
                if let name = op.attributes["name"]?.stringValue {
                    if let p = module.parameter(named: name) {
                        if p.type != written { errors.append("\(here) reads '@\(name)' as \(written) but it is \(p.type)") }
                    } else { errors.append("\(here) reads unknown parameter '@\(name)'") }
                }
            }
        }
        if results.isEmpty { errors.append("function has no results") }
        if Set(results.map(\.name)).count != results.count { errors.append("result names are not unique") }
        for r in results {
            guard r.value.raw >= 0, r.value.raw < valueCount, defined[r.value.raw] else {
                errors.append("result '\(r.name)' is not a defined value"); continue
            }
            for d in type(of: r.value).shape { for s in d.symbols where !bound.contains(s) {
                errors.append("result '\(r.name)' uses symbol '\(s)' that no argument binds and no value symbol defines")
            } }
        }
        if !errors.isEmpty { throw VerifierError(function: name, messages: errors) }
    }
}
