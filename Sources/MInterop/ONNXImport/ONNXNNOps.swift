import MIR

/// Convolution, pooling and normalization nodes.
extension ONNXImporter {
    /// Spatial attributes widened from 1-D to 2-D (a leading unit axis) when `oneD`.
    func spatial(_ v: [Int]?, _ fallback: Int, _ oneD: Bool, count: Int = 2) -> [Int] {
        let values = v ?? [Int](repeating: fallback, count: oneD ? count / 2 : count)
        return oneD ? (count == 4 ? [0, values[0], 0, values[1]] : [fallback] + values) : values
    }

    /// Explicit pads for auto_pad, from static spatial input dims.
    func autoPads(_ n: ONNXNode, input: [Dim], kernel: [Int], strides: [Int], dilations: [Int], pads: [Int]) throws(NodeError) -> [Int] {
        let mode = n.string("auto_pad", "NOTSET")
        switch mode {
        case "NOTSET": return pads
        case "VALID": return [0, 0, 0, 0]
        case "SAME_UPPER", "SAME_LOWER":
            var out = [0, 0, 0, 0]
            for a in 0..<2 {
                guard let size = input[a].constantValue else { throw .unsupported("auto_pad \(mode) with a symbolic spatial dim") }
                let outSize = (size + strides[a] - 1) / strides[a]
                let total = max(0, (outSize - 1) * strides[a] + (kernel[a] - 1) * dilations[a] + 1 - size)
                let small = total / 2, large = total - small
                out[a] = mode == "SAME_UPPER" ? small : large
                out[a + 2] = mode == "SAME_UPPER" ? large : small
            }
            return out
        default: throw NodeError("unknown auto_pad '\(mode)'")
        }
    }

    /// Reshapes a rank-3 NCL tensor to NC1L so 1-D ops run as 2-D ones.
    mutating func to2D(_ x: ValueID) throws(NodeError) -> (ValueID, Bool) {
        let t = function.type(of: x)
        if t.rank == 4 { return (x, false) }
        guard t.rank == 3 else { throw .unsupported("\(t.rank - 2)-D spatial input (only 1-D and 2-D)") }
        return (try emit(.reshape, [x], explicit: TensorType(t.dtype, [t.shape[0], t.shape[1], .constant(1), t.shape[2]])), true)
    }

    mutating func from2D(_ y: ValueID, _ oneD: Bool) throws(NodeError) -> ValueID {
        guard oneD else { return y }
        let t = function.type(of: y)
        return try emit(.reshape, [y], explicit: TensorType(t.dtype, [t.shape[0], t.shape[1], t.shape[3]]))
    }

