import MIR

/// The training-mode forms of dropout and batch_norm, used while copying a forward function
/// into `<F>.train`.
///
/// - `dropout x` becomes `dropout x, seed_k`: the k-th dropout op gets `seed + k` so that
///   layers draw different masks from one seed argument.
/// - `batch_norm` normalizes with the batch mean and biased variance over every dim but 1;
///   the running statistics (when they are parameters) get new values
///   `(1 - momentum) * old + momentum * stat` with the unbiased batch variance (PyTorch).
func trainingForm(of op: Operation, in g: Function, state: inout TrainingState, pool: ConstantPool) throws(AutodiffError) -> ValueID? {
    var b = GradientBuilder(f: g, pool: pool)
    b.location = op.location
    switch op.kind {
    case .dropout where op.operands.count == 1:
        var seed = state.seed
        if state.dropouts > 0 {
            let type = TensorType(.i64, static: [1])
            let offset = g.appendUnchecked(.param, [], attributes: ["name": .string(pool.tensor([Double(state.dropouts)], type))], type: type, location: op.location)
            seed = try b.add(seed, offset)
        }
        state.dropouts += 1
        return try b.emit(.dropout, [op.operands[0], seed], op.attributes)
    case .batchNorm:
        let (x, gamma, beta, runningMean, runningVar) = (op.operands[0], op.operands[1], op.operands[2], op.operands[3], op.operands[4])
        let xt = g.type(of: x)
        let axes = [0] + Array(2..<xt.rank)
        let channels = [xt.shape[1]]
        let eps = op.attributes["epsilon"]?.floatValue ?? 1e-5, momentum = op.attributes["momentum"]?.floatValue ?? 0.1
        let keep: Attributes = ["axes": .ints(axes), "keepdims": .int(1)]
        let mean = try b.emit(.reduceMean, [x], keep)
        let centered = try b.sub(x, mean)
        let variance = try b.emit(.reduceMean, [b.square(centered)], keep)
        let normalized = try b.div(centered, b.unary(.sqrt, b.add(variance, eps)))
        let view = [xt.shape[1]] + [Dim](repeating: .constant(1), count: xt.rank - 2)
        let y = try b.add(b.mul(normalized, b.reshape(gamma, view)), b.reshape(beta, view))
        // State updates read the batch statistics; they carry no gradient to the loss.
        let n = try b.count(xt, axes: axes)
        let unbiased = try b.mul(b.reshape(variance, channels), b.div(n, b.add(n, -1)))
        for (stat, value) in [(runningMean, try b.reshape(mean, channels)), (runningVar, unbiased)] {
            guard let producer = g.ops.last(where: { $0.result == stat }), producer.kind == .param,
                  let name = producer.attributes["name"]?.stringValue else { continue }
            let updated = try b.add(b.mul(stat, 1 - momentum), b.mul(value, momentum))
            state.updates.removeAll { $0.name == name }
            state.updates.append((name, updated))
        }
        return y
    default:
        return nil
    }
}
