import MIR

/// ONNX operator -> MIR. Ops not listed are reported as unsupported (all at once).
extension ONNXImporter {
    static let unaryOps: [String: OpKind] = [
        "Abs": .abs, "Neg": .neg, "Sign": .sign, "Relu": .relu, "Sigmoid": .sigmoid, "Tanh": .tanh, "Exp": .exp,
        "Log": .log, "Sqrt": .sqrt, "Erf": .erf, "Floor": .floor, "Ceil": .ceil, "Round": .round,
        "Reciprocal": .reciprocal, "Sin": .sin, "Cos": .cos, "Tan": .tan, "Asin": .asin, "Acos": .acos,
        "Atan": .atan, "Sinh": .sinh, "Cosh": .cosh, "Asinh": .asinh, "Acosh": .acosh, "Atanh": .atanh,
        "Softplus": .softplus, "Softsign": .softsign, "IsNaN": .isNaN, "Not": .logicalNot, "HardSwish": .hardSwish,
    ]
    static let binaryOps: [String: OpKind] = [
        "Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div, "Pow": .pow, "Equal": .equal, "Less": .less,
        "LessOrEqual": .lessEqual, "Greater": .greater, "GreaterOrEqual": .greaterEqual, "And": .logicalAnd,
        "Or": .logicalOr, "Xor": .logicalXor, "Mod": .mod,
        // BitShift's direction attribute picks shift_right at the node.
        "BitShift": .shiftLeft,
    ]

