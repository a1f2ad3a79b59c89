import MIR

/// 3-D convolution and pooling (NCDHW), decomposed along depth into the 2-D kernels:
/// each output depth slice sums (conv) or reduces (pool) 2-D results over the kernel's
/// depth taps. TODO(#5): a native 3-D kernel.
extension ONNXImporter {
    /// `x[:, :, i]` of a rank-5 tensor as a rank-4 tensor.
    mutating func depthSlice(_ x: ValueID, _ i: Int) throws(NodeError) -> ValueID {
        let t = function.type(of: x)
        let s = try emit(.slice, [x], attributes: ["starts": .ints([i]), "ends": .ints([i + 1]), "axes": .ints([2])])
        return try emit(.reshape, [s], explicit: TensorType(t.dtype, [t.shape[0], t.shape[1], t.shape[3], t.shape[4]]))
    }

    mutating func stackDepth(_ slices: [ValueID]) throws(NodeError) -> ValueID {
        let parts = try slices.map { s throws(NodeError) -> ValueID in
            let t = function.type(of: s)
            return try emit(.reshape, [s], explicit: TensorType(t.dtype, [t.shape[0], t.shape[1], .constant(1), t.shape[2], t.shape[3]]))
        }
        return parts.count == 1 ? parts[0] : try emit(.concat, parts, attributes: ["axis": .int(2)])
    }

    mutating func volume(_ n: ONNXNode) throws(NodeError) -> ValueID {
        if n.opType == "ConvTranspose" { return try volumeTranspose(n) }
        let x = try tensorInput(n, 0)
        let xt = function.type(of: x)
        guard let depth = xt.shape[2].constantValue else { throw .unsupported("a symbolic depth") }
        if n.string("auto_pad", "NOTSET") != "NOTSET" { throw .unsupported("auto_pad on 3-D inputs") }
        let strides = n.ints("strides") ?? [1, 1, 1], dilations = n.ints("dilations") ?? [1, 1, 1]
        let pads = n.ints("pads") ?? [0, 0, 0, 0, 0, 0]
        guard strides.count == 3, dilations.count == 3, pads.count == 6 else { throw NodeError("3-D attributes need 3 (pads 6) entries") }
        let pads2D = [pads[1], pads[2], pads[4], pads[5]]
        let kd: Int
        var w: ValueID?
        if n.opType == "Conv" {
            let weight = try tensorInput(n, 1)
            guard let k = function.type(of: weight).shape[2].constantValue else { throw NodeError("symbolic kernel") }
            kd = k; w = weight
        } else {
            guard let k = n.ints("kernel_shape"), k.count == 3 else { throw NodeError("missing kernel_shape") }
            kd = k[0]
            if n.opType == "AveragePool" && (pads[0] != 0 || pads[3] != 0) { throw .unsupported("3-D AveragePool with depth padding") }
            if n.int("ceil_mode", 0) != 0 { throw .unsupported("3-D pooling with ceil_mode") }
        }
        let span = dilations[0] * (kd - 1) + 1
        let outDepth = (depth + pads[0] + pads[3] - span) / strides[0] + 1
        guard outDepth >= 1 else { throw NodeError("kernel does not fit the depth") }
        var planes: [ValueID] = []
        for od in 0..<outDepth {
            var acc: ValueID?
            var taps = 0
            for k in 0..<kd {
                let id = od * strides[0] - pads[0] + k * dilations[0]
                guard id >= 0, id < depth else { continue }
                let xs = try depthSlice(x, id)
                let part: ValueID
                if let w {
                    part = try emit(.conv2d, [xs, try depthSlice(w, k)], attributes: [
                        "strides": .ints([strides[1], strides[2]]), "dilations": .ints([dilations[1], dilations[2]]),
                        "pads": .ints(pads2D), "groups": .int(n.int("group", 1))])
                } else {
                    guard let k3 = n.ints("kernel_shape") else { throw NodeError("missing kernel_shape") }
                    var attrs: Attributes = ["kernel": .ints([k3[1], k3[2]]), "strides": .ints([strides[1], strides[2]]), "pads": .ints(pads2D)]
                    if n.opType == "MaxPool" { attrs["dilations"] = .ints([dilations[1], dilations[2]]) }
                    else { attrs["count_include_pad"] = .int(n.int("count_include_pad", 0)) }
                    part = try emit(n.opType == "MaxPool" ? .maxPool2d : .avgPool2d, [xs], attributes: attrs)
                }
                taps += 1
                if let a = acc { acc = try emit(n.opType == "MaxPool" ? .maximum : .add, [a, part]) } else { acc = part }
            }
            guard var plane = acc else { throw NodeError("an output depth slice sees only padding") }
            if n.opType == "AveragePool" { plane = try emit(.div, [plane, try scalar(Double(taps), xt.dtype)]) }
            if n.opType == "Conv", let b = try input(n, 2) {
                let bias = try tensor(b)
                let bt = function.type(of: bias)
                plane = try emit(.add, [plane, try emit(.reshape, [bias], explicit: TensorType(bt.dtype, bt.shape + [.constant(1), .constant(1)]))])
            }
            planes.append(plane)
        }
        return try stackDepth(planes)
    }

