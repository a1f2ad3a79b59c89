import MIR

/// Shape-deciding inputs given as run-time data (a Reshape's `shape`, an Expand's target,
/// Unsqueeze's `axes` as graph inputs): their elements become value symbols of the MIR
/// function (docs/mir.md, "Value symbols"), computed by the library before the forward,
/// and every ONNX validity rule becomes a `check` with a message naming the node.
extension ONNXImporter {
    /// The elements of input `i` as symbol expressions: a constant's values, or a graph
    /// input's data read at run time. Nil when the input is omitted. Throws (before
    /// anything is emitted, so a retry with pinned dims starts clean) when the values are
    /// computed inside the graph or the input's length is symbolic.
    func shapeData(_ n: ONNXNode, _ i: Int) throws(NodeError) -> [SymExpr]? {
        guard let v = try input(n, i) else { return nil }
        switch v {
        case .constant(let c):
            if let d = c.dims { return d.map { SymExpr($0) } }
            return c.dtype.isFloat ? c.values.map { .float($0) } : c.values.map { .int(clampedInt($0)) }
        case .tensor(let id):
            if let e = dataExprs[id] { return e }
            guard function.isArgument(id) else {
                throw .unsupported("input #\(i) ('\(n.inputs[i])') decides shapes but is computed inside the graph; only constants and graph inputs can (a graph input's data is read at run time)")
            }
            let t = function.type(of: id)
            guard let count = t.elementCount.constantValue else {
                throw .unsupported("input #\(i) ('\(n.inputs[i])') decides shapes but its length \(t.elementCount) is symbolic")
            }
            guard t.dtype.isInteger || t.dtype == .f32 || t.dtype == .f64 else {
                throw NodeError("input #\(i) ('\(n.inputs[i])') has type \(t), expected integers or floats")
            }
            guard count <= 64 else { throw .unsupported("input #\(i) ('\(n.inputs[i])') has \(count) elements (at most 64 can decide shapes)") }
            let name = function.arguments[id.raw].name
            return (0..<count).map { .element(name, $0) }
        }
    }

    /// Whether input `i` is present and not a compile-time constant.
    func isRunTimeData(_ n: ONNXNode, _ i: Int) throws(NodeError) -> Bool {
        if case .tensor? = try input(n, i) { return true }
        return false
    }

    func clampedInt(_ v: Double) -> Int {
        guard v.isFinite else { return v > 0 ? Int.max : Int.min }
        return v >= 9.2e18 ? Int.max : v <= -9.2e18 ? Int.min : Int(v)
    }

    var nodeLabel: String {
        guard let n = node else { return "ONNX node" }
        return "\(n.opType) node '\(n.name.isEmpty ? n.outputs.first ?? "?" : n.name)'"
    }

    /// A dim for `expr`: static or a dim expression when it folds to one, else a new value symbol.
    func valueDim(_ expr: SymExpr) -> Dim {
        let prefix = symbolName((node?.outputs.first ?? "v") + "_v")
        return function.defineValueSymbol(prefix, expr)
    }

    /// Adds a run-time check, or fails now when it is false for constant data.
    func require(_ expr: SymExpr, _ message: String) throws(NodeError) {
        let e = expr.folded
        if case .int(let v) = e {
            if v == 0 { throw NodeError(message) }
            return
        }
        function.symbolChecks.append(SymbolCheck(expr: e, message: "\(nodeLabel): \(message)"))
    }

    func call(_ f: SymFunction, _ args: SymExpr...) -> SymExpr { SymExpr.call(f, args).folded }
    func all(_ xs: [SymExpr]) -> SymExpr { xs.reduce(SymExpr.int(1)) { call(.and, $0, $1) } }
    func any(_ xs: [SymExpr]) -> SymExpr { xs.reduce(SymExpr.int(0)) { call(.or, $0, $1) } }
    func sum(_ xs: [SymExpr]) -> SymExpr { xs.reduce(SymExpr.int(0)) { call(.add, $0, $1) } }
    func product(_ xs: [SymExpr]) -> SymExpr { xs.reduce(SymExpr.int(1)) { call(.mul, $0, $1) } }

