import MIR

/// Lowering of the layer library to MIR ops, with each layer's input contract checked at the
/// call. Parameters are named `path.weight`, `path.bias`, ... (PyTorch's names).
extension Scope {
    func lowerLayer(_ spec: LayerSpec, label: String, path: String, inputs: [ValueID], at range: SourceRange) -> ValueID? {
        let x = inputs[0], xt = lowerer.type(x)
        let call = label.isEmpty ? spec.kind.rawValue : "\(spec.kind.rawValue) '\(label)'"
        if let declared = spec.ints("input_shape"), !checkInputShape(declared, xt, call: call, at: range) { return nil }
        var result: ValueID?
        switch spec.kind {
        case .dense: result = dense(spec, call: call, label: label, path: path, x, at: range)
        case .conv2d, .depthwiseConv2d: result = conv2d(spec, call: call, label: label, path: path, x, at: range)
        case .conv1d: result = conv1d(spec, call: call, label: label, path: path, x, at: range)
        case .convTranspose2d: result = convTranspose2d(spec, call: call, label: label, path: path, x, at: range)
        case .batchNorm: result = batchNorm(spec, call: call, label: label, path: path, x, at: range)
        case .layerNorm: result = layerNorm(spec, call: call, label: label, path: path, x, at: range)
        case .embedding: result = embedding(spec, call: call, label: label, path: path, x, at: range)
        case .lstm, .gru: result = recurrent(spec, call: call, label: label, path: path, x, at: range)
        case .multiHeadAttention: result = attention(spec, call: call, label: label, path: path, inputs, at: range)
        case .identity: result = x
        case .dropout: result = lowerer.emit(.dropout, [x], attributes: ["ratio": .float(spec.float("rate") ?? 0.5)], at: range)
        case .maxPooling2d, .averagePooling2d:
            guard xt.rank == 4 else { diags.error("\(call) expects a rank-4 NCHW input, got \(xt)", at: range); return nil }
            let pool = spec.pair("pool") ?? [2, 2]
            let strides = spec.pair("stride") ?? pool
            guard let pads = padding(spec, kernel: pool, strides: strides, dilations: [1, 1], input: xt, call: call, at: range) else { return nil }
            result = lowerer.emit(spec.kind == .maxPooling2d ? .maxPool2d : .avgPool2d, [x],
                                  attributes: ["kernel": .ints(pool), "strides": .ints(strides), "pads": .ints(pads)], at: range)
        case .globalAveragePooling2d, .globalMaxPooling2d:
            guard xt.rank == 4 else { diags.error("\(call) expects a rank-4 NCHW input, got \(xt)", at: range); return nil }
            result = lowerer.emit(spec.kind == .globalMaxPooling2d ? .reduceMax : .reduceMean, [x],
                                  attributes: ["axes": .ints([2, 3]), "keepdims": .int(0)], at: range)
        case .globalAveragePooling1d:
            guard xt.rank == 3 else { diags.error("\(call) expects a rank-3 input [batch, steps, features], got \(xt)", at: range); return nil }
            result = lowerer.emit(.reduceMean, [x], attributes: ["axes": .ints([1]), "keepdims": .int(0)], at: range)
        case .flatten:
            guard xt.rank >= 1 else { diags.error("\(call) expects a tensor of rank 1 or more, got \(xt)", at: range); return nil }
            result = lowerer.emit(.flatten, [x], attributes: ["axis": .int(min(1, xt.rank))], at: range)
        case .reshape:
            guard let target = spec.ints("shape"), let shape = reshapeTarget(target, xt, call: call, at: range) else { return nil }
            result = lowerer.emit(.reshape, [x], explicit: TensorType(xt.dtype, shape), at: range)
        case .concat:
            result = join(.concat, inputs, attributes: ["axis": .int(spec.int("axis") ?? 1)], call: call, at: range)
        case .add:
            var sum = x
            for other in inputs.dropFirst() {
                guard let s = join(.add, [sum, other], attributes: [:], call: call, at: range) else { return nil }
                sum = s
            }
            result = sum
        case .activation: result = activation(spec.string("function") ?? "linear", x, at: range)
        case .relu, .relu6, .sigmoid, .tanh, .silu:
            result = activation(spec.kind == .silu ? "silu" : spec.kind.rawValue.lowercased(), x, at: range)
        case .gelu: result = activation("gelu", x, approximate: spec.string("approximate"), at: range)
        case .softmax: result = lowerer.emit(.softmax, [x], attributes: ["axis": .int(spec.int("axis") ?? -1)], at: range)
        case .leakyRelu: result = activation("leaky_relu", x, alpha: spec.float("alpha"), at: range)
        case .normalize:
            guard let mean = lowerer.scalar(spec.float("mean") ?? 0, xt.dtype, at: range),
                  let std = lowerer.scalar(spec.float("std") ?? 1, xt.dtype, at: range),
                  let centered = lowerer.emit(.sub, [x, mean], at: range) else { return nil }
            result = lowerer.emit(.div, [centered, std], at: range)
        }
        if let name = spec.string("activation"), name != "linear", let r = result { result = activation(name, r, at: range) }
        return result
    }

