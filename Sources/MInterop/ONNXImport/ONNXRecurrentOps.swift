import MIR

/// LSTM, GRU and RNN, unrolled over a static sequence length into matmuls and
/// elementwise ops (TODO(#5): a fused per-time-step cell kernel).
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

    /// Columns [k*h, (k+1)*h) of a [batch, n*h] tensor.
    mutating func gate(_ x: ValueID, _ k: Int, _ h: Int) throws(NodeError) -> ValueID {
        try emit(.slice, [x], attributes: ["starts": .ints([k * h]), "ends": .ints([(k + 1) * h]), "axes": .ints([1])])
    }

    mutating func recurrent(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        let kind = n.opType
        let gates = kind == "LSTM" ? 4 : kind == "GRU" ? 3 : 1
        // layout = 1 is batch-major ([batch, seq, ...] and [batch, dirs, ...]); the recurrence runs seq-major.
        let batchMajor = n.int("layout", 0) != 0
        func seqMajor(_ v: ValueID) throws(NodeError) -> ValueID {
            batchMajor ? try emit(.transpose, [v], attributes: ["perm": .ints([1, 0, 2])]) : v
        }
        if n.has("clip") { throw .unsupported("cell clipping") }
        let x = try seqMajor(try tensorInput(n, 0)), w = try tensorInput(n, 1), r = try tensorInput(n, 2)
        let wValue = try required(n, 1), rValue = try required(n, 2)
        /// Direction d of a [dirs, gates*h, k] weight as [k, gates*h], transposed at compile time when constant.
        func transposedWeight(_ v: ImportValue, _ id: ValueID, _ d: Int) throws(NodeError) -> ValueID {
            if case .constant(let c) = v, let t = c.slice0(d)?.transposed2D() { return try tensor(.constant(t)) }
            return try emit(.transpose, [try take(id, d)], attributes: ["perm": .ints([1, 0])])
        }
        let xt = function.type(of: x)
        guard xt.rank == 3, let seq = xt.shape[0].constantValue else { throw .unsupported("a symbolic sequence length") }
        guard let hidden = function.type(of: r).shape.last?.constantValue else { throw NodeError("R needs a static hidden size") }
        let batch = xt.shape[1], dt = xt.dtype
        let direction = n.string("direction", "forward")
        let directions = direction == "bidirectional" ? 2 : 1
        let names = n.attributes["activations"]?.stringsValue
        let alphas = n.floats("activation_alpha") ?? [], betas = n.floats("activation_beta") ?? []
        let perDirection = kind == "LSTM" ? 3 : kind == "GRU" ? 2 : 1
        let defaults = kind == "RNN" ? ["Tanh"] : kind == "GRU" ? ["Sigmoid", "Tanh"] : ["Sigmoid", "Tanh", "Tanh"]
        let stateType = TensorType(dt, [batch, .constant(hidden)])
        // sequence_lens (constant or run-time): step t updates batch row b only while t < lens[b];
        // later steps keep the state and output zeros. Lengths that all equal seq need no masks.
        var lens: ValueID?
        if let v = try input(n, 4) {
            if case .constant(let c) = v, c.values.allSatisfy({ Int($0) == seq }) {} else {
                let l = try tensor(v)
                let lt = function.type(of: l)
                guard lt.dtype.isInteger, lt.rank == 1 else { throw NodeError("sequence_lens must be an integer [batch] tensor, got \(lt)") }
                lens = try emit(.reshape, [l], explicit: TensorType(lt.dtype, [lt.shape[0], .constant(1)]))
            }
        }
        var ys: [[ValueID]] = [], lastH: [ValueID] = [], lastC: [ValueID] = []
        for d in 0..<directions {
            let reverse = direction == "reverse" || d == 1
            func act(_ i: Int) -> (String, Double?, Double?) {
                let k = d * perDirection + i
                return (names.flatMap { k < $0.count ? $0[k] : nil } ?? defaults[i], k < alphas.count ? alphas[k] : nil, k < betas.count ? betas[k] : nil)
            }
            let wT = try transposedWeight(wValue, w, d)   // [input, gates*h]
            let rT = try transposedWeight(rValue, r, d)   // [h, gates*h]
            var wb: ValueID?, rb: ValueID?
            if let b = try input(n, 3) {
                let bd = try take(try tensor(b), d)
                wb = try emit(.slice, [bd], attributes: ["starts": .ints([0]), "ends": .ints([gates * hidden]), "axes": .ints([0])])
                rb = try emit(.slice, [bd], attributes: ["starts": .ints([gates * hidden]), "ends": .ints([2 * gates * hidden]), "axes": .ints([0])])
            }
            let zero = try emit(.expand, [try scalar(0, dt)], explicit: stateType)
            var h = try input(n, 5).map { v throws(NodeError) in try take(try seqMajor(try tensor(v)), d) } ?? zero
            var c = try input(n, 6).map { v throws(NodeError) in try take(try seqMajor(try tensor(v)), d) } ?? zero
            var peep: [ValueID] = []
            if kind == "LSTM", let p = try input(n, 7) {
                let pd = try take(try tensor(p), d)
                for k in 0..<3 { peep.append(try emit(.slice, [pd], attributes: ["starts": .ints([k * hidden]), "ends": .ints([(k + 1) * hidden]), "axes": .ints([0])])) }
            }
            var outputs: [ValueID] = []
            for step in 0..<seq {
                let t = reverse ? seq - 1 - step : step
                let (hPrev, cPrev) = (h, c)
                var xw = try emit(.matmul, [try take(x, t), wT])
                if let wb { xw = try emit(.add, [xw, wb]) }
                var hr = try emit(.matmul, [h, rT])
                if let rb, kind != "GRU" { hr = try emit(.add, [hr, rb]) }
                switch kind {
                case "LSTM":
                    let sum = try emit(.add, [xw, hr])
                    var i = try gate(sum, 0, hidden), o = try gate(sum, 1, hidden), f = try gate(sum, 2, hidden)
                    let g = try gate(sum, 3, hidden)
                    if peep.count == 3 {
                        i = try emit(.add, [i, try emit(.mul, [peep[0], c])]); f = try emit(.add, [f, try emit(.mul, [peep[2], c])])
                    }
                    let (fa, ga, ha) = (act(0), act(1), act(2))
                    i = try activation(fa.0, i, alpha: fa.1, beta: fa.2)
                    f = try activation(fa.0, f, alpha: fa.1, beta: fa.2)
                    if n.int("input_forget", 0) != 0 { f = try emit(.sub, [try scalar(1, dt), i]) }
                    c = try emit(.add, [try emit(.mul, [f, c]), try emit(.mul, [i, try activation(ga.0, g, alpha: ga.1, beta: ga.2)])])
                    if peep.count == 3 { o = try emit(.add, [o, try emit(.mul, [peep[1], c])]) }
                    o = try activation(fa.0, o, alpha: fa.1, beta: fa.2)
                    h = try emit(.mul, [o, try activation(ha.0, c, alpha: ha.1, beta: ha.2)])
                case "GRU":
                    let (fa, ga) = (act(0), act(1))
                    var hrz = hr
                    if let rb { hrz = try emit(.add, [hr, rb]) }
                    let z = try activation(fa.0, try emit(.add, [try gate(xw, 0, hidden), try gate(hrz, 0, hidden)]), alpha: fa.1, beta: fa.2)
                    let rg = try activation(fa.0, try emit(.add, [try gate(xw, 1, hidden), try gate(hrz, 1, hidden)]), alpha: fa.1, beta: fa.2)
                    var candidate: ValueID
                    if n.int("linear_before_reset", 0) != 0 {
                        candidate = try emit(.add, [try gate(xw, 2, hidden), try emit(.mul, [rg, try gate(hrz, 2, hidden)])])
                    } else {
                        let rh = try emit(.mul, [rg, h])
                        let rT2 = try emit(.slice, [rT], attributes: ["starts": .ints([2 * hidden]), "ends": .ints([3 * hidden]), "axes": .ints([1])])
                        var proj = try emit(.matmul, [rh, rT2])
                        if let rb { proj = try emit(.add, [proj, try emit(.slice, [rb], attributes: ["starts": .ints([2 * hidden]), "ends": .ints([3 * hidden]), "axes": .ints([0])])]) }
                        candidate = try emit(.add, [try gate(xw, 2, hidden), proj])
                    }
                    candidate = try activation(ga.0, candidate, alpha: ga.1, beta: ga.2)
                    // h = (1 - z) * candidate + z * h
                    h = try emit(.add, [try emit(.mul, [try emit(.sub, [try scalar(1, dt), z]), candidate]), try emit(.mul, [z, h])])
                default:
                    let fa = act(0)
                    h = try activation(fa.0, try emit(.add, [xw, hr]), alpha: fa.1, beta: fa.2)
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
            ys.append(outputs); lastH.append(h); lastC.append(c)
        }
        // Y: [seq, directions, batch, hidden]; Y_h, Y_c: [directions, batch, hidden].
        let stepType = TensorType(dt, [.constant(1), .constant(1), batch, .constant(hidden)])
        var perStep: [ValueID] = []
        for t in 0..<seq {
            var parts: [ValueID] = []
            for d in 0..<directions { parts.append(try emit(.reshape, [ys[d][t]], explicit: stepType)) }
            perStep.append(parts.count == 1 ? parts[0] : try emit(.concat, parts, attributes: ["axis": .int(1)]))
        }
        let y = perStep.count == 1 ? perStep[0] : try emit(.concat, perStep, attributes: ["axis": .int(0)])
        func stack(_ states: [ValueID]) throws(NodeError) -> ValueID {
            let reshaped = try states.map { s throws(NodeError) in try emit(.reshape, [s], explicit: TensorType(dt, [.constant(1), batch, .constant(hidden)])) }
            return reshaped.count == 1 ? reshaped[0] : try emit(.concat, reshaped, attributes: ["axis": .int(0)])
        }
        if batchMajor {
            return [.tensor(try emit(.transpose, [y], attributes: ["perm": .ints([2, 0, 1, 3])])),
                    .tensor(try seqMajor(try stack(lastH))), .tensor(try seqMajor(try stack(lastC)))]
        }
        return [.tensor(y), .tensor(try stack(lastH)), .tensor(try stack(lastC))]
    }
}
