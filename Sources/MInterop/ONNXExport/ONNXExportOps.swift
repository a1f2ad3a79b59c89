import MIR

/// The op table of the exporter: every MIR op and the ONNX (opset 13) nodes that compute it.
/// The switch has no `default:`, so a new MIR op fails to compile here until it is mapped.
extension ONNXExportContext {
    /// Appends the nodes computing `op`; the last one writes `names[op.result.raw]`.
    mutating func export(_ op: Operation) throws(ONNXExportError) {
        let out = names[op.result.raw]
        let xs = op.operands.map { names[$0.raw] }
        let a = op.attributes
        func f(_ key: String, _ fallback: Double) -> ExportAttribute { .float(a[key]?.floatValue ?? fallback) }
        func i(_ key: String, _ fallback: Int) -> ExportAttribute { .int(a[key]?.intValue ?? fallback) }
        switch op.kind {
        case .param: return  // an initializer, named when the context was made
        case .neg: node("Neg", xs, output: out)
        case .abs: node("Abs", xs, output: out)
        case .sign: node("Sign", xs, output: out)
        case .relu: node("Relu", xs, output: out)
        case .sigmoid: node("Sigmoid", xs, output: out)
        case .tanh: node("Tanh", xs, output: out)
        case .exp: node("Exp", xs, output: out)
        case .log: node("Log", xs, output: out)
        case .sqrt: node("Sqrt", xs, output: out)
        case .erf: node("Erf", xs, output: out)
        case .floor: node("Floor", xs, output: out)
        case .ceil: node("Ceil", xs, output: out)
        case .round: node("Round", xs, output: out)
        case .reciprocal: node("Reciprocal", xs, output: out)
        case .sin: node("Sin", xs, output: out)
        case .cos: node("Cos", xs, output: out)
        case .tan: node("Tan", xs, output: out)
        case .asin: node("Asin", xs, output: out)
        case .acos: node("Acos", xs, output: out)
        case .atan: node("Atan", xs, output: out)
        case .sinh: node("Sinh", xs, output: out)
        case .cosh: node("Cosh", xs, output: out)
        case .asinh: node("Asinh", xs, output: out)
        case .acosh: node("Acosh", xs, output: out)
        case .atanh: node("Atanh", xs, output: out)
        case .softplus: node("Softplus", xs, output: out)
        case .softsign: node("Softsign", xs, output: out)
        // Activations with parameters: MIR's defaults (codegen's) are ONNX's, written out anyway.
        case .leakyRelu: node("LeakyRelu", xs, output: out, [("alpha", f("alpha", 0.01))])
        case .elu: node("Elu", xs, output: out, [("alpha", f("alpha", 1))])
        case .celu: node("Celu", xs, output: out, [("alpha", f("alpha", 1))])
        case .selu:
            node("Selu", xs, output: out, [("alpha", f("alpha", 1.67326319217681884765625)),
                                            ("gamma", f("gamma", 1.05070102214813232421875))])
        case .hardSigmoid: node("HardSigmoid", xs, output: out, [("alpha", f("alpha", 0.2)), ("beta", f("beta", 0.5))])
        case .hardSwish:
            // HardSwish is opset 14: x * HardSigmoid(x; 1/6, 1/2) is its definition.
            let h = node("HardSigmoid", xs, [("alpha", .float(1.0 / 6.0)), ("beta", .float(0.5))])
            node("Mul", [xs[0], h], output: out)
        case .thresholdedRelu: node("ThresholdedRelu", xs, output: out, [("alpha", f("alpha", 1))])
        case .gelu: try gelu(op, xs[0], out)
        case .clip:
            let dtype = function.type(of: op.operands[0]).dtype
            var inputs = [xs[0], a["min"]?.floatValue.map { scalar($0, dtype, hint: "clip_min") } ?? "",
                          a["max"]?.floatValue.map { scalar($0, dtype, hint: "clip_max") } ?? ""]
            while inputs.last == "" { inputs.removeLast() }
            node("Clip", inputs, output: out)
        case .isNaN: node("IsNaN", xs, output: out)
        case .isInf: node("IsInf", xs, output: out)
        case .logicalNot: node("Not", xs, output: out)
        case .add: node("Add", xs, output: out)
        case .sub: node("Sub", xs, output: out)
        case .mul: node("Mul", xs, output: out)
        case .div: node("Div", xs, output: out)
        case .pow: node("Pow", xs, output: out)
        case .maximum: node("Max", xs, output: out)
        case .minimum: node("Min", xs, output: out)
        case .mod: mod(op, xs, out)
        case .equal: node("Equal", xs, output: out)
        case .less: node("Less", xs, output: out)
        case .lessEqual: node("LessOrEqual", xs, output: out)
        case .greater: node("Greater", xs, output: out)
        case .greaterEqual: node("GreaterOrEqual", xs, output: out)
        case .logicalAnd: node("And", xs, output: out)
        case .shiftLeft: node("BitShift", xs, output: out, [("direction", .string("LEFT"))])
        case .shiftRight: node("BitShift", xs, output: out, [("direction", .string("RIGHT"))])
        case .logicalOr: node("Or", xs, output: out)
        case .logicalXor: node("Xor", xs, output: out)
        case .select: node("Where", xs, output: out)
        case .cast: node("Cast", xs, output: out, [("to", .int(function.type(of: op.result).dtype.onnxElementType))])
        case .reduceSum: reduce(op, "ReduceSum", xs[0], out)
        case .reduceMean: reduce(op, "ReduceMean", xs[0], out)
        case .reduceMax: reduce(op, "ReduceMax", xs[0], out)
        case .reduceMin: reduce(op, "ReduceMin", xs[0], out)
        case .reduceProd: reduce(op, "ReduceProd", xs[0], out)
        case .reduceSumSquare: reduce(op, "ReduceSumSquare", xs[0], out)
        case .reduceL1: reduce(op, "ReduceL1", xs[0], out)
        case .reduceL2: reduce(op, "ReduceL2", xs[0], out)
        case .reduceLogSum: reduce(op, "ReduceLogSum", xs[0], out)
        case .reduceLogSumExp: reduce(op, "ReduceLogSumExp", xs[0], out)
        case .argmax, .argmin:
            node(op.kind == .argmax ? "ArgMax" : "ArgMin", xs, output: out,
                 [("axis", i("axis", 0)), ("keepdims", i("keepdims", 1)), ("select_last_index", i("select_last_index", 0))])
        case .cumsum:
            let axis = xs.count > 1 ? xs[1] : int64s([a["axis"]?.intValue ?? 0], dims: [], hint: "cumsum_axis")
            node("CumSum", [xs[0], axis], output: out, [("exclusive", i("exclusive", 0)), ("reverse", i("reverse", 0))])
        case .matmul where op.attributes["activation"] != nil || op.operands.count > 2:
            // fuse-epilogue's forms: MatMul, then Add of the bias and of the residual, then the activation.
            let hasActivation = op.attributes["activation"] != nil
            var pre = node("MatMul", Array(xs.prefix(2)), output: hasActivation || xs.count > 2 ? nil : out)
            for (k, extra) in xs.dropFirst(2).enumerated() {
                pre = node("Add", [pre, extra], output: !hasActivation && k == xs.count - 3 ? out : nil)
            }
            if hasActivation { try activation(op, pre, out) }
        case .layerNorm: layerNorm(op, xs, out)
        case .conv2d where op.attributes["activation"] != nil || op.operands.count == 4:
            // fuse-epilogue's forms: Conv, then Add of the residual, then the activation.
            let hasActivation = op.attributes["activation"] != nil
            var pre = fresh("conv_t")
            try convolution(op, Array(xs.prefix(3)), pre)
            if op.operands.count == 4 {
                let sum = hasActivation ? fresh("conv_sum") : out
                node("Add", [pre, xs[3]], output: sum)
                pre = sum
            }
            if hasActivation { try activation(op, pre, out) }
        case .matmul: node("MatMul", xs, output: out)
        case .conv2d, .convTranspose2d: try convolution(op, xs, out)
        case .maxPool2d, .avgPool2d: try pooling(op, xs[0], out)
        case .softmax: node("Softmax", xs, output: out, [("axis", i("axis", -1))])
        case .logSoftmax: node("LogSoftmax", xs, output: out, [("axis", i("axis", -1))])
        case .reshape: node("Reshape", [xs[0], try reshapeTarget(op)], output: out)
        case .flatten: node("Flatten", xs, output: out, [("axis", i("axis", 1))])
        case .transpose: node("Transpose", xs, output: out, a["perm"]?.intsValue.map { [("perm", .ints($0))] } ?? [])
        case .concat: node("Concat", xs, output: out, [("axis", i("axis", 0))])
        case .slice:
            guard a["offsets"] == nil else { throw unsupported(op, "run-time offsets") }
            let starts = a["starts"]?.intsValue ?? [], ends = a["ends"]?.intsValue ?? []
            let axes = a["axes"]?.intsValue ?? Array(0..<starts.count)
            let steps = a["steps"]?.intsValue ?? [Int](repeating: 1, count: starts.count)
            node("Slice", [xs[0], int64s(starts, hint: "starts"), int64s(ends, hint: "ends"), int64s(axes, hint: "axes"),
                           int64s(steps, hint: "steps")], output: out)
        case .gather: node("Gather", xs, output: out, [("axis", i("axis", 0))])
        case .gatherElements: node("GatherElements", xs, output: out, [("axis", i("axis", 0))])
        case .expand: node("Expand", [xs[0], try expandTarget(op)], output: out)
        case .tile: node("Tile", [xs[0], int64s(a["repeats"]?.intsValue ?? [], hint: "repeats")], output: out)
        case .pad: try pad(op, xs[0], out)
        case .resize: try resize(op, xs[0], out)
        case .nonzero: node("NonZero", xs, output: out)
        case .unique: throw unsupported(op, "Unique's index outputs are exported only with the whole Unique node (not yet)")
        case .nonMaxSuppression:
            guard op.attributes["has_score"]?.intValue != 0 else { throw unsupported(op, "a NonMaxSuppression without score_threshold") }
            node("NonMaxSuppression", xs, output: out, [("center_point_box", i("center_point_box", 0))])
        case .tfidfVectorizer:
            var attrs: [(name: String, value: ExportAttribute)] = [
                ("mode", .string(a["mode"]?.stringValue ?? "TF")), ("min_gram_length", i("min_gram_length", 1)),
                ("max_gram_length", i("max_gram_length", 1)), ("max_skip_count", i("max_skip_count", 0)),
                ("pool_int64s", .ints(a["pool"]?.intsValue ?? [])), ("ngram_counts", .ints(a["ngram_counts"]?.intsValue ?? [])),
                ("ngram_indexes", .ints(a["ngram_indexes"]?.intsValue ?? []))]
            if let w = a["weights"]?.floatsValue { attrs.append(("weights", .floats(w))) }
            node("TfIdfVectorizer", xs, output: out, attrs)
        case .gridSample:
            throw unsupported(op, "GridSample is opset 16 and export writes opset 13")
        case .roiAlign:
            // Opset 10's RoiAlign has no coordinate_transformation_mode and samples as output_half_pixel.
            guard a["coordinate_mode"]?.stringValue == "output_half_pixel" else {
                throw unsupported(op, "RoiAlign's half_pixel mode is opset 16 and export writes opset 13")
            }
            node("RoiAlign", xs, output: out, [("mode", .string(a["mode"]?.stringValue ?? "avg")),
                                               ("output_height", i("output_height", 1)), ("output_width", i("output_width", 1)),
                                               ("sampling_ratio", i("sampling_ratio", 0)), ("spatial_scale", f("spatial_scale", 1))])
        case .fused: try fused(op, xs, out)
        case .dropout:
            guard xs.count == 1 else { throw unsupported(op, "the training form (with a seed) is not exported") }
            node("Identity", xs, output: out)
        case .batchNorm:
            node("BatchNormalization", xs, output: out, [("epsilon", f("epsilon", 1e-5)), ("momentum", .float(1 - (a["momentum"]?.floatValue ?? 0.1)))])
        case .maxPool2dIndices:
            throw unsupported(op, "MaxPool's Indices output is exported only together with its values (not yet)")
        case .conv2dBackwardFilter, .maxPool2dBackward, .avgPool2dBackward, .scatterAdd:
            throw unsupported(op, "backward ops of training functions are not exported")
        case .topkValues, .topkIndices:
            guard let kv = a["k"]?.intValue else { throw unsupported(op, "a run-time k") }
            let k = int64s([kv], hint: "k")
            let attrs: [(name: String, value: ExportAttribute)] = [("axis", i("axis", -1)), ("largest", i("largest", 1)), ("sorted", .int(1))]
            let unused = fresh(op.kind == .topkValues ? "\(out)_indices" : "\(out)_values")
            if op.kind == .topkValues { node("TopK", [xs[0], k], output: out, attrs, outputs: [unused]) }
            else { node("TopK", [xs[0], k], output: unused, attrs, outputs: [out]) }
        case .qmatmul, .qconv2d:
            // The packed VNNI weight has no ONNX equivalent; export the float model instead.
            throw .unsupported(op: op.kind.rawValue, value: op.result.raw, location: op.location,
                               reason: "quantized ops are not exported; export before --quantize")
        case .sparseMatmul:
            // The CSR operands are run-time-format constants; the dense pruned model is the ONNX form.
            throw .unsupported(op: op.kind.rawValue, value: op.result.raw, location: op.location,
                               reason: "sparse ops are not exported; export before --prune (the pruned dense weights export as MatMul)")
        case .attention: try attention(op, xs, out)
        case .lstmSequence: try exportLSTMSequence(op, xs, out)
        case .toNCHWc, .fromNCHWc, .conv2dNCHWc, .maxPool2dNCHWc, .avgPool2dNCHWc:
            // The packed weight and blocked activations have no ONNX equivalent.
            throw .unsupported(op: op.kind.rawValue, value: op.result.raw, location: op.location,
                               reason: "blocked-layout ops are not exported; export before select-layout")
        }
    }

