import MIR

/// A float layer the quantization passes rewrite: `matmul(x, W)` or `conv2d(x, W[, b])` with W
/// a parameter, optionally followed by `add(_, b)` (b a parameter f32[n]; matmul only) and
/// `relu`, each read only by the next. The layer's value is the last op's result.
struct Layer {
    var anchor: Int            // the matmul / conv2d op
    var last: Int              // the op producing the layer's value
    var weight: String         // parameter name
    var bias: ValueID?
    var relu: Bool
    /// The matmul / conv2d op as found.
    var op: Operation
    var isConv: Bool { op.kind == .conv2d }
}

enum Layers {
    /// Layers of `f` in op order; a weight parameter of some other shape or dtype is skipped.
    static func find(_ f: Function, _ module: Module) -> [Layer] {
        let producer = f.producers()
        let uses = f.useCounts()
        var users: [ValueID: [Int]] = [:]
        for (i, op) in f.ops.enumerated() { for v in op.operands { users[v, default: []].append(i) } }
        func paramName(_ v: ValueID) -> String? {
            guard let j = producer[v], f.ops[j].kind == .param else { return nil }
            return f.ops[j].attributes["name"]?.stringValue
        }
        func onlyUser(_ v: ValueID) -> Int? {
            guard uses[v.raw] == 1, let u = users[v], u.count == 1 else { return nil }
            return u[0]
        }
        var out: [Layer] = []
        for (i, op) in f.ops.enumerated() {
            // A conv2d with a residual operand (fuse-epilogue's) has no int8 or pruned form.
            guard op.kind == .matmul && op.operands.count == 2 || op.kind == .conv2d && op.operands.count <= 3, let w = paramName(op.operands[1]),
                  let p = module.parameter(named: w), p.type.dtype == .f32, let shape = p.type.staticShape,
                  f.type(of: op.operands[0]).dtype == .f32 else { continue }
            var layer = Layer(anchor: i, last: i, weight: w, bias: nil, relu: false, op: op)
            if op.kind == .matmul {
                guard shape.count == 2, f.type(of: op.operands[0]).shape.last?.constantValue != nil else { continue }
                let n = shape[1]
                if let a = onlyUser(op.result), f.ops[a].kind == .add, f.type(of: f.ops[a].result) == f.type(of: op.result) {
                    let other = f.ops[a].operands[0] == op.result ? f.ops[a].operands[1] : f.ops[a].operands[0]
                    if other != op.result, paramName(other) != nil, f.type(of: other) == TensorType(.f32, static: [n]) {
                        layer.bias = other; layer.last = a
                    }
                }
            } else {
                guard shape.count == 4, (op.attributes["groups"]?.intValue ?? 1) == 1,
                      f.type(of: op.operands[0]).shape[1].constantValue != nil else { continue }
                if op.operands.count == 3 { layer.bias = op.operands[2] }
            }
            if let r = onlyUser(f.ops[layer.last].result), f.ops[r].kind == .relu { layer.relu = true; layer.last = r }
            out.append(layer)
        }
        return out
    }
}

/// Per-channel symmetric int8: channel j's values are q = round(w / s_j) in [-127, 127] with
/// s_j = max|w| / 127 (1 for an all-zero channel, so dequantization stays finite).
struct ChannelQuantized {
    var q: [Int8]
    var scales: [Float]

    /// `w` is row-major with `channels` channels; `channelOf(i)` maps an element to its channel.
    init(_ w: [Float], channels: Int, channelOf: (Int) -> Int) {
        var maxAbs = [Float](repeating: 0, count: channels)
        for (i, v) in w.enumerated() { maxAbs[channelOf(i)] = max(maxAbs[channelOf(i)], abs(v)) }
        scales = maxAbs.map { $0 > 0 ? $0 / 127 : 1 }
        var q = [Int8](repeating: 0, count: w.count)
        for (i, v) in w.enumerated() { q[i] = Int8(max(-127, min(127, (v / scales[channelOf(i)]).rounded()))) }
        self.q = q
    }
}

/// The shared rewrite of quantize-int8-dynamic and quantize-int8-static: each layer becomes one
/// qmatmul / qconv2d reading a packed int8 weight, its scales, and the column sums and bias
/// (dynamic), or one bias with the zero-point correction folded in (static).
struct IntegerLayerRewriter {
    let pass: String
    let module: Module
    let context: PassContext

