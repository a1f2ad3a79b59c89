import Foundation

/// One array of a `.npy` file (numpy's format 1.0/2.0/3.0), as f64 values in C order.
public struct NPYArray: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Double]
    /// Integer or boolean element type (labels), as opposed to floating point.
    public var isIntegral: Bool
}

public enum NPYReader {
    /// Parses the bytes of one `.npy` file; `name` is used in messages.
    public static func parse(_ bytes: [UInt8], name: String) throws(DataError) -> NPYArray {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw DataError("'\(name)' is not a .npy file (bad magic)") }
        let major = bytes[6]
        var offset: Int, headerLength: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; offset = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw DataError("'\(name)': truncated header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }; offset = 12
        default:
            throw DataError("'\(name)': unsupported .npy version \(major)")
        }
        guard offset + headerLength <= bytes.count,
              let header = String(bytes: bytes[offset ..< offset + headerLength], encoding: .utf8) else {
            throw DataError("'\(name)': truncated header")
        }
        offset += headerLength
        guard let descr = stringValue(of: "descr", in: header) else { throw DataError("'\(name)': header has no 'descr'") }
        if header.range(of: "'fortran_order': True") != nil {
            throw DataError("'\(name)': Fortran-order arrays are not supported (save with np.ascontiguousarray)")
        }
        guard let shape = shapeValue(in: header) else { throw DataError("'\(name)': header has no 'shape'") }
        let count = shape.reduce(1, *)
        guard let type = ElementType(descr: descr) else {
            throw DataError("'\(name)': element type '\(descr)' is not supported (use float32/float64/int8-64/uint8-64/bool)")
        }
        guard bytes.count - offset >= count * type.size else {
            throw DataError("'\(name)': \(bytes.count - offset) data bytes for \(count) elements of \(type.size) bytes")
        }
        var values = [Double](repeating: 0, count: count)
        for i in 0..<count { values[i] = type.read(bytes, offset + i * type.size) }
        return NPYArray(shape: shape, values: values, isIntegral: type.isIntegral)
    }

    static func stringValue(of key: String, in header: String) -> String? {
        guard let k = header.range(of: "'\(key)':") else { return nil }
        let rest = header[k.upperBound...].drop { $0 == " " }
        guard let q = rest.first, q == "'" || q == "\"" else { return nil }
        let body = rest.dropFirst()
        guard let end = body.firstIndex(of: q) else { return nil }
        return String(body[..<end])
    }

    static func shapeValue(in header: String) -> [Int]? {
        guard let k = header.range(of: "'shape':"), let open = header[k.upperBound...].firstIndex(of: "("),
              let close = header[open...].firstIndex(of: ")") else { return nil }
        let inside = header[header.index(after: open)..<close]
        var dims: [Int] = []
        for part in inside.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let d = Int(t.hasSuffix("L") ? String(t.dropLast()) : t), d >= 0 else { return nil }
            dims.append(d)
        }
        return dims
    }

    /// The numpy dtypes a data set can hold.
    struct ElementType {
        var kind: Character   // f, i, u, b
        var size: Int
        var bigEndian: Bool
        var isIntegral: Bool { kind != "f" }

        init?(descr: String) {
            guard descr.count >= 3 else { return nil }
            let chars = Array(descr)
            guard "<>|=".contains(chars[0]), let size = Int(String(chars[2...])) else { return nil }
            kind = chars[1]; self.size = size; bigEndian = chars[0] == ">"
            switch (kind, size) {
            case ("f", 4), ("f", 8), ("i", 1), ("i", 2), ("i", 4), ("i", 8), ("u", 1), ("u", 2), ("u", 4), ("u", 8), ("b", 1): break
            default: return nil
            }
        }

        func read(_ b: [UInt8], _ at: Int) -> Double {
            var raw: UInt64 = 0
            for k in 0..<size {
                let byte = UInt64(b[at + (bigEndian ? size - 1 - k : k)])
                raw |= byte << (8 * UInt64(k))
            }
            switch (kind, size) {
            case ("f", 4): return Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
            case ("f", 8): return Double(bitPattern: raw)
            case ("i", _):
                let shift = UInt64(64 - 8 * size)
                return Double(Int64(bitPattern: raw << shift) >> Int64(shift))
            default: return Double(raw)
            }
        }
    }
}