    /// Axes from data, normalized against `rank` and checked (in range, no repeats).
    func dataAxes(_ raw: [SymExpr], rank: Int, what: String) throws(NodeError) -> [SymExpr] {
        var axes: [SymExpr] = []
        for (k, a) in raw.enumerated() {
            let norm = call(.select, call(.lt, a, .int(0)), call(.add, a, .int(rank)), a)
            try require(call(.and, call(.ge, norm, .int(0)), call(.lt, norm, .int(rank))),
                        "\(what) entry \(k) is out of range for rank \(rank)")
            axes.append(norm)
        }
        for i in axes.indices { for j in axes.indices where j > i {
            try require(call(.ne, axes[i], axes[j]), "\(what) entries \(i) and \(j) name the same axis")
        } }
        return axes
    }

    /// `dims[index]` for a run-time index in 0..<dims.count (a select chain).
    func pick(_ dims: [SymExpr], _ index: SymExpr) -> SymExpr {
        guard var e = dims.last else { return .int(0) }
        for (k, d) in dims.enumerated().reversed().dropFirst() { e = call(.select, call(.eq, index, .int(k)), d, e) }
        return e
    }

    // MARK: ops

    /// Reshape to a target read from data (ONNX's 0 = copy, -1 = infer rules).
    mutating func dynamicReshape(_ x: ValueID, _ target: [SymExpr], allowZero: Bool) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        let inDims = t.shape.map { SymExpr($0) }
        let total = SymExpr(t.elementCount)
        var resolved: [SymExpr] = []
        for (i, d) in target.enumerated() {
            try require(call(.ge, d, .int(-1)), "target dim \(i) is negative (below -1)")
            if allowZero {
                resolved.append(d)
            } else if i < t.rank {
                resolved.append(call(.select, call(.eq, d, .int(0)), inDims[i], d))
            } else {
                try require(call(.ne, d, .int(0)), "target dim \(i) is 0 (copy) but the input has rank \(t.rank)")
                resolved.append(d)
            }
        }
        let isInfer = target.map { call(.eq, $0, .int(-1)) }
        try require(call(.le, sum(isInfer), .int(1)), "the target shape has more than one -1")
        let known = product(zip(resolved, isInfer).map { call(.select, $1, .int(1), $0) })
        var dims: [Dim] = []
        var exprs: [SymExpr] = []
        for (r, inf) in zip(resolved, isInfer) {
            let e = call(.select, inf, call(.div, total, call(.max, known, .int(1))), r)
            exprs.append(e)
            dims.append(valueDim(e))
        }
        try require(call(.eq, product(dims.map { SymExpr($0) }), total),
                    "the target shape does not have the input's \(t.elementCount) elements")
        return try emit(.reshape, [x], explicit: TensorType(t.dtype, dims))
    }

    /// Expand (numpy broadcasting) to a target read from data.
    mutating func dynamicExpand(_ x: ValueID, _ target: [SymExpr]) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        let rank = max(t.rank, target.count)
        let xs = [Dim](repeating: .constant(1), count: rank - t.rank) + t.shape
        let ts = [SymExpr](repeating: .int(1), count: rank - target.count) + target
        var dims: [Dim] = []
        for (k, (xd, td)) in zip(xs, ts).enumerated() {
            let xe = SymExpr(xd)
            try require(call(.or, call(.eq, td, .int(1)), call(.or, call(.eq, xe, .int(1)), call(.eq, td, xe))),
                        "target dim \(k - (rank - target.count)) does not broadcast with the input's dim \(xd)")
            try require(call(.ge, td, .int(0)), "target dim \(k - (rank - target.count)) is negative")
            dims.append(valueDim(call(.select, call(.eq, xe, .int(1)), td, xe)))
        }
        return try emit(.expand, [x], explicit: TensorType(t.dtype, dims))
    }

    /// Tile with repeats from data: reshape to [1, d0, 1, d1, ...], expand the 1s to the
    /// repeats, merge the pairs.
    mutating func dynamicTile(_ x: ValueID, _ repeats: [SymExpr]) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        guard repeats.count == t.rank else { throw NodeError("repeats has \(repeats.count) entries for rank \(t.rank)") }
        var split: [Dim] = [], expanded: [Dim] = [], merged: [Dim] = []
        for (k, (d, r)) in zip(t.shape, repeats).enumerated() {
            try require(call(.ge, r, .int(0)), "repeats entry \(k) is negative")
            let rd = valueDim(r)
            split += [.constant(1), d]; expanded += [rd, d]; merged.append(rd * d)
        }
        let s = try emit(.reshape, [x], explicit: TensorType(t.dtype, split))
        let e = try emit(.expand, [s], explicit: TensorType(t.dtype, expanded))
        return try emit(.reshape, [e], explicit: TensorType(t.dtype, merged))
    }

    /// Unsqueeze with axes from data: output dim j is 1 where j is listed, else the next input dim.
    mutating func dynamicUnsqueeze(_ x: ValueID, _ raw: [SymExpr]) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        let rank = t.rank + raw.count
        let axes = try dataAxes(raw, rank: rank, what: "axes")
        let inDims = t.shape.map { SymExpr($0) }
        var dims: [Dim] = []
        for j in 0..<rank {
            let listed = any(axes.map { call(.eq, $0, .int(j)) })
            let before = sum(axes.map { call(.lt, $0, .int(j)) })
            dims.append(valueDim(call(.select, listed, .int(1), pick(inDims, call(.sub, .int(j), before)))))
        }
        return try emit(.reshape, [x], explicit: TensorType(t.dtype, dims))
    }

    /// Squeeze with axes from data: output dim j is the j-th input dim not listed.
    mutating func dynamicSqueeze(_ x: ValueID, _ raw: [SymExpr]) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        guard raw.count <= t.rank else { throw NodeError("axes has \(raw.count) entries for rank \(t.rank)") }
        let axes = try dataAxes(raw, rank: t.rank, what: "axes")
        let inDims = t.shape.map { SymExpr($0) }
        var listed: [SymExpr] = []
        for i in 0..<t.rank {
            let l = any(axes.map { call(.eq, $0, .int(i)) })
            try require(call(.or, call(.not, l), call(.eq, inDims[i], .int(1))), "squeezed axis \(i) has size \(t.shape[i]), not 1")
            listed.append(l)
        }
        var dims: [Dim] = []
        for j in 0..<(t.rank - raw.count) {
            // Input i lands at j when it is kept and j inputs before it are kept.
            var e = SymExpr.int(0)
            for i in 0..<t.rank {
                let keptBefore = call(.sub, .int(i), sum(Array(listed[..<i])))
                e = call(.add, e, call(.select, call(.and, call(.not, listed[i]), call(.eq, keptBefore, .int(j))), inDims[i], .int(0)))
            }
            dims.append(valueDim(e))
        }
        return try emit(.reshape, [x], explicit: TensorType(t.dtype, dims))
    }
}

