/// Shape rules of data-movement ops.

/// ONNX Slice semantics for one axis of static size `dim`: clamped start and element count.
public func sliceRange(dim: Int, start s0: Int, end e0: Int, step: Int) -> (start: Int, count: Int) {
    var start = s0 < 0 ? s0 &+ dim : s0
    var end = e0 < 0 ? e0 &+ dim : e0
    if step > 0 {
        start = min(max(start, 0), dim)
        end = min(max(end, 0), dim)
        return (start, max(0, (end - start + step - 1) / step))
    } else {
        start = min(max(start, -1), dim - 1)
        end = min(max(end, -1), dim - 1)
        return (start, max(0, (start - end + (-step) - 1) / (-step)))
    }
}

/// Normalized slice parameters for every axis of a rank-`rank` tensor (identity for untouched axes).
public struct SliceParams: Sendable {
    public var starts: [Int], ends: [Int], steps: [Int], sliced: [Bool]
    public init(_ attrs: Attributes, rank: Int) throws(ShapeError) {
        guard attrs["offsets"] == nil else { throw ShapeError("'slice' with run-time offsets is not supported here") }
        let s = attrs["starts"]?.intsValue ?? [], e = attrs["ends"]?.intsValue ?? []
        let axes = attrs["axes"]?.intsValue ?? Array(0..<s.count)
        let st = attrs["steps"]?.intsValue ?? [Int](repeating: 1, count: s.count)
        guard s.count == e.count, s.count == axes.count, s.count == st.count else {
            throw ShapeError("'slice' starts, ends, axes and steps must have the same length")
        }
        starts = [Int](repeating: 0, count: rank); ends = [Int](repeating: Int.max, count: rank)
        steps = [Int](repeating: 1, count: rank); sliced = [Bool](repeating: false, count: rank)
        for i in 0..<s.count {
            let a = try normalizeAxis(axes[i], rank: rank)
            guard !sliced[a] else { throw ShapeError("'slice' repeats axis \(a)") }
            guard st[i] != 0 else { throw ShapeError("'slice' step must not be 0") }
            starts[a] = s[i]; ends[a] = e[i]; steps[a] = st[i]; sliced[a] = true
        }
    }
}

/// The offset form of `slice`: per dim, the first element read and the step (dims).
public struct SliceOffsets: Sendable {
    public var offsets: [Dim], steps: [Dim], sliced: [Bool]
    public init(_ attrs: Attributes, rank: Int) throws(ShapeError) {
        guard attrs["starts"] == nil, attrs["ends"] == nil else { throw ShapeError("'slice' takes offsets or starts/ends, not both") }
        guard let o = attrs["offsets"]?.dimsValue else { throw ShapeError("'slice' offsets must be a list of dims") }
        let axes = attrs["axes"]?.intsValue ?? Array(0..<o.count)
        let st = attrs["steps"]?.dimsValue ?? [Dim](repeating: .constant(1), count: o.count)
        guard o.count == axes.count, o.count == st.count else { throw ShapeError("'slice' offsets, axes and steps must have the same length") }
        offsets = [Dim](repeating: .constant(0), count: rank); steps = [Dim](repeating: .constant(1), count: rank)
        sliced = [Bool](repeating: false, count: rank)
        for i in 0..<o.count {
            let a = try normalizeAxis(axes[i], rank: rank)
            guard !sliced[a] else { throw ShapeError("'slice' repeats axis \(a)") }
            if let v = st[i].constantValue, v == 0 { throw ShapeError("'slice' step must not be 0") }
            offsets[a] = o[i]; steps[a] = st[i]; sliced[a] = true
        }
    }
}

