/// The shape rule of every op category (see OpKind.info). One function, shared by the M
/// front end, the ONNX importer, the MIR text parser and the verifier.
extension OpKind {
    /// TopK's k: an int attribute, or a one-element dim list (a value symbol).
    public static func topkK(_ attrs: Attributes) -> Dim? {
        if let v = attrs["k"]?.intValue { return .constant(v) }
        if case .symbolicDims(let ds)? = attrs["k"], ds.count == 1 { return ds[0] }
        return nil
    }

    /// `valueSymbols`: the function's value symbols. An explicit result type (reshape,
    /// expand) whose dims use them is taken as written: the relation to the operand holds
    /// only for the run-time values, and the function's `check`s enforce it.
    public func inferResultType(
        operands: [TensorType], attributes attrs: Attributes, explicit: TensorType? = nil,
        valueSymbols: Set<String> = []
    ) throws(ShapeError) -> TensorType {
        guard info.arity.contains(operands.count) else {
            let a = info.arity
            throw ShapeError("'\(rawValue)' takes \(a.lowerBound == a.upperBound ? "\(a.lowerBound)" : "\(a.lowerBound) to \(a.upperBound)") operands, got \(operands.count)")
        }
        for name in attrs.keys where !info.attributes.contains(name) {
            throw ShapeError("'\(rawValue)' has no attribute '\(name)'")
        }
        if requiresFloat, let x = operands.first, !x.dtype.isFloat {
            throw ShapeError("'\(rawValue)' expects a float tensor, got \(x)")
        }
        switch info.category {
        case .source:
            guard let explicit else { throw ShapeError("'\(rawValue)' needs an explicit result type") }
            guard attrs["name"]?.stringValue != nil else { throw ShapeError("'param' needs a name attribute") }
            return explicit
        case .elementwiseUnary:
            if self == .dropout { return try inferDropout(operands, attrs) }
            return try inferUnary(operands[0], attrs)
        case .elementwiseBinary:
            if self == .fused {
                guard let text = attrs["program"]?.stringValue else { throw ShapeError("'fused' needs a program") }
                _ = try FusedProgram(parsing: text, operandCount: operands.count)
            }
            return try inferElementwise(operands)
        case .reduction where attrs["to_shape"] != nil:
            let x = operands[0]
            guard self == .reduceSum, attrs["axes"] == nil, attrs["keepdims"] == nil else {
                throw ShapeError("'to_shape' is a form of reduce_sum alone (without axes or keepdims)")
            }
            guard let explicit, explicit.dtype == x.dtype, explicit.rank == x.rank, x.dtype != .bool else {
                throw ShapeError("'reduce_sum' to_shape needs an explicit result type of the operand's dtype and rank")
            }
            for (i, (a, b)) in zip(x.shape, explicit.shape).enumerated()
            where !(a == b || b == .constant(1) || b.symbols.contains(where: valueSymbols.contains)) {
                throw ShapeError("'reduce_sum' to_shape: result dim \(i) (\(b)) is neither the operand's (\(a)) nor 1")
            }
            return explicit
        case .reduction:
            if self == .cumsum, operands.count == 2 { return try inferRuntimeAxisCumsum(operands, attrs) }
            if self == .tfidfVectorizer { return try inferTfIdf(operands[0], attrs) }
            if self == .nonMaxSuppression {
                // boxes f32 [b, n, 4], scores f32 [b, c, n], scalar (or [1]) i64 max and f32 thresholds.
                let (b, s) = (operands[0], operands[1])
                guard b.dtype == .f32, s.dtype == .f32, b.rank == 3, s.rank == 3, b.shape[2] == .constant(4) else {
                    throw ShapeError("'non_max_suppression' expects f32 boxes [b, n, 4] and scores [b, c, n], got \(b) and \(s)")
                }
                for (i, dt) in [(2, DType.i64), (3, .f32), (4, .f32)] where operands[i].dtype != dt || operands[i].elementCount != .constant(1) {
                    throw ShapeError("'non_max_suppression' operand \(i) must be one \(dt), got \(operands[i])")
                }
                guard let explicit, explicit.dtype == .i64, explicit.rank == 2, explicit.shape[1] == .constant(3) else {
                    throw ShapeError("'non_max_suppression' needs an explicit result type i64[count, 3]")
                }
                return explicit
            }
            if self == .unique {
                let x = operands[0]
                let axis = attrs["axis"]?.intValue
                if let axis, axis < 0 || axis >= x.rank { throw ShapeError("'unique' axis \(axis) is out of range for \(x)") }
                let output = attrs["output"]?.stringValue ?? "indices"
                guard ["indices", "inverse", "counts"].contains(output) else {
                    throw ShapeError("'unique' output must be indices, inverse or counts, got '\(output)'")
                }
                guard let explicit, explicit.dtype == .i64, explicit.rank == 1 else {
                    throw ShapeError("'unique' needs an explicit result type i64[n]")
                }
                if output == "inverse" {
                    let len = axis.map { x.shape[$0] } ?? x.elementCount
                    guard explicit.shape[0] == len else { throw ShapeError("'unique' inverse has one entry per slice: i64[\(len)], got \(explicit)") }
                }
                return explicit
            }
            if self == .nonzero {
                // The count is data: the explicit type's second dim (a count_nonzero value symbol).
                guard let explicit, explicit.dtype == .i64, explicit.rank == 2, explicit.shape[0] == .constant(operands[0].rank) else {
                    throw ShapeError("'nonzero' needs an explicit result type i64[\(operands[0].rank), count]")
                }
                return explicit
            }
            return try inferReduction(operands[0], attrs)
        case .contraction: return try inferMatmul(operands)
        case .convolution: return try inferConvolution(operands, attrs)
        case .pooling:
            let x = operands[0]
            if self == .maxPool2dBackward || self == .avgPool2dBackward { return try inferPoolBackward(operands, attrs) }
            guard x.rank == 4 else { throw ShapeError("'\(rawValue)' expects a rank-4 NCHW input, got rank \(x.rank) (\(x))") }
            let w = try WindowParams(attrs)
            let h = try w.outputDim(x.shape[2], axis: 0, kernelSize: w.kernel[0])
            let wd = try w.outputDim(x.shape[3], axis: 1, kernelSize: w.kernel[1])
            if self == .maxPool2dIndices, ![0, 1].contains(attrs["storage_order"]?.intValue ?? 0) {
                throw ShapeError("'max_pool2d_indices' storage_order must be 0 (row-major) or 1 (column-major)")
            }
            return TensorType(self == .maxPool2dIndices ? .i64 : x.dtype, [x.shape[0], x.shape[1], h, wd])
        case .normalization:
            let x = operands[0]
            if self == .batchNorm { return try inferBatchNorm(operands, attrs) }
            if self == .layerNorm { return try inferLayerNorm(operands, attrs) }
            guard x.rank >= 1 else { throw ShapeError("'\(rawValue)' expects rank >= 1") }
            _ = try normalizeAxis(attrs["axis"]?.intValue ?? -1, rank: x.rank)
            return x
        case .movement: return try inferMovement(operands, attrs, explicit: explicit, valueSymbols: valueSymbols)
        case .quantized: return try inferQuantized(operands, attrs)
        case .sparse: return try inferSparseMatmul(operands, explicit: explicit)
        case .blocked: return try inferBlocked(operands, attrs)
        case .attention: return try AttentionLayout(attrs).resultType(operands)
        case .recurrent: return try inferLSTMSequence(operands, attrs)
        }
    }

