import MIR

/// How autodiff treats each op: one entry per OpKind, in a switch without `default:`, so a
/// new op does not compile until it is given a rule (and the gradient-check test, which asks
/// `mcc gradient-rules` for this table, fails until the op has a finite-difference check).
public enum GradientRule: Sendable, Equatable {
    /// Differentiable, by the rule family named.
    case elementwiseUnary, elementwiseBinary, select, reduction, cumsum, topk, softmax, matmul, conv2d, convTranspose2d,
         pool, movement, resize
    /// A leaf (parameter read): gradients are collected here.
    case leaf
    /// Rewritten into differentiable ops before differentiation (batch_norm in inference form,
    /// attention into its matmuls and softmax).
    case expandedFirst
    /// Zero or undefined gradient almost everywhere (comparisons, rounding, index results).
    /// A float result of such an op on the loss's float path is an error.
    case nonDifferentiable
    /// Differentiable in principle, but no rule yet: an error names the op if the loss needs it.
    case unsupported(String)

    public var isDifferentiable: Bool {
        switch self {
        case .leaf, .nonDifferentiable, .unsupported: return false
        default: return true
        }
    }
}

extension OpKind {
    public var gradientRule: GradientRule {
        switch self {
        case .param: return .leaf
        case .neg, .abs, .relu, .sigmoid, .tanh, .exp, .log, .sqrt, .erf, .reciprocal, .sin, .cos, .tan, .asin, .acos, .atan,
             .sinh, .cosh, .asinh, .acosh, .atanh, .softplus, .softsign, .leakyRelu, .elu, .celu, .selu, .hardSigmoid, .hardSwish,
             .thresholdedRelu, .gelu, .clip, .cast, .dropout:
            return .elementwiseUnary
        case .add, .sub, .mul, .div, .pow, .maximum, .minimum, .mod: return .elementwiseBinary
        case .select: return .select
        case .reduceSum, .reduceMean, .reduceMax, .reduceMin, .reduceProd, .reduceSumSquare, .reduceL1, .reduceL2,
             .reduceLogSum, .reduceLogSumExp:
            return .reduction
        case .cumsum: return .cumsum
        case .topkValues: return .topk
        case .softmax, .logSoftmax: return .softmax
        case .matmul: return .matmul
        case .conv2d: return .conv2d
        case .convTranspose2d: return .convTranspose2d
        case .maxPool2d, .avgPool2d: return .pool
        case .reshape, .flatten, .transpose, .concat, .slice, .gather, .gatherElements, .expand, .tile, .pad: return .movement
        case .batchNorm, .layerNorm, .attention: return .expandedFirst
        case .sign, .floor, .ceil, .round, .isNaN, .isInf, .logicalNot, .equal, .less, .lessEqual, .greater, .greaterEqual,
             .logicalAnd, .logicalOr, .logicalXor, .argmax, .argmin, .topkIndices, .shiftLeft, .shiftRight,
             .tfidfVectorizer, .maxPool2dIndices, .nonzero, .nonMaxSuppression, .unique:
            return .nonDifferentiable
        case .resize: return .resize
        case .fused:
            return .unsupported("'fused' ops are made by fuse-elementwise; differentiate before the pass pipeline runs")
        case .conv2dBackwardFilter, .maxPool2dBackward, .avgPool2dBackward, .scatterAdd:
            return .unsupported("'\(rawValue)' is a backward op; second-order gradients are not supported")
        case .gridSample, .roiAlign:
            return .unsupported("'\(rawValue)' has no gradient rule yet (differentiable in the image and grid/rois almost everywhere)")
        case .qmatmul, .qconv2d:
            return .unsupported("'\(rawValue)' is an int8 inference kernel; train the float model, then quantize it")
        case .sparseMatmul:
            return .unsupported("'sparse_matmul' is an inference kernel over a constant CSR weight; train the dense model, then prune it")
        case .lstmSequence:
            // The ONNX importer's unrolled LSTM (matmul + elementwise per step) is the differentiable form.
            return .unsupported("'lstm_sequence' is an inference kernel; differentiate the unrolled recurrence (matmuls and elementwise ops per step)")
        case .toNCHWc, .fromNCHWc, .conv2dNCHWc, .maxPool2dNCHWc, .avgPool2dNCHWc:
            return .unsupported("'\(rawValue)' is a blocked-layout inference op made by select-layout; differentiate before the pass pipeline runs")
        }
    }
}
