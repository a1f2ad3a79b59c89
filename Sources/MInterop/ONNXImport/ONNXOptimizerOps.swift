import MIR

/// The optimizer update rules of the ai.onnx.preview.training domain (Adagrad, Momentum, Adam), as
/// the elementwise formulas of their ONNX definitions. Each takes R (learning rate) and T (step count)
/// scalars, then one group of tensors per state kind, n tensors each; outputs follow the same grouping.
extension ONNXImporter {
    static let trainingDomain = "ai.onnx.preview.training"
    static let optimizerOps: Set<String> = ["Adagrad", "Momentum", "Adam"]

    mutating func optimizer(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        let groups = n.opType == "Momentum" ? 3 : n.opType == "Adagrad" ? 3 : 4
        let count = n.inputs.count - 2
        guard count > 0, count % groups == 0 else { throw NodeError("\(n.opType) takes R, T and \(groups) groups of tensors") }
        let per = count / groups
        func group(_ g: Int) throws(NodeError) -> [ValueID] {
            var out: [ValueID] = []
            for i in 0..<per { out.append(try tensorInput(n, 2 + g * per + i)) }
            return out
        }
        let xs = try group(0), gs = try group(1)
        let dt = function.type(of: xs[0]).dtype
        guard dt.isFloat else { throw .unsupported("\(n.opType) of \(dt) tensors") }
        let r = try tensorInput(n, 0)
        let t = try emit(.cast, [try tensorInput(n, 1)], attributes: ["to": .string(dt.rawValue)])
        func c(_ v: Double) throws(NodeError) -> ValueID { try scalar(v, dt) }
        func regularized(_ x: ValueID, _ g: ValueID) throws(NodeError) -> ValueID {
            try emit(.add, [try emit(.mul, [try c(n.float("norm_coefficient", 0)), x]), g])
        }
        let started = try emit(.greater, [t, try c(0)])
        switch n.opType {
        case "Adagrad":
            let hs = try group(2)
            let rate = try emit(.div, [r, try emit(.add, [try c(1), try emit(.mul, [t, try c(n.float("decay_factor", 0))])])])
            var newX: [ImportValue] = [], newH: [ImportValue] = []
            for i in 0..<per {
                let g = try regularized(xs[i], gs[i])
                let h = try emit(.add, [hs[i], try emit(.mul, [g, g])])
                let adaptive = try emit(.add, [try emit(.sqrt, [h]), try c(n.float("epsilon", 1e-6))])
                newX.append(.tensor(try emit(.sub, [xs[i], try emit(.div, [try emit(.mul, [rate, g]), adaptive])])))
                newH.append(.tensor(h))
            }
            return newX + newH
        case "Momentum":
            let vs = try group(2)
            let alpha = n.float("alpha", 0), nesterov = n.string("mode", "standard") == "nesterov"
            let beta = try emit(.select, [started, try c(n.float("beta", 0)), try c(1)])
            var newX: [ImportValue] = [], newV: [ImportValue] = []
            for i in 0..<per {
                let g = try regularized(xs[i], gs[i])
                let v = try emit(.add, [try emit(.mul, [try c(alpha), vs[i]]), try emit(.mul, [beta, g])])
                let step = nesterov ? try emit(.add, [g, try emit(.mul, [try c(alpha), v])]) : v
                newX.append(.tensor(try emit(.sub, [xs[i], try emit(.mul, [r, step])])))
                newV.append(.tensor(v))
            }
            return newX + newV
        default:
            let vs = try group(2), hs = try group(3)
            let alpha = n.float("alpha", 0.9), beta = n.float("beta", 0.999)
            // Bias correction R * sqrt(1 - beta^T) / (1 - alpha^T), from the first step on.
            let correction = try emit(.div, [try emit(.sqrt, [try emit(.sub, [try c(1), try emit(.pow, [try c(beta), t])])]),
                                             try emit(.sub, [try c(1), try emit(.pow, [try c(alpha), t])])])
            let rate = try emit(.select, [started, try emit(.mul, [r, correction]), r])
            let keep = try c(1 - n.float("norm_coefficient_post", 0))
            var newX: [ImportValue] = [], newV: [ImportValue] = [], newH: [ImportValue] = []
            for i in 0..<per {
                let g = try regularized(xs[i], gs[i])
                let v = try emit(.add, [try emit(.mul, [try c(alpha), vs[i]]), try emit(.mul, [try c(1 - alpha), g])])
                let h = try emit(.add, [try emit(.mul, [try c(beta), hs[i]]), try emit(.mul, [try c(1 - beta), try emit(.mul, [g, g])])])
                let denominator = try emit(.add, [try emit(.sqrt, [h]), try c(n.float("epsilon", 1e-6))])
                let x = try emit(.sub, [xs[i], try emit(.mul, [rate, try emit(.div, [v, denominator])])])
                newX.append(.tensor(try emit(.mul, [keep, x])))
                newV.append(.tensor(v)); newH.append(.tensor(h))
            }
            return newX + newV + newH
        }
    }
}
