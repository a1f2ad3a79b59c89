/// A tensor type: element type plus shape. Text form `f32[batch, 784]`; `f32[]` is a scalar.
public struct TensorType: Hashable, Sendable, CustomStringConvertible {
    public var dtype: DType
    public var shape: [Dim]

    public init(_ dtype: DType, _ shape: [Dim]) { self.dtype = dtype; self.shape = shape }
    public init(_ dtype: DType, static dims: [Int]) { self.init(dtype, dims.map { Dim.constant($0) }) }

    public var rank: Int { shape.count }
    public var elementCount: Dim { shape.product }
    /// Concrete dims, or nil when any dim is symbolic.
    public var staticShape: [Int]? {
        var out: [Int] = []
        for d in shape { guard let v = d.constantValue else { return nil }; out.append(v) }
        return out
    }
    public var description: String {
        "\(dtype.rawValue)[\(shape.map(\.description).joined(separator: ", "))]"
    }
}
