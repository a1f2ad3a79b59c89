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
