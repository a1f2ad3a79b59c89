import MIR

/// Already-quantized ONNX: MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv.
///
/// They lower onto integer-exact MIR ops: the u8/i8 operands minus their zero points are
/// widened to i32, multiplied in i32 (exact: MIR's integer matmul and conv accumulate in the
/// element type), and the QLinear ops requantize the way ONNX Runtime's MLAS does, so results
/// match it bit for bit: the multiplier `a_scale * b_scale / y_scale` is computed in f32, the
/// accumulator converted to f32 and multiplied by it, rounded half to even, shifted by the
/// output zero point and saturated to the output type.
extension ONNXImporter {
    mutating func integerOp(_ n: ONNXNode) throws(NodeError) -> ValueID {
        switch n.opType {
        case "MatMulInteger":
            let a = try shifted(try tensorInput(n, 0), zeroPoint: try input(n, 2), perRow: true)
            let b = try shifted(try tensorInput(n, 1), zeroPoint: try input(n, 3), perRow: false)
            return try matmul(a, b)
        case "ConvInteger":
            let x = try shifted(try tensorInput(n, 0), zeroPoint: try input(n, 2), perRow: false)
            let w = try shifted(try tensorInput(n, 1), zeroPoint: try input(n, 3), perChannelOf: 4)
            return try exactConvolution(n, x, w)
        case "QLinearMatMul":
            // a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point
            let a = try shifted(try tensorInput(n, 0), zeroPoint: try input(n, 2), perRow: true)
            let b = try shifted(try tensorInput(n, 3), zeroPoint: try input(n, 5), perRow: false)
            let acc = try matmul(a, b)
            let scale = try multiplier(try tensorInput(n, 1), try tensorInput(n, 4), try tensorInput(n, 6), channelAxisOf: nil)
            return try requantize(acc, scale: scale, zeroPoint: try input(n, 7))
        case "QLinearConv":
            // x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B (i32)
            let x = try shifted(try tensorInput(n, 0), zeroPoint: try input(n, 2), perRow: false)
            let w = try shifted(try tensorInput(n, 3), zeroPoint: try input(n, 5), perChannelOf: 4)
            var acc = try exactConvolution(n, x, w)
            let rank = function.type(of: acc).rank
            if let bias = try input(n, 8) {
                acc = try emit(.add, [acc, try channelShaped(try tensor(bias), rank: rank)])
            }
            let scale = try multiplier(try tensorInput(n, 1), try tensorInput(n, 4), try tensorInput(n, 6), channelAxisOf: rank)
            return try requantize(acc, scale: scale, zeroPoint: try input(n, 7))
        default:
            throw .unsupported("no lowering for this op")
        }
    }

    /// An i32 convolution. MIR's conv2d is float-only; in f64 every product of shifted 8-bit
    /// values and every partial sum (below 2^53 for any realistic kernel volume) is an exact
    /// integer, so the result converts back to i32 unchanged.
    private mutating func exactConvolution(_ n: ONNXNode, _ x: ValueID, _ w: ValueID) throws(NodeError) -> ValueID {
        let f64: Attributes = ["to": .string(DType.f64.rawValue)]
        let y = try convolution(n, integer: (try emit(.cast, [x], attributes: f64), try emit(.cast, [w], attributes: f64)))
        return try emit(.cast, [y], attributes: ["to": .string(DType.i32.rawValue)])
    }

    /// `cast(v, i32) - cast(zero_point, i32)`. A 1-D zero point is per row of a matrix A
    /// (`perRow`, reshaped to [M, 1]) or per column of B (broadcasts as it is).
    private mutating func shifted(_ v: ValueID, zeroPoint: ImportValue?, perRow: Bool) throws(NodeError) -> ValueID {
        let wide = try emit(.cast, [v], attributes: ["to": .string(DType.i32.rawValue)])
        guard let zp = zeroPoint else { return wide }
        var z = try emit(.cast, [try tensor(zp)], attributes: ["to": .string(DType.i32.rawValue)])
        let zt = function.type(of: z)
        if perRow, zt.rank == 1, zt.shape[0] != .constant(1) {
            z = try emit(.reshape, [z], explicit: TensorType(.i32, [zt.shape[0], .constant(1)]))
        }
        return try emit(.sub, [wide, z])
    }

    /// A weight minus its zero point; a 1-D zero point is per output channel (dim 0 of a
    /// conv weight of the given rank).
    private mutating func shifted(_ w: ValueID, zeroPoint: ImportValue?, perChannelOf rank: Int) throws(NodeError) -> ValueID {
        let wide = try emit(.cast, [w], attributes: ["to": .string(DType.i32.rawValue)])
        guard let zp = zeroPoint else { return wide }
        var z = try emit(.cast, [try tensor(zp)], attributes: ["to": .string(DType.i32.rawValue)])
        let zt = function.type(of: z), wr = function.type(of: w).rank
        if zt.rank == 1, zt.shape[0] != .constant(1) {
            z = try emit(.reshape, [z], explicit: TensorType(.i32, [zt.shape[0]] + [Dim](repeating: .constant(1), count: max(wr, rank) - 1)))
        }
        return try emit(.sub, [wide, z])
    }

    /// A per-channel vector [M] reshaped to [1, M, 1, ...] for an NC... tensor of `rank`.
    private mutating func channelShaped(_ v: ValueID, rank: Int) throws(NodeError) -> ValueID {
        let t = function.type(of: v)
        guard t.rank == 1 else { return v }
        return try emit(.reshape, [v], explicit: TensorType(t.dtype, [.constant(1), t.shape[0]] + [Dim](repeating: .constant(1), count: rank - 2)))
    }

    /// `in_scale * w_scale / y_scale` in f32, in MLAS's order; per channel for convs.
    private mutating func multiplier(_ inScale: ValueID, _ wScale: ValueID, _ outScale: ValueID,
                                     channelAxisOf rank: Int?) throws(NodeError) -> ValueID {
        let m = try emit(.div, [try emit(.mul, [inScale, wScale]), outScale])
        guard let rank else { return m }
        return try channelShaped(m, rank: rank)
    }

    /// `saturate(round_half_even(f32(acc) * scale) + zero_point)` as u8 (no zero point) or the
    /// zero point's type.
    private mutating func requantize(_ acc: ValueID, scale: ValueID, zeroPoint: ImportValue?) throws(NodeError) -> ValueID {
        var y = try emit(.round, [try emit(.mul, [try emit(.cast, [acc], attributes: ["to": .string(DType.f32.rawValue)]), scale])])
        var outType = DType.u8
        if let zp = zeroPoint {
            outType = type(zp).dtype
            y = try emit(.add, [y, try emit(.cast, [try tensor(zp)], attributes: ["to": .string(DType.f32.rawValue)])])
        }
        guard outType == .u8 || outType == .i8 else { throw .unsupported("a \(outType) output zero point (u8 or i8 expected)") }
        let (lo, hi) = outType == .i8 ? (-128.0, 127.0) : (0.0, 255.0)
        y = try emit(.clip, [y], attributes: ["min": .float(lo), "max": .float(hi)])
        return try emit(.cast, [y], attributes: ["to": .string(outType.rawValue)])
    }
}
