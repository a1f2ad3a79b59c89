import Foundation
import MFrontend
import MIR

/// Methods of the runtime objects: data sets, models, optimizers, losses, tensors, engines.
extension Interpreter {
    func method(_ receiver: Value, _ name: Identifier, _ a: Arguments) throws(RunFailure) -> Value {
        switch (receiver, name.name) {
        // data sets
        case (.dataset(let d), "split"):
            let seed = try a.int("seed", 1).map { UInt64(truncatingIfNeeded: $0) } ?? context.seed
            let train = try a.double("train", 0) ?? 0.8, validation = try a.double("validation") ?? 0, shuffle = try a.bool("shuffle") ?? true
            return .split(SplitBox(try data { () throws(DataError) in
                try d.dataset.split(train: train, validation: validation, seed: seed, shuffle: shuffle)
            }))
        case (.dataset(let d), "batch"):
            guard let size = try a.int("size", 0), size > 0 else { throw RunFailure("batch size must be a positive Int", at: a.range) }
            var copy = d.dataset
            copy.batchSize = size
            return .dataset(DatasetBox(copy))
        case (.dataset(let d), "shuffle"):
            var copy = d.dataset
            copy.shuffleSeed = try a.int("seed", 0).map { UInt64(truncatingIfNeeded: $0) } ?? context.seed
            return .dataset(DatasetBox(copy))
        case (.dataset(let d), "normalize"):
            let (mean, std): ([Float], [Float])
            if let m = try a.double("mean", 0) {
                mean = [Float(m)]; std = [Float(try a.double("std", 1) ?? 1)]
            } else {
                (mean, std) = d.dataset.featureStatistics()
            }
            return .dataset(DatasetBox(try data { () throws(DataError) in try d.dataset.normalized(mean: mean, std: std) }))
        case (.dataset(let d), "filter"):
            let labels = try a.ints("labels", 0) ?? []
            return .dataset(DatasetBox(try data { () throws(DataError) in try d.dataset.filtered(classes: labels) }))
        case (.dataset(let d), "windows"):
            let size = try a.int("size", 0) ?? 1, horizon = try a.int("horizon", 1) ?? 1
            return .dataset(DatasetBox(try data { () throws(DataError) in try d.dataset.windows(size: size, horizon: horizon) }))
        case (.split(let s), "normalize"):
            return .split(SplitBox(try data { () throws(DataError) in try s.split.standardized() }))

        // models
        case (.model(let m), "parameters"): return .parameters(m)
        case (.model(let m), "save"):
            try m.saveCheckpoint(a.string("path", 0) ?? "")
            return .none
        case (.model(let m), "load"):
            try m.loadCheckpoint(resolvePath(a.string("path", 0) ?? ""))
            return .none
        case (.model(let m), "summary"):
            let params = m.model.module.parameters.filter { !m.model.buffers.contains($0.name) }
            let count = params.reduce(0) { $0 + ($1.type.staticShape ?? []).reduce(1, *) }
            return .string("model \(m.name): \(m.model.layers.joined(separator: ", ")); \(count) trainable parameters")
        case (.model, "eval"), (.model, "train"):
            // Which compiled function runs decides the mode: forward is inference, a training step trains.
            return .none

        // training
        case (.optimizer(let o), "zero_grad"):
            try o.model.zeroGrad()
            return .none
        case (.optimizer(let o), "step"):
            try o.model.optimizerStep()
            return .none
        case (.loss(let l), "backward"):
            guard l.model.optimizer != nil else {
                throw RunFailure("model '\(l.model.name)' has no optimizer: create one with Adam(model.parameters(), lr = ...) first", at: a.range)
            }
            let value = try l.model.backward(l.inputs, target: l.target, loss: l.function)
            l.value = value
            l.backwardDone = true
            stepLosses.append(value)
            return .none
        case (.loss(let l), "item"):
            if let v = l.value { return .float(Double(v)) }
            let v = try l.model.lossValue(l.inputs, target: l.target, loss: l.function)
            l.value = v
            return .float(Double(v))
        case (_, "argmax"):
            guard let t = try tensor(receiver) else { break }
            let k = t.shape.last ?? 1
            return .tensor(HostTensor(shape: Array(t.shape.dropLast()), data: .i64(Metrics.argmax(t.floats, classes: k).map(Int64.init))))
        case (_, "item"):
            guard let t = try tensor(receiver), t.data.count == 1 else { break }
            return .float(Double(t.floats[0]))

        // engine
        case (.engine(let e), "load_model"):
            e.model = try a.model("model", 0)
            return .none
        case (.engine(let e), "set_batch_size"):
            e.batchSize = try a.int("size", 0) ?? 32
            return .none
        case (.engine(let e), "set_num_threads"):
            let n = try a.int("count", 0) ?? 1
            e.threads = n
            if let i = try e.model?.inferenceInstance() { do { try i.setThreads(n) } catch { throw RunFailure(error.message) } }
            return .none
        case (.engine(let e), "enable_profiling"):
            e.profilePath = try a.string("path", 0) ?? ""
            if let i = try e.model?.inferenceInstance() { do { try i.enableProfiling(true) } catch { throw RunFailure(error.message) } }
            return .none
        case (.engine(let e), "run"):
            return try engineRun(e, a)
        case (.engine(let e), "save_model"):
            guard let m = e.model else { throw RunFailure("engine.save_model: load a model first (engine.load_model(net))", at: a.range) }
            try context.compiler.export(m.model, parameters: m.parameterValues(), to: a.string("path", 0) ?? "")
            return .none
        default: break
        }
        throw RunFailure("\(receiver.typeName) has no method '\(name.name)'", at: name.range)
    }

