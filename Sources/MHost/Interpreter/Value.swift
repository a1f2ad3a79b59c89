import MFrontend
import MIR

/// A host-code value. Mutable runtime objects (model instances, optimizers, data sets that count
/// their passes) are classes behind the enum, so passing them to a func shares them like Python.
public indirect enum Value {
    case none
    case int(Int)
    case float(Double)
    case bool(Bool)
    case string(String)
    case list([Value])
    case tuple([Value])
    case tensor(HostTensor)
    case dataset(DatasetBox)
    case split(SplitBox)
    case batch(Batch)
    /// A declared model type (`Digits`); calling it with no arguments makes an instance.
    case modelType(String)
    case model(ModelRef)
    case parameters(ModelRef)
    case optimizer(TrainingOptimizer)
    case lossFunction(LossFunction)
    /// `model(x)`: computed when read (a training step never needs it on the host).
    case forward(ForwardResult)
    /// `loss_function(outputs, y)`: the loss of one batch, until `backward()` or `item()`.
    case loss(LossResult)
    case metrics(MetricReport)
    case function(String)
    /// A layer written in host code (`Dense(5)` as a fine-tuning head), kept as M source text.
    case layer(LayerValue)
    case engine(EngineBox)

    /// What `type(x)` would say; used in error messages.
    var typeName: String {
        switch self {
        case .none: "None"
        case .int: "Int"
        case .float: "Float"
        case .bool: "Bool"
        case .string: "String"
        case .list: "list"
        case .tuple: "tuple"
        case .tensor, .forward: "Tensor"
        case .dataset: "Dataset"
        case .split: "DatasetSplit"
        case .batch: "Batch"
        case .modelType(let n): "model type '\(n)'"
        case .model(let m): "model '\(m.model.name)'"
        case .parameters: "Parameters"
        case .optimizer: "Optimizer"
        case .lossFunction: "Loss"
        case .loss: "loss tensor"
        case .metrics: "Metrics"
        case .function(let n): "func '\(n)'"
        case .layer(let l): "layer \(l.kind)"
        case .engine: "Engine"
        }
    }
}

/// A data set plus how many times it has been iterated (each pass reshuffles when seeded).
public final class DatasetBox {
    public var dataset: Dataset
    var passes = 0
    init(_ d: Dataset) { dataset = d }
}

/// The parts of a split, each one box, so `data.train` is the same data set (and pass count) every time.
public final class SplitBox {
    let train: DatasetBox, validation: DatasetBox?, test: DatasetBox
    init(_ s: DatasetSplit) { train = DatasetBox(s.train); validation = s.validation.map(DatasetBox.init); test = DatasetBox(s.test) }
    var split: DatasetSplit { DatasetSplit(train: train.dataset, validation: validation?.dataset, test: test.dataset) }
}

public struct LayerValue {
    var kind: String
    var arguments: [(label: String?, value: Value)]

    /// The layer as M source: `Dense(5, activation = "relu")`.
    var source: String {
        let args = arguments.map { ($0.label.map { "\($0) = " } ?? "") + sourceLiteral($0.value) }
        return "\(kind)(\(args.joined(separator: ", ")))"
    }
}

/// A value as an M literal (for synthesized model declarations).
func sourceLiteral(_ v: Value) -> String {
    switch v {
    case .int(let i): return String(i)
    case .float(let d): return "\(d)"
    case .bool(let b): return b ? "true" : "false"
    case .string(let s): return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    case .tuple(let items): return "(" + items.map(sourceLiteral).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
    case .list(let items): return "[" + items.map(sourceLiteral).joined(separator: ", ") + "]"
    default: return "\(v)"
    }
}

public final class EngineBox {
    var model: ModelRef?
    var batchSize = 32
    var threads: Int?
    var profilePath: String?
}

/// A forward pass requested by host code.
public final class ForwardResult {
    let model: ModelRef
    let inputs: [HostTensor]
    private var cached: [HostTensor]?
    init(model: ModelRef, inputs: [HostTensor]) { self.model = model; self.inputs = inputs }

    func outputs() throws(RunFailure) -> [HostTensor] {
        if let cached { return cached }
        let out = try model.run(inputs)
        cached = out
        return out
    }
}

/// The loss of one batch; `value` is set once computed (by backward, a train step or item()).
public final class LossResult {
    let model: ModelRef
    let inputs: [HostTensor]
    let target: HostTensor
    let function: LossFunction
    var value: Float?
    var backwardDone = false
    init(model: ModelRef, inputs: [HostTensor], target: HostTensor, function: LossFunction) {
        self.model = model; self.inputs = inputs; self.target = target; self.function = function
    }
}

/// A failure while running host code; `range` points at the statement or expression.
public struct RunFailure: Error, CustomStringConvertible {
    public var message: String
    public var range: SourceRange?
    public init(_ message: String, at range: SourceRange? = nil) { self.message = message; self.range = range }
    public var description: String { message }
}

extension Value: CustomStringConvertible {
    /// How `print` shows a value (Python-like; metrics as `accuracy: 0.9722`).
    public var description: String {
        switch self {
        case .none: return "None"
        case .int(let i): return String(i)
        case .float(let d): return formatFloatValue(d)
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return s
        case .list(let items): return "[" + items.map(\.quotedDescription).joined(separator: ", ") + "]"
        case .tuple(let items): return "(" + items.map(\.quotedDescription).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .tensor(let t): return tensorDescription(t)
        case .forward(let f): return (try? f.outputs().first.map(tensorDescription)) ?? "Tensor(<not computed>)"
        case .dataset(let d): return "Dataset(\(d.dataset.count) samples, features \(d.dataset.featureShape), batch \(d.dataset.batchSize))"
        case .split(let s):
            return "DatasetSplit(train \(s.train.dataset.count), \(s.validation.map { "validation \($0.dataset.count), " } ?? "")test \(s.test.dataset.count))"
        case .batch(let b): return "Batch(x: \(b.x.shape))"
        case .modelType(let n): return "model \(n)"
        case .model(let m): return "\(m.model.name)()"
        case .parameters(let m): return "parameters of \(m.model.name)"
        case .optimizer(let o): return "\(o.settings.kind)(lr = \(o.settings.learningRate))"
        case .lossFunction(let l): return "\(l.name)()"
        case .loss(let l): return l.value.map { formatFloatValue(Double($0)) } ?? "loss(<not computed>)"
        case .metrics(let m): return m.description
        case .function(let n): return "func \(n)"
        case .layer(let l): return l.source
        case .engine: return "Engine(device = \"CPU\")"
        }
    }

    var quotedDescription: String {
        if case .string(let s) = self { return "\"\(s)\"" }
        return description
    }
}

/// Shortest round-tripping text, like Python's repr (`0.1`, `1e-05`, `3.0`).
func formatFloatValue(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d > 0 ? "inf" : "-inf" }
    return "\(d)"
}

func tensorDescription(_ t: HostTensor) -> String {
    let values: [String]
    switch t.data {
    case .f32(let v): values = v.prefix(8).map { formatFixed(Double($0), digits: 4) }
    case .i64(let v): values = v.prefix(8).map { String($0) }
    }
    let more = t.data.count > 8 ? ", ..." : ""
    return "Tensor(shape \(t.shape), [\(values.joined(separator: ", "))\(more)])"
}
