import MIR

/// ScatterElements/Scatter, ScatterND, GatherND, MaxUnpool and ReverseSequence, lowered onto MIR's `scatter_add`,
/// `gather` and `gather_elements`.
/// The N-D forms flatten the indexed leading dims into one axis and turn each index tuple into a
/// linear offset, so they need static data and index shapes.
extension ONNXImporter {
    static let scatterGatherOps: Set<String> = ["ScatterElements", "Scatter", "ScatterND", "GatherND", "ReverseSequence", "MaxUnpool"]

    mutating func scatterGather(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        switch n.opType {
        case "ScatterElements", "Scatter":
            let x = try tensorInput(n, 0), idx = try tensorInput(n, 1), updates = try tensorInput(n, 2)
            let attrs: Attributes = ["axis": .int(n.int("axis", 0))]
            return [.tensor(try scatter(x, idx, updates, attrs, reduction: n.string("reduction", "none")))]
        case "ScatterND":
            return [.tensor(try scatterND(n))]
        case "ReverseSequence":
            return [.tensor(try reverseSequence(n))]
        case "MaxUnpool":
            return [.tensor(try maxUnpool(n))]
        default:
            return [.tensor(try gatherND(n))]
        }
    }

    /// `scatter_add` combines (add, mul, max, min); "none" replaces the scattered positions (duplicate
    /// indices are undefined in ONNX, here they sum).
    mutating func scatter(_ x: ValueID, _ idx: ValueID, _ updates: ValueID, _ attrs: Attributes,
                          reduction: String) throws(NodeError) -> ValueID {
        let xt = function.type(of: x), ut = function.type(of: updates)
        guard xt.dtype != .bool else { throw .unsupported("scatter of bool tensors") }
        switch reduction {
        case "add", "mul", "max", "min":
            var a = attrs
            a["reduction"] = .string(reduction)
            return try emit(.scatterAdd, [x, idx, updates], attributes: a)
        case "none":
            let zeros = try emit(.expand, [try scalar(0, xt.dtype)], explicit: xt)
            let ones = try emit(.expand, [try scalar(1, xt.dtype)], explicit: ut)
            let hits = try emit(.scatterAdd, [zeros, idx, ones], attributes: attrs)
            let placed = try emit(.scatterAdd, [zeros, idx, updates], attributes: attrs)
            let hit = try emit(.greater, [hits, try scalar(0, xt.dtype)])
            return try emit(.select, [hit, placed, x])
        default:
            throw .unsupported("scatter reduction '\(reduction)'")
        }
    }

    /// Static dims of a value, or an unsupported diagnostic naming what needs them.
    func staticShape(_ v: ValueID, _ what: String) throws(NodeError) -> [Int] {
        let dims = function.type(of: v).shape.compactMap(\.constantValue)
        guard dims.count == function.type(of: v).rank else { throw .unsupported("\(what) needs static shapes") }
        return dims
    }

    /// The linear offset (i64, shape indices.shape[:-1]) of each index tuple into `dims`, negative
    /// components counted from the end; `batch` leading dims of the indices index themselves.
    mutating func linearOffsets(_ idx: ValueID, into dims: [Int], batch: Int) throws(NodeError) -> ValueID {
        let it = try staticShape(idx, "an N-D index")
        let k = it[it.count - 1]
        let indexed = Array(dims[batch..<(batch + k)])
        var i = idx
        if function.type(of: i).dtype != .i64 { i = try emit(.cast, [i], attributes: ["to": .string(DType.i64.rawValue)]) }
        let extent = try tensor(.constant(ConstTensor(dtype: .i64, shape: [k], values: indexed.map(Double.init))))
        let negative = try emit(.less, [i, try scalar(0, .i64)])
        i = try emit(.select, [negative, try emit(.add, [i, extent]), i])
        var strides = [Int](repeating: 1, count: k)
        for j in stride(from: k - 2, through: 0, by: -1) { strides[j] = strides[j + 1] * indexed[j + 1] }
        let strideConst = try tensor(.constant(ConstTensor(dtype: .i64, shape: [k], values: strides.map(Double.init))))
        var offset = try emit(.reduceSum, [try emit(.mul, [i, strideConst])], attributes: ["axes": .ints([it.count - 1]), "keepdims": .int(0)])
        let block = indexed.reduce(1, *)
        var batchStride = block
        for b in stride(from: batch - 1, through: 0, by: -1) {
            let along = try emit(.mul, [try iota(it[b], axis: b, rank: it.count - 1), try scalar(Double(batchStride), .i64)])
            offset = try emit(.add, [offset, along])
            batchStride *= dims[b]
        }
        return offset
    }

