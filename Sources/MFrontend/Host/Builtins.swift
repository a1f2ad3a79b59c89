import MIR

/// A parameter of a built-in function or method.
struct HostParam {
    var name: String
    var type: MType
    var required = false
    /// Allowed values when the argument is a String literal.
    var choices: [String]? = nil
    /// Numeric bounds checked when the argument is a literal: `(0, 1)` exclusive for percentages.
    var range: (low: Double, high: Double, inclusive: Bool)? = nil

    init(_ name: String, _ type: MType, required: Bool = false, choices: [String]? = nil,
         range: (low: Double, high: Double, inclusive: Bool)? = nil) {
        self.name = name; self.type = type; self.required = required; self.choices = choices; self.range = range
    }
}

/// A built-in function or method: parameters and result (argument-dependent results, like
/// `optimize` returning its model's type, are computed by the checker).
struct BuiltinSignature {
    var params: [HostParam]
    /// Further positional arguments of this type (`print`, `choice`).
    var variadic: MType? = nil
    /// Further keyword arguments of this type (`defineHyperparamSpace(hidden = choice(...))`).
    var anyKeywords: MType? = nil
    var result: MType
}

/// The host API's signature table: what the paper's training, builder, optimization, engine,
/// transfer-learning and tuning calls accept. Their run-time semantics come with later issues.
enum Builtins {
    static let positive: (low: Double, high: Double, inclusive: Bool) = (0, Double.infinity, false)
    static let fraction: (low: Double, high: Double, inclusive: Bool) = (0, 1, false)
    static let metricNames = ["accuracy", "precision", "recall", "f1", "auc", "mse", "mae", "r2", "loss", "top5_accuracy"]
    static let lossNames = ["binary crossentropy", "binary_crossentropy", "categorical_crossentropy", "crossentropy",
                            "sparse_categorical_crossentropy", "mse", "mae", "huber"]
    static let optimizerNames = ["adam", "adamw", "sgd", "rmsprop", "adagrad"]