extension ONNXImporter {
    /// The elements of a value as symbol expressions when known (constants, small graph
    /// inputs, and scalar arithmetic on them).
    func dataOf(_ v: ImportValue) -> [SymExpr]? {
        switch v {
        case .constant(let c):
            if let d = c.dims { return d.map { SymExpr($0) } }
            guard c.count <= 64 else { return nil }
            return c.dtype.isFloat ? c.values.map { .float($0) } : c.values.map { .int(clampedInt($0)) }
        case .tensor(let id):
            if let e = dataExprs[id] { return e }
            let t = function.type(of: id)
            guard function.isArgument(id), let count = t.elementCount.constantValue, count <= 64,
                  t.dtype.isInteger || t.dtype == .f32 || t.dtype == .f64 else { return nil }
            let name = function.arguments[id.raw].name
            return (0..<count).map { .element(name, $0) }
        }
    }

    /// Records the elements of `n`'s result when it is scalar arithmetic on known data,
    /// so that a later shape-deciding input computed this way (Range's limit in the
    /// expanded window functions: `Cast(size)`) becomes value symbols.
    mutating func trackData(_ n: ONNXNode, _ outs: [ImportValue]) {
        guard outs.count == 1, case .tensor(let id) = outs[0], let count = function.type(of: id).elementCount.constantValue,
              count <= 64 else { return }
        let dt = function.type(of: id).dtype
        var args: [[SymExpr]] = []
        for i in n.inputs.indices {
            guard let v = try? input(n, i), let e = dataOf(v) else { return }
            args.append(e)
        }
        func toDType(_ e: SymExpr) -> SymExpr {
            // Float: x * 1.0; integer: truncation toward zero, as ONNX Cast does.
            dt.isFloat ? call(.mul, e, .float(1)) : call(.select, call(.lt, e, .int(0)), call(.ceil, e), call(.floor, e))
        }
        func elementwise(_ f: (SymExpr, SymExpr) -> SymExpr) -> [SymExpr]? {
            guard args.count == 2 else { return nil }
            let (a, b) = (args[0], args[1])
            guard a.count == count || a.count == 1, b.count == count || b.count == 1 else { return nil }
            return (0..<count).map { f(a[a.count == 1 ? 0 : $0], b[b.count == 1 ? 0 : $0]) }
        }
        var result: [SymExpr]?
        switch n.opType {
        case "Identity": result = args.first
        case "Cast": result = args.first.map { $0.map(toDType) }
        case "Neg": result = args.first.map { $0.map { call(.sub, .int(0), $0) } }
        case "Relu": result = args.first.map { $0.map { call(.max, $0, .int(0)) } }
        case "Floor": result = args.first.map { $0.map { call(.mul, call(.floor, $0), .float(1)) } }
        case "Ceil": result = args.first.map { $0.map { call(.mul, call(.ceil, $0), .float(1)) } }
        case "Add": result = elementwise { call(.add, $0, $1) }
        case "Sub": result = elementwise { call(.sub, $0, $1) }
        case "Mul": result = elementwise { call(.mul, $0, $1) }
        case "Div" where dt.isFloat: result = elementwise { call(.div, $0, $1) }
        default: return
        }
        if let result, result.count == count { dataExprs[id] = result }
    }

