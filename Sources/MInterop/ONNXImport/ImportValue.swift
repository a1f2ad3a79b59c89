import MIR

/// A value while importing: a run-time tensor in the MIR function, or a compile-time
/// constant (initializers, Constant nodes, folded shape arithmetic). Shape arithmetic may
/// involve symbolic dims, so a 1-D int64 constant can hold `Dim`s instead of numbers.
enum ImportValue {
    case tensor(ValueID)
    case constant(ConstTensor)
}

/// A compile-time tensor. `values` are exact for every dtype up to 2^53; `dims` is set
/// for 1-D integer tensors computed from shapes (entries may be symbolic).
struct ConstTensor {
    var dtype: DType
    var shape: [Int]
    var values: [Double]
    /// The original bytes (initializers), kept so large float data is copied once, exactly.
    var raw: [UInt8]?
    var dims: [Dim]?
    /// The initializer's name, kept as the parameter name when it becomes one.
    var name: String?

    init(dtype: DType, shape: [Int], values: [Double], raw: [UInt8]? = nil) {
        self.dtype = dtype; self.shape = shape; self.values = values; self.raw = raw
    }

    /// A 1-D int64 tensor of (possibly symbolic) dims.
    init(dims: [Dim]) {
        dtype = .i64; shape = [dims.count]
        values = dims.map { Double($0.constantValue ?? -1) }
        self.dims = dims
    }

    static func scalar(_ v: Double, _ dtype: DType) -> ConstTensor { ConstTensor(dtype: dtype, shape: [], values: [v]) }

    var count: Int { shape.reduce(1, *) }
    var isSymbolic: Bool { dims?.contains { !$0.isStatic } ?? false }
    /// The entries as dims (constants unless computed from symbolic shapes).
    var asDims: [Dim] { dims ?? values.map { Dim.constant(Int($0)) } }
    var ints: [Int] { values.map { $0.isFinite ? Int($0) : 0 } }
    var bytes: [UInt8] { raw ?? packValues(values, as: dtype) }
}

/// Maps ONNX TensorProto.DataType codes to MIR dtypes.
func mirDType(_ code: Int) -> DType? {
    switch code {
    case 1: return .f32
    case 2: return .u8
    case 3: return .i8
    case 4: return .u16
    case 5: return .i16
    case 6: return .i32
    case 12: return .u32
    case 13: return .u64
    case 7: return .i64
    case 9: return .bool
    case 10: return .f16
    case 11: return .f64
    case 16: return .bf16
    default: return nil
    }
}

func onnxTypeName(_ code: Int) -> String {
    let names: [Int: String] = [1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64",
                                8: "string", 9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64",
                                14: "complex64", 15: "complex128", 16: "bfloat16"]
    return names[code] ?? "type \(code)"
}

/// Decodes packed little-endian data of `dtype` into Doubles.
func decodeValues(_ data: [UInt8], _ dtype: DType) -> [Double]? {
    let size = dtype.byteSize
    guard data.count % size == 0 else { return nil }
    let n = data.count / size
    var out = [Double](repeating: 0, count: n)
    func u(_ i: Int, _ bytes: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<bytes { v |= UInt64(data[i * bytes + k]) << (8 * UInt64(k)) }
        return v
    }
    for i in 0..<n {
        switch dtype {
        case .f32: out[i] = Double(Float(bitPattern: UInt32(u(i, 4))))
        case .f64: out[i] = Double(bitPattern: u(i, 8))
        case .f16: out[i] = halfToDouble(UInt16(u(i, 2)))
        case .bf16: out[i] = Double(Float(bitPattern: UInt32(u(i, 2)) << 16))
        case .i8: out[i] = Double(Int8(bitPattern: data[i]))
        case .u8, .bool: out[i] = Double(data[i])
        case .i16: out[i] = Double(Int16(bitPattern: UInt16(u(i, 2))))
        case .u16: out[i] = Double(u(i, 2))
        case .i32: out[i] = Double(Int32(bitPattern: UInt32(u(i, 4))))
        case .u32: out[i] = Double(u(i, 4))
        case .u64: out[i] = Double(u(i, 8))
        case .i64: out[i] = Double(Int64(bitPattern: u(i, 8)))
        }
    }
    return out
}

func halfToDouble(_ h: UInt16) -> Double {
    let sign: Double = (h & 0x8000) != 0 ? -1 : 1
    let exp = Int((h >> 10) & 0x1F), mant = Double(h & 0x3FF)
    if exp == 0 { return sign * mant * 0x1p-24 }
    if exp == 31 { return mant == 0 ? sign * .infinity : .nan }
    return sign * (1 + mant / 1024) * Double(sign: .plus, exponent: exp - 15, significand: 1)
}

func mirDType(_ t: ONNXElementType) -> DType? { mirDType(t.rawValue) }
func onnxTypeName(_ t: ONNXElementType) -> String { onnxTypeName(t.rawValue) }

extension ConstTensor {
    /// The tensor's bytes rearranged at compile time: `self[index]` along axis 0, then a
    /// 2-D transpose. Weights stored [out, in] (Gemm transB, LSTM W/R) are thus laid out
    /// for the GEMM once, instead of being transposed on every run.
    func slice0(_ index: Int) -> ConstTensor? {
        guard shape.count >= 1, index >= 0, index < shape[0] else { return nil }
        let size = dtype.byteSize, row = shape.dropFirst().reduce(1, *)
        let data = bytes
        guard data.count == count * size else { return nil }
        let part = Array(data[(index * row * size)..<((index + 1) * row * size)])
        var c = ConstTensor(dtype: dtype, shape: Array(shape.dropFirst()), values: [], raw: part)
        c.values = row <= 1 << 16 ? (decodeValues(part, dtype) ?? []) : []
        c.name = name.map { "\($0).\(index)" }
        return c
    }

    func transposed2D() -> ConstTensor? {
        guard shape.count == 2 else { return nil }
        let (rows, cols, size) = (shape[0], shape[1], dtype.byteSize)
        let data = bytes
        guard data.count == rows * cols * size else { return nil }
        var out = [UInt8](repeating: 0, count: data.count)
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for r in 0..<rows {
                    for c in 0..<cols {
                        let from = (r * cols + c) * size, to = (c * rows + r) * size
                        for k in 0..<size { dst[to + k] = src[from + k] }
                    }
                }
            }
        }
        var t = ConstTensor(dtype: dtype, shape: [cols, rows], values: [], raw: out)
        t.values = count <= 1 << 16 ? (decodeValues(out, dtype) ?? []) : []
        t.name = name.map { "\($0).T" }
        return t
    }
}
