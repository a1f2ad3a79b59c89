import ArgumentParser
import Foundation
import MCodegenLLVM
import MHost
import MInterop
import MIR
import MPasses

/// `--init-weights`, `--finetune`: start the optimizations from trained weights, and retrain
/// the pruned model before quantization (structured pruning changes predictions a lot, and
/// only retraining brings the accuracy back).
struct FineTuneOptions: ParsableArguments {
    @Option(help: "Start from these weights: a safetensors file holding every trainable parameter by name (e.g. a checkpoint from mcc_model_save_checkpoint).")
    var initWeights: String?
    @Option(help: "After pruning, retrain the pruned model on this .npz (inputs x, integer labels y) with cross-entropy, through the training C ABI.")
    var finetune: String?
    @Option(help: "Epochs of --finetune.") var finetuneEpochs = 10
    @Option(help: "Peak learning rate of --finetune (Adam, cosine decay to 0).") var finetuneLr = 1e-3
    @Option(help: "Batch size of --finetune.") var finetuneBatch = 32
    @Option(help: "Seed of --finetune's shuffling.") var finetuneSeed: UInt64 = 42

    func validate() throws {
        guard finetuneEpochs >= 1 else { throw ValidationError("--finetune-epochs must be positive") }
        guard finetuneLr > 0 else { throw ValidationError("--finetune-lr must be positive") }
        guard finetuneBatch >= 1 else { throw ValidationError("--finetune-batch must be positive") }
    }
}

enum FineTuneError: Error, CustomStringConvertible {
    case weights(String)
    case data(String)
    var description: String {
        switch self {
        case .weights(let m): return "--init-weights: \(m)"
        case .data(let m): return "--finetune: \(m)"
        }
    }
}

/// Points every parameter the file holds at it (checked by shape now, so a wrong file fails
/// before any pass runs). Every trainable parameter must be there; compiler constants and
/// BatchNorm statistics may be missing (checkpoints leave constants out).
func applyInitialWeights(_ path: String, to module: Module) throws(FineTuneError) {
    let file: SafetensorsFile
    do { file = try SafetensorsFile(path: path) } catch { throw .weights("\(error)") }
    for i in module.parameters.indices {
        let p = module.parameters[i]
        guard let entry = file.entries[p.name] else {
            if TrainingRoles.mayTrain(p) { throw .weights("\(path) has no tensor '\(p.name)'") }
            continue
        }
        guard let shape = p.type.staticShape, entry.shape == shape else {
            throw .weights("tensor '\(p.name)' is \(entry.shape) in \(path), but the model declares \(p.type)")
        }
        module.parameters[i].initializer = .safetensors(path: path, key: p.name)
    }
}

/// What `--finetune` did, for the report. Accuracies are on `accuracyData` (the `--eval` set
/// when given, else the fine-tuning set itself).
struct FineTuneResult: Codable {
    var samples: Int
    var epochs: Int
    var learningRate: Double
    var batch: Int
    var seed: UInt64
    var accuracyData: String
    var accuracyBeforePruning: Double
    var accuracyAfterPruning: Double
    var accuracyAfterFinetune: Double
    var lossFirstEpoch: Double
    var lossLastEpoch: Double
}

/// A labelled data set read from `.npz` arrays `x` and `y`.
struct LabelledData {
    var x: HostTensor
    var y: [Int64]
    init(path: String) throws(FineTuneError) {
        let arrays: [String: HostTensor]
        do { arrays = try readNPZFile(path) } catch { throw .data("\(error)") }
        guard let x = arrays["x"], let y = arrays["y"] else { throw .data("\(path) needs arrays x and y") }
        guard y.values.count == x.shape.first else { throw .data("\(path): \(y.values.count) labels for \(x.shape.first ?? 0) inputs") }
        self.x = x
        self.y = y.values.map { Int64($0) }
    }

    func accuracy(_ predicted: [Int]) -> Double {
        let n = min(predicted.count, y.count)
        return Double((0..<n).filter { Int64(predicted[$0]) == y[$0] }.count) / Double(max(n, 1))
    }
}

