import MIR

/// Gradient rules of data movement: each routes the gradient back to the positions the
/// forward op read, summing where it read one position several times.
extension GradientBuilder {
    func movementGradient(_ op: Operation, g: ValueID, need: [Bool]) throws(AutodiffError) -> [ValueID?] {
        let x = op.operands[0], xt = type(x)
        let a = op.attributes
        switch op.kind {
        case .reshape, .flatten: return [try reshape(g, xt.shape)]
        case .expand: return [try unbroadcast(g, to: xt)]
        case .transpose:
            let perm = a["perm"]?.intsValue ?? Array((0..<xt.rank).reversed())
            var inverse = perm
            for (i, p) in perm.enumerated() { inverse[p] = i }
            return [try transpose(g, inverse)]
        case .concat: return try concatGradient(op, g: g, need: need)
        case .slice: return [try sliceGradient(op, g: g)]
        case .pad: return [try padGradient(op, g: g)]
        case .tile:
            let repeats = a["repeats"]?.intsValue ?? []
            var interleaved: [Dim] = []
            for (r, d) in zip(repeats, xt.shape) { interleaved += [.constant(r), d] }
            let summed = try reduceSum(reshape(g, interleaved), axes: Array(stride(from: 0, to: 2 * xt.rank, by: 2)), keepdims: false)
            return [try reshape(summed, xt.shape)]
        case .gatherElements:
            return [try emit(.scatterAdd, [zeros(xt), op.operands[1], g], ["axis": a["axis"] ?? .int(0)]), nil]
        case .gather: return [try gatherGradient(op, g: g), nil]
        default:
            throw AutodiffError("internal error: '\(op.kind.rawValue)' has no movement rule", at: location)
        }
    }

    func concatGradient(_ op: Operation, g: ValueID, need: [Bool]) throws(AutodiffError) -> [ValueID?] {
        let rank = type(g).rank
        let axis = (try? normalizeAxis(op.attributes["axis"]?.intValue ?? 0, rank: rank)) ?? 0
        if op.operands.count == 1 { return [g] }
        var offset = 0
        var out: [ValueID?] = []
        for (i, v) in op.operands.enumerated() {
            guard let size = type(v).shape[axis].constantValue else {
                throw AutodiffError("concat gradient needs static sizes along the concat axis, got \(type(v))", at: location)
            }
            out.append(need[i] ? try emit(.slice, [g], ["starts": .ints([offset]), "ends": .ints([offset + size]), "axes": .ints([axis])]) : nil)
            offset += size
        }
        return out
    }

    /// Per sliced axis: undo a negative step by reversing, spread a step s > 1 by padding each
    /// element with s - 1 zeros, then pad with zeros to the input's extent.
    func sliceGradient(_ op: Operation, g: ValueID) throws(AutodiffError) -> ValueID {
        let xt = type(op.operands[0])
        let p: SliceParams
        do { p = try SliceParams(op.attributes, rank: xt.rank) } catch { throw AutodiffError(error.message, at: location) }
        var cur = g
        for axis in 0..<xt.rank where p.sliced[axis] {
            guard let d = xt.shape[axis].constantValue else { continue }   // symbolic dims are only sliced in full
            var (start, count) = sliceRange(dim: d, start: p.starts[axis], end: p.ends[axis], step: p.steps[axis])
            var step = p.steps[axis]
            if count == 0 { return try zeros(xt) }
            if step < 0 {
                cur = try emit(.slice, [cur], ["starts": .ints([-1]), "ends": .ints([Int(Int32.min)]), "axes": .ints([axis]), "steps": .ints([-1])])
                start += (count - 1) * step
                step = -step
            }
            var length = count
            if step > 1 {
                var shape = type(cur).shape
                shape.replaceSubrange(axis...axis, with: [.constant(count), .constant(1)])
                var pads = [Int](repeating: 0, count: 2 * shape.count)
                pads[shape.count + axis + 1] = step - 1
                let spread = try emit(.pad, [reshape(cur, shape)], ["pads": .ints(pads), "mode": .string("constant"), "value": .float(0)])
                var flat = type(cur).shape
                flat[axis] = .constant(count * step)
                cur = try reshape(spread, flat)
                length = min(count * step, d - start)
                if length < count * step {
                    cur = try emit(.slice, [cur], ["starts": .ints([0]), "ends": .ints([length]), "axes": .ints([axis])])
                }
            }
            var pads = [Int](repeating: 0, count: 2 * xt.rank)
            pads[axis] = start
            pads[xt.rank + axis] = d - start - length
            if pads.contains(where: { $0 != 0 }) {
                cur = try emit(.pad, [cur], ["pads": .ints(pads), "mode": .string("constant"), "value": .float(0)])
            }
        }
        return try reshape(cur, xt.shape)
    }

    /// Constant padding's adjoint is the slice of the unpadded region (other modes: SeparableRules.swift).
    func padGradient(_ op: Operation, g: ValueID) throws(AutodiffError) -> ValueID {
        let xt = type(op.operands[0])
        guard let pads = op.attributes["pads"]?.intsValue, op.operands.count == 1 else {
            throw AutodiffError("pad with run-time pads is not differentiable", at: location)
        }
        guard (op.attributes["mode"]?.stringValue ?? "constant") == "constant", pads.allSatisfy({ $0 >= 0 }) else {
            return try padSelectionGradient(op, g: g)
        }
        var starts: [Int] = [], ends: [Int] = [], axes: [Int] = []
        for i in 0..<xt.rank where pads[i] != 0 || pads[i + xt.rank] != 0 {
            guard let d = xt.shape[i].constantValue else {
                throw AutodiffError("pad gradient needs a static dim where it pads, got \(xt)", at: location)
            }
            starts.append(pads[i]); ends.append(pads[i] + d); axes.append(i)
        }
        if axes.isEmpty { return g }
        return try emit(.slice, [g], ["starts": .ints(starts), "ends": .ints(ends), "axes": .ints(axes)])
    }

    /// gather along `axis` as scatter_add over a [before, indices, after] view of the data.
    func gatherGradient(_ op: Operation, g: ValueID) throws(AutodiffError) -> ValueID {
        let x = op.operands[0], indices = op.operands[1]
        let xt = type(x), it = type(indices)
        let axis = (try? normalizeAxis(op.attributes["axis"]?.intValue ?? 0, rank: xt.rank)) ?? 0
        let before = Array(xt.shape[..<axis]).product, after = Array(xt.shape[(axis + 1)...]).product
        let m = it.shape.product
        let g3 = try reshape(g, [before, m, after])
        let idx = try expand(reshape(indices, [.constant(1), m, .constant(1)]), [before, m, after])
        let base = try zeros(TensorType(xt.dtype, [before, xt.shape[axis], after]))
        return try reshape(emit(.scatterAdd, [base, idx, g3], ["axis": .int(1)]), xt.shape)
    }
}