    /// An op over several layer inputs whose shape failure is phrased for the layer.
    private func join(_ kind: OpKind, _ inputs: [ValueID], attributes: Attributes, call: String, at range: SourceRange) -> ValueID? {
        do {
            _ = try kind.inferResultType(operands: inputs.map(lowerer.type), attributes: attributes)
        } catch {
            diags.error("\(call) cannot combine \(inputs.map { lowerer.type($0).description }.joined(separator: " and ")): \(error.message)", at: range)
            return nil
        }
        return lowerer.emit(kind, inputs, attributes: attributes, at: range)
    }

    /// `input_shape` is Keras' (channels last, no batch dim): `(64, 64, 3)` means `[batch, 3, 64, 64]`.
    private func checkInputShape(_ declared: [Int], _ xt: TensorType, call: String, at range: SourceRange) -> Bool {
        let expected = channelsFirst(declared)
        let actual = xt.shape.dropFirst().map(\.constantValue)
        if actual.count == expected.count && zip(actual, expected).allSatisfy({ $0 == $1 || $1 == -1 }) { return true }
        diags.error("\(call) declares input_shape \(ConstValue.tuple(declared.map { .int($0) })) (channels last: [batch, \(expected.map(String.init).joined(separator: ", "))]) but is applied to \(xt)", at: range)
        return false
    }

    func dense(_ spec: LayerSpec, call: String, label: String, path: String, _ x: ValueID, at range: SourceRange) -> ValueID? {
        let xt = lowerer.type(x)
        guard xt.rank >= 2 else {
            diags.error("\(call) expects an input of rank 2 or more [batch, features], got \(xt)", at: range); return nil
        }
        if xt.rank > 3 {
            diags.error("\(call) expects a rank-2 input [batch, features], got rank \(xt.rank) (\(xt)); apply flatten() first", at: range)
            return nil
        }
        guard let features = xt.shape[xt.rank - 1].constantValue else {
            diags.error("\(call) needs a static feature dim, got \(xt)", at: range); return nil
        }
        let units = spec.int("units") ?? 1
        guard let w = lowerer.parameter(path + ".weight", shape: [features, units], initializer: .glorot(fanIn: features, fanOut: units), layer: label, at: range),
              var y = lowerer.emit(.matmul, [x, w], at: range) else { return nil }
        if spec.bool("use_bias") ?? true {
            guard let b = lowerer.parameter(path + ".bias", shape: [units], initializer: .zeros, layer: label, at: range),
                  let yb = lowerer.emit(.add, [y, b], at: range) else { return nil }
            y = yb
        }
        return y
    }

