import MIR

/// If, Loop, Scan and SequenceMap, imported without control flow in MIR:
/// - If with a compile-time condition imports the taken branch only. With a run-time
///   condition both branches are imported and every output is `where(cond, then, else)`:
///   both branches run. That is sound because ONNX inference graphs have no side effects,
///   and it needs the branches to give each output the same type.
/// - Loop is unrolled when its trip count and condition are compile-time constants (the
///   condition the body computes too), Scan always (its length is a static dim), so each
///   iteration's body is imported once with the loop-carried state as plain SSA values.
/// Subgraphs see the values of the enclosing graphs; their own names are dropped again
/// after each import (an unrolled body binds the same names once per iteration).
extension ONNXImporter {
    /// Unrolling bound: a longer loop is reported as unsupported instead of bloating the IR.
    static let maxUnrolledIterations = 4096

    /// Ops whose inputs or outputs may be sequences or whose attributes are subgraphs;
    /// nil when `n` is an ordinary tensor op (see `convert`).
    mutating func structured(_ n: ONNXNode) throws(NodeError) -> [ScopeValue]? {
        guard n.domain.isEmpty else { return nil }
        switch n.opType {
        case "If": return try ifOp(n)
        case "Loop": return try loop(n)
        case "Scan": return try scan(n)
        case "SequenceMap": return try sequenceMap(n)
        case _ where Self.sequenceOps.contains(n.opType): return try sequenceOp(n)
        case "Optional", "OptionalHasElement", "OptionalGetElement":
            throw .unsupported("optional values (mcc has no run-time representation for an absent value)")
        default: return nil
        }
    }

    func subgraph(_ n: ONNXNode, _ name: String) throws(NodeError) -> ONNXGraph {
        guard let g = n.attributes[name]?.graphValue else { throw NodeError("missing graph attribute '\(name)'") }
        return g
    }

    /// Imports `graph` inline with its inputs bound to `inputs`; returns its outputs.
    mutating func importSubgraph(_ graph: ONNXGraph, _ inputs: [ScopeValue], what: String) throws(NodeError) -> [ScopeValue] {
        guard graph.inputs.count == inputs.count else {
            throw NodeError("\(what) has \(graph.inputs.count) inputs, but \(inputs.count) values are passed to it")
        }
        let (outerValues, outerSequences, outerNode) = (values, sequences, node)
        defer { values = outerValues; sequences = outerSequences; node = outerNode }
        bindInitializers(of: graph)
        for (input, v) in zip(graph.inputs, inputs) { bind(input.name, v) }
        for n in graph.nodes {
            node = n
            do { try importNode(n) } catch {
                throw NodeError("in \(what), \(describe(n)): \(error.message)", unsupported: error.unsupported)
            }
        }
        var outs: [ScopeValue] = []
        for o in graph.outputs {
            guard let v = lookup(o.name) else { throw NodeError("\(what) never computes its output '\(o.name)'") }
            outs.append(v)
        }
        return outs
    }

    /// A compile-time boolean (If and Loop conditions); nil for a run-time value.
    func constantFlag(_ v: ImportValue) throws(NodeError) -> Bool? {
        guard case .constant(let c) = v, !c.isSymbolic else { return nil }
        guard c.count == 1 else { throw NodeError("a condition must hold one element, not \(c.count)") }
        return c.values[0] != 0
    }

    // MARK: If

    mutating func ifOp(_ n: ONNXNode) throws(NodeError) -> [ScopeValue] {
        let cond = try required(n, 0)
        let thenGraph = try subgraph(n, "then_branch"), elseGraph = try subgraph(n, "else_branch")
        if let taken = try constantFlag(cond) {
            return try importSubgraph(taken ? thenGraph : elseGraph, [], what: taken ? "the then_branch" : "the else_branch")
        }
        let a = try importSubgraph(thenGraph, [], what: "the then_branch")
        let b = try importSubgraph(elseGraph, [], what: "the else_branch")
        guard a.count == b.count else { throw NodeError("the branches give \(a.count) and \(b.count) outputs") }
        var c = try tensor(cond)
        let ct = function.type(of: c)
        guard ct.shape.allSatisfy({ $0 == .constant(1) }) else { throw NodeError("the condition has shape \(ct.shape), not one element") }
        if ct.rank > 0 { c = try emit(.reshape, [c], explicit: TensorType(ct.dtype, [])) }
        if ct.dtype != .bool { c = try emit(.cast, [c], attributes: ["to": .string(DType.bool.rawValue)]) }
        var outs: [ScopeValue] = []
        for (k, (x, y)) in zip(a, b).enumerated() {
            outs.append(try select(c, x, y, output: k < n.outputs.count ? n.outputs[k] : "#\(k)"))
        }
        return outs
    }

