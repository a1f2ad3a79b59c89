import Foundation
import MFrontend
import MIR

/// A loss function object (`CrossEntropyLoss(label_smoothing = 0.1)`).
public struct LossFunction: Hashable {
    public enum Kind: Hashable {
        case crossEntropy(labelSmoothing: Double)
        case binaryCrossEntropy(fromLogits: Bool)
        case mse, l1
        case huber(delta: Double)
    }
    public var kind: Kind
    public var sum = false
    public var name: String

    var wantsClassIndices: Bool { if case .crossEntropy = kind { return true }; return false }
}

/// `Adam(model.parameters(), lr = ...)`: the settings, and the model whose instance applies them.
public final class TrainingOptimizer {
    let settings: OptimizerSettings
    let model: ModelRef
    init(settings: OptimizerSettings, model: ModelRef) { self.settings = settings; self.model = model }
}

/// Settings that every model of one `mcc run` shares.
public final class RunContext {
    public let compiler: ModelCompiler
    public var threads: Int?
    public var seed: UInt64 = 0
    public var profiling = false
    /// Every instance made, for the profile written at the end.
    public internal(set) var instances: [ModelInstance] = []
    let progress: ProgressPrinter

    public init(compiler: ModelCompiler, progress: ProgressPrinter) {
        self.compiler = compiler; self.progress = progress
        progress.compileSeconds = { [unowned compiler] in compiler.compileSeconds }
    }
}

/// A model instance in host code. Its library is compiled on first use: forward only for
/// inference, or with the training functions of the first loss it is trained with. A later
/// library takes over the current parameter values of the earlier one.
public final class ModelRef {
    public let model: HostModel
    let context: RunContext
    private(set) var instance: ModelInstance?
    private(set) var trainedWith: LossFunction?
    /// Parameters that fineTuneModel froze.
    var frozen: Set<String> = []
    var optimizer: TrainingOptimizer?
    private var installedOptimizer: OptimizerSettings?

    init(model: HostModel, context: RunContext) { self.model = model; self.context = context }

    var name: String { model.name }
    var outputWidth: Int? {
        guard let t = model.function.results.first.map({ model.function.type(of: $0.value) }), let last = t.shape.last else { return nil }
        if case .constant(let n) = last { return n }
        return nil
    }

    // MARK: instances

    func inferenceInstance() throws(RunFailure) -> ModelInstance {
        if let instance { return instance }
        return try replaceInstance(with: context.compiler.library(for: model, training: nil))
    }

    func trainingInstance(for loss: LossFunction) throws(RunFailure) -> ModelInstance {
        if let instance, trainedWith == loss { return try withOptimizer(instance) }
        let lib = try context.compiler.library(for: model, training: TrainingRequest(loss: loss, frozen: frozen))
        let made = try replaceInstance(with: lib)
        trainedWith = loss
        installedOptimizer = nil
        return try withOptimizer(made)
    }

    private func withOptimizer(_ i: ModelInstance) throws(RunFailure) -> ModelInstance {
        guard let settings = optimizer?.settings else {
            throw RunFailure("model '\(name)' has no optimizer: create one with Adam(model.parameters(), lr = ...) before training")
        }
        if installedOptimizer != settings {
            do { try i.setOptimizer(settings) } catch { throw RunFailure(error.message) }
            installedOptimizer = settings
        }
        return i
    }

    /// Opens an instance of `library` and moves the current parameter values into it.
    private func replaceInstance(with library: CompiledLibrary) throws(RunFailure) -> ModelInstance {
        do {
            let fresh = try library.makeInstance(model: model.function.name)
            if let threads = context.threads { try fresh.setThreads(threads) }
            if context.profiling { try fresh.enableProfiling(true) }
            if let old = instance { try copyParameters(from: old, to: fresh) }
            if fresh.hasTraining { try fresh.setSeed(context.seed) }
            instance = fresh
            context.instances.append(fresh)
            return fresh
        } catch { throw RunFailure(error.message) }
    }

    /// Copies every parameter of `old` into `fresh` (same model, another library).
    private func copyParameters(from old: ModelInstance, to fresh: ModelInstance) throws(LibraryError) {
        for (k, p) in old.parameters.enumerated() {
            guard let j = fresh.parameters.firstIndex(where: { $0.name == p.name }) else { continue }
            try fresh.setParameter(j, try old.parameter(k))
        }
    }

