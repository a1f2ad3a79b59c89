/// Every MIR operation, declared once. Higher layers (codegen, autodiff, fusion) switch
/// over `OpKind` without `default:`, so adding an op breaks every table that forgot it.
public enum OpKind: String, CaseIterable, Hashable, Sendable {
    // Sources.
    case param                       // reads module parameter {name}
    // Elementwise unary, numeric (any dtype unless noted).
    case neg, abs, sign
    // Elementwise unary, float only.
    case relu, sigmoid, tanh, exp, log, sqrt, erf, floor, ceil, round, reciprocal
    case sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh
    case softplus, softsign
    case leakyRelu = "leaky_relu"          // {alpha}
    case elu, celu                         // {alpha}
    case selu                              // {alpha, gamma}
    case hardSigmoid = "hard_sigmoid"      // {alpha, beta}
    case hardSwish = "hard_swish"
    case thresholdedRelu = "thresholded_relu"  // {alpha}
    case gelu                              // {approximate = "none" | "tanh"}
    case clip                              // {min, max} (floats; absent = unbounded)
    // Elementwise unary with a bool result, or on bools.
    case isNaN = "is_nan", isInf = "is_inf", logicalNot = "not"
    // Elementwise binary with numpy broadcasting.
    case add, sub, mul, div, pow, maximum, minimum
    case mod                               // {fmod = 0|1}: 0 = sign of divisor (ints), 1 = C fmod
    case equal, less, lessEqual = "less_equal", greater, greaterEqual = "greater_equal"   // -> bool
    case logicalAnd = "and", logicalOr = "or", logicalXor = "xor"                         // bool
    case shiftLeft = "shift_left", shiftRight = "shift_right"  // integers; shifts of >= the bit width give 0
    // Elementwise ternary: where(cond, a, b).
    case select = "where"
    // Type conversion.
    case cast                              // {to}
    // Reductions {axes, keepdims}; empty or absent axes = all axes.
    // reduce_sum {to_shape = 1}: sums x into the explicit result type (each dim x's or 1), so which
    // axes are reduced may depend on value symbols (ONNX axes given as data).
    case reduceSum = "reduce_sum", reduceMean = "reduce_mean", reduceMax = "reduce_max", reduceMin = "reduce_min"
    case reduceProd = "reduce_prod", reduceSumSquare = "reduce_sum_square", reduceL1 = "reduce_l1"
    case reduceL2 = "reduce_l2", reduceLogSum = "reduce_log_sum", reduceLogSumExp = "reduce_log_sum_exp"
    case argmax, argmin                    // {axis, keepdims, select_last_index} -> i64
    case tfidfVectorizer = "tfidf_vectorizer"   // token ids -> f32 n-gram counts {mode, min/max_gram_length, max_skip_count, pool, ngram_counts, ngram_indexes, weights} (TextShapes.swift)
    case nonMaxSuppression = "non_max_suppression"  // boxes, scores, max_per_class, iou, score {center_point_box, has_score} -> i64 [count, 3]; count is a value symbol (count_nms)
    case unique                            // x -> i64 {axis (absent: elements), sorted, output = "indices"|"inverse"|"counts"}: ONNX Unique's index outputs; [count] (count_unique) or [len] for inverse
    case nonzero                           // x -> i64 [rank, count]: coordinates of the nonzero elements, row-major; count is a value symbol (count_nonzero)
    case cumsum                            // x[, axis: int scalar] {axis, exclusive, reverse}: the operand form reads the axis at run time
    // Contractions.
    case matmul                            // [..., m, k] x [..., k, n][, bias [n][, residual]] -> [..., m, n], batch dims broadcast;
                                           // fuse-epilogue's bias, residual (result-typed) and {activation} apply in that order
    // Convolution and pooling (NCHW).
    case conv2d                            // x, w[, bias[, residual]] {strides, pads, dilations, groups}; residual: added before the activation
    case convTranspose2d = "conv_transpose2d"  // x, w[, bias] {strides, pads, dilations, groups, output_padding}
    case maxPool2d = "max_pool2d"          // {kernel, strides, pads, dilations, ceil_mode}
    case avgPool2d = "avg_pool2d"          // {kernel, strides, pads, ceil_mode, count_include_pad}
    case maxPool2dIndices = "max_pool2d_indices"  // max_pool2d's attributes + {storage_order}: i64 flat input index of each max
    // Normalizations.
    case softmax, logSoftmax = "log_softmax"   // {axis}
    case layerNorm = "layer_norm"          // x, scale[, bias] {axis, epsilon}: normalizes over dims axis..<rank; scale and bias have those dims
    // Data movement.
    case reshape                           // result type is the target shape
    case flatten                           // {axis}: [d0..da-1] x [da..] -> 2-D
    case transpose                         // {perm}
    case concat                            // {axis}, any number of operands
    case slice                             // {starts, ends, axes, steps} (static, ONNX clamping rules), or
                                           // {axes, offsets, steps} (dims, e.g. value symbols; result type explicit):
                                           // element i along axes[k] reads offsets[k] + i * steps[k]
    case gather                            // data, indices {axis}
    case gatherElements = "gather_elements"    // data, indices {axis}
    case expand                            // result type is the broadcast target
    case tile                              // {repeats}
    case pad                               // x[, value: scalar read at run time] {pads = [begins..., ends...] (dims), mode, value}
    case resize                            // x[, scales|sizes][, roi] {scales, mode = "nearest"|"linear"|"cubic", coordinate_mode, nearest_mode, cubic_coeff_a, exclude_outside, roi, extrapolation_value}
                                           // a float operand: scales read at run time; an integer one: sizes (scale = out / in)
    // Sampling at fractional positions of an NCHW image (SamplingShapes.swift).
    case gridSample = "grid_sample"        // x, grid[N, Ho, Wo, 2] {mode, padding_mode, align_corners}
    case roiAlign = "roi_align"            // x, rois[R, 4], batch_indices[R] {mode, output_height, output_width, sampling_ratio, spatial_scale, coordinate_mode}
    case topkValues = "topk_values", topkIndices = "topk_indices"   // {k, axis, largest}
    // A chain of elementwise ops evaluated in one loop (made by the fuse-elementwise pass).
    case fused                             // {program}: postfix, e.g. "$0 $1 add relu"
    // Training-mode ops (the lower-inference pass rewrites their inference forms).
    case dropout                           // x[, seed: i64[1][, ratio: float scalar]] {ratio}: 1 operand = identity; 2 = seeded mask; 3 = run-time ratio
    case batchNorm = "batch_norm"          // x, scale, bias, mean, var {epsilon, momentum}: inference semantics
    // Backward ops made by autodiff (each has its own kernel).
    case conv2dBackwardFilter = "conv2d_backward_filter"  // x, dy {kernel, strides, pads, dilations, groups} -> dw
    case maxPool2dBackward = "max_pool2d_backward"        // x, dy {max_pool2d's attributes} -> dx
    case avgPool2dBackward = "avg_pool2d_backward"        // x, dy {avg_pool2d's attributes} -> dx (x gives the shape)
    case scatterAdd = "scatter_add"        // data, indices, updates {axis, reduction = add|mul|max|min}: updates combined into data at indices (elementwise form)
    // Quantized int8 kernels (made by the quantization passes; see QuantizedShapes.swift for
    // the packed weight layout). Float in, float out: the activation is quantized to u8 in the
    // kernel's prologue (static {act_scale, act_zero_point}, or per call when absent) and the
    // s32 accumulator is dequantized with bias and {activation} in its epilogue.
    case qmatmul                           // x f32[..., k], w i8 packed, w_scale f32[n][, w_sum i32[n]][, bias f32[n]] (w_sum: dynamic only needs it)
    case qconv2d                           // x f32 NCHW, w i8 packed (k = c*kh*kw), w_scale[, w_sum][, bias] {kernel, strides, pads, dilations}
    // Sparse float kernel (made by the sparsify pass; see SparseShapes.swift for the CSR layout).
    case sparseMatmul = "sparse_matmul"    // x f32[..., k], values f32[nnz], rows i32[nnz], col_ptr i32[n+1] -> f32[..., n]
    // Blocked NCHWc layout (made by the select-layout pass; see BlockedShapes.swift): a tensor
    // [n, ceil(c/16), h, w, 16] holds channel c = 16 * cb + ci at [n, cb, h, w, ci], zero padded.
    case toNCHWc = "to_nchwc"              // x NCHW {block} -> NCHW16c
    case fromNCHWc = "from_nchwc"          // x NCHW16c {channels} -> NCHW
    // A whole LSTM layer direction in one kernel (RecurrentShapes.swift): gate order i, o, f, c (ONNX's).
    case lstmSequence = "lstm_sequence"    // xw[seq, b, 4h], r[h, 4h], h0[b, h], c0[b, h][, p[3h]][, lens int[b]] {direction, clip, peepholes} -> [seq + 2, b, h]
    case conv2dNCHWc = "conv2d_nchwc"      // x NCHW16c (or NCHW with few channels), w packed, bias f32[ocb*16][, residual NCHW16c] {strides, pads, dilations, groups, activation...}
    case maxPool2dNCHWc = "max_pool2d_nchwc" // x NCHW16c {kernel, strides, pads, dilations, ceil_mode} -> NCHW16c
    case avgPool2dNCHWc = "avg_pool2d_nchwc" // x NCHW16c {kernel, strides, pads, ceil_mode, count_include_pad} -> NCHW16c
    // Fused scaled dot-product attention (made by the fuse-attention pass; AttentionShapes.swift).
    case attention                         // q, k, v[, mask] {scale, q_perm, k_perm, v_perm, out_perm}: softmax(Q K^T * scale + mask) V