    mutating func select(_ cond: ValueID, _ a: ScopeValue, _ b: ScopeValue, output: String) throws(NodeError) -> ScopeValue {
        switch (a, b) {
        case (.value(let x), .value(let y)):
            let tx = type(x), ty = type(y)
            guard tx == ty else {
                throw .unsupported("with a run-time condition both branches are imported and selected with 'where', " +
                                   "which needs equal types, but output '\(output)' is \(tx) in then_branch and \(ty) in else_branch")
            }
            return .value(.tensor(try emit(.select, [cond, try tensor(x), try tensor(y)])))
        case (.sequence(let s), .sequence(let t)):
            guard s.elements.count == t.elements.count, s.dtype == t.dtype else {
                throw .unsupported("with a run-time condition, output '\(output)' is a sequence of different lengths or types in the two branches")
            }
            var merged = s
            for i in s.elements.indices {
                guard let x = s.elements[i], let y = t.elements[i] else { throw .unsupported("\(s.unknownElement) is not known at compile time") }
                guard case .value(let v) = try select(cond, .value(x), .value(y), output: "\(output)[\(i)]") else { continue }
                merged.elements[i] = v
            }
            return .sequence(merged)
        default:
            throw NodeError("output '\(output)' is a tensor in one branch and a sequence in the other")
        }
    }

    // MARK: Loop

    mutating func loop(_ n: ONNXNode) throws(NodeError) -> [ScopeValue] {
        let body = try subgraph(n, "body")
        var trip: Int?
        if let m = try input(n, 0) {
            guard case .constant(let c) = m, c.count == 1, !c.isSymbolic else {
                let what = if case .constant = m { "depends on a symbolic dim" } else { "is a run-time value" }
                throw .unsupported("the trip count '\(n.inputs[0])' \(what); mcc unrolls Loop only when its trip count and condition are compile-time constants")
            }
            trip = max(0, saturatingInt(c.values[0]))
        }
        var running = true
        if let c = try input(n, 1) {
            guard let flag = try constantFlag(c) else {
                throw .unsupported("the condition '\(n.inputs[1])' is a run-time value; mcc unrolls Loop only when its trip count and condition are compile-time constants")
            }
            running = flag
        }
        var carried: [ScopeValue] = []
        for i in 2..<max(2, n.inputs.count) {
            guard let v = lookup(n.inputs[i]) else { throw NodeError("input '\(n.inputs[i])' is not defined") }
            carried.append(v)
        }
        let scanCount = body.outputs.count - 1 - carried.count
        guard scanCount >= 0 else { throw NodeError("the body has \(body.outputs.count) outputs for \(carried.count) loop-carried values") }
        var scanned = [[ValueID]](repeating: [], count: scanCount)
        var iteration = 0
        while running && iteration < (trip ?? Int.max) {
            guard iteration < Self.maxUnrolledIterations else {
                throw .unsupported("the loop runs over \(Self.maxUnrolledIterations) iterations, the most mcc unrolls")
            }
            let counter = ScopeValue.value(.constant(.scalar(Double(iteration), .i64)))
            let flag = ScopeValue.value(.constant(.scalar(1, .bool)))
            let outs = try importSubgraph(body, [counter, flag] + carried, what: "iteration \(iteration) of the body")
            guard case .value(let c) = outs[0], let next = try constantFlag(c) else {
                throw .unsupported("the condition the body computes ('\(body.outputs[0].name)') is a run-time value; mcc unrolls Loop only when it is a compile-time constant")
            }
            running = next
            carried = Array(outs[1..<(1 + carried.count)])
            for k in 0..<scanCount {
                guard case .value(let v) = outs[1 + carried.count + k] else { throw .unsupported("scan outputs that are sequences") }
                scanned[k].append(try tensor(v))
            }
            iteration += 1
        }
        var results = carried
        for parts in scanned {
            guard !parts.isEmpty else { throw .unsupported("a Loop that runs zero times has empty scan outputs of unknown shape") }
            results.append(.value(.tensor(try stack(parts, axis: 0))))
        }
        return results
    }

