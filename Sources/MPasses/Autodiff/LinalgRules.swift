import MIR

/// Gradient rules of matmul, convolutions and pooling.
extension GradientBuilder {
    /// dA = g @ B^T, dB = A^T @ g, each summed over the batch dims it was broadcast along;
    /// fuse-epilogue's bias gets g summed over every dim but the last, its residual g.
    func matmulGradient(_ op: Operation, g: ValueID, need: [Bool]) throws(AutodiffError) -> [ValueID?] {
        if let act = op.attributes["activation"]?.stringValue {
            throw AutodiffError("'matmul' with a folded activation '\(act)' (made by fuse-epilogue): differentiate before the pass pipeline runs",
                                at: location)
        }
        let (a, b) = (op.operands[0], op.operands[1])
        let da = need[0] ? try unbroadcast(emit(.matmul, [g, transposeLast2(b)]), to: type(a)) : nil
        let db = need[1] ? try unbroadcast(emit(.matmul, [transposeLast2(a), g]), to: type(b)) : nil
        var out = [da, db]
        if op.operands.count >= 3 {
            out.append(need[2] ? try reduceSum(g, axes: Array(0..<(type(g).rank - 1)), keepdims: false) : nil)
        }
        if op.operands.count == 4 { out.append(need[3] ? g : nil) }
        return out
    }

    /// conv2d: dx is a transposed convolution of g with the same weight (its layout
    /// [out, in/groups, kh, kw] reads as conv_transpose2d's [in, out/groups, kh, kw]), with
    /// output_padding restoring the rows and columns the stride skipped; dw has its own op.
    func conv2dGradient(_ op: Operation, g: ValueID, need: [Bool]) throws(AutodiffError) -> [ValueID?] {
        let (x, w) = (op.operands[0], op.operands[1])
        let xt = type(x), wt = type(w), gt = type(g)
        let p: WindowParams
        do { p = try WindowParams(op.attributes) } catch { throw AutodiffError(error.message, at: location) }
        var common = op.attributes
        common["kernel"] = nil
        var out = [ValueID?](repeating: nil, count: op.operands.count)
        if need[0] {
            var outPad: [Int] = []
            for axis in 0..<2 {
                let k = wt.shape[2 + axis].constantValue ?? 1
                let fixed = p.dilations[axis] * (k - 1) + 1 - p.pads[axis] - p.pads[axis + 2]
                let produced = Dim.constant(p.strides[axis]) * (gt.shape[2 + axis] - .constant(1)) + .constant(fixed)
                guard let extra = (xt.shape[2 + axis] - produced).constantValue, extra >= 0 else {
                    throw AutodiffError("conv2d gradient needs static spatial dims, got \(xt)", at: location)
                }
                outPad.append(extra)
            }
            var attrs = common
            attrs["output_padding"] = .ints(outPad)
            out[0] = try emit(.convTranspose2d, [g, w], attrs)
        }
        if need[1] {
            var attrs = common
            attrs["kernel"] = .ints([wt.shape[2].constantValue ?? 1, wt.shape[3].constantValue ?? 1])
            out[1] = try emit(.conv2dBackwardFilter, [x, g], attrs)
        }
        if op.operands.count >= 3, need[2] { out[2] = try reduceSum(g, axes: [0, 2, 3], keepdims: false) }
        if op.operands.count == 4, need[3] { out[3] = g }   // the residual is added: its gradient is g
        return out
    }

    /// conv_transpose2d is conv2d's input gradient, so its gradients are conv2d (for x) and
    /// conv2d's filter gradient with the roles of input and output swapped (for w).
    func convTranspose2dGradient(_ op: Operation, g: ValueID, need: [Bool]) throws(AutodiffError) -> [ValueID?] {
        let (x, w) = (op.operands[0], op.operands[1])
        let wt = type(w)
        var common = op.attributes
        common["output_padding"] = nil
        var out: [ValueID?] = [nil, nil, nil]
        if need[0] {
            let dx = try emit(.conv2d, [g, w], common)
            guard type(dx) == type(x) else {
                throw AutodiffError("conv_transpose2d gradient: conv2d of the gradient gives \(type(dx)), not \(type(x)) (output_padding >= stride?)", at: location)
            }
            out[0] = dx
        }
        if need[1] {
            var attrs = common
            attrs["kernel"] = .ints([wt.shape[2].constantValue ?? 1, wt.shape[3].constantValue ?? 1])
            out[1] = try emit(.conv2dBackwardFilter, [g, x], attrs)
        }
        if op.operands.count == 3, need[2] { out[2] = try reduceSum(g, axes: [0, 2, 3], keepdims: false) }
        return out
    }

    func poolGradient(_ op: Operation, g: ValueID) throws(AutodiffError) -> ValueID {
        try emit(op.kind == .maxPool2d ? .maxPool2dBackward : .avgPool2dBackward, [op.operands[0], g], op.attributes)
    }
}