/// SplitMix64: a small seeded generator, so a fine-tuning run is reproducible everywhere.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Retrains `module` (pruned, still float) on the data: a copy with `<F>.train` is compiled,
/// trained through the C ABI, and its final parameters replace the module's (as driver data,
/// `.external`). `unpruned` is the model before pruning, measured for the report.
func fineTune(_ module: Module, unpruned: Module, model: String, store: ParameterStore, target: TargetOptions,
              options: FineTuneOptions, evalPath: String?, evalBatch: Int) throws -> FineTuneResult {
    guard let path = options.finetune else { throw FineTuneError.data("no data") }
    let train = try LabelledData(path: path)
    let measured = try evalPath.map { p throws(FineTuneError) in try LabelledData(path: p) } ?? train
    let work = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: work) }

    // Before pruning: the float model as compiled without optimizations.
    try PassManager(pipeline: PassRegistry.defaultPipeline).run(on: unpruned)
    try buildLibrary(unpruned, store: store, target: target, model: model, output: work + "/libunpruned.so", work: work)
    let (unprunedTop1, _) = try evaluate(try openBuiltModel(work + "/libunpruned.so"), measured.x, batch: evalBatch)

    let trainable = try parseModule(text: module.printed(), path: "<finetune>")
    do { try addTrainingFunctions(to: trainable, forward: model, loss: LossSpec(parsing: "cross_entropy")!) } catch {
        throw FineTuneError.data("cannot add training functions to '\(model)': \(error)")
    }
    try PassManager(pipeline: PassRegistry.defaultPipeline).run(on: trainable)
    try buildLibrary(trainable, store: store, target: target, model: model, output: work + "/libfinetune.so", work: work)
    let session = try openBuiltModel(work + "/libfinetune.so", model: model)
    let accuracyAfterPruning = measured.accuracy(try session.top1(measured.x, batch: evalBatch))

    let samples = train.y.count, batch = options.finetuneBatch
    let stepsPerEpoch = (samples + batch - 1) / batch
    try session.useAdam(learningRate: options.finetuneLr, totalSteps: stepsPerEpoch * options.finetuneEpochs, seed: options.finetuneSeed)
    var rng = SplitMix64(state: options.finetuneSeed)
    var order = Array(0..<samples)
    let per = train.x.shape.dropFirst().reduce(1, *)
    var epochLoss: [Double] = []
    for _ in 0..<options.finetuneEpochs {
        order.shuffle(using: &rng)
        var total = 0.0
        for start in stride(from: 0, to: samples, by: batch) {
            let rows = order[start..<min(start + batch, samples)]
            var values: [Float] = []
            values.reserveCapacity(rows.count * per)
            for r in rows { values += train.x.values[(r * per)..<((r + 1) * per)] }
            let x = HostTensor(values: values, shape: [rows.count] + train.x.shape.dropFirst())
            total += Double(try session.step(x, labels: rows.map { train.y[$0] })) * Double(rows.count)
        }
        epochLoss.append(total / Double(max(samples, 1)))
    }
    let accuracyAfterFinetune = measured.accuracy(try session.top1(measured.x, batch: evalBatch))

    // Read the trained parameters back through a checkpoint and hand them to the driver's store.
    let checkpoint = work + "/finetuned.safetensors"
    do { try session.saveCheckpoint(checkpoint) } catch { throw FineTuneError.data(error.message) }
    let file = try SafetensorsFile(path: checkpoint)
    for i in module.parameters.indices {
        let p = module.parameters[i]
        guard file.entries[p.name] != nil, p.type.dtype == .f32, let shape = p.type.staticShape else { continue }
        let key = "mcc.finetuned/\(p.name)"
        store.external[key] = packValues(try file.floats(p.name, shape: shape).map(Double.init), as: .f32)
        module.parameters[i].initializer = .external(key: key)
    }
    return FineTuneResult(samples: samples, epochs: options.finetuneEpochs, learningRate: options.finetuneLr, batch: batch,
                          seed: options.finetuneSeed, accuracyData: evalPath == nil ? "finetune" : "eval",
                          accuracyBeforePruning: measured.accuracy(unprunedTop1), accuracyAfterPruning: accuracyAfterPruning,
                          accuracyAfterFinetune: accuracyAfterFinetune, lossFirstEpoch: epochLoss.first ?? 0,
                          lossLastEpoch: epochLoss.last ?? 0)
}
