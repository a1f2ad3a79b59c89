// The only file that sees the CONNX C API: it copies a loaded model into the value types of
// ONNXTypes.swift and frees the C handle before returning, so no C type or lifetime leaks.
internal import CONNX

/// Loads, checks and shape-infers an ONNX model (see connx.h for everything the C++ layer
/// verifies: protobuf integrity, IR version, onnx checker, topological order, undefined
/// values, dims over 2^36 elements, external data confined to the model's directory).
///
/// - Parameter targetOpset: when > 0 and different from the model's ai.onnx opset, the
///   model is converted with libonnx's version converter first.
public func loadONNX(path: String, targetOpset: Int = 0) throws(ONNXError) -> ONNXModel {
    var error: UnsafeMutablePointer<CChar>?
    let opset = Int32(clamping: targetOpset)
    guard let handle = mcc_onnx_load(path, opset, &error) else {
        throw ONNXError(path: path, message: takeMessage(error))
    }
    defer { mcc_onnx_free(handle) }
    return try ModelReader(model: handle, path: path).read()
}

/// Loads a standalone serialized TensorProto, such as a test data set's `input_0.pb`.
public func loadONNXTensor(path: String) throws(ONNXError) -> ONNXTensor {
    var error: UnsafeMutablePointer<CChar>?
    guard let handle = mcc_onnx_load_tensor(path, &error) else {
        throw ONNXError(path: path, message: takeMessage(error))
    }
    defer { mcc_onnx_free_tensor(handle) }
    return try readTensor(handle, path: path)
}

/// Converts a C error message to a String and frees it.
private func takeMessage(_ error: UnsafeMutablePointer<CChar>?) -> String {
    guard let error else { return "unknown error" }
    defer { mcc_onnx_free_string(error) }
    return String(cString: error)
}

private func string(_ pointer: UnsafePointer<CChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
}

/// Copies a tensor's metadata and data. String tensors get empty data (see ONNXTensor.data).
private func readTensor(_ tensor: OpaquePointer, path: String) throws(ONNXError) -> ONNXTensor {
    let name = string(mcc_onnx_tensor_name(tensor))
    let code = Int(mcc_onnx_tensor_elem_type(tensor))
    guard let elemType = ONNXElementType(rawValue: code) else {
        throw ONNXError(path: path, message: "tensor '\(name)' has unsupported element type \(code)")
    }
    let dims = (0..<max(0, Int(mcc_onnx_tensor_rank(tensor)))).map { Int(mcc_onnx_tensor_dim(tensor, Int64($0))) }
    guard elemType != .string else { return ONNXTensor(name: name, elemType: elemType, dims: dims, data: []) }
    let byteSize = Int(mcc_onnx_tensor_byte_size(tensor))
    guard byteSize >= 0 else {
        throw ONNXError(path: path, message: "tensor '\(name)' has an invalid shape or element type")
    }
    var error: UnsafeMutablePointer<CChar>?
    var status: Int32 = 0
    let data = [UInt8](unsafeUninitializedCapacity: byteSize) { buffer, count in
        status = mcc_onnx_tensor_data(tensor, buffer.baseAddress, byteSize, &error)
        count = status == 0 ? byteSize : 0
    }
    guard status == 0 else { throw ONNXError(path: path, message: takeMessage(error)) }
    return ONNXTensor(name: name, elemType: elemType, dims: dims, data: data)
}

/// Walks a loaded model through the bounds-checked accessors of connx.h.
private struct ModelReader {
    let model: OpaquePointer
    let path: String

    func read() throws(ONNXError) -> ONNXModel {
        var opsets: [String: Int] = [:]
        for i in 0..<mcc_onnx_opset_count(model) {
            let domain = string(mcc_onnx_opset_domain(model, i))
            opsets[domain == "ai.onnx" ? "" : domain] = Int(mcc_onnx_opset_version_at(model, i))
        }
        let warnings = (0..<mcc_onnx_warning_count(model)).map { string(mcc_onnx_warning(model, $0)) }
        return ONNXModel(irVersion: Int(mcc_onnx_ir_version(model)), opsetImports: opsets,
                         producer: string(mcc_onnx_producer_name(model)), graph: try readGraph(), warnings: warnings)
    }