    mutating func convert(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        if n.domain == Self.trainingDomain, Self.optimizerOps.contains(n.opType) { return try optimizer(n) }
        guard n.domain.isEmpty || n.domain == "ai.onnx" else { throw .unsupported("domain '\(n.domain)'") }
        if let folded = try fold(n) { return folded }
        if let kind = Self.unaryOps[n.opType] {
            return [.tensor(try emit(kind, [try tensorInput(n, 0)]))]
        }
        if let kind = Self.binaryOps[n.opType] {
            var a = try tensorInput(n, 0), b = try tensorInput(n, 1)
            if kind == .pow && function.type(of: b).dtype != function.type(of: a).dtype {
                b = try emit(.cast, [b], attributes: ["to": .string(function.type(of: a).dtype.rawValue)])
            }
            if kind == .shiftLeft, n.string("direction", "") == "RIGHT" { return [.tensor(try emit(.shiftRight, [a, b]))] }
            if kind == .mod { return [.tensor(try emit(kind, [a, b], attributes: ["fmod": .int(n.int("fmod", 0))]))] }
            if kind == .div, function.type(of: a).dtype != function.type(of: b).dtype { a = try emit(.cast, [a], attributes: ["to": .string(function.type(of: b).dtype.rawValue)]) }
            return [.tensor(try emit(kind, [a, b]))]
        }
        let first = try input(n, 0)
        let isVolume = ["Conv", "ConvTranspose", "MaxPool", "AveragePool"].contains(n.opType) && first.map { type($0).rank } == 5
        switch n.opType {
        case "Identity", "Dropout":
            if n.opType == "Dropout", let training = try input(n, 2) {
                // A constant zero ratio or a constant false training_mode is the identity; otherwise seeded dropout.
                var identity = false
                if case .constant(let r)? = try input(n, 1), r.values.allSatisfy({ $0 == 0 }) { identity = true }
                if case .constant(let c) = training, c.values.allSatisfy({ $0 == 0 }) { identity = true }
                if !identity { return try trainingDropout(n, training: training) }
            }
            let x = try required(n, 0)
            guard n.opType == "Dropout", n.outputs.count > 1, !n.outputs[1].isEmpty else { return [x] }
            // Dropout that keeps everything (inference, or ratio 0) has an all-true mask.
            let keep = try emit(.expand, [try scalar(1, .bool)], explicit: TensorType(.bool, type(x).shape))
            return [x, .tensor(keep)]
        case "LeakyRelu": return [.tensor(try emit(.leakyRelu, [try tensorInput(n, 0)], attributes: ["alpha": .float(n.float("alpha", 0.01))]))]
        case "Elu": return [.tensor(try emit(.elu, [try tensorInput(n, 0)], attributes: ["alpha": .float(n.float("alpha", 1))]))]
        case "Celu": return [.tensor(try emit(.celu, [try tensorInput(n, 0)], attributes: ["alpha": .float(n.float("alpha", 1))]))]
        case "ThresholdedRelu": return [.tensor(try emit(.thresholdedRelu, [try tensorInput(n, 0)], attributes: ["alpha": .float(n.float("alpha", 1))]))]
        case "Selu":
            return [.tensor(try emit(.selu, [try tensorInput(n, 0)], attributes: [
                "alpha": .float(n.float("alpha", 1.67326319217681884765625)), "gamma": .float(n.float("gamma", 1.05070102214813232421875))]))]
        case "HardSigmoid":
            return [.tensor(try emit(.hardSigmoid, [try tensorInput(n, 0)], attributes: ["alpha": .float(n.float("alpha", 0.2)), "beta": .float(n.float("beta", 0.5))]))]
        case "Gelu": return [.tensor(try emit(.gelu, [try tensorInput(n, 0)], attributes: ["approximate": .string(n.string("approximate", "none"))]))]
        case "IsInf":
            let x = try tensorInput(n, 0)
            let inf = try emit(.isInf, [x])
            let pos = n.int("detect_positive", 1) != 0, neg = n.int("detect_negative", 1) != 0
            if pos && neg { return [.tensor(inf)] }
            let zero = try tensor(.constant(.scalar(0, function.type(of: x).dtype)))
            let side = try emit(pos ? .greater : .less, [x, zero])
            return [.tensor(try emit(.logicalAnd, [inf, side]))]
        case "PRelu":
            let x = try tensorInput(n, 0)
            var slope = try tensorInput(n, 1)
            // A per-channel slope [C] on N, C, ... (older exporters) broadcasts along dim 1.
            let st = function.type(of: slope), xt = function.type(of: x)
            if st.rank == 1, xt.rank > 2, st.shape[0] == xt.shape[1], st.shape[0] != xt.shape[xt.rank - 1] {
                slope = try emit(.reshape, [slope], explicit: TensorType(st.dtype, st.shape + [Dim](repeating: .constant(1), count: xt.rank - 2)))
            }
            let zero = try tensor(.constant(.scalar(0, function.type(of: x).dtype)))
            let negative = try emit(.less, [x, zero])
            return [.tensor(try emit(.select, [negative, try emit(.mul, [x, slope]), x]))]
        case "Clip": return [.tensor(try clip(n))]
        case "Cast":
            guard let to = mirDType(n.int("to", 0)) else { throw .unsupported("Cast to \(onnxTypeName(n.int("to", 0)))") }
            return [.tensor(try emit(.cast, [try tensorInput(n, 0)], attributes: ["to": .string(to.rawValue)]))]
        case "Where":
            return [.tensor(try emit(.select, [try tensorInput(n, 0), try tensorInput(n, 1), try tensorInput(n, 2)]))]
        case "Max", "Min", "Sum", "Mean":
            var acc = try tensorInput(n, 0)
            let kind: OpKind = n.opType == "Max" ? .maximum : n.opType == "Min" ? .minimum : .add
            for i in 1..<max(1, n.inputs.count) { acc = try emit(kind, [acc, try tensorInput(n, i)]) }
            if n.opType == "Mean" {
                let count = try tensor(.constant(.scalar(Double(n.inputs.count), function.type(of: acc).dtype)))
                acc = try emit(.div, [acc, count])
            }
            return [.tensor(acc)]
        case "MatMul": return [.tensor(try matmul(try tensorInput(n, 0), try tensorInput(n, 1)))]
        case "Gemm": return [.tensor(try gemm(n))]
        case _ where isVolume:
            if n.opType == "MaxPool", n.outputs.count > 1, !n.outputs[1].isEmpty { throw .unsupported("the MaxPool Indices output") }
            return [.tensor(try volume(n))]
        case "Conv", "ConvTranspose": return [.tensor(try convolution(n))]
        case "MaxPool", "AveragePool":
            if n.opType == "MaxPool", n.outputs.count > 1, !n.outputs[1].isEmpty { return try maxPoolWithIndices(n) }
            return [.tensor(try pooling(n))]
        case "GlobalAveragePool", "GlobalMaxPool":
            let x = try tensorInput(n, 0)
            let rank = function.type(of: x).rank
            return [.tensor(try emit(n.opType == "GlobalMaxPool" ? .reduceMax : .reduceMean, [x],
                                     attributes: ["axes": .ints(Array(2..<max(2, rank))), "keepdims": .int(1)]))]
        case "BatchNormalization":
            if n.int("training_mode", 0) != 0 || n.outputs.dropFirst().contains(where: { !$0.isEmpty }) { return try trainingBatchNorm(n) }
            return [.tensor(try batchNorm(n))]
        case "InstanceNormalization": return [.tensor(try instanceNorm(n))]
        case "LayerNormalization": return try layerNorm(n)
        case "Softmax", "LogSoftmax": return [.tensor(try softmax(n))]
        case "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Split", "Slice", "Gather",
             "GatherElements", "Expand", "Tile", "Pad", "Resize", "Upsample", "ConstantOfShape", "Range":
            return try movement(n)
        case "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceSumSquare", "ReduceL1", "ReduceL2",
             "ReduceLogSum", "ReduceLogSumExp", "ArgMax", "ArgMin", "CumSum", "TopK":
            return try reduction(n)
        case "QuantizeLinear", "DequantizeLinear": return [.tensor(try quantization(n))]
        case "MatMulInteger", "ConvInteger", "QLinearMatMul", "QLinearConv": return [.tensor(try integerOp(n))]
        case _ where Self.compositeOps.contains(n.opType): return try composite(n)
        case _ where Self.scatterGatherOps.contains(n.opType): return try scatterGather(n)
        case "Einsum": return [.tensor(try einsum(n))]
        case "Det": return [.tensor(try determinant(n))]
        case "DFT": return [.tensor(try dft(n))]
        case "STFT": return [.tensor(try stft(n))]
        case "MelWeightMatrix": return [.tensor(try melWeightMatrix(n))]
        case "GridSample": return [.tensor(try gridSample(n))]
        case "RoiAlign": return [.tensor(try roiAlign(n))]
        case "TfIdfVectorizer": return [.tensor(try tfidfVectorizer(n))]
        case "NonZero": return [try nonZero(n)]
        case "Unique": return try unique(n)
        case "NonMaxSuppression": return [.tensor(try nonMaxSuppression(n))]
        case "Compress": return [.tensor(try compress(n))]
        case "DynamicQuantizeLinear": return try dynamicQuantize(n)
        case _ where Self.localNormOps.contains(n.opType): return [.tensor(try localNorm(n))]
        case "LSTM", "GRU", "RNN": return try recurrent(n)
        default:
            throw .unsupported("no lowering for this op")
        }
    }

