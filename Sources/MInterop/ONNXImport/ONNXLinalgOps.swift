import MIR

/// Det of small static matrices and DynamicQuantizeLinear, as compositions of existing ops.
extension ONNXImporter {
    /// Det by the Leibniz formula over the permutations of n <= 4 (at most 24 products of n entries);
    /// larger matrices would want an LU kernel.
    mutating func determinant(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0)
        let t = function.type(of: x)
        guard t.rank >= 2, let size = t.shape[t.rank - 1].constantValue, t.shape[t.rank - 2].constantValue == size else {
            throw .unsupported("Det needs static square matrices")
        }
        guard (1...4).contains(size) else { throw .unsupported("Det of \(size)x\(size) matrices (only up to 4x4)") }
        let batch = Array(t.shape.dropLast(2))
        func entry(_ i: Int, _ j: Int) throws(NodeError) -> ValueID {
            let e = try emit(.slice, [x], attributes: ["starts": .ints([i, j]), "ends": .ints([i + 1, j + 1]),
                                                        "axes": .ints([t.rank - 2, t.rank - 1]), "steps": .ints([1, 1])])
            return try emit(.reshape, [e], explicit: TensorType(t.dtype, batch))
        }
        var entries: [[ValueID]] = []
        for i in 0..<size { var row: [ValueID] = []; for j in 0..<size { row.append(try entry(i, j)) }; entries.append(row) }
        var total: ValueID?
        for (perm, sign) in permutations(size) {
            var product = entries[0][perm[0]]
            for i in 1..<size { product = try emit(.mul, [product, entries[i][perm[i]]]) }
            if let sum = total { total = try emit(sign > 0 ? .add : .sub, [sum, product]) }
            else { total = sign > 0 ? product : try emit(.neg, [product]) }
        }
        return total!
    }

    /// All permutations of 0..<n with their signs.
    func permutations(_ n: Int) -> [([Int], Int)] {
        guard n > 1 else { return [([0], 1)] }
        var out: [([Int], Int)] = []
        for (p, s) in permutations(n - 1) {
            for pos in 0...p.count {
                var q = p
                q.insert(n - 1, at: pos)
                // Inserting the largest element at `pos` adds (count - pos) inversions.
                out.append((q, (p.count - pos) % 2 == 0 ? s : -s))
            }
        }
        return out
    }

    /// DynamicQuantizeLinear: uint8 quantization with scale and zero point from the tensor's range
    /// (extended to include 0), as in its ONNX definition.
    mutating func dynamicQuantize(_ n: ONNXNode) throws(NodeError) -> [ImportValue] {
        let x = try tensorInput(n, 0)
        let dt = function.type(of: x).dtype
        guard dt.isFloat else { throw .unsupported("DynamicQuantizeLinear of \(dt)") }
        let all: Attributes = ["axes": .ints([]), "keepdims": .int(0)]
        let low = try emit(.minimum, [try emit(.reduceMin, [x], attributes: all), try scalar(0, dt)])
        let high = try emit(.maximum, [try emit(.reduceMax, [x], attributes: all), try scalar(0, dt)])
        let scale = try emit(.div, [try emit(.sub, [high, low]), try scalar(255, dt)])
        let saturate: Attributes = ["min": .float(0), "max": .float(255)]
        let zero = try emit(.clip, [try emit(.round, [try emit(.neg, [try emit(.div, [low, scale])])])], attributes: saturate)
        let y = try emit(.clip, [try emit(.add, [try emit(.round, [try emit(.div, [x, scale])]), zero])], attributes: saturate)
        let u8: Attributes = ["to": .string(DType.u8.rawValue)]
        return [.tensor(try emit(.cast, [y], attributes: u8)), .tensor(scale), .tensor(try emit(.cast, [zero], attributes: u8))]
    }
}