extension OpKind {
    func inferMovement(_ ops: [TensorType], _ attrs: Attributes, explicit: TensorType?,
                       valueSymbols: Set<String>) throws(ShapeError) -> TensorType {
        let x = ops[0]
        func dataDependent(_ d: Dim) -> Bool { d.symbols.contains(where: valueSymbols.contains) }
        switch self {
        case .reshape:
            guard let explicit else { throw ShapeError("'reshape' needs an explicit result type") }
            guard explicit.dtype == x.dtype else { throw ShapeError("'reshape' cannot change dtype") }
            guard explicit.elementCount == x.elementCount || explicit.shape.contains(where: dataDependent) else {
                throw ShapeError("'reshape' from \(x) to \(explicit) changes the element count")
            }
            return explicit
        case .expand:
            guard let explicit, explicit.dtype == x.dtype else { throw ShapeError("'expand' needs an explicit result type of the same dtype") }
            let rankOK = explicit.rank >= x.rank
            let xs = rankOK ? [Dim](repeating: .constant(1), count: explicit.rank - x.rank) + x.shape : x.shape
            // A data-dependent target dim broadcasts with anything (the checks enforce it).
            let dynamic = rankOK && zip(xs, explicit.shape).allSatisfy { a, b in
                dataDependent(b) || a == b || a == .constant(1) }
            guard dynamic || (try? broadcastShapes(x.shape, explicit.shape)) == explicit.shape else {
                throw ShapeError("'expand' cannot broadcast \(x) to \(explicit)")
            }
            return explicit
        case .resize:
            guard let explicit, explicit.dtype == x.dtype, explicit.rank == x.rank else {
                throw ShapeError("'resize' needs an explicit result type of the same dtype and rank")
            }
            let mode = attrs["mode"]?.stringValue ?? "nearest"
            guard ["nearest", "linear", "cubic"].contains(mode) else {
                throw ShapeError("'resize' mode must be nearest, linear or cubic, got '\(mode)'")
            }
            let coordinate = attrs["coordinate_mode"]?.stringValue ?? "half_pixel"
            let coordinates = ["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "tf_half_pixel_for_nearest", "tf_crop_and_resize"]
            guard coordinates.contains(coordinate) else {
                throw ShapeError("'resize' coordinate_mode must be one of \(coordinates.joined(separator: ", ")), got '\(coordinate)'")
            }
            // tf_crop_and_resize reads roi ([starts..., ends...]) from an attribute or, given as data,
            // from the last operand; other modes take none.
            let roi = attrs["roi"]?.floatsValue
            let roiOperand = coordinate == "tf_crop_and_resize" && roi == nil
            guard coordinate == "tf_crop_and_resize" || roi == nil, roi.map({ $0.count == 2 * x.rank }) ?? true else {
                throw ShapeError("'resize' takes a roi of \(2 * x.rank) entries exactly with coordinate_mode tf_crop_and_resize")
            }
            if roiOperand {
                guard ops.count >= 2, let r = ops.last, r.rank == 1, r.dtype.isFloat,
                      r.shape[0] == .constant(2 * x.rank) || !r.shape[0].isStatic else {
                    throw ShapeError("'resize' with coordinate_mode tf_crop_and_resize needs a roi attribute or a float [\(2 * x.rank)] last operand")
                }
            }
            if ops.count - (roiOperand ? 1 : 0) == 2 {
                let s = ops[1]
                guard s.rank == 1, s.dtype == .f32 || s.dtype == .f64 || s.dtype.isInteger,
                      s.shape[0] == .constant(x.rank) || !s.shape[0].isStatic else {
                    throw ShapeError("'resize' scales/sizes operand must be f32, f64 or integer [\(x.rank)], got \(s)")
                }
                guard attrs["scales"] == nil else { throw ShapeError("'resize' takes scales as an attribute or an operand, not both") }
            }
            return explicit
        case .flatten:
            let axis = try normalizeAxis(attrs["axis"]?.intValue ?? 1, rank: x.rank + 1)
            return TensorType(x.dtype, [Array(x.shape[..<axis]).product, Array(x.shape[axis...]).product])
        case .transpose:
            let perm = attrs["perm"]?.intsValue ?? Array((0..<x.rank).reversed())
            guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
                throw ShapeError("'transpose' perm \(perm) is not a permutation of 0..<\(x.rank)")
            }
            return TensorType(x.dtype, perm.map { x.shape[$0] })
        case .concat:
            let axis = try normalizeAxis(attrs["axis"]?.intValue ?? 0, rank: x.rank)
            var total = Dim.constant(0)
            for o in ops {
                guard o.dtype == x.dtype, o.rank == x.rank else { throw ShapeError("'concat' operands differ in dtype or rank: \(x) and \(o)") }
                for i in 0..<x.rank where i != axis && o.shape[i] != x.shape[i] {
                    throw ShapeError("'concat' operands disagree on dim \(i): \(x.shape[i]) vs \(o.shape[i])")
                }
                total = total + o.shape[axis]
            }
            var shape = x.shape
            shape[axis] = total
            return TensorType(x.dtype, shape)
        case .slice where attrs["offsets"] != nil:
            let o = try SliceOffsets(attrs, rank: x.rank)
            guard let explicit, explicit.dtype == x.dtype, explicit.rank == x.rank else {
                throw ShapeError("'slice' with offsets needs an explicit result type of the same dtype and rank")
            }
            for i in 0..<x.rank where !o.sliced[i] && explicit.shape[i] != x.shape[i] {
                throw ShapeError("'slice' keeps dim \(i) (\(x.shape[i])) but the result type has \(explicit.shape[i])")
            }
            return explicit
        case .slice:
            let p = try SliceParams(attrs, rank: x.rank)
            var shape = x.shape
            for i in 0..<x.rank where p.sliced[i] {
                if let d = x.shape[i].constantValue {
                    shape[i] = .constant(sliceRange(dim: d, start: p.starts[i], end: p.ends[i], step: p.steps[i]).count)
                } else if !(p.starts[i] == 0 && p.ends[i] >= Int32.max && p.steps[i] == 1) {
                    throw ShapeError("'slice' of symbolic dim \(x.shape[i]) is only supported as a full range")
                }
            }
            return TensorType(x.dtype, shape)
        case .gather, .gatherElements:
            let idx = ops[1]
            guard idx.dtype == .i64 || idx.dtype == .i32 else { throw ShapeError("'\(rawValue)' indices must be i32 or i64, got \(idx)") }
            let axis = try normalizeAxis(attrs["axis"]?.intValue ?? 0, rank: x.rank)
            if self == .gatherElements {
                guard idx.rank == x.rank else { throw ShapeError("'gather_elements' indices must have the data's rank") }
                return TensorType(x.dtype, idx.shape)
            }
            return TensorType(x.dtype, Array(x.shape[..<axis]) + idx.shape + Array(x.shape[(axis + 1)...]))
        case .tile:
            guard let r = attrs["repeats"]?.intsValue, r.count == x.rank, r.allSatisfy({ $0 >= 0 }) else {
                throw ShapeError("'tile' needs one non-negative repeat per dim")
            }
            return TensorType(x.dtype, zip(x.shape, r).map { $0 * .constant($1) })
        case .pad:
            guard let p = attrs["pads"]?.dimsValue, p.count == 2 * x.rank else { throw ShapeError("'pad' needs 2 * rank pads") }
            let mode = attrs["mode"]?.stringValue ?? "constant"
            guard ["constant", "reflect", "edge"].contains(mode) else { throw ShapeError("'pad' mode '\(mode)' is not supported") }
            if ops.count == 2, ops[1].dtype != x.dtype || ops[1].elementCount != .constant(1) {
                throw ShapeError("'pad' value operand must be one \(x.dtype) element, got \(ops[1])")
            }
            var shape: [Dim] = []
            for i in 0..<x.rank {
                let d = x.shape[i] + p[i] + p[i + x.rank]
                if let v = d.constantValue, v < 0 { throw ShapeError("'pad' makes dim \(i) negative") }
                shape.append(d)
            }
            return TensorType(x.dtype, shape)
        case .gridSample, .roiAlign: return try inferSampling(ops, attrs)
        case .scatterAdd:
            let idx = ops[1], upd = ops[2]
            guard idx.dtype == .i64 || idx.dtype == .i32 else { throw ShapeError("'scatter_add' indices must be i32 or i64, got \(idx)") }
            guard upd.dtype == x.dtype, upd.shape == idx.shape, idx.rank == x.rank else {
                throw ShapeError("'scatter_add' updates must have the indices' shape and the data's dtype and rank, got \(x), \(idx), \(upd)")
            }
            _ = try normalizeAxis(attrs["axis"]?.intValue ?? 0, rank: x.rank)
            let reduction = attrs["reduction"]?.stringValue ?? "add"
            guard ["add", "mul", "max", "min"].contains(reduction) else {
                throw ShapeError("'scatter_add' reduction must be add, mul, max or min, got '\(reduction)'")
            }
            return x
        default:
            throw ShapeError("internal error: '\(rawValue)' is not a movement op")
        }
    }
}