    mutating func clip(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0)
        var attrs: Attributes = [:]
        if opset < 11 {
            if n.has("min") { attrs["min"] = .float(n.float("min", 0)) }
            if n.has("max") { attrs["max"] = .float(n.float("max", 0)) }
            return try emit(.clip, [x], attributes: attrs)
        }
        var y = x
        for (i, kind) in [(1, OpKind.maximum), (2, OpKind.minimum)] {
            guard let v = try input(n, i) else { continue }
            if case .constant(let c) = v, c.count == 1 {
                attrs[i == 1 ? "min" : "max"] = .float(c.values[0])
            } else {
                y = try emit(kind, [y, try tensor(v)])
            }
        }
        return attrs.isEmpty ? y : try emit(.clip, [y], attributes: attrs)
    }

    /// MatMul with numpy's rules for 1-D operands (promote, multiply, drop the added dim).
    mutating func matmul(_ a0: ValueID, _ b0: ValueID) throws(NodeError) -> ValueID {
        var a = a0, b = b0
        let at = function.type(of: a), bt = function.type(of: b)
        if at.rank == 1 { a = try emit(.reshape, [a], explicit: TensorType(at.dtype, [.constant(1)] + at.shape)) }
        if bt.rank == 1 { b = try emit(.reshape, [b], explicit: TensorType(bt.dtype, bt.shape + [.constant(1)])) }
        var y = try emit(.matmul, [a, b])
        var shape = function.type(of: y).shape
        if at.rank == 1 { shape.remove(at: shape.count - 2) }
        if bt.rank == 1 { shape.removeLast() }
        if at.rank == 1 || bt.rank == 1 { y = try emit(.reshape, [y], explicit: TensorType(at.dtype, shape)) }
        return y
    }

    mutating func gemm(_ n: ONNXNode) throws(NodeError) -> ValueID {
        var a = try tensorInput(n, 0), b: ValueID
        if n.int("transA", 0) != 0 { a = try emit(.transpose, [a], attributes: ["perm": .ints([1, 0])]) }
        let bv = try required(n, 1)
        if n.int("transB", 0) != 0 {
            // A constant B is transposed once, here, not on every run.
            if case .constant(let c) = bv, let t = c.transposed2D() { b = try tensor(.constant(t)) }
            else { b = try emit(.transpose, [try tensor(bv)], attributes: ["perm": .ints([1, 0])]) }
        } else {
            b = try tensor(bv)
        }
        var y = try emit(.matmul, [a, b])
        let dt = function.type(of: y).dtype
        let alpha = n.float("alpha", 1), beta = n.float("beta", 1)
        if alpha != 1 { y = try emit(.mul, [y, try tensor(.constant(.scalar(alpha, dt)))]) }
        if let cv = try input(n, 2) {
            var c = try tensor(cv)
            if beta != 1 { c = try emit(.mul, [c, try tensor(.constant(.scalar(beta, dt)))]) }
            y = try emit(.add, [y, c])
        }
        return y
    }

    mutating func softmax(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0)
        let t = function.type(of: x)
        let kind: OpKind = n.opType == "Softmax" ? .softmax : .logSoftmax
        if opset >= 13 { return try emit(kind, [x], attributes: ["axis": .int(n.int("axis", -1))]) }
        // Before opset 13 the input is coerced to 2-D at `axis` (default 1).
        let axis = n.int("axis", 1) < 0 ? n.int("axis", 1) + t.rank : n.int("axis", 1)
        let flat = try emit(.flatten, [x], attributes: ["axis": .int(axis)])
        let y = try emit(kind, [flat], attributes: ["axis": .int(1)])
        return try emit(.reshape, [y], explicit: t)
    }

    mutating func quantization(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0)
        let xt = function.type(of: x)
        let axis = n.int("axis", 1)
        // Per-axis scales (1-D) broadcast along `axis`: constants are reshaped here, graph
        // inputs by a reshape op.
        let a = axis < 0 ? axis + xt.rank : axis
        func broadcastable(_ v: ImportValue) throws(NodeError) -> ImportValue {
            let vt = type(v)
            guard vt.rank == 1, vt.shape[0] != .constant(1) else { return v }
            let a = axis < 0 ? axis + xt.rank : axis
            let shape = (0..<xt.rank).map { $0 == a ? vt.shape[0] : Dim.constant(1) }
            if case .constant(var c) = v {
                c.shape = shape.map { $0.constantValue ?? 1 }
                return .constant(c)
            }
            // A run-time per-axis tensor: reshape it so it broadcasts along `axis`.
            return .tensor(try emit(.reshape, [try tensor(v)], explicit: TensorType(vt.dtype, shape)))
        }
        func perAxis(_ v: ImportValue) throws(NodeError) -> ValueID {
            let t = try tensor(try broadcastable(v))
            let tt = function.type(of: t)
            guard tt.rank == 1, xt.rank > 1, tt.shape[0] != .constant(1) else { return t }
            return try emit(.reshape, [t], explicit: TensorType(tt.dtype, (0..<xt.rank).map { $0 == a ? tt.shape[0] : .constant(1) }))
        }
        let scale = try perAxis(try required(n, 1))
        let floatType = function.type(of: scale).dtype
        if n.opType == "DequantizeLinear" {
            var y = try emit(.cast, [x], attributes: ["to": .string(floatType.rawValue)])
            if let zp = try input(n, 2) {
                let z = try emit(.cast, [try perAxis(zp)], attributes: ["to": .string(floatType.rawValue)])
                y = try emit(.sub, [y, z])
            }
            return try emit(.mul, [y, scale])
        }
        var outType = DType.u8
        var zero: ValueID?
        if let zp = try input(n, 2) {
            outType = type(zp).dtype
            zero = try emit(.cast, [try perAxis(zp)], attributes: ["to": .string(floatType.rawValue)])
        }
        var y = try emit(.round, [try emit(.div, [x, scale])])
        if let zero { y = try emit(.add, [y, zero]) }
        let (lo, hi) = outType == .i8 ? (-128.0, 127.0) : (0.0, 255.0)
        y = try emit(.clip, [y], attributes: ["min": .float(lo), "max": .float(hi)])
        return try emit(.cast, [y], attributes: ["to": .string(outType.rawValue)])
    }
}