    /// `[top, left, bottom, right]` for "valid", "same" (TensorFlow's rule) or explicit padding.
    func padding(_ spec: LayerSpec, kernel: [Int], strides: [Int], dilations: [Int], input: TensorType, call: String,
                 at range: SourceRange) -> [Int]? {
        if let p = spec.pair("padding") { return [p[0], p[1], p[0], p[1]] }
        guard spec.string("padding") == "same" else { return [0, 0, 0, 0] }
        var before: [Int] = [], after: [Int] = []
        for axis in 0..<2 {
            let span = dilations[axis] * (kernel[axis] - 1) + 1
            var total = span - 1
            if strides[axis] > 1 {
                guard let n = input.shape[2 + axis].constantValue else {
                    diags.error("\(call): padding \"same\" with a stride above 1 needs a static input size, got \(input)", at: range)
                    return nil
                }
                let out = (n + strides[axis] - 1) / strides[axis]
                total = max((out - 1) * strides[axis] + span - n, 0)
            }
            before.append(total / 2); after.append(total - total / 2)
        }
        return before + after
    }

    func conv2d(_ spec: LayerSpec, call: String, label: String, path: String, _ x: ValueID, at range: SourceRange) -> ValueID? {
        let xt = lowerer.type(x)
        guard xt.rank == 4, let channels = xt.shape[1].constantValue else {
            diags.error("\(call) expects a rank-4 NCHW input [batch, channels, height, width] with a static channel dim, got \(xt)", at: range)
            return nil
        }
        let depthwise = spec.kind == .depthwiseConv2d
        let groups = depthwise ? channels : (spec.int("groups") ?? 1)
        let filters = depthwise ? saturatingProduct(channels, spec.int("depth_multiplier") ?? 1) : (spec.int("filters") ?? 1)
        guard channels % groups == 0, filters % groups == 0 else {
            diags.error("\(call): \(channels) input channels and \(filters) filters must both be divisible by groups = \(groups)", at: range)
            return nil
        }
        let kernel = spec.pair("kernel") ?? [1, 1], strides = spec.pair("stride") ?? [1, 1], dilations = spec.pair("dilation") ?? [1, 1]
        guard let pads = padding(spec, kernel: kernel, strides: strides, dilations: dilations, input: xt, call: call, at: range) else { return nil }
        let perGroup = channels / groups
        let fanIn = saturatingProduct(perGroup, kernel[0], kernel[1]), fanOut = saturatingProduct(filters, kernel[0], kernel[1])
        guard let w = lowerer.parameter(path + ".weight", shape: [filters, perGroup, kernel[0], kernel[1]],
                                        initializer: .glorot(fanIn: fanIn, fanOut: fanOut), layer: label, at: range) else { return nil }
        var operands = [x, w]
        if spec.bool("use_bias") ?? true {
            guard let b = lowerer.parameter(path + ".bias", shape: [filters], initializer: .zeros, layer: label, at: range) else { return nil }
            operands.append(b)
        }
        var attributes: Attributes = ["strides": .ints(strides), "pads": .ints(pads), "dilations": .ints(dilations)]
        if groups != 1 { attributes["groups"] = .int(groups) }
        return lowerer.emit(.conv2d, operands, attributes: attributes, at: range)
    }

