/// A Swift value-type view of an ONNX model, as read by `loadONNX(path:targetOpset:)`.
///
/// Everything here is a plain copy: no C or C++ object outlives the load. Names and
/// numbering follow onnx.proto so the importer can be checked against the ONNX spec.

/// `TensorProto.DataType`. Types newer than Debian's libonnx 1.12 (float8, int4) are absent.
public enum ONNXElementType: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case float = 1, uint8, int8, uint16, int16, int32, int64, string, bool, float16, double, uint32, uint64
    case complex64, complex128, bfloat16

    /// Bytes per element in `ONNXTensor.data`; nil for `.string`, which has no packed form.
    public var byteSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16, .float16, .bfloat16: 2
        case .float, .int32, .uint32: 4
        case .int64, .double, .uint64, .complex64: 8
        case .complex128: 16
        case .string: nil
        }
    }

    /// The name onnx.proto gives the type, e.g. "FLOAT16".
    public var description: String {
        switch self {
        case .float: "FLOAT"
        case .uint8: "UINT8"
        case .int8: "INT8"
        case .uint16: "UINT16"
        case .int16: "INT16"
        case .int32: "INT32"
        case .int64: "INT64"
        case .string: "STRING"
        case .bool: "BOOL"
        case .float16: "FLOAT16"
        case .double: "DOUBLE"
        case .uint32: "UINT32"
        case .uint64: "UINT64"
        case .complex64: "COMPLEX64"
        case .complex128: "COMPLEX128"
        case .bfloat16: "BFLOAT16"
        }
    }
}

/// One dimension of a value's shape.
public enum ONNXDim: Sendable, Hashable {
    case value(Int)
    /// A symbolic dim (`dim_param`), e.g. "batch"; equal names denote equal sizes.
    case param(String)
    case unknown
}

/// What kind of type a graph value has (`TypeProto`'s oneof).
public enum ONNXTypeKind: Sendable, Hashable {
    case tensor, sparseTensor, sequence, map, optional
    /// No type given (allowed for intermediate values).
    case none
}

/// A graph input, output or intermediate value with its (possibly partial) type.
public struct ONNXValueInfo: Sendable, Hashable {
    public var name: String
    public var kind: ONNXTypeKind
    /// Nil when the element type is not given or not a type this view knows.
    public var elemType: ONNXElementType?
    /// Nil when the rank is unknown.
    public var dims: [ONNXDim]?

    public init(name: String, kind: ONNXTypeKind = .tensor, elemType: ONNXElementType?, dims: [ONNXDim]?) {
        self.name = name
        self.kind = kind
        self.elemType = elemType
        self.dims = dims
    }
}

/// A tensor: an initializer, a tensor attribute (e.g. Constant's `value`) or a test data file.
public struct ONNXTensor: Sendable, Hashable {
    public var name: String
    public var elemType: ONNXElementType
    public var dims: [Int]
    /// The values packed little-endian in `elemType` (complex numbers as real, imaginary).
    /// Empty for `.string` tensors, whose data this view does not read.
    public var data: [UInt8]

    public init(name: String, elemType: ONNXElementType, dims: [Int], data: [UInt8]) {
        self.name = name
        self.elemType = elemType
        self.dims = dims
        self.data = data
    }

    /// The number of elements the dims describe (1 for a scalar).
    public var elementCount: Int { dims.reduce(1, *) }
}

/// A node attribute.
public enum ONNXAttribute: Sendable, Hashable {
    case int(Int)
    case float(Float)
    /// ONNX strings are bytes; they are decoded as UTF-8 (NUL bytes kept, invalid sequences
    /// replaced by U+FFFD). Every string attribute of the ONNX operator set is ASCII.
    case string(String)
    case ints([Int])
    case floats([Float])
    case strings([String])
    case tensor(ONNXTensor)
    /// A subgraph (If branch, Loop or Scan body). Names it reads but does not define refer
    /// to values of the enclosing graphs.
    case graph(ONNXGraph)
    case graphs([ONNXGraph])
    /// Any other `AttributeProto.AttributeType` (TENSORS, SPARSE_TENSOR, TYPE_PROTO, ...).
    case unsupported(type: Int)

    public var intValue: Int? { if case .int(let v) = self { v } else { nil } }
    public var floatValue: Float? { if case .float(let v) = self { v } else { nil } }
    public var intsValue: [Int]? { if case .ints(let v) = self { v } else { nil } }
    public var floatsValue: [Float]? { if case .floats(let v) = self { v } else { nil } }
    public var tensorValue: ONNXTensor? { if case .tensor(let v) = self { v } else { nil } }
    public var stringValue: String? { if case .string(let v) = self { v } else { nil } }
    public var stringsValue: [String]? { if case .strings(let v) = self { v } else { nil } }
    public var graphValue: ONNXGraph? { if case .graph(let v) = self { v } else { nil } }
}

public struct ONNXNode: Sendable, Hashable {
    public var opType: String
    public var name: String
    /// "" for the default ai.onnx domain (a node saying "ai.onnx" is read as "").
    public var domain: String
    /// "" marks an omitted optional input.
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: ONNXAttribute]

    public init(opType: String, name: String = "", domain: String = "", inputs: [String], outputs: [String],
                attributes: [String: ONNXAttribute] = [:]) {
        self.opType = opType
        self.name = name
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }
}

/// The main graph or a subgraph. Nodes are in topological order (the loader reorders unsorted graphs).
public struct ONNXGraph: Sendable, Hashable {
    public var name: String
    /// Graph inputs that are not initializers: what a caller must feed.
    public var inputs: [ONNXValueInfo]
    public var outputs: [ONNXValueInfo]
    /// Types of intermediate values, including those found by shape inference.
    public var valueInfo: [ONNXValueInfo]
    public var nodes: [ONNXNode]
    public var initializers: [String: ONNXTensor]
    /// Initializer names in file order.
    public var initializerNames: [String]
}

public struct ONNXModel: Sendable, Hashable {
    public var irVersion: Int
    /// Opset version per domain; the default domain is "" (an "ai.onnx" import is stored as "").
    public var opsetImports: [String: Int]
    public var producer: String
    public var graph: ONNXGraph
    /// Non-fatal findings of the load, e.g. node-level shape-inference failures.
    public var warnings: [String]

    /// The ai.onnx opset, nil if the model does not import it.
    public var onnxOpset: Int? { opsetImports[""] }
}

/// A model or tensor file that cannot be loaded, with a message naming what is wrong.
public struct ONNXError: Error, Sendable, CustomStringConvertible {
    /// The file being loaded.
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
