/// Every MIR operation, declared once. Higher layers (codegen, autodiff, fusion) switch
/// over `OpKind` without `default:`, so adding an op breaks every table that forgot it.
public enum OpKind: String, CaseIterable, Hashable, Sendable {
    // Sources.
    case param                       // reads module parameter {name}
    // Elementwise unary.
    case neg, relu, sigmoid, tanh, exp, log, sqrt, abs
    // Elementwise binary with numpy broadcasting.
    case add, sub, mul, div, maximum, minimum
    // Contractions.
    case matmul                      // [..., m, k] x [k, n] -> [..., m, n]
    // Convolution and pooling (NCHW).
    case conv2d                      // x, w[, bias] {strides, pads, dilations, groups}
    case maxPool2d = "max_pool2d"    // {kernel, strides, pads}
    case avgPool2d = "avg_pool2d"    // {kernel, strides, pads}; padding is excluded from the mean
    // Normalizations.
    case softmax                     // {axis}
    // Data movement.
    case reshape                     // result type is the target shape
    case flatten                     // {axis}: [d0..da-1] x [da..] -> 2-D
    case transpose                   // {perm}

    public var info: OpInfo {
        switch self {
        case .param: OpInfo(arity: 0...0, category: .source, attributes: ["name"])
        case .neg, .relu, .sigmoid, .tanh, .exp, .log, .sqrt, .abs:
            OpInfo(arity: 1...1, category: .elementwiseUnary)
        case .add, .mul, .maximum, .minimum:
            OpInfo(arity: 2...2, category: .elementwiseBinary, commutative: true)
        case .sub, .div: OpInfo(arity: 2...2, category: .elementwiseBinary)
        case .matmul: OpInfo(arity: 2...2, category: .contraction)
        case .conv2d: OpInfo(arity: 2...3, category: .convolution, attributes: ["strides", "pads", "dilations", "groups"])
        case .maxPool2d, .avgPool2d: OpInfo(arity: 1...1, category: .pooling, attributes: ["kernel", "strides", "pads"])
        case .softmax: OpInfo(arity: 1...1, category: .normalization, attributes: ["axis"])
        case .reshape: OpInfo(arity: 1...1, category: .movement, resultTypeIsExplicit: true)
        case .flatten: OpInfo(arity: 1...1, category: .movement, attributes: ["axis"])
        case .transpose: OpInfo(arity: 1...1, category: .movement, attributes: ["perm"])
        }
    }
}

/// What kind of computation an op is; drives fusion and lowering decisions.
public enum OpCategory: Sendable {
    case source, elementwiseUnary, elementwiseBinary, contraction, convolution, pooling, normalization, movement
}

/// The static description of an op.
public struct OpInfo: Sendable {
    public var arity: ClosedRange<Int>
    public var category: OpCategory
    public var commutative = false
    /// Attribute names the op accepts (all optional unless the shape rule demands them).
    public var attributes: [String] = []
    /// The result type cannot be inferred from operands alone and is taken as written.
    public var resultTypeIsExplicit = false
}
