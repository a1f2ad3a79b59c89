/// Inlining one function into another: how a model imported from ONNX (or another M
/// model) becomes part of a composed model.

extension Dim {
    /// The dim with symbols replaced by `map` (unmapped symbols stay).
    public func substituting(_ map: [String: Dim]) -> Dim {
        switch self {
        case .constant: return self
        case .symbol(let s): return map[s] ?? self
        case .add(let a, let b): return a.substituting(map) + b.substituting(map)
        case .mul(let a, let b): return a.substituting(map) * b.substituting(map)
        case .floorDiv(let a, let b): return Dim.quotient(a.substituting(map), b.substituting(map))
        }
    }
}

extension Function {
    /// Appends a copy of `callee`'s ops with its arguments bound to `arguments`, and returns
    /// the values of its results. The callee's symbolic dims are unified with the argument
    /// types (a constant where the callee has a different constant is an error); parameter
    /// reads are renamed by `parameterName`.
    public func inline(_ callee: Function, arguments: [ValueID], parameterName: (String) -> String,
                       location: SourceLocation? = nil) throws(ShapeError) -> [ValueID] {
        guard arguments.count == callee.arguments.count else {
            throw ShapeError("model '\(callee.name)' takes \(callee.arguments.count) inputs, got \(arguments.count)")
        }
        var symbols: [String: Dim] = [:]
        for (formal, actual) in zip(callee.arguments, arguments) {
            let t = type(of: actual)
            guard t.dtype == formal.type.dtype, t.rank == formal.type.rank else {
                throw ShapeError("input '\(formal.name)' of '\(callee.name)' expects \(formal.type), got \(t)")
            }
            for (f, a) in zip(formal.type.shape, t.shape) {
                if case .symbol(let s) = f {
                    if let bound = symbols[s], bound != a {
                        throw ShapeError("input '\(formal.name)' of '\(callee.name)': dim '\(s)' is \(bound) elsewhere but \(a) here")
                    }
                    symbols[s] = a
                } else if f.substituting(symbols) != a {
                    throw ShapeError("input '\(formal.name)' of '\(callee.name)' expects \(formal.type), got \(t)")
                }
            }
        }
        var map: [ValueID: ValueID] = [:]
        for (i, a) in arguments.enumerated() { map[callee.argument(i)] = a }
        for op in callee.ops {
            var attrs = op.attributes
            if op.kind == .param, let n = attrs["name"]?.stringValue { attrs["name"] = .string(parameterName(n)) }
            let written = callee.type(of: op.result)
            let explicit = TensorType(written.dtype, written.shape.map { $0.substituting(symbols) })
            var operands: [ValueID] = []
            for v in op.operands {
                guard let m = map[v] else { throw ShapeError("internal error: '\(callee.name)' uses a value before defining it") }
                operands.append(m)
            }
            map[op.result] = try append(op.kind, operands, attributes: attrs,
                                        explicitType: op.kind.info.resultTypeIsExplicit || op.kind == .param ? explicit : nil,
                                        location: location ?? op.location)
        }
        var results: [ValueID] = []
        for r in callee.results {
            guard let v = map[r.value] else { throw ShapeError("internal error: result '\(r.name)' of '\(callee.name)' is undefined") }
            results.append(v)
        }
        return results
    }
}

extension Function {
    /// Replaces symbols in every type (arguments included), e.g. to specialize a dynamic
    /// dim to a constant that an op requires. Callers re-verify afterwards.
    public func substituteSymbols(_ map: [String: Dim]) {
        guard !map.isEmpty else { return }
        func sub(_ t: TensorType) -> TensorType { TensorType(t.dtype, t.shape.map { $0.substituting(map) }) }
        arguments = arguments.map { FunctionInput(name: $0.name, type: sub($0.type)) }
        types = types.map(sub)
        valueSymbols = valueSymbols.map { ValueSymbol(name: $0.name, expr: $0.expr.substituting(map).folded) }
        symbolChecks = symbolChecks.map { SymbolCheck(expr: $0.expr.substituting(map).folded, message: $0.message) }
    }
}
