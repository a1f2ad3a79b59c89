/// Shape inference for every op: the one rule that the M type checker, the ONNX
/// importer, the IR parser and the verifier all share.

/// A shape or attribute problem, phrased for the user (the caller adds the location).
public struct ShapeError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Window parameters of conv/pool ops with defaults filled in.
public struct WindowParams: Sendable, Equatable {
    public var kernel: [Int]      // [kh, kw] (pooling only; conv takes it from the weight)
    public var strides: [Int]     // [sh, sw]
    public var pads: [Int]        // [top, left, bottom, right]
    public var dilations: [Int]   // [dh, dw]
    public var groups: Int

    public init(_ attrs: Attributes) throws(ShapeError) {
        kernel = attrs["kernel"]?.intsValue ?? [1, 1]
        strides = attrs["strides"]?.intsValue ?? [1, 1]
        pads = attrs["pads"]?.intsValue ?? [0, 0, 0, 0]
        dilations = attrs["dilations"]?.intsValue ?? [1, 1]
        groups = attrs["groups"]?.intValue ?? 1
        guard kernel.count == 2, kernel.allSatisfy({ $0 >= 1 && $0 <= 1 << 16 }) else {
            throw ShapeError("kernel must be 2 positive sizes, got \(kernel)")
        }
        guard strides.count == 2, strides.allSatisfy({ $0 >= 1 && $0 <= 1 << 16 }) else {
            throw ShapeError("strides must be 2 positive sizes, got \(strides)")
        }
        guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }) else {
            throw ShapeError("pads must be 4 non-negative sizes [top, left, bottom, right], got \(pads)")
        }
        guard dilations.count == 2, dilations.allSatisfy({ $0 >= 1 && $0 <= 1 << 16 }) else {
            throw ShapeError("dilations must be 2 positive sizes, got \(dilations)")
        }
        guard groups >= 1 else { throw ShapeError("groups must be positive, got \(groups)") }
    }

    /// Output extent of one spatial dim.
    public func outputDim(_ input: Dim, axis: Int, kernelSize: Int) throws(ShapeError) -> Dim {
        let span = dilations[axis] * (kernelSize - 1) + 1
        let padded = input + .constant(pads[axis] + pads[axis + 2])
        if let p = padded.constantValue, p < span {
            throw ShapeError("window of size \(span) does not fit in padded input of size \(p)")
        }
        return Dim.quotient(padded - .constant(span), .constant(strides[axis])) + .constant(1)
    }
}

/// Numpy-style broadcast of two shapes.
public func broadcastShapes(_ a: [Dim], _ b: [Dim]) throws(ShapeError) -> [Dim] {
    let rank = max(a.count, b.count)
    var out: [Dim] = []
    for i in 0..<rank {
        let x = i < rank - a.count ? Dim.constant(1) : a[i - (rank - a.count)]
        let y = i < rank - b.count ? Dim.constant(1) : b[i - (rank - b.count)]
        if x == y || y == .constant(1) { out.append(x) }
        else if x == .constant(1) { out.append(y) }
        else { throw ShapeError("cannot broadcast shapes [\(dimList(a))] and [\(dimList(b))]: dim \(x) vs \(y)") }
    }
    return out
}

func dimList(_ dims: [Dim]) -> String { dims.map(\.description).joined(separator: ", ") }

/// Normalizes a possibly negative axis for a given rank.
public func normalizeAxis(_ axis: Int, rank: Int) throws(ShapeError) -> Int {
    let a = axis < 0 ? axis + rank : axis
    guard a >= 0, a < max(rank, 1) else { throw ShapeError("axis \(axis) is out of range for rank \(rank)") }
    return a
}

extension OpKind {
    /// The result type of this op applied to `operands`. `explicit` is the written
    /// result type, required for ops whose result cannot be inferred (reshape, param).
    public func inferResultType(
        operands: [TensorType], attributes attrs: Attributes, explicit: TensorType? = nil
    ) throws(ShapeError) -> TensorType {
        guard info.arity.contains(operands.count) else {
            throw ShapeError("'\(rawValue)' takes \(info.arity.lowerBound == info.arity.upperBound ? "\(info.arity.lowerBound)" : "\(info.arity.lowerBound) to \(info.arity.upperBound)") operands, got \(operands.count)")
        }
        for name in attrs.keys where !info.attributes.contains(name) {
            throw ShapeError("'\(rawValue)' has no attribute '\(name)'")
        }
        switch info.category {
        case .source:
            guard let explicit else { throw ShapeError("'\(rawValue)' needs an explicit result type") }
            guard attrs["name"]?.stringValue != nil else { throw ShapeError("'param' needs a name attribute") }
            return explicit
        case .elementwiseUnary:
            guard operands[0].dtype.isFloat else { throw ShapeError("'\(rawValue)' expects a float tensor, got \(operands[0])") }
            return operands[0]
        case .elementwiseBinary:
            let (a, b) = (operands[0], operands[1])
            guard a.dtype == b.dtype else { throw ShapeError("'\(rawValue)' operands differ in dtype: \(a) and \(b)") }
            return TensorType(a.dtype, try broadcastShapes(a.shape, b.shape))
        case .contraction:
            return try inferMatmul(operands[0], operands[1])
        case .convolution:
            return try inferConv2d(operands, attrs)
        case .pooling:
            let x = operands[0]
            guard x.rank == 4 else { throw ShapeError("'\(rawValue)' expects a rank-4 NCHW input, got rank \(x.rank) (\(x))") }
            let w = try WindowParams(attrs)
            let h = try w.outputDim(x.shape[2], axis: 0, kernelSize: w.kernel[0])
            let wd = try w.outputDim(x.shape[3], axis: 1, kernelSize: w.kernel[1])
            return TensorType(x.dtype, [x.shape[0], x.shape[1], h, wd])
        case .normalization:
            let x = operands[0]
            guard x.rank >= 1 else { throw ShapeError("'softmax' expects rank >= 1") }
            _ = try normalizeAxis(attrs["axis"]?.intValue ?? -1, rank: x.rank)
            return x
        case .movement:
            return try inferMovement(operands[0], attrs, explicit: explicit)
        }
    }

