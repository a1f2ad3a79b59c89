import MIR

/// dce: removes ops whose results no result depends on, and parameters no function reads.
/// Requires: a verified module. Ensures: every op result is used (transitively by a
/// function result); value numbering is compacted.
public struct DeadCodeElimination: ModulePass {
    public static let name = "dce"
    public static let summary = "Remove ops and parameters that no model output depends on"
    public init() {}

    public func run(on module: Module) throws(PassError) {
        var usedParams = Set<String>()
        for f in module.functions {
            var live = [Bool](repeating: false, count: f.valueCount)
            for r in f.results { live[r.value.raw] = true }
            for op in f.ops.reversed() where live[op.result.raw] {
                for v in op.operands { live[v.raw] = true }
            }
            f.ops.removeAll { !live[$0.result.raw] }
            for op in f.ops where op.kind == .param { if let n = op.attributes["name"]?.stringValue { usedParams.insert(n) } }
            f.compact()
        }
        module.parameters.removeAll { !usedParams.contains($0.name) }
    }
}