    public var info: OpInfo {
        switch self {
        case .param: return OpInfo(arity: 0...0, category: .source, attributes: ["name"])
        case .neg, .abs, .sign, .relu, .sigmoid, .tanh, .exp, .log, .sqrt, .erf, .floor, .ceil, .round, .reciprocal,
             .sin, .cos, .tan, .asin, .acos, .atan, .sinh, .cosh, .asinh, .acosh, .atanh, .softplus, .softsign,
             .hardSwish, .isNaN, .isInf, .logicalNot:
            return OpInfo(arity: 1...1, category: .elementwiseUnary)
        case .leakyRelu, .elu, .celu, .thresholdedRelu:
            return OpInfo(arity: 1...1, category: .elementwiseUnary, attributes: ["alpha"])
        case .selu: return OpInfo(arity: 1...1, category: .elementwiseUnary, attributes: ["alpha", "gamma"])
        case .hardSigmoid: return OpInfo(arity: 1...1, category: .elementwiseUnary, attributes: ["alpha", "beta"])
        case .gelu: return OpInfo(arity: 1...1, category: .elementwiseUnary, attributes: ["approximate"])
        case .clip: return OpInfo(arity: 1...1, category: .elementwiseUnary, attributes: ["min", "max"])
        case .add, .mul, .maximum, .minimum, .equal, .logicalAnd, .logicalOr, .logicalXor:
            return OpInfo(arity: 2...2, category: .elementwiseBinary, commutative: true)
        case .sub, .div, .pow, .less, .lessEqual, .greater, .greaterEqual, .shiftLeft, .shiftRight:
            return OpInfo(arity: 2...2, category: .elementwiseBinary)
        case .mod: return OpInfo(arity: 2...2, category: .elementwiseBinary, attributes: ["fmod"])
        case .select: return OpInfo(arity: 3...3, category: .elementwiseBinary)
        case .cast: return OpInfo(arity: 1...1, category: .elementwiseUnary, attributes: ["to"])
        case .reduceSum, .reduceMean, .reduceMax, .reduceMin, .reduceProd, .reduceSumSquare, .reduceL1, .reduceL2,
             .reduceLogSum, .reduceLogSumExp:
            return OpInfo(arity: 1...1, category: .reduction, attributes: ["axes", "keepdims", "to_shape"])
        case .argmax, .argmin:
            return OpInfo(arity: 1...1, category: .reduction, attributes: ["axis", "keepdims", "select_last_index"])
        case .cumsum: return OpInfo(arity: 1...2, category: .reduction, attributes: ["axis", "exclusive", "reverse"])
        case .nonzero: return OpInfo(arity: 1...1, category: .reduction, resultTypeIsExplicit: true)
        case .unique: return OpInfo(arity: 1...1, category: .reduction, attributes: ["axis", "sorted", "output"], resultTypeIsExplicit: true)
        case .nonMaxSuppression:
            return OpInfo(arity: 5...5, category: .reduction, attributes: ["center_point_box", "has_score"], resultTypeIsExplicit: true)
        case .tfidfVectorizer:
            return OpInfo(arity: 1...1, category: .reduction, attributes: ["mode", "min_gram_length", "max_gram_length", "max_skip_count",
                                                                           "pool", "ngram_counts", "ngram_indexes", "weights"])
        case .matmul: return OpInfo(arity: 2...4, category: .contraction, attributes: ["activation", "activation_min", "activation_max"])
        case .conv2d:
            return OpInfo(arity: 2...4, category: .convolution,
                          attributes: ["strides", "pads", "dilations", "groups", "activation", "activation_min", "activation_max"])
        case .convTranspose2d:
            return OpInfo(arity: 2...3, category: .convolution,
                          attributes: ["strides", "pads", "dilations", "groups", "output_padding"])
        case .maxPool2d:
            return OpInfo(arity: 1...1, category: .pooling, attributes: ["kernel", "strides", "pads", "dilations", "ceil_mode"])
        case .maxPool2dIndices:
            return OpInfo(arity: 1...1, category: .pooling,
                          attributes: ["kernel", "strides", "pads", "dilations", "ceil_mode", "storage_order"])
        case .avgPool2d:
            return OpInfo(arity: 1...1, category: .pooling, attributes: ["kernel", "strides", "pads", "ceil_mode", "count_include_pad"])
        case .softmax, .logSoftmax: return OpInfo(arity: 1...1, category: .normalization, attributes: ["axis"])
        case .layerNorm: return OpInfo(arity: 2...3, category: .normalization, attributes: ["axis", "epsilon"])
        case .reshape, .expand: return OpInfo(arity: 1...1, category: .movement, resultTypeIsExplicit: true)
        case .flatten: return OpInfo(arity: 1...1, category: .movement, attributes: ["axis"])
        case .transpose: return OpInfo(arity: 1...1, category: .movement, attributes: ["perm"])
        case .concat: return OpInfo(arity: 1...100_000, category: .movement, attributes: ["axis"])
        case .slice: return OpInfo(arity: 1...1, category: .movement, attributes: ["starts", "ends", "axes", "steps", "offsets"])
        case .gather, .gatherElements: return OpInfo(arity: 2...2, category: .movement, attributes: ["axis"])
        case .tile: return OpInfo(arity: 1...1, category: .movement, attributes: ["repeats"])
        case .pad: return OpInfo(arity: 1...2, category: .movement, attributes: ["pads", "mode", "value"])
        case .resize:
            return OpInfo(arity: 1...3, category: .movement, attributes: ["scales", "mode", "coordinate_mode", "nearest_mode", "cubic_coeff_a",
                                                                         "exclude_outside", "roi", "extrapolation_value"],
                          resultTypeIsExplicit: true)
        case .gridSample:
            return OpInfo(arity: 2...2, category: .movement, attributes: ["mode", "padding_mode", "align_corners"])
        case .roiAlign:
            return OpInfo(arity: 3...3, category: .movement,
                          attributes: ["mode", "output_height", "output_width", "sampling_ratio", "spatial_scale", "coordinate_mode"])
        case .fused: return OpInfo(arity: 1...64, category: .elementwiseBinary, attributes: ["program"])
        case .topkValues, .topkIndices:
            return OpInfo(arity: 1...1, category: .reduction, attributes: ["k", "axis", "largest"])
        case .dropout: return OpInfo(arity: 1...3, category: .elementwiseUnary, attributes: ["ratio"])
        case .batchNorm: return OpInfo(arity: 5...5, category: .normalization, attributes: ["epsilon", "momentum"])
        case .conv2dBackwardFilter:
            return OpInfo(arity: 2...2, category: .convolution, attributes: ["kernel", "strides", "pads", "dilations", "groups"])
        case .maxPool2dBackward:
            return OpInfo(arity: 2...2, category: .pooling, attributes: ["kernel", "strides", "pads", "dilations", "ceil_mode"])
        case .avgPool2dBackward:
            return OpInfo(arity: 2...2, category: .pooling, attributes: ["kernel", "strides", "pads", "ceil_mode", "count_include_pad"])
        case .scatterAdd: return OpInfo(arity: 3...3, category: .movement, attributes: ["axis", "reduction"])
        case .qmatmul:
            return OpInfo(arity: 3...5, category: .quantized, attributes: ["act_scale", "act_zero_point", "activation"])
        case .qconv2d:
            return OpInfo(arity: 3...5, category: .quantized,
                          attributes: ["kernel", "strides", "pads", "dilations", "act_scale", "act_zero_point", "activation"])
        case .sparseMatmul: return OpInfo(arity: 4...4, category: .sparse, resultTypeIsExplicit: true)
        case .lstmSequence: return OpInfo(arity: 4...6, category: .recurrent, attributes: ["direction", "clip", "peepholes"])
        case .toNCHWc: return OpInfo(arity: 1...1, category: .blocked, attributes: ["block"])
        case .fromNCHWc: return OpInfo(arity: 1...1, category: .blocked, attributes: ["channels"])
        case .conv2dNCHWc:
            return OpInfo(arity: 3...4, category: .blocked,
                          attributes: ["strides", "pads", "dilations", "groups", "activation", "activation_min", "activation_max"])
        case .maxPool2dNCHWc:
            return OpInfo(arity: 1...1, category: .blocked, attributes: ["kernel", "strides", "pads", "dilations", "ceil_mode"])
        case .avgPool2dNCHWc:
            return OpInfo(arity: 1...1, category: .blocked, attributes: ["kernel", "strides", "pads", "ceil_mode", "count_include_pad"])
        case .attention:
            return OpInfo(arity: 3...4, category: .attention, attributes: ["scale", "q_perm", "k_perm", "v_perm", "out_perm"])
        }
    }