    func readGraph() throws(ONNXError) -> ONNXGraph {
        var initializers: [String: ONNXTensor] = [:]
        var names: [String] = []
        for i in 0..<mcc_onnx_initializer_count(model) {
            guard let handle = mcc_onnx_initializer(model, i) else { continue }
            let tensor = try readTensor(handle, path: path)
            initializers[tensor.name] = tensor
            names.append(tensor.name)
        }
        var nodes: [ONNXNode] = []
        for n in 0..<mcc_onnx_node_count(model) { nodes.append(try readNode(n)) }
        return ONNXGraph(name: string(mcc_onnx_graph_name(model)), inputs: values(Int32(MCC_ONNX_INPUTS)),
                         outputs: values(Int32(MCC_ONNX_OUTPUTS)), valueInfo: values(Int32(MCC_ONNX_VALUE_INFO)),
                         nodes: nodes, initializers: initializers, initializerNames: names)
    }

    private func values(_ list: Int32) -> [ONNXValueInfo] {
        (0..<max(0, mcc_onnx_value_count(model, list))).map { i in
            let kind: ONNXTypeKind = switch mcc_onnx_value_type_case(model, list, i) {
            case 1: .tensor
            case 4: .sequence
            case 5: .map
            case 8: .sparseTensor
            case 9: .optional
            default: .none
            }
            let rank = mcc_onnx_value_rank(model, list, i)
            let dims: [ONNXDim]? = rank < 0 ? nil : (0..<rank).map { d in
                if let param = mcc_onnx_value_dim_param(model, list, i, d) { return .param(String(cString: param)) }
                let value = mcc_onnx_value_dim(model, list, i, d)
                return value >= 0 ? .value(Int(value)) : .unknown
            }
            return ONNXValueInfo(name: string(mcc_onnx_value_name(model, list, i)), kind: kind,
                                 elemType: ONNXElementType(rawValue: Int(mcc_onnx_value_elem_type(model, list, i))),
                                 dims: dims)
        }
    }

    private func readNode(_ n: Int64) throws(ONNXError) -> ONNXNode {
        let inputs = (0..<max(0, mcc_onnx_node_input_count(model, n))).map { string(mcc_onnx_node_input(model, n, $0)) }
        let outputs = (0..<max(0, mcc_onnx_node_output_count(model, n))).map {
            string(mcc_onnx_node_output(model, n, $0))
        }
        var attributes: [String: ONNXAttribute] = [:]
        for a in 0..<max(0, mcc_onnx_attr_count(model, n)) {
            attributes[string(mcc_onnx_attr_name(model, n, a))] = try readAttribute(n, a)
        }
        let domain = string(mcc_onnx_node_domain(model, n))
        return ONNXNode(opType: string(mcc_onnx_node_op_type(model, n)), name: string(mcc_onnx_node_name(model, n)),
                        domain: domain == "ai.onnx" ? "" : domain, inputs: inputs, outputs: outputs,
                        attributes: attributes)
    }

    /// AttributeProto.AttributeType codes: see connx.h.
    private func readAttribute(_ n: Int64, _ a: Int64) throws(ONNXError) -> ONNXAttribute {
        let type = Int(mcc_onnx_attr_type(model, n, a))
        let count = max(0, mcc_onnx_attr_list_count(model, n, a))
        switch type {
        case 1: return .float(mcc_onnx_attr_float(model, n, a))
        case 2: return .int(Int(mcc_onnx_attr_int(model, n, a)))
        case 3:
            var length = 0
            return .string(text(mcc_onnx_attr_string(model, n, a, &length), length))
        case 4:
            guard let tensor = mcc_onnx_attr_tensor(model, n, a) else { return .unsupported(type: type) }
            return .tensor(try readTensor(tensor, path: path))
        case 5, 10:
            var graphs: [ONNXGraph] = []
            for i in 0..<Int64(type == 5 ? 1 : count) {
                guard let sub = mcc_onnx_attr_graph(model, n, a, i) else { return .unsupported(type: type) }
                graphs.append(try ModelReader(model: sub, path: path).readGraph())
            }
            return type == 5 ? .graph(graphs[0]) : .graphs(graphs)
        case 6: return .floats((0..<count).map { mcc_onnx_attr_floats_at(model, n, a, $0) })
        case 7: return .ints((0..<count).map { Int(mcc_onnx_attr_ints_at(model, n, a, $0)) })
        case 8:
            return .strings((0..<count).map { i in
                var length = 0
                return text(mcc_onnx_attr_strings_at(model, n, a, i, &length), length)
            })
        default: return .unsupported(type: type)
        }
    }

    /// Decodes `length` bytes (NULs included) as UTF-8, repairing invalid sequences.
    private func text(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> String {
        guard let pointer, length > 0 else { return "" }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }
}
