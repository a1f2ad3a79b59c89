import MIR

/// Ops whose result size is the number of nonzero elements of their data (NonZero, Compress).
/// The count is a value symbol `count_nonzero(%arg)` computed before the forward from the
/// argument's data (docs/mir.md, "Value symbols"), so the memory plan sizes the result exactly;
/// a constant input folds at import. Data computed inside the graph has no count before the
/// forward and is a clear error.
extension ONNXImporter {
    mutating func nonZero(_ n: ONNXNode) throws(NodeError) -> ImportValue {
        switch try required(n, 0) {
        case .constant(let c):
            let strides = c.shape.indices.map { c.shape[($0 + 1)...].reduce(1, *) }
            let hits = c.values.indices.filter { c.values[$0] != 0 }
            var values: [Double] = []
            for (d, s) in strides.enumerated() { values += hits.map { Double(($0 / s) % c.shape[d]) } }
            return .constant(ConstTensor(dtype: .i64, shape: [c.shape.count, hits.count], values: values))
        case .tensor(let x):
            let count = try nonzeroCount(n, x, what: "NonZero's input")
            let t = function.type(of: x)
            return .tensor(try emit(.nonzero, [x], explicit: TensorType(.i64, [.constant(t.rank), count])))
        }
    }

    /// Compress(input, condition[, axis]) = Gather(input, NonZero(condition)) along `axis`,
    /// or of the flattened input without one.
    mutating func compress(_ n: ONNXNode) throws(NodeError) -> ValueID {
        var x = try tensorInput(n, 0)
        let xt = function.type(of: x)
        let axis: Int
        if n.has("axis") {
            axis = try normalizedAxis(n.int("axis", 0), rank: xt.rank)
        } else {
            x = try emit(.reshape, [x], explicit: TensorType(xt.dtype, [xt.elementCount]))
            axis = 0
        }
        let length = function.type(of: x).shape[axis]
        let indices: ValueID
        switch try required(n, 1) {
        case .constant(let c):
            guard c.shape.count == 1 else { throw NodeError("condition must have rank 1, got shape \(c.shape)") }
            let hits = c.values.indices.filter { c.values[$0] != 0 }
            if let l = length.constantValue, let last = hits.last, last >= l {
                throw NodeError("condition selects element \(last) along an axis of length \(l)")
            }
            indices = try tensor(.constant(ConstTensor(dtype: .i64, shape: [hits.count], values: hits.map(Double.init))))
        case .tensor(let cond):
            let ct = function.type(of: cond)
            guard ct.rank == 1 else { throw NodeError("condition must have rank 1, got \(ct)") }
            // Entries past the axis would select nothing that exists (ONNX: they are discarded only when
            // false); requiring the length keeps every index in range.
            try require(call(.le, SymExpr(ct.shape[0]), SymExpr(length)),
                        "Compress: condition is longer than the input along the axis")
            let count = try nonzeroCount(n, cond, what: "Compress's condition")
            let nz = try emit(.nonzero, [cond], explicit: TensorType(.i64, [.constant(1), count]))
            indices = try emit(.reshape, [nz], explicit: TensorType(.i64, [count]))
        }
        return try emit(.gather, [x, indices], attributes: ["axis": .int(axis)])
    }

    /// The count of nonzero elements of `x` as a value symbol; `x` must be a graph input.
    private func nonzeroCount(_ n: ONNXNode, _ x: ValueID, what: String) throws(NodeError) -> Dim {
        guard function.isArgument(x) else {
            throw .unsupported("\(what) is computed inside the graph; its nonzero count sizes the result and is known before the forward only for graph inputs and constants")
        }
        let t = function.type(of: x)
        guard t.dtype.isInteger || t.dtype == .bool || t.dtype == .f32 || t.dtype == .f64 else {
            throw .unsupported("\(what) of type \(t) (bool, integers, f32 or f64 are counted)")
        }
        return valueDim(.countNonzero(function.arguments[x.raw].name))
    }
}