    /// Opset 13 has no attention node: the decomposed graph (Transpose, MatMul, Mul, Add,
    /// Softmax, MatMul, Transpose), as the fuse-attention pass found it.
    private mutating func attention(_ op: Operation, _ xs: [String], _ out: String) throws(ONNXExportError) {
        guard let layout = try? AttentionLayout(op.attributes) else { throw unsupported(op, "its layout attributes are invalid") }
        let dtype = function.type(of: op.result).dtype
        let headDim = layout.logicalShape(function.type(of: op.operands[0]), layout.q)[3].constantValue ?? 1
        func transpose(_ x: String, _ perm: [Int], _ hint: String) -> String {
            guard perm != AttentionLayout.identity else { return x }
            let y = fresh(hint)
            node("Transpose", [x], output: y, [("perm", .ints(perm))])
            return y
        }
        let q = transpose(xs[0], layout.q, "\(out)_q")
        let kT = transpose(xs[1], [layout.k[0], layout.k[1], layout.k[3], layout.k[2]], "\(out)_kt")
        let v = transpose(xs[2], layout.v, "\(out)_v")
        let product = fresh("\(out)_qk"), scaled = fresh("\(out)_scaled")
        node("MatMul", [q, kT], output: product)
        node("Mul", [product, scalar(layout.effectiveScale(headDim: headDim), dtype, hint: "\(out)_scale")], output: scaled)
        var scores = scaled
        if xs.count == 4 {
            scores = fresh("\(out)_masked")
            node("Add", [scaled, xs[3]], output: scores)
        }
        let weights = fresh("\(out)_weights")
        node("Softmax", [scores], output: weights, [("axis", .int(-1))])
        if layout.out == AttentionLayout.identity {
            node("MatMul", [weights, v], output: out)
        } else {
            let context = fresh("\(out)_context")
            node("MatMul", [weights, v], output: context)
            node("Transpose", [context], output: out, [("perm", .ints(layout.out))])
        }
    }