    /// Current parameter values by name.
    func parameterValues() throws(RunFailure) -> [String: HostTensor] {
        let i = try inferenceInstance()
        var out: [String: HostTensor] = [:]
        do { for (k, p) in i.parameters.enumerated() { out[p.name] = try i.parameter(k) } } catch { throw RunFailure(error.message) }
        return out
    }

    /// Sets the parameters whose names and shapes match (fine-tuning starts from the base model).
    func load(parameters values: [String: HostTensor], skip: (String) -> Bool) throws(RunFailure) -> Int {
        let i = try inferenceInstance()
        var copied = 0
        do {
            for (k, p) in i.parameters.enumerated() where !skip(p.name) {
                guard let v = values[p.name], v.shape == p.dims else { continue }
                try i.setParameter(k, v)
                copied += 1
            }
        } catch { throw RunFailure(error.message) }
        return copied
    }

    // MARK: running

    /// Inputs shaped for the model: a batch's features are reshaped to the input's static dims.
    func adapt(_ inputs: [HostTensor]) throws(RunFailure) -> [HostTensor] {
        let declared = model.function.arguments
        guard inputs.count == declared.count else {
            throw RunFailure("model '\(name)' takes \(declared.count) input\(declared.count == 1 ? "" : "s") (\(declared.map(\.name).joined(separator: ", "))), got \(inputs.count)")
        }
        return try zip(inputs, declared).map { (t, d) throws(RunFailure) in
            let rest = d.type.shape.dropFirst()
            guard t.shape.count >= 1 else { throw RunFailure("model '\(name)' input '\(d.name)' needs a batch dim, got a scalar") }
            let statics = rest.compactMap { dim -> Int? in if case .constant(let n) = dim { return n }; return nil }
            if statics.count == rest.count {
                let per = statics.reduce(1, *)
                let have = t.shape.dropFirst().reduce(1, *)
                guard per == have else {
                    throw RunFailure("data of shape \(Array(t.shape.dropFirst())) per sample does not fit model '\(name)' input '\(d.name)' \(d.type) (\(have) values per sample, the model needs \(per))")
                }
                var r = t
                r.shape = [t.shape[0]] + statics
                return r
            }
            guard t.shape.count == d.type.rank else {
                throw RunFailure("data of rank \(t.shape.count) does not fit model '\(name)' input '\(d.name)' \(d.type)")
            }
            return t
        }
    }

    func run(_ inputs: [HostTensor]) throws(RunFailure) -> [HostTensor] {
        let shaped = try adapt(inputs)
        let i = try inferenceInstance()
        do { return try i.run(shaped) } catch { throw RunFailure(error.message) }
    }

    /// The target as the loss expects it: class indices (i64 [b]) or values shaped like the output.
    func adaptTarget(_ target: HostTensor, for loss: LossFunction, batch: Int) throws(RunFailure) -> HostTensor {
        if loss.wantsClassIndices {
            guard case .i64(let labels) = target.data else {
                throw RunFailure("\(loss.name) needs class labels, but the data set's targets are float values (use MSELoss for regression)")
            }
            if let width = outputWidth, let bad = labels.first(where: { $0 < 0 || $0 >= Int64(width) }) {
                throw RunFailure("class label \(bad) does not fit model '\(name)', whose output has \(width) classes")
            }
            return target
        }
        guard let outType = model.function.results.first.map({ model.function.type(of: $0.value) }) else { return target }
        let per = outType.shape.dropFirst().compactMap { d -> Int? in if case .constant(let n) = d { return n }; return nil }
        var t = HostTensor(shape: target.shape, data: .f32(target.floats))
        if per.count == outType.rank - 1 {
            guard per.reduce(1, *) == target.shape.dropFirst().reduce(1, *) else {
                throw RunFailure("targets of shape \(Array(target.shape.dropFirst())) per sample do not fit model '\(name)' output \(outType)")
            }
            t.shape = [batch] + per
        }
        return t
    }

    func trainStep(_ inputs: [HostTensor], target: HostTensor, loss: LossFunction) throws(RunFailure) -> Float {
        let shaped = try adapt(inputs)
        guard !shaped.isEmpty else { throw RunFailure("model '\(name)' has no inputs to train on") }
        let t = try adaptTarget(target, for: loss, batch: shaped[0].shape[0])
        let i = try trainingInstance(for: loss)
        do { return try i.trainStep(shaped, target: t) } catch { throw RunFailure(error.message) }
    }

