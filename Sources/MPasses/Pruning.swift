import MIR

/// prune-magnitude: unstructured magnitude pruning of the matmul / conv2d weight parameters:
/// the `sparsity` fraction of weights with the smallest |w| become 0, ranked per layer or,
/// with `global`, across all layers together (layers with small weights lose more). Kernels
/// stay dense: the zeros cut the compressed size and prepare for sparse kernels, not run time.
/// Requires: a verified module. Ensures: each pruned parameter has at least the asked
/// fraction of zeros (ties at the threshold are pruned too).
public struct PruneMagnitude: WeightPass {
    public static let name = "prune-magnitude"
    public static let summary = "Zero the smallest-magnitude weights (unstructured)"
    public var sparsity: Double
    public var global: Bool
    public init() { self.init(sparsity: 0.5, global: false) }
    public init(sparsity: Double, global: Bool) { self.sparsity = sparsity; self.global = global }

    public func run(on module: Module, context: PassContext) throws(PassError) {
        guard sparsity > 0 else { return }
        guard sparsity < 1 else { throw PassError(pass: Self.name, message: "sparsity must be in [0, 1), got \(sparsity)") }
        var names: [String] = []
        for f in module.functions { for layer in Layers.find(f, module) where !names.contains(layer.weight) { names.append(layer.weight) } }
        var weights: [String: [Float]] = [:]
        for n in names { if let p = module.parameter(named: n) { weights[n] = try context.weights.floats(of: p) } }
        func threshold(_ values: [Float]) -> Float {
            let sorted = values.map(abs).sorted()
            let cut = Int((Double(sorted.count) * sparsity).rounded(.up))
            return cut == 0 ? -1 : sorted[min(cut, sorted.count) - 1]
        }
        let globalCut = global ? threshold(names.flatMap { weights[$0] ?? [] }) : 0
        for (i, p) in module.parameters.enumerated() {
            guard let w = weights[p.name] else { continue }
            let cut = global ? globalCut : threshold(w)
            let pruned = w.map { abs($0) <= cut ? 0 : Double($0) }
            module.parameters[i].initializer = context.weights.store(pruned, name: p.name, type: p.type)
        }
    }
}

/// prune-structured: removes whole Dense neurons (weight columns) and conv output channels,
/// the `sparsity` fraction with the smallest L1 norm, from every layer whose value feeds only
/// the next layer's matmul / conv2d (through its bias, relu and, for convs, pooling), and drops the matching input
/// rows / channels of that consumer. Both layers become smaller dense layers, so the saving is
/// real time, not zeros. Layers feeding anything else (a residual add, a model output) keep
/// their width. Requires: a verified module, before fuse-elementwise. Ensures: rewritten
/// layers read `.pruned` parameters; the old ops and parameters are left for `dce`.
public struct PruneStructured: WeightPass {
    public static let name = "prune-structured"
    public static let summary = "Remove the lowest-L1 neurons / channels and shrink their consumers"
    public var sparsity: Double
    public init() { self.init(sparsity: 0.5) }
    public init(sparsity: Double) { self.sparsity = sparsity }

    public func run(on module: Module, context: PassContext) throws(PassError) {
        guard sparsity > 0 else { return }
        guard sparsity < 1 else { throw PassError(pass: Self.name, message: "sparsity must be in [0, 1), got \(sparsity)") }
        for f in module.functions {
            // Shrunk producers are not shrunk again; their consumers may in turn be producers.
            var done = Set<String>()
            while let (producer, consumer, pools) = nextPair(f, module, skip: done) {
                done.insert(try shrink(producer, consumer, pools: pools, in: f, module, context))
                try DeadCodeElimination().run(on: module)
            }
        }
    }

    /// A layer whose value is read only by another layer's matmul / conv2d input (for convs,
    /// possibly through single-use pooling ops, returned in order).
    func nextPair(_ f: Function, _ module: Module, skip: Set<String>) -> (Layer, Layer, pools: [Int])? {
        let layers = Layers.find(f, module)
        let uses = f.useCounts()
        var paramUses: [String: Int] = [:]
        for op in f.ops where op.kind == .param { if let n = op.attributes["name"]?.stringValue { paramUses[n, default: 0] += 1 } }
        var users: [ValueID: Int] = [:]
        for (i, op) in f.ops.enumerated() { for v in op.operands { users[v] = i } }
        for l in layers where !skip.contains(l.weight) && paramUses[l.weight] == 1 {
            var value = f.ops[l.last].result
            // Pooling keeps channels apart, so a conv's channels may be pruned through it.
            var pools: [Int] = []
            while l.isConv, uses[value.raw] == 1, let u = users[value], [.maxPool2d, .avgPool2d].contains(f.ops[u].kind) {
                pools.append(u); value = f.ops[u].result
            }
            guard uses[value.raw] == 1, let c = layers.first(where: { f.ops[$0.anchor].operands[0] == value }),
                  c.isConv == l.isConv, paramUses[c.weight] == 1, c.weight != l.weight else { continue }
            return (l, c, pools)
        }
        return nil
    }