    /// A fused elementwise program expands back into one node per step.
    private mutating func fused(_ op: Operation, _ xs: [String], _ out: String) throws(ONNXExportError) {
        guard let text = op.attributes["program"]?.stringValue,
              let program = try? FusedProgram(parsing: text, operandCount: xs.count) else {
            throw unsupported(op, "its fused program is invalid")
        }
        let names: [OpKind: String] = [.neg: "Neg", .abs: "Abs", .sign: "Sign", .relu: "Relu", .sigmoid: "Sigmoid",
                                       .tanh: "Tanh", .exp: "Exp", .log: "Log", .sqrt: "Sqrt", .erf: "Erf", .floor: "Floor",
                                       .ceil: "Ceil", .round: "Round", .reciprocal: "Reciprocal", .sin: "Sin", .cos: "Cos",
                                       .softplus: "Softplus", .softsign: "Softsign", .add: "Add", .sub: "Sub", .mul: "Mul",
                                       .div: "Div", .pow: "Pow", .maximum: "Max", .minimum: "Min", .select: "Where",
                                       .equal: "Equal", .less: "Less", .lessEqual: "LessOrEqual", .greater: "Greater",
                                       .greaterEqual: "GreaterOrEqual"]
        var stack: [String] = []
        for (index, step) in program.steps.enumerated() {
            let last = index == program.steps.count - 1
            switch step {
            case .operand(let i): stack.append(xs[i])
            case .op(let kind):
                let arity = kind.info.arity.lowerBound
                let args = Array(stack.suffix(arity))
                stack.removeLast(arity)
                if kind == .hardSwish {
                    let h = node("HardSigmoid", args, output: nil, [("alpha", .float(1.0 / 6.0)), ("beta", .float(0.5))])
                    if last { node("Mul", [args[0], h], output: out) } else { stack.append(node("Mul", [args[0], h])) }
                    continue
                }
                guard let name = names[kind] else { throw unsupported(op, "'\(kind.rawValue)' has no ONNX form") }
                if last { node(name, args, output: out) } else { stack.append(node(name, args)) }
            }
        }
    }