    func backward(_ inputs: [HostTensor], target: HostTensor, loss: LossFunction) throws(RunFailure) -> Float {
        let shaped = try adapt(inputs)
        guard !shaped.isEmpty else { throw RunFailure("model '\(name)' has no inputs to train on") }
        let t = try adaptTarget(target, for: loss, batch: shaped[0].shape[0])
        let i = try trainingInstance(for: loss)
        do { return try i.backward(shaped, target: t) } catch { throw RunFailure(error.message) }
    }

    /// Inference-mode loss of one batch.
    func lossValue(_ inputs: [HostTensor], target: HostTensor, loss: LossFunction) throws(RunFailure) -> Float {
        let shaped = try adapt(inputs)
        guard !shaped.isEmpty else { throw RunFailure("model '\(name)' has no inputs") }
        let t = try adaptTarget(target, for: loss, batch: shaped[0].shape[0])
        guard let instance, trainedWith == loss else {
            // Not trained with this loss: compute it on the host from the forward outputs.
            let out = try run(inputs)
            return hostLoss(out[0], t, loss)
        }
        do { return try instance.evaluate(shaped, target: t).loss } catch { throw RunFailure(error.message) }
    }

    func zeroGrad() throws(RunFailure) {
        // Before the first backward there are no gradients to clear.
        guard let instance, trainedWith != nil else { return }
        do { try instance.zeroGrad() } catch { throw RunFailure(error.message) }
    }

    func optimizerStep() throws(RunFailure) {
        guard let instance, let loss = trainedWith else {
            throw RunFailure("optimizer.step() before loss.backward(): there are no gradients yet")
        }
        _ = try trainingInstance(for: loss)
        do { try instance.optimizerStep() } catch { throw RunFailure(error.message) }
    }

    func saveCheckpoint(_ path: String) throws(RunFailure) {
        let i = try inferenceInstance()
        do { try i.saveCheckpoint(path) } catch { throw RunFailure(error.message) }
    }

    /// Restores parameters (and, in a training library, optimizer state and step); the runtime
    /// checks every tensor against the model and names the first mismatch.
    func loadCheckpoint(_ path: String) throws(RunFailure) {
        guard FileManager.default.fileExists(atPath: path) else { throw RunFailure("no such checkpoint: '\(path)'") }
        let i = try inferenceInstance()
        do { try i.loadCheckpoint(path) } catch { throw RunFailure(error.message) }
    }
}

/// A loss computed on the host (a model evaluated before it was trained with this loss).
func hostLoss(_ output: HostTensor, _ target: HostTensor, _ loss: LossFunction) -> Float {
    let y = output.floats
    switch loss.kind {
    case .crossEntropy(let smoothing):
        guard case .i64(let labels) = target.data, !labels.isEmpty else { return .nan }
        let k = y.count / labels.count
        var total = 0.0
        for (r, label) in labels.enumerated() where label >= 0 && Int(label) < k {
            let row = y[(r * k)..<((r + 1) * k)].map(Double.init)
            let m = row.max() ?? 0
            let logZ = log(row.reduce(0) { $0 + exp($1 - m) }) + m
            let nll = logZ - row[Int(label)]
            let uniform = logZ - row.reduce(0, +) / Double(k)
            total += (1 - smoothing) * nll + smoothing * uniform
        }
        return Float(loss.sum ? total : total / Double(labels.count))
    default:
        let t = target.floats
        var total = 0.0
        for (a, b) in zip(y, t) {
            let d = Double(a) - Double(b)
            switch loss.kind {
            case .mse: total += d * d
            case .l1: total += abs(d)
            case .huber(let delta): total += abs(d) <= delta ? 0.5 * d * d : delta * (abs(d) - 0.5 * delta)
            case .binaryCrossEntropy(let logits):
                let p = logits ? 1 / (1 + exp(-Double(a))) : Double(a)
                let q = min(max(p, 1e-7), 1 - 1e-7)
                total += -(Double(b) * log(q) + (1 - Double(b)) * log(1 - q))
            case .crossEntropy: break
            }
        }
        let n = Double(max(t.count, 1))
        return Float(loss.sum ? total : total / n)
    }
}
