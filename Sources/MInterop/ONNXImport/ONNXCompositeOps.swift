import MIR

/// Ops lowered as small graphs of MIR ops: losses, Trilu, Hardmax, OneHot, Shrink,
/// DepthToSpace/SpaceToDepth, EyeLike.
extension ONNXImporter {
    static let compositeOps: Set<String> = ["NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss", "Trilu", "Hardmax",
                                            "Shrink", "CastLike", "DepthToSpace", "SpaceToDepth", "EyeLike", "OneHot",
                                            "HannWindow", "HammingWindow", "BlackmanWindow"]

    mutating func scalar(_ v: Double, _ dt: DType) throws(NodeError) -> ValueID { try tensor(.constant(.scalar(v, dt))) }

    /// A constant [1, ..., n, ..., 1] holding 0..<n along `axis` (rank `rank`).
    mutating func iota(_ n: Int, axis: Int, rank: Int) throws(NodeError) -> ValueID {
        let shape = (0..<rank).map { $0 == axis ? n : 1 }
        return try tensor(.constant(ConstTensor(dtype: .i64, shape: shape, values: (0..<n).map(Double.init))))
    }

    /// iota for a dim that may be symbolic: a constant when static, otherwise an exclusive cumsum of ones
    /// expanded to the run-time length (the length is only known when the symbols are bound).
    mutating func iota(_ n: Dim, axis: Int, rank: Int) throws(NodeError) -> ValueID {
        if let c = n.constantValue { return try iota(c, axis: axis, rank: rank) }
        let shape = (0..<rank).map { $0 == axis ? n : Dim.constant(1) }
        let ones = try emit(.expand, [try scalar(1, .i64)], explicit: TensorType(.i64, shape))
        return try emit(.cumsum, [ones], attributes: ["axis": .int(axis), "exclusive": .int(1), "reverse": .int(0)])
    }

