/// Shape rules of the training-mode ops (dropout, batch_norm) and of the backward ops that
/// autodiff emits (filter gradient of a convolution, pooling gradients).
extension OpKind {
    /// `dropout x[, seed]`: the result is `x`'s type; the seed is one i64.
    func inferDropout(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        let ratio = attrs["ratio"]?.floatValue ?? 0.5
        guard ratio >= 0, ratio <= 1 else { throw ShapeError("'dropout' ratio must be in [0, 1], got \(ratio)") }
        if ops.count >= 2 {
            guard ops[1] == TensorType(.i64, static: [1]) else { throw ShapeError("'dropout' seed must be i64[1], got \(ops[1])") }
        }
        if ops.count == 3 {
            guard attrs["ratio"] == nil else { throw ShapeError("'dropout' takes its ratio as an attribute or as operand #2, not both") }
            let r = ops[2]
            guard r.dtype.isFloat, r.rank == 0 || (r.rank == 1 && r.shape[0] == .constant(1)) else {
                throw ShapeError("'dropout' ratio operand must be a float scalar, got \(r)")
            }
        }
        return ops[0]
    }

    /// `batch_norm x, scale, bias, mean, var`: x is [N, C, ...]; the other four are [C] of x's dtype.
    /// layer_norm x, scale[, bias] {axis, epsilon}: scale and bias have x's dims axis..<rank
    /// exactly (the kernel reads them per row element, no broadcast).
    func inferLayerNorm(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        let x = ops[0]
        guard x.rank >= 1, x.dtype.isFloat else { throw ShapeError("'layer_norm' expects a float tensor of rank >= 1, got \(x)") }
        let axis = attrs["axis"]?.intValue ?? -1
        guard axis >= -x.rank, axis < x.rank else { throw ShapeError("'layer_norm' axis \(axis) is out of range for \(x)") }
        let normalized = TensorType(x.dtype, Array(x.shape[(axis < 0 ? axis + x.rank : axis)...]))
        for (name, t) in zip(["scale", "bias"], ops.dropFirst()) where t != normalized {
            throw ShapeError("'layer_norm' \(name) must be \(normalized), got \(t)")
        }
        guard (attrs["epsilon"]?.floatValue ?? 1e-5) >= 0 else { throw ShapeError("'layer_norm' epsilon must be >= 0") }
        return x
    }

    func inferBatchNorm(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        let x = ops[0]
        guard x.rank >= 2 else { throw ShapeError("'batch_norm' expects an input [N, C, ...], got \(x)") }
        for (name, t) in zip(["scale", "bias", "mean", "var"], ops.dropFirst()) {
            guard t.dtype == x.dtype, t.shape == [x.shape[1]] else {
                throw ShapeError("'batch_norm' \(name) must be \(x.dtype)[\(x.shape[1])], got \(t)")
            }
        }
        let momentum = attrs["momentum"]?.floatValue ?? 0.1
        guard momentum >= 0, momentum <= 1 else { throw ShapeError("'batch_norm' momentum must be in [0, 1], got \(momentum)") }
        guard (attrs["epsilon"]?.floatValue ?? 1e-5) >= 0 else { throw ShapeError("'batch_norm' epsilon must be >= 0") }
        return x
    }

    /// `conv2d_backward_filter x, dy {kernel, ...}`: the weight gradient of `conv2d x, w` whose
    /// result is `dy`; [out, in/groups, kh, kw] with out = dy's channels.
    func inferConvBackwardFilter(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        let x = ops[0], dy = ops[1]
        guard x.rank == 4, dy.rank == 4, x.dtype == dy.dtype, x.dtype.isFloat else {
            throw ShapeError("'conv2d_backward_filter' expects rank-4 float x and dy of one dtype, got \(x) and \(dy)")
        }
        let p = try WindowParams(attrs)
        guard let cin = x.shape[1].constantValue, let cout = dy.shape[1].constantValue,
              cin % p.groups == 0, cout % p.groups == 0 else {
            throw ShapeError("'conv2d_backward_filter' needs static channel counts divisible by groups \(p.groups), got \(x) and \(dy)")
        }
        guard x.shape[0] == dy.shape[0] else { throw ShapeError("'conv2d_backward_filter' batch dims differ: \(x) and \(dy)") }
        for axis in 0..<2 {
            let out = try p.outputDim(x.shape[2 + axis], axis: axis, kernelSize: p.kernel[axis])
            guard out == dy.shape[2 + axis] else {
                throw ShapeError("'conv2d_backward_filter' dy spatial dim \(dy.shape[2 + axis]) does not match the convolution's \(out)")
            }
        }
        return TensorType(x.dtype, static: [cout, cin / p.groups, p.kernel[0], p.kernel[1]])
    }

    /// `max/avg_pool2d_backward x, dy`: dy has the pooling's result type; dx has x's type.
    func inferPoolBackward(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        let x = ops[0], dy = ops[1]
        guard x.rank == 4, x.dtype == dy.dtype else { throw ShapeError("'\(rawValue)' expects rank-4 x and dy of one dtype, got \(x) and \(dy)") }
        let forward: OpKind = self == .maxPool2dBackward ? .maxPool2d : .avgPool2d
        let y = try forward.inferResultType(operands: [x], attributes: attrs)
        guard y == dy else { throw ShapeError("'\(rawValue)' dy must be \(y) (the pooling's result), got \(dy)") }
        return x
    }
}