/// `load_npy` / `load_npz`: arrays whose first dim is the sample dim.
public enum NumpyLoader {
    public static func loadNPY(path: String, labels labelPath: String?) throws(DataError) -> Dataset {
        let x = try NPYReader.parse(read(path), name: path)
        let y = try labelPath.map { (p) throws(DataError) in try NPYReader.parse(read(p), name: p) }
        return try dataset(x: x, y: y, xName: path, yName: labelPath ?? "")
    }

    /// `features` and `label` name members of the archive (with or without `.npy`).
    public static func loadNPZ(path: String, features: String, label: String?) throws(DataError) -> Dataset {
        let archive = try ZipArchive(bytes: read(path), name: path)
        func member(_ key: String) throws(DataError) -> NPYArray {
            let file = key.hasSuffix(".npy") ? key : key + ".npy"
            guard let entry = archive.entries.first(where: { $0.name == file }) else {
                let keys = archive.entries.map { $0.name.hasSuffix(".npy") ? String($0.name.dropLast(4)) : $0.name }
                throw DataError("'\(path)' has no array '\(key)'\(didYouMean(key, keys)) (arrays: \(keys.joined(separator: ", ")))")
            }
            return try NPYReader.parse(archive.contents(of: entry), name: "\(path)[\(key)]")
        }
        let x = try member(features)
        let y = try label.map { (l) throws(DataError) in try member(l) }
        return try dataset(x: x, y: y, xName: "\(path)[\(features)]", yName: "\(path)[\(label ?? "")]")
    }

    /// One `.npy` file's array.
    public static func array(npy path: String) throws(DataError) -> NPYArray {
        try NPYReader.parse(read(path), name: path)
    }

    /// Every array of an `.npz` archive (stored or deflated), keyed by name without `.npy`.
    public static func arrays(npz path: String) throws(DataError) -> [String: NPYArray] {
        let archive = try ZipArchive(bytes: read(path), name: path)
        var out: [String: NPYArray] = [:]
        for entry in archive.entries where entry.name.hasSuffix(".npy") {
            let key = String(entry.name.dropLast(4))
            out[key] = try NPYReader.parse(archive.contents(of: entry), name: "\(path)[\(key)]")
        }
        guard !out.isEmpty else { throw DataError("'\(path)' holds no .npy arrays") }
        return out
    }

    static func read(_ path: String) throws(DataError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(FileManager.default.fileExists(atPath: path) ? "cannot read '\(path)'" : "no such file: '\(path)'")
        }
        return [UInt8](data)
    }

    static func dataset(x: NPYArray, y: NPYArray?, xName: String, yName: String) throws(DataError) -> Dataset {
        guard let n = x.shape.first else { throw DataError("'\(xName)' is a scalar; features need a sample dim") }
        var featureShape = Array(x.shape.dropFirst())
        if featureShape.isEmpty { featureShape = [1] }
        var d = Dataset(features: x.values.map(Float.init), featureShape: featureShape, targets: .none)
        guard let y else { return d }
        guard y.shape.first == n else {
            throw DataError("'\(yName)' has \(y.shape.first ?? 0) samples, but '\(xName)' has \(n)")
        }
        if y.isIntegral && y.shape.count == 1 {
            if let bad = y.values.first(where: { !($0 >= -1e15 && $0 <= 1e15) }) {
                throw DataError("'\(yName)': class label \(bad) is out of range")
            }
            let labels = y.values.map { Int($0) }
            if let bad = labels.first(where: { $0 < 0 }) { throw DataError("'\(yName)': class label \(bad) is negative") }
            d.targets = .classes(labels)
            d.classNames = (0..<((labels.max() ?? -1) + 1)).map(String.init)
        } else {
            let shape = Array(y.shape.dropFirst())
            d.targets = .values(y.values.map(Float.init), shape: shape.isEmpty ? [1] : shape)
        }
        return d
    }
}
