import MIR

/// fold-batch-norm: folds an inference batch_norm into the conv2d or dense layer before it, so
/// the normalization costs nothing at run time. With s = scale / sqrt(var + eps) per channel:
///   - `batch_norm(conv2d(x, w[, b]))` becomes `conv2d(x, w * s, (b - mean) * s + bias)`
///     (w's output channels scaled; grouped and depthwise convs too);
///   - `batch_norm(matmul(x, w)[ + b])` on a [N, C] value becomes `matmul(x, w * s) + b'`,
///     b' = (b - mean) * s + bias (w's columns scaled; b = 0 when there was no add).
/// Only with frozen parameters (PassContext.frozenParameters, inference-only builds) that hold
/// trained data (ONNX initializers, safetensors; not a recipe or inline values): the
/// folded weights are new parameters (`<w>.bn`, `<w>.bn_bias`), so a checkpoint written for the
/// unfolded model is refused by name instead of being loaded into the wrong slot. Requires: a
/// verified module, before lower-inference (which expands batch_norm). Ensures: each folded
/// batch_norm's readers read the layer's result; the layer's old weights, the batch_norm and its
/// parameters are left for `dce`. Skipped: a layer output read by anything else, a weight read
/// by another op or function (tied weights), an activation or residual already folded.
public struct FoldBatchNorm: WeightPass {
    public static let name = "fold-batch-norm"
    public static let summary = "Fold inference batch_norm into the preceding conv2d or dense layer's weights"
    public init() {}

    public func run(on module: Module, context: PassContext) throws(PassError) {
        guard context.frozenParameters else { return }
        var paramReads: [String: Int] = [:]
        for f in module.functions {
            for op in f.ops where op.kind == .param { if let n = op.attributes["name"]?.stringValue { paramReads[n, default: 0] += 1 } }
        }
        for f in module.functions where f.ops.contains(where: { $0.kind == .batchNorm }) {
            for match in matches(in: f, module, paramReads: paramReads) { try fold(match, in: f, module, context) }
        }
    }

    /// Ops by result value: folding inserts ops, so indices move between matches.
    struct Match {
        var layer: ValueID      // conv2d or matmul
        var biasAdd: ValueID?   // the dense layer's `add b`
        var norm: ValueID       // batch_norm
        var weight: String, bias: String?
        var normParams: [String] // scale, bias, mean, var
    }

    func matches(in f: Function, _ module: Module, paramReads: [String: Int]) -> [Match] {
        let uses = f.useCounts(), producer = f.producers()
        func paramName(_ v: ValueID) -> String? {
            guard let i = producer[v], f.ops[i].kind == .param else { return nil }
            return f.ops[i].attributes["name"]?.stringValue
        }
        // A weight this pass rewrites: read once in the module, by this layer only.
        func ownedWeight(_ v: ValueID) -> String? {
            guard uses[v.raw] == 1, let n = paramName(v), paramReads[n] == 1, let p = module.parameter(named: n),
                  p.type.staticShape != nil, p.initializer.holdsData else { return nil }
            return n
        }
        var out: [Match] = []
        for bn in f.ops where bn.kind == .batchNorm && f.type(of: bn.result).dtype == .f32 {
            let normParams = bn.operands.dropFirst().compactMap(paramName)
                .filter { module.parameter(named: $0)?.initializer.holdsData == true }
            guard normParams.count == 4, let j = producer[bn.operands[0]], uses[bn.operands[0].raw] == 1 else { continue }
            let layer = f.ops[j]
            switch layer.kind {
            case .conv2d where layer.operands.count <= 3 && layer.attributes["activation"] == nil:
                guard let w = ownedWeight(layer.operands[1]) else { continue }
                let b = layer.operands.count == 3 ? ownedWeight(layer.operands[2]) : nil
                if layer.operands.count == 3 && b == nil { continue }
                out.append(Match(layer: layer.result, biasAdd: nil, norm: bn.result, weight: w, bias: b, normParams: normParams))
            case .add where f.type(of: bn.result).rank == 2:
                // dense: add(matmul(x, w), b) with b of shape [C]
                for (m, b) in [(layer.operands[0], layer.operands[1]), (layer.operands[1], layer.operands[0])] {
                    guard let i = producer[m], f.ops[i].kind == .matmul, f.ops[i].attributes["activation"] == nil,
                          uses[m.raw] == 1, f.type(of: m).rank == 2, f.type(of: b).rank == 1,
                          let w = ownedWeight(f.ops[i].operands[1]), let biasName = ownedWeight(b) else { continue }
                    out.append(Match(layer: m, biasAdd: layer.result, norm: bn.result, weight: w, bias: biasName, normParams: normParams))
                    break
                }
            case .matmul where f.type(of: bn.result).rank == 2 && layer.operands.count == 2 && layer.attributes["activation"] == nil:
                guard let w = ownedWeight(layer.operands[1]) else { continue }
                out.append(Match(layer: layer.result, biasAdd: nil, norm: bn.result, weight: w, bias: nil, normParams: normParams))
            default:
                continue
            }
        }
        return out
    }