    /// Elementwise ops defined only on floats.
    public var requiresFloat: Bool {
        switch self {
        case .relu, .sigmoid, .tanh, .exp, .log, .sqrt, .erf, .floor, .ceil, .round, .reciprocal, .sin, .cos, .tan,
             .asin, .acos, .atan, .sinh, .cosh, .asinh, .acosh, .atanh, .softplus, .softsign, .leakyRelu, .elu, .celu,
             .selu, .hardSigmoid, .hardSwish, .thresholdedRelu, .gelu, .isNaN, .isInf, .softmax, .logSoftmax,
             .reduceMean, .reduceL2, .reduceLogSum, .reduceLogSumExp, .dropout, .batchNorm, .layerNorm, .maxPool2dBackward,
             .avgPool2dBackward, .attention:
            return true
        default:
            return false
        }
    }
}

/// What kind of computation an op is; drives fusion and lowering decisions.
public enum OpCategory: Sendable {
    case source, elementwiseUnary, elementwiseBinary, reduction, contraction, convolution, pooling, normalization, movement
    /// int8 kernels with float interfaces (qmatmul, qconv2d).
    case quantized
    /// A matmul by a constant weight stored compressed (sparse_matmul).
    case sparse
    /// Ops on the blocked NCHWc layout (reorders, conv2d_nchwc, pooling): their operands are
    /// not NCHW, so no NCHW rule (pooling, fusion, the conv cost model) may apply to them.
    case blocked
    /// Fused attention: softmax(Q K^T * scale + mask) V in one kernel, its operands read
    /// through layout permutations (no elementwise, movement or contraction rule applies).
    case attention
    /// A recurrence over time steps in one kernel (lstm_sequence): its result packs the
    /// per-step outputs with the final states, so no elementwise or contraction rule applies.
    case recurrent
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