    /// Conv1D on `[batch, channels, length]` as a conv2d over `[batch, channels, 1, length]`.
    func conv1d(_ spec: LayerSpec, call: String, label: String, path: String, _ x: ValueID, at range: SourceRange) -> ValueID? {
        let xt = lowerer.type(x)
        guard xt.rank == 3, let channels = xt.shape[1].constantValue else {
            diags.error("\(call) expects a rank-3 input [batch, channels, length] with a static channel dim, got \(xt)", at: range)
            return nil
        }
        let groups = spec.int("groups") ?? 1, filters = spec.int("filters") ?? 1, k = spec.int("kernel") ?? 1
        guard channels % groups == 0, filters % groups == 0 else {
            diags.error("\(call): \(channels) input channels and \(filters) filters must both be divisible by groups = \(groups)", at: range)
            return nil
        }
        let stride = spec.int("stride") ?? 1, dilation = spec.int("dilation") ?? 1
        var as2d = spec
        as2d.arguments["kernel"] = .tuple([.int(1), .int(k)])
        if case .tuple(let p)? = spec.arguments["padding"], p.count == 2 { as2d.arguments["padding"] = .tuple([.int(0), p[1]]) }
        let x4 = TensorType(xt.dtype, [xt.shape[0], xt.shape[1], .constant(1), xt.shape[2]])
        guard let pads = padding(as2d, kernel: [1, k], strides: [1, stride], dilations: [1, dilation], input: x4, call: call, at: range),
              let w3 = lowerer.parameter(path + ".weight", shape: [filters, channels / groups, k],
                                         initializer: .glorot(fanIn: saturatingProduct(channels / groups, k), fanOut: saturatingProduct(filters, k)), layer: label, at: range),
              let w = lowerer.reshape(w3, [.constant(filters), .constant(channels / groups), .constant(1), .constant(k)], at: range),
              let x2 = lowerer.reshape(x, x4.shape, at: range) else { return nil }
        var operands = [x2, w]
        if spec.bool("use_bias") ?? true {
            guard let b = lowerer.parameter(path + ".bias", shape: [filters], initializer: .zeros, layer: label, at: range) else { return nil }
            operands.append(b)
        }
        var attributes: Attributes = ["strides": .ints([1, stride]), "pads": .ints(pads), "dilations": .ints([1, dilation])]
        if groups != 1 { attributes["groups"] = .int(groups) }
        guard let y = lowerer.emit(.conv2d, operands, attributes: attributes, at: range) else { return nil }
        let yt = lowerer.type(y)
        return lowerer.reshape(y, [yt.shape[0], yt.shape[1], yt.shape[3]], at: range)
    }

    func convTranspose2d(_ spec: LayerSpec, call: String, label: String, path: String, _ x: ValueID, at range: SourceRange) -> ValueID? {
        let xt = lowerer.type(x)
        guard xt.rank == 4, let channels = xt.shape[1].constantValue else {
            diags.error("\(call) expects a rank-4 NCHW input with a static channel dim, got \(xt)", at: range); return nil
        }
        let filters = spec.int("filters") ?? 1, kernel = spec.pair("kernel") ?? [1, 1]
        let p = spec.pair("padding") ?? [0, 0]
        guard let w = lowerer.parameter(path + ".weight", shape: [channels, filters, kernel[0], kernel[1]],
                                        initializer: .glorot(fanIn: saturatingProduct(filters, kernel[0], kernel[1]),
                                                             fanOut: saturatingProduct(channels, kernel[0], kernel[1])),
                                        layer: label, at: range) else { return nil }
        var operands = [x, w]
        if spec.bool("use_bias") ?? true {
            guard let b = lowerer.parameter(path + ".bias", shape: [filters], initializer: .zeros, layer: label, at: range) else { return nil }
            operands.append(b)
        }
        return lowerer.emit(.convTranspose2d, operands, attributes: [
            "strides": .ints(spec.pair("stride") ?? [1, 1]), "pads": .ints([p[0], p[1], p[0], p[1]]),
            "output_padding": .ints(spec.pair("output_padding") ?? [0, 0]),
        ], at: range)
    }

    /// Batch normalization over dim 1 as one `batch_norm` op: the lower-inference pass expands it
    /// (running statistics), training functions use batch statistics and update the running ones.
    func batchNorm(_ spec: LayerSpec, call: String, label: String, path: String, _ x: ValueID, at range: SourceRange) -> ValueID? {
        let xt = lowerer.type(x)
        guard xt.rank >= 2, let c = xt.shape[1].constantValue, xt.dtype.isFloat else {
            diags.error("\(call) expects a float input [batch, channels, ...] with a static channel dim, got \(xt)", at: range); return nil
        }
        guard let gamma = lowerer.parameter(path + ".weight", shape: [c], initializer: .ones, layer: label, at: range),
              let beta = lowerer.parameter(path + ".bias", shape: [c], initializer: .zeros, layer: label, at: range),
              let mean = lowerer.parameter(path + ".running_mean", shape: [c], initializer: .zeros, trainable: false, layer: label, at: range),
              let variance = lowerer.parameter(path + ".running_var", shape: [c], initializer: .ones, trainable: false, layer: label, at: range)
        else { return nil }
        return lowerer.emit(.batchNorm, [x, gamma, beta, mean, variance],
                            attributes: ["epsilon": .float(spec.float("eps") ?? 1e-5), "momentum": .float(spec.float("momentum") ?? 0.1)], at: range)
    }