    private func engineRun(_ e: EngineBox, _ a: Arguments) throws(RunFailure) -> Value {
        guard let m = e.model else { throw RunFailure("engine.run: load a model first (engine.load_model(net))", at: a.range) }
        guard case .dataset(let d)? = a.value("data", 0)?.0 else {
            if let t = try a.value("data", 0).flatMap({ (v, _) throws(RunFailure) in try tensor(v) }) {
                return .tensor(try m.run([t])[0])
            }
            throw RunFailure("engine.run takes a Dataset or a tensor", at: a.range)
        }
        var ds = d.dataset
        ds.batchSize = e.batchSize
        ds.shuffleSeed = nil
        var values: [Float] = []
        var shape: [Int] = []
        for b in ds.batches(pass: 0) {
            let out = try m.run([b.x])[0]
            values += out.floats
            shape = out.shape
        }
        if let p = e.profilePath {
            let i = try m.inferenceInstance()
            do { try i.writeProfile(p) } catch { throw RunFailure(error.message) }
        }
        guard !shape.isEmpty else { throw RunFailure("engine.run: the data set is empty", at: a.range) }
        shape[0] = ds.count
        return .tensor(HostTensor(shape: shape, data: .f32(values)))
    }

    // MARK: evaluation

    /// Runs the model over `data` in inference mode and computes the metrics (default: accuracy for
    /// class labels, mse for values).
    func evaluateModel(_ m: ModelRef, _ data: Dataset, metrics names: [String]?, at range: SourceRange) throws(RunFailure) -> MetricReport {
        var ds = data
        ds.shuffleSeed = nil
        let isClassification: Bool
        switch ds.targets {
        case .classes: isClassification = true
        case .values: isClassification = false
        case .none: throw RunFailure("evaluate needs a data set with targets (load it with label = \"column\")", at: range)
        }
        let requested = names ?? [isClassification ? "accuracy" : "mse"]
        var metrics: [Metric] = []
        for n in requested {
            guard let metric = Metric(rawValue: n) else {
                throw RunFailure("unknown metric '\(n)'\(didYouMean(n, Metric.allCases.map(\.rawValue)))", at: range)
            }
            if metric.isClassification && !isClassification {
                throw RunFailure("metric '\(n)' needs class labels, but the targets are values (use mse, mae or r2)", at: range)
            }
            metrics.append(metric)
        }
        var outputs: [Float] = []
        var width = 1
        var lossSum = 0.0
        let wantsLoss = metrics.contains(.loss)
        // The loss the model was trained with, else the usual one for the targets.
        let lossFunction = m.trainedWithLoss ?? (isClassification ? LossFunction(kind: .crossEntropy(labelSmoothing: 0), name: "CrossEntropyLoss")
                                                                  : LossFunction(kind: .mse, name: "MSELoss"))
        for b in ds.batches(pass: 0) {
            let out = try m.run([b.x])[0]
            width = out.shape.count > 1 ? out.shape.dropFirst().reduce(1, *) : 1
            outputs += out.floats
            if wantsLoss, let y = b.y {
                let t = try m.adaptTarget(y, for: lossFunction, batch: b.x.shape[0])
                lossSum += Double(hostLoss(out, t, lossFunction)) * Double(b.x.shape[0])
            }
        }
        var report = MetricReport(values: [])
        switch ds.targets {
        case .classes(let labels):
            // One output is a binary classifier: a logit (BCELoss(from_logits = true)) or a probability.
            let binary = width == 1
            if let bad = labels.first(where: { $0 >= max(width, binary ? 2 : 0) }) {
                throw RunFailure("class label \(bad) does not fit model '\(m.name)', whose output has \(width) classes", at: range)
            }
            let threshold: Float = m.trainedWithLoss?.kind == .binaryCrossEntropy(fromLogits: true) ? 0 : 0.5
            let predicted = binary ? outputs.map { $0 > threshold ? 1 : 0 } : Metrics.argmax(outputs, classes: width)
            let macro = Metrics.macro(predicted: predicted, labels: labels)
            for metric in metrics {
                switch metric {
                case .accuracy: report.values.append(("accuracy", Metrics.accuracy(predicted: predicted, labels: labels)))
                case .precision: report.values.append(("precision", macro.precision))
                case .recall: report.values.append(("recall", macro.recall))
                case .f1: report.values.append(("f1", macro.f1))
                case .loss: report.values.append(("loss", lossSum / Double(max(ds.count, 1))))
                case .mse, .mae, .r2:
                    throw RunFailure("metric '\(metric.rawValue)' needs value targets, but the data set has class labels", at: range)
                }
            }
        case .values(let targets, _):
            guard targets.count == outputs.count else {
                throw RunFailure("model '\(m.name)' gives \(outputs.count / max(ds.count, 1)) values per sample, the targets have \(targets.count / max(ds.count, 1))", at: range)
            }
            for metric in metrics {
                report.values.append((metric.rawValue, try regression(metric, outputs, targets, lossSum / Double(max(ds.count, 1)), at: range)))
            }
        case .none: break
        }
        return report
    }

