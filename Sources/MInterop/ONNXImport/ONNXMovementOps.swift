import MIR

/// Reshape-like, indexing and resampling nodes, and reductions.
extension ONNXImporter {
    /// `total / known` for products of dims, cancelling symbolic factors (for Reshape's -1).
    func divideDims(_ total: [Dim], by known: [Dim]) -> Dim? {
        var coefficient = 1
        var factors: [Dim] = []
        func collect(_ d: Dim, into list: inout [Dim], _ c: inout Int) {
            switch d {
            case .constant(let v): c = c &* v
            case .mul(let a, let b): collect(a, into: &list, &c); collect(b, into: &list, &c)
            default: list.append(d)
            }
        }
        for d in total { collect(d, into: &factors, &coefficient) }
        var divisor = 1
        var divisorFactors: [Dim] = []
        for d in known { collect(d, into: &divisorFactors, &divisor) }
        for f in divisorFactors {
            guard let i = factors.firstIndex(of: f) else { return nil }
            factors.remove(at: i)
        }
        guard divisor != 0, coefficient % divisor == 0 else { return nil }
        return factors.reduce(Dim.constant(coefficient / divisor)) { $0 * $1 }
    }

    mutating func reshaped(_ x: ValueID, to target: [Dim], allowZero: Bool) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        var dims = target
        var inferAt: Int?
        for (i, d) in target.enumerated() {
            if d == .constant(0) && !allowZero {
                guard i < t.rank else { throw NodeError("shape entry \(i) is 0 but the input has rank \(t.rank)") }
                dims[i] = t.shape[i]
            } else if d == .constant(-1) {
                guard inferAt == nil else { throw NodeError("more than one -1 in the target shape") }
                inferAt = i
            } else if let v = d.constantValue, v < 0 {
                throw NodeError("invalid target dim \(v)")
            }
        }
        if let i = inferAt {
            var known = dims
            known.remove(at: i)
            guard let inferred = divideDims(t.shape, by: known) else {
                throw NodeError("cannot infer the -1 dim of \(target) from \(t)")
            }
            dims[i] = inferred
        }
        return try emit(.reshape, [x], explicit: TensorType(t.dtype, dims))
    }

    func axesInput(_ n: ONNXNode, attribute: String = "axes", inputIndex: Int) throws(NodeError) -> [Int]? {
        if let a = n.ints(attribute) { return a }
        // A run-time axes tensor with no elements names no axes, whatever its (absent) values.
        if case .tensor(let id)? = try input(n, inputIndex), function.type(of: id).shape == [.constant(0)] { return [] }
        return try constant(n, inputIndex)?.ints
    }

    mutating func movement(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        switch n.opType {
        case "Reshape":
            let x = try tensorInput(n, 0)
            let target: [Dim]
            if let s = n.ints("shape"), opset < 5 { target = s.map { .constant($0) } }
            else if try isRunTimeData(n, 1), let data = try shapeData(n, 1) {
                return [.tensor(try dynamicReshape(x, data, allowZero: n.int("allowzero", 0) != 0))]
            } else { guard let c = try constant(n, 1) else { throw NodeError("missing shape") }; target = c.asDims }
            return [.tensor(try reshaped(x, to: target, allowZero: n.int("allowzero", 0) != 0))]
        case "Flatten":
            let x = try tensorInput(n, 0)
            let rank = function.type(of: x).rank
            let axis = n.int("axis", 1) < 0 ? n.int("axis", 1) + rank : n.int("axis", 1)
            return [.tensor(try emit(.flatten, [x], attributes: ["axis": .int(axis)]))]
        case "Squeeze", "Unsqueeze":
            let x = try tensorInput(n, 0)
            let t = function.type(of: x)
            if n.ints("axes") == nil, try isRunTimeData(n, 1), let data = try shapeData(n, 1), !data.isEmpty {
                return [.tensor(n.opType == "Squeeze" ? try dynamicSqueeze(x, data) : try dynamicUnsqueeze(x, data))]
            }
            let axes = try axesInput(n, inputIndex: 1)
            var shape = t.shape
            if n.opType == "Squeeze" {
                let rank = t.rank
                let drop = axes.map { $0.map { $0 < 0 ? $0 + rank : $0 } } ?? (0..<rank).filter { t.shape[$0] == .constant(1) }
                for a in drop.sorted(by: >) {
                    guard a >= 0, a < rank else { throw NodeError("axis \(a) is out of range") }
                    guard shape[a] == .constant(1) || !shape[a].isStatic else { throw NodeError("cannot squeeze dim \(a) of size \(shape[a])") }
                    shape.remove(at: a)
                }
            } else {
                guard let axes else { throw NodeError("missing axes") }
                let rank = t.rank + axes.count
                for a in axes.map({ $0 < 0 ? $0 + rank : $0 }).sorted() {
                    guard a >= 0, a <= shape.count else { throw NodeError("axis \(a) is out of range") }
                    shape.insert(.constant(1), at: a)
                }
            }
            return [.tensor(try emit(.reshape, [x], explicit: TensorType(t.dtype, shape)))]
        case "Transpose":
            let x = try tensorInput(n, 0)
            let perm = n.ints("perm") ?? Array((0..<function.type(of: x).rank).reversed())
            return [.tensor(try emit(.transpose, [x], attributes: ["perm": .ints(perm)]))]
        case "Concat":
            var operands: [ValueID] = []
            for i in 0..<n.inputs.count where !n.inputs[i].isEmpty { operands.append(try tensorInput(n, i)) }
            return [.tensor(try emit(.concat, operands, attributes: ["axis": .int(n.int("axis", 0))]))]
        case "Split":
            let x = try tensorInput(n, 0)
            let t = function.type(of: x)
            let axis = n.int("axis", 0) < 0 ? n.int("axis", 0) + t.rank : n.int("axis", 0)
            if n.ints("split") == nil, try isRunTimeData(n, 1), let data = try shapeData(n, 1) {
                return try dynamicSplit(x, data, axis: axis, outputs: n.outputs.count).map { .tensor($0) }
            }
            guard axis >= 0, axis < t.rank, let size = t.shape[axis].constantValue else { throw .unsupported("Split of a symbolic dim") }
            var sizes = try axesInput(n, attribute: "split", inputIndex: 1) ?? []
            if sizes.isEmpty {
                let parts = n.outputs.count
                let chunk = (size + parts - 1) / parts
                sizes = (0..<parts).map { min(chunk, max(0, size - $0 * chunk)) }
            }
            guard sizes.reduce(0, +) == size else { throw NodeError("split sizes \(sizes) do not add up to \(size)") }
            var start = 0
            var outs: [ImportValue] = []
            for s in sizes {
                outs.append(.tensor(try emit(.slice, [x], attributes: ["starts": .ints([start]), "ends": .ints([start + s]), "axes": .ints([axis])])))
                start += s
            }
            return outs
        case "Slice":
            let x = try tensorInput(n, 0)
            let rank = function.type(of: x).rank
            let starts: [Int], ends: [Int], axes: [Int], steps: [Int]
            if opset < 10 {
                starts = n.ints("starts") ?? []; ends = n.ints("ends") ?? []
                axes = n.ints("axes") ?? Array(0..<starts.count); steps = [Int](repeating: 1, count: starts.count)
            } else if try runTimeSliceInputs(n) {
                guard let s = try shapeData(n, 1), let e = try shapeData(n, 2) else { throw NodeError("missing starts or ends") }
                return [.tensor(try dynamicSlice(x, starts: s, ends: e, axes: try shapeData(n, 3), steps: try shapeData(n, 4)))]
            } else {
                starts = try constant(n, 1)?.ints ?? []; ends = try constant(n, 2)?.ints ?? []
                axes = try constant(n, 3)?.ints ?? Array(0..<starts.count)
                steps = try constant(n, 4)?.ints ?? [Int](repeating: 1, count: starts.count)
            }
            _ = rank
            return [.tensor(try emit(.slice, [x], attributes: ["starts": .ints(starts), "ends": .ints(ends), "axes": .ints(axes), "steps": .ints(steps)]))]
        case "Gather", "GatherElements":
            let x = try tensorInput(n, 0), idx = try tensorInput(n, 1)
            return [.tensor(try emit(n.opType == "Gather" ? .gather : .gatherElements, [x, idx], attributes: ["axis": .int(n.int("axis", 0))]))]
        case "Expand":
            let x = try tensorInput(n, 0)
            if try isRunTimeData(n, 1), let data = try shapeData(n, 1) { return [.tensor(try dynamicExpand(x, data))] }
            guard let target = try constant(n, 1) else { throw NodeError("missing shape") }
            let t = function.type(of: x)
            let shape: [Dim]
            do { shape = try broadcastShapes(t.shape, target.asDims) } catch { throw NodeError(error.message) }
            return [.tensor(try emit(.expand, [x], explicit: TensorType(t.dtype, shape)))]
        case "Tile":
            let x = try tensorInput(n, 0)
            if try isRunTimeData(n, 1), let data = try shapeData(n, 1) { return [.tensor(try dynamicTile(x, data))] }
            guard let r = try constant(n, 1) else { throw NodeError("missing repeats") }
            return [.tensor(try emit(.tile, [x], attributes: ["repeats": .ints(r.ints)]))]
        case "Pad":
            let x = try tensorInput(n, 0)
            let rank = function.type(of: x).rank
            var pads: [Int], value: Double
            if opset < 11 {
                pads = n.ints("pads") ?? n.ints("paddings") ?? []; value = n.float("value", 0)
            } else if try runTimePadInputs(n) {
                return [.tensor(try dynamicPad(n, x))]
            } else {
                pads = try constant(n, 1)?.ints ?? []
                value = try constant(n, 2)?.values.first ?? 0
                if let axes = try constant(n, 3)?.ints {
                    var full = [Int](repeating: 0, count: 2 * rank)
                    for (i, a) in axes.enumerated() {
                        let ax = a < 0 ? a + rank : a
                        guard ax >= 0, ax < rank, i + axes.count < pads.count else { throw NodeError("bad pad axes") }
                        full[ax] = pads[i]; full[ax + rank] = pads[i + axes.count]
                    }
                    pads = full
                }
            }
            return [.tensor(try emit(.pad, [x], attributes: ["pads": .ints(pads), "mode": .string(n.string("mode", "constant")), "value": .float(value)]))]
        case "Resize", "Upsample":
            return [.tensor(try resize(n))]
        case "Range":
            return [.tensor(try dynamicRange(n))]
        case "ConstantOfShape":
            var fill = ConstTensor.scalar(0, .f32)
            if let t = n.tensorAttribute("value") { fill = try ConstTensor(t) }
            let dims: [Dim]
            if try isRunTimeData(n, 0), let data = try shapeData(n, 0) {
                for (k, d) in data.enumerated() { try require(call(.ge, d, .int(0)), "shape entry \(k) is negative") }
                dims = data.map(valueDim)
            } else {
                guard let shapeConst = try constant(n, 0) else { throw NodeError("missing shape") }
                dims = shapeConst.asDims
            }
            if dims.allSatisfy(\.isStatic) {
                let shape = dims.map { $0.constantValue ?? 0 }
                let count = shape.reduce(1, *)
                guard count <= 1 << 26 else { throw .unsupported("a ConstantOfShape of \(count) elements") }
                return [.constant(ConstTensor(dtype: fill.dtype, shape: shape, values: [Double](repeating: fill.values.first ?? 0, count: count)))]
            }
            let scalar = try tensor(.constant(ConstTensor(dtype: fill.dtype, shape: [Int](repeating: 1, count: dims.count), values: [fill.values.first ?? 0])))
            return [.tensor(try emit(.expand, [scalar], explicit: TensorType(fill.dtype, dims)))]
        default:
            throw .unsupported("no lowering for this op")
        }
    }

    mutating func resize(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0)
        let t = function.type(of: x)
        var scales: [Double] = []
        var sizes: [Int] = []
        // Scales or sizes given as data: the output dims are value symbols and the kernel
        // reads the scales (or takes out / in for sizes) at run time.
        let scalesIndex = n.opType == "Upsample" || opset < 11 ? 1 : 2
        var runTime: (operand: ValueID, shape: [Dim])?
        if !(n.opType == "Upsample" && n.floats("scales") != nil), try isRunTimeData(n, scalesIndex),
           let data = try shapeData(n, scalesIndex) {
            guard data.count == t.rank else { throw NodeError("scales has \(data.count) entries for rank \(t.rank)") }
            var shape: [Dim] = []
            for (k, s) in data.enumerated() {
                try require(call(.gt, s, .float(0)), "scale \(k) is not positive")
                shape.append(valueDim(call(.floor, call(.mul, SymExpr(t.shape[k]), s))))
            }
            runTime = (try tensorInput(n, scalesIndex), shape)
        } else if n.opType == "Resize", opset >= 11, try isRunTimeData(n, 3), let data = try shapeData(n, 3) {
            guard data.count == t.rank else { throw NodeError("sizes has \(data.count) entries for rank \(t.rank)") }
            guard n.string("keep_aspect_ratio_policy", "stretch") == "stretch" else {
                throw .unsupported("keep_aspect_ratio_policy '\(n.string("keep_aspect_ratio_policy", ""))' with run-time sizes")
            }
            var shape: [Dim] = []
            for (k, s) in data.enumerated() {
                try require(call(.ge, s, .int(0)), "size \(k) is negative")
                shape.append(valueDim(s))
            }
            runTime = (try tensorInput(n, 3), shape)
        }
        if runTime != nil {
        } else if n.opType == "Upsample" {
            if let fs = n.floats("scales") { scales = fs } else { scales = try constant(n, 1)?.values ?? [] }
        } else if opset < 11 {
            scales = try constant(n, 1)?.values ?? []
        } else {
            scales = try constant(n, 2)?.values ?? []
            sizes = try constant(n, 3)?.ints ?? []
        }
        var shape: [Dim] = []
        for i in 0..<t.rank where runTime == nil {
            guard let d = t.shape[i].constantValue else {
                if (scales.count > i && scales[i] == 1) || (sizes.isEmpty && scales.isEmpty) { shape.append(t.shape[i]); continue }
                throw .unsupported("Resize of a symbolic dim")
            }
            if !sizes.isEmpty { guard i < sizes.count else { throw NodeError("sizes has the wrong length") }; shape.append(.constant(sizes[i])) }
            else { guard i < scales.count else { throw NodeError("scales has the wrong length") }; shape.append(.constant(Int((Double(d) * scales[i]).rounded(.down)))) }
        }
        if let runTime { shape = runTime.shape }
        if !sizes.isEmpty {
            scales = (0..<t.rank).map { i in Double(sizes[i]) / Double(t.shape[i].constantValue ?? 1) }
        }
        let mode = n.string("mode", "nearest")
        guard ["nearest", "linear", "bilinear", "cubic", "bicubic"].contains(mode) else { throw .unsupported("Resize mode '\(mode)'") }
        var coordinate = n.string("coordinate_transformation_mode", "half_pixel")
        if n.opType == "Upsample" || opset < 11 { coordinate = "asymmetric" }
        // The opset-11 test data spells tf_half_pixel_for_nearest as tf_half_pixel_for_nn.
        if coordinate == "tf_half_pixel_for_nn" { coordinate = "tf_half_pixel_for_nearest" }
        guard ["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "tf_half_pixel_for_nearest",
               "tf_crop_and_resize"].contains(coordinate) else {
            throw .unsupported("coordinate_transformation_mode '\(coordinate)'")
        }
        if n.int("antialias", 0) != 0 || n.has("axes") { throw .unsupported("Resize antialias/axes") }
        var nearest = n.string("nearest_mode", "round_prefer_floor")
        if n.opType == "Upsample" || opset < 11 { nearest = "floor" }
        var attrs: Attributes = [
            "scales": .floats(scales), "mode": .string(["cubic", "bicubic"].contains(mode) ? "cubic" : mode == "nearest" ? "nearest" : "linear"),
            "coordinate_mode": .string(coordinate), "nearest_mode": .string(nearest)]
        if attrs["mode"] == .string("cubic") {
            attrs["cubic_coeff_a"] = .float(n.float("cubic_coeff_a", -0.75))
            attrs["exclude_outside"] = .int(n.int("exclude_outside", 0))
        }
        var operands = runTime.map { [x, $0.operand] } ?? [x]
        if coordinate == "tf_crop_and_resize" {
            // roi is [starts..., ends...] in normalized input coordinates; only this mode reads it.
            // It moves no shape, so run-time data becomes the last operand.
            guard opset >= 11, let roi = try input(n, 1) else {
                throw NodeError("coordinate_transformation_mode tf_crop_and_resize needs the roi input")
            }
            let count = type(roi).shape.first?.constantValue
            guard type(roi).rank == 1, count == nil || count == 2 * t.rank else {
                throw NodeError("roi has type \(type(roi)) for rank \(t.rank) (needs \(2 * t.rank) entries)")
            }
            if case .constant(let c) = roi { attrs["roi"] = .floats(c.values) } else {
                guard type(roi).dtype.isFloat else { throw NodeError("roi must be a float tensor, got \(type(roi))") }
                operands.append(try tensor(roi))
            }
            attrs["extrapolation_value"] = .float(n.float("extrapolation_value", 0))
        }
        if runTime != nil { attrs["scales"] = nil }
        return try emit(.resize, operands, attributes: attrs, explicit: TensorType(t.dtype, shape))
    }

    mutating func reduction(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        let x = try tensorInput(n, 0)
        switch n.opType {
        case "ArgMax", "ArgMin":
            return [.tensor(try emit(n.opType == "ArgMax" ? .argmax : .argmin, [x], attributes: [
                "axis": .int(n.int("axis", 0)), "keepdims": .int(n.int("keepdims", 1)),
                "select_last_index": .int(n.int("select_last_index", 0))]))]
        case "CumSum":
            // A constant axis becomes the attribute; a run-time one stays an operand the kernel reads.
            var attrs: Attributes = ["exclusive": .int(n.int("exclusive", 0)), "reverse": .int(n.int("reverse", 0))]
            let axisValue = try required(n, 1)
            if case .constant(let c) = axisValue {
                guard let axis = c.ints.first, c.count == 1 else { throw NodeError("'axis' must hold one integer") }
                attrs["axis"] = .int(axis)
                return [.tensor(try emit(.cumsum, [x], attributes: attrs))]
            }
            return [.tensor(try emit(.cumsum, [x, try tensor(axisValue)], attributes: attrs))]
        case "TopK":
            var kAttr = Attribute.int(n.int("k", 1))
            if opset >= 10, try isRunTimeData(n, 1), let data = try shapeData(n, 1) {
                guard data.count == 1 else { throw NodeError("k must have one element") }
                let t = function.type(of: x)
                let axis = n.int("axis", -1) < 0 ? n.int("axis", -1) + t.rank : n.int("axis", -1)
                guard axis >= 0, axis < t.rank else { throw NodeError("axis is out of range") }
                try require(call(.and, call(.ge, data[0], .int(0)), call(.le, data[0], SymExpr(t.shape[axis]))),
                            "k is negative or exceeds the axis size \(t.shape[axis])")
                kAttr = .dims([valueDim(data[0])])
                if case .ints(let v) = kAttr { kAttr = .int(v[0]) }
            } else if opset >= 10 {
                kAttr = .int(try constant(n, 1)?.ints.first ?? 1)
            }
            let attrs: Attributes = ["k": kAttr, "axis": .int(n.int("axis", -1)), "largest": .int(n.int("largest", 1))]
            return [.tensor(try emit(.topkValues, [x], attributes: attrs)), .tensor(try emit(.topkIndices, [x], attributes: attrs))]
        default:
            let kinds: [String: OpKind] = ["ReduceSum": .reduceSum, "ReduceMean": .reduceMean, "ReduceMax": .reduceMax,
                                           "ReduceMin": .reduceMin, "ReduceProd": .reduceProd, "ReduceSumSquare": .reduceSumSquare,
                                           "ReduceL1": .reduceL1, "ReduceL2": .reduceL2, "ReduceLogSum": .reduceLogSum,
                                           "ReduceLogSumExp": .reduceLogSumExp]
            guard let kind = kinds[n.opType] else { throw .unsupported("no lowering for this op") }
            if kind == .reduceSum, n.ints("axes") == nil, try isRunTimeData(n, 1), let data = try shapeData(n, 1), !data.isEmpty {
                return [.tensor(try dynamicReduceSum(x, data, keepdims: n.int("keepdims", 1) != 0))]
            }
            let axes = try axesInput(n, inputIndex: 1) ?? []
            if axes.isEmpty && n.int("noop_with_empty_axes", 0) != 0 { return [.tensor(x)] }
            return [.tensor(try emit(kind, [x], attributes: ["axes": .ints(axes), "keepdims": .int(n.int("keepdims", 1))]))]
        }
    }
}