    /// Gelu is opset 20; before it, its definition: x/2 (1 + erf(x/√2)), or the tanh form.
    /// layer_norm as opset 13 spells it (LayerNormalization arrived in opset 17).
    private mutating func layerNorm(_ op: Operation, _ xs: [String], _ out: String) {
        let t = function.type(of: op.result)
        let axis = op.attributes["axis"]?.intValue ?? -1
        let axes: [(name: String, value: ExportAttribute)] = [("axes", .ints(Array((axis < 0 ? axis + t.rank : axis)..<t.rank))), ("keepdims", .int(1))]
        let centered = node("Sub", [xs[0], node("ReduceMean", [xs[0]], axes)])
        let variance = node("ReduceMean", [node("Mul", [centered, centered])], axes)
        let root = node("Sqrt", [node("Add", [variance, scalar(op.attributes["epsilon"]?.floatValue ?? 1e-5, t.dtype, hint: "epsilon")])])
        let scaled = node("Mul", [node("Div", [centered, root]), xs[1]], output: xs.count > 2 ? nil : out)
        if xs.count > 2 { node("Add", [scaled, xs[2]], output: out) }
    }

    private mutating func gelu(_ op: Operation, _ x: String, _ out: String) throws(ONNXExportError) {
        let dtype = function.type(of: op.operands[0]).dtype
        switch op.attributes["approximate"]?.stringValue ?? "none" {
        case "none":
            let e = node("Erf", [node("Mul", [x, scalar(0.7071067811865476, dtype, hint: "inv_sqrt2")])])
            let y = node("Mul", [x, node("Add", [e, scalar(1, dtype, hint: "one")])])
            node("Mul", [y, scalar(0.5, dtype, hint: "half")], output: out)
        case "tanh":
            let cube = node("Mul", [x, node("Mul", [x, x])])
            let inner = node("Add", [x, node("Mul", [cube, scalar(0.044715, dtype, hint: "gelu_c")])])
            let t = node("Tanh", [node("Mul", [inner, scalar(0.7978845608028654, dtype, hint: "sqrt_2_over_pi")])])
            let y = node("Mul", [x, node("Add", [t, scalar(1, dtype, hint: "one")])])
            node("Mul", [y, scalar(0.5, dtype, hint: "half")], output: out)
        case let other:
            throw unsupported(op, "approximate = \"\(other)\" has no ONNX form")
        }
    }

