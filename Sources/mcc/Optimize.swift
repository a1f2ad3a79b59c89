import ArgumentParser
import Foundation
import MCodegenLLVM
import MHost
import MIR
import MPasses

enum QuantizeMode: String, ExpressibleByArgument, CaseIterable {
    case int8, int8Dynamic = "int8-dynamic", int8Weight = "int8-weight"
    var pass: String {
        switch self {
        case .int8: QuantizeStatic.name
        case .int8Dynamic: QuantizeDynamic.name
        case .int8Weight: QuantizeWeightOnly.name
        }
    }
}

/// How calibration turns observed values into a range: the extremes, or the given percentile
/// of each tail (`percentile:99.99` clips the 0.01% most extreme values on each side).
enum CalibrationMethod: Equatable {
    case minMax
    case percentile(Double)
    init(parsing text: String) throws {
        if text == "minmax" { self = .minMax; return }
        guard text.hasPrefix("percentile:"), let p = Double(text.dropFirst("percentile:".count)), p > 50, p <= 100 else {
            throw ValidationError("--calibration must be 'minmax' or 'percentile:P' with 50 < P <= 100, got '\(text)'")
        }
        self = .percentile(p)
    }
}

/// `--quantize`, `--prune`, `--calibrate`, `--report`, `--eval`: model optimizations run as MIR
/// passes between cleanup and fusion (PassRegistry.pipeline(inserting:)), pruning first.
struct OptimizeOptions: ParsableArguments {
    @Option(help: "Quantize: int8 (static; needs --calibrate), int8-dynamic (Dense/MatMul), int8-weight (weight storage only).")
    var quantize: QuantizeMode?
    @Option(help: "Calibration inputs for --quantize int8: a .npy array of model inputs (leading dim = samples).")
    var calibrate: String?
    @Option(help: "Calibration range: minmax (default) or percentile:P, e.g. percentile:99.99.")
    var calibration: String = "minmax"
    @Option(help: "Prune this fraction of each layer's weights by magnitude, e.g. 0.5.") var prune: Double?
    @Flag(help: "With --prune: rank weights across all layers instead of per layer.") var pruneGlobal = false
    @Flag(help: "With --prune: remove whole Dense neurons / conv output channels (smallest L1 norm) and shrink the consumers.")
    var pruneStructured = false
    @Flag(help: "With --prune: keep every pruned weight in the dense kernels (no sparse_matmul even where it is faster).")
    var pruneDense = false
    @Option(help: "Write the optimization report (sizes, parameter counts, --eval results) as JSON here.") var report: String?
    @Option(help: "Evaluate before/after on a .npz with inputs x and integer labels y (accuracy and latency).") var eval: String?
    @Option(help: "Batch size for --calibrate and --eval runs.") var evalBatch = 8

    var requested: Bool { quantize != nil || prune != nil }

    func validate() throws {
        if quantize == .int8 && calibrate == nil { throw ValidationError("--quantize int8 needs calibration data: --calibrate data.npy") }
        // (--calibrate alone may serve an M file's declared pipeline; Compile checks it is used.)
        if calibrate != nil, let q = quantize, q != .int8 { throw ValidationError("--calibrate is only used by --quantize int8") }
        _ = try CalibrationMethod(parsing: calibration)
        if let p = prune, !(p >= 0 && p < 1) { throw ValidationError("--prune must be in [0, 1), got \(p)") }
        if (pruneGlobal || pruneStructured || pruneDense) && prune == nil {
            throw ValidationError("--prune-global/--prune-structured/--prune-dense need --prune")
        }
        guard evalBatch >= 1 else { throw ValidationError("--eval-batch must be positive") }
    }

}

/// Parameter size and count of a module (what `--report` compares).
struct ModelSize: Codable {
    var parameterBytes: Int
    var parameters: Int
    init(_ module: Module) {
        var bytes = 0, count = 0
        for p in module.parameters {
            let n = p.type.staticShape?.reduce(1, *) ?? 0
            count += n; bytes += n * p.type.dtype.byteSize
        }
        parameterBytes = bytes; parameters = count
    }
}

/// The driver's weights for passes: reads what the parameter store materializes, writes new
/// data into it under a key the rewritten parameter refers to (`.external`).
final class DriverWeights: WeightStore {
    let store: ParameterStore
    init(_ store: ParameterStore) { self.store = store }
    func floats(of p: Parameter) throws(PassError) -> [Float] {
        do { return try store.floats(for: p) } catch { throw PassError(pass: "weights", message: "\(error)") }
    }
    func store(_ values: [Double], name: String, type: TensorType) -> Initializer {
        let key = "mcc.optimized/\(name)"
        store.external[key] = packValues(values, as: type.dtype)
        return .external(key: key)
    }
}

