import Foundation
import MIR

/// LSTM, GRU and RNN, unrolled over a static sequence length into matmuls and
/// elementwise ops that fuse-elementwise merges into one cell kernel per step.
extension ONNXImporter {
    /// Applies an ONNX recurrent activation by name.
    mutating func activation(_ name: String, _ x: ValueID, alpha: Double?, beta: Double?) throws(NodeError) -> ValueID {
        switch name.lowercased() {
        case "sigmoid": return try emit(.sigmoid, [x])
        case "tanh": return try emit(.tanh, [x])
        case "relu": return try emit(.relu, [x])
        case "leakyrelu": return try emit(.leakyRelu, [x], attributes: ["alpha": .float(alpha ?? 0.01)])
        case "hardsigmoid": return try emit(.hardSigmoid, [x], attributes: ["alpha": .float(alpha ?? 0.2), "beta": .float(beta ?? 0.5)])
        case "elu": return try emit(.elu, [x], attributes: ["alpha": .float(alpha ?? 1)])
        case "softsign": return try emit(.softsign, [x])
        case "softplus": return try emit(.softplus, [x])
        default: throw .unsupported("recurrent activation '\(name)'")
        }
    }

    /// `x[index]` along axis 0, with that axis dropped.
    mutating func take(_ x: ValueID, _ index: Int) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        let s = try emit(.slice, [x], attributes: ["starts": .ints([index]), "ends": .ints([index + 1]), "axes": .ints([0])])
        return try emit(.reshape, [s], explicit: TensorType(t.dtype, Array(t.shape.dropFirst())))
    }

    /// Gate k of a [..., n*h] tensor: its last axis' block [k*h, (k+1)*h).
    mutating func gate(_ x: ValueID, _ k: Int, _ h: Int) throws(NodeError) -> ValueID {
        try emit(.slice, [x], attributes: ["starts": .ints([k * h]), "ends": .ints([(k + 1) * h]), "axes": .ints([-1])])
    }

    /// Direction d of a constant W ([dirs, g, input]) with the bias of B ([dirs, 2g]) as a last
    /// column: Wb, or Wb + Rb when `rBiasToo`. Nil when either is not a constant.
    func augmentedWeight(_ w: ImportValue, _ b: ImportValue, _ d: Int, _ g: Int, rBiasToo: Bool) -> ConstTensor? {
        guard case .constant(let wc) = w, case .constant(let bc) = b, let wd = wc.slice0(d), let bd = bc.slice0(d),
              wd.shape.count == 2, wd.shape[0] == g, bd.shape == [2 * g] else { return nil }
        func values(_ c: ConstTensor) -> [Double] { c.values.count == c.count ? c.values : (decodeValues(c.bytes, c.dtype) ?? []) }
        let wv = values(wd), bv = values(bd), size = wd.shape[1]
        guard wv.count == g * size, bv.count == 2 * g else { return nil }
        // Transposed, [input + 1, g], for x [steps*batch, input + 1] on the left.
        var out = [Double](repeating: 0, count: g * (size + 1))
        for row in 0..<g {
            for j in 0..<size { out[j * g + row] = wv[row * size + j] }
            out[size * g + row] = rBiasToo ? bv[row] + bv[g + row] : bv[row]
        }
        return ConstTensor(dtype: wd.dtype, shape: [size + 1, g], values: out)
    }

    /// The input projection of all steps is one matmul before the recurrence; each step is
    /// then one recurrent matmul (weights on the right: at batch 1 OpenBLAS runs M = 1 several
    /// times faster than the N = 1 of a transposed [hidden, batch] state) plus the gate sums,
    /// nonlinearities and state update, which fuse-elementwise merges into the cell kernels.
    mutating func recurrent(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        let kind = n.opType
        let gates = kind == "LSTM" ? 4 : kind == "GRU" ? 3 : 1
        // layout = 1 is batch-major ([batch, seq, ...] and [batch, dirs, ...]).
        let batchMajor = n.int("layout", 0) != 0
        let xIn = try tensorInput(n, 0), rIn = try tensorInput(n, 2)
        let wValue = try required(n, 1), rValue = try required(n, 2)
        let xt = function.type(of: xIn)
        guard xt.rank == 3, let seq = xt.shape[batchMajor ? 1 : 0].constantValue else { throw .unsupported("a symbolic sequence length") }
        guard let hidden = function.type(of: rIn).shape.last?.constantValue else { throw NodeError("R needs a static hidden size") }
        let batch = xt.shape[batchMajor ? 0 : 1], dt = xt.dtype
        /// Direction d of a [dirs, ...] input.
        func perDirection(_ v: ImportValue, _ d: Int) throws(NodeError) -> ValueID {
            if case .constant(let c) = v, let s = c.slice0(d) { return try tensor(.constant(s)) }
            return try take(try tensor(v), d)
        }
        /// Direction d of a [dirs, gates*h, k] weight as [k, gates*h], transposed at compile time when constant.
        func transposedWeight(_ v: ImportValue, _ d: Int) throws(NodeError) -> ValueID {
            if case .constant(let c) = v, let t = c.slice0(d)?.transposed2D() { return try tensor(.constant(t)) }
            return try emit(.transpose, [try perDirection(v, d)], attributes: ["perm": .ints([1, 0])])
        }
        func column(_ v: ValueID) throws(NodeError) -> ValueID { v }
        // [seq*batch, input]: the projection of step t is then the t-th [batch, gates*h] block.
        let x = try emit(.reshape, [batchMajor ? try emit(.transpose, [xIn], attributes: ["perm": .ints([1, 0, 2])]) : xIn],
                         explicit: TensorType(dt, [.constant(seq) * batch, xt.shape[2]]))
        let direction = n.string("direction", "forward")
        let directions = direction == "bidirectional" ? 2 : 1
        let names = n.attributes["activations"]?.stringsValue
        let alphas = n.floats("activation_alpha") ?? [], betas = n.floats("activation_beta") ?? []
        let perDir = kind == "LSTM" ? 3 : kind == "GRU" ? 2 : 1
        let defaults = kind == "RNN" ? ["Tanh"] : kind == "GRU" ? ["Sigmoid", "Tanh"] : ["Sigmoid", "Tanh", "Tanh"]
        let stateType = TensorType(dt, [batch, .constant(hidden)])
        let fused = fusesLSTM(n, dt)
        /// ONNX's clip bounds every gate's pre-activation (after the peepholes) to [-clip, clip].
        func clipped(_ x: ValueID) throws(NodeError) -> ValueID {
            guard n.has("clip") else { return x }
            let c = n.float("clip", 0)
            return try emit(.clip, [x], attributes: ["min": .float(-c), "max": .float(c)])
        }
        // sequence_lens (constant or run-time): step t updates batch column b only while t < lens[b];
        // later steps keep the state and output zeros. Lengths that all equal seq need no masks.
        var lens: ValueID?, lensVector: ValueID?
        if let v = try input(n, 4) {
            if case .constant(let c) = v, c.values.allSatisfy({ Int($0) == seq }) {} else {
                let l = try tensor(v)
                let lt = function.type(of: l)
                guard lt.dtype.isInteger, lt.rank == 1 else { throw NodeError("sequence_lens must be an integer [batch] tensor, got \(lt)") }
                lens = try emit(.reshape, [l], explicit: TensorType(lt.dtype, [lt.shape[0], .constant(1)]))
                lensVector = l
            }
        }
        /// Initial state input i ([dirs, batch, h], or [batch, dirs, h] batch-major) of direction d, as [batch, h].
        func initialState(_ i: Int, _ d: Int) throws(NodeError) -> ValueID? {
            guard let v = try input(n, i) else { return nil }
            var s = try tensor(v)
            if batchMajor { s = try emit(.transpose, [s], attributes: ["perm": .ints([1, 0, 2])]) }
            return try take(s, d)
        }
        var ys: [ValueID] = [], lastH: [ValueID] = [], lastC: [ValueID] = []   // ys[d]: [seq, 1, batch, h]
        let directionYType = TensorType(dt, [.constant(seq), .constant(1), batch, .constant(hidden)])
        var xOnes: ValueID?   // x with a row of ones: [seq, input + 1, batch]
        for d in 0..<directions {
            let reverse = direction == "reverse" || d == 1
            func act(_ i: Int) -> (String, Double?, Double?) {
                let k = d * perDir + i
                return (names.flatMap { k < $0.count ? $0[k] : nil } ?? defaults[i], k < alphas.count ? alphas[k] : nil, k < betas.count ? betas[k] : nil)
            }
            let w = try transposedWeight(wValue, d)   // [input, gates*h]
            let r = try transposedWeight(rValue, d)   // [h, gates*h]
            var wb: ValueID?, rb: ValueID?            // [gates*h]
            if let b = try input(n, 3) {
                let bd = try perDirection(b, d)
                wb = try column(try emit(.slice, [bd], attributes: ["starts": .ints([0]), "ends": .ints([gates * hidden]), "axes": .ints([0])]))
                rb = try column(try emit(.slice, [bd], attributes: ["starts": .ints([gates * hidden]), "ends": .ints([2 * gates * hidden]), "axes": .ints([0])]))
            }
            // All steps' input projections at once: [seq, gates*h, batch]. The input bias is an
            // extra column of W against a row of ones in x: a broadcast add over the whole
            // projection costs more (measured: most of the b1 run). GRU keeps R's bias in the
            // recurrence (linear_before_reset multiplies it by the reset gate).
            var xw: ValueID
            if let b = try input(n, 3), let wb, let rb {
                let wAug: ValueID
                if let folded = augmentedWeight(wValue, b, d, gates * hidden, rBiasToo: kind != "GRU") {
                    wAug = try tensor(.constant(folded))
                } else {
                    let bias = kind == "GRU" ? wb : try emit(.add, [wb, rb])
                    let row = try emit(.reshape, [bias], explicit: TensorType(dt, [.constant(1), .constant(gates * hidden)]))
                    wAug = try emit(.concat, [w, row], attributes: ["axis": .int(0)])
                }
                if xOnes == nil {
                    let ones = try emit(.expand, [try scalar(1, dt)], explicit: TensorType(dt, [.constant(seq) * batch, .constant(1)]))
                    xOnes = try emit(.concat, [x, ones], attributes: ["axis": .int(1)])
                }
                xw = try emit(.matmul, [xOnes!, wAug])
            } else {
                xw = try emit(.matmul, [x, w])
            }
            xw = try emit(.reshape, [xw], explicit: TensorType(dt, [.constant(seq), batch, .constant(gates * hidden)]))
            let zero = try emit(.expand, [try scalar(0, dt)], explicit: stateType)
            var h = try initialState(5, d) ?? zero
            var c = try initialState(6, d) ?? zero
            var peep: [ValueID] = []
            if kind == "LSTM", let p = try input(n, 7) {
                let pd = try perDirection(p, d)
                for k in 0..<3 { peep.append(try column(try emit(.slice, [pd], attributes: ["starts": .ints([k * hidden]), "ends": .ints([(k + 1) * hidden]), "axes": .ints([0])]))) }
            }
            if fused {
                // The whole direction in one kernel; its result packs Y, Y_h and Y_c (views).
                var operands = [xw, r, h, c]
                if kind == "LSTM", let p = try input(n, 7) { operands.append(try perDirection(p, d)) }
                if let lensVector { operands.append(lensVector) }
                var attributes: Attributes = ["direction": .string(reverse ? "reverse" : "forward")]
                if operands.count > 4 + (lensVector == nil ? 0 : 1) { attributes["peepholes"] = .int(1) }
                if n.has("clip") { attributes["clip"] = .float(n.float("clip", 0)) }
                let all = try emit(.lstmSequence, operands, attributes: attributes)
                func rows(_ lo: Int, _ hi: Int) throws(NodeError) -> ValueID {
                    try emit(.slice, [all], attributes: ["starts": .ints([lo]), "ends": .ints([hi]), "axes": .ints([0])])
                }
                ys.append(try emit(.reshape, [try rows(0, seq)], explicit: directionYType))
                lastH.append(try rows(seq, seq + 1)); lastC.append(try rows(seq + 1, seq + 2))
                continue
            }
            let linearBeforeReset = n.int("linear_before_reset", 0) != 0
            // GRU without linear_before_reset multiplies the reset gate into h before R's last block.
            let rStep = kind == "GRU" && !linearBeforeReset
                ? try emit(.slice, [r], attributes: ["starts": .ints([0]), "ends": .ints([2 * hidden]), "axes": .ints([1])]) : r
            var outputs: [ValueID] = []
            for step in 0..<seq {
                let t = reverse ? seq - 1 - step : step
                let (hPrev, cPrev) = (h, c)
                let xwt = try take(xw, t)                         // [batch, gates*h]
                let hr = try emit(.matmul, [h, rStep])            // [batch, gates*h] (GRU: [batch, 2h] without lbr)
                switch kind {
                case "LSTM":
                    func pre(_ k: Int) throws(NodeError) -> ValueID { try emit(.add, [try gate(xwt, k, hidden), try gate(hr, k, hidden)]) }
                    var i = try pre(0), o = try pre(1), f = try pre(2)
                    let g = try pre(3)
                    if peep.count == 3 {
                        i = try emit(.add, [i, try emit(.mul, [peep[0], c])]); f = try emit(.add, [f, try emit(.mul, [peep[2], c])])
                    }
                    let (fa, ga, ha) = (act(0), act(1), act(2))
                    i = try activation(fa.0, try clipped(i), alpha: fa.1, beta: fa.2)
                    f = try activation(fa.0, try clipped(f), alpha: fa.1, beta: fa.2)
                    if n.int("input_forget", 0) != 0 { f = try emit(.sub, [try scalar(1, dt), i]) }
                    c = try emit(.add, [try emit(.mul, [f, c]), try emit(.mul, [i, try activation(ga.0, try clipped(g), alpha: ga.1, beta: ga.2)])])
                    if peep.count == 3 { o = try emit(.add, [o, try emit(.mul, [peep[1], c])]) }
                    o = try activation(fa.0, try clipped(o), alpha: fa.1, beta: fa.2)
                    h = try emit(.mul, [o, try activation(ha.0, c, alpha: ha.1, beta: ha.2)])
                case "GRU":
                    let (fa, ga) = (act(0), act(1))
                    /// Gate k of h·R^T + Rb.
                    func recurrentGate(_ k: Int) throws(NodeError) -> ValueID {
                        let v = try gate(hr, k, hidden)
                        return try rb.map { b throws(NodeError) in try emit(.add, [v, try gate(b, k, hidden)]) } ?? v
                    }
                    let z = try activation(fa.0, try clipped(try emit(.add, [try gate(xwt, 0, hidden), try recurrentGate(0)])), alpha: fa.1, beta: fa.2)
                    let rg = try activation(fa.0, try clipped(try emit(.add, [try gate(xwt, 1, hidden), try recurrentGate(1)])), alpha: fa.1, beta: fa.2)
                    var candidate: ValueID
                    if linearBeforeReset {
                        candidate = try emit(.add, [try gate(xwt, 2, hidden), try emit(.mul, [rg, try recurrentGate(2)])])
                    } else {
                        var proj = try emit(.matmul, [try emit(.mul, [rg, h]), try gate(r, 2, hidden)])
                        if let rb { proj = try emit(.add, [proj, try gate(rb, 2, hidden)]) }
                        candidate = try emit(.add, [try gate(xwt, 2, hidden), proj])
                    }
                    candidate = try activation(ga.0, try clipped(candidate), alpha: ga.1, beta: ga.2)
                    // h = (1 - z) * candidate + z * h
                    h = try emit(.add, [try emit(.mul, [try emit(.sub, [try scalar(1, dt), z]), candidate]), try emit(.mul, [z, h])])
                default:
                    let fa = act(0)
                    h = try activation(fa.0, try clipped(try emit(.add, [xwt, hr])), alpha: fa.1, beta: fa.2)
                }
                if let lens {
                    let live = try emit(.less, [try scalar(Double(t), function.type(of: lens).dtype), lens])
                    outputs.append(try emit(.select, [live, h, zero]))
                    h = try emit(.select, [live, h, hPrev])
                    if kind == "LSTM" { c = try emit(.select, [live, c, cPrev]) }
                } else {
                    outputs.append(h)
                }
            }
            if reverse { outputs.reverse() }
            let steps = try outputs.map { o throws(NodeError) in
                try emit(.reshape, [o], explicit: TensorType(dt, [.constant(1), .constant(1), batch, .constant(hidden)]))
            }
            ys.append(steps.count == 1 ? steps[0] : try emit(.concat, steps, attributes: ["axis": .int(0)]))
            lastH.append(h); lastC.append(c)
        }
        // Y: [seq, dirs, batch, h] (batch-major [batch, seq, dirs, h]); Y_h, Y_c: [dirs, batch, h]
        // (batch-major [batch, dirs, h]).
        let stacked = ys.count == 1 ? ys[0] : try emit(.concat, ys, attributes: ["axis": .int(1)])
        let y = batchMajor ? try emit(.transpose, [stacked], attributes: ["perm": .ints([2, 0, 1, 3])]) : stacked
        func stack(_ states: [ValueID]) throws(NodeError) -> ValueID {
            let reshaped = try states.map { s throws(NodeError) in try emit(.reshape, [s], explicit: TensorType(dt, [.constant(1), batch, .constant(hidden)])) }
            let s = reshaped.count == 1 ? reshaped[0] : try emit(.concat, reshaped, attributes: ["axis": .int(0)])
            return batchMajor ? try emit(.transpose, [s], attributes: ["perm": .ints([1, 0, 2])]) : s
        }
        return [.tensor(y), .tensor(try stack(lastH)), .tensor(try stack(lastC))]
    }
}

extension ONNXImporter {
    /// Whether an LSTM node imports as lstm_sequence ops (one per direction): f32 with ONNX's
    /// default activations and no input_forget. Other combinations, and every LSTM of a training
    /// build (`fuseRecurrent` false: `mcc --train-loss`) or when `MCC_UNROLL_RECURRENT=1`, unroll
    /// into matmuls and elementwise ops: the differentiable form.
    func fusesLSTM(_ n: ONNXNode, _ dt: DType) -> Bool {
        guard fuseRecurrent, n.opType == "LSTM", dt == .f32, n.int("input_forget", 0) == 0,
              ProcessInfo.processInfo.environment["MCC_UNROLL_RECURRENT"] != "1" else { return false }
        guard let names = n.attributes["activations"]?.stringsValue else { return true }
        let defaults = ["sigmoid", "tanh", "tanh"]
        return names.enumerated().allSatisfy { $0.element.lowercased() == defaults[$0.offset % 3] }
    }
}
