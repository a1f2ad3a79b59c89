/// Element types of MIR tensors. The raw value is the spelling used by M and by MIR text.
public enum DType: String, CaseIterable, Hashable, Sendable {
    case f32, f16, bf16, f64, i8, u8, i32, i64, bool

    /// Size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .f32, .i32: 4
        case .f16, .bf16: 2
        case .f64, .i64: 8
        case .i8, .u8, .bool: 1
        }
    }

    /// DLPack's type code (kDLInt = 0, kDLUInt = 1, kDLFloat = 2, kDLBfloat = 4, kDLBool = 6).
    public var dlpackCode: Int {
        switch self {
        case .f32, .f16, .f64: 2
        case .bf16: 4
        case .i8, .i32, .i64: 0
        case .u8: 1
        case .bool: 6
        }
    }

    public var bits: Int { byteSize * 8 }
    public var isInteger: Bool { self == .i8 || self == .u8 || self == .i32 || self == .i64 }
    public var isSigned: Bool { self != .u8 && self != .bool }
    public var isFloat: Bool { self == .f32 || self == .f16 || self == .bf16 || self == .f64 }
}
