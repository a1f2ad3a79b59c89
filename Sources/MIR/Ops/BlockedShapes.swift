/// Shape rules of the blocked NCHWc ops. A blocked tensor is an ordinary rank-5 tensor
/// [n, cb, h, w, b] (b = 8 or 16, the vector width): channel c lives at [n, c / b, h, w, c % b],
/// and the channels past the real count are padding. The layout is spelled in the type (rank 5
/// and the block dim) rather than as an attribute, so the verifier, the printer and every
/// kernel see it, and an NCHW op can never silently read a blocked value.
///
/// conv2d_nchwc x, w, bias[, residual] {strides, pads, dilations, groups, activation...}:
///  - groups = 1: w is [ocb, icb, kh, kw, b(ic), b(oc)]: for each tap and input channel, the b
///    output channels' weights are contiguous (one vector load, broadcast input, FMA);
///  - depthwise: groups is the real channel count and w is [cb, kh, kw, b];
///  - an NCHW input (rank 4, a stem with few channels, where padding them to a block would
///    multiply the work): groups = 1 and w is [ocb, c, kh, kw, b(oc)]; the result is blocked;
///  - bias is f32[ocb * b] (zero in the padding), residual is shaped like the result and is
///    added before the activation (relu, or clip with activation_min/max).
/// Padding lanes of the input may hold anything finite: the packed weights are zero there.
///
/// max_pool2d_nchwc / avg_pool2d_nchwc x {kernel, strides, pads, ...}: max_pool2d / avg_pool2d
/// on each channel of a blocked tensor; the result is blocked like x.
extension OpKind {
    static let blockSizes: Set<Int> = [8, 16]

    func inferBlocked(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        let x = ops[0]
        guard x.dtype == .f32 else { throw ShapeError("'\(rawValue)' expects an f32 tensor, got \(x)") }
        switch self {
        case .toNCHWc:
            let b = attrs["block"]?.intValue ?? 16
            guard OpKind.blockSizes.contains(b) else { throw ShapeError("'to_nchwc' block must be 8 or 16, got \(b)") }
            guard x.rank == 4, let c = x.shape[1].constantValue else {
                throw ShapeError("'to_nchwc' expects an NCHW input with static channels, got \(x)")
            }
            return TensorType(.f32, [x.shape[0], .constant((c + b - 1) / b), x.shape[2], x.shape[3], .constant(b)])
        case .fromNCHWc:
            let (cb, b) = try blockedDims(x)
            guard let c = attrs["channels"]?.intValue, c >= 1, (c + b - 1) / b == cb else {
                throw ShapeError("'from_nchwc' needs 'channels' in (\(b * (cb - 1)), \(b * cb)] for \(x)")
            }
            return TensorType(.f32, [x.shape[0], .constant(c), x.shape[2], x.shape[3]])
        case .conv2dNCHWc:
            return try inferConv2dNCHWc(ops, attrs)
        case .maxPool2dNCHWc, .avgPool2dNCHWc:
            let (cb, b) = try blockedDims(x)
            let p = try WindowParams(attrs)
            guard p.kernel.count == 2 else { throw ShapeError("'\(rawValue)' needs a 2-d 'kernel'") }
            let h = try p.outputDim(x.shape[2], axis: 0, kernelSize: p.kernel[0])
            let wd = try p.outputDim(x.shape[3], axis: 1, kernelSize: p.kernel[1])
            return TensorType(.f32, [x.shape[0], .constant(cb), h, wd, .constant(b)])
        default:
            throw ShapeError("'\(rawValue)' is not a blocked-layout op")
        }
    }

    /// The channel blocks and block size of a blocked tensor.
    private func blockedDims(_ x: TensorType) throws(ShapeError) -> (Int, Int) {
        guard x.rank == 5, let cb = x.shape[1].constantValue, let b = x.shape[4].constantValue, OpKind.blockSizes.contains(b) else {
            throw ShapeError("'\(rawValue)' expects a blocked [n, cb, h, w, 8|16] input, got \(x)")
        }
        return (cb, b)
    }

    private func inferConv2dNCHWc(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        let (x, w, bias) = (ops[0], ops[1], ops[2])
        let p = try WindowParams(attrs)
        guard w.dtype == .f32, let ws = w.staticShape else { throw ShapeError("'conv2d_nchwc' expects a static f32 weight, got \(w)") }
        let ocb: Int, kh: Int, kw: Int, b: Int
        if x.rank == 4 {
            guard p.groups == 1, let c = x.shape[1].constantValue, ws.count == 5, ws[1] == c, OpKind.blockSizes.contains(ws[4]) else {
                throw ShapeError("'conv2d_nchwc' of an NCHW input \(x) expects groups = 1 and a weight [ocb, \(x.shape[1]), kh, kw, 8|16], got \(w)")
            }
            (ocb, kh, kw, b) = (ws[0], ws[2], ws[3], ws[4])
        } else if p.groups == 1 {
            let (icb, bx) = try blockedDims(x)
            b = bx
            guard ws.count == 6, ws[1] == icb, ws[4] == b, ws[5] == b else {
                throw ShapeError("'conv2d_nchwc' expects a weight [ocb, \(icb), kh, kw, \(b), \(b)] for \(x), got \(w)")
            }
            (ocb, kh, kw) = (ws[0], ws[2], ws[3])
        } else {
            let (icb, bx) = try blockedDims(x)
            b = bx
            guard (p.groups + b - 1) / b == icb else {
                throw ShapeError("'conv2d_nchwc' groups \(p.groups) must be the channel count (depthwise) of \(x), or 1")
            }
            guard ws.count == 4, ws[0] == icb, ws[3] == b else {
                throw ShapeError("'conv2d_nchwc' depthwise expects a weight [\(icb), kh, kw, \(b)], got \(w)")
            }
            (ocb, kh, kw) = (icb, ws[1], ws[2])
        }
        guard bias.dtype == .f32, bias.staticShape == [ocb * b] else {
            throw ShapeError("'conv2d_nchwc' bias must be f32[\(ocb * b)], got \(bias)")
        }
        let h = try p.outputDim(x.shape[2], axis: 0, kernelSize: kh)
        let wd = try p.outputDim(x.shape[3], axis: 1, kernelSize: kw)
        let result = TensorType(.f32, [x.shape[0], .constant(ocb), h, wd, .constant(b)])
        if ops.count == 4, ops[3] != result {
            throw ShapeError("'conv2d_nchwc' residual must be \(result), got \(ops[3])")
        }
        if let act = attrs["activation"]?.stringValue, act != "relu", act != "clip" {
            throw ShapeError("'conv2d_nchwc' activation must be relu or clip, got '\(act)'")
        }
        return result
    }
}
