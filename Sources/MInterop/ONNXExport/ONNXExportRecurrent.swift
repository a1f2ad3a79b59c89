import MIR

extension ONNXExportContext {
    /// lstm_sequence as one ONNX LSTM node over its input projection: X = xw [seq, b, 4h] with
    /// W = I (the projection, biases included, is already in xw), R = r^T, no B; Y (its direction
    /// axis squeezed), Y_h and Y_c concatenated along axis 0 are the op's [seq + 2, b, h] result.
    mutating func exportLSTMSequence(_ op: Operation, _ xs: [String], _ out: String) throws(ONNXExportError) {
        let r = function.type(of: op.operands[1])
        guard let h = r.shape[0].constantValue else { throw unsupported(op, "a symbolic hidden size") }
        let peepholes = op.attributes["peepholes"]?.intValue == 1
        let hasLens = op.operands.count == 4 + (peepholes ? 1 : 0) + 1
        var identity = [Double](repeating: 0, count: 16 * h * h)
        for i in 0..<(4 * h) { identity[i * 4 * h + i] = 1 }
        let w = constant(ExportTensor(name: "lstm_identity", elementType: DType.f32.onnxElementType, dims: [1, 4 * h, 4 * h],
                                      rawData: packValues(identity, as: .f32)))
        let axis0 = int64s([0], hint: "axes")
        let rT = node("Unsqueeze", [node("Transpose", [xs[1]], [("perm", .ints([1, 0]))]), axis0])
        var lens = ""
        if hasLens, let l = xs.last {
            lens = function.type(of: op.operands[op.operands.count - 1]).dtype == .i32 ? l
                : node("Cast", [l], [("to", .int(DType.i32.onnxElementType))])
        }
        var inputs = [xs[0], w, rT, "", lens, node("Unsqueeze", [xs[2], axis0]), node("Unsqueeze", [xs[3], axis0])]
        if peepholes { inputs.append(node("Unsqueeze", [xs[4], axis0])) }
        var attributes: [(name: String, value: ExportAttribute)] = [
            ("hidden_size", .int(h)), ("direction", .string(op.attributes["direction"]?.stringValue ?? "forward"))]
        if let clip = op.attributes["clip"]?.floatValue { attributes.append(("clip", .float(clip))) }
        let (yh, yc) = (fresh("lstm_y_h"), fresh("lstm_y_c"))
        let y = node("LSTM", inputs, attributes, outputs: [yh, yc])
        let squeezed = node("Squeeze", [y, int64s([1], hint: "axes")])
        node("Concat", [squeezed, yh, yc], output: out, [("axis", .int(0))])
    }
}
