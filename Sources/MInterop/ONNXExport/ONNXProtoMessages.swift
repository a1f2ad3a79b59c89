import MIR

/// The parts of onnx.proto that the exporter writes, as plain values, and their encoding.
/// Field numbers are onnx.proto's (onnx 1.12, IR version 8); each encoder names its message.

/// An attribute value of a node (`AttributeProto`).
enum ExportAttribute: Sendable, Equatable {
    case int(Int), float(Double), string(String), ints([Int]), floats([Double])
}

/// A graph node (`NodeProto`).
struct ExportNode: Sendable {
    var opType: String
    var inputs: [String]
    var outputs: [String]
    var name: String
    var attributes: [(name: String, value: ExportAttribute)] = []
}

/// A tensor with packed little-endian data (`TensorProto` with `raw_data`).
struct ExportTensor: Sendable {
    var name: String
    var elementType: Int
    var dims: [Int]
    var rawData: [UInt8]
}

/// One dim of a graph input or output type (`TensorShapeProto.Dimension`).
enum ExportDim: Sendable, Equatable {
    case value(Int), param(String)
}

/// A typed graph input or output (`ValueInfoProto` holding a tensor type).
struct ExportValueInfo: Sendable {
    var name: String
    var elementType: Int
    var dims: [ExportDim]
}

/// A whole graph (`GraphProto`).
struct ExportGraph: Sendable {
    var name: String
    var nodes: [ExportNode] = []
    var initializers: [ExportTensor] = []
    var inputs: [ExportValueInfo] = []
    var outputs: [ExportValueInfo] = []
}

extension DType {
    /// `TensorProto.DataType` of this dtype.
    var onnxElementType: Int {
        switch self {
        case .f32: 1
        case .u8: 2
        case .i8: 3
        case .u16: 4
        case .i16: 5
        case .i32: 6
        case .u32: 12
        case .u64: 13
        case .i64: 7
        case .bool: 9
        case .f16: 10
        case .f64: 11
        case .bf16: 16
        }
    }
}

/// Encoders for each message, in onnx.proto's field numbering.
enum ONNXProtoEncoder {
    /// `ModelProto`: ir_version = 1, producer_name = 2, producer_version = 3, graph = 7, opset_import = 8.
    static func model(_ graph: ExportGraph, irVersion: Int, opset: Int, producer: String, producerVersion: String) -> [UInt8] {
        var w = ProtobufWriter()
        w.int(1, irVersion)
        w.string(2, producer)
        if !producerVersion.isEmpty { w.string(3, producerVersion) }
        w.message(7, encoded: encode(graph))
        // OperatorSetIdProto: domain = 1 ("" is ai.onnx), version = 2.
        w.message(8) { (o: inout ProtobufWriter) in
            o.string(1, "")
            o.int(2, opset)
        }
        return w.bytes
    }

    /// `GraphProto`: node = 1, name = 2, initializer = 5, input = 11, output = 12.
    static func encode(_ g: ExportGraph) -> [UInt8] {
        var w = ProtobufWriter()
        for n in g.nodes { w.message(1, encoded: encode(n)) }
        w.string(2, g.name)
        for t in g.initializers { w.message(5, encoded: encode(t)) }
        for v in g.inputs { w.message(11, encoded: encode(v)) }
        for v in g.outputs { w.message(12, encoded: encode(v)) }
        return w.bytes
    }

    /// `NodeProto`: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
    static func encode(_ n: ExportNode) -> [UInt8] {
        var w = ProtobufWriter()
        for i in n.inputs { w.string(1, i) }
        for o in n.outputs { w.string(2, o) }
        w.string(3, n.name)
        w.string(4, n.opType)
        for a in n.attributes { w.message(5, encoded: encode(attribute: a.name, a.value)) }
        return w.bytes
    }

    /// `AttributeProto`: name = 1, f = 2, i = 3, s = 4, floats = 7, ints = 8, type = 20
    /// (`AttributeType`: FLOAT = 1, INT = 2, STRING = 3, FLOATS = 6, INTS = 7).
    static func encode(attribute name: String, _ value: ExportAttribute) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, name)
        switch value {
        case .float(let v): w.float(2, Float(v)); w.int(20, 1)
        case .int(let v): w.int(3, v); w.int(20, 2)
        case .string(let s): w.string(4, s); w.int(20, 3)
        case .floats(let vs): w.floats(7, vs.map(Float.init)); w.int(20, 6)
        case .ints(let vs): w.ints(8, vs); w.int(20, 7)
        }
        return w.bytes
    }

    /// `TensorProto`: dims = 1, data_type = 2, name = 8, raw_data = 9.
    static func encode(_ t: ExportTensor) -> [UInt8] {
        var w = ProtobufWriter()
        w.ints(1, t.dims)
        w.int(2, t.elementType)
        w.string(8, t.name)
        w.data(9, t.rawData)
        return w.bytes
    }

    /// `ValueInfoProto` (name = 1, type = 2) with `TypeProto.tensor_type` = 1, which holds
    /// elem_type = 1 and shape = 2; `TensorShapeProto.dim` = 1, with dim_value = 1 or dim_param = 2.
    static func encode(_ v: ExportValueInfo) -> [UInt8] {
        var w = ProtobufWriter()
        w.string(1, v.name)
        w.message(2) { (type: inout ProtobufWriter) in
            type.message(1) { (tensor: inout ProtobufWriter) in
                tensor.int(1, v.elementType)
                tensor.message(2) { (shape: inout ProtobufWriter) in
                    for d in v.dims {
                        shape.message(1) { (dim: inout ProtobufWriter) in
                            switch d {
                            case .value(let n): dim.int(1, n)
                            case .param(let s): dim.string(2, s)
                            }
                        }
                    }
                }
            }
        }
        return w.bytes
    }
}
