/// Shape rules and the packed weight layout of the int8 ops (qmatmul, qconv2d).
///
/// Packed layout (VNNI): a logical weight W[k, n] (k = reduction, n = output channel) is
/// stored as i8[ceil(k/4), n, 4] with element [k/4][j][k%4] = W[k, j] and zeros in the padded
/// k. Four consecutive k of one column are one 32-bit lane, which is what `vpdpbusd` multiplies
/// against four u8 activations; 16 columns are one 512-bit vector, and the kernel's register
/// block is up to four of them (64 columns). Columns are not padded: when n is not a multiple of
/// 16, the kernel reads the last vector of each row with a masked load. The layout is
/// target-independent (the fallback reads it too), so one MIR module serves every CPU.
///
/// Operands: `x, w, w_scale[, w_sum][, bias]`. `w_sum` (i32[n], the column sums of W) is needed
/// for the zero-point correction when the activation is quantized per call (dynamic). With a
/// static zero point the correction is a constant per column, which the quantization pass folds
/// into the bias at compile time and omits `w_sum`.
public enum QuantizedLayout {
    /// The kernel's register block (columns); the last block of a layer may be narrower.
    public static let columnBlock = 64
    public static func packedShape(k: Int, n: Int) -> [Int] { [(k + 3) / 4, n, 4] }

    /// The optional operands after `x, w, w_scale`: `w_sum` (i32) and `bias` (f32), by dtype.
    public static func optionalOperands<T>(_ ops: [T], dtype: (T) -> DType) -> (sum: T?, bias: T?) {
        var rest = Array(ops.dropFirst(3))
        var sum: T? = nil
        if let first = rest.first, dtype(first) == .i32 { sum = first; rest.removeFirst() }
        return (sum, rest.first)
    }

    /// Packs row-major W[k, n] (values already in [-128, 127]) into the layout above.
    public static func pack(_ w: [Int8], k: Int, n: Int) -> [Int8] {
        let shape = packedShape(k: k, n: n)
        var out = [Int8](repeating: 0, count: shape[0] * shape[1] * 4)
        for r in 0..<k { for j in 0..<n { out[(r / 4 * shape[1] + j) * 4 + r % 4] = w[r * n + j] } }
        return out
    }

    /// qconv2d reads its input as a zero-point-padded NHWC image with channels rounded up to 4
    /// (so every 4-byte group is one lane), and reduces over k = (ky * kw + kx) * cp + c: each
    /// (ky, kx) is then a contiguous run of cp bytes of that image (an implicit GEMM, no im2col).
    public static func paddedChannels(_ c: Int) -> Int { (c + 3) / 4 * 4 }
    public static func convReduction(channels c: Int, kernel: [Int]) -> Int { kernel[0] * kernel[1] * paddedChannels(c) }

    /// W[oc, c, kh, kw] (row-major) as the logical [k, oc] matrix qconv2d reduces over (zeros
    /// for the padded channels), ready for `pack`.
    public static func convMatrix(_ w: [Int8], outChannels oc: Int, channels c: Int, kernel: [Int]) -> [Int8] {
        let (kh, kw, cp) = (kernel[0], kernel[1], paddedChannels(c))
        var out = [Int8](repeating: 0, count: kh * kw * cp * oc)
        for o in 0..<oc { for ci in 0..<c { for y in 0..<kh { for x in 0..<kw {
            out[((y * kw + x) * cp + ci) * oc + o] = w[((o * c + ci) * kh + y) * kw + x]
        } } } }
        return out
    }

    /// The quantization of one activation tensor: real = scale * (q - zeroPoint), q in u8.
    public static func activationParams(_ attrs: Attributes) throws(ShapeError) -> (scale: Double, zeroPoint: Int)? {
        switch (attrs["act_scale"]?.floatValue, attrs["act_zero_point"]?.intValue) {
        case (nil, nil): return nil  // dynamic: computed from each call's input
        case (let s?, let z?):
            guard s > 0, s.isFinite, (0...255).contains(z) else {
                throw ShapeError("act_scale must be positive and act_zero_point in 0...255, got \(s) and \(z)")
            }
            return (s, z)
        default: throw ShapeError("act_scale and act_zero_point go together (both absent means dynamic)")
        }
    }
}

extension OpKind {
    func inferQuantized(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        let x = ops[0], w = ops[1], scale = ops[2]
        let (sum, bias) = QuantizedLayout.optionalOperands(ops) { $0.dtype }
        guard x.dtype == .f32 else { throw ShapeError("'\(rawValue)' expects an f32 input, got \(x)") }
        guard scale.dtype == .f32, scale.rank == 1, let n = scale.shape[0].constantValue else {
            throw ShapeError("'\(rawValue)' expects a static f32[n] weight scale, got \(scale)")
        }
        if let sum { guard sum.shape == scale.shape else { throw ShapeError("'\(rawValue)' expects i32[\(n)] weight sums, got \(sum)") } }
        if let bias {
            guard bias.dtype == .f32, bias.shape == scale.shape else { throw ShapeError("'\(rawValue)' bias must be f32[\(n)], got \(bias)") }
        }
        guard ops.count == 3 + (sum == nil ? 0 : 1) + (bias == nil ? 0 : 1) else {
            throw ShapeError("'\(rawValue)' takes x, w, w_scale[, w_sum i32][, bias f32]")
        }
        if try QuantizedLayout.activationParams(attrs) == nil, sum == nil {
            throw ShapeError("'\(rawValue)' without act_scale (dynamic quantization) needs the i32 weight sums")
        }
        if let a = attrs["activation"] {
            guard a.stringValue == "relu" else { throw ShapeError("'\(rawValue)' activation must be \"relu\", got \(a)") }
        }
        let k: Int
        var result: [Dim]
        if self == .qconv2d {
            guard x.rank == 4, let c = x.shape[1].constantValue else { throw ShapeError("'qconv2d' expects an NCHW input with static channels, got \(x)") }
            let p = try WindowParams(attrs)
            k = QuantizedLayout.convReduction(channels: c, kernel: p.kernel)
            result = [x.shape[0], .constant(n), try p.outputDim(x.shape[2], axis: 0, kernelSize: p.kernel[0]),
                      try p.outputDim(x.shape[3], axis: 1, kernelSize: p.kernel[1])]
        } else {
            guard x.rank >= 1, let kk = x.shape[x.rank - 1].constantValue else {
                throw ShapeError("'qmatmul' expects an input with a static last dim, got \(x)")
            }
            k = kk
            result = Array(x.shape.dropLast()) + [.constant(n)]
        }
        let packed = QuantizedLayout.packedShape(k: k, n: n)
        guard w.dtype == .i8, w.staticShape == packed else {
            throw ShapeError("'\(rawValue)' expects the packed weight i8\(packed) for k = \(k), n = \(n), got \(w)")
        }
        return TensorType(.f32, result)
    }
}
