import Foundation
import Testing
@testable import MInterop

/// Bad input must give an ONNXError with a message naming the problem, never a crash.
@Suite struct ONNXHostileTests {
    /// Loads `bytes` as model.onnx in a fresh directory and returns the error message.
    func loadError(_ bytes: [UInt8], _ tag: String = "m", setup: (TempDir) -> Void = { _ in }) -> String? {
        let dir = TempDir(tag)
        defer { dir.cleanup() }
        setup(dir)
        let path = dir.write("model.onnx", bytes)
        do {
            let model = try loadONNX(path: path)
            Issue.record("expected an error, loaded graph with \(model.graph.nodes.count) nodes")
            return nil
        } catch {
            #expect(error.path == path && error.description.hasPrefix(path + ": "))
            return error.message
        }
    }

    /// x -> Relu -> y, valid; variations below break one thing each.
    func reluModel(nodes: [Proto]? = nil, inputs: [Proto]? = nil, initializers: [Proto] = [], irVersion: Int = 8) -> [UInt8] {
        let graph = ONNXProto.graph(nodes: nodes ?? [ONNXProto.node("Relu", ["x"], ["y"])],
                                    inputs: inputs ?? [ONNXProto.value("x", [2, 3])],
                                    outputs: [ONNXProto.value("y", [2, 3])], initializers: initializers)
        return ONNXProto.model(graph: graph, irVersion: irVersion)
    }

    @Test func handBuiltModelIsValid() throws {
        let dir = TempDir("valid")
        defer { dir.cleanup() }
        let model = try loadONNX(path: dir.write("model.onnx", reluModel()))
        #expect(model.graph.nodes.map(\.opType) == ["Relu"] && model.producer == "mcc-tests")
    }

    @Test func missingEmptyAndDirectory() throws {
        let missing = try #require(throws: ONNXError.self) { try loadONNX(path: "/nonexistent/model.onnx") }
        #expect(missing.message.contains("No such file"))
        let dir = TempDir("dir")
        defer { dir.cleanup() }
        let directory = try #require(throws: ONNXError.self) { try loadONNX(path: dir.path) }
        #expect(directory.message.contains("directory"))
        #expect(loadError([])?.contains("no IR version") == true)
        #expect(throws: ONNXError.self) { try loadONNXTensor(path: dir.write("empty.pb", [])) }
    }

    @Test(arguments: [1, 2, 3]) func randomBytes(seed: UInt64) {
        var state = seed
        let bytes = (0..<(500 * Int(seed))).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        #expect(loadError(bytes) != nil)
    }