    static let functions: [String: BuiltinSignature] = {
        var f: [String: BuiltinSignature] = [:]
        f["print"] = BuiltinSignature(params: [], variadic: .unknown, result: .none)
        f["len"] = BuiltinSignature(params: [HostParam("x", .unknown, required: true)], result: .int)
        f["str"] = BuiltinSignature(params: [HostParam("x", .unknown, required: true)], result: .string)
        f["range"] = BuiltinSignature(params: [HostParam("start", .int, required: true), HostParam("stop", .int), HostParam("step", .int)],
                                      result: .list(.int))
        f["load_csv"] = BuiltinSignature(params: [HostParam("path", .string, required: true), HostParam("label", .string),
                                                  HostParam("columns", .list(.string))], result: .object(.dataset))
        f["load_dataset"] = BuiltinSignature(params: [HostParam("name", .string, required: true), HostParam("split", .string)],
                                             result: .object(.dataset))
        f["evaluate"] = BuiltinSignature(params: [HostParam("model", .model(nil), required: true), HostParam("data", .object(.dataset), required: true),
                                                  HostParam("metrics", .list(.string))], result: .object(.metrics))
        let lr = HostParam("lr", .float, range: positive)
        // Learning-rate schedule and clipping, shared by every training optimizer.
        let schedule = [HostParam("schedule", .string, choices: ["constant", "step", "cosine"]),
                        HostParam("warmup", .int), HostParam("step_size", .int, range: positive), HostParam("gamma", .float, range: positive),
                        HostParam("total_steps", .int, range: positive), HostParam("min_lr", .float), HostParam("clip_norm", .float)]
        f["Adam"] = BuiltinSignature(params: [HostParam("params", .object(.parameters), required: true), lr,
                                              HostParam("weight_decay", .float), HostParam("beta1", .float, range: fraction),
                                              HostParam("beta2", .float, range: fraction), HostParam("eps", .float, range: positive)] + schedule,
                                     result: .object(.trainingOptimizer))
        f["AdamW"] = f["Adam"]
        f["SGD"] = BuiltinSignature(params: [HostParam("params", .object(.parameters), required: true), lr,
                                             HostParam("momentum", .float), HostParam("nesterov", .bool),
                                             HostParam("weight_decay", .float)] + schedule, result: .object(.trainingOptimizer))
        let reduction = HostParam("reduction", .string, choices: ["mean", "sum"])
        f["CrossEntropyLoss"] = BuiltinSignature(params: [reduction, HostParam("label_smoothing", .float)], result: .object(.lossFunction))
        f["BCELoss"] = BuiltinSignature(params: [reduction, HostParam("from_logits", .bool)], result: .object(.lossFunction))
        f["HuberLoss"] = BuiltinSignature(params: [reduction, HostParam("delta", .float, range: positive)], result: .object(.lossFunction))
        for loss in ["MSELoss", "L1Loss", "NLLLoss"] {
            f[loss] = BuiltinSignature(params: [reduction], result: .object(.lossFunction))
        }
        f["load_npz"] = BuiltinSignature(params: [HostParam("path", .string, required: true), HostParam("features", .string),
                                                  HostParam("label", .string)], result: .object(.dataset))
        f["load_npy"] = BuiltinSignature(params: [HostParam("path", .string, required: true), HostParam("labels", .string)],
                                         result: .object(.dataset))
        f["load_images"] = BuiltinSignature(params: [HostParam("folder", .string, required: true), HostParam("grayscale", .bool)],
                                            result: .object(.dataset))
        f["naive_forecast"] = BuiltinSignature(params: [HostParam("data", .object(.dataset), required: true), HostParam("metrics", .list(.string))],
                                               result: .object(.metrics))
        f["round"] = BuiltinSignature(params: [HostParam("x", .float, required: true), HostParam("digits", .int)], result: .float)
        f["format"] = BuiltinSignature(params: [HostParam("x", .float, required: true), HostParam("digits", .int)], result: .string)
        f["Model"] = BuiltinSignature(params: [], result: .builder(nil))
        f["Loss"] = BuiltinSignature(params: [HostParam("name", .string, required: true, choices: lossNames)], result: .object(.lossSpec))
        f["Metric"] = BuiltinSignature(params: [HostParam("name", .string, required: true, choices: metricNames)], result: .object(.metric))
        f["Pruning"] = BuiltinSignature(params: [
            HostParam("strategy", .string, choices: ["magnitude", "random", "structured"]),
            HostParam("percentage", .float, required: true, range: fraction),
            HostParam("scope", .string, choices: ["global", "local", "layer"]),
            HostParam("target", .string, choices: ["weights", "neurons", "kernels", "filters"]),
        ], result: .object(.pruning))
        f["Quantization"] = BuiltinSignature(params: [
            HostParam("bits", .int, required: true, choices: ["2", "4", "8", "16"]),
            HostParam("scope", .string, choices: ["global", "weights", "activations"]),
            HostParam("method", .string, choices: ["linear", "non-linear", "nonlinear", "log"]),
        ], result: .object(.quantization))
        f["Fusion"] = BuiltinSignature(params: [HostParam("patterns", .list(.string))], result: .object(.fusion))
        f["Engine"] = BuiltinSignature(params: [HostParam("device", .string)], result: .object(.engine))
        f["loadModelFromUrl"] = BuiltinSignature(params: [HostParam("url", .string, required: true), HostParam("sha256", .string)],
                                                 result: .model(nil))
        f["fineTuneModel"] = BuiltinSignature(params: [
            HostParam("model", .model(nil), required: true), HostParam("data", .object(.dataset), required: true),
            HostParam("head", .unknown), HostParam("freeze", .string), HostParam("epochs", .int, range: positive), lr,
            HostParam("batch_size", .int, range: positive),
        ], result: .model(nil))
        f["defineHyperparamSpace"] = BuiltinSignature(params: [], anyKeywords: .object(.distribution), result: .space([]))
        f["choice"] = BuiltinSignature(params: [], variadic: .unknown, result: .object(.distribution))
        for d in ["uniform", "loguniform"] {
            f[d] = BuiltinSignature(params: [HostParam("low", .float, required: true), HostParam("high", .float, required: true)],
                                    result: .object(.distribution))
        }
        f["randint"] = BuiltinSignature(params: [HostParam("low", .int, required: true), HostParam("high", .int, required: true)],
                                        result: .object(.distribution))
        f["autoTuneModel"] = BuiltinSignature(params: [
            HostParam("model", .model(nil), required: true), HostParam("space", .space([]), required: true),
            HostParam("train", .unknown), HostParam("data", .object(.dataset)), HostParam("metric", .string, choices: metricNames),
            HostParam("trials", .int, range: positive),
        ], result: .model(nil))
        return f
    }()