    /// Rewrites `layer` of `f` (indices as returned by `Layers.find`, processed last-first so
    /// earlier indices stay valid). `activation` nil = dynamic quantization of the input.
    func rewrite(_ layer: Layer, in f: Function, activation: (scale: Double, zeroPoint: Int)?) throws(PassError) {
        guard let p = module.parameter(named: layer.weight), let shape = p.type.staticShape else { return }
        let w = try context.weights.floats(of: p)
        let op = layer.op
        let k: Int, n: Int, logical: [Int8], quantized: ChannelQuantized
        if layer.isConv {
            n = shape[0]
            let per = shape[1] * shape[2] * shape[3]
            quantized = ChannelQuantized(w, channels: n) { $0 / per }
            logical = QuantizedLayout.convMatrix(quantized.q, outChannels: n, channels: shape[1], kernel: [shape[2], shape[3]])
            k = QuantizedLayout.convReduction(channels: shape[1], kernel: [shape[2], shape[3]])
        } else {
            (k, n) = (shape[0], shape[1])
            quantized = ChannelQuantized(w, channels: n) { $0 % n }
            logical = quantized.q
        }
        var sums = [Int](repeating: 0, count: n)
        for (i, v) in logical.enumerated() { sums[i % n] += Int(v) }
        let packedShape = QuantizedLayout.packedShape(k: k, n: n)
        let packed = QuantizedLayout.pack(logical, k: k, n: n)
        let base = layer.weight
        func add(_ suffix: String, _ values: [Double], _ type: TensorType) -> String {
            module.addParameter(base + suffix, type: type, initializer: context.weights.store(values, name: base + suffix, type: type))
        }
        // Static zero point: the correction -z * s_x * s_w[j] * sum[j] is a constant per column,
        // folded into the bias here (the bias must be a parameter, or absent); no w_sum operand.
        var folded: [Double]? = nil
        if let a = activation {
            var bias: [Float]? = [Float](repeating: 0, count: n)
            if let b = layer.bias {
                let producer = f.producers()
                if let j = producer[b], f.ops[j].kind == .param, let name = f.ops[j].attributes["name"]?.stringValue,
                   let bp = module.parameter(named: name), bp.type == TensorType(.f32, static: [n]) {
                    bias = try context.weights.floats(of: bp)
                } else { bias = nil }
            }
            if let bias {
                let sx = Double(Float(a.scale)), z = Double(a.zeroPoint)
                folded = (0..<n).map { j in
                    Double(Float(Double(bias[j]) - z * sx * Double(quantized.scales[j]) * Double(sums[j])))
                }
            }
        }
        var names = [add(".q", packed.map(Double.init), TensorType(.i8, static: packedShape)),
                     add(".scale", quantized.scales.map(Double.init), TensorType(.f32, static: [n]))]
        // A zero folded bias (z = 0, no bias) is left out.
        if let folded {
            if layer.bias != nil || folded.contains(where: { $0 != 0 }) { names.append(add(".qbias", folded, TensorType(.f32, static: [n]))) }
        } else { names.append(add(".sum", sums.map(Double.init), TensorType(.i32, static: [n]))) }
        var at = layer.last
        var operands = [op.operands[0]]
        for name in names { operands.append(f.insertParam(module, name, at: at)); at += 1 }
        if folded == nil, let b = layer.bias { operands.append(b) }
        var attrs: Attributes = [:]
        if let a = activation { attrs["act_scale"] = .float(a.scale); attrs["act_zero_point"] = .int(a.zeroPoint) }
        if layer.relu { attrs["activation"] = .string("relu") }
        if layer.isConv {
            let wp: WindowParams
            do { wp = try WindowParams(op.attributes) } catch { throw PassError(pass: pass, message: error.message) }
            attrs["kernel"] = .ints([shape[2], shape[3]])
            attrs["strides"] = .ints(wp.strides); attrs["pads"] = .ints(wp.pads); attrs["dilations"] = .ints(wp.dilations)
        }
        let kind: OpKind = layer.isConv ? .qconv2d : .qmatmul
        let result = f.ops[at].result
        do {
            let type = try kind.inferResultType(operands: operands.map(f.type(of:)), attributes: attrs)
            guard type == f.type(of: result) else { throw ShapeError("\(type) differs from the layer's \(f.type(of: result))") }
        } catch { throw PassError(pass: pass, message: "cannot quantize the layer of '\(base)': \(error)") }
        f.ops[at] = Operation(kind: kind, operands: operands, attributes: attrs, result: result, location: f.ops[at].location)
    }
}

/// Asymmetric u8 parameters for an observed range, widened to include 0 so that zero padding
/// and relu outputs are exact: s = (max - min) / 255, z = round(-min / s).
public func activationQuantization(_ range: ClosedRange<Float>) -> (scale: Double, zeroPoint: Int) {
    let lo = Double(min(range.lowerBound, 0)), hi = Double(max(range.upperBound, 0))
    let s = hi > lo ? (hi - lo) / 255 : 1
    return (Double(Float(s)), Int(max(0, min(255, (-lo / s).rounded()))))
}

