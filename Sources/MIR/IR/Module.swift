/// How a parameter's values are produced at compile time. Keeping the recipe (not the
/// numbers) in MIR keeps the text small; codegen materializes the data.
public enum Initializer: Hashable, Sendable {
    case zeros
    case constant(Double)
    /// Uniform in [-limit, limit] from a seeded generator (Glorot/He limits are computed by the front end).
    case uniform(limit: Double, seed: UInt64)
    /// Tensor `key` of a safetensors file.
    case safetensors(path: String, key: String)
    /// Inline values, row-major (small tensors, constants from importers).
    case values([Double])
    /// Data held by the compiler session under `key` (e.g. an ONNX initializer), supplied
    /// to codegen by the driver; MIR text keeps only the key.
    case external(key: String)
}

/// A named, typed, trainable tensor of a module (`fc1.weight`).
public struct Parameter: Sendable {
    public var name: String
    public var type: TensorType
    public var initializer: Initializer
    public init(name: String, type: TensorType, initializer: Initializer) {
        self.name = name; self.type = type; self.initializer = initializer
    }
}

/// A compilation unit: parameters shared by its functions, and one function per model.
public final class Module {
    public var name: String
    public var parameters: [Parameter] = []
    public var functions: [Function] = []

    public init(name: String) { self.name = name }

    public func parameter(named name: String) -> Parameter? { parameters.first { $0.name == name } }
    public func function(named name: String) -> Function? { functions.first { $0.name == name } }
}
