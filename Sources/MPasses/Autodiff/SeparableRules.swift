import MIR

/// Separable ops: along each axis the output is R x for a constant [out, in] matrix R
/// (resize: nearest = one 1 per row, linear = 1 - w and w; pad in edge/reflect mode or with
/// cropping: a selection). The gradient applies R^T along each axis, as a matmul with a
/// constant. R repeats the codegen kernel's index arithmetic (resize: in Double, as the
/// kernel computes it).
extension GradientBuilder {
    /// `g` contracted along `axis` with `matrix` ([out, in], out = g's extent), moving that
    /// axis last for the matmul and back afterwards.
    func applyTransposed(_ g: ValueID, axis: Int, matrix: [Double], outLen: Int, inLen: Int) throws(AutodiffError) -> ValueID {
        let rank = type(g).rank
        if inLen == outLen && (0..<inLen).allSatisfy({ matrix[$0 * inLen + $0] == 1 }) { return g }   // rows sum to 1: identity
        var perm = Array(0..<rank)
        perm.remove(at: axis)
        perm.append(axis)
        var inverse = perm
        for (i, p) in perm.enumerated() { inverse[p] = i }
        let rType = TensorType(type(g).dtype, static: [outLen, inLen])
        let r = f.appendUnchecked(.param, [], attributes: ["name": .string(pool.tensor(matrix, rType))], type: rType, location: location)
        return try transpose(emit(.matmul, [transpose(g, perm), r]), inverse)
    }

    /// pad in edge or reflect mode, or with negative pads (cropping): each output index reads
    /// one source index (constant-mode positions outside the input read nothing).
    func padSelectionGradient(_ op: Operation, g: ValueID) throws(AutodiffError) -> ValueID {
        let xt = type(op.operands[0]), rank = xt.rank
        let pads = op.attributes["pads"]?.intsValue ?? []
        let mode = op.attributes["mode"]?.stringValue ?? "constant"
        var cur = g
        for axis in 0..<rank where pads[axis] != 0 || pads[axis + rank] != 0 {
            guard let n = xt.shape[axis].constantValue, let outLen = type(g).shape[axis].constantValue else {
                throw AutodiffError("pad gradient needs a static dim where it pads, got \(xt)", at: location)
            }
            var matrix = [Double](repeating: 0, count: outLen * n)
            for o in 0..<outLen {
                let i = o - pads[axis]
                var src: Int
                switch mode {
                case "edge": src = max(0, min(i, n - 1))
                case "reflect":   // the kernel's reflection without repeating the edge (period 2n - 2)
                    let period = max((n - 1) * 2, 1)
                    var m = i % period
                    if m < 0 { m += period }
                    src = max(0, min(m >= n ? period - m : m, n - 1))
                default:
                    guard i >= 0, i < n else { continue }
                    src = i
                }
                matrix[o * n + src] += 1
            }
            cur = try applyTransposed(cur, axis: axis, matrix: matrix, outLen: outLen, inLen: n)
        }
        return cur
    }