    @Test(.enabled(if: haveTestData)) func everyTruncationOfARealModel() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: testModel("node", "test_conv_with_strides_padding"))))
        var messages: Set<String> = []
        for length in 0..<bytes.count {
            if let message = loadError(Array(bytes.prefix(length)), "trunc") { messages.insert(message) }
        }
        #expect(messages.contains("not a valid ONNX model: the protobuf data is truncated or corrupt"))
    }

    @Test func irVersions() {
        #expect(loadError(reluModel(irVersion: 99))?.contains("IR version 99 is not supported (supported: 3 to 8)") == true)
        #expect(loadError(reluModel(irVersion: 2))?.contains("IR version 2 is not supported") == true)
    }

    @Test func cycle() {
        let nodes = [ONNXProto.node("Add", ["x", "b"], ["a"], name: "first"), ONNXProto.node("Relu", ["a"], ["b"], name: "second"),
                     ONNXProto.node("Relu", ["a"], ["y"])]
        let message = loadError(reluModel(nodes: nodes))
        #expect(message == "the graph has a cycle: node 'first' (Add) -> node 'second' (Relu) -> node 'first' (Add)")
        let selfLoop = loadError(reluModel(nodes: [ONNXProto.node("Add", ["x", "y"], ["y"])]))
        #expect(selfLoop == "the graph has a cycle: node #0 (Add) -> node #0 (Add)")
    }

    @Test func unsortedGraphIsReordered() throws {
        let nodes = [ONNXProto.node("Relu", ["a"], ["y"], name: "late"), ONNXProto.node("Neg", ["x"], ["a"], name: "early")]
        let dir = TempDir("unsorted")
        defer { dir.cleanup() }
        let model = try loadONNX(path: dir.write("model.onnx", reluModel(nodes: nodes)))
        #expect(model.graph.nodes.map(\.name) == ["early", "late"])
        #expect(model.warnings.contains { $0.contains("reordered") })
    }

    @Test func undefinedValues() {
        let missingWeight = loadError(reluModel(nodes: [ONNXProto.node("Add", ["x", "w"], ["y"], name: "add")]))
        #expect(missingWeight?.contains("input 'w' of node 'add' (Add)") == true)
        #expect(missingWeight?.contains("missing initializer") == true)
        let noProducer = loadError(reluModel(nodes: [ONNXProto.node("Relu", ["x"], ["z"])]))
        #expect(noProducer?.contains("graph output 'y'") == true)
        let twice = loadError(reluModel(nodes: [ONNXProto.node("Relu", ["x"], ["y"]), ONNXProto.node("Neg", ["x"], ["y"])]))
        #expect(twice == "value 'y' is produced by both node #0 (Relu) and node #1 (Neg)")
    }

    @Test func absurdDims() {
        let huge = ONNXProto.tensor("w", [1 << 20, 1 << 20]) { _ in }
        let initializer = loadError(reluModel(initializers: [huge]))
        #expect(initializer == "initializer 'w' has shape [1048576, 1048576], more than the limit of 2^36 elements")
        let input = loadError(reluModel(inputs: [ONNXProto.value("x", [1 << 40, 2])]))
        #expect(input?.contains("graph input 'x' has dim 1099511627776") == true)
        let negative = loadError(reluModel(initializers: [ONNXProto.tensor("w", [-2]) { _ in }]))
        #expect(negative?.contains("negative dim") == true)
    }

    @Test func dataSizeMismatch() {
        let short = ONNXProto.tensor("w", [4]) { $0.data(9, [0, 0, 0x80, 0x3f]) }
        #expect(loadError(reluModel(initializers: [short])) == "initializer 'w' has 4 bytes of raw data, expected 16 for 4 elements")
        let typed = ONNXProto.tensor("w", [3]) { $0.float(4, 1) }
        #expect(loadError(reluModel(initializers: [typed])) == "initializer 'w' has 1 data values, expected 3")
    }

    @Test func attributeValuesLibONNXWouldCrashOn() {
        let conv = ONNXProto.node("Conv", ["x", "w"], ["y"], name: "c", attributes: [ONNXProto.ints("strides", [1, 0])])
        let graph = ONNXProto.graph(nodes: [conv], inputs: [ONNXProto.value("x", [1, 1, 4, 4]), ONNXProto.value("w", [1, 1, 2, 2])],
                                    outputs: [ONNXProto.value("y", [1, 1, 3, 3])])
        let message = loadError(ONNXProto.model(graph: graph))
        #expect(message == "attribute 'strides' of node 'c' (Conv) has value 0; every value must be at least 1")
    }

    /// Models found by fuzzing that crashed libonnx; the last line of defence is the sandbox.
    @Test func fuzzCorpus() throws {
        let dir = try #require(Bundle.module.resourcePath) + "/Fixtures/onnx-malformed"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".onnx") }.sorted()
        #expect(files.count >= 6)
        for file in files {
            let error = try #require(throws: ONNXError.self, "\(file)") { try loadONNX(path: "\(dir)/\(file)") }
            print("\(file): \(error.message)")
        }
        let crash = try #require(throws: ONNXError.self) { try loadONNX(path: "\(dir)/layernorm-axis-out-of-range.onnx") }
        #expect(crash.message.hasPrefix("libonnx crashed"))
    }
}