    // MARK: Scan

    mutating func scan(_ n: ONNXNode) throws(NodeError) -> [ScopeValue] {
        let body = try subgraph(n, "body")
        let m = n.int("num_scan_inputs", 0)
        // Scan-8 has a leading sequence_lens input and a batch axis on every input and output.
        let batched = opset < 9
        let first = batched ? 1 : 0
        if batched, try input(n, 0) != nil { throw .unsupported("Scan-8 with sequence_lens (variable-length sequences)") }
        let all = try (first..<n.inputs.count).map { i throws(NodeError) in try required(n, i) }
        guard m > 0, m <= all.count else { throw NodeError("num_scan_inputs \(m) does not fit \(all.count) inputs") }
        let states = Array(all.prefix(all.count - m)), scans = Array(all.suffix(m))
        let k = body.outputs.count - states.count
        guard k >= 0 else { throw NodeError("the body has \(body.outputs.count) outputs for \(states.count) states") }
        let inReverse = (n.ints(batched ? "directions" : "scan_input_directions") ?? [Int](repeating: 0, count: m)).map { $0 != 0 }
        let outReverse = (n.ints("scan_output_directions") ?? [Int](repeating: 0, count: k)).map { $0 != 0 }
        guard inReverse.count == m, outReverse.count == k else { throw NodeError("direction lists do not match the inputs and outputs") }
        if !batched {
            var inAxes: [Int] = [], outAxes: [Int] = []
            for (i, a) in (n.ints("scan_input_axes") ?? [Int](repeating: 0, count: m)).enumerated() where i < m {
                inAxes.append(try normalizedAxis(a, rank: type(scans[i]).rank))
            }
            outAxes = n.ints("scan_output_axes") ?? [Int](repeating: 0, count: k)
            guard inAxes.count == m, outAxes.count == k else { throw NodeError("axis lists do not match the inputs and outputs") }
            return try unrollScan(body, states: states, scans: scans, inAxes: inAxes, inReverse: inReverse,
                                  outAxes: outAxes, outReverse: outReverse)
        }
        // Scan-8: one scan per batch entry (axis 0), time along axis 1, results re-stacked.
        guard let batch = type(all[0]).shape.first?.constantValue else { throw .unsupported("Scan-8 with a run-time batch size") }
        var perBatch: [[ValueID]] = []
        for b in 0..<batch {
            var entry: [ImportValue] = []
            for v in all { entry.append(.tensor(try dropAxis(try sliceAxis(try tensor(v), b, b + 1, axis: 0), 0))) }
            let outs = try unrollScan(body, states: Array(entry.prefix(states.count)), scans: Array(entry.suffix(m)),
                                      inAxes: [Int](repeating: 0, count: m), inReverse: inReverse,
                                      outAxes: [Int](repeating: 0, count: k), outReverse: outReverse)
            var ids: [ValueID] = []
            for o in outs {
                guard case .value(let v) = o else { throw .unsupported("Scan outputs that are sequences") }
                ids.append(try tensor(v))
            }
            perBatch.append(ids)
        }
        var results: [ScopeValue] = []
        for j in 0..<(states.count + k) { results.append(.value(.tensor(try stack(perBatch.map { $0[j] }, axis: 0)))) }
        return results
    }

    /// Scan-9 semantics on already normalized input axes.
    mutating func unrollScan(_ body: ONNXGraph, states: [ImportValue], scans: [ImportValue], inAxes: [Int], inReverse: [Bool],
                             outAxes: [Int], outReverse: [Bool]) throws(NodeError) -> [ScopeValue] {
        var length: Int?
        for (x, a) in zip(scans, inAxes) {
            guard let d = type(x).shape[a].constantValue else {
                throw .unsupported("the scan axis of a scan input has run-time length \(type(x).shape[a]); mcc unrolls Scan over a static length")
            }
            guard length == nil || length == d else { throw NodeError("scan inputs have different lengths (\(length!) and \(d))") }
            length = d
        }
        guard let length, length > 0 else { throw .unsupported("a Scan of length 0 (its outputs have unknown shapes)") }
        guard length <= Self.maxUnrolledIterations else {
            throw .unsupported("the scan runs \(length) iterations, over the \(Self.maxUnrolledIterations) mcc unrolls")
        }
        var carried = states.map { ScopeValue.value($0) }
        var scanned = [[ValueID]](repeating: [], count: outAxes.count)
        var sources: [ValueID] = []
        for x in scans { sources.append(try tensor(x)) }
        for t in 0..<length {
            var inputs = carried
            for (j, x) in sources.enumerated() {
                let i = inReverse[j] ? length - 1 - t : t
                inputs.append(.value(.tensor(try dropAxis(try sliceAxis(x, i, i + 1, axis: inAxes[j]), inAxes[j]))))
            }
            let outs = try importSubgraph(body, inputs, what: "iteration \(t) of the body")
            carried = Array(outs.prefix(states.count))
            for k in scanned.indices {
                guard case .value(let v) = outs[states.count + k] else { throw .unsupported("Scan outputs that are sequences") }
                scanned[k].append(try tensor(v))
            }
        }
        var results = carried
        for (k, parts) in scanned.enumerated() {
            let axis = try normalizedAxis(outAxes[k], rank: function.type(of: parts[0]).rank + 1)
            results.append(.value(.tensor(try stack(outReverse[k] ? parts.reversed() : parts, axis: axis))))
        }
        return results
    }

