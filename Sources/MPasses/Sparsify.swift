import MIR

/// sparsify: replaces `matmul(x, param W)` by `sparse_matmul` over W's nonzeros (column-
/// compressed, see MIR's SparseShapes.swift) when W's density (nonzeros / elements) is at most
/// `maxDensity`, the measured point below which the sparse kernel beats the dense BLAS one
/// (docs/quantization.md, pruning section). Run after prune-magnitude; other weights stay dense.
/// Requires: a verified module, before fuse-epilogue (a matmul with a fused activation is kept).
/// Ensures: each rewritten layer reads `<W>.values` f32[nnz], `<W>.rows` i32[nnz] and
/// `<W>.col_ptr` i32[n + 1] (nnz >= 1: an all-zero W keeps one unreferenced 0, so no tensor is
/// empty); W itself is left for `dce`.
public struct Sparsify: WeightPass {
    public static let name = "sparsify"
    public static let summary = "Run matmuls by sparse enough weights as CSR sparse_matmul"
    /// The measured crossover on AVX-512, worst case over batch 1 and 32 and 1-2 threads: batch 1
    /// (call-overhead-bound, noisy) wins up to ~0.1 and is unsure at 0.2; batch 32 wins up to
    /// ~0.3 (docs/quantization.md). Unsure = dense, so 0.1: `--prune 0.9` and up go sparse.
    public static let defaultMaxDensity = 0.1
    public var maxDensity: Double
    public init() { self.init(maxDensity: Sparsify.defaultMaxDensity) }
    public init(maxDensity: Double) { self.maxDensity = maxDensity }

    public func run(on module: Module, context: PassContext) throws(PassError) {
        for f in module.functions {
            let producer = f.producers()
            // Last first: the parameters inserted before op i leave earlier indices valid.
            for i in f.ops.indices.reversed() {
                let op = f.ops[i]
                guard op.kind == .matmul, op.operands.count == 2, op.attributes.isEmpty, let j = producer[op.operands[1]], f.ops[j].kind == .param,
                      let name = f.ops[j].attributes["name"]?.stringValue, let p = module.parameter(named: name),
                      p.type.dtype == .f32, let shape = p.type.staticShape, shape.count == 2,
                      f.type(of: op.operands[0]).shape.last?.constantValue == shape[0] else { continue }
                let w = try context.weights.floats(of: p)
                let (k, n) = (shape[0], shape[1])
                let nnz = w.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
                guard Double(nnz) <= maxDensity * Double(w.count) else { continue }
                var values: [Double] = [], rows: [Double] = [], colPtr: [Double] = [0]
                for c in 0..<n {
                    for r in 0..<k where w[r * n + c] != 0 { values.append(Double(w[r * n + c])); rows.append(Double(r)) }
                    colPtr.append(Double(values.count))
                }
                if values.isEmpty { values = [0]; rows = [0] }
                func add(_ suffix: String, _ data: [Double], _ type: TensorType) -> String {
                    module.addParameter(name + suffix, type: type, initializer: context.weights.store(data, name: name + suffix, type: type))
                }
                let names = [add(".values", values, TensorType(.f32, static: [values.count])),
                             add(".rows", rows, TensorType(.i32, static: [rows.count])),
                             add(".col_ptr", colPtr, TensorType(.i32, static: [n + 1]))]
                var operands = [op.operands[0]]
                for (t, s) in names.enumerated() { operands.append(f.insertParam(module, s, at: i + t)) }
                let at = i + names.count
                do {
                    let type = try OpKind.sparseMatmul.inferResultType(operands: operands.map(f.type(of:)), attributes: [:])
                    guard type == f.type(of: op.result) else { throw ShapeError("\(type) differs from the matmul's \(f.type(of: op.result))") }
                } catch { throw PassError(pass: Self.name, message: "cannot sparsify the matmul by '\(name)': \(error)") }
                f.ops[at] = Operation(kind: .sparseMatmul, operands: operands, attributes: [:], result: op.result, location: op.location)
            }
        }
    }
}

extension Module {
    /// The weights (by their dense parameter's name) that sparse_matmul ops run as CSR.
    public var sparseLayers: [String] {
        var out: [String] = []
        for f in functions {
            let producer = f.producers()
            for op in f.ops where op.kind == .sparseMatmul {
                if let j = producer[op.operands[1]], let v = f.ops[j].attributes["name"]?.stringValue, v.hasSuffix(".values") {
                    out.append(String(v.dropLast(".values".count)))
                }
            }
        }
        return out
    }
}
