import MIR

/// Activations, recurrent layers (LSTM, GRU: unrolled over a static number of steps, like the
/// ONNX importer) and multi-head attention, composed from MIR ops.
extension Scope {
    /// Applies activation `name` (one of `activationNames`).
    func activation(_ name: String, _ x: ValueID, alpha: Double? = nil, approximate: String? = nil, at range: SourceRange) -> ValueID? {
        let emit = lowerer.emit
        switch name {
        case "linear": return x
        case "relu": return emit(.relu, [x], [:], nil, range)
        case "relu6": return emit(.clip, [x], ["min": .float(0), "max": .float(6)], nil, range)
        case "gelu": return emit(.gelu, [x], ["approximate": .string(approximate ?? "none")], nil, range)
        case "sigmoid": return emit(.sigmoid, [x], [:], nil, range)
        case "tanh": return emit(.tanh, [x], [:], nil, range)
        case "softmax": return emit(.softmax, [x], ["axis": .int(-1)], nil, range)
        case "leaky_relu": return emit(.leakyRelu, [x], ["alpha": .float(alpha ?? 0.01)], nil, range)
        case "elu": return emit(.elu, [x], ["alpha": .float(alpha ?? 1)], nil, range)
        case "silu":
            guard let s = emit(.sigmoid, [x], [:], nil, range) else { return nil }
            return emit(.mul, [x, s], [:], nil, range)
        case "exp": return emit(.exp, [x], [:], nil, range)
        case "log": return emit(.log, [x], [:], nil, range)
        case "sqrt": return emit(.sqrt, [x], [:], nil, range)
        case "abs": return emit(.abs, [x], [:], nil, range)
        case "softplus": return emit(.softplus, [x], [:], nil, range)
        default:
            diags.error("unknown activation '\(name)'\(suggestion(for: name, among: activationNames))", at: range); return nil
        }
    }

    /// Columns `[k*h, (k+1)*h)` of a `[batch, n*h]` tensor.
    private func gate(_ x: ValueID, _ k: Int, _ h: Int, at range: SourceRange) -> ValueID? {
        lowerer.emit(.slice, [x], attributes: ["starts": .ints([k * h]), "ends": .ints([(k + 1) * h]), "axes": .ints([1])], at: range)
    }

    /// LSTM or GRU over `[batch, steps, features]` (batch first), PyTorch's gate order and
    /// parameters (`weight_ih [g*units, features]`, `weight_hh`, `bias_ih`, `bias_hh`).
    func recurrent(_ spec: LayerSpec, call: String, label: String, path: String, _ x: ValueID, at range: SourceRange) -> ValueID? {
        let xt = lowerer.type(x)
        guard xt.rank == 3, let steps = xt.shape[1].constantValue, let features = xt.shape[2].constantValue, xt.dtype == .f32 else {
            diags.error("\(call) expects an f32 input [batch, steps, features] with static steps and features, got \(xt)", at: range)
            return nil
        }
        guard steps >= 1, steps <= 4096 else {
            diags.error("\(call) unrolls over the steps, which must be 1 to 4096, got \(steps)", at: range); return nil
        }
        let isLSTM = spec.kind == .lstm
        let h = spec.int("units") ?? 1, g = isLSTM ? 4 : 3
        let limit = 1 / Double(h).squareRoot()
        let emit = lowerer.emit
        guard let wih = lowerer.parameter(path + ".weight_ih", shape: [g * h, features], initializer: .uniform(limit: limit), layer: label, at: range),
              let whh = lowerer.parameter(path + ".weight_hh", shape: [g * h, h], initializer: .uniform(limit: limit), layer: label, at: range),
              let bih = lowerer.parameter(path + ".bias_ih", shape: [g * h], initializer: .uniform(limit: limit), layer: label, at: range),
              let bhh = lowerer.parameter(path + ".bias_hh", shape: [g * h], initializer: .uniform(limit: limit), layer: label, at: range),
              let wihT = emit(.transpose, [wih], ["perm": .ints([1, 0])], nil, range),
              let whhT = emit(.transpose, [whh], ["perm": .ints([1, 0])], nil, range),
              let xw0 = emit(.matmul, [x, wihT], [:], nil, range), let xw = emit(.add, [xw0, bih], [:], nil, range)
        else { return nil }
        let batch = xt.shape[0]
        let state = TensorType(xt.dtype, [batch, .constant(h)])
        guard var hidden = lowerer.filled(0, state, at: range), var cell = lowerer.filled(0, state, at: range),
              let one = lowerer.scalar(1, xt.dtype, at: range) else { return nil }
        var sequence: [ValueID] = []
        let returnSequences = spec.bool("return_sequences") ?? false
        for t in 0..<steps {
            guard !lowerer.overBudget(at: range),
                  let s = emit(.slice, [xw], ["starts": .ints([t]), "ends": .ints([t + 1]), "axes": .ints([1])], nil, range),
                  let xg = lowerer.reshape(s, [batch, .constant(g * h)], at: range),
                  let hw = emit(.matmul, [hidden, whhT], [:], nil, range), let hg = emit(.add, [hw, bhh], [:], nil, range)
            else { return nil }
            if isLSTM {
                guard let sum = emit(.add, [xg, hg], [:], nil, range),
                      let i0 = gate(sum, 0, h, at: range), let f0 = gate(sum, 1, h, at: range),
                      let g0 = gate(sum, 2, h, at: range), let o0 = gate(sum, 3, h, at: range),
                      let i = emit(.sigmoid, [i0], [:], nil, range), let f = emit(.sigmoid, [f0], [:], nil, range),
                      let gg = emit(.tanh, [g0], [:], nil, range), let o = emit(.sigmoid, [o0], [:], nil, range),
                      let fc = emit(.mul, [f, cell], [:], nil, range), let ig = emit(.mul, [i, gg], [:], nil, range),
                      let c = emit(.add, [fc, ig], [:], nil, range), let tc = emit(.tanh, [c], [:], nil, range),
                      let hn = emit(.mul, [o, tc], [:], nil, range) else { return nil }
                cell = c; hidden = hn
            } else {
                guard let xr = gate(xg, 0, h, at: range), let xz = gate(xg, 1, h, at: range), let xn = gate(xg, 2, h, at: range),
                      let hr = gate(hg, 0, h, at: range), let hz = gate(hg, 1, h, at: range), let hn0 = gate(hg, 2, h, at: range),
                      let rs = emit(.add, [xr, hr], [:], nil, range), let r = emit(.sigmoid, [rs], [:], nil, range),
                      let zs = emit(.add, [xz, hz], [:], nil, range), let z = emit(.sigmoid, [zs], [:], nil, range),
                      let rh = emit(.mul, [r, hn0], [:], nil, range), let ns = emit(.add, [xn, rh], [:], nil, range),
                      let n = emit(.tanh, [ns], [:], nil, range), let keep = emit(.sub, [one, z], [:], nil, range),
                      let a = emit(.mul, [keep, n], [:], nil, range), let b = emit(.mul, [z, hidden], [:], nil, range),
                      let hn = emit(.add, [a, b], [:], nil, range) else { return nil }
                hidden = hn
            }
            if returnSequences {
                guard let step = lowerer.reshape(hidden, [batch, .constant(1), .constant(h)], at: range) else { return nil }
                sequence.append(step)
            }
        }
        guard returnSequences else { return hidden }
        return sequence.count == 1 ? sequence[0] : emit(.concat, sequence, ["axis": .int(1)], nil, range)
    }

