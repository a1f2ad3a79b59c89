import MIR

/// A sequence of tensors while importing. Sequences never reach MIR: each one is a list of
/// the values it holds, which works whenever its length and every position used are known
/// at compile time (SequenceInsert at a constant position, SplitToSequence of a static dim).
struct ImportSequence {
    /// nil for an element whose tensor is not available at compile time although the
    /// length is (SplitToSequence by run-time split sizes); reading it is unsupported.
    var elements: [ImportValue?]
    var dtype: DType
    var unknownElement = "an element of this sequence"
}

/// Any value an ONNX name can denote while importing.
enum ScopeValue {
    case value(ImportValue)
    case sequence(ImportSequence)
}

extension ONNXImporter {
    static let sequenceOps: Set<String> = [
        "SequenceEmpty", "SequenceConstruct", "SequenceInsert", "SequenceErase", "SequenceAt", "SequenceLength",
        "SplitToSequence", "ConcatFromSequence",
    ]

    mutating func bind(_ name: String, _ v: ScopeValue) {
        switch v {
        case .value(let x): values[name] = x; sequences[name] = nil
        case .sequence(let s): sequences[name] = s; values[name] = nil
        }
    }

    func lookup(_ name: String) -> ScopeValue? {
        if let v = values[name] { return .value(v) }
        return sequences[name].map { .sequence($0) }
    }

    func sequenceInput(_ n: ONNXNode, _ i: Int) throws(NodeError) -> ImportSequence {
        guard i < n.inputs.count, !n.inputs[i].isEmpty else { throw NodeError("missing input #\(i)") }
        if let s = sequences[n.inputs[i]] { return s }
        if values[n.inputs[i]] != nil { throw NodeError("input '\(n.inputs[i])' is a tensor; a sequence is expected") }
        throw NodeError("input '\(n.inputs[i])' is not defined")
    }

    /// A compile-time position in a sequence of `count` (`insert` allows `count` itself).
    func position(_ n: ONNXNode, _ i: Int, count: Int, insert: Bool) throws(NodeError) -> Int? {
        guard let c = try input(n, i) else { return nil }
        guard case .constant(let p) = c, p.count == 1, !p.isSymbolic else {
            throw .unsupported("position input '\(n.inputs[i])' is a run-time value; mcc needs sequence positions at compile time")
        }
        let raw = saturatingInt(p.values[0]), limit = insert ? count : count - 1
        guard raw >= -count, raw <= limit else { throw NodeError("position \(raw) is out of range for a sequence of \(count)") }
        return raw < 0 ? raw + count : raw
    }

    mutating func sequenceOp(_ n: ONNXNode) throws(NodeError) -> [ScopeValue] {
        switch n.opType {
        case "SequenceEmpty":
            let code = n.int("dtype", 1)
            guard let dt = mirDType(code) else { throw .unsupported("sequences of \(onnxTypeName(code))") }
            return [.sequence(ImportSequence(elements: [], dtype: dt))]
        case "SequenceConstruct":
            var elements: [ImportValue] = []
            for i in 0..<n.inputs.count { elements.append(try required(n, i)) }
            guard let first = elements.first, elements.allSatisfy({ type($0).dtype == type(first).dtype }) else {
                throw NodeError("SequenceConstruct needs one or more tensors of one element type")
            }
            return [.sequence(ImportSequence(elements: elements, dtype: type(first).dtype))]
        case "SequenceInsert":
            var s = try sequenceInput(n, 0)
            let x = try required(n, 1)
            guard type(x).dtype == s.dtype else { throw NodeError("inserting \(type(x).dtype) into a sequence of \(s.dtype)") }
            s.elements.insert(x, at: try position(n, 2, count: s.elements.count, insert: true) ?? s.elements.count)
            return [.sequence(s)]
        case "SequenceErase":
            var s = try sequenceInput(n, 0)
            guard !s.elements.isEmpty else { throw NodeError("erasing from an empty sequence") }
            s.elements.remove(at: try position(n, 1, count: s.elements.count, insert: false) ?? s.elements.count - 1)
            return [.sequence(s)]
        case "SequenceAt":
            let s = try sequenceInput(n, 0)
            guard let p = try position(n, 1, count: s.elements.count, insert: false) else { throw NodeError("missing input #1") }
            guard let x = s.elements[p] else { throw .unsupported("\(s.unknownElement) is not known at compile time") }
            return [.value(x)]
        case "SequenceLength":
            return [.value(.constant(.scalar(Double(try sequenceInput(n, 0).elements.count), .i64)))]
        case "SplitToSequence": return [.sequence(try splitToSequence(n))]
        case "ConcatFromSequence": return [.value(.tensor(try concatFromSequence(n)))]
        default: throw .unsupported("no lowering for this op")
        }
    }

