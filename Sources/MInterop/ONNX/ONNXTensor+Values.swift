/// Typed views of `ONNXTensor.data`, which is packed little-endian in the tensor's type.
extension ONNXTensor {
    /// The values converted to Float: every real numeric type, float16 and bfloat16 included,
    /// and bool (0 or 1). Large integers round to the nearest Float. Nil for string and
    /// complex tensors, or when `data` does not hold exactly `elementCount` values.
    public func floats() -> [Float]? {
        switch elemType {
        case .float: return decode(4) { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
        case .double: return decode(8) { Float(Double(bitPattern: $0)) }
        case .float16: return decode(2) { floatFromHalf(UInt16(truncatingIfNeeded: $0)) }
        case .bfloat16: return decode(2) { Float(bitPattern: UInt32(truncatingIfNeeded: $0) << 16) }
        case .int8: return decode(1) { Float(Int8(truncatingIfNeeded: $0)) }
        case .int16: return decode(2) { Float(Int16(truncatingIfNeeded: $0)) }
        case .int32: return decode(4) { Float(Int32(truncatingIfNeeded: $0)) }
        case .int64: return decode(8) { Float(Int64(bitPattern: $0)) }
        case .uint8, .uint16, .uint32, .uint64, .bool:
            guard let size = elemType.byteSize else { return nil }
            return decode(size) { Float($0) }
        case .string, .complex64, .complex128: return nil
        }
    }

    /// The values as Int64, for integer and bool tensors (shapes, axes, indices). uint64
    /// values above Int64.max wrap. Nil for floating-point, complex and string tensors, or
    /// when `data` does not hold exactly `elementCount` values.
    public func int64s() -> [Int64]? {
        switch elemType {
        case .int8: return decode(1) { Int64(Int8(truncatingIfNeeded: $0)) }
        case .int16: return decode(2) { Int64(Int16(truncatingIfNeeded: $0)) }
        case .int32: return decode(4) { Int64(Int32(truncatingIfNeeded: $0)) }
        case .int64, .uint64: return decode(8) { Int64(bitPattern: $0) }
        case .uint8, .uint16, .uint32, .bool:
            guard let size = elemType.byteSize else { return nil }
            return decode(size) { Int64($0) }
        case .float, .double, .float16, .bfloat16, .string, .complex64, .complex128: return nil
        }
    }

    /// Reads `elementCount` little-endian words of `size` (1, 2, 4 or 8) bytes and maps each one.
    private func decode<T>(_ size: Int, _ convert: (UInt64) -> T) -> [T]? {
        let count = elementCount
        guard data.count == count * size else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<count).map { i in
                let offset = i * size
                switch size {
                case 1: return convert(UInt64(raw[offset]))
                case 2: return convert(UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
                case 4: return convert(UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
                default: return convert(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                }
            }
        }
    }
}

/// IEEE 754 binary16 to Float, written out because `Float16` is not available on every
/// platform Swift supports (e.g. macOS on Intel).
func floatFromHalf(_ bits: UInt16) -> Float {
    let sign = UInt32(bits >> 15) << 31
    let exponent = Int(bits >> 10) & 0x1f
    let mantissa = UInt32(bits & 0x3ff)
    switch exponent {
    case 0:
        // Zero or subnormal: mantissa * 2^-24, exact in Float.
        let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
        return sign != 0 ? -magnitude : magnitude
    case 0x1f:
        return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))  // infinity or NaN
    default:
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
