import MIR

/// resize is separable: along each axis the output is R x with a constant [out, in]
/// interpolation matrix R (nearest: one 1 per row; linear: 1 - w and w). Its gradient
/// applies R^T along each axis, as a matmul with a constant. R repeats the codegen kernel's
/// coordinate arithmetic (in Double, as the kernel computes it).
extension GradientBuilder {
    func resizeGradient(_ op: Operation, g: ValueID) throws(AutodiffError) -> ValueID {
        let x = op.operands[0], xt = type(x), gt = type(g)
        let a = op.attributes
        let rank = xt.rank
        let scales = a["scales"]?.floatsValue ?? [Double](repeating: 1, count: rank)
        let mode = a["mode"]?.stringValue ?? "nearest"
        let coordinate = a["coordinate_mode"]?.stringValue ?? "half_pixel"
        let nearest = a["nearest_mode"]?.stringValue ?? "round_prefer_floor"
        guard scales.count == rank, mode == "nearest" || mode == "linear" else {
            throw AutodiffError("resize mode '\(mode)' is not differentiable", at: location)
        }
        var cur = g
        for axis in 0..<rank {
            guard let inLen = xt.shape[axis].constantValue, let outLen = gt.shape[axis].constantValue else {
                guard scales[axis] == 1, xt.shape[axis] == gt.shape[axis], coordinate != "tf_half_pixel_for_nearest" else {
                    throw AutodiffError("resize gradient needs static sizes along resized dim \(axis), got \(xt)", at: location)
                }
                continue   // scale 1 over a symbolic dim is the identity in every other coordinate mode
            }
            var matrix = [Double](repeating: 0, count: outLen * inLen)
            for o in 0..<outLen {
                let coord = Self.sourceCoordinate(o, inLen: inLen, outLen: outLen, scale: scales[axis], mode: coordinate)
                if mode == "nearest" {
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
            if inLen == outLen && (0..<inLen).allSatisfy({ matrix[$0 * inLen + $0] == 1 }) { continue }
            // Move `axis` last, contract it with R ([out, in]), move it back.
            var perm = Array(0..<rank)
            perm.remove(at: axis)
            perm.append(axis)
            var inverse = perm
            for (i, p) in perm.enumerated() { inverse[p] = i }
            let rType = TensorType(xt.dtype, static: [outLen, inLen])
            let r = f.appendUnchecked(.param, [], attributes: ["name": .string(pool.tensor(matrix, rType))], type: rType, location: location)
            cur = try transpose(emit(.matmul, [transpose(cur, perm), r]), inverse)
        }
        return cur
    }

    static func sourceCoordinate(_ o: Int, inLen: Int, outLen: Int, scale s: Double, mode: String) -> Double {
        let o = Double(o), inL = Double(inLen), outL = Double(outLen)
        switch mode {
        case "asymmetric": return o / s
        case "align_corners": return outL <= 1 ? 0 : o * (inL - 1) / (outL - 1)
        case "tf_half_pixel_for_nearest": return (o + 0.5) / s
        case "pytorch_half_pixel": return outL > 1 ? (o + 0.5) / s - 0.5 : 0
        default: return (o + 0.5) / s - 0.5
        }
    }
}
