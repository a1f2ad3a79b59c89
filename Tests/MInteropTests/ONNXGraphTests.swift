import Foundation
import Testing
@testable import MInterop

/// Debian's libonnx-testdata (scripts/install-deps.sh installs it). Expected values were
/// read independently with Python's `onnx` package.
let onnxTestData = "/usr/share/libonnx-testdata/data"
let haveTestData = FileManager.default.fileExists(atPath: onnxTestData + "/node/test_abs/model.onnx")

func testModel(_ suite: String, _ name: String) -> String { "\(onnxTestData)/\(suite)/\(name)/model.onnx" }

@Suite(.enabled(if: haveTestData, "needs libonnx-testdata")) struct ONNXGraphTests {
    @Test func absModel() throws {
        let model = try loadONNX(path: testModel("node", "test_abs"))
        #expect(model.irVersion == 7)
        #expect(model.opsetImports == ["": 13])
        #expect(model.onnxOpset == 13)
        #expect(model.producer == "backend-test")
        #expect(model.warnings.isEmpty)
        let g = model.graph
        #expect(g.name == "test_abs")
        #expect(g.inputs == [ONNXValueInfo(name: "x", elemType: .float, dims: [.value(3), .value(4), .value(5)])])
        #expect(g.outputs == [ONNXValueInfo(name: "y", elemType: .float, dims: [.value(3), .value(4), .value(5)])])
        #expect(g.nodes == [ONNXNode(opType: "Abs", inputs: ["x"], outputs: ["y"])])
        #expect(g.initializers.isEmpty && g.initializerNames.isEmpty)
    }

    @Test func convAttributes() throws {
        let g = try loadONNX(path: testModel("node", "test_conv_with_strides_padding")).graph
        #expect(g.inputs.map(\.name) == ["x", "W"])
        #expect(g.inputs[0].dims == [.value(1), .value(1), .value(7), .value(5)])
        #expect(g.inputs[1].dims == [.value(1), .value(1), .value(3), .value(3)])
        #expect(g.outputs[0].dims == [.value(1), .value(1), .value(4), .value(3)])
        let conv = try #require(g.nodes.first)
        #expect(conv.opType == "Conv" && conv.domain == "" && conv.inputs == ["x", "W"])
        #expect(conv.attributes == ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1]), "strides": .ints([2, 2])])
        #expect(conv.attributes["strides"]?.intsValue == [2, 2])
    }

    @Test func lstmOmittedOptionalOutput() throws {
        let model = try loadONNX(path: testModel("node", "test_lstm_defaults"))
        #expect(model.onnxOpset == 14)
        let lstm = try #require(model.graph.nodes.first)
        #expect(lstm.opType == "LSTM")
        #expect(lstm.inputs == ["X", "W", "R"])
        #expect(lstm.outputs == ["", "Y_h"])  // the omitted output Y is an empty name
        #expect(lstm.attributes == ["hidden_size": .int(3)])
        #expect(model.graph.inputs.map(\.dims) == [[.value(1), .value(3), .value(2)], [.value(1), .value(12), .value(2)],
                                                   [.value(1), .value(12), .value(3)]])
    }

    @Test func gemmAttributes() throws {
        let all = try loadONNX(path: testModel("node", "test_gemm_all_attributes")).graph
        let gemm = try #require(all.nodes.first)
        #expect(gemm.attributes["alpha"] == .float(0.25))
        #expect(gemm.attributes["beta"] == .float(0.35))
        #expect(gemm.attributes["transA"] == .int(1) && gemm.attributes["transB"] == .int(1))
        #expect(all.inputs.map(\.dims) == [[.value(4), .value(3)], [.value(5), .value(4)], [.value(1), .value(5)]])
        let scalarBias = try loadONNX(path: testModel("node", "test_gemm_default_scalar_bias")).graph
        #expect(scalarBias.inputs[2] == ONNXValueInfo(name: "c", elemType: .float, dims: []))  // rank 0, not unknown
        #expect(scalarBias.nodes[0].attributes.isEmpty)
    }

    @Test func pytorchInitializers() throws {
        let model = try loadONNX(path: testModel("pytorch-converted", "test_Conv2d"))
        #expect(model.irVersion == 3 && model.onnxOpset == 6 && model.producer == "pytorch")
        let g = model.graph
        // IR 3 lists initializers among the graph inputs; the view leaves them out.
        #expect(g.inputs.map(\.name) == ["0"])
        #expect(g.initializerNames == ["1", "2"])
        let weight = try #require(g.initializers["1"])
        #expect(weight.elemType == .float && weight.dims == [4, 3, 3, 2] && weight.data.count == 72 * 4)
        let w = try #require(weight.floats())
        #expect(w.prefix(3) == [-0.1429409235715866, -0.08505815267562866, -0.0018995553255081177])
        #expect(Swift.abs(w.reduce(0.0) { $0 + Double($1) } - -1.430074) < 1e-5)
        let bias = try #require(g.initializers["2"]?.floats())
        #expect(bias.count == 4 && Swift.abs(bias.reduce(0, +) - 0.148221) < 1e-5)
        #expect(g.nodes[0].attributes["group"] == .int(1))
        #expect(g.nodes[0].attributes["kernel_shape"] == .ints([3, 2]))
    }

    /// Constant's tensor attribute (stored in float_data) must equal the expected output file.
    @Test func constantTensorMatchesOutputFile() throws {
        let model = try loadONNX(path: testModel("node", "test_constant"))
        let value = try #require(model.graph.nodes.first?.attributes["value"]?.tensorValue)
        #expect(value.elemType == .float && value.dims == [5, 5])
        let expected = try loadONNXTensor(path: "\(onnxTestData)/node/test_constant/test_data_set_0/output_0.pb")
        #expect(expected.dims == [5, 5])
        #expect(value.floats() == expected.floats())
        #expect(value.data == expected.data)
    }

    @Test func testDataFiles() throws {
        let dir = "\(onnxTestData)/node/test_abs/test_data_set_0"
        let input = try loadONNXTensor(path: dir + "/input_0.pb")
        let output = try loadONNXTensor(path: dir + "/output_0.pb")
        #expect(input.dims == [3, 4, 5] && input.elemType == .float)
        let x = try #require(input.floats())
        #expect(x.count == 60 && x.contains { $0 < 0 })
        #expect(output.floats() == x.map { Swift.abs($0) })
        let shape = try loadONNXTensor(path: "\(onnxTestData)/node/test_reshape_extended_dims/test_data_set_0/input_1.pb")
        #expect(shape.elemType == .int64 && shape.int64s() == [2, 3, 2, 2])
        #expect(shape.floats() == [2, 3, 2, 2])
    }

    @Test func symbolicDimsAndSequenceTypes() throws {
        let g = try loadONNX(path: testModel("node", "test_sequence_map_add_1_sequence_1_tensor")).graph
        #expect(g.inputs.map(\.kind) == [.sequence, .tensor])
        // A sequence reports the element type and shape of its tensors.
        #expect(g.inputs[0].elemType == .float && g.inputs[0].dims == [.param("N")])
        #expect(g.inputs[1] == ONNXValueInfo(name: "x1", elemType: .float, dims: [.param("N")]))
        #expect(g.nodes.map(\.opType) == ["SequenceMap"])
        let body = try #require(g.nodes[0].attributes["body"]?.graphValue)
        #expect(body.nodes.map(\.opType) == ["Add"] && body.inputs.count == 2 && body.outputs.count == 1)
    }

    /// If branches and Scan bodies are read as graphs of their own, with their own inputs.
    @Test func subgraphAttributes() throws {
        let ifNode = try #require(try loadONNX(path: testModel("node", "test_if")).graph.nodes.first)
        let thenBranch = try #require(ifNode.attributes["then_branch"]?.graphValue)
        #expect(thenBranch.inputs.isEmpty && thenBranch.nodes.map(\.opType) == ["Constant"])
        #expect(thenBranch.outputs.map(\.name) == ["then_out"])
        let scan = try #require(try loadONNX(path: testModel("node", "test_scan9_sum")).graph.nodes.first)
        let body = try #require(scan.attributes["body"]?.graphValue)
        #expect(body.inputs.map(\.name) == ["sum_in", "next"] && body.nodes.map(\.opType) == ["Add", "Identity"])
        #expect(body.inputs[0] == ONNXValueInfo(name: "sum_in", elemType: .float, dims: [.value(2)]))
    }

    /// Shape inference fills in intermediate values with their types.
    @Test func shapeInferenceFillsValueInfo() throws {
        let g = try loadONNX(path: testModel("pytorch-converted", "test_Linear")).graph
        #expect(g.outputs[0].dims == [.value(4), .value(8)])
        let path = testModel("node", "test_reshape_extended_dims")
        #expect(try loadONNX(path: path).graph.outputs[0].dims == [.value(2), .value(3), .value(2), .value(2)])
    }

    /// libonnx's converter, checked against Python's onnx.version_converter on the same model.
    @Test func versionConversion() throws {
        let path = testModel("pytorch-converted", "test_Linear")
        let original = try loadONNX(path: path)
        let converted = try loadONNX(path: path, targetOpset: 13)
        #expect(original.onnxOpset == 6 && converted.onnxOpset == 13)
        #expect(original.graph.nodes[0].attributes["broadcast"] == .int(1))
        #expect(converted.graph.nodes.map(\.opType) == ["Gemm"])
        #expect(converted.graph.nodes[0].attributes == ["alpha": .float(1), "beta": .float(1), "transB": .int(1)])
        #expect(converted.graph.initializers == original.graph.initializers)  // data survives the conversion
        #expect(converted.graph.inputs.map(\.name) == ["0"])
        #expect(try loadONNX(path: path, targetOpset: 6) == original)  // already there: unchanged
        let downgrade = try #require(throws: ONNXError.self) {
            try loadONNX(path: testModel("node", "test_gemm_default_scalar_bias"), targetOpset: 11)
        }
        #expect(downgrade.message.hasPrefix("cannot convert the model from opset 13 to 11: "))
        #expect(downgrade.message.contains("No Adapter From Version $13 for Gemm"))
        let error = try #require(throws: ONNXError.self) { try loadONNX(path: path, targetOpset: 99) }
        #expect(error.message.hasPrefix("cannot convert the model from opset 6 to 99"))
    }

    /// Every model of the node suite loads (none may crash), and its view is consistent.
    @Test func wholeNodeSuiteLoads() throws {
        let suite = onnxTestData + "/node"
        let names = try FileManager.default.contentsOfDirectory(atPath: suite).filter { $0.hasPrefix("test_") }.sorted()
        var loaded = 0, withWarnings = 0
        var failures: [String] = []
        for name in names {
            do {
                let model = try loadONNX(path: "\(suite)/\(name)/model.onnx")
                loaded += 1
                if !model.warnings.isEmpty { withWarnings += 1 }
                for (key, t) in model.graph.initializers {
                    #expect(key == t.name)
                    if let size = t.elemType.byteSize { #expect(t.data.count == t.elementCount * size, "\(name): \(key)") }
                }
                #expect(model.graph.initializerNames.count == model.graph.initializers.count)
            } catch {
                failures.append(error.description)
            }
        }
        print("ONNX node suite: \(loaded) of \(names.count) models loaded, \(withWarnings) with warnings")
        #expect(names.count > 900)
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test(arguments: ["pytorch-converted", "pytorch-operator", "simple"])
    func otherSuitesLoad(_ suite: String) throws {
        let dir = "\(onnxTestData)/\(suite)"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("test_") }
        var failures: [String] = []
        for name in names {
            do { _ = try loadONNX(path: "\(dir)/\(name)/model.onnx") } catch { failures.append(error.description) }
        }
        print("ONNX \(suite): \(names.count - failures.count) of \(names.count) models loaded")
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }
}