    mutating func gatherND(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0), idx = try tensorInput(n, 1)
        let xt = function.type(of: x)
        let dims = try staticShape(x, "GatherND"), it = try staticShape(idx, "GatherND")
        let batch = n.int("batch_dims", 0), k = it[it.count - 1]
        guard batch >= 0, batch + k <= dims.count, Array(it.prefix(batch)) == Array(dims.prefix(batch)) else {
            throw .unsupported("GatherND index tuples of \(k) with batch_dims \(batch) for data \(dims)")
        }
        let rows = dims.prefix(batch + k).reduce(1, *), rest = Array(dims[(batch + k)...])
        let flat = try emit(.reshape, [x], explicit: TensorType(xt.dtype, static: [rows, rest.reduce(1, *)]))
        let gathered = try emit(.gather, [flat, try linearOffsets(idx, into: dims, batch: batch)], attributes: ["axis": .int(0)])
        return try emit(.reshape, [gathered], explicit: TensorType(xt.dtype, static: Array(it.dropLast()) + rest))
    }

    mutating func scatterND(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0), idx = try tensorInput(n, 1), updates = try tensorInput(n, 2)
        let xt = function.type(of: x)
        let dims = try staticShape(x, "ScatterND"), it = try staticShape(idx, "ScatterND")
        let k = it[it.count - 1]
        guard k <= dims.count else { throw .unsupported("ScatterND index tuples of \(k) for data \(dims)") }
        let rows = dims.prefix(k).reduce(1, *), width = dims[k...].reduce(1, *), count = it.dropLast().reduce(1, *)
        let flat = try emit(.reshape, [x], explicit: TensorType(xt.dtype, static: [rows, width]))
        let offsets = try emit(.reshape, [try linearOffsets(idx, into: dims, batch: 0)], explicit: TensorType(.i64, static: [count, 1]))
        let spread = try emit(.expand, [offsets], explicit: TensorType(.i64, static: [count, width]))
        let rowsOfUpdates = try emit(.reshape, [updates], explicit: TensorType(xt.dtype, static: [count, width]))
        let y = try scatter(flat, spread, rowsOfUpdates, ["axis": .int(0)], reduction: n.string("reduction", "none"))
        return try emit(.reshape, [y], explicit: xt)
    }

    /// ReverseSequence with run-time lengths: a gather_elements along the time axis whose index is
    /// len - 1 - t for t < len (the batch's length) and t beyond it.
    mutating func reverseSequence(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0)
        var lens = try tensorInput(n, 1)
        let t = function.type(of: x)
        let timeAxis = n.int("time_axis", 0), batchAxis = n.int("batch_axis", 1)
        guard t.rank >= 2, Set([timeAxis, batchAxis]) == Set([0, 1]) else {
            throw NodeError("ReverseSequence needs time_axis and batch_axis 0 and 1, got \(timeAxis) and \(batchAxis)")
        }
        if function.type(of: lens).dtype != .i64 { lens = try emit(.cast, [lens], attributes: ["to": .string(DType.i64.rawValue)]) }
        let lensShape = (0..<t.rank).map { $0 == batchAxis ? t.shape[batchAxis] : Dim.constant(1) }
        lens = try emit(.reshape, [lens], explicit: TensorType(.i64, lensShape))
        let time = try iota(t.shape[timeAxis], axis: timeAxis, rank: t.rank)
        let reversed = try emit(.sub, [try emit(.sub, [lens, try scalar(1, .i64)]), time])
        let index = try emit(.select, [try emit(.less, [time, lens]), reversed, time])
        let full = try emit(.expand, [index], explicit: TensorType(.i64, t.shape))
        return try emit(.gatherElements, [x, full], attributes: ["axis": .int(timeAxis)])
    }

    /// MaxUnpool: MaxPool's flat indices (into the whole output tensor) place each value in a zero
    /// tensor of the unpooled shape, (in - 1) * stride - pads + kernel per spatial dim.
    mutating func maxUnpool(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0), idx = try tensorInput(n, 1)
        let xt = function.type(of: x)
        let dims = try staticShape(x, "MaxUnpool")
        let spatial = dims.count - 2
        guard spatial >= 1, let kernel = n.ints("kernel_shape"), kernel.count == spatial else {
            throw NodeError("MaxUnpool needs an [N, C, ...] input and kernel_shape for each spatial dim")
        }
        let strides = n.ints("strides") ?? [Int](repeating: 1, count: spatial)
        let pads = n.ints("pads") ?? [Int](repeating: 0, count: 2 * spatial)
        var outShape = Array(dims.prefix(2))
        for a in 0..<spatial { outShape.append((dims[a + 2] - 1) * strides[a] - pads[a] - pads[a + spatial] + kernel[a]) }
        // Indices address the default unpooled shape; a larger output_shape pads zeros at the end
        // of each dim (as the ONNX reference does).
        let unpooled = outShape
        var outDims = outShape.map { Dim.constant($0) }
        if try isRunTimeData(n, 2), let data = try shapeData(n, 2) {
            // output_shape as data: value symbols, with N and C checked against the input's.
            guard data.count == dims.count else { throw NodeError("output_shape has \(data.count) entries for rank \(dims.count)") }
            for (k, d) in data.enumerated() {
                if k < 2 { try require(call(.eq, d, .int(dims[k])), "output_shape entry \(k) differs from the input's \(dims[k])") }
                try require(call(.ge, d, .int(outShape[k])), "output_shape entry \(k) is below the unpooled size \(outShape[k])")
            }
            outDims = data.map(valueDim)
        } else if try input(n, 2) != nil {
            guard let c = try constant(n, 2) else { throw .unsupported("a run-time output_shape") }
            guard c.ints.count == dims.count, zip(c.ints, unpooled).allSatisfy({ $0 >= $1 }) else {
                throw NodeError("output_shape \(c.ints) is smaller than the unpooled shape \(unpooled)")
            }
            outDims = c.ints.map { Dim.constant($0) }
        }
        let count = dims.reduce(1, *), total = Dim.constant(unpooled.reduce(1, *))
        var flatIndex = try emit(.reshape, [idx], explicit: TensorType(function.type(of: idx).dtype, static: [count]))
        if function.type(of: flatIndex).dtype != .i64 { flatIndex = try emit(.cast, [flatIndex], attributes: ["to": .string(DType.i64.rawValue)]) }
        let values = try emit(.reshape, [x], explicit: TensorType(xt.dtype, static: [count]))
        let zeros = try emit(.expand, [try scalar(0, xt.dtype)], explicit: TensorType(xt.dtype, [total]))
        let placed = try emit(.scatterAdd, [zeros, flatIndex, values], attributes: ["axis": .int(0)])
        let shaped = try emit(.reshape, [placed], explicit: TensorType(xt.dtype, static: unpooled))
        if outDims == unpooled.map({ Dim.constant($0) }) { return shaped }
        let ends = zip(outDims, unpooled).map { $0 - .constant($1) }
        return try emit(.pad, [shaped], attributes: ["pads": .dims([Dim](repeating: .constant(0), count: ends.count) + ends),
                                                     "mode": .string("constant"), "value": .float(0)])
    }
}