    /// Range(start, limit, delta) with run-time scalars: length max(ceil((limit - start) / delta), 0),
    /// values start + i * delta.
    mutating func dynamicRange(_ n: ONNXNode) throws(NodeError) -> ValueID {
        guard let start = try shapeData(n, 0), let limit = try shapeData(n, 1), let delta = try shapeData(n, 2),
              start.count == 1, limit.count == 1, delta.count == 1 else { throw NodeError("Range takes three scalars") }
        let dt = type(try required(n, 0)).dtype
        try require(call(.ne, delta[0], .int(0)), "delta is 0")
        let (l, s0, dl) = (call(.mul, limit[0], .float(1)), call(.mul, start[0], .float(1)), call(.mul, delta[0], .float(1)))
        let steps = call(.ceil, call(.div, call(.sub, l, s0), dl))
        let count = valueDim(call(.max, steps, .int(0)))
        let i = try iota(count, axis: 0, rank: 1)
        let s = try tensorInput(n, 0), d = try tensorInput(n, 2)
        let scaled = try emit(.mul, [try emit(.cast, [i], attributes: ["to": .string(dt.rawValue)]), d])
        return try emit(.add, [scaled, s])
    }
}

extension ONNXImporter {
    /// `ceil(a / b)` for b > 0 in integer arithmetic (no overflow for the sizes here).
    func ceilDiv(_ a: SymExpr, _ b: SymExpr) -> SymExpr { call(.sub, .int(0), call(.div, call(.sub, .int(0), a), b)) }