    func fold(_ m: Match, in f: Function, _ module: Module, _ context: PassContext) throws(PassError) {
        func index(_ v: ValueID) -> Int? { f.ops.firstIndex { $0.result == v } }
        guard let wp = module.parameter(named: m.weight), let shape = wp.type.staticShape,
              let layerIndex = index(m.layer), let normIndex = index(m.norm) else { return }
        let isConv = f.ops[layerIndex].kind == .conv2d
        let channels = isConv ? shape[0] : shape[shape.count - 1]
        var stats: [[Float]] = []
        for name in m.normParams {
            guard let p = module.parameter(named: name) else { return }
            let v = try context.weights.floats(of: p)
            guard v.count == channels else { return }  // a [1] statistic broadcast: rare, left unfolded
            stats.append(v)
        }
        let eps = f.ops[normIndex].attributes["epsilon"]?.floatValue ?? 1e-5
        // Double arithmetic, one rounding at the end: as close to the unfolded result as f32 allows.
        let s = (0..<channels).map { Double(stats[0][$0]) / (Double(stats[3][$0]) + eps).squareRoot() }
        let w = try context.weights.floats(of: wp)
        let perChannel = w.count / channels
        let scaledW: [Double] = w.indices.map { i in Double(w[i]) * s[isConv ? i / perChannel : i % channels] }
        var b = [Double](repeating: 0, count: channels)
        if let bn = m.bias, let bp = module.parameter(named: bn) {
            let old = try context.weights.floats(of: bp)
            guard old.count == channels else { return }
            b = old.map(Double.init)
        }
        let foldedB = (0..<channels).map { c in (b[c] - Double(stats[2][c])) * s[c] + Double(stats[1][c]) }

        func newParameter(_ base: String, _ values: [Double], _ type: TensorType) -> String {
            var name = base, k = 1
            while module.parameter(named: name) != nil { name = "\(base).\(k)"; k += 1 }
            module.parameters.append(Parameter(name: name, type: type, initializer: context.weights.store(values, name: name, type: type)))
            return name
        }
        let wName = newParameter(m.weight + ".bn", scaledW, wp.type)
        let bName = newParameter(m.weight + ".bn_bias", foldedB, TensorType(.f32, static: [channels]))
        let bv = f.insertParam(module, bName, at: layerIndex)
        let wv = f.insertParam(module, wName, at: layerIndex)  // before the bias read, as a layer reads them
        let layer = layerIndex + 2
        if isConv {
            f.ops[layer].operands = [f.ops[layer].operands[0], wv, bv]
            f.replaceAllUses(of: m.norm, with: m.layer)
        } else {
            f.ops[layer].operands[1] = wv
            if let a = m.biasAdd, let add = index(a) {
                f.ops[add].operands = f.ops[add].operands.map { $0 == m.layer ? m.layer : bv }
                f.replaceAllUses(of: m.norm, with: a)
            } else {
                let sum = f.insert(.add, [m.layer, bv], type: f.type(of: m.layer), at: layer + 1)
                f.replaceAllUses(of: m.norm, with: sum)
            }
        }
    }
}
