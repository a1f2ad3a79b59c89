import Foundation
import MIR

/// DFT as two matmuls with constant cosine and sine matrices (O(n^2), fine for the frame sizes of
/// signal front ends; an FFT kernel would be the next step for long signals).
extension ONNXImporter {
    mutating func dft(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0)
        let t = function.type(of: x)
        guard t.dtype.isFloat, t.rank >= 3, let parts = t.shape[t.rank - 1].constantValue, parts == 1 || parts == 2 else {
            throw NodeError("DFT expects a float [..., signal, ..., 1 or 2] input, got \(t)")
        }
        let axisAttr = n.int("axis", 1)
        let axis = axisAttr < 0 ? axisAttr + t.rank : axisAttr
        guard axis >= 1, axis < t.rank - 1, let size = t.shape[axis].constantValue else {
            throw .unsupported("DFT along axis \(axisAttr) of \(t) (needs a static signal axis)")
        }
        if let length = try constant(n, 1), length.ints.first != size {
            throw .unsupported("DFT with dft_length \(length.ints) different from the signal length \(size)")
        }
        let inverse = n.int("inverse", 0) != 0, onesided = n.int("onesided", 0) != 0
        let bins = onesided ? size / 2 + 1 : size
        // Move the signal axis last, so each transform is a row times a [size, bins] matrix.
        let rank = t.rank - 1
        var perm = Array(0..<rank)
        perm.remove(at: axis); perm.append(axis)
        func component(_ i: Int) throws(NodeError) -> ValueID {
            let part = try emit(.slice, [x], attributes: ["starts": .ints([i]), "ends": .ints([i + 1]), "axes": .ints([t.rank - 1]), "steps": .ints([1])])
            let squeezed = try emit(.reshape, [part], explicit: TensorType(t.dtype, Array(t.shape.dropLast())))
            return try emit(.transpose, [squeezed], attributes: ["perm": .ints(perm)])
        }
        let scale = inverse ? 1 / Double(size) : 1
        func matrix(_ f: (Double) -> Double) throws(NodeError) -> ValueID {
            var values: [Double] = []
            for j in 0..<size { for k in 0..<bins { values.append(f(2 * Double.pi * Double((j * k) % size) / Double(size)) * scale) } }
            return try tensor(.constant(ConstTensor(dtype: t.dtype, shape: [size, bins], values: values)))
        }
        let cosM = try matrix(cos), sinM = try matrix(sin)
        let re = try component(0)
        // Forward: e^{-i theta}; inverse: e^{+i theta} (and 1/n, folded into the matrices).
        var yRe = try emit(.matmul, [re, cosM])
        var yIm = try emit(.matmul, [re, sinM])
        if !inverse { yIm = try emit(.neg, [yIm]) }
        if parts == 2 {
            let im = try component(1)
            let imCos = try emit(.matmul, [im, cosM]), imSin = try emit(.matmul, [im, sinM])
            yRe = try emit(inverse ? .sub : .add, [yRe, imSin])
            yIm = try emit(.add, [yIm, imCos])
        }
        var back = [Int](repeating: 0, count: rank)
        for (i, p) in perm.enumerated() { back[p] = i }
        var outShape = Array(t.shape.dropLast())
        outShape[axis] = .constant(bins)
        func restore(_ v: ValueID) throws(NodeError) -> ValueID {
            let moved = try emit(.transpose, [v], attributes: ["perm": .ints(back)])
            return try emit(.reshape, [moved], explicit: TensorType(t.dtype, outShape + [.constant(1)]))
        }
        return try emit(.concat, [try restore(yRe), try restore(yIm)], attributes: ["axis": .int(rank)])
    }
}
