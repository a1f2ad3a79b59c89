import Foundation
import MIR

/// Reads and writes the safetensors format: an 8-byte little-endian header length, a
/// JSON header mapping names to {dtype, shape, data_offsets}, then raw little-endian data.
/// Every field is checked, since the file may come from anywhere.
public struct SafetensorsError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

public struct SafetensorsFile {
    public struct Entry: Sendable {
        public var dtype: String
        public var shape: [Int]
        public var range: Range<Int>
    }
    public let path: String
    public let entries: [String: Entry]
    private let data: Data
    private let dataStart: Int

    public init(path: String) throws(SafetensorsError) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafetensorsError(path: path, message: "cannot read the file")
        }
        self.data = data
        func fail(_ m: String) -> SafetensorsError { SafetensorsError(path: path, message: m) }
        guard data.count >= 8 else { throw fail("too short to be a safetensors file (\(data.count) bytes)") }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(data[data.startIndex + i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(data.count - 8), headerLength <= 100_000_000 else {
            throw fail("header length \(headerLength) exceeds the file size")
        }
        dataStart = 8 + Int(headerLength)
        let header = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + dataStart))
        guard let json = (try? JSONSerialization.jsonObject(with: header)) as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        let payload = data.count - dataStart
        for (name, value) in json where name != "__metadata__" {
            guard let obj = value as? [String: Any], let dtype = obj["dtype"] as? String,
                  let shape = obj["shape"] as? [Int], let offsets = obj["data_offsets"] as? [Int], offsets.count == 2 else {
                throw fail("tensor '\(name)' has a malformed header entry")
            }
            guard shape.allSatisfy({ $0 >= 0 && $0 <= 1 << 40 }), offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= payload else {
                throw fail("tensor '\(name)' has an invalid shape or data range")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.entries = entries
    }

    /// The tensor `name` as f32 values, checked against the expected shape.
    public func floats(_ name: String, shape expected: [Int]) throws(SafetensorsError) -> [Float] {
        guard let e = entries[name] else {
            let known = entries.keys.sorted().prefix(8).joined(separator: ", ")
            throw SafetensorsError(path: path, message: "no tensor named '\(name)' (it has: \(known))")
        }
        guard e.shape == expected else {
            throw SafetensorsError(path: path, message: "tensor '\(name)' has shape \(e.shape), expected \(expected)")
        }
        let count = expected.reduce(1, *)
        let base = data.startIndex + dataStart + e.range.lowerBound
        switch e.dtype {
        case "F32":
            guard e.range.count == count * 4 else { throw SafetensorsError(path: path, message: "tensor '\(name)' has \(e.range.count) bytes, expected \(count * 4)") }
            var out = [Float](repeating: 0, count: count)
            out.withUnsafeMutableBytes { dst in data.copyBytes(to: dst, from: base..<(base + count * 4)) }
            return out.map { Float(bitPattern: $0.bitPattern.littleEndian) }
        case "F64":
            guard e.range.count == count * 8 else { throw SafetensorsError(path: path, message: "tensor '\(name)' has \(e.range.count) bytes, expected \(count * 8)") }
            var out = [Double](repeating: 0, count: count)
            out.withUnsafeMutableBytes { dst in data.copyBytes(to: dst, from: base..<(base + count * 8)) }
            return out.map { Float($0) }
        default:
            throw SafetensorsError(path: path, message: "tensor '\(name)' has dtype \(e.dtype); F32 or F64 expected")
        }
    }

    /// Writes tensors (name, shape, f32 values) as a safetensors file.
    public static func write(_ tensors: [(name: String, shape: [Int], values: [Float])], to path: String) throws(SafetensorsError) {
        var header = "{"
        var offset = 0
        for (i, t) in tensors.enumerated() {
            let size = t.values.count * 4
            header += (i > 0 ? "," : "") + "\(quoteString(t.name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + size)]}"
            offset += size
        }
        header += "}"
        while (header.utf8.count + 8) % 8 != 0 { header += " " }
        var bytes: [UInt8] = []
        let length = UInt64(header.utf8.count)
        for i in 0..<8 { bytes.append(UInt8((length >> (8 * UInt64(i))) & 0xFF)) }
        bytes += Array(header.utf8)
        for t in tensors { for v in t.values { let b = v.bitPattern.littleEndian; for k in 0..<4 { bytes.append(UInt8((b >> (8 * UInt32(k))) & 0xFF)) } } }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw SafetensorsError(path: path, message: "cannot write the file")
        }
    }
}
