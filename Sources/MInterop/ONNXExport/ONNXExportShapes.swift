import MIR

/// One entry of a shape tensor for Reshape or Expand: a number (including ONNX's 0 = copy
/// and -1 = infer) or a dim computed at run time from the graph inputs' shapes.
enum ShapeEntry {
    case constant(Int)
    case dim(Dim)
}

/// Shape tensors for ops whose ONNX form takes the target shape as an input.
extension ONNXExportContext {
    /// The `int64[1]` tensor holding `d` at run time: symbols are read from the input that
    /// declares them (Shape, Gather), expressions are built with Add, Mul and Div (dims are
    /// non-negative, so Div's truncation is MIR's floor division).
    mutating func dimTensor(_ d: Dim, for op: Operation) throws(ONNXExportError) -> String {
        let key = "dim:" + d.description
        if let t = dimTensors[key] { return t }
        let t: String
        switch d {
        case .constant(let v):
            t = int64s([v], hint: "dim")
        case .symbol(let s):
            guard let source = symbolSources[s] else { throw unsupported(op, "dim '\(s)' is not a dim of any model input") }
            let shapeKey = "shape:" + source.input
            let shape = dimTensors[shapeKey] ?? node("Shape", [source.input])
            dimTensors[shapeKey] = shape
            t = node("Gather", [shape, int64s([source.axis], hint: "\(s)_axis")], [("axis", .int(0))])
        case .add(let x, let y):
            t = node("Add", [try dimTensor(x, for: op), try dimTensor(y, for: op)])
        case .mul(let x, let y):
            t = node("Mul", [try dimTensor(x, for: op), try dimTensor(y, for: op)])
        case .floorDiv(let x, let y):
            t = node("Div", [try dimTensor(x, for: op), try dimTensor(y, for: op)])
        }
        dimTensors[key] = t
        return t
    }

    /// A 1-D `int64` shape tensor: one initializer when every entry is a number, else a Concat.
    mutating func shapeTensor(_ entries: [ShapeEntry], for op: Operation) throws(ONNXExportError) -> String {
        var values: [Int] = []
        for e in entries { if case .constant(let v) = e { values.append(v) } }
        if values.count == entries.count { return int64s(values, hint: "shape") }
        var pieces: [String] = []
        for e in entries {
            switch e {
            case .constant(let v): pieces.append(int64s([v], hint: "dim"))
            case .dim(let d): pieces.append(try dimTensor(d, for: op))
            }
        }
        return node("Concat", pieces, [("axis", .int(0))])
    }

    /// Reshape's target: constants as they are, a symbolic dim that the input has at the
    /// same index as 0 (copy), one other symbolic dim as -1 (infer), any further ones computed.
    mutating func reshapeTarget(_ op: Operation) throws(ONNXExportError) -> String {
        let x = function.type(of: op.operands[0]), target = function.type(of: op.result).shape
        var entries: [ShapeEntry] = []
        var inferred = false
        for (i, d) in target.enumerated() {
            let sameAsInput = i < x.rank && x.shape[i] == d
            if let c = d.constantValue {
                // opset 13 reads 0 as "copy the input dim", right only where that dim is 0 too.
                guard c != 0 || sameAsInput else { throw unsupported(op, "a reshape to a zero-sized dim needs opset 14 (allowzero)") }
                entries.append(.constant(c))
            } else if sameAsInput {
                entries.append(.constant(0))
            } else if !inferred {
                inferred = true
                entries.append(.constant(-1))
            } else {
                entries.append(.dim(d))
            }
        }
        return try shapeTensor(entries, for: op)
    }

    /// Expand's target (bidirectional broadcast): 1 where the input already has the dim.
    mutating func expandTarget(_ op: Operation) throws(ONNXExportError) -> String {
        let x = function.type(of: op.operands[0]), target = function.type(of: op.result).shape
        let offset = target.count - x.rank
        var entries: [ShapeEntry] = []
        for (i, d) in target.enumerated() {
            if let c = d.constantValue { entries.append(.constant(c)) }
            else if i >= offset && x.shape[i - offset] == d { entries.append(.constant(1)) }
            else { entries.append(.dim(d)) }
        }
        return try shapeTensor(entries, for: op)
    }
}
