import MIR

/// Typed attribute lookups with ONNX defaults.
extension ONNXNode {
    func int(_ name: String, _ fallback: Int) -> Int {
        if case .int(let v)? = attributes[name] { return Int(v) }
        return fallback
    }
    func float(_ name: String, _ fallback: Double) -> Double {
        if case .float(let v)? = attributes[name] { return Double(v) }
        return fallback
    }
    func string(_ name: String, _ fallback: String) -> String {
        return attributes[name]?.stringValue ?? fallback
    }
    func ints(_ name: String) -> [Int]? {
        if case .ints(let v)? = attributes[name] { return v.map { Int($0) } }
        return nil
    }
    func floats(_ name: String) -> [Double]? {
        if case .floats(let v)? = attributes[name] { return v.map { Double($0) } }
        return nil
    }
    func tensorAttribute(_ name: String) -> ONNXTensor? {
        if case .tensor(let t)? = attributes[name] { return t }
        return nil
    }
    func has(_ name: String) -> Bool { attributes[name] != nil }
}

extension ConstTensor {
    init(_ t: ONNXTensor) throws(NodeError) {
        guard let dt = mirDType(t.elemType) else { throw .unsupported("tensors of \(onnxTypeName(t.elemType))") }
        guard let vals = decodeValues(t.data, dt) else { throw NodeError("tensor '\(t.name)' has malformed data") }
        self.init(dtype: dt, shape: t.dims, values: vals, raw: t.data)
    }
}