    /// Multi-head attention over `[batch, seq, dim]`: `attn(x)` (self-attention), `attn(q, kv)` or
    /// `attn(q, k, v)`. Projections `query`, `key`, `value`, `out` are Dense layers of width dim.
    func attention(_ spec: LayerSpec, call: String, label: String, path: String, _ inputs: [ValueID], at range: SourceRange) -> ValueID? {
        let q = inputs[0], k = inputs.count > 1 ? inputs[1] : q, v = inputs.count > 2 ? inputs[2] : k
        let qt = lowerer.type(q), kt = lowerer.type(k), vt = lowerer.type(v)
        for t in [qt, kt, vt] where t.rank != 3 || t.shape[2].constantValue == nil {
            diags.error("\(call) expects inputs [batch, seq, dim] with a static dim, got \(t)", at: range); return nil
        }
        guard kt.shape[1] == vt.shape[1] else {
            diags.error("\(call): keys \(kt) and values \(vt) differ in sequence length", at: range); return nil
        }
        let d = qt.shape[2].constantValue ?? 1, heads = spec.int("heads") ?? 1
        guard d % heads == 0 else {
            diags.error("\(call): model dim \(d) is not divisible by heads = \(heads)", at: range); return nil
        }
        let dh = d / heads
        let width = LayerSpec(kind: .dense, arguments: ["units": .int(d)], range: range)
        let emit = lowerer.emit
        func split(_ x: ValueID, _ name: String, perm: [Int]) -> ValueID? {
            guard let p = dense(width, call: call, label: label, path: path + "." + name, x, at: range) else { return nil }
            let t = lowerer.type(p)
            guard let r = lowerer.reshape(p, [t.shape[0], t.shape[1], .constant(heads), .constant(dh)], at: range) else { return nil }
            return emit(.transpose, [r], ["perm": .ints(perm)], nil, range)
        }
        guard let qh = split(q, "query", perm: [0, 2, 1, 3]), let kh = split(k, "key", perm: [0, 2, 3, 1]),
              let vh = split(v, "value", perm: [0, 2, 1, 3]),
              let scores = emit(.matmul, [qh, kh], [:], nil, range),
              let scale = lowerer.scalar(1 / Double(dh).squareRoot(), qt.dtype, at: range),
              let scaled = emit(.mul, [scores, scale], [:], nil, range),
              let weights = emit(.softmax, [scaled], ["axis": .int(-1)], nil, range),
              let context = emit(.matmul, [weights, vh], [:], nil, range),
              let merged = emit(.transpose, [context], ["perm": .ints([0, 2, 1, 3])], nil, range),
              let flat = lowerer.reshape(merged, [qt.shape[0], qt.shape[1], .constant(d)], at: range) else { return nil }
        return dense(width, call: call, label: label, path: path + ".out", flat, at: range)
    }
}