    private func regression(_ metric: Metric, _ predicted: [Float], _ targets: [Float], _ loss: Double, at range: SourceRange) throws(RunFailure) -> Double {
        switch metric {
        case .mse: return Metrics.mse(predicted, targets)
        case .mae: return Metrics.mae(predicted, targets)
        case .r2: return Metrics.r2(predicted, targets)
        case .loss: return loss
        default: throw RunFailure("metric '\(metric.rawValue)' needs class labels", at: range)
        }
    }

    /// The last-value forecast of a windowed series: predicts each target as the window's last value.
    func naiveForecast(_ data: Dataset, metrics names: [String]?, at range: SourceRange) throws(RunFailure) -> MetricReport {
        guard case .values(let targets, let shape) = data.targets, shape.reduce(1, *) == 1, data.featureCount >= 1 else {
            throw RunFailure("naive_forecast needs a windowed series (series.windows(size = n)) with one target per window", at: range)
        }
        let n = data.featureCount
        let predicted = (0..<data.count).map { data.features[$0 * n + n - 1] }
        var report = MetricReport(values: [])
        for name in names ?? ["mse"] {
            guard let metric = Metric(rawValue: name), !metric.isClassification, metric != .loss else {
                throw RunFailure("naive_forecast computes mse, mae or r2, not '\(name)'", at: range)
            }
            report.values.append((name, try regression(metric, predicted, targets, 0, at: range)))
        }
        return report
    }
}

extension ModelRef {
    var trainedWithLoss: LossFunction? { trainedWith }
}