    /// ONNX Mod needs fmod = 1 for floats; MIR's float mod with the divisor's sign is
    /// fmod corrected where the remainder and the divisor differ in sign (as codegen does).
    private mutating func mod(_ op: Operation, _ xs: [String], _ out: String) {
        let dtype = function.type(of: op.operands[0]).dtype
        let cMod = (op.attributes["fmod"]?.intValue ?? 0) != 0
        guard dtype.isFloat && !cMod else { node("Mod", xs, output: out, [("fmod", .int(cMod ? 1 : 0))]); return }
        let r = node("Mod", xs, [("fmod", .int(1))])
        let zero = scalar(0, dtype, hint: "zero")
        let signsDiffer = node("Xor", [node("Less", [r, zero]), node("Less", [xs[1], zero])])
        let fix = node("And", [node("Not", [node("Equal", [r, zero])]), signsDiffer])
        node("Where", [fix, node("Add", [r, xs[1]]), r], output: out)
    }

    /// Reductions: axes is an attribute in opset 13 except for ReduceSum, which takes an input.
    private mutating func reduce(_ op: Operation, _ opType: String, _ x: String, _ out: String) {
        let axes = op.attributes["axes"]?.intsValue ?? []
        let keep: (name: String, value: ExportAttribute) = ("keepdims", .int(op.attributes["keepdims"]?.intValue ?? 1))
        if op.kind == .reduceSum {
            node(opType, axes.isEmpty ? [x] : [x, int64s(axes, hint: "axes")], output: out, [keep])
        } else {
            node(opType, [x], output: out, axes.isEmpty ? [keep] : [("axes", .ints(axes)), keep])
        }
    }