    /// Slice with starts/ends/axes/steps from data: per dim, ONNX's clamping rules give the
    /// first element, the step and the extent as value symbols; the `slice` op's offset
    /// form reads them at run time.
    mutating func dynamicSlice(_ x: ValueID, starts: [SymExpr], ends: [SymExpr], axes rawAxes: [SymExpr]?,
                               steps rawSteps: [SymExpr]?) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        let k = starts.count
        guard ends.count == k, rawAxes.map({ $0.count == k }) ?? true, rawSteps.map({ $0.count == k }) ?? true else {
            throw NodeError("starts, ends, axes and steps must have the same length")
        }
        let axes = try dataAxes(rawAxes ?? (0..<k).map { .int($0) }, rank: t.rank, what: "axes")
        let steps = rawSteps ?? [SymExpr](repeating: .int(1), count: k)
        for (i, s) in steps.enumerated() { try require(call(.ne, s, .int(0)), "steps entry \(i) is 0") }
        var offsets: [Dim] = [], stepDims: [Dim] = [], shape: [Dim] = [], sliced: [Int] = []
        for d in 0..<t.rank {
            let dim = SymExpr(t.shape[d])
            var offset = SymExpr.int(0), step = SymExpr.int(1), count = dim
            // Entries beyond +-(dim + 1) act like +-(dim + 1); clamping first keeps the
            // arithmetic below (evaluated on both sides of each select) free of overflow.
            let bound = call(.add, dim, .int(1)), low = call(.sub, .int(-1), dim)
            for j in (0..<k).reversed() {
                let (s, e, st) = (call(.clamp, starts[j], low, bound), call(.clamp, ends[j], low, bound), call(.clamp, steps[j], low, bound))
                let positive = call(.gt, st, .int(0))
                let s1 = call(.select, call(.lt, s, .int(0)), call(.add, s, dim), s)
                let e1 = call(.select, call(.lt, e, .int(0)), call(.add, e, dim), e)
                let first = call(.select, positive, call(.clamp, s1, .int(0), dim), call(.clamp, s1, .int(0), call(.sub, dim, .int(1))))
                let end = call(.select, positive, call(.clamp, e1, .int(0), dim), call(.clamp, e1, .int(-1), call(.sub, dim, .int(1))))
                let n = call(.select, positive, call(.max, ceilDiv(call(.sub, end, first), st), .int(0)),
                             call(.max, ceilDiv(call(.sub, first, end), call(.sub, .int(0), st)), .int(0)))
                let here = call(.eq, axes[j], .int(d))
                offset = call(.select, here, first, offset)
                step = call(.select, here, st, step)
                count = call(.select, here, n, count)
            }
            let (o, st, c) = (valueDim(offset), valueDim(step), valueDim(count))
            if o == .constant(0) && st == .constant(1) && c == t.shape[d] { shape.append(t.shape[d]); continue }
            // An empty extent reads nothing: keep the offset in range for a 0-size dim.
            sliced.append(d); offsets.append(o); stepDims.append(st); shape.append(c)
        }
        if sliced.isEmpty { return x }
        return try emit(.slice, [x], attributes: ["axes": .ints(sliced), "offsets": .dims(offsets), "steps": .dims(stepDims)],
                        explicit: TensorType(t.dtype, shape))
    }

    /// Split with part sizes from data (checked to add up to the dim).
    mutating func dynamicSplit(_ x: ValueID, _ sizes: [SymExpr], axis: Int, outputs: Int) throws(NodeError) -> [ValueID] {
        let t = function.type(of: x)
        guard axis >= 0, axis < t.rank else { throw NodeError("axis \(axis) is out of range") }
        guard sizes.count == outputs else { throw NodeError("split has \(sizes.count) entries for \(outputs) outputs") }
        for (k, s) in sizes.enumerated() { try require(call(.ge, s, .int(0)), "split entry \(k) is negative") }
        try require(call(.eq, sum(sizes), SymExpr(t.shape[axis])), "the split sizes do not add up to dim \(axis) (\(t.shape[axis]))")
        var outs: [ValueID] = []
        var offset = SymExpr.int(0)
        for s in sizes {
            var shape = t.shape
            shape[axis] = valueDim(s)
            outs.append(try emit(.slice, [x], attributes: ["axes": .ints([axis]), "offsets": .dims([valueDim(offset)]), "steps": .ints([1])],
                                 explicit: TensorType(t.dtype, shape)))
            offset = call(.add, offset, s)
        }
        return outs
    }

    /// Pad with pads (and optionally the fill value and axes) from data.
    mutating func dynamicPad(_ n: ONNXNode, _ x: ValueID) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        guard let raw = try shapeData(n, 1) else { throw NodeError("missing pads") }
        var pads = [SymExpr](repeating: .int(0), count: 2 * t.rank)
        if let rawAxes = try shapeData(n, 3) {
            guard raw.count == 2 * rawAxes.count else { throw NodeError("pads has \(raw.count) entries for \(rawAxes.count) axes") }
            let axes = try dataAxes(rawAxes, rank: t.rank, what: "axes")
            for d in 0..<t.rank {
                for (j, a) in axes.enumerated() {
                    let here = call(.eq, a, .int(d))
                    pads[d] = call(.select, here, raw[j], pads[d])
                    pads[d + t.rank] = call(.select, here, raw[j + axes.count], pads[d + t.rank])
                }
            }
        } else {
            guard raw.count == 2 * t.rank else { throw NodeError("pads has \(raw.count) entries for rank \(t.rank)") }
            pads = raw
        }
        for d in 0..<t.rank {
            try require(call(.ge, call(.add, call(.add, SymExpr(t.shape[d]), pads[d]), pads[d + t.rank]), .int(0)),
                        "the pads make dim \(d) negative")
        }
        let mode = n.string("mode", "constant")
        var operands = [x]
        var attrs: Attributes = ["pads": .dims(pads.map(valueDim)), "mode": .string(mode)]
        switch try input(n, 2) {
        case .tensor(let v)? where mode == "constant":
            guard function.type(of: v).dtype == t.dtype else { throw NodeError("the pad value's type differs from the input's") }
            operands.append(try emit(.reshape, [v], explicit: TensorType(t.dtype, [])))
        case .constant(let c)?: attrs["value"] = .float(c.values.first ?? 0)
        default: attrs["value"] = .float(0)
        }
        return try emit(.pad, operands, attributes: attrs)
    }
}

