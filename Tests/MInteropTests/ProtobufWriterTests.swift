import MIR
import Testing
@testable import MInterop

/// A protobuf reader just large enough to check what `ProtobufWriter` and the ONNX exporter write.
private struct WireReader {
    enum Value: Equatable { case varint(UInt64), fixed32(UInt32), fixed64(UInt64), bytes([UInt8]) }
    struct Field: Equatable { var number: Int; var value: Value }

    static func varint(_ b: [UInt8], _ i: inout Int) -> UInt64? {
        var v: UInt64 = 0, shift: UInt64 = 0
        while i < b.count, shift < 64 {
            let byte = b[i]; i += 1
            v |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return v }
            shift += 7
        }
        return nil
    }

    static func fields(_ b: [UInt8]) -> [Field]? {
        var out: [Field] = [], i = 0
        while i < b.count {
            guard let key = varint(b, &i) else { return nil }
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: guard let v = varint(b, &i) else { return nil }; out.append(Field(number: number, value: .varint(v)))
            case 1:
                guard i + 8 <= b.count else { return nil }
                let v = (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[i + $1]) << (8 * UInt64($1)) }
                i += 8; out.append(Field(number: number, value: .fixed64(v)))
            case 2:
                guard let n = varint(b, &i), i + Int(n) <= b.count else { return nil }
                out.append(Field(number: number, value: .bytes(Array(b[i..<i + Int(n)])))); i += Int(n)
            case 5:
                guard i + 4 <= b.count else { return nil }
                let v = (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[i + $1]) << (8 * UInt32($1)) }
                i += 4; out.append(Field(number: number, value: .fixed32(v)))
            default: return nil
            }
        }
        return out
    }
}

private extension [WireReader.Field] {
    func all(_ n: Int) -> [WireReader.Value] { filter { $0.number == n }.map(\.value) }
    func string(_ n: Int) -> String? {
        guard case .bytes(let b)? = all(n).first else { return nil }
        return String(decoding: b, as: UTF8.self)
    }
    func int(_ n: Int) -> Int? {
        guard case .varint(let v)? = all(n).first else { return nil }
        return Int(Int64(bitPattern: v))
    }
    func messages(_ n: Int) -> [[WireReader.Field]] {
        all(n).compactMap { if case .bytes(let b) = $0 { return WireReader.fields(b) }; return nil }
    }
    func strings(_ n: Int) -> [String] {
        all(n).compactMap { if case .bytes(let b) = $0 { return String(decoding: b, as: UTF8.self) }; return nil }
    }
}

@Suite struct ProtobufWriterTests {
    /// Values and their varint bytes, low 7-bit groups first (protobuf's encoding guide).
    static let varintCases: [(UInt64, [UInt8])] = [
        (0, [0x00]),
        (1, [0x01]),
        (127, [0x7F]),
        (128, [0x80, 0x01]),
        (300, [0xAC, 0x02]),
        (16_384, [0x80, 0x80, 0x01]),
        (UInt64(UInt32.max), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ]

    @Test(arguments: varintCases)
    func varints(_ value: UInt64, _ expected: [UInt8]) {
        var w = ProtobufWriter()
        w.appendVarint(value)
        #expect(w.bytes == expected)
    }

    @Test func fieldsHaveProtobufKeys() {
        var w = ProtobufWriter()
        w.int(1, 150)           // the protobuf docs' example: 08 96 01
        w.int(2, -1)            // negative int64: ten bytes of two's complement
        w.string(3, "hi")
        w.float(4, 1.0)
        w.double(5, -2.0)
        w.message(6) { (m: inout ProtobufWriter) in m.int(1, 7) }
        #expect(w.bytes == [0x08, 0x96, 0x01,
                            0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
                            0x1A, 0x02, 0x68, 0x69,
                            0x25, 0x00, 0x00, 0x80, 0x3F,
                            0x29, 0, 0, 0, 0, 0, 0, 0x00, 0xC0,
                            0x32, 0x02, 0x08, 0x07])
        #expect(WireReader.fields(w.bytes)?.int(2) == -1)
    }

    @Test func largeFieldNumbersAndLongPayloads() {
        var w = ProtobufWriter()
        w.data(20, [UInt8](repeating: 0xAB, count: 200))
        #expect(Array(w.bytes.prefix(4)) == [0xA2, 0x01, 0xC8, 0x01])  // key 20<<3|2 = 162, length 200
        #expect(w.bytes.count == 204)
    }

    /// A one-op model: the bytes decode into ModelProto / GraphProto / NodeProto fields by number.
    @Test func tinyModelDecodesWithONNXFieldNumbers() throws {
        let module = Module(name: "tiny")
        module.parameters.append(Parameter(name: "b", type: TensorType(.f32, static: [2]), initializer: .values([1, 2])))
        let f = Function(name: "Tiny", arguments: [FunctionInput(name: "x", type: TensorType(.f32, [.symbol("n"), .constant(2)]))])
        let b = try f.append(.param, [], attributes: ["name": .string("b")], explicitType: TensorType(.f32, static: [2]))
        let y = try f.append(.add, [f.argument(0), b])
        let s = try f.append(.softmax, [y], attributes: ["axis": .int(-1)])
        f.results = [FunctionOutput(name: "y", value: s)]
        module.functions = [f]
        let bytes = try exportONNX(module, function: nil, parameterData: { p in packValues([1, 2], as: p.type.dtype) })

        let model = try #require(WireReader.fields(bytes))
        #expect(model.int(1) == 8)                               // ir_version
        #expect(model.string(2) == "mcc")                        // producer_name
        let opset = try #require(model.messages(8).first)
        #expect(opset.string(1) == "" && opset.int(2) == 13)     // ai.onnx, version 13
        let graph = try #require(model.messages(7).first)
        #expect(graph.string(2) == "Tiny")
        let nodes = graph.messages(1)
        #expect(nodes.map { $0.string(4) } == ["Add", "Softmax"])
        #expect(nodes[0].strings(1) == ["x", "b"])
        #expect(nodes[1].strings(2) == ["y"])
        let axis = try #require(nodes[1].messages(5).first)      // AttributeProto
        #expect(axis.string(1) == "axis" && axis.int(3) == -1 && axis.int(20) == 2)

        let initializer = try #require(graph.messages(5).first)  // TensorProto
        #expect(initializer.string(8) == "b" && initializer.int(2) == 1 && initializer.all(1) == [.varint(2)])
        #expect(initializer.all(9) == [.bytes([0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])])

        let input = try #require(graph.messages(11).first)       // ValueInfoProto
        #expect(input.string(1) == "x")
        let tensorType = try #require(input.messages(2).first?.messages(1).first)
        #expect(tensorType.int(1) == 1)
        let dims = try #require(tensorType.messages(2).first).messages(1)
        #expect(dims.map { $0.string(2) } == ["n", nil])
        #expect(dims.map { $0.int(1) } == [nil, 2])
        #expect(graph.messages(12).first?.string(1) == "y")
    }

    @Test func missingModelIsAnError() {
        #expect(throws: ONNXExportError.self) {
            try exportONNX(Module(name: "empty"), function: nil, parameterData: { _ in [] })
        }
    }
}
