import Foundation
import Testing
@testable import MInterop

/// External data confinement, data stored in typed fields, and every attribute kind.
@Suite struct ONNXExternalDataTests {
    /// y = x + w, with w (4 floats) stored in an external file at `location`.
    func model(location: String, offset: Int = 0) -> [UInt8] {
        let graph = ONNXProto.graph(nodes: [ONNXProto.node("Add", ["x", "w"], ["y"])], inputs: [ONNXProto.value("x", [4])],
                                    outputs: [ONNXProto.value("y", [4])],
                                    initializers: [ONNXProto.externalTensor("w", [4], location: location, offset: offset)])
        return ONNXProto.model(graph: graph)
    }

    let weights: [Float] = [1.5, -2, 0.25, 8]
    var weightBytes: [UInt8] { weights.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) } }

    @Test func externalDataInsideTheDirectoryLoads() throws {
        let dir = TempDir("ext")
        defer { dir.cleanup() }
        try FileManager.default.createDirectory(atPath: dir.path + "/data", withIntermediateDirectories: true)
        dir.write("data/w.bin", [9, 9, 9, 9] + weightBytes)
        let model = try loadONNX(path: dir.write("model.onnx", model(location: "data/w.bin", offset: 4)))
        #expect(model.graph.initializers["w"]?.floats() == weights)
        #expect(model.graph.inputs.map(\.name) == ["x"])
    }

    func externalError(_ location: String, setup: (TempDir) throws -> Void = { _ in }) throws -> String {
        let dir = TempDir("ext-bad")
        defer { dir.cleanup() }
        try setup(dir)
        let path = dir.write("model.onnx", model(location: location))
        return try #require(throws: ONNXError.self) { try loadONNX(path: path) }.message
    }

    @Test func escapingLocationsAreRejected() throws {
        let parent = try externalError("../w.bin") { dir in
            FileManager.default.createFile(atPath: dir.path + "/../w.bin", contents: Data(weightBytes))
        }
        #expect(parent == "initializer 'w': external data location '../w.bin' escapes the model's directory ('..' is not allowed)")
        let absolute = try externalError("/etc/passwd")
        #expect(absolute == "initializer 'w': external data location '/etc/passwd' is an absolute path; it must be relative to the model's directory")
        let symlink = try externalError("link.bin") { dir in
            try FileManager.default.createSymbolicLink(atPath: dir.path + "/link.bin", withDestinationPath: "/etc/passwd")
        }
        #expect(symlink.contains("resolves to '/etc/passwd', outside the model's directory"))
        let symlinkedDir = try externalError("sub/passwd") { dir in
            try FileManager.default.createSymbolicLink(atPath: dir.path + "/sub", withDestinationPath: "/etc")
        }
        #expect(symlinkedDir.contains("outside the model's directory"))
        #expect(try externalError("nothere.bin").contains("cannot be opened: No such file or directory"))
        let short = try externalError("short.bin") { dir in dir.write("short.bin", [0, 0, 0, 0]) }
        #expect(short == "initializer 'w': external data needs bytes 0..<16 but 'short.bin' has only 4")
    }

    /// Values stored in the typed fields rather than raw_data, per onnx.proto's rules.
    @Test func typedDataFields() throws {
        let tensors = [
            ONNXProto.tensor("i8", [3], elemType: 3) { t in for v in [-1, 127, -128] { t.int(5, v) } },        // int32_data
            ONNXProto.tensor("f16", [2], elemType: 10) { t in for v in [0x3c00, 0xc000] { t.int(5, v) } },   // bits in int32_data
            ONNXProto.tensor("b", [2], elemType: 9) { t in for v in [1, 0] { t.int(5, v) } },
            ONNXProto.tensor("u32", [1], elemType: 12) { $0.int(11, 4_000_000_000) },                          // uint64_data
            ONNXProto.tensor("i64", [2], elemType: 7) { t in for v in [-5, 1 << 40] { t.int(7, v) } },        // int64_data
            ONNXProto.tensor("f32", [2], elemType: 1) { t in t.float(4, 0.5); t.float(4, -1) },                // float_data
            ONNXProto.tensor("s", [1], elemType: 8) { $0.data(6, Array("text".utf8)) },                        // string_data
            ONNXProto.tensor("scalar", [], elemType: 1) { $0.data(9, [0, 0, 0x80, 0x3f]) },
        ]
        let graph = ONNXProto.graph(nodes: [ONNXProto.node("Relu", ["x"], ["y"])], inputs: [ONNXProto.value("x", [1])],
                                    outputs: [ONNXProto.value("y", [1])], initializers: tensors)
        let dir = TempDir("typed")
        defer { dir.cleanup() }
        let g = try loadONNX(path: dir.write("model.onnx", ONNXProto.model(graph: graph))).graph
        #expect(g.initializerNames == ["i8", "f16", "b", "u32", "i64", "f32", "s", "scalar"])
        #expect(g.initializers["i8"]?.data == [0xff, 0x7f, 0x80] && g.initializers["i8"]?.int64s() == [-1, 127, -128])
        #expect(g.initializers["f16"]?.data == [0x00, 0x3c, 0x00, 0xc0] && g.initializers["f16"]?.floats() == [1, -2])
        #expect(g.initializers["b"]?.data == [1, 0])
        #expect(g.initializers["u32"]?.int64s() == [4_000_000_000])
        #expect(g.initializers["i64"]?.int64s() == [-5, 1 << 40])
        #expect(g.initializers["f32"]?.floats() == [0.5, -1])
        #expect(g.initializers["s"]?.elemType == .string && g.initializers["s"]?.data == [])
        #expect(g.initializers["scalar"]?.dims == [] && g.initializers["scalar"]?.floats() == [1])
    }

    /// Every attribute kind, on a custom-domain op (the checker does not know its schema).
    @Test func attributeKinds() throws {
        var body = Proto()
        body.string(2, "body")
        let attributes = [
            ONNXProto.attribute("i", type: 2) { $0.int(3, -7) },
            ONNXProto.attribute("f", type: 1) { $0.float(2, 2.5) },
            ONNXProto.attribute("s", type: 3) { $0.data(4, [0x61, 0x00, 0x62]) },       // "a\0b": NUL kept
            ONNXProto.attribute("is", type: 7) { a in for v in [1, -2, 1 << 40] { a.int(8, v) } },
            ONNXProto.attribute("fs", type: 6) { a in a.float(7, 0.5); a.float(7, -1) },
            ONNXProto.attribute("ss", type: 8) { a in a.string(9, "x"); a.string(9, "") },
            ONNXProto.attribute("t", type: 4) { $0.message(5, ONNXProto.floatTensor("k", [2], [3, 4])) },
            ONNXProto.attribute("g", type: 5) { $0.message(6, body) },
            ONNXProto.attribute("ts", type: 9) { $0.message(10, ONNXProto.floatTensor("k", [1], [1])) },
        ]
        let node = ONNXProto.node("Custom", ["x", ""], ["y"], name: "n", domain: "com.example", attributes: attributes)
        let graph = ONNXProto.graph(nodes: [node], inputs: [ONNXProto.value("x", [1])], outputs: [ONNXProto.value("y", [1])])
        let dir = TempDir("attrs")
        defer { dir.cleanup() }
        let path = dir.write("model.onnx", ONNXProto.model(graph: graph, opsets: [("", 13), ("com.example", 1)]))
        let model = try loadONNX(path: path)
        #expect(model.opsetImports == ["": 13, "com.example": 1])
        let n = try #require(model.graph.nodes.first)
        #expect(n.domain == "com.example" && n.name == "n" && n.inputs == ["x", ""])
        #expect(n.attributes["i"] == .int(-7) && n.attributes["f"] == .float(2.5))
        #expect(n.attributes["s"] == .string("a\u{0}b") && n.attributes["s"]?.stringValue?.utf8.count == 3)
        #expect(n.attributes["is"] == .ints([1, -2, 1 << 40]) && n.attributes["fs"] == .floats([0.5, -1]))
        #expect(n.attributes["ss"] == .strings(["x", ""]))
        #expect(n.attributes["t"]?.tensorValue == ONNXTensor(name: "k", elemType: .float, dims: [2],
                                                                data: [0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40]))
        #expect(n.attributes["g"]?.graphValue?.name == "body" && n.attributes["g"]?.graphValue?.nodes == [])
        #expect(n.attributes["ts"] == .unsupported(type: 9))
    }
}
