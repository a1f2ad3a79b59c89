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
