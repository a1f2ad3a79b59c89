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

/// Packs values as little-endian bytes of `dtype` (bool as 0/1 bytes; floats rounded,
/// integers truncated toward zero and saturated).
public func packValues(_ values: [Double], as dtype: DType) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(values.count * dtype.byteSize)
    func int(_ v: Double, _ lo: Double, _ hi: Double) -> Int64 { v.isNaN ? 0 : Int64(min(max(v.rounded(.towardZero), lo), hi)) }
    for v in values {
        switch dtype {
        case .f32: withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { out += $0 }
        case .f64: withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 }
        case .f16, .bf16:
            let bits = Float(v).bitPattern
            let half: UInt16 = dtype == .bf16 ? UInt16(bits >> 16) : Float16Bits.from(Float(v))
            withUnsafeBytes(of: half.littleEndian) { out += $0 }
        case .i8: out.append(UInt8(bitPattern: Int8(int(v, -128, 127))))
        case .u8: out.append(UInt8(int(v, 0, 255)))
        case .bool: out.append(v != 0 ? 1 : 0)
        case .i16: withUnsafeBytes(of: Int16(int(v, -32768, 32767)).littleEndian) { out += $0 }
        case .u16: withUnsafeBytes(of: UInt16(int(v, 0, 65535)).littleEndian) { out += $0 }
        case .i32: withUnsafeBytes(of: Int32(int(v, -2147483648, 2147483647)).littleEndian) { out += $0 }
        case .u32: withUnsafeBytes(of: UInt32(int(v, 0, 4294967295)).littleEndian) { out += $0 }
        case .u64:
            let u: UInt64 = v.isNaN || v <= 0 ? 0 : (v >= 18446744073709551615 ? .max : UInt64(v.rounded(.towardZero)))
            withUnsafeBytes(of: u.littleEndian) { out += $0 }
        case .i64: withUnsafeBytes(of: int(v, -9.2e18, 9.2e18).littleEndian) { out += $0 }
        }
    }
    return out
}

/// IEEE half-precision encoding without relying on the platform's Float16.
enum Float16Bits {
    static func from(_ f: Float) -> UInt16 {
        let b = f.bitPattern
        let sign = UInt16((b >> 16) & 0x8000)
        let exp = Int((b >> 23) & 0xFF) - 127 + 15
        let mant = b & 0x7FFFFF
        if (b >> 23) & 0xFF == 0xFF { return sign | 0x7C00 | (mant != 0 ? 0x200 : 0) }
        if exp >= 31 { return sign | 0x7C00 }
        if exp <= 0 { return sign }
        return sign | UInt16(exp << 10) | UInt16(mant >> 13)
    }
}

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
        case .safetensors, .external: throw .needsExternalData
        }
    }
}
