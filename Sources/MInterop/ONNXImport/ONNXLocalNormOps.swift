import MIR

/// LRN and MeanVarianceNormalization, lowered to elementwise ops, pad/slice and reductions.
extension ONNXImporter {
    static let localNormOps: Set<String> = ["LRN", "MeanVarianceNormalization"]

    mutating func localNorm(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0)
        let t = function.type(of: x)
        guard t.dtype.isFloat else { throw .unsupported("\(n.opType) of \(t.dtype)") }
        if n.opType == "MeanVarianceNormalization" {
            // The ONNX function body: (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9).
            let axes = (n.ints("axes") ?? [0, 2, 3]).map { $0 < 0 ? $0 + t.rank : $0 }
            let attrs: Attributes = ["axes": .ints(axes), "keepdims": .int(1)]
            let mean = try emit(.reduceMean, [x], attributes: attrs)
            let meanOfSquares = try emit(.reduceMean, [try emit(.mul, [x, x])], attributes: attrs)
            let variance = try emit(.sub, [meanOfSquares, try emit(.mul, [mean, mean])])
            let std = try emit(.add, [try emit(.sqrt, [variance]), try scalar(1e-9, t.dtype)])
            return try emit(.div, [try emit(.sub, [x, mean]), std])
        }
        // LRN: x / (bias + alpha / size * sum of squares over a window of channels) ^ beta, the window
        // running from c - floor((size-1)/2) to c + ceil((size-1)/2), clipped to the channels.
        let size = n.int("size", 0)
        guard size >= 1, t.rank >= 3 else { throw NodeError("LRN needs size >= 1 and an [N, C, ...] input") }
        let before = (size - 1) / 2, after = size - 1 - before
        let squares = try emit(.mul, [x, x])
        var pads = [Int](repeating: 0, count: 2 * t.rank)
        pads[1] = before; pads[t.rank + 1] = after
        let padded = try emit(.pad, [squares], attributes: ["pads": .ints(pads), "mode": .string("constant"), "value": .float(0)])
        var sum: ValueID?
        for i in 0..<size {
            // Window offset i: channels [i, i + C) of the padded tensor, the end counted from the back.
            let end = i - (size - 1)
            let part = try emit(.slice, [padded], attributes: ["starts": .ints([i]), "ends": .ints([end < 0 ? end : Int(Int32.max)]),
                                                               "axes": .ints([1]), "steps": .ints([1])])
            sum = try sum.map { s throws(NodeError) in try emit(.add, [s, part]) } ?? part
        }
        let scale = try emit(.mul, [sum!, try scalar(n.float("alpha", 0.0001) / Double(size), t.dtype)])
        let base = try emit(.add, [scale, try scalar(n.float("bias", 1), t.dtype)])
        return try emit(.div, [x, try emit(.pow, [base, try scalar(n.float("beta", 0.75), t.dtype)])])
    }
}