extension ONNXImporter {
    func runTimeSliceInputs(_ n: ONNXNode) throws(NodeError) -> Bool {
        for i in 1...4 where try isRunTimeData(n, i) { return true }
        return false
    }
    func runTimePadInputs(_ n: ONNXNode) throws(NodeError) -> Bool {
        for i in 1...3 where try isRunTimeData(n, i) { return true }
        return false
    }
}

extension ONNXImporter {
    /// OneHot with the depth (and/or the off/on values) from data.
    mutating func dynamicOneHot(_ n: ONNXNode) throws(NodeError) -> ValueID {
        guard let depthData = try shapeData(n, 1), depthData.count == 1 else { throw NodeError("depth must have one element") }
        let valuesValue = try required(n, 2)
        guard type(valuesValue).elementCount == .constant(2) else { throw NodeError("values must have two elements") }
        // ONNX casts a float depth to an integer (truncation toward zero).
        let depthExpr = call(.select, call(.lt, depthData[0], .int(0)), call(.ceil, depthData[0]), call(.floor, depthData[0]))
        try require(call(.gt, depthExpr, .int(0)), "depth is not positive")
        let depth = valueDim(depthExpr)
        let indices = try emit(.cast, [try tensorInput(n, 0)], attributes: ["to": .string("i64")])
        let it = function.type(of: indices)
        let rank = it.rank + 1
        let axis = n.int("axis", -1) < 0 ? n.int("axis", -1) + rank : n.int("axis", -1)
        guard axis >= 0, axis < rank else { throw NodeError("axis \(n.int("axis", -1)) is out of range") }
        // Negative indices count from the end: index + depth.
        let depthTensor = try emit(.expand, [try scalar(1, .i64)], explicit: TensorType(.i64, [depth]))
        let depthScalar = try emit(.reduceSum, [depthTensor], attributes: ["axes": .ints([0]), "keepdims": .int(0)])
        let negative = try emit(.less, [indices, try scalar(0, .i64)])
        let wrapped = try emit(.select, [negative, try emit(.add, [indices, depthScalar]), indices])
        var shape = it.shape
        shape.insert(.constant(1), at: axis)
        let expanded = try emit(.reshape, [wrapped], explicit: TensorType(.i64, shape))
        let hit = try emit(.equal, [expanded, try iota(depth, axis: axis, rank: rank)])
        let values = try tensor(valuesValue)
        let vt = function.type(of: values)
        let flat = try emit(.reshape, [values], explicit: TensorType(vt.dtype, [.constant(2)]))
        func element(_ i: Int) throws(NodeError) -> ValueID {
            let s = try emit(.slice, [flat], attributes: ["starts": .ints([i]), "ends": .ints([i + 1]), "axes": .ints([0])])
            return try emit(.reshape, [s], explicit: TensorType(vt.dtype, []))
        }
        return try emit(.select, [hit, try element(1), try element(0)])
    }
}

