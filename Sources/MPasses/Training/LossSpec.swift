import MIR

/// The loss a training function minimizes, built from existing MIR ops.
public struct LossSpec: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Softmax cross-entropy of logits [N, C] against class indices i64[N]; with label
        /// smoothing s the target distribution is (1 - s) * one_hot + s / C. When the output
        /// is a softmax over the classes, its input is taken as the logits.
        case crossEntropy(labelSmoothing: Double)
        /// Binary cross-entropy against targets in [0, 1], from logits (stable form) or from
        /// probabilities (each log clamped at -100, as PyTorch does).
        case binaryCrossEntropy(fromLogits: Bool)
        case mse, l1
        /// 0.5 d^2 where |d| <= delta, else delta * (|d| - 0.5 delta) (PyTorch's HuberLoss).
        case huber(delta: Double)
    }
    /// How per-element (or, for cross-entropy, per-example) losses combine.
    public enum Reduction: Sendable, Hashable { case mean, sum }

    public var kind: Kind
    public var reduction: Reduction

    public init(kind: Kind, reduction: Reduction = .mean) { self.kind = kind; self.reduction = reduction }

    /// Parses the CLI spelling: `cross_entropy[:smoothing]`, `bce`, `bce_logits`, `mse`, `l1`,
    /// `huber[:delta]`, each optionally followed by `,sum` (or `,mean`).
    public init?(parsing text: String) {
        var text = Substring(text)
        var reduction = Reduction.mean
        if let comma = text.lastIndex(of: ",") {
            switch text[text.index(after: comma)...] {
            case "sum": reduction = .sum
            case "mean": reduction = .mean
            default: return nil
            }
            text = text[..<comma]
        }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let argument = parts.count == 2 ? Double(parts[1]) : nil
        if parts.count == 2 && argument == nil { return nil }
        switch parts.first ?? "" {
        case "cross_entropy":
            let s = argument ?? 0
            guard s >= 0, s < 1 else { return nil }
            kind = .crossEntropy(labelSmoothing: s)
        case "huber":
            let d = argument ?? 1
            guard d > 0 else { return nil }
            kind = .huber(delta: d)
        case "bce" where argument == nil: kind = .binaryCrossEntropy(fromLogits: false)
        case "bce_logits" where argument == nil: kind = .binaryCrossEntropy(fromLogits: true)
        case "mse" where argument == nil: kind = .mse
        case "l1" where argument == nil: kind = .l1
        default: return nil
        }
        self.reduction = reduction
    }

    /// The type `target` must have for a model output of type `output`.
    func targetType(for output: TensorType) -> TensorType {
        if case .crossEntropy = kind { return TensorType(.i64, output.rank >= 1 ? [output.shape[0]] : []) }
        return output
    }

    /// Appends the loss of `prediction` against `target` to the builder's function: a [1]
    /// tensor of the prediction's dtype.
    func build(prediction: ValueID, target: ValueID, _ b: GradientBuilder) throws(AutodiffError) -> ValueID {
        let pt = b.type(prediction)
        let perElement: ValueID
        switch kind {
        case .crossEntropy(let smoothing):
            guard pt.rank == 2, let classes = pt.shape[1].constantValue else {
                throw AutodiffError("cross-entropy needs logits [batch, classes] with a static class count, got \(pt)")
            }
            // A softmax output (as M models usually end) is a distribution: its loss is
            // -log p[t] = -log_softmax(logits)[t], computed from the logits for stability.
            var logits = prediction
            if let producer = b.f.ops.last(where: { $0.result == prediction }), producer.kind == .softmax,
               [1, -1].contains(producer.attributes["axis"]?.intValue ?? -1) {
                logits = producer.operands[0]
            }
            let logp = try b.emit(.logSoftmax, [logits], ["axis": .int(1)])
            let iota = b.f.appendUnchecked(.param, [], attributes: ["name": .string(b.pool.tensor((0..<classes).map(Double.init), TensorType(.i64, static: [classes])))],
                                           type: TensorType(.i64, static: [classes]))
            let labels = try b.reshape(target, [pt.shape[0], .constant(1)])
            var q = try b.emit(.cast, [b.emit(.equal, [labels, iota])], ["to": .string(pt.dtype.rawValue)])
            if smoothing > 0 { q = try b.add(b.mul(q, 1 - smoothing), smoothing / Double(classes)) }
            perElement = try b.neg(b.reduceSum(b.mul(q, logp), axes: [1], keepdims: false))
        case .binaryCrossEntropy(let fromLogits):
            if fromLogits {   // max(z, 0) - z t + log(1 + exp(-|z|))
                let z = prediction
                perElement = try b.add(b.sub(b.unary(.relu, z), b.mul(z, target)), b.unary(.softplus, b.neg(b.unary(.abs, z))))
            } else {
                let floor = b.scalar(-100, like: prediction)
                let logP = try b.emit(.maximum, [b.unary(.log, prediction), floor])
                let log1mP = try b.emit(.maximum, [b.unary(.log, b.rsub(1, prediction)), floor])
                perElement = try b.neg(b.add(b.mul(target, logP), b.mul(b.rsub(1, target), log1mP)))
            }
        case .mse: perElement = try b.square(b.sub(prediction, target))
        case .l1: perElement = try b.unary(.abs, b.sub(prediction, target))
        case .huber(let delta):   // with q = min(|d|, delta): 0.5 q^2 + delta (|d| - q)
            let a = try b.unary(.abs, b.sub(prediction, target))
            let q = try b.emit(.minimum, [a, b.scalar(delta, like: a)])
            perElement = try b.add(b.mul(b.square(q), 0.5), b.mul(b.sub(a, q), delta))
        }
        let total = try b.emit(reduction == .mean ? .reduceMean : .reduceSum, [perElement], ["keepdims": .int(0)])
        return try b.reshape(total, [.constant(1)])
    }
}