    private func inferUnary(_ x: TensorType, _ attrs: Attributes) throws(ShapeError) -> TensorType {
        switch self {
        case .isNaN, .isInf: return TensorType(.bool, x.shape)
        case .logicalNot:
            guard x.dtype == .bool else { throw ShapeError("'not' expects a bool tensor, got \(x)") }
            return x
        case .cast:
            guard let name = attrs["to"]?.stringValue, let to = DType(rawValue: name) else {
                throw ShapeError("'cast' needs a 'to' attribute naming a dtype")
            }
            return TensorType(to, x.shape)
        case .neg, .abs, .sign:
            guard x.dtype != .bool else { throw ShapeError("'\(rawValue)' expects a numeric tensor, got \(x)") }
            return x
        default: return x
        }
    }

    private func inferElementwise(_ ops: [TensorType]) throws(ShapeError) -> TensorType {
        var shape = ops[0].shape
        for o in ops.dropFirst() { shape = try broadcastShapes(shape, o.shape) }
        switch self {
        case .fused:
            guard ops.allSatisfy({ $0.dtype == ops[0].dtype }), ops[0].dtype != .bool else {
                throw ShapeError("'fused' operands must share one numeric dtype")
            }
            return TensorType(ops[0].dtype, shape)
        case .select:
            guard ops[0].dtype == .bool else { throw ShapeError("'where' expects a bool condition, got \(ops[0])") }
            guard ops[1].dtype == ops[2].dtype else { throw ShapeError("'where' branches differ in dtype: \(ops[1]) and \(ops[2])") }
            return TensorType(ops[1].dtype, shape)
        case .logicalAnd, .logicalOr, .logicalXor:
            guard ops[0].dtype == .bool, ops[1].dtype == .bool else { throw ShapeError("'\(rawValue)' expects bool tensors") }
            return TensorType(.bool, shape)
        default: break
        }
        guard ops[0].dtype == ops[1].dtype else {
            throw ShapeError("'\(rawValue)' operands differ in dtype: \(ops[0]) and \(ops[1])")
        }
        switch self {
        case .equal, .less, .lessEqual, .greater, .greaterEqual: return TensorType(.bool, shape)
        case .shiftLeft, .shiftRight:
            guard ops[0].dtype.isInteger else { throw ShapeError("'\(rawValue)' expects integer tensors, got \(ops[0])") }
            return TensorType(ops[0].dtype, shape)
        default:
            guard ops[0].dtype != .bool else { throw ShapeError("'\(rawValue)' expects numeric tensors, got \(ops[0])") }
            return TensorType(ops[0].dtype, shape)
        }
    }