@Suite struct ONNXTensorValueTests {
    func tensor(_ type: ONNXElementType, _ dims: [Int], _ data: [UInt8]) -> ONNXTensor {
        ONNXTensor(name: "t", elemType: type, dims: dims, data: data)
    }

    @Test func halfAndBFloat() {
        // 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), +inf
        let half = tensor(.float16, [5], [0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, 0x00, 0x7c])
        #expect(half.floats() == [1, -2, 65504, Float(sign: .plus, exponent: -24, significand: 1), .infinity])
        #expect(half.int64s() == nil)
        let nan = tensor(.float16, [1], [0x00, 0x7e]).floats()
        #expect(nan?.first?.isNaN == true)
        #expect(tensor(.bfloat16, [2], [0x80, 0x3f, 0x40, 0xc0]).floats() == [1, -3])
    }

    @Test func integerTypes() {
        #expect(tensor(.int8, [3], [0xff, 0x7f, 0x80]).int64s() == [-1, 127, -128])
        #expect(tensor(.uint8, [2], [0xff, 0x01]).floats() == [255, 1])
        #expect(tensor(.int16, [1], [0x00, 0x80]).int64s() == [-32768])
        #expect(tensor(.uint16, [1], [0xff, 0xff]).int64s() == [65535])
        #expect(tensor(.int32, [1], [0xfe, 0xff, 0xff, 0xff]).floats() == [-2])
        #expect(tensor(.uint32, [1], [0xff, 0xff, 0xff, 0xff]).int64s() == [4_294_967_295])
        #expect(tensor(.int64, [1], [0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).int64s() == [-3])
        #expect(tensor(.bool, [2], [1, 0]).floats() == [1, 0])
        #expect(tensor(.double, [1], Array(withUnsafeBytes(of: 0.5.bitPattern.littleEndian, Array.init))).floats() == [0.5])
    }

    @Test func mismatchedOrUnsupported() {
        #expect(tensor(.float, [2], [0, 0, 0]).floats() == nil)       // 3 bytes for 2 floats
        #expect(tensor(.complex64, [1], Array(repeating: 0, count: 8)).floats() == nil)
        #expect(tensor(.string, [1], []).floats() == nil)
        #expect(tensor(.float, [], [0, 0, 0x80, 0x3f]).floats() == [1])  // a scalar has one element
        #expect(tensor(.float, [0, 3], []).floats() == [])
        #expect(ONNXElementType.allCases.count == 16 && ONNXElementType.string.byteSize == nil)
        #expect(ONNXElementType.complex128.byteSize == 16 && ONNXElementType.bfloat16.description == "BFLOAT16")
    }
}