    func resizeGradient(_ op: Operation, g: ValueID) throws(AutodiffError) -> ValueID {
        let x = op.operands[0], xt = type(x), gt = type(g)
        let a = op.attributes
        let rank = xt.rank
        guard op.operands.count == 1 else {
            throw AutodiffError("resize with run-time scales, sizes or roi is not differentiable", at: location)
        }
        let scales = a["scales"]?.floatsValue ?? [Double](repeating: 1, count: rank)
        let mode = a["mode"]?.stringValue ?? "nearest"
        let coordinate = a["coordinate_mode"]?.stringValue ?? "half_pixel"
        let nearest = a["nearest_mode"]?.stringValue ?? "round_prefer_floor"
        let roi = a["roi"]?.floatsValue ?? []
        let cubicA = a["cubic_coeff_a"]?.floatValue ?? -0.75
        let excludeOutside = (a["exclude_outside"]?.intValue ?? 0) != 0
        guard scales.count == rank, ["nearest", "linear", "cubic"].contains(mode),
              coordinate != "tf_crop_and_resize" || roi.count == 2 * rank else {
            throw AutodiffError("resize mode '\(mode)' is not differentiable", at: location)
        }
        var cur = g
        for axis in 0..<rank {
            guard let inLen = xt.shape[axis].constantValue, let outLen = gt.shape[axis].constantValue else {
                let identityCrop = coordinate != "tf_crop_and_resize" || (roi[axis] == 0 && roi[axis + rank] == 1)
                guard scales[axis] == 1, xt.shape[axis] == gt.shape[axis], coordinate != "tf_half_pixel_for_nearest", identityCrop else {
                    throw AutodiffError("resize gradient needs static sizes along resized dim \(axis), got \(xt)", at: location)
                }
                continue   // scale 1 over a symbolic dim is the identity in every other coordinate mode
            }
            var matrix = [Double](repeating: 0, count: outLen * inLen)
            for o in 0..<outLen {
                let crop = coordinate == "tf_crop_and_resize" ? (roi[axis], roi[axis + rank]) : nil
                // As the kernel: the resized length before flooring (in * scale) when scales are given.
                let resized = a["scales"] != nil ? Double(inLen) * scales[axis] : Double(outLen)
                let coord = Self.sourceCoordinate(o, inLen: inLen, resized: resized, scale: scales[axis], mode: coordinate, roi: crop)
                // An extrapolated output is a constant: no gradient flows from it.
                if crop != nil, coord < 0 || coord > Double(inLen - 1) { continue }
                if mode == "cubic" {
                    let f = coord.rounded(.down), t = coord - f
                    var ws = Self.cubicWeights(t, a: cubicA)
                    let raw = (0..<4).map { Int(f) + $0 - 1 }
                    if excludeOutside {
                        for j in 0..<4 where raw[j] < 0 || raw[j] >= inLen { ws[j] = 0 }
                        let sum = ws.reduce(0, +)
                        ws = ws.map { $0 / sum }
                    }
                    for j in 0..<4 { matrix[o * inLen + max(0, min(raw[j], inLen - 1))] += ws[j] }
                } else if mode == "nearest" {
                    let r: Double
                    switch nearest {
                    case "floor": r = coord.rounded(.down)
                    case "ceil": r = coord.rounded(.up)
                    case "round_prefer_ceil": r = (coord + 0.5).rounded(.down)
                    default: r = (coord - 0.5).rounded(.up)
                    }
                    matrix[o * inLen + max(0, min(Int(r), inLen - 1))] += 1
                } else {
                    let clamped = max(coord, 0), f = clamped.rounded(.down)
                    let i0 = min(Int(f), inLen - 1), i1 = min(i0 + 1, inLen - 1)
                    let w = i0 == i1 ? 0 : clamped - f
                    matrix[o * inLen + i0] += 1 - w
                    matrix[o * inLen + i1] += w
                }
            }
            cur = try applyTransposed(cur, axis: axis, matrix: matrix, outLen: outLen, inLen: inLen)
        }
        return cur
    }

    /// Keys' cubic weights for taps at distances 1 + t, t, 1 - t, 2 - t (as the codegen kernel).
    static func cubicWeights(_ t: Double, a: Double) -> [Double] {
        func near(_ x: Double) -> Double { ((a + 2) * x - (a + 3)) * x * x + 1 }
        func far(_ x: Double) -> Double { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        return [far(t + 1), near(t), near(1 - t), far(2 - t)]
    }

    static func sourceCoordinate(_ o: Int, inLen: Int, resized outL: Double, scale s: Double, mode: String,
                                 roi: (Double, Double)? = nil) -> Double {
        let o = Double(o), inL = Double(inLen)
        switch mode {
        case "asymmetric": return o / s
        case "align_corners": return outL <= 1 ? 0 : o * (inL - 1) / (outL - 1)
        case "tf_crop_and_resize":
            let (start, end) = roi ?? (0, 1)
            let span = (end - start) * (inL - 1)
            return (outL <= 1 ? span / 2 : o * span / (outL - 1)) + start * (inL - 1)
        case "tf_half_pixel_for_nearest": return (o + 0.5) / s
        case "pytorch_half_pixel": return outL > 1 ? (o + 0.5) / s - 0.5 : -0.5
        default: return (o + 0.5) / s - 0.5
        }
    }
}