/// quantize-int8-dynamic: every matmul layer (Dense/MatMul with a weight parameter, with its
/// bias add and relu) becomes a qmatmul with per-channel symmetric int8 weights; the input is
/// quantized per call from its own range. Requires: a verified module, before fuse-elementwise
/// (bias and relu must still be separate ops to fold). Ensures: no matmul by an f32 weight
/// parameter remains; the old weights are left for `dce`.
public struct QuantizeDynamic: WeightPass {
    public static let name = "quantize-int8-dynamic"
    public static let summary = "int8 weights, activations quantized per call (Dense/MatMul)"
    public init() {}
    public func run(on module: Module, context: PassContext) throws(PassError) {
        let rewriter = IntegerLayerRewriter(pass: Self.name, module: module, context: context)
        for f in module.functions {
            for layer in Layers.find(f, module).reversed() where !layer.isConv { try rewriter.rewrite(layer, in: f, activation: nil) }
        }
    }
}

/// quantize-int8-static: every matmul and conv2d layer whose input range was observed
/// (`context.ranges`, from calibration) becomes qmatmul / qconv2d with per-channel symmetric
/// int8 weights and that fixed per-tensor affine u8 input quantization. Layers without a range
/// stay float. Requires: a verified module, before fuse-elementwise; ranges keyed by the value
/// numbers of this module. Ensures: each calibrated layer is one integer op.
public struct QuantizeStatic: WeightPass {
    public static let name = "quantize-int8-static"
    public static let summary = "int8 weights and calibrated int8 activations (Dense/MatMul/Conv)"
    public init() {}
    public func run(on module: Module, context: PassContext) throws(PassError) {
        let rewriter = IntegerLayerRewriter(pass: Self.name, module: module, context: context)
        for f in module.functions {
            let ranges = context.ranges[f.name] ?? [:]
            for layer in Layers.find(f, module).reversed() {
                guard let r = ranges[f.ops[layer.anchor].operands[0].raw] else { continue }
                try rewriter.rewrite(layer, in: f, activation: activationQuantization(r))
            }
        }
    }
}

/// quantize-int8-weight: weight-only int8 (storage): each matmul / conv2d weight parameter
/// becomes an int8 parameter and per-channel f32 scales, dequantized by `cast` and `mul` before
/// the float op. Halves nothing at run time; cuts the parameters 4x. Requires: a verified
/// module. Ensures: every matmul / conv2d weight parameter is i8; old weights left for `dce`.
public struct QuantizeWeightOnly: WeightPass {
    public static let name = "quantize-int8-weight"
    public static let summary = "int8 weight storage with per-channel scales (dequantized before use)"
    public init() {}
    public func run(on module: Module, context: PassContext) throws(PassError) {
        for f in module.functions {
            for layer in Layers.find(f, module).reversed() {
                guard let p = module.parameter(named: layer.weight), let shape = p.type.staticShape else { continue }
                let w = try context.weights.floats(of: p)
                let channels = layer.isConv ? shape[0] : shape[1]
                let per = w.count / max(channels, 1)
                let quantized = ChannelQuantized(w, channels: channels) { layer.isConv ? $0 / per : $0 % channels }
                let qType = TensorType(.i8, static: shape)
                let sType = TensorType(.f32, static: layer.isConv ? [channels, 1, 1, 1] : [1, channels])
                let qName = module.addParameter(layer.weight + ".q", type: qType,
                                                initializer: context.weights.store(quantized.q.map(Double.init), name: layer.weight + ".q", type: qType))
                let sName = module.addParameter(layer.weight + ".scale", type: sType,
                                                initializer: context.weights.store(quantized.scales.map(Double.init), name: layer.weight + ".scale", type: sType))
                let at = layer.anchor
                let q = f.insertParam(module, qName, at: at)
                let asFloat = f.insert(.cast, [q], attributes: ["to": .string("f32")], type: TensorType(.f32, static: shape), at: at + 1)
                let s = f.insertParam(module, sName, at: at + 2)
                let w2 = f.insert(.mul, [asFloat, s], type: TensorType(.f32, static: shape), at: at + 3)
                f.ops[at + 4].operands[1] = w2
            }
        }
    }
}

extension QuantizeStatic {
    /// The activations calibration must observe in `f`: the input of every layer this pass can
    /// rewrite, as (index of the layer's matmul / conv2d op, the value it reads).
    public static func calibrationPoints(_ f: Function, _ module: Module) -> [(op: Int, value: ValueID)] {
        var seen = Set<ValueID>()
        return Layers.find(f, module).compactMap { layer in
            let v = f.ops[layer.anchor].operands[0]
            return seen.insert(v).inserted ? (layer.anchor, v) : nil
        }
    }
}