    /// Returns the producer's new weight name.
    func shrink(_ l: Layer, _ c: Layer, pools: [Int], in f: Function, _ module: Module, _ context: PassContext) throws(PassError) -> String {
        guard let wp = module.parameter(named: l.weight), let cp = module.parameter(named: c.weight),
              let ws = wp.type.staticShape, let cs = cp.type.staticShape else { return l.weight }
        let w = try context.weights.floats(of: wp), cw = try context.weights.floats(of: cp)
        let n = l.isConv ? ws[0] : ws[1]
        let per = w.count / n
        // L1 norm per output channel; keep the largest, in their original order.
        var norms = [Float](repeating: 0, count: n)
        for (i, v) in w.enumerated() { norms[l.isConv ? i / per : i % n] += abs(v) }
        let keepCount = max(1, Int((Double(n) * (1 - sparsity)).rounded()))
        guard keepCount < n else { return l.weight }
        let keep = Array((0..<n).sorted { norms[$0] > norms[$1] }.prefix(keepCount)).sorted()
        func add(_ base: String, _ values: [Float], _ shape: [Int]) -> String {
            let t = TensorType(.f32, static: shape)
            return module.addParameter(base + ".pruned", type: t, initializer: context.weights.store(values.map(Double.init), name: base + ".pruned", type: t))
        }
        // Producer weight: conv [oc, ...] keeps rows; matmul [k, n] keeps columns.
        var newW: [Float] = []
        if l.isConv { for o in keep { newW += w[(o * per)..<(o * per + per)] } }
        else { for r in 0..<ws[0] { for j in keep { newW.append(w[r * n + j]) } } }
        let wName = add(l.weight, newW, l.isConv ? [keepCount] + ws.dropFirst() : [ws[0], keepCount])
        // Consumer weight: conv [oc2, n, kh, kw] keeps input channels; matmul [n, m] keeps rows.
        let newC: [Float]
        if c.isConv {
            let (oc2, kk) = (cs[0], cs[2] * cs[3])
            var out: [Float] = []
            for o in 0..<oc2 { for ch in keep { let s = (o * n + ch) * kk; out += cw[s..<(s + kk)] } }
            newC = out
        } else {
            var out: [Float] = []
            for r in keep { out += cw[(r * cs[1])..<(r * cs[1] + cs[1])] }
            newC = out
        }
        let cName = add(c.weight, newC, c.isConv ? [cs[0], keepCount, cs[2], cs[3]] : [keepCount, cs[1]])
        var biasName: String?
        if let b = l.bias, let j = f.producers()[b], let bn = f.ops[j].attributes["name"]?.stringValue, let bp = module.parameter(named: bn) {
            let bv = try context.weights.floats(of: bp)
            biasName = add(bn, keep.map { bv[$0] }, [keepCount])
        }
        // Re-emit the producer chain with the narrower type, right after its last op.
        let anchor = f.ops[l.anchor]
        var shape = f.type(of: anchor.result).shape
        shape[l.isConv ? 1 : shape.count - 1] = .constant(keepCount)
        let t = TensorType(.f32, shape)
        var at = l.last + 1
        func emit(_ kind: OpKind, _ operands: [ValueID], _ attrs: Attributes = [:], type: TensorType) -> ValueID {
            defer { at += 1 }
            return f.insert(kind, operands, attributes: attrs, type: type, at: at)
        }
        let wv = emit(.param, [], ["name": .string(wName)], type: TensorType(.f32, static: module.parameter(named: wName)?.type.staticShape ?? []))
        let bv = biasName.map { emit(.param, [], ["name": .string($0)], type: TensorType(.f32, static: [keepCount])) }
        var value: ValueID
        if l.isConv {
            value = emit(.conv2d, [anchor.operands[0], wv] + (bv.map { [$0] } ?? []), anchor.attributes, type: t)
        } else {
            value = emit(.matmul, [anchor.operands[0], wv], type: t)
            if let bv { value = emit(.add, [value, bv], type: t) }
        }
        if l.relu { value = emit(.relu, [value], type: t) }
        for p in pools {
            let pool = f.ops[p + (at - l.last - 1)]  // shifted by the ops inserted so far
            var pooled = f.type(of: pool.result)
            pooled.shape[1] = .constant(keepCount)
            value = emit(pool.kind, [value], pool.attributes, type: pooled)
        }
        let cv = emit(.param, [], ["name": .string(cName)], type: module.parameter(named: cName)?.type ?? cp.type)
        // The consumer (after the inserted ops) reads the narrow value and weight.
        let consumer = c.anchor >= l.last + 1 ? c.anchor + (at - l.last - 1) : c.anchor
        f.ops[consumer].operands[0] = value
        f.ops[consumer].operands[1] = cv
        return wName
    }
}