    private func window(_ op: Operation) throws(ONNXExportError) -> WindowParams {
        do { return try WindowParams(op.attributes) } catch { throw unsupported(op, error.message) }
    }

    /// Conv / ConvTranspose: MIR's pads [top, left, bottom, right] are ONNX's [x1_begin, x2_begin, x1_end, x2_end].
    /// The activation fuse-epilogue folded into a conv2d or matmul, as its own node.
    private mutating func activation(_ op: Operation, _ x: String, _ out: String) throws(ONNXExportError) {
        switch op.attributes["activation"]?.stringValue {
        case "relu": node("Relu", [x], output: out)
        case "gelu", "gelu_tanh":
            try gelu(Operation(kind: .gelu, operands: op.operands, attributes: op.attributes["activation"]?.stringValue == "gelu_tanh"
                               ? ["approximate": .string("tanh")] : [:], result: op.result, location: op.location), x, out)
        case "clip":
            let dtype = function.type(of: op.result).dtype
            var inputs = [x, op.attributes["activation_min"]?.floatValue.map { scalar($0, dtype, hint: "clip_min") } ?? "",
                          op.attributes["activation_max"]?.floatValue.map { scalar($0, dtype, hint: "clip_max") } ?? ""]
            while inputs.last == "" { inputs.removeLast() }
            node("Clip", inputs, output: out)
        default: throw unsupported(op, "its activation is not relu or clip")
        }
    }

    private mutating func convolution(_ op: Operation, _ xs: [String], _ out: String) throws(ONNXExportError) {
        let p = try window(op)
        guard let w = function.type(of: op.operands[1]).staticShape, w.count == 4 else { throw unsupported(op, "the weight is not static rank 4") }
        var attrs: [(name: String, value: ExportAttribute)] = [
            ("kernel_shape", .ints([w[2], w[3]])), ("strides", .ints(p.strides)), ("pads", .ints(p.pads)),
            ("dilations", .ints(p.dilations)), ("group", .int(p.groups))]
        if op.kind == .convTranspose2d {
            attrs.append(("output_padding", .ints(op.attributes["output_padding"]?.intsValue ?? [0, 0])))
        }
        node(op.kind == .conv2d ? "Conv" : "ConvTranspose", xs, output: out, attrs)
    }

    private mutating func pooling(_ op: Operation, _ x: String, _ out: String) throws(ONNXExportError) {
        let p = try window(op)
        var attrs: [(name: String, value: ExportAttribute)] = [
            ("kernel_shape", .ints(p.kernel)), ("strides", .ints(p.strides)), ("pads", .ints(p.pads)),
            ("ceil_mode", .int(p.ceilMode ? 1 : 0))]
        if op.kind == .maxPool2d {
            attrs.append(("dilations", .ints(p.dilations)))
            node("MaxPool", [x], output: out, attrs)
        } else {
            attrs.append(("count_include_pad", .int(op.attributes["count_include_pad"]?.intValue ?? 0)))
            node("AveragePool", [x], output: out, attrs)
        }
    }