/// Runs the float model over calibration inputs and returns each layer input's range.
func calibrate(_ module: Module, function name: String, store: ParameterStore, target: TargetOptions,
               data: HostTensor, method: CalibrationMethod, batch: Int) throws -> ActivationRanges {
    guard let f = module.function(named: name) else { return [:] }
    let points = QuantizeStatic.calibrationPoints(f, module)
    guard !points.isEmpty else { return [:] }
    // An instrumented copy whose extra outputs are the observed values.
    let copy = try parseModule(text: module.printed(), path: "<calibration>")
    guard let g = copy.function(named: name) else { return [:] }
    let original = g.results.count
    for (i, p) in points.enumerated() { g.results.append(FunctionOutput(name: "mcc_observe_\(i)", value: g.ops[p.op].operands[0])) }
    try copy.verify()
    let work = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: work) }
    try buildLibrary(copy, store: store, target: target, model: name, output: work + "/libcalibrate.so", work: work)
    let runner = try openBuiltModel(work + "/libcalibrate.so")
    let samples = data.shape.first ?? 0
    var lo = [Float](repeating: .infinity, count: points.count), hi = [Float](repeating: -.infinity, count: points.count)
    var kept = [[Float]](repeating: [], count: points.count)
    for start in stride(from: 0, to: samples, by: batch) {
        let outs = try runner(data.rows(start..<min(start + batch, samples)))
        for i in points.indices {
            let v = outs[original + i].values
            for x in v { lo[i] = min(lo[i], x); hi[i] = max(hi[i], x) }
            // Percentiles from an even subsample (at most ~200k values per batch and tensor).
            if case .percentile = method { kept[i] += stride(from: 0, to: v.count, by: max(1, v.count / 200_000)).map { v[$0] } }
        }
    }
    var ranges: [Int: ClosedRange<Float>] = [:]
    for (i, p) in points.enumerated() where lo[i] <= hi[i] {
        switch method {
        case .minMax: ranges[p.value.raw] = lo[i]...hi[i]
        case .percentile(let q):
            let sorted = kept[i].sorted()
            let at = { (f: Double) in sorted[min(sorted.count - 1, max(0, Int((f / 100 * Double(sorted.count - 1)).rounded())))] }
            ranges[p.value.raw] = at(100 - q)...at(q)
        }
    }
    return [name: ranges]
}

/// Compiles `module` to a shared library (the same path as `mcc -o lib.so`).
func buildLibrary(_ module: Module, store: ParameterStore, target: TargetOptions, model: String?, output: String, work: String) throws {
    var options = CodegenOptions()
    options.target = target
    options.defaultModel = model
    options.compilerVersion = MCC.version
    let codegen = try LLVMCodegen(module: module, options: options, parameterData: store.bytes(for:))
    try codegen.optimize()
    try codegen.emit(.object, to: work + "/model.o")
    let linker = try SharedLibraryLinker.locate(executable: CommandLine.arguments[0])
    try linker.link(object: work + "/model.o", output: output, workDirectory: work)
}

/// What `--report` prints and writes: each optimization's effect on size, and `--eval` results.
struct OptimizationReport: Codable {
    struct Step: Codable {
        var optimization: String
        var before: ModelSize
        var after: ModelSize
        /// sparsify: the weights now run by the sparse kernel (the others stayed dense).
        var sparseLayers: [String]? = nil
    }
    struct Evaluation: Codable {
        var samples: Int
        var batch: Int
        var accuracyBefore: Double
        var accuracyAfter: Double
        var top1Agreement: Double
        var latencyMsPerBatchBefore: Double
        var latencyMsPerBatchAfter: Double
    }
    var model: String
    /// "flags", or where the M file declares the pipeline.
    var source: String
    var steps: [Step] = []
    var fineTune: FineTuneResult?
    var evaluation: Evaluation?

    var text: String {
        var out = "mcc: optimization report for \(model) (pipeline from \(source))\n"
        for s in steps {
            out += String(format: "mcc:   %-22@ parameters %10d -> %10d   bytes %11d -> %11d (%.2fx smaller)\n",
                          s.optimization as NSString, s.before.parameters, s.after.parameters, s.before.parameterBytes,
                          s.after.parameterBytes, Double(s.before.parameterBytes) / Double(max(s.after.parameterBytes, 1)))
            if let sparse = s.sparseLayers {
                out += "mcc:     sparse kernel for: \(sparse.isEmpty ? "none (no weight below the density crossover)" : sparse.joined(separator: ", "))\n"
            }
        }
        if let f = fineTune {
            out += String(format: "mcc:   finetune %d epochs on %d samples (lr %g, batch %d): loss %.4f -> %.4f; accuracy on the %@ set: %.4f before pruning, %.4f after pruning, %.4f after fine-tuning\n",
                          f.epochs, f.samples, f.learningRate, f.batch, f.lossFirstEpoch, f.lossLastEpoch, f.accuracyData as NSString,
                          f.accuracyBeforePruning, f.accuracyAfterPruning, f.accuracyAfterFinetune)
        }
        if let e = evaluation {
            out += String(format: "mcc:   eval on %d samples (batch %d): accuracy %.4f -> %.4f, top-1 agreement %.4f, latency %.3f -> %.3f ms/batch (%.2fx)\n",
                          e.samples, e.batch, e.accuracyBefore, e.accuracyAfter, e.top1Agreement, e.latencyMsPerBatchBefore,
                          e.latencyMsPerBatchAfter, e.latencyMsPerBatchBefore / max(e.latencyMsPerBatchAfter, 1e-9))
        }
        return out
    }
}

/// Top-1 predictions and the fastest of the timed passes over `data` (after a warm-up pass). The
/// timed passes call the model on prepared inputs and read no outputs.
func evaluate(_ runner: ModelInstance, _ data: HostTensor, batch: Int) throws -> (top1: [Int], msPerBatch: Double) {
    let samples = data.shape.first ?? 0
    let batches = stride(from: 0, to: samples, by: batch).map { data.rows($0..<min($0 + batch, samples)) }
    let top1 = try runner.top1(data, batch: batch)
    let prepared = batches.map { PreparedInputs([$0]) }
    var best = Double.infinity
    // At least 3 passes and 0.2 s: a pass over a tiny model takes microseconds, and the
    // fastest of only 3 of those is mostly scheduling noise on a shared machine.
    let began = DispatchTime.now().uptimeNanoseconds
    var passes = 0
    while passes < 3 || DispatchTime.now().uptimeNanoseconds - began < 200_000_000 && passes < 10_000 {
        let start = DispatchTime.now().uptimeNanoseconds
        for b in prepared { try runner.run(prepared: b) }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(max(batches.count, 1)))
        passes += 1
    }
    return (top1, best)
}