extension ONNXImporter {
    /// ReduceSum over axes from data: sum to the kept-dims shape (listed axes become 1,
    /// decided at run time), then squeeze them when keepdims is 0.
    mutating func dynamicReduceSum(_ x: ValueID, _ raw: [SymExpr], keepdims: Bool) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        let axes = try dataAxes(raw, rank: t.rank, what: "axes")
        let dims = (0..<t.rank).map { i in
            valueDim(call(.select, any(axes.map { call(.eq, $0, .int(i)) }), .int(1), SymExpr(t.shape[i])))
        }
        let summed = try emit(.reduceSum, [x], attributes: ["to_shape": .int(1)], explicit: TensorType(t.dtype, dims))
        return keepdims ? summed : try dynamicSqueeze(summed, raw)
    }
}

extension ONNXImporter {
    /// Hann/Hamming/Blackman windows of a size given as data (or a constant):
    /// a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N), N = size (periodic) or size - 1.
    mutating func window(_ n: ONNXNode) throws(NodeError) -> ValueID {
        guard let size = try shapeData(n, 0), size.count == 1 else { throw NodeError("size must be a scalar") }
        guard let dt = mirDType(n.int("output_datatype", 1)) else { throw .unsupported("output_datatype \(n.int("output_datatype", 1))") }
        try require(call(.ge, size[0], .int(0)), "size is negative")
        let count = valueDim(size[0])
        let (a0, a1, a2): (Double, Double, Double)
        switch n.opType {
        case "HannWindow": (a0, a1, a2) = (0.5, 0.5, 0)
        case "HammingWindow": (a0, a1, a2) = (25.0 / 46.0, 21.0 / 46.0, 0)
        default: (a0, a1, a2) = (0.42, 0.5, 0.08)
        }
        let index = try emit(.cast, [try iota(count, axis: 0, rank: 1)], attributes: ["to": .string("f32")])
        let sizeF = try emit(.cast, [try tensorInput(n, 0)], attributes: ["to": .string("f32")])
        let denominator = n.int("periodic", 1) != 0 ? sizeF : try emit(.sub, [sizeF, try scalar(1, .f32)])
        let angle = try emit(.div, [try emit(.mul, [index, try scalar(2 * Double.pi, .f32)]), denominator])
        var w = try emit(.sub, [try scalar(a0, .f32), try emit(.mul, [try scalar(a1, .f32), try emit(.cos, [angle])])])
        if a2 != 0 {
            let twice = try emit(.mul, [angle, try scalar(2, .f32)])
            w = try emit(.add, [w, try emit(.mul, [try scalar(a2, .f32), try emit(.cos, [twice])])])
        }
        return dt == .f32 ? w : try emit(.cast, [w], attributes: ["to": .string(dt.rawValue)])
    }
}