    mutating func composite(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        switch n.opType {
        case "NegativeLogLikelihoodLoss":
            return [.tensor(try nllLoss(input: try tensorInput(n, 0), target: try tensorInput(n, 1),
                                        weight: try input(n, 2).map { v throws(NodeError) in try tensor(v) }, n))]
        case "SoftmaxCrossEntropyLoss":
            let logProb = try emit(.logSoftmax, [try tensorInput(n, 0)], attributes: ["axis": .int(1)])
            let loss = try nllLoss(input: logProb, target: try tensorInput(n, 1),
                                   weight: try input(n, 2).map { v throws(NodeError) in try tensor(v) }, n)
            return [.tensor(loss), .tensor(logProb)]
        case "Trilu":
            let x = try tensorInput(n, 0)
            let t = function.type(of: x)
            guard t.rank >= 2 else { throw .unsupported("Trilu of a rank-\(t.rank) tensor") }
            let upper = n.int("upper", 1) != 0
            let rowDim = t.shape[t.rank - 2], colDim = t.shape[t.rank - 1]
            let kInput = try input(n, 1)
            if let rows = rowDim.constantValue, let cols = colDim.constantValue, case .constant(let kc)? = kInput ?? .constant(.scalar(0, .i64)) {
                let k = kc.ints.first ?? 0
                var mask: [Double] = []
                for i in 0..<rows { for j in 0..<cols { mask.append((upper ? j - i >= k : j - i <= k) ? 1 : 0) } }
                let m = try tensor(.constant(ConstTensor(dtype: .bool, shape: [rows, cols], values: mask)))
                return [.tensor(try emit(.select, [m, x, try scalar(0, t.dtype)]))]
            }
            // A run-time k or symbolic dims: compare the diagonal offset (col - row) with k element-wise,
            // so one compiled model serves every k and every size.
            let offset = try emit(.sub, [try iota(colDim, axis: 1, rank: 2), try iota(rowDim, axis: 0, rank: 2)])
            var k = try tensor(kInput ?? .constant(.scalar(0, .i64)))
            if function.type(of: k).dtype != .i64 { k = try emit(.cast, [k], attributes: ["to": .string(DType.i64.rawValue)]) }
            let m = try emit(upper ? .greaterEqual : .lessEqual, [offset, k])
            return [.tensor(try emit(.select, [m, x, try scalar(0, t.dtype)]))]
        case "Hardmax":
            let x = try tensorInput(n, 0)
            let t = function.type(of: x)
            if opset < 13 {
                let axis = n.int("axis", 1) < 0 ? n.int("axis", 1) + t.rank : n.int("axis", 1)
                let flat = try emit(.flatten, [x], attributes: ["axis": .int(axis)])
                return [.tensor(try emit(.reshape, [try hardmax(flat, axis: 1)], explicit: t))]
            }
            let axis = n.int("axis", -1) < 0 ? n.int("axis", -1) + t.rank : n.int("axis", -1)
            return [.tensor(try hardmax(x, axis: axis))]
        case "Shrink":
            let x = try tensorInput(n, 0)
            let dt = function.type(of: x).dtype
            let bias = n.float("bias", 0), lambd = n.float("lambd", 0.5)
            let below = try emit(.less, [x, try scalar(-lambd, dt)])
            let above = try emit(.greater, [x, try scalar(lambd, dt)])
            let shiftedUp = try emit(.add, [x, try scalar(bias, dt)]), shiftedDown = try emit(.sub, [x, try scalar(bias, dt)])
            return [.tensor(try emit(.select, [below, shiftedUp, try emit(.select, [above, shiftedDown, try scalar(0, dt)])]))]
        case "CastLike":
            let target = type(try required(n, 1)).dtype
            return [.tensor(try emit(.cast, [try tensorInput(n, 0)], attributes: ["to": .string(target.rawValue)]))]
        case "DepthToSpace", "SpaceToDepth":
            let x = try tensorInput(n, 0)
            let t = function.type(of: x)
            let b = n.int("blocksize", 0)
            guard t.rank == 4, b > 0, let c = t.shape[1].constantValue else { throw NodeError("expects NCHW with a static channel dim and blocksize > 0") }
            let (N, H, W) = (t.shape[0], t.shape[2], t.shape[3])
            let bd = Dim.constant(b)
            if n.opType == "DepthToSpace" {
                guard c % (b * b) == 0 else { throw NodeError("channels \(c) not divisible by blocksize^2") }
                let crd = n.string("mode", "DCR") == "CRD"
                let shape6: [Dim] = crd ? [N, .constant(c / (b * b)), bd, bd, H, W] : [N, bd, bd, .constant(c / (b * b)), H, W]
                let r = try emit(.reshape, [x], explicit: TensorType(t.dtype, shape6))
                let p = try emit(.transpose, [r], attributes: ["perm": .ints(crd ? [0, 1, 4, 2, 5, 3] : [0, 3, 4, 1, 5, 2])])
                return [.tensor(try emit(.reshape, [p], explicit: TensorType(t.dtype, [N, .constant(c / (b * b)), H * bd, W * bd])))]
            }
            let hq = Dim.quotient(H, bd), wq = Dim.quotient(W, bd)
            let r = try emit(.reshape, [x], explicit: TensorType(t.dtype, [N, .constant(c), hq, bd, wq, bd]))
            let p = try emit(.transpose, [r], attributes: ["perm": .ints([0, 3, 5, 1, 2, 4])])
            return [.tensor(try emit(.reshape, [p], explicit: TensorType(t.dtype, [N, .constant(c * b * b), hq, wq])))]
        case "EyeLike":
            let t = type(try required(n, 0))
            guard t.rank == 2, let rows = t.shape[0].constantValue, let cols = t.shape[1].constantValue else {
                throw .unsupported("EyeLike of a symbolic shape")
            }
            let dt = n.has("dtype") ? mirDType(n.int("dtype", 1)) : t.dtype
            guard let dt else { throw .unsupported("EyeLike dtype") }
            let k = n.int("k", 0)
            var vals: [Double] = []
            for i in 0..<rows { for j in 0..<cols { vals.append(j - i == k ? 1 : 0) } }
            return [.constant(ConstTensor(dtype: dt, shape: [rows, cols], values: vals))]
        case "HannWindow", "HammingWindow", "BlackmanWindow":
            return [.tensor(try window(n))]
        case "OneHot":
            let runTimeDepth = try isRunTimeData(n, 1), runTimeValues = try isRunTimeData(n, 2)
            if runTimeDepth || runTimeValues { return [.tensor(try dynamicOneHot(n))] }
            let indices = try emit(.cast, [try tensorInput(n, 0)], attributes: ["to": .string("i64")])
            guard let depthConst = try constant(n, 1), let depthValue = depthConst.values.first,
                  let valuesConst = try constant(n, 2), valuesConst.count == 2 else { throw .unsupported("OneHot with run-time depth or values") }
            let depth = Int(depthValue)
            let it = function.type(of: indices)
            let rank = it.rank + 1
            let axis = n.int("axis", -1) < 0 ? n.int("axis", -1) + rank : n.int("axis", -1)
            guard axis >= 0, axis < rank, depth > 0 else { throw NodeError("bad axis or depth") }
            let negative = try emit(.less, [indices, try scalar(0, .i64)])
            let wrapped = try emit(.select, [negative, try emit(.add, [indices, try scalar(Double(depth), .i64)]), indices])
            var shape = it.shape
            shape.insert(.constant(1), at: axis)
            let expanded = try emit(.reshape, [wrapped], explicit: TensorType(.i64, shape))
            let hit = try emit(.equal, [expanded, try iota(depth, axis: axis, rank: rank)])
            let off = try scalar(valuesConst.values[0], valuesConst.dtype), on = try scalar(valuesConst.values[1], valuesConst.dtype)
            return [.tensor(try emit(.select, [hit, on, off]))]
        default:
            throw .unsupported("no lowering for this op")
        }
    }

