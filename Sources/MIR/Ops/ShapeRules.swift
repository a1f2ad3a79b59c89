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
    public var ceilMode = false

    public init(_ attrs: Attributes) throws(ShapeError) {
        kernel = attrs["kernel"]?.intsValue ?? [1, 1]
        ceilMode = (attrs["ceil_mode"]?.intValue ?? 0) != 0
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
        let extra = ceilMode ? strides[axis] - 1 : 0
        var out = Dim.quotient(padded - .constant(span) + .constant(extra), .constant(strides[axis])) + .constant(1)
        // Ceil mode: a window may not start in the end padding (ONNX and PyTorch agree).
        if ceilMode, let o = out.constantValue, let i = input.constantValue, (o - 1) * strides[axis] >= i + pads[axis] {
            out = .constant(o - 1)
        }
        return out
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

