/// Prints MIR in its textual form. `parseModule(print(m))` rebuilds an equal module, and
/// printing is deterministic (results renumbered `%0, %1, ...` in op order), so text
/// can be compared byte for byte in golden tests.

extension Module {
    public func printed(locations: Bool = true) -> String {
        var out = "module @\(name)\n"
        if !parameters.isEmpty { out += "\n" }
        for p in parameters {
            out += "param @\(p.name) : \(p.type) = \(p.initializer.printed)\n"
        }
        for f in functions { out += "\n" + f.printed(locations: locations) }
        return out
    }
}

extension Initializer {
    public var printed: String {
        switch self {
        case .zeros: return "zeros"
        case .constant(let v): return "constant(\(formatFloat(v)))"
        case .uniform(let limit, let seed): return "uniform(limit = \(formatFloat(limit)), seed = \(seed))"
        case .safetensors(let path, let key): return "safetensors(\(quoteString(path)), \(quoteString(key)))"
        case .values(let vs): return "values([" + vs.map(formatFloat).joined(separator: ", ") + "])"
        case .external(let key): return "external(\(quoteString(key)))"
        }
    }
}

extension Function {
    /// Printed names of every value: `%name` for arguments, `%N` for op results.
    public func valueNames() -> [String] {
        var names = [String](repeating: "%?", count: valueCount)
        for (i, a) in arguments.enumerated() { names[i] = "%" + a.name }
        for (i, op) in ops.enumerated() where op.result.raw < names.count { names[op.result.raw] = "%\(i)" }
        return names
    }

    public func printed(locations: Bool = true) -> String {
        let names = valueNames()
        func name(_ v: ValueID) -> String { v.raw >= 0 && v.raw < names.count ? names[v.raw] : "%<invalid \(v.raw)>" }
        let args = arguments.map { "%\($0.name): \($0.type)" }.joined(separator: ", ")
        let res = results.map { "\($0.name): \(type(of: $0.value))" }.joined(separator: ", ")
        var out = "func @\(self.name)(\(args)) -> (\(res)) {\n"
        for v in valueSymbols { out += "  symbol \(v.name) = \(v.expr)\n" }
        for c in symbolChecks { out += "  check \(c.expr), \(quoteString(c.message))\n" }
        for op in ops {
            var line = "  \(name(op.result)) = \(op.kind.rawValue)"
            if op.kind == .param, let p = op.attributes["name"]?.stringValue {
                line += " @\(p)"
            } else {
                if !op.operands.isEmpty { line += " " + op.operands.map(name).joined(separator: ", ") }
                let attrs = op.attributes.sorted { $0.key < $1.key }
                if !attrs.isEmpty { line += " {" + attrs.map { "\($0.key) = \($0.value)" }.joined(separator: ", ") + "}" }
            }
            line += " : \(type(of: op.result))"
            if locations, let loc = op.location { line += "  loc(\(quoteString(loc.file)):\(loc.line):\(loc.column))" }
            out += line + "\n"
        }
        out += "  return " + results.map { name($0.value) }.joined(separator: ", ") + "\n}\n"
        return out
    }
}