    mutating func hardmax(_ x: ValueID, axis: Int) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        guard let n = t.shape[axis].constantValue else { throw .unsupported("Hardmax along a symbolic dim") }
        let best = try emit(.argmax, [x], attributes: ["axis": .int(axis), "keepdims": .int(1)])
        let hit = try emit(.equal, [best, try iota(n, axis: axis, rank: t.rank)])
        return try emit(.cast, [hit], attributes: ["to": .string(t.dtype.rawValue)])
    }

    /// loss[n, d...] = -input[n, target[n, d...], d...] * weight[target], reduced by `reduction`.
    mutating func nllLoss(input x: ValueID, target: ValueID, weight: ValueID?, _ n: ONNXNode) throws(NodeError) -> ValueID {
        let xt = function.type(of: x), tt = function.type(of: target)
        guard xt.rank >= 2, tt.rank == xt.rank - 1 else { throw NodeError("input and target ranks do not match") }
        var t = try emit(.cast, [target], attributes: ["to": .string("i64")])
        var mask: ValueID?
        if n.has("ignore_index") {
            let ignored = try emit(.equal, [t, try scalar(Double(n.int("ignore_index", 0)), .i64)])
            t = try emit(.select, [ignored, try scalar(0, .i64), t])
            mask = ignored
        }
        var shape = tt.shape
        shape.insert(.constant(1), at: 1)
        let index = try emit(.reshape, [t], explicit: TensorType(.i64, shape))
        let picked = try emit(.gatherElements, [x, index], attributes: ["axis": .int(1)])
        var loss = try emit(.neg, [try emit(.reshape, [picked], explicit: TensorType(xt.dtype, tt.shape))])
        var w: ValueID?
        if let weight { w = try emit(.gather, [weight, t], attributes: ["axis": .int(0)]) }
        if let mask {
            let keep = try emit(.select, [mask, try scalar(0, xt.dtype), try scalar(1, xt.dtype)])
            w = try w.map { v throws(NodeError) in try emit(.mul, [v, keep]) } ?? keep
        }
        if let w { loss = try emit(.mul, [loss, w]) }
        let all: Attributes = ["axes": .ints([]), "keepdims": .int(0)]
        switch n.string("reduction", "mean") {
        case "none": return loss
        case "sum": return try emit(.reduceSum, [loss], attributes: all)
        case "mean":
            guard let w else { return try emit(.reduceMean, [loss], attributes: all) }
            let total = try emit(.reduceSum, [loss], attributes: all)
            let weightSum = try emit(.reduceSum, [w], attributes: all)
            return try emit(.div, [total, weightSum])
        default: throw NodeError("unknown reduction '\(n.string("reduction", ""))'")
        }
    }
}

