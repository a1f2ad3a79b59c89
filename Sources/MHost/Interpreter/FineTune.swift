import Foundation
import MFrontend
import MIR

/// `fineTuneModel(base, data, head = Dense(k), freeze = "backbone", epochs =, lr =, batch_size =)`.
///
/// The head is the layer named `head`, else the model's last layer. With `head =`, a derived model
/// is declared in M (`model Base__tuned1 extends Base { output y; head = Dense(k) }`) so that the
/// front end checks and lowers it like any model; the base's current parameters are copied into
/// it (all but the replaced head's), the `freeze` group gets no gradients, and the model is
/// trained with Adam on `data` (cross-entropy for class labels, MSE for values).
extension Interpreter {
    func fineTune(_ a: Arguments) throws(RunFailure) -> ModelRef {
        let base = try a.model("model", 0)
        let box = try a.dataset("data", 1)
        let epochs = try a.int("epochs") ?? 3
        let lr = try a.double("lr") ?? 1e-3
        let freeze = try a.string("freeze") ?? "backbone"
        guard epochs > 0 else { throw RunFailure("'fineTuneModel': epochs must be positive", at: a.range) }
        let layers = base.model.layers
        guard let headName = layers.contains("head") ? "head" : layers.last else {
            throw RunFailure("fineTuneModel needs a model with named layers; '\(base.name)' has none", at: a.range)
        }
        let groups = ["backbone", "head", "all", "none"] + layers
        guard groups.contains(freeze) else {
            throw RunFailure("no layer group '\(freeze)' to freeze\(didYouMean(freeze, groups)) (groups: \(groups.joined(separator: ", ")))",
                             at: a.value("freeze")?.1 ?? a.range)
        }

        var tuned = base
        if let (headValue, headRange) = a.value("head") {
            guard case .layer(let layer) = headValue else {
                throw RunFailure("'fineTuneModel': head must be a layer like Dense(5), got \(headValue.typeName)", at: headRange)
            }
            tuned = ModelRef(model: try derive(base, replacing: headName, with: layer, at: headRange), context: context)
            let values = try base.parameterValues()
            _ = try tuned.load(parameters: values, skip: { $0.hasPrefix(headName + ".") })
        }

        let headPrefix = headName + "."
        let trainable = tuned.model.module.parameters.map(\.name).filter { !tuned.model.buffers.contains($0) }
        let frozen = trainable.filter { name in
            switch freeze {
            case "none": return false
            case "all": return true
            case "backbone": return !name.hasPrefix(headPrefix)
            case "head": return name.hasPrefix(headPrefix)
            default: return name.hasPrefix(freeze + ".")
            }
        }
        guard frozen.count < trainable.count else {
            throw RunFailure("freeze = \"\(freeze)\" leaves no parameter of '\(tuned.name)' to train", at: a.value("freeze")?.1 ?? a.range)
        }
        tuned.frozen = Set(frozen)

        var settings = OptimizerSettings(kind: .adam, learningRate: lr)
        settings.epsilon = 1e-8
        tuned.optimizer = TrainingOptimizer(settings: settings, model: tuned)
        var dataset = box.dataset
        if let size = try a.int("batch_size") { dataset.batchSize = size }
        if dataset.shuffleSeed == nil { dataset.shuffleSeed = context.seed }
        let loss: LossFunction
        switch dataset.targets {
        case .classes: loss = LossFunction(kind: .crossEntropy(labelSmoothing: 0), name: "CrossEntropyLoss")
        case .values: loss = LossFunction(kind: .mse, name: "MSELoss")
        case .none: throw RunFailure("fineTuneModel needs a data set with targets", at: a.range)
        }
        for epoch in 0..<epochs {
            let batches = dataset.batches(pass: epoch)
            var progress = EpochProgress(epoch: epoch + 1, epochs: epochs, batches: batches.count)
            progress.compileAtStart = context.compiler.compileSeconds
            for (k, b) in batches.enumerated() {
                guard let y = b.y else { continue }
                let value: Float
                do { value = try tuned.trainStep([b.x], target: y, loss: loss) } catch var failure {
                    if failure.range == nil { failure.range = a.range }
                    throw failure
                }
                progress.batchIndex = k + 1
                progress.samples += b.x.shape[0]
                progress.lastLoss = value
                progress.lossSum += Double(value)
                progress.lossCount += 1
                context.progress.batch(progress)
            }
            context.progress.epochDone(progress)
        }
        return tuned
    }

    /// Declares `model <Base>__tunedN extends <Base> { output <out>; <head> = <layer> }` in a
    /// generated module that imports the program, and lowers it.
    private func derive(_ base: ModelRef, replacing head: String, with layer: LayerValue, at range: SourceRange) throws(RunFailure) -> HostModel {
        guard program.isModel(base.name) else {
            throw RunFailure("fineTuneModel with a new head needs a declared model ('model Name ...'); '\(base.name)' is not one", at: range)
        }
        guard let output = base.model.function.results.first?.name, base.model.function.results.count == 1 else {
            throw RunFailure("fineTuneModel replaces the head of a model with one output; '\(base.name)' has \(base.model.function.results.count)", at: range)
        }
        derivedCount += 1
        let name = "\(base.name)__tuned\(derivedCount)"
        let root = URL(fileURLWithPath: program.rootPath).standardizedFileURL.path
        let text = """
        import "\(root)"
        model \(name) extends \(base.name) {
            output \(output)
            \(head) = \(layer.source)
        }

        """
        let path = URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("\(name).m").path
        let diagnostics = DiagnosticEngine()
        let derived = loadHostProgram(SourceFile(path: path, text: text), diagnostics: diagnostics, importer: importer,
                                      options: FrontendOptions(mode: .check, searchPaths: searchPaths))
        guard let model = derived?.model(named: name) else {
            let details = diagnostics.render()
            throw RunFailure("cannot give '\(base.name)' the head \(layer.source):\n\(details.isEmpty ? "(no details)" : details)", at: range)
        }
        return model
    }
}