    /// 3-D ConvTranspose: input depth slice id scatters into output depth id * sd + kd * dd - pad
    /// through the 2-D transposed convolution with weight depth tap kd; output slices no tap
    /// reaches (stride gaps, output_padding) are zeros (plus bias).
    mutating func volumeTranspose(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let x = try tensorInput(n, 0), w = try tensorInput(n, 1)
        let xt = function.type(of: x)
        guard let depth = xt.shape[2].constantValue, let kd = function.type(of: w).shape[2].constantValue else {
            throw .unsupported("3-D ConvTranspose with a symbolic depth or kernel")
        }
        if n.string("auto_pad", "NOTSET") != "NOTSET" || n.has("output_shape") {
            throw .unsupported("3-D ConvTranspose with auto_pad or output_shape (give pads and output_padding)")
        }
        let strides = n.ints("strides") ?? [1, 1, 1], dilations = n.ints("dilations") ?? [1, 1, 1]
        let pads = n.ints("pads") ?? [0, 0, 0, 0, 0, 0], outPad = n.ints("output_padding") ?? [0, 0, 0]
        guard strides.count == 3, dilations.count == 3, pads.count == 6, outPad.count == 3 else {
            throw NodeError("3-D attributes need 3 (pads 6) entries")
        }
        let outDepth = strides[0] * (depth - 1) + outPad[0] + (kd - 1) * dilations[0] + 1 - pads[0] - pads[3]
        guard outDepth >= 1 else { throw NodeError("ConvTranspose pads leave no output depth") }
        let attrs: Attributes = ["strides": .ints([strides[1], strides[2]]), "dilations": .ints([dilations[1], dilations[2]]),
                                 "pads": .ints([pads[1], pads[2], pads[4], pads[5]]), "groups": .int(n.int("group", 1)),
                                 "output_padding": .ints([outPad[1], outPad[2]])]
        var sums = [ValueID?](repeating: nil, count: outDepth)
        for id in 0..<depth {
            let xs = try depthSlice(x, id)
            for k in 0..<kd {
                let od = id * strides[0] + k * dilations[0] - pads[0]
                guard od >= 0, od < outDepth else { continue }
                let part = try emit(.convTranspose2d, [xs, try depthSlice(w, k)], attributes: attrs)
                sums[od] = try sums[od].map { a throws(NodeError) in try emit(.add, [a, part]) } ?? part
            }
        }
        guard let planeType = sums.compactMap({ $0 }).first.map(function.type(of:)) else {
            throw NodeError("ConvTranspose: no input depth slice reaches the output")
        }
        var planes: [ValueID] = []
        for s in sums {
            var plane: ValueID
            if let s { plane = s } else { plane = try emit(.expand, [try scalar(0, xt.dtype)], explicit: planeType) }
            if let b = try input(n, 2) {
                let bias = try tensor(b)
                let bt = function.type(of: bias)
                plane = try emit(.add, [plane, try emit(.reshape, [bias], explicit: TensorType(bt.dtype, bt.shape + [.constant(1), .constant(1)]))])
            }
            planes.append(plane)
        }
        return try stackDepth(planes)
    }
}