    /// Reduced axes of a reduction, normalized and sorted.
    public static func reductionAxes(_ attrs: Attributes, rank: Int) throws(ShapeError) -> [Int] {
        guard attrs["to_shape"] == nil else { throw ShapeError("reduce_sum to_shape reduces axes chosen at run time") }
        let raw = attrs["axes"]?.intsValue ?? []
        if raw.isEmpty { return Array(0..<rank) }
        var out: [Int] = []
        for a in raw { out.append(try normalizeAxis(a, rank: rank)) }
        guard Set(out).count == out.count else { throw ShapeError("reduction axes \(raw) repeat an axis") }
        return out.sorted()
    }

    /// cumsum x, axis: the axis is data (an integer scalar or [1]), so only its form is checked here;
    /// the kernel normalizes it (negative counts from the end) at run time.
    private func inferRuntimeAxisCumsum(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        guard attrs["axis"] == nil else { throw ShapeError("'cumsum' takes its axis as an attribute or as operand #1, not both") }
        guard ops[0].rank >= 1 else { throw ShapeError("'cumsum' expects rank >= 1, got \(ops[0])") }
        let a = ops[1]
        guard a.dtype == .i64 || a.dtype == .i32 else { throw ShapeError("'cumsum' axis operand must be i32 or i64, got \(a)") }
        guard a.rank == 0 || (a.rank == 1 && a.shape[0].constantValue == 1) else {
            throw ShapeError("'cumsum' axis operand must be a scalar or hold one element, got \(a)")
        }
        return ops[0]
    }

    private func inferReduction(_ x: TensorType, _ attrs: Attributes) throws(ShapeError) -> TensorType {
        let keep = (attrs["keepdims"]?.intValue ?? 1) != 0
        switch self {
        case .cumsum:
            _ = try normalizeAxis(attrs["axis"]?.intValue ?? 0, rank: x.rank)
            return x
        case .argmax, .argmin, .topkValues, .topkIndices:
            let axis = try normalizeAxis(attrs["axis"]?.intValue ?? (self == .topkValues || self == .topkIndices ? -1 : 0), rank: x.rank)
            guard x.rank >= 1 else { throw ShapeError("'\(rawValue)' expects rank >= 1") }
            if self == .topkValues || self == .topkIndices {
                // k is an int, or a one-dim list naming a value symbol (`k = [k0]`: k from data).
                guard let k = OpKind.topkK(attrs), (k.constantValue ?? 0) >= 0 else { throw ShapeError("'\(rawValue)' needs k >= 0") }
                if let n = x.shape[axis].constantValue, let kv = k.constantValue, kv > n {
                    throw ShapeError("top-k of \(kv) exceeds the axis size \(n)")
                }
                var shape = x.shape
                shape[axis] = k
                return TensorType(self == .topkValues ? x.dtype : .i64, shape)
            }
            var shape = x.shape
            if keep { shape[axis] = .constant(1) } else { shape.remove(at: axis) }
            return TensorType(.i64, shape)
        default:
            guard x.dtype != .bool else { throw ShapeError("'\(rawValue)' expects a numeric tensor") }
            let axes = try OpKind.reductionAxes(attrs, rank: x.rank)
            var shape: [Dim] = []
            for (i, d) in x.shape.enumerated() {
                if axes.contains(i) { if keep { shape.append(.constant(1)) } } else { shape.append(d) }
            }
            return TensorType(x.dtype, shape)
        }
    }