    private mutating func pad(_ op: Operation, _ x: String, _ out: String) throws(ONNXExportError) {
        let mode = op.attributes["mode"]?.stringValue ?? "constant"
        guard ["constant", "reflect", "edge"].contains(mode) else { throw unsupported(op, "mode '\(mode)'") }
        guard op.attributes["pads"]?.intsValue != nil, op.operands.count == 1 else { throw unsupported(op, "run-time pads or value") }
        var inputs = [x, int64s(op.attributes["pads"]?.intsValue ?? [], hint: "pads")]
        if mode == "constant" {
            inputs.append(scalar(op.attributes["value"]?.floatValue ?? 0, function.type(of: op.operands[0]).dtype, hint: "pad_value"))
        }
        node("Pad", inputs, output: out, [("mode", .string(mode))])
    }

    /// Resize with `scales` when ONNX's output size rule floor(in * scale) gives MIR's result
    /// shape, else with static `sizes` (whose implied scales MIR must then agree with).
    private mutating func resize(_ op: Operation, _ x: String, _ out: String) throws(ONNXExportError) {
        let inType = function.type(of: op.operands[0]), outType = function.type(of: op.result)
        guard op.operands.count == 1 else { throw unsupported(op, "run-time scales, sizes or roi") }
        let scales = op.attributes["scales"]?.floatsValue ?? [Double](repeating: 1, count: inType.rank)
        guard scales.count == inType.rank else { throw unsupported(op, "\(scales.count) scales for rank \(inType.rank)") }
        let mode = op.attributes["mode"]?.stringValue ?? "nearest"
        var attrs: [(name: String, value: ExportAttribute)] = [
            ("mode", .string(mode)),
            ("coordinate_transformation_mode", .string(op.attributes["coordinate_mode"]?.stringValue ?? "half_pixel")),
            ("nearest_mode", .string(op.attributes["nearest_mode"]?.stringValue ?? "round_prefer_floor"))]
        if mode == "cubic" {
            attrs.append(("cubic_coeff_a", .float(op.attributes["cubic_coeff_a"]?.floatValue ?? -0.75)))
            attrs.append(("exclude_outside", .int(op.attributes["exclude_outside"]?.intValue ?? 0)))
        }
        var roiName = ""
        if let roi = op.attributes["roi"]?.floatsValue {
            attrs.append(("extrapolation_value", .float(op.attributes["extrapolation_value"]?.floatValue ?? 0)))
            roiName = constant(ExportTensor(name: "roi", elementType: DType.f32.onnxElementType, dims: [roi.count],
                                            rawData: packValues(roi, as: .f32)))
        }
        var scalesGiveShape = true
        for (axis, s) in scales.enumerated() {
            let (i, o) = (inType.shape[axis], outType.shape[axis])
            if let iv = i.constantValue, let ov = o.constantValue {
                if Int((Double(iv) * Double(Float(s))).rounded(.down)) != ov { scalesGiveShape = false }
            } else if !(s == 1 && i == o) {
                scalesGiveShape = false
            }
        }
        if scalesGiveShape {
            let name = constant(ExportTensor(name: "scales", elementType: DType.f32.onnxElementType, dims: [scales.count],
                                             rawData: packValues(scales, as: .f32)))
            node("Resize", [x, roiName, name], output: out, attrs)
            return
        }
        let mismatch = unsupported(op, "its scales \(scales) and result type \(outType) do not follow ONNX's Resize size rule")
        guard let ins = inType.staticShape, let outs = outType.staticShape else { throw mismatch }
        for axis in 0..<ins.count {
            let implied: Double = Double(outs[axis]) / Double(max(ins[axis], 1))
            if abs(implied - scales[axis]) > 1e-6 * max(1, abs(scales[axis])) { throw mismatch }
        }
        node("Resize", [x, roiName, "", int64s(outs, hint: "sizes")], output: out, attrs)
    }
}