extension ONNXImporter {
    /// Training-mode Dropout (opset 12+): y = x * mask / (1 - ratio) with a mask drawn from the
    /// `seed` attribute's stream (seed 0 when absent, so runs are reproducible; the numbers
    /// differ from other runtimes' generators). A run-time ratio or training_mode is read at run
    /// time, so ratio 0 or training_mode false give x and an all-true mask exactly.
    mutating func trainingDropout(_ n: ONNXNode, training: ImportValue) throws(NodeError) -> [ImportValue] {
        let x = try tensorInput(n, 0)
        let xt = function.type(of: x)
        guard xt.dtype.isFloat else { throw NodeError("Dropout expects a float input, got \(xt)") }
        let seed = try tensor(.constant(ConstTensor(dtype: .i64, shape: [1], values: [Double(n.int("seed", 0))])))
        var operands = [seed]
        var attrs: Attributes = [:]
        switch try input(n, 1) {
        case nil: attrs["ratio"] = .float(0.5)
        case .constant(let r)?:
            guard r.count == 1, (0...1).contains(r.values[0]) else { throw NodeError("Dropout ratio must be one value in [0, 1]") }
            attrs["ratio"] = .float(r.values[0])
        case let ratio?: operands.append(try tensor(ratio))
        }
        var y = try emit(.dropout, [x] + operands, attributes: attrs)
        let wantsMask = n.outputs.count > 1 && !n.outputs[1].isEmpty
        var mask: ValueID?
        if wantsMask {
            // The same seed draws the same stream, so dropping ones marks the kept elements.
            let ones = try emit(.expand, [try scalar(1, xt.dtype)], explicit: xt)
            mask = try emit(.greater, [try emit(.dropout, [ones] + operands, attributes: attrs), try scalar(0, xt.dtype)])
        }
        if case .tensor(let t) = training {
            guard function.type(of: t).dtype == .bool else { throw NodeError("Dropout training_mode must be bool") }
            y = try emit(.select, [t, y, x])
            if let m = mask { mask = try emit(.select, [t, m, try scalar(1, .bool)]) }
        }
        return [.tensor(y)] + (mask.map { [.tensor($0)] } ?? [])
    }
}

extension ONNXImporter {
    /// Training-mode BatchNormalization (opset 14+): normalizes with the batch's own mean and
    /// (population) variance over every axis but 1, and outputs the running statistics
    /// mean * momentum + batch_mean * (1 - momentum) (likewise var). Opset 9-13's saved mean and
    /// variance outputs are not produced.
    mutating func trainingBatchNorm(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        guard opset >= 14 else { throw .unsupported("training-mode BatchNormalization before opset 14 (saved mean/var outputs)") }
        if n.outputs.count > 3 { throw .unsupported("BatchNormalization with more than 3 outputs") }
        let x = try tensorInput(n, 0)
        let xt = function.type(of: x)
        guard xt.rank >= 2, xt.dtype.isFloat else { throw NodeError("BatchNormalization expects a float [N, C, ...] input, got \(xt)") }
        let axes: [Int] = [0] + Array(2..<xt.rank)
        let stat: Attributes = ["axes": .ints(axes), "keepdims": .int(1)]
        let mean = try emit(.reduceMean, [x], attributes: stat)
        let centered = try emit(.sub, [x, mean])
        let variance = try emit(.reduceMean, [try emit(.mul, [centered, centered])], attributes: stat)
        let epsilon = try scalar(n.float("epsilon", 1e-5), xt.dtype)
        let scale = try perChannel(try required(n, 1), rank: xt.rank), bias = try perChannel(try required(n, 2), rank: xt.rank)
        let normalized = try emit(.div, [centered, try emit(.sqrt, [try emit(.add, [variance, epsilon])])])
        var outputs: [ImportValue] = [.tensor(try emit(.add, [try emit(.mul, [normalized, scale]), bias]))]
        let momentum = n.float("momentum", 0.9)
        for (i, batchStat) in [(3, mean), (4, variance)] where outputs.count < n.outputs.count {
            let running = try tensorInput(n, i)
            let flat = try emit(.reshape, [batchStat], explicit: function.type(of: running))
            let kept = try emit(.mul, [running, try scalar(momentum, xt.dtype)])
            outputs.append(.tensor(try emit(.add, [kept, try emit(.mul, [flat, try scalar(1 - momentum, xt.dtype)])])))
        }
        return outputs
    }
}