    /// Normalization over the last axis with a learned scale and shift.
    func layerNorm(_ spec: LayerSpec, call: String, label: String, path: String, _ x: ValueID, at range: SourceRange) -> ValueID? {
        let xt = lowerer.type(x)
        guard xt.rank >= 1, let d = xt.shape[xt.rank - 1].constantValue, xt.dtype.isFloat else {
            diags.error("\(call) expects a float input with a static last dim, got \(xt)", at: range); return nil
        }
        let emit = lowerer.emit
        let last: Attributes = ["axes": .ints([-1]), "keepdims": .int(1)]
        guard let w = lowerer.parameter(path + ".weight", shape: [d], initializer: .ones, layer: label, at: range),
              let b = lowerer.parameter(path + ".bias", shape: [d], initializer: .zeros, layer: label, at: range),
              let eps = lowerer.scalar(spec.float("eps") ?? 1e-5, xt.dtype, at: range),
              let mean = emit(.reduceMean, [x], last, nil, range), let centered = emit(.sub, [x, mean], [:], nil, range),
              let squared = emit(.mul, [centered, centered], [:], nil, range), let variance = emit(.reduceMean, [squared], last, nil, range),
              let shifted = emit(.add, [variance, eps], [:], nil, range), let root = emit(.sqrt, [shifted], [:], nil, range),
              let normalized = emit(.div, [centered, root], [:], nil, range), let scaled = emit(.mul, [normalized, w], [:], nil, range)
        else { return nil }
        return emit(.add, [scaled, b], [:], nil, range)
    }

    func embedding(_ spec: LayerSpec, call: String, label: String, path: String, _ ids: ValueID, at range: SourceRange) -> ValueID? {
        let t = lowerer.type(ids)
        guard t.dtype == .i64 || t.dtype == .i32 else {
            diags.error("\(call) expects integer token ids (i32 or i64), got \(t)", at: range); return nil
        }
        let vocab = spec.int("vocab") ?? 1, dim = spec.int("dim") ?? 1
        guard let table = lowerer.parameter(path + ".weight", shape: [vocab, dim], initializer: .glorot(fanIn: vocab, fanOut: dim), layer: label, at: range)
        else { return nil }
        return lowerer.emit(.gather, [table, ids], attributes: ["axis": .int(0)], at: range)
    }

    /// `[batch] + target`, with one `-1` inferred from the static element count.
    func reshapeTarget(_ target: [Int], _ xt: TensorType, call: String, at range: SourceRange) -> [Dim]? {
        guard xt.rank >= 1 else { diags.error("\(call) expects a tensor with a batch dim, got \(xt)", at: range); return nil }
        var dims = target.map { Dim.constant($0) }
        if let hole = target.firstIndex(of: -1) {
            let known = target.filter { $0 != -1 }.reduce(1) { saturatingProduct($0, $1) }
            guard let total = Array(xt.shape.dropFirst()).product.constantValue, known > 0, total % known == 0 else {
                diags.error("\(call): cannot infer the -1 in \(ConstValue.tuple(target.map { .int($0) })) from \(xt)", at: range); return nil
            }
            dims[hole] = .constant(total / known)
        }
        let shape = [xt.shape[0]] + dims
        guard TensorType(xt.dtype, shape).elementCount == xt.elementCount else {
            diags.error("\(call) cannot reshape \(xt) to \(TensorType(xt.dtype, shape)): the element counts differ", at: range); return nil
        }
        return shape
    }
}

/// Keras' channels-last shape (no batch dim) in M's channels-first layout.
func channelsFirst(_ shape: [Int]) -> [Int] {
    guard shape.count >= 3, let c = shape.last else { return shape }
    return [c] + shape.dropLast()
}
