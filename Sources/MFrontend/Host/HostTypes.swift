import MIR

/// A model's type: its signature (named, typed inputs and outputs) plus its parameters.
final class ModelType {
    let name: String
    let inputs: [FunctionInput]
    let outputs: [(name: String, type: TensorType)]
    /// Top-level layer names (fineTuneModel's freeze groups) and hyperparameter names (tuning).
    let layers: [String]
    let hyperparameters: [String]
    let parameterCount: Int

    init(name: String, inputs: [FunctionInput], outputs: [(name: String, type: TensorType)], layers: [String],
         hyperparameters: [String], parameterCount: Int) {
        self.name = name; self.inputs = inputs; self.outputs = outputs; self.layers = layers
        self.hyperparameters = hyperparameters; self.parameterCount = parameterCount
    }

    var signature: String {
        let ins = inputs.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
        let outs = outputs.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
        return "(\(ins)) -> (\(outs))"
    }
}

/// Host objects provided by the runtime (their behaviour comes with the training, optimization
/// and deployment issues; the front end checks their use).
enum HostClass: String {
    case dataset = "Dataset", batch = "Batch", datasetSplit = "DatasetSplit"
    case trainingOptimizer = "TrainingOptimizer", lossFunction = "LossFunction", parameters = "Parameters"
    case engine = "Engine", modelOptimizer = "ModelOptimizer", pruning = "Pruning", quantization = "Quantization"
    case fusion = "Fusion", optimizerSpec = "OptimizerSpec", lossSpec = "Loss", metric = "Metric", metrics = "Metrics"
    case distribution = "Distribution"
}

/// A func's type: `(model: Digits, data: Dataset, epochs: Int = 10) -> None`.
struct FunctionType {
    struct Param { var name: String; var type: MType; var hasDefault: Bool }
    var params: [Param]
    var result: MType
}

/// The type of a host-code value.
indirect enum MType {
    case int, float, bool, string, none
    /// A tensor; nil when its shape is known only at run time (a dataset's columns).
    case tensor(TensorType?)
    /// A model value (a model type or an instance: calling either runs forward); nil = any model.
    case model(ModelType?)
    case metamodel(String)
    case function(FunctionType)
    case list(MType)
    case tuple([MType])
    case object(HostClass)
    /// `Model()` in the builder style, with the output type of the layers added so far.
    case builder(TensorType?)
    /// A layer value in host code (`Dense(5)` passed as a fine-tuning head).
    case layer(LayerSpec?)
    /// `defineHyperparamSpace(...)`, with the names it tunes.
    case space([String])
    /// After an error: accepted everywhere, so one mistake is reported once.
    case unknown

    var description: String {
        switch self {
        case .int: return "Int"
        case .float: return "Float"
        case .bool: return "Bool"
        case .string: return "String"
        case .none: return "None"
        case .tensor(let t): return t?.description ?? "Tensor"
        case .model(let m): return m.map { "model '\($0.name)'" } ?? "Model"
        case .metamodel(let n): return "metamodel '\(n)'"
        case .function(let f):
            return "(" + f.params.map { "\($0.type.description)" }.joined(separator: ", ") + ") -> \(f.result.description)"
        case .list(let e): return "[\(e.description)]"
        case .tuple(let items): return "(" + items.map(\.description).joined(separator: ", ") + ")"
        case .object(let c): return c.rawValue
        case .builder: return "Model (builder)"
        case .layer(let l): return l.map { "layer \($0.kind.rawValue)" } ?? "Layer"
        case .space: return "HyperparamSpace"
        case .unknown: return "<error>"
        }
    }

    var isUnknown: Bool { if case .unknown = self { return true }; return false }

    var isNumeric: Bool {
        switch self {
        case .int, .float, .unknown: return true
        default: return false
        }
    }

    /// Whether a value of type `actual` may be passed or assigned where `self` is expected.
    func accepts(_ actual: MType) -> Bool {
        switch (self, actual) {
        case (.unknown, _), (_, .unknown): return true
        case (.int, .int), (.float, .float), (.float, .int), (.bool, .bool), (.string, .string), (.none, .none): return true
        case (.tensor(let e), .tensor(let a)):
            guard let e, let a else { return true }
            return shapesCompatible(e, a)
        case (.model(let e), .model(let a)):
            guard let e, let a else { return true }
            return modelsCompatible(e, a)
        case (.model(nil), .builder), (.model(nil), .metamodel): return true
        case (.metamodel(let e), .metamodel(let a)): return e == a
        case (.function(let e), .function(let a)):
            guard e.params.count <= a.params.count, a.params.dropFirst(e.params.count).allSatisfy(\.hasDefault) else { return false }
            return zip(e.params, a.params).allSatisfy { $1.type.accepts($0.type) }
        case (.list(let e), .list(let a)): return e.accepts(a)
        case (.tuple(let e), .tuple(let a)): return e.count == a.count && zip(e, a).allSatisfy { $0.accepts($1) }
        case (.object(let e), .object(let a)): return e == a
        case (.builder, .builder), (.layer, .layer), (.space, .space): return true
        default: return false
        }
    }
}

/// Tensor types agree up to a consistent renaming of symbolic dims (a symbol matches anything).
func shapesCompatible(_ a: TensorType, _ b: TensorType) -> Bool {
    guard a.dtype == b.dtype, a.rank == b.rank else { return false }
    return zip(a.shape, b.shape).allSatisfy { x, y in x == y || !x.isStatic || !y.isStatic }
}

/// Model signatures agree: same inputs and outputs, dims equal up to symbol renaming.
func modelsCompatible(_ a: ModelType, _ b: ModelType) -> Bool {
    guard a.inputs.count == b.inputs.count, a.outputs.count == b.outputs.count else { return false }
    return zip(a.inputs, b.inputs).allSatisfy { shapesCompatible($0.type, $1.type) }
        && zip(a.outputs, b.outputs).allSatisfy { shapesCompatible($0.type, $1.type) }
}
