import Foundation
import MFrontend
import MIR
import MPasses

/// The optimization steps a compile runs: from the CLI flags, or from the `Optimizer` pipeline
/// an M file declares (the paper's `Optimizer().add(Pruning(...)).add(Quantization(...))
/// .optimize(model, order = ..., goal = ...)`). Either way it runs in the same fixed order:
/// pruning, then quantization.
struct OptimizationPlan {
    var quantize: QuantizeMode?
    var calibrate: String?
    var calibration = "minmax"
    var prune: Double?
    var pruneGlobal = false
    var pruneStructured = false
    /// Unstructured pruning keeps the dense kernels everywhere (no sparsify).
    var pruneDense = false
    /// Where the plan came from, for the report ("flags" or the M statement's location).
    var source = "flags"

    var requested: Bool { quantize != nil || prune != nil }

    var pruningPasses: [any ModulePass] {
        guard let p = prune else { return [] }
        if pruneStructured { return [PruneStructured(sparsity: p)] }
        // Unstructured zeros only save time through the sparse kernel, used where it wins; int8
        // quantization needs the dense matmul, so a quantized build keeps the pruned weights dense.
        return [PruneMagnitude(sparsity: p, global: pruneGlobal)] + (quantize == nil && !pruneDense ? [Sparsify()] : [])
    }
}

extension OptimizeOptions {
    var plan: OptimizationPlan {
        OptimizationPlan(quantize: quantize, calibrate: calibrate, calibration: calibration, prune: prune,
                         pruneGlobal: pruneGlobal, pruneStructured: pruneStructured, pruneDense: pruneDense)
    }
}

/// A declared step mcc cannot run (other bit widths, non-linear quantization, random pruning).
struct DeclaredPipelineError: Error, CustomStringConvertible {
    var location: SourceLocation
    var message: String
    var description: String { "\(location): error: \(message)" }
}

/// Reads the pipeline of the first `o.optimize(...)` whose `o = Optimizer()` gets its steps from
/// top-level `o.add(Pruning(...))` / `o.add(Quantization(...))` statements; nil when the file
/// declares none. The file was already checked, so argument types are right; values mcc cannot
/// honour are errors rather than silently different results.
func declaredPipeline(path: String, source: [UInt8], calibrate: String?) throws(DeclaredPipelineError) -> OptimizationPlan? {
    let unit = parseSource(SourceFile(path: path, bytes: source), diagnostics: DiagnosticEngine())
    var optimizers = Set<String>()
    var steps: [String: [(name: String, args: [Argument], at: SourceRange)]] = [:]
    var optimize: (optimizer: String, args: [Argument], at: SourceRange)?
    func call(_ e: Expr) -> (callee: Expr, args: [Argument])? {
        if case .call(let callee, let args) = e.kind { return (callee, args) }
        return nil
    }
    func method(_ e: Expr) -> (base: String, name: String, args: [Argument])? {
        guard let (callee, args) = call(e), case .member(let base, let name) = callee.kind,
              case .identifier(let b) = base.kind else { return nil }
        return (b, name.name, args)
    }
    for s in unit.statements {
        var value: Expr?
        switch s.kind {
        case .assign(let targets, let v):
            if targets.count == 1, case .identifier(let name) = targets[0].kind, let (callee, args) = call(v),
               case .identifier("Optimizer") = callee.kind, args.isEmpty { optimizers.insert(name) }
            value = v
        case .expression(let e): value = e
        default: break
        }
        guard let value, let m = method(value), optimizers.contains(m.base) else { continue }
        if m.name == "add", let step = m.args.first.flatMap({ call($0.value) }), case .identifier(let kind) = step.callee.kind {
            steps[m.base, default: []].append((kind, step.args, value.range))
        } else if m.name == "optimize", optimize == nil {
            optimize = (m.base, m.args, value.range)
        }
    }
    guard let optimize else { return nil }
    func text(_ args: [Argument], _ label: String) -> String? {
        guard let a = args.first(where: { $0.label?.name == label }) else { return nil }
        switch a.value.kind {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .float(let f): return String(f)
        default: return nil
        }
    }
    var plan = OptimizationPlan(calibrate: calibrate, source: "\(optimize.at.start)")
    let goal = text(optimize.args, "goal") ?? "speed"
    for step in steps[optimize.optimizer] ?? [] {
        let fail = { (m: String) in DeclaredPipelineError(location: step.at.start, message: m) }
        switch step.name {
        case "Pruning":
            let strategy = text(step.args, "strategy") ?? "magnitude", target = text(step.args, "target") ?? "weights"
            guard strategy != "random" else { throw fail("mcc prunes by magnitude or structure, not 'random'") }
            guard let p = text(step.args, "percentage").flatMap(Double.init), p >= 0, p < 1 else {
                throw fail("Pruning needs a percentage in [0, 1) given as a literal")
            }
            plan.prune = p
            plan.pruneStructured = strategy == "structured" || ["neurons", "kernels", "filters"].contains(target)
            plan.pruneGlobal = !plan.pruneStructured && text(step.args, "scope") == "global"
        case "Quantization":
            guard text(step.args, "bits") == "8" else { throw fail("mcc quantizes to 8 bits only") }
            guard (text(step.args, "method") ?? "linear") == "linear" else { throw fail("mcc quantizes linearly only") }
            let scope = text(step.args, "scope") ?? "global"
            // Weights only, or a memory goal: int8 storage. Otherwise integer kernels: static with
            // --calibrate data, dynamic (Dense/MatMul) without.
            plan.quantize = scope == "weights" || goal == "memory" ? .int8Weight : (calibrate != nil ? .int8 : .int8Dynamic)
        default: continue  // Fusion: mcc always fuses
        }
    }
    return plan
}
