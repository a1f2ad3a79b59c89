/// A minimal protobuf wire-format encoder: enough to write ONNX's `ModelProto` without
/// linking protobuf. Fields are appended in call order; the caller picks field numbers.
///
/// Wire types used: 0 (varint) for integers and enums, 1 (fixed64) for doubles,
/// 2 (length-delimited) for strings, bytes and nested messages, 5 (fixed32) for floats.
/// Repeated scalars are written unpacked (one tag per element), which is what onnx.proto's
/// proto2 `repeated int64` means; every protobuf parser also accepts this form.
public struct ProtobufWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public enum WireType: UInt8, Sendable {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    // MARK: primitives

    /// Appends `value` as a base-128 varint, low groups first.
    public mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Appends a field key: `(field << 3) | wireType`.
    public mutating func appendTag(_ field: Int, _ wireType: WireType) {
        precondition(field >= 1 && field < 1 << 29, "internal error: protobuf field number \(field) out of range")
        appendVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    // MARK: fields

    /// An `int64`/`int32`/`uint64`/enum field. Negative values take ten bytes (two's complement), as protobuf specifies.
    public mutating func int(_ field: Int, _ value: Int) {
        appendTag(field, .varint)
        appendVarint(UInt64(bitPattern: Int64(value)))
    }

    /// A repeated integer field, unpacked.
    public mutating func ints(_ field: Int, _ values: [Int]) {
        for v in values { int(field, v) }
    }

    /// A `float` field (fixed32, little-endian IEEE 754).
    public mutating func float(_ field: Int, _ value: Float) {
        appendTag(field, .fixed32)
        let b = value.bitPattern
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: b >> (8 * UInt32(i)))) }
    }

    /// A repeated float field, unpacked.
    public mutating func floats(_ field: Int, _ values: [Float]) {
        for v in values { float(field, v) }
    }

    /// A `double` field (fixed64, little-endian IEEE 754).
    public mutating func double(_ field: Int, _ value: Double) {
        appendTag(field, .fixed64)
        let b = value.bitPattern
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: b >> (8 * UInt64(i)))) }
    }

    /// A `bytes` field.
    public mutating func data(_ field: Int, _ value: [UInt8]) {
        appendTag(field, .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A `string` field (UTF-8).
    public mutating func string(_ field: Int, _ value: String) {
        data(field, Array(value.utf8))
    }

    /// A nested message field whose body `build` writes into a fresh writer.
    public mutating func message<E: Error>(_ field: Int, _ build: (inout ProtobufWriter) throws(E) -> Void) throws(E) {
        var inner = ProtobufWriter()
        try build(&inner)
        data(field, inner.bytes)
    }

    /// A nested message field from an already encoded body.
    public mutating func message(_ field: Int, encoded body: [UInt8]) {
        data(field, body)
    }
}