    mutating func splitToSequence(_ n: ONNXNode) throws(NodeError) -> ImportSequence {
        let x = try required(n, 0)
        let t = type(x)
        let axis = try normalizedAxis(n.int("axis", 0), rank: t.rank)
        let split = try input(n, 1)
        if case .tensor(let id)? = split {
            // The length is the number of split sizes; the pieces' extents are run-time data.
            let st = function.type(of: id)
            guard st.rank == 1, let count = st.shape[0].constantValue else {
                throw .unsupported("input 'split' is a run-time value of unknown length")
            }
            var s = ImportSequence(elements: [ImportValue?](repeating: nil, count: count), dtype: t.dtype)
            s.unknownElement = "a piece of SplitToSequence '\(n.name)' (split by run-time sizes)"
            return s
        }
        guard let length = t.shape[axis].constantValue else {
            throw .unsupported("the split axis has run-time length \(t.shape[axis]); mcc needs sequence lengths at compile time")
        }
        var sizes: [Int]
        var keep = true
        switch split {
        case nil:
            sizes = [Int](repeating: 1, count: length)
            keep = n.int("keepdims", 1) != 0
        case .constant(let c)?:
            guard !c.isSymbolic else { throw .unsupported("split sizes that depend on symbolic dims (\(c.asDims))") }
            if c.shape.isEmpty {
                let chunk = saturatingInt(c.values[0])
                guard chunk > 0 else { throw NodeError("split size \(chunk) must be positive") }
                sizes = stride(from: 0, to: length, by: chunk).map { min(chunk, length - $0) }
            } else {
                sizes = c.values.map(saturatingInt)
            }
        case .tensor?: return ImportSequence(elements: [], dtype: t.dtype)  // handled above
        }
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == length else {
            throw NodeError("split sizes \(sizes) do not add up to the axis length \(length)")
        }
        let xv = try tensor(x)
        var elements: [ImportValue?] = []
        var start = 0
        for size in sizes {
            var piece = try sliceAxis(xv, start, start + size, axis: axis)
            if !keep { piece = try dropAxis(piece, axis) }
            elements.append(.tensor(piece))
            start += size
        }
        return ImportSequence(elements: elements, dtype: t.dtype)
    }

    mutating func concatFromSequence(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let s = try sequenceInput(n, 0)
        guard !s.elements.isEmpty else { throw NodeError("ConcatFromSequence of an empty sequence") }
        var parts: [ValueID] = []
        for e in s.elements {
            guard let e else { throw .unsupported("\(s.unknownElement) is not known at compile time") }
            parts.append(try tensor(e))
        }
        let rank = function.type(of: parts[0]).rank
        if n.int("new_axis", 0) != 0 {
            return try stack(parts, axis: try normalizedAxis(n.int("axis", 0), rank: rank + 1))
        }
        let axis = try normalizedAxis(n.int("axis", 0), rank: rank)
        return parts.count == 1 ? parts[0] : try emit(.concat, parts, attributes: ["axis": .int(axis)])
    }

    // MARK: helpers shared with Scan and Loop

    /// An int64 read as a Double (positions, trip counts), clamped so that huge values
    /// (INT64_MAX as "loop forever") convert without trapping and fail range checks instead.
    func saturatingInt(_ v: Double) -> Int { v.isNaN ? 0 : Int(max(-1e15, min(1e15, v))) }

    func normalizedAxis(_ axis: Int, rank: Int) throws(NodeError) -> Int {
        guard axis >= -rank, axis < rank else { throw NodeError("axis \(axis) is out of range for rank \(rank)") }
        return axis < 0 ? axis + rank : axis
    }

    /// `x[..., start..<end, ...]` along `axis`.
    mutating func sliceAxis(_ x: ValueID, _ start: Int, _ end: Int, axis: Int) throws(NodeError) -> ValueID {
        try emit(.slice, [x], attributes: ["starts": .ints([start]), "ends": .ints([end]), "axes": .ints([axis]),
                                            "steps": .ints([1])])
    }

    /// Removes a size-1 `axis`.
    mutating func dropAxis(_ x: ValueID, _ axis: Int) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        var shape = t.shape
        shape.remove(at: axis)
        return try emit(.reshape, [x], explicit: TensorType(t.dtype, shape))
    }

    /// Stacks equally shaped tensors along a new `axis` (numpy.stack).
    mutating func stack(_ parts: [ValueID], axis: Int) throws(NodeError) -> ValueID {
        guard let first = parts.first else { throw .unsupported("stacking zero tensors (the result's shape is unknown)") }
        let t = function.type(of: first)
        guard parts.allSatisfy({ function.type(of: $0) == t }) else {
            throw NodeError("cannot stack tensors of different types (\(parts.map { function.type(of: $0) }))")
        }
        var shape = t.shape
        shape.insert(.constant(1), at: axis)
        var grown: [ValueID] = []
        for p in parts { grown.append(try emit(.reshape, [p], explicit: TensorType(t.dtype, shape))) }
        return grown.count == 1 ? grown[0] : try emit(.concat, grown, attributes: ["axis": .int(axis)])
    }
}
