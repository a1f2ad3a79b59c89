import Foundation

/// Writes ONNX protobuf messages by hand, so tests can build malformed models (cycles,
/// escaping external data, absurd dims) that no exporter would produce. Field numbers are
/// those of onnx.proto (ONNX 1.12).
struct Proto {
    var bytes: [UInt8] = []

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func key(_ field: Int, _ wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    mutating func int(_ field: Int, _ value: Int) {
        key(field, 0)
        varint(UInt64(bitPattern: Int64(value)))
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func data(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ field: Int, _ value: String) { data(field, Array(value.utf8)) }
    mutating func message(_ field: Int, _ value: Proto) { data(field, value.bytes) }
}

/// Builders for the handful of onnx.proto messages the tests need.
enum ONNXProto {
    static func model(graph: Proto, irVersion: Int = 8, opsets: [(String, Int)] = [("", 13)]) -> [UInt8] {
        var m = Proto()
        m.int(1, irVersion)
        m.string(2, "mcc-tests")
        m.message(7, graph)
        for (domain, version) in opsets {
            var o = Proto()
            o.string(1, domain)
            o.int(2, version)
            m.message(8, o)
        }
        return m.bytes
    }

    static func graph(nodes: [Proto], inputs: [Proto], outputs: [Proto], initializers: [Proto] = [],
                      name: String = "g") -> Proto {
        var g = Proto()
        for n in nodes { g.message(1, n) }
        g.string(2, name)
        for t in initializers { g.message(5, t) }
        for v in inputs { g.message(11, v) }
        for v in outputs { g.message(12, v) }
        return g
    }

    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String = "",
                     domain: String = "", attributes: [Proto] = []) -> Proto {
        var n = Proto()
        for i in inputs { n.string(1, i) }
        for o in outputs { n.string(2, o) }
        if !name.isEmpty { n.string(3, name) }
        n.string(4, op)
        for a in attributes { n.message(5, a) }
        if !domain.isEmpty { n.string(7, domain) }
        return n
    }

    /// A float tensor value with the given dims (Int for dim_value, String for dim_param).
    static func value(_ name: String, _ dims: [Any], elemType: Int = 1) -> Proto {
        var shape = Proto()
        for d in dims {
            var dim = Proto()
            if let v = d as? Int { dim.int(1, v) } else if let p = d as? String { dim.string(2, p) }
            shape.message(1, dim)
        }
        var tensorType = Proto()
        tensorType.int(1, elemType)
        tensorType.message(2, shape)
        var type = Proto()
        type.message(1, tensorType)
        var v = Proto()
        v.string(1, name)
        v.message(2, type)
        return v
    }

    /// A TensorProto; `fill` adds the data fields.
    static func tensor(_ name: String, _ dims: [Int], elemType: Int = 1, fill: (inout Proto) -> Void) -> Proto {
        var t = Proto()
        for d in dims { t.int(1, d) }
        t.int(2, elemType)
        t.string(8, name)
        fill(&t)
        return t
    }

    static func floatTensor(_ name: String, _ dims: [Int], _ values: [Float]) -> Proto {
        tensor(name, dims) { t in
            var raw: [UInt8] = []
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
            t.data(9, raw)
        }
    }

    /// A float tensor whose data lives in `location`, relative to the model's directory.
    static func externalTensor(_ name: String, _ dims: [Int], location: String, offset: Int = 0) -> Proto {
        tensor(name, dims) { t in
            for (key, value) in [("location", location), ("offset", String(offset))] {
                var entry = Proto()
                entry.string(1, key)
                entry.string(2, value)
                t.message(13, entry)
            }
            t.int(14, 1)  // data_location = EXTERNAL
        }
    }

    /// AttributeProto; `fill` sets the value fields, `type` is AttributeProto.AttributeType.
    static func attribute(_ name: String, type: Int, fill: (inout Proto) -> Void) -> Proto {
        var a = Proto()
        a.string(1, name)
        fill(&a)
        a.int(20, type)
        return a
    }

    static func ints(_ name: String, _ values: [Int]) -> Proto {
        attribute(name, type: 7) { a in for v in values { a.int(8, v) } }
    }
}

/// A fresh directory under the temporary directory, removed by `cleanup()`.
struct TempDir {
    let path: String

    init(_ tag: String) {
        path = NSTemporaryDirectory() + "mcc-onnx-\(getpid())-\(tag)-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let file = path + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        return file
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}