    // MARK: SequenceMap

    /// The body once per position; sequence inputs give their element there, tensors pass whole.
    mutating func sequenceMap(_ n: ONNXNode) throws(NodeError) -> [ScopeValue] {
        let body = try subgraph(n, "body")
        let count = try sequenceInput(n, 0).elements.count
        var outputs = [ImportSequence?](repeating: nil, count: body.outputs.count)
        for i in 0..<count {
            var inputs: [ScopeValue] = []
            for j in 0..<n.inputs.count {
                if let s = sequences[n.inputs[j]] {
                    guard s.elements.count == count else { throw NodeError("input sequences have different lengths") }
                    guard let e = s.elements[i] else { throw .unsupported("\(s.unknownElement) is not known at compile time") }
                    inputs.append(.value(e))
                } else {
                    inputs.append(.value(try required(n, j)))
                }
            }
            for (k, o) in try importSubgraph(body, inputs, what: "the body for element \(i)").enumerated() {
                guard case .value(let v) = o else { throw .unsupported("SequenceMap bodies that return sequences") }
                if outputs[k] == nil { outputs[k] = ImportSequence(elements: [], dtype: type(v).dtype) }
                outputs[k]!.elements.append(v)
            }
        }
        return try outputs.enumerated().map { k, s throws(NodeError) in
            guard let s else { throw .unsupported("SequenceMap over an empty sequence (the output element type comes from the body)") }
            return .sequence(s)
        }
    }
}

extension ONNXImporter {
    static let logicOps: Set<String> = ["Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor"]

    /// Folds comparisons and boolean logic on compile-time values, so that a Loop condition
    /// computed by its body from the iteration number (`Less(i, n)`) unrolls. Nil when an
    /// input is a run-time value (or symbolic): the op is then emitted as usual.
    func foldLogic(_ n: ONNXNode) throws(NodeError) -> [ImportValue]? {
        guard n.domain.isEmpty, Self.logicOps.contains(n.opType) else { return nil }
        var args: [ConstTensor] = []
        for i in 0..<(n.opType == "Not" ? 1 : 2) {
            guard case .constant(let c)? = try input(n, i), c.dims == nil, c.values.count == c.count else { return nil }
            args.append(c)
        }
        if n.opType == "Not" {
            return [.constant(ConstTensor(dtype: .bool, shape: args[0].shape, values: args[0].values.map { $0 == 0 ? 1 : 0 }))]
        }
        let (x, y) = (args[0], args[1])
        // Equal shapes or a one-element side; anything else is left to the broadcasting kernel.
        guard x.shape == y.shape || x.count == 1 || y.count == 1 else { return nil }
        let shape = x.count >= y.count ? x.shape : y.shape
        let vals = (0..<max(x.count, y.count)).map { i -> Double in
            let p = x.values[x.count == 1 ? 0 : i], q = y.values[y.count == 1 ? 0 : i]
            let r: Bool = switch n.opType {
            case "Less": p < q
            case "Greater": p > q
            case "LessOrEqual": p <= q
            case "GreaterOrEqual": p >= q
            case "And": p != 0 && q != 0
            case "Or": p != 0 || q != 0
            default: (p != 0) != (q != 0)
            }
            return r ? 1 : 0
        }
        return [.constant(ConstTensor(dtype: .bool, shape: shape, values: vals))]
    }
}
