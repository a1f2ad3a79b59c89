/// Element types of MIR tensors. The raw value is the spelling used by M and by MIR text.
public enum DType: String, CaseIterable, Hashable, Sendable {
    case f32, f16, bf16, f64, i8, u8, i16, u16, i32, u32, i64, u64, bool

    /// Size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .f64, .i64, .u64: 8
        case .i8, .u8, .bool: 1
        }
    }

    /// DLPack's type code (kDLInt = 0, kDLUInt = 1, kDLFloat = 2, kDLBfloat = 4, kDLBool = 6).
    public var dlpackCode: Int {
        switch self {
        case .f32, .f16, .f64: 2
        case .bf16: 4
        case .i8, .i16, .i32, .i64: 0
        case .u8, .u16, .u32, .u64: 1
        case .bool: 6
        }
    }

    public var bits: Int { byteSize * 8 }
    public var isInteger: Bool { !isFloat && self != .bool }
    /// Unsigned integers (and bool) compare, divide, widen and convert as unsigned.
    public var isSigned: Bool { !isUnsigned && self != .bool }
    public var isUnsigned: Bool { self == .u8 || self == .u16 || self == .u32 || self == .u64 }
    /// The representable range of an integer dtype (as Doubles: u64's top is rounded).
    public var integerRange: ClosedRange<Double> {
        isUnsigned ? 0...(twoPower(bits) - 1) : -twoPower(bits - 1)...(twoPower(bits - 1) - 1)
    }
    public var isFloat: Bool { self == .f32 || self == .f16 || self == .bf16 || self == .f64 }
}

private func twoPower(_ n: Int) -> Double { Double(sign: .plus, exponent: n, significand: 1) }