    private func inferMatmul(_ a: TensorType, _ b: TensorType) throws(ShapeError) -> TensorType {
        guard a.dtype == b.dtype else { throw ShapeError("'matmul' operands differ in dtype: \(a) and \(b)") }
        guard a.rank >= 2 else { throw ShapeError("'matmul' expects a left operand of rank >= 2, got \(a)") }
        guard b.rank == 2 else { throw ShapeError("'matmul' expects a rank-2 right operand, got \(b)") }
        guard a.shape[a.rank - 1] == b.shape[0] else {
            throw ShapeError("'matmul' contraction dims differ: \(a.shape[a.rank - 1]) (from \(a)) vs \(b.shape[0]) (from \(b))")
        }
        return TensorType(a.dtype, Array(a.shape.dropLast()) + [b.shape[1]])
    }

    private func inferConv2d(_ ops: [TensorType], _ attrs: Attributes) throws(ShapeError) -> TensorType {
        let x = ops[0], w = ops[1]
        guard x.rank == 4 else { throw ShapeError("'conv2d' expects a rank-4 NCHW input, got rank \(x.rank) (\(x))") }
        guard w.rank == 4, let kh = w.shape[2].constantValue, let kw = w.shape[3].constantValue else {
            throw ShapeError("'conv2d' expects a static rank-4 OIHW weight, got \(w)")
        }
        guard x.dtype == w.dtype else { throw ShapeError("'conv2d' input and weight differ in dtype") }
        let p = try WindowParams(attrs)
        guard let outC = w.shape[0].constantValue, outC % p.groups == 0 else {
            throw ShapeError("'conv2d' output channels \(w.shape[0]) are not divisible by groups \(p.groups)")
        }
        guard x.shape[1] == w.shape[1] * .constant(p.groups) else {
            throw ShapeError("'conv2d' input has \(x.shape[1]) channels but the weight expects \(w.shape[1] * .constant(p.groups))")
        }
        if ops.count == 3 {
            guard ops[2].rank == 1, ops[2].shape[0] == w.shape[0], ops[2].dtype == x.dtype else {
                throw ShapeError("'conv2d' bias must be \(x.dtype)[\(w.shape[0])], got \(ops[2])")
            }
        }
        let h = try p.outputDim(x.shape[2], axis: 0, kernelSize: kh)
        let wd = try p.outputDim(x.shape[3], axis: 1, kernelSize: kw)
        return TensorType(x.dtype, [x.shape[0], w.shape[0], h, wd])
    }

    private func inferMovement(_ x: TensorType, _ attrs: Attributes, explicit: TensorType?) throws(ShapeError) -> TensorType {
        switch self {
        case .reshape:
            guard let explicit else { throw ShapeError("'reshape' needs an explicit result type") }
            guard explicit.dtype == x.dtype else { throw ShapeError("'reshape' cannot change dtype") }
            guard explicit.elementCount == x.elementCount else {
                throw ShapeError("'reshape' from \(x) to \(explicit) changes the element count")
            }
            return explicit
        case .flatten:
            let axis = try normalizeAxis(attrs["axis"]?.intValue ?? 1, rank: x.rank + 1)
            return TensorType(x.dtype, [Array(x.shape[..<axis]).product, Array(x.shape[axis...]).product])
        case .transpose:
            let perm = attrs["perm"]?.intsValue ?? Array((0..<x.rank).reversed())
            guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
                throw ShapeError("'transpose' perm \(perm) is not a permutation of 0..<\(x.rank)")
            }
            return TensorType(x.dtype, perm.map { x.shape[$0] })
        default:
            throw ShapeError("internal error: '\(rawValue)' is not a movement op")
        }
    }
}
