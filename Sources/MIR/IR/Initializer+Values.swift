/// Deterministic parameter values. The generator is SplitMix64, chosen because it is
/// tiny, fast and gives identical streams on every platform, so a seed always builds
/// the same library.
public struct SplitMix64: Sendable {
    public private(set) var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1) with 24 random bits (exact in Float).
    public mutating func nextUnit() -> Double { Double(next() >> 40) / Double(1 << 24) }
}

/// FNV-1a, used to derive a per-parameter seed from a model seed and the parameter name.
public func stableHash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return h
}

public enum InitializerError: Error, Sendable { case needsExternalData }

extension Initializer {
    /// The values for `count` elements, or throws `.needsExternalData` for file-backed
    /// initializers, which the caller resolves (MInterop reads safetensors).
    public func materialize(count: Int) throws(InitializerError) -> [Float] {
        switch self {
        case .zeros: return [Float](repeating: 0, count: count)
        case .constant(let v): return [Float](repeating: Float(v), count: count)
        case .uniform(let limit, let seed):
            var rng = SplitMix64(seed: seed)
            var out = [Float](repeating: 0, count: count)
            for i in 0..<count { out[i] = Float((2 * rng.nextUnit() - 1) * limit) }
            return out
        case .values(let vs):
            guard vs.count == count else { return [Float](repeating: 0, count: 0) }
            return vs.map { Float($0) }
        case .safetensors: throw .needsExternalData
        }
    }
}
