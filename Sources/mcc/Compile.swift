import ArgumentParser
import Foundation
import MCodegenLLVM
import MHost
import MInterop
import MIR
import MPasses

enum EmitKind: String, ExpressibleByArgument, CaseIterable {
    case mir, mirOpt = "mir-opt", llvm, asm, obj, so, onnx
}

/// `mcc FILE -o OUT`: the whole pipeline, stopping at the stage `--emit` names.
struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Compile an M (or MIR) file (the default command).")

    @Argument(help: "Input file: an M source (.m), MIR text (.mir) or an ONNX model (.onnx).") var input: String
    @Option(name: .shortAndLong, help: "Output path ('-' for stdout). Default: lib<name>.so for --emit=so, stdout for text stages, <name>.o/.s otherwise.")
    var output: String?
    @Option(help: "Stage to emit: \(EmitKind.allCases.map(\.rawValue).joined(separator: ", ")).") var emit: EmitKind = .so
    @Option(help: "Model that mcc_model_create(NULL, ...) instantiates (default: the last one declared).") var model: String?
    @Option(help: "Target CPU for codegen (default: the host's, e.g. 'znver4'; 'x86-64' for portable code).") var targetCpu: String?
    @Option(help: "Target features, e.g. '+avx2,-avx512f' (default: the host's when --target-cpu is not given).") var targetFeatures: String?
    @Option(help: "Comma-separated MIR passes to run instead of the default pipeline (\(PassRegistry.defaultPipeline.joined(separator: ","))).")
    var passes: String?
    @Option(help: "Print the MIR to stderr after the named pass.") var printIrAfter: String?
    @Option(help: "Also write the model parameters to this safetensors file.") var saveWeights: String?
    @Flag(help: "Print the time each stage takes.") var timeStages = false
    @Flag(help: "Print the static memory plan (workspace with and without buffer reuse) and parameter size.") var stats = false
    @OptionGroup var extras: LibraryExtras  // --emit-bindings, --emit-pkgconfig, --emit-cmake
    @Flag(help: "Keep convolutions in NCHW (im2col + GEMM) on AVX-512 targets instead of the blocked NCHW16c layout.")
    var noSelectLayout = false
    @OptionGroup var optimizations: OptimizeOptions  // --quantize, --prune, --calibrate, --report, --eval
    @OptionGroup var fineTuning: FineTuneOptions  // --init-weights, --finetune
    @Flag(help: "ONNX: make every input dim symbolic (tests dynamic-shape support).") var forceDynamic = false
    @Option(help: "Add <model>.train and <model>.loss with this loss: cross_entropy[:smoothing], bce, bce_logits, mse, l1, huber[:delta]; append ',sum' to sum instead of averaging.")
    var trainLoss: String?
    @Option(help: "With --train-loss: do not train parameters under this layer-name prefix (repeatable).") var freeze: [String] = []
    @Flag(help: .hidden) var trainInputGrads = false

    func validate() throws {
        if let out = output, out != "-" {
            let dir = URL(fileURLWithPath: out).deletingLastPathComponent().path
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("cannot write '\(out)': directory '\(dir)' does not exist")
            }
            guard FileManager.default.isWritableFile(atPath: dir) else {
                throw ValidationError("cannot write '\(out)': directory '\(dir)' is not writable")
            }
        }
        if let m = model, m.isEmpty { throw ValidationError("--model needs a model name") }
        try extras.check(emit: emit)
        if let spec = trainLoss, LossSpec(parsing: spec) == nil {
            throw ValidationError("--train-loss: '\(spec)' is not one of cross_entropy[:smoothing], bce, bce_logits, mse, l1, huber[:delta] (optionally followed by ',sum' or ',mean')")
        }
        if !freeze.isEmpty && trainLoss == nil { throw ValidationError("--freeze needs --train-loss") }
        if optimizations.requested && passes != nil { throw ValidationError("--passes cannot be combined with --quantize or --prune") }
        if fineTuning.finetune != nil && optimizations.prune == nil { throw ValidationError("--finetune retrains a pruned model: it needs --prune") }
        if optimizations.eval != nil && emit != .so { throw ValidationError("--eval needs --emit=so (it loads the library)") }
    }

    func run() throws {
        var clock = StageClock(enabled: timeStages)
        let loaded = try loadModule(path: input, forceDynamic: forceDynamic, training: trainLoss != nil)
        let module = loaded.module
        if let path = fineTuning.initWeights {
            do { try applyInitialWeights(path, to: module) } catch { printError("\(error)"); throw ExitCode(1) }
        }
        clock.lap("front end")
        let stem = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        if let m = model, module.function(named: m) == nil {
            printError("--model: no model named '\(m)' (models: \(module.functions.map(\.name).joined(separator: ", ")))")
            throw ExitCode(1)
        }
        // The model mcc_model_create(NULL) instantiates: training functions are appended after
        // their forward function, which stays the default.
        var defaultModel = model
        if let spec = trainLoss.flatMap(LossSpec.init(parsing:)) {
            guard let forward = model ?? module.functions.last?.name else { printError("--train-loss: the module has no model"); throw ExitCode(1) }
            let frozen = freeze
            do {
                try addTrainingFunctions(to: module, forward: forward, loss: spec, isTrainable: { name in
                    !frozen.contains { p in name == p || name.hasPrefix(p.hasSuffix(".") ? p : p + ".") }
                }, inputGradients: trainInputGrads)
            } catch { printError("--train-loss: \(error)"); throw ExitCode(1) }
            defaultModel = forward
            clock.lap("training functions")
        }
        if emit == .mir { return try write(module.printed(), default: "-") }

        let store = ParameterStore()
        store.external = loaded.parameterData
        let modelName = defaultModel ?? module.functions.last?.name ?? stem
        // --eval compares against the float model as mcc compiles it without optimizations.
        let floatModule = optimizations.eval == nil ? nil : try parseModule(text: module.printed(), path: input)
        // Flags win; without them an M file's declared `Optimizer` pipeline applies.
        var plan = optimizations.plan
        if !plan.requested && passes == nil && input.hasSuffix(".m"), let source = FileManager.default.contents(atPath: input) {
            do {
                if let declared = try declaredPipeline(path: input, source: [UInt8](source), calibrate: optimizations.calibrate) {
                    plan = declared
                }
            } catch { FileHandle.standardError.write(Data("\(error)\n".utf8)); throw ExitCode(1) }
        }
        if plan.calibrate != nil && plan.quantize != .int8 {
            printError("--calibrate is only used by --quantize int8 (or an M pipeline's Quantization(scope = 'global'))"); throw ExitCode(1)
        }
        if (optimizations.report != nil || optimizations.eval != nil) && !plan.requested {
            printError("--report and --eval need --quantize or --prune (or an optimize pipeline in the M file)"); throw ExitCode(1)
        }
        var report = OptimizationReport(model: modelName, source: plan.source)
        do {
            let pipeline = passes.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            if plan.requested {
                (report.steps, report.fineTune) = try runOptimizations(module, store: store, model: modelName, plan: plan)
            } else {
                // `--passes` may name weight passes too; they read the driver's weights.
                // AVX-512 targets run conv chains in the blocked layout (select-layout); training
                // builds keep NCHW, which their backward ops read, and ONNX export and
                // --save-weights keep the weights as the model declares them.
                // The same builds may fold parameters into each other (fold-batch-norm) and treat
                // them as constants: nothing trains or exports them as the model declares them.
                let frozen = trainLoss == nil && emit != .onnx && saveWeights == nil
                    && !module.functions.contains { $0.name.hasSuffix(".train") }  // hand-written training functions
                let blocked = target.hasAVX512 && frozen && !noSelectLayout
                var manager = try PassManager(pipeline: pipeline ?? (blocked ? PassRegistry.blockedPipeline : PassRegistry.defaultPipeline))
                manager.context = PassContext(weights: DriverWeights(store), frozenParameters: frozen)
                try runPasses(manager, module)
            }
        } catch let e as ExitCode { throw e } catch { printError("\(error)"); throw ExitCode(1) }
        clock.lap("passes")
        if emit == .mirOpt {
            if plan.requested { try finish(report) }
            return try write(module.printed(), default: "-")
        }

        if let path = saveWeights {
            do {
                let tensors = try module.parameters.map { p in (name: p.name, shape: p.type.staticShape ?? [], values: try store.floats(for: p)) }
                try SafetensorsFile.write(tensors, to: path)
            } catch { printError("\(error)"); throw ExitCode(1) }
        }
        if emit == .onnx { return try writeONNX(module, function: defaultModel, store: store, default: stem + ".onnx") }
        var options = CodegenOptions()
        options.target = target
        options.defaultModel = defaultModel
        options.compilerVersion = MCC.version
        do {
            let codegen = try LLVMCodegen(module: module, options: options, parameterData: store.bytes(for:))
            clock.lap("lowering to LLVM")
            if stats { printStats(codegen) }
            try codegen.optimize()
            clock.lap("LLVM O3")
            switch emit {
            case .mir, .mirOpt, .onnx: break
            case .llvm: try write(codegen.llvmIR(), default: "-")
            case .asm: try codegen.emit(.assembly, to: outputPath(default: stem + ".s"))
            case .obj: try codegen.emit(.object, to: outputPath(default: stem + ".o"))
            case .so:
                let out = outputPath(default: "lib\(stem).so")
                let work = try makeTemporaryDirectory()
                defer { try? FileManager.default.removeItem(atPath: work) }
                try codegen.emit(.object, to: work + "/model.o")
                clock.lap("machine code")
                let linker = try SharedLibraryLinker.locate(executable: CommandLine.arguments[0])
                try linker.link(object: work + "/model.o", output: out, workDirectory: work)
                clock.lap("link")
                try extras.write(module: module, library: out, input: input, defaultModel: defaultModel)
                if let floatModule, let evalPath = optimizations.eval {
                    report.evaluation = try evaluateBeforeAfter(floatModule, store: store, library: out, data: evalPath, model: modelName)
                    clock.lap("eval")
                }
            }
        } catch let error as CodegenError {
            printError("\(error)"); throw ExitCode(1)
        } catch let error as RunnerError {
            printError("\(error)"); throw ExitCode(1)
        }
        if plan.requested { try finish(report) }
    }

    /// Prints the optimization report and writes it as JSON with `--report`.
    func finish(_ report: OptimizationReport) throws {
        FileHandle.standardError.write(Data(report.text.utf8))
        guard let path = optimizations.report else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(report), FileManager.default.createFile(atPath: path, contents: data) else {
            printError("cannot write the report '\(path)'"); throw ExitCode(1)
        }
    }

    func runPasses(_ manager: PassManager, _ module: Module) throws {
        var manager = manager
        if let after = printIrAfter {
            manager.afterPass = { name, m in
                if name == after { FileHandle.standardError.write(Data("// after \(name)\n\(m.printed())".utf8)) }
            }
        }
        try manager.run(on: module)
    }

    /// Cleanup, pruning, (calibration,) quantization, then fusion; one report step per optimization.
    func runOptimizations(_ module: Module, store: ParameterStore, model: String,
                          plan: OptimizationPlan) throws -> ([OptimizationReport.Step], FineTuneResult?) {
        let weights = DriverWeights(store)
        let cleanup = PassRegistry.pipeline(inserting: []).prefix(3).map { PassRegistry.pass(named: $0)!.init() }
        try runPasses(PassManager(passes: cleanup), module)
        let unpruned = fineTuning.finetune == nil ? nil : try parseModule(text: module.printed(), path: "<unpruned>")
        var steps: [OptimizationReport.Step] = []
        func step(_ pass: any ModulePass, ranges: ActivationRanges = [:]) throws {
            let before = ModelSize(module)
            var manager = PassManager(passes: [pass, DeadCodeElimination()])
            manager.context = PassContext(weights: weights, ranges: ranges)
            try runPasses(manager, module)
            steps.append(.init(optimization: type(of: pass).name, before: before, after: ModelSize(module),
                               sparseLayers: pass is Sparsify ? module.sparseLayers : nil))
        }
        for p in plan.pruningPasses { try step(p) }
        // Retraining comes before quantization: calibration then sees the retrained activations.
        var tuned: FineTuneResult?
        if let unpruned {
            tuned = try fineTune(module, unpruned: unpruned, model: model, store: store, target: target, options: fineTuning,
                                 evalPath: optimizations.eval, evalBatch: optimizations.evalBatch)
        }
        if let mode = plan.quantize, let pass = PassRegistry.pass(named: mode.pass) {
            var ranges: ActivationRanges = [:]
            if mode == .int8, let path = plan.calibrate {
                let data = try readNPYFile(path)
                ranges = try calibrate(module, function: model, store: store, target: target, data: data,
                                       method: try CalibrationMethod(parsing: plan.calibration), batch: optimizations.evalBatch)
            }
            try step(pass.init(), ranges: ranges)
        }
        try runPasses(PassManager(passes: [FuseElementwise(), DeadCodeElimination()]), module)
        return (steps, tuned)
    }

    var target: TargetOptions { TargetOptions(cpu: targetCpu, features: targetFeatures) }

    /// Builds the float model next to the optimized library and runs both on the eval set.
    func evaluateBeforeAfter(_ floatModule: Module, store: ParameterStore, library: String, data path: String,
                             model: String) throws -> OptimizationReport.Evaluation {
        let arrays = try readNPZFile(path)
        guard let x = arrays["x"], let y = arrays["y"] else { throw RunnerError.data("\(path) needs arrays x and y") }
        try PassManager(pipeline: PassRegistry.defaultPipeline).run(on: floatModule)
        let work = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try buildLibrary(floatModule, store: store, target: target, model: self.model, output: work + "/libfloat.so", work: work)
        let batch = optimizations.evalBatch
        let (before, msBefore) = try evaluate(try openBuiltModel(work + "/libfloat.so"), x, batch: batch)
        let (after, msAfter) = try evaluate(try openBuiltModel(library), x, batch: batch)
        let labels = y.values.map { Int($0) }
        let n = min(labels.count, before.count)
        func accuracy(_ p: [Int]) -> Double { Double((0..<n).filter { p[$0] == labels[$0] }.count) / Double(max(n, 1)) }
        return .init(samples: n, batch: batch, accuracyBefore: accuracy(before), accuracyAfter: accuracy(after),
                     top1Agreement: Double((0..<n).filter { before[$0] == after[$0] }.count) / Double(max(n, 1)),
                     latencyMsPerBatchBefore: msBefore, latencyMsPerBatchAfter: msAfter)
    }

    /// `--emit=onnx`: the model (`--model`, default the last) with its parameters as an ONNX file.
    func writeONNX(_ module: Module, function model: String?, store: ParameterStore, default name: String) throws {
        let bytes: [UInt8]
        do {
            bytes = try exportONNX(module, function: model, parameterData: store.bytes(for:), producerVersion: MCC.version)
        } catch { printError("\(error)"); throw ExitCode(1) }
        let path = outputPath(default: name)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            printError("cannot write '\(path)'"); throw ExitCode(1)
        }
    }

    func printStats(_ codegen: LLVMCodegen) {
        var out = "mcc: parameters: \(codegen.parameterBytes) bytes\n"
        for p in codegen.memoryPlans {
            // Evaluate symbolic sizes at 1 (per unit of each symbol, e.g. per batch row).
            let env = Dictionary(uniqueKeysWithValues: Set(p.plannedBytes.symbols + p.unplannedBytes.symbols).map { ($0, 1) })
            let planned = p.plannedBytes.evaluate(env).map(String.init) ?? "?"
            let naive = p.unplannedBytes.evaluate(env).map(String.init) ?? "?"
            out += "mcc: model \(p.model): \(p.buffers) intermediate tensors in \(p.slots) buffers; workspace \(p.plannedBytes) bytes"
            out += " (\(planned) at every symbol = 1; \(naive) without reuse)\n"
        }
        FileHandle.standardError.write(Data(out.utf8))
    }

    func outputPath(default name: String) -> String {
        guard let output, output != "-" else { return name }
        return output
    }

    func write(_ text: String, default name: String) throws {
        let path = output ?? name
        if path == "-" { FileHandle.standardOutput.write(Data(text.utf8)); return }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            printError("cannot write '\(path)'"); throw ExitCode(1)
        }
    }
}

func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "mcc-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
        printError("cannot create a temporary directory: \(error)"); throw ExitCode(1)
    }
    return path
}

/// Prints per-stage wall time with `--time-stages`.
struct StageClock {
    let enabled: Bool
    var last = Date()
    mutating func lap(_ stage: String) {
        guard enabled else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "mcc: %-18@ %7.1f ms\n", stage as NSString, now.timeIntervalSince(last) * 1000).utf8))
        last = now
    }
}
