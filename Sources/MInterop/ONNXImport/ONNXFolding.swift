import MIR

/// Compile-time evaluation of constant subgraphs, chiefly the shape arithmetic that
/// exporters emit (Shape -> Gather -> Unsqueeze -> Concat -> Reshape). Entries may be
/// symbolic dims, so a model exported with a dynamic batch still gets a static graph.
extension ONNXImporter {
    static let foldable: Set<String> = ["Identity", "Cast", "Unsqueeze", "Squeeze", "Reshape", "Flatten", "Concat",
                                        "Gather", "Slice", "Add", "Sub", "Mul", "Div", "Neg", "Equal", "Where",
                                        "Range", "ReduceProd", "Min", "Max", "Abs", "Floor", "Ceil", "Sqrt"]

    mutating func fold(_ n: ONNXNode) throws(NodeError) -> [ImportValue]? {
        switch n.opType {
        case "Constant":
            if let t = n.tensorAttribute("value") { return [.constant(try ConstTensor(t))] }
            if n.has("value_float") { return [.constant(.scalar(n.float("value_float", 0), .f32))] }
            if let fs = n.floats("value_floats") { return [.constant(ConstTensor(dtype: .f32, shape: [fs.count], values: fs))] }
            if n.has("value_int") { return [.constant(.scalar(Double(n.int("value_int", 0)), .i64))] }
            if let iv = n.ints("value_ints") { return [.constant(ConstTensor(dtype: .i64, shape: [iv.count], values: iv.map(Double.init)))] }
            throw .unsupported("this kind of Constant value")
        case "Shape":
            let dims = type(try required(n, 0)).shape
            let rank = dims.count
            func clampIndex(_ i: Int) -> Int { min(max(i < 0 ? i + rank : i, 0), rank) }
            let start = clampIndex(n.int("start", 0)), end = clampIndex(n.int("end", rank))
            return [.constant(ConstTensor(dims: start < end ? Array(dims[start..<end]) : []))]
        case "Size":
            var c = ConstTensor(dims: [type(try required(n, 0)).shape.product])
            c.shape = []
            return [.constant(c)]
        default: break
        }
        guard Self.foldable.contains(n.opType) else { return nil }
        var inputs: [ConstTensor?] = []
        for i in 0..<n.inputs.count {
            guard let v = try input(n, i) else { inputs.append(nil); continue }
            guard case .constant(let c) = v, c.count <= 1 << 16, c.raw == nil || c.count <= 1 << 16 else { return nil }
            if c.values.count != c.count && c.dims == nil { return nil }
            inputs.append(c)
        }
        guard let x = inputs.first ?? nil else { return nil }
        return try foldConstants(n, x, inputs)
    }