    /// Methods by receiver kind (see `HostChecker.receiverKind`).
    static let methods: [String: [String: BuiltinSignature]] = {
        var m: [String: [String: BuiltinSignature]] = [:]
        m["Dataset"] = [
            "split": BuiltinSignature(params: [HostParam("train", .float, required: true, range: fraction), HostParam("seed", .int),
                                               HostParam("validation", .float, range: fraction), HostParam("shuffle", .bool)],
                                      result: .object(.datasetSplit)),
            "normalize": BuiltinSignature(params: [HostParam("mean", .float), HostParam("std", .float, range: positive)], result: .object(.dataset)),
            "filter": BuiltinSignature(params: [HostParam("labels", .list(.int), required: true)], result: .object(.dataset)),
            "windows": BuiltinSignature(params: [HostParam("size", .int, required: true, range: positive), HostParam("horizon", .int, range: positive)],
                                        result: .object(.dataset)),
            "batch": BuiltinSignature(params: [HostParam("size", .int, required: true, range: positive)], result: .object(.dataset)),
            "shuffle": BuiltinSignature(params: [HostParam("seed", .int)], result: .object(.dataset)),
        ]
        m["DatasetSplit"] = [
            "normalize": BuiltinSignature(params: [], result: .object(.datasetSplit)),
        ]
        m["Model"] = [
            "load": BuiltinSignature(params: [HostParam("path", .string, required: true)], result: .none),
            "parameters": BuiltinSignature(params: [], result: .object(.parameters)),
            "save": BuiltinSignature(params: [HostParam("path", .string, required: true)], result: .none),
            "summary": BuiltinSignature(params: [], result: .string),
            "eval": BuiltinSignature(params: [], result: .none),
            "train": BuiltinSignature(params: [], result: .none),
        ]
        m["TrainingOptimizer"] = [
            "zero_grad": BuiltinSignature(params: [], result: .none),
            "step": BuiltinSignature(params: [], result: .none),
        ]
        m["Tensor"] = [
            "backward": BuiltinSignature(params: [], result: .none),
            "item": BuiltinSignature(params: [], result: .float),
            "argmax": BuiltinSignature(params: [HostParam("axis", .int)], result: .tensor(nil)),
        ]
        m["Builder"] = [
            "add": BuiltinSignature(params: [HostParam("layer", .unknown, required: true)], result: .builder(nil)),
            "compile": BuiltinSignature(params: [HostParam("optimizer", .unknown, required: true), HostParam("loss", .unknown, required: true),
                                                 HostParam("metrics", .unknown)], result: .builder(nil)),
            "fit": BuiltinSignature(params: [HostParam("data", .object(.dataset), required: true), HostParam("epochs", .int, range: positive),
                                             HostParam("batch_size", .int, range: positive)], result: .none),
            "summary": BuiltinSignature(params: [], result: .string),
        ]
        m["ModelOptimizer"] = [
            "add": BuiltinSignature(params: [HostParam("technique", .unknown, required: true)], result: .object(.modelOptimizer)),
            "optimize": BuiltinSignature(params: [HostParam("model", .model(nil), required: true),
                                                  HostParam("order", .string, choices: ["sequential", "parallel", "joint"]),
                                                  HostParam("goal", .string, choices: ["speed", "memory", "size", "accuracy"])], result: .model(nil)),
        ]
        m["Engine"] = [
            "load_model": BuiltinSignature(params: [HostParam("model", .model(nil), required: true)], result: .none),
            "prepare_data": BuiltinSignature(params: [HostParam("data", .unknown, required: true)], result: .none),
            "set_batch_size": BuiltinSignature(params: [HostParam("size", .int, required: true, range: positive)], result: .none),
            "set_num_threads": BuiltinSignature(params: [HostParam("count", .int, required: true, range: positive)], result: .none),
            "enable_profiling": BuiltinSignature(params: [HostParam("path", .string, required: true)], result: .none),
            "run": BuiltinSignature(params: [HostParam("data", .unknown)], result: .tensor(nil)),
            "save_model": BuiltinSignature(params: [HostParam("path", .string, required: true)], result: .none),
        ]
        return m
    }()

    /// Names that cannot be redeclared as models, metamodels or funcs.
    static let reservedNames: Set<String> = Set(functions.keys).union(LayerKind.allNames)
        .union(["sequentialModel", "parallelModel", "customModel", "Optimizer", "range"])

    /// `Engine(device = ...)`: "CPU", "GPU" or "GPU:N" (case-insensitive).
    static func isValidDevice(_ s: String) -> Bool {
        let parts = s.lowercased().split(separator: ":", omittingEmptySubsequences: false)
        guard let kind = parts.first, ["cpu", "gpu", "cuda"].contains(kind) else { return false }
        if parts.count == 1 { return true }
        return parts.count == 2 && !parts[1].isEmpty && parts[1].allSatisfy(\.isNumber) && parts[1].count <= 3
    }
}
