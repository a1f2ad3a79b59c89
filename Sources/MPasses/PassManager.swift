import MIR

/// A transformation of one module. Each pass states its contract in its doc comment and
/// must leave the module verifiable.
public protocol ModulePass {
    /// Kebab-case name shared by the CLI (`--print-ir-after=NAME`) and the golden tests.
    static var name: String { get }
    static var summary: String { get }
    init()
    func run(on module: Module) throws(PassError)
}

public struct PassError: Error, Sendable, CustomStringConvertible {
    public var pass: String
    public var message: String
    public init(pass: String, message: String) { self.pass = pass; self.message = message }
    public var description: String { "pass '\(pass)': \(message)" }
}

/// Every pass, by name. The default pipeline is a flat list, like Go's `passes`.
public enum PassRegistry {
    public static let all: [any ModulePass.Type] = [FoldBatchNorm.self, LowerInference.self, FoldConstants.self, SimplifyAlgebra.self,
                                                    CommonSubexpressionElimination.self, DeadCodeElimination.self,
                                                    SimplifyMovement.self, FuseAttention.self, FuseNorm.self, FuseGelu.self,
                                                    FuseEpilogue.self, FuseElementwise.self,
                                                    AutodiffPass.self,
                                                    QuantizeWeightOnly.self, QuantizeDynamic.self, QuantizeStatic.self,
                                                    PruneMagnitude.self, PruneStructured.self, Sparsify.self,
                                                    SelectLayout.self]
    public static let defaultPipeline: [String] = [FoldBatchNorm.name, LowerInference.name, SimplifyMovement.name,
                                                   FoldConstants.name, SimplifyAlgebra.name, CommonSubexpressionElimination.name,
                                                   DeadCodeElimination.name, FuseAttention.name, FuseNorm.name, FuseGelu.name, DeadCodeElimination.name,
                                                   FuseEpilogue.name, DeadCodeElimination.name,
                                                   FuseElementwise.name, DeadCodeElimination.name]

    /// Ordering rules checked by a test, with the reason each holds.
    public static let order: [(before: String, after: String, why: String)] = [
        (FoldBatchNorm.name, LowerInference.name, "lower-inference expands batch_norm into arithmetic that no longer shows the pattern"),
        (LowerInference.name, FoldConstants.name, "the batch_norm expansion computes per-channel factors from parameters, which fold"),
        (FoldConstants.name, SimplifyAlgebra.name, "folded constants expose identities (a splat computed from constants)"),
        (SimplifyAlgebra.name, FuseElementwise.name, "identity ops removed first do not take a slot in a fused loop"),
        (SimplifyAlgebra.name, FuseEpilogue.name, "an identity op between a matmul/conv and its activation hides the epilogue"),
        (LowerInference.name, SimplifyMovement.name, "the batch_norm expansion emits reshapes that later passes simplify"),
        (LowerInference.name, FuseElementwise.name, "the batch_norm expansion is elementwise and fuses"),
        (SimplifyMovement.name, FuseElementwise.name, "dropping identity movement exposes more elementwise chains"),
        (CommonSubexpressionElimination.name, FuseElementwise.name, "fusion needs single-use values; CSE first removes duplicates"),
        (FuseEpilogue.name, FuseElementwise.name, "fuse-elementwise would merge the activation into its user first"),
        (CommonSubexpressionElimination.name, FuseEpilogue.name, "epilogue fusion needs single-use values; CSE first removes duplicates"),
        (CommonSubexpressionElimination.name, FuseNorm.name, "pattern matching needs single-use intermediates; CSE first merges duplicate reads"),
        (FuseNorm.name, FuseElementwise.name, "fuse-elementwise would merge the normalization's elementwise steps into fused ops"),
        (FuseGelu.name, FuseEpilogue.name, "fuse-epilogue folds the gelu ops fuse-gelu makes into the matmul before them (dce between drops the erf chain's reads)"),
        (FuseGelu.name, FuseElementwise.name, "fuse-elementwise would merge GELU's elementwise steps into a fused op"),
        (FuseEpilogue.name, SelectLayout.name, "select-layout keeps a conv's folded activation; its own folding covers only blocked ops"),
        (SelectLayout.name, FuseElementwise.name, "elementwise ops between convs move into the blocked layout before they fuse"),
        (CommonSubexpressionElimination.name, FuseAttention.name, "attention fusion needs single-use scores; CSE first removes duplicates"),
        (SimplifyMovement.name, FuseAttention.name, "merged or dropped transposes leave one perm per attention operand to absorb"),
        (FuseAttention.name, FuseElementwise.name, "fuse-elementwise would merge the scale and mask adds into a fused op the pattern misses"),
        (FuseAttention.name, FuseEpilogue.name, "an epilogue folded into the scores matmul would hide the Q K^T product"),
    ]

    /// Where the driver inserts optimization passes (quantization, pruning): after cleanup,
    /// before fusion hides the bias adds and relus they fold.
    public static func pipeline(inserting optimizations: [String]) -> [String] {
        [SimplifyMovement.name, CommonSubexpressionElimination.name, DeadCodeElimination.name] + optimizations
            + [DeadCodeElimination.name, FuseAttention.name, FuseNorm.name, FuseGelu.name, DeadCodeElimination.name,
               FuseEpilogue.name, DeadCodeElimination.name,
               FuseElementwise.name, DeadCodeElimination.name]
    }

    /// The default pipeline for a target with 16-lane float vectors (AVX-512): convolution
    /// chains run in the blocked layout (select-layout, before fuse-elementwise).
    public static var blockedPipeline: [String] {
        var p = defaultPipeline
        if let i = p.firstIndex(of: FuseElementwise.name) { p.insert(contentsOf: [SelectLayout.name, DeadCodeElimination.name], at: i) }
        return p
    }

    public static func pass(named name: String) -> (any ModulePass.Type)? { all.first { $0.name == name } }
}

/// Runs passes in order, verifying after each one when asked (tests always ask): a
/// verifier failure after a pass is a compiler bug and is reported with the pass's name.
public struct PassManager {
    public var passes: [any ModulePass]
    /// Weights and calibration ranges for passes that rewrite parameters.
    public var context = PassContext()
    public var verifyEach = true
    /// Called with (pass name, module) after each pass, for `--print-ir-after`.
    public var afterPass: ((String, Module) -> Void)?

    public init(pipeline names: [String]) throws(PassError) {
        var passes: [any ModulePass] = []
        for n in names {
            guard let p = PassRegistry.pass(named: n) else {
                let known = PassRegistry.all.map { $0.name }.joined(separator: ", ")
                throw PassError(pass: n, message: "no such pass (known: \(known))")
            }
            passes.append(p.init())
        }
        self.passes = passes
    }

    /// Configured pass instances (e.g. pruning with a sparsity other than the default).
    public init(passes: [any ModulePass]) { self.passes = passes }

    public func run(on module: Module) throws(PassError) {
        for p in passes {
            let name = type(of: p).name
            if let w = p as? any WeightPass { try w.run(on: module, context: context) } else { try p.run(on: module) }
            if verifyEach {
                do { try module.verify() } catch {
                    throw PassError(pass: name, message: "internal error: the module fails verification after this pass:\n\(error)\n\(module.printed())")
                }
            }
            afterPass?(name, module)
        }
    }
}