    func foldConstants(_ n: ONNXNode, _ x: ConstTensor, _ inputs: [ConstTensor?]) throws(NodeError) -> [ImportValue]? {
        func arg(_ i: Int) -> ConstTensor? { i < inputs.count ? inputs[i] : nil }
        func reshape(_ c: ConstTensor, _ shape: [Int]) -> ConstTensor {
            var r = c
            r.shape = shape
            if shape.count != 1 { r.dims = shape.isEmpty && c.dims?.count == 1 ? c.dims : nil }
            if shape.isEmpty, let d = c.dims { r.dims = d }
            return r
        }
        switch n.opType {
        case "Identity": return [.constant(x)]
        case "Cast":
            guard let to = mirDType(n.int("to", 0)) else { return nil }
            var c = x
            c.dtype = to; c.raw = nil
            if to.isInteger { c.values = c.values.map { $0.rounded(.towardZero) } } else { c.dims = nil }
            if to == .bool { c.values = c.values.map { $0 != 0 ? 1 : 0 } }
            return [.constant(c)]
        case "Unsqueeze", "Squeeze", "Reshape", "Flatten":
            // Only the shape changes; reuse the importer's shape logic on a static type.
            var shape = x.shape
            switch n.opType {
            case "Unsqueeze":
                guard let axes = n.ints("axes") ?? arg(1)?.ints else { return nil }
                let rank = shape.count + axes.count
                for a in axes.map({ $0 < 0 ? $0 + rank : $0 }).sorted() where a >= 0 && a <= shape.count { shape.insert(1, at: a) }
            case "Squeeze":
                let axes = (n.ints("axes") ?? arg(1)?.ints)?.map { $0 < 0 ? $0 + shape.count : $0 }
                var kept: [Int] = []
                for (i, d) in shape.enumerated() where !(axes?.contains(i) ?? (d == 1)) { kept.append(d) }
                shape = kept
            case "Flatten":
                let axis = n.int("axis", 1) < 0 ? n.int("axis", 1) + shape.count : n.int("axis", 1)
                shape = [shape.prefix(axis).reduce(1, *), shape.dropFirst(axis).reduce(1, *)]
            default:
                guard let target = arg(1)?.ints else { return nil }
                var out = target
                for (i, d) in target.enumerated() where d == 0 && i < shape.count { out[i] = shape[i] }
                if let i = out.firstIndex(of: -1) {
                    let known = out.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
                    guard known != 0 else { return nil }
                    out[i] = x.count / known
                }
                shape = out
            }
            guard shape.reduce(1, *) == x.count else { return nil }
            return [.constant(reshape(x, shape))]
        case "Concat":
            guard x.shape.count == 1 else { return nil }
            var dims: [Dim] = []
            var vals: [Double] = []
            for c in inputs { guard let c, c.shape.count == 1, c.dtype == x.dtype else { return nil }; dims += c.asDims; vals += c.values }
            var out = ConstTensor(dtype: x.dtype, shape: [vals.count], values: vals)
            if inputs.contains(where: { $0?.dims != nil }) { out.dims = dims }
            return [.constant(out)]
        case "Gather":
            guard let idx = arg(1), x.shape.count == 1, n.int("axis", 0) == 0 else { return nil }
            let entries = x.asDims
            var picked: [Dim] = []
            for i in idx.ints {
                let j = i < 0 ? i + entries.count : i
                guard j >= 0, j < entries.count else { throw NodeError("Gather index \(i) is out of range") }
                picked.append(entries[j])
            }
            var out = ConstTensor(dims: picked)
            out.dtype = x.dtype
            if x.dims == nil { out.dims = nil; out.values = picked.map { Double($0.constantValue ?? 0) } }
            out.shape = idx.shape
            return [.constant(out)]
        case "Slice":
            guard x.shape.count == 1 else { return nil }
            let starts = n.ints("starts") ?? arg(1)?.ints ?? [], ends = n.ints("ends") ?? arg(2)?.ints ?? []
            let steps = arg(4)?.ints ?? [1]
            guard starts.count == 1, ends.count == 1, steps.count == 1, steps[0] != 0 else { return nil }
            let r = sliceRange(dim: x.shape[0], start: starts[0], end: ends[0], step: steps[0])
            let entries = x.asDims
            let picked = (0..<r.count).map { entries[r.start + $0 * steps[0]] }
            var out = ConstTensor(dims: picked)
            out.dtype = x.dtype
            if x.dims == nil { out.dims = nil; out.values = (0..<r.count).map { x.values[r.start + $0 * steps[0]] } }
            return [.constant(out)]
        case "Add", "Sub", "Mul", "Div", "Equal", "Min", "Max":
            guard let y = arg(1), x.dtype == y.dtype else { return nil }
            let count = max(x.count, y.count)
            guard x.count == y.count || x.count == 1 || y.count == 1 else { return nil }
            let shape = x.count >= y.count ? x.shape : y.shape
            let symbolic = x.dims != nil || y.dims != nil
            if symbolic && n.opType != "Equal" {
                let a = x.asDims, b = y.asDims
                var dims: [Dim] = []
                for i in 0..<count {
                    let p = a[x.count == 1 ? 0 : i], q = b[y.count == 1 ? 0 : i]
                    switch n.opType {
                    case "Add": dims.append(p + q)
                    case "Sub": dims.append(p - q)
                    case "Mul": dims.append(p * q)
                    case "Div": dims.append(Dim.quotient(p, q))
                    default: return nil
                    }
                }
                var out = ConstTensor(dims: dims)
                out.shape = shape
                return [.constant(out)]
            }
            var vals: [Double] = []
            for i in 0..<count {
                let p = x.values[x.count == 1 ? 0 : i], q = y.values[y.count == 1 ? 0 : i]
                switch n.opType {
                case "Add": vals.append(p + q)
                case "Sub": vals.append(p - q)
                case "Mul": vals.append(p * q)
                case "Div": vals.append(x.dtype.isInteger ? (q == 0 ? 0 : (p / q).rounded(.towardZero)) : p / q)
                case "Min": vals.append(min(p, q))
                case "Max": vals.append(max(p, q))
                default: vals.append(p == q ? 1 : 0)
                }
            }
            return [.constant(ConstTensor(dtype: n.opType == "Equal" ? .bool : x.dtype, shape: shape, values: vals))]
        case "Neg", "Abs", "Floor", "Ceil", "Sqrt":
            guard x.dims == nil || n.opType == "Neg" else { return nil }
            if let d = x.dims { var out = ConstTensor(dims: d.map { .constant(0) - $0 }); out.shape = x.shape; return [.constant(out)] }
            var c = x
            c.raw = nil
            c.values = x.values.map { v in
                switch n.opType {
                case "Neg": return -v
                case "Abs": return Swift.abs(v)
                case "Floor": return v.rounded(.down)
                case "Ceil": return v.rounded(.up)
                default: return v.squareRoot()
                }
            }
            return [.constant(c)]
        case "Where":
            guard let a = arg(1), let b = arg(2), x.count == a.count, a.count == b.count, a.dims == nil, b.dims == nil else { return nil }
            let vals = (0..<x.count).map { x.values[$0] != 0 ? a.values[$0] : b.values[$0] }
            return [.constant(ConstTensor(dtype: a.dtype, shape: a.shape, values: vals))]
        case "Range":
            guard let limit = arg(1)?.values.first, let delta = arg(2)?.values.first, let start = x.values.first, delta != 0 else { return nil }
            let count = max(0, Int(((limit - start) / delta).rounded(.up)))
            guard count <= 1 << 24 else { throw .unsupported("a Range of \(count) elements") }
            return [.constant(ConstTensor(dtype: x.dtype, shape: [count], values: (0..<count).map { start + Double($0) * delta }))]
        case "ReduceProd":
            guard x.shape.count == 1 else { return nil }
            var out = ConstTensor(dims: [x.asDims.product])
            out.dtype = x.dtype
            if x.dims == nil { out.dims = nil; out.values = [x.values.reduce(1, *)] }
            out.shape = n.int("keepdims", 1) != 0 ? [1] : []
            return [.constant(out)]
        default:
            return nil
        }
    }
}