    /// Conv/ConvTranspose; `integer` gives the (zero-point-corrected) data and weight of
    /// ConvInteger/QLinearConv, whose bias, if any, the caller adds.
    mutating func convolution(_ n: ONNXNode, integer: (x: ValueID, w: ValueID)? = nil) throws(NodeError) -> ValueID {
        let transposed = n.opType == "ConvTranspose"
        let x0: ValueID
        if let integer { x0 = integer.x } else { x0 = try tensorInput(n, 0) }
        let (x, oneD) = try to2D(x0)
        var w: ValueID
        if let integer { w = integer.w } else { w = try tensorInput(n, 1) }
        if oneD {
            let wt = function.type(of: w)
            w = try emit(.reshape, [w], explicit: TensorType(wt.dtype, [wt.shape[0], wt.shape[1], .constant(1), wt.shape[2]]))
        }
        let wt = function.type(of: w)
        guard let kh = wt.shape[2].constantValue, let kw = wt.shape[3].constantValue else { throw NodeError("symbolic kernel size") }
        let strides = spatial(n.ints("strides"), 1, oneD), dilations = spatial(n.ints("dilations"), 1, oneD)
        var pads = spatial(n.ints("pads"), 0, oneD, count: 4)
        let xs = Array(function.type(of: x).shape[2...])
        var attrs: Attributes = ["strides": .ints(strides), "dilations": .ints(dilations), "groups": .int(n.int("group", 1))]
        if transposed {
            var outPad = spatial(n.ints("output_padding"), 0, oneD)
            let autoPad = n.string("auto_pad", "NOTSET")
            var outputShape = n.ints("output_shape").map { oneD ? [1] + $0 : $0 }
            if outputShape == nil, autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
                var shape: [Int] = []
                for a in 0..<2 {
                    guard let s = xs[a].constantValue else { throw .unsupported("auto_pad with a symbolic dim") }
                    shape.append(s * strides[a])
                }
                outputShape = shape
            }
            if let os = outputShape {
                let o = Array(os.suffix(2))
                for a in 0..<2 {
                    guard let s = xs[a].constantValue else { throw .unsupported("output_shape with a symbolic dim") }
                    let k = a == 0 ? kh : kw
                    let total = strides[a] * (s - 1) + outPad[a] + (k - 1) * dilations[a] + 1 - o[a]
                    if total < 0 {
                        // An output larger than the input covers: zero rows after the last tap, as extra output padding.
                        pads[a] = 0; pads[a + 2] = 0
                        outPad[a] -= total
                        continue
                    }
                    let upper = autoPad == "SAME_UPPER"
                    pads[a] = upper ? total / 2 : total - total / 2
                    pads[a + 2] = upper ? total - total / 2 : total / 2
                }
            } else if autoPad == "VALID" { pads = [0, 0, 0, 0] }
            attrs["output_padding"] = .ints(outPad)
        } else {
            pads = try autoPads(n, input: xs, kernel: [kh, kw], strides: strides, dilations: dilations, pads: pads)
        }
        attrs["pads"] = .ints(pads)
        var operands = [x, w]
        if integer == nil, let b = try input(n, 2) { operands.append(try tensor(b)) }
        return try from2D(try emit(transposed ? .convTranspose2d : .conv2d, operands, attributes: attrs), oneD)
    }

    /// MaxPool with its Indices output (the flat input index of each maximum).
    mutating func maxPoolWithIndices(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        let values = try pooling(n)
        guard let op = function.ops.last(where: { $0.kind == .maxPool2d }) else { throw NodeError("internal error: no max_pool2d emitted") }
        var attrs = op.attributes
        attrs["storage_order"] = .int(n.int("storage_order", 0))
        let (x, oneD) = (op.operands[0], function.type(of: values).rank == 3)
        return [.tensor(values), .tensor(try from2D(try emit(.maxPool2dIndices, [x], attributes: attrs), oneD))]
    }

    mutating func pooling(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let (x, oneD) = try to2D(try tensorInput(n, 0))
        guard let k = n.ints("kernel_shape") else { throw NodeError("missing kernel_shape") }
        let kernel = spatial(k, 1, oneD), strides = spatial(n.ints("strides"), 1, oneD)
        let dilations = spatial(n.ints("dilations"), 1, oneD)
        var pads = spatial(n.ints("pads"), 0, oneD, count: 4)
        pads = try autoPads(n, input: Array(function.type(of: x).shape[2...]), kernel: kernel, strides: strides, dilations: dilations, pads: pads)
        // storage_order only changes the Indices output (maxPoolWithIndices).
        guard [0, 1].contains(n.int("storage_order", 0)) else { throw NodeError("storage_order must be 0 or 1") }
        var attrs: Attributes = ["kernel": .ints(kernel), "strides": .ints(strides), "pads": .ints(pads), "ceil_mode": .int(n.int("ceil_mode", 0))]
        if n.opType == "MaxPool" { attrs["dilations"] = .ints(dilations) }
        else {
            if dilations != [1, 1] { throw .unsupported("AveragePool with dilations") }
            attrs["count_include_pad"] = .int(n.int("count_include_pad", 0))
        }
        return try from2D(try emit(n.opType == "MaxPool" ? .maxPool2d : .avgPool2d, [x], attributes: attrs), oneD)
    }

    /// Reshapes a per-channel vector [C] to [C, 1, ..., 1] so it broadcasts over NC...
    mutating func perChannel(_ v: ImportValue, rank: Int) throws(NodeError) -> ValueID {
        let id = try tensor(v)
        let t = function.type(of: id)
        guard t.rank == 1 else { return id }
        return try emit(.reshape, [id], explicit: TensorType(t.dtype, t.shape + [Dim](repeating: .constant(1), count: max(0, rank - 2))))
    }

    mutating func batchNorm(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0)
        let xt = function.type(of: x)
        let eps = n.float("epsilon", 1e-5)
        let ins = [try required(n, 1), try required(n, 2), try required(n, 3), try required(n, 4)]
        // Constant statistics: the batch_norm op, which fold-batch-norm folds into a conv2d before
        // it and lower-inference expands otherwise (builds that export or train keep it as declared).
        if case .constant(let c) = xt.shape.count >= 2 ? xt.shape[1] : .constant(-1),
           ins.allSatisfy({ if case .constant(let t) = $0 { return t.shape == [c] && t.dtype == xt.dtype }; return false }) {
            var operands = [x]
            for v in ins { operands.append(try tensor(v)) }
            return try emit(.batchNorm, operands, attributes: ["epsilon": .float(eps)])
        }
        let scale = try perChannel(ins[0], rank: xt.rank), bias = try perChannel(ins[1], rank: xt.rank)
        let mean = try perChannel(ins[2], rank: xt.rank), variance = try perChannel(ins[3], rank: xt.rank)
        let epsilon = try tensor(.constant(.scalar(eps, xt.dtype)))
        let std = try emit(.sqrt, [try emit(.add, [variance, epsilon])])
        return try emit(.add, [try emit(.mul, [try emit(.div, [try emit(.sub, [x, mean]), std]), scale]), bias])
    }

    /// (x - mean) / sqrt(var + eps) over `axes`; returns (normalized, mean, 1 / std).
    mutating func normalize(_ x: ValueID, axes: [Int], eps: Double) throws(NodeError) -> (ValueID, ValueID, ValueID) {
        let dt = function.type(of: x).dtype
        let attrs: Attributes = ["axes": .ints(axes), "keepdims": .int(1)]
        let mean = try emit(.reduceMean, [x], attributes: attrs)
        let centered = try emit(.sub, [x, mean])
        let variance = try emit(.reduceMean, [try emit(.mul, [centered, centered])], attributes: attrs)
        let invStd = try emit(.reciprocal, [try emit(.sqrt, [try emit(.add, [variance, try tensor(.constant(.scalar(eps, dt)))])])])
        return (try emit(.mul, [centered, invStd]), mean, invStd)
    }

    mutating func instanceNorm(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0)
        let rank = function.type(of: x).rank
        let (y, _, _) = try normalize(x, axes: Array(2..<rank), eps: n.float("epsilon", 1e-5))
        let scale = try perChannel(try required(n, 1), rank: rank), bias = try perChannel(try required(n, 2), rank: rank)
        return try emit(.add, [try emit(.mul, [y, scale]), bias])
    }

    mutating func layerNorm(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        let x = try tensorInput(n, 0)
        let rank = function.type(of: x).rank
        let a = n.int("axis", -1) < 0 ? n.int("axis", -1) + rank : n.int("axis", -1)
        guard a >= 0, a < rank else { throw NodeError("axis \(n.int("axis", -1)) is out of range") }
        // Only Y used, scale and bias of the normalized dims: one layer_norm op (its own kernel).
        let xt = function.type(of: x), trailing = TensorType(xt.dtype, Array(xt.shape[a...]))
        if xt.dtype == .f32 || xt.dtype == .f64, !n.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
            let scale = try tensorInput(n, 1), bias = try input(n, 2).map { (b) throws(NodeError) in try tensor(b) }
            if function.type(of: scale) == trailing, bias.map({ function.type(of: $0) == trailing }) ?? true {
                let y = try emit(.layerNorm, [x, scale] + (bias.map { [$0] } ?? []),
                                 attributes: ["axis": .int(a), "epsilon": .float(Double(String(Float(n.float("epsilon", 1e-5)))) ?? 1e-5)])
                return [.tensor(y)]
            }
        }
        let (normalized, mean, invStd) = try normalize(x, axes: Array(a..<rank), eps: n.float("epsilon", 1e-5))
        var y = try emit(.mul, [normalized, try tensorInput(n, 1)])
        if let b = try input(n, 2) { y = try emit(.add, [y, try tensor(b)]) }
        return [.tensor(y), .tensor(mean), .tensor(invStd)]
    }
}