    private func inferMatmul(_ ops: [TensorType]) throws(ShapeError) -> TensorType {
        let (a, b) = (ops[0], ops[1])
        guard a.dtype == b.dtype else { throw ShapeError("'matmul' operands differ in dtype: \(a) and \(b)") }
        guard a.rank >= 2, b.rank >= 2 else { throw ShapeError("'matmul' expects operands of rank >= 2, got \(a) and \(b)") }
        guard a.shape[a.rank - 1] == b.shape[b.rank - 2] else {
            throw ShapeError("'matmul' contraction dims differ: \(a.shape[a.rank - 1]) (from \(a)) vs \(b.shape[b.rank - 2]) (from \(b))")
        }
        let batch = try broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)))
        let result = TensorType(a.dtype, batch + [a.shape[a.rank - 2], b.shape[b.rank - 1]])
        // fuse-epilogue's operands: a bias per output column, then a residual added elementwise.
        if ops.count >= 3 {
            guard a.dtype.isFloat, ops[2] == TensorType(a.dtype, [b.shape[b.rank - 1]]) else {
                throw ShapeError("'matmul' bias must be \(a.dtype)[\(b.shape[b.rank - 1])] (float), got \(ops[2])")
            }
        }
        if ops.count == 4, ops[3] != result {
            throw ShapeError("'matmul' residual must have the result's type \(result), got \(ops[3])")
        }
        return result
    }

    private func inferConvolution(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        if self == .conv2dBackwardFilter { return try inferConvBackwardFilter(ops, attrs) }
        let x = ops[0], w = ops[1]
        guard x.rank == 4 else { throw ShapeError("'\(rawValue)' expects a rank-4 NCHW input, got rank \(x.rank) (\(x))") }
        guard w.rank == 4, let kh = w.shape[2].constantValue, let kw = w.shape[3].constantValue,
              let w0 = w.shape[0].constantValue, let w1 = w.shape[1].constantValue else {
            throw ShapeError("'\(rawValue)' expects a static rank-4 weight, got \(w)")
        }
        guard x.dtype == w.dtype, x.dtype.isFloat else { throw ShapeError("'\(rawValue)' expects float input and weight of one dtype") }
        let p = try WindowParams(attrs)
        let transposed = self == .convTranspose2d
        // conv2d weight: [out, in/groups, kh, kw]; conv_transpose2d weight: [in, out/groups, kh, kw].
        let outC = transposed ? w1 * p.groups : w0
        let inC = transposed ? w0 : w1 * p.groups
        guard transposed || w0 % p.groups == 0 else {
            throw ShapeError("'conv2d' output channels \(w0) are not divisible by groups \(p.groups)")
        }
        guard x.shape[1] == .constant(inC) else {
            throw ShapeError("'\(rawValue)' input has \(x.shape[1]) channels but the weight expects \(inC)")
        }
        if ops.count >= 3 {
            guard ops[2].rank == 1, ops[2].shape[0] == .constant(outC), ops[2].dtype == x.dtype else {
                throw ShapeError("'\(rawValue)' bias must be \(x.dtype)[\(outC)], got \(ops[2])")
            }
        }
        if transposed {
            let outPad = attrs["output_padding"]?.intsValue ?? [0, 0]
            guard outPad.count == 2 else { throw ShapeError("output_padding must have 2 entries") }
            var dims: [Dim] = []
            for axis in 0..<2 {
                let k = axis == 0 ? kh : kw
                let fixed = outPad[axis] + p.dilations[axis] * (k - 1) + 1 - p.pads[axis] - p.pads[axis + 2]
                dims.append(.constant(p.strides[axis]) * (x.shape[2 + axis] - .constant(1)) + .constant(fixed))
            }
            return TensorType(x.dtype, [x.shape[0], .constant(outC), dims[0], dims[1]])
        }
        let h = try p.outputDim(x.shape[2], axis: 0, kernelSize: kh)
        let wd = try p.outputDim(x.shape[3], axis: 1, kernelSize: kw)
        let result = TensorType(x.dtype, [x.shape[0], .constant(outC), h, wd])
        // fuse-epilogue's residual operand (a skip connection) is added elementwise: no broadcast.
        if ops.count == 4, p.groups != 1 {
            throw ShapeError("'conv2d' takes a residual only with groups = 1 (the GEMM kernel adds it), got groups \(p.groups)")
        }
        if ops.count == 4, ops[3] != result {
            throw ShapeError("'conv2d' residual must have the result's type \(result), got \(ops[3])")
        }
        return result
    }
}