extension ONNXImporter {
    /// NonMaxSuppression: the selected count is a `count_nms` value symbol over the boxes and
    /// scores arguments, so both must be graph inputs; the scalars are constants or graph inputs.
    mutating func nonMaxSuppression(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let boxes = try tensorInput(n, 0), scores = try tensorInput(n, 1)
        let (bt, st) = (function.type(of: boxes), function.type(of: scores))
        guard bt.dtype == .f32, st.dtype == .f32, bt.rank == 3, st.rank == 3, bt.shape[2] == .constant(4) else {
            throw NodeError("NonMaxSuppression expects f32 boxes [batches, n, 4] and scores [batches, classes, n], got \(bt) and \(st)")
        }
        guard function.isArgument(boxes), function.isArgument(scores) else {
            throw .unsupported("NonMaxSuppression of boxes or scores computed inside the graph; its selected count sizes the result and is known before the forward only for graph inputs")
        }
        let center = n.int("center_point_box", 0)
        guard center == 0 || center == 1 else { throw NodeError("center_point_box must be 0 or 1, got \(center)") }
        // Each optional scalar: its symbol expression (for the count) and a tensor (for the kernel).
        func scalarInput(_ i: Int, _ dt: DType, _ fallback: Double) throws(NodeError) -> (SymExpr, ValueID)? {
            guard let data = try shapeData(n, i) else { return nil }
            guard data.count == 1 else { throw NodeError("input #\(i) ('\(n.inputs[i])') must hold one value, got \(data.count)") }
            let v = try tensorInput(n, i)
            let cast = function.type(of: v).dtype == dt ? v : try emit(.cast, [v], attributes: ["to": .string(dt.rawValue)])
            return (data[0], cast)
        }
        func orDefault(_ s: (SymExpr, ValueID)?, _ dt: DType, _ v: Double) throws(NodeError) -> (SymExpr, ValueID) {
            if let s { return s }
            return (dt == .i64 ? .int(Int(v)) : .float(v), try scalar(v, dt))
        }
        let maxOut = try orDefault(try scalarInput(2, .i64, 0), .i64, 0)
        let iou = try orDefault(try scalarInput(3, .f32, 0), .f32, 0)
        let given = try scalarInput(4, .f32, 0)
        let score = try orDefault(given, .f32, 0)
        let (boxesName, scoresName) = (function.arguments[boxes.raw].name, function.arguments[scores.raw].name)
        let count = valueDim(.countNMS(boxesName, scoresName, [maxOut.0, iou.0, score.0, .int(given == nil ? 0 : 1), .int(center)]))
        return try emit(.nonMaxSuppression, [boxes, scores, maxOut.1, iou.1, score.1],
                        attributes: ["center_point_box": .int(center), "has_score": .int(given == nil ? 0 : 1)],
                        explicit: TensorType(.i64, [count, .constant(3)]))
    }
}

extension ONNXImporter {
    /// Unique: the count of distinct slices is a `count_unique` value symbol over the input (a
    /// graph input); Y gathers the first occurrences, the index outputs come from `unique` ops.
    mutating func unique(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        var x = try tensorInput(n, 0)
        let t = function.type(of: x)
        guard function.isArgument(x) else {
            throw .unsupported("Unique of a tensor computed inside the graph; its unique count sizes the results and is known before the forward only for graph inputs")
        }
        guard t.dtype.isInteger || t.dtype == .bool || t.dtype == .f32 || t.dtype == .f64 else {
            throw .unsupported("Unique of \(t) (bool, integers, f32 or f64)")
        }
        let sorted = n.int("sorted", 1)
        let axis: Int? = n.has("axis") ? try normalizedAxis(n.int("axis", 0), rank: t.rank) : nil
        let count = valueDim(.countUnique(function.arguments[x.raw].name, axis))
        var attrs: Attributes = ["sorted": .int(sorted == 0 ? 0 : 1)]
        if let axis { attrs["axis"] = .int(axis) }
        func indexOutput(_ which: String, _ length: Dim) throws(NodeError) -> ValueID {
            var a = attrs
            a["output"] = .string(which)
            return try emit(.unique, [x], attributes: a, explicit: TensorType(.i64, [length]))
        }
        let first = try indexOutput("indices", count)
        let source = x
        if axis == nil { x = try emit(.reshape, [x], explicit: TensorType(t.dtype, [t.elementCount])) }
        let y = try emit(.gather, [x, first], attributes: ["axis": .int(axis ?? 0)])
        var outs: [ImportValue] = [.tensor(y), .tensor(first)]
        x = source
        if n.outputs.count > 2 { outs.append(.tensor(try indexOutput("inverse", axis.map { t.shape[$0] } ?? t.elementCount))) }
        if n.outputs.count > 3 { outs.append(.tensor(try indexOutput("counts", count))) }
        return outs
    }
}
