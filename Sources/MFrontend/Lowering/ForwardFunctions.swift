import MIR

/// A tensor function callable in forward: how many tensors it takes first, then its options
/// (by position after the tensors, or by keyword).
struct ForwardFunction {
    var tensors: ClosedRange<Int>
    var options: [ArgumentSpec] = []
}

enum ForwardFunctions {
    static let axis = ArgumentSpec("axis", .int)
    static let reduction: ForwardFunction = ForwardFunction(tensors: 1...1, options: [ArgumentSpec("axis", .ints), ArgumentSpec("keepdims", .bool)])
    static let unary: ForwardFunction = ForwardFunction(tensors: 1...1)

    static let table: [String: ForwardFunction] = [
        "relu": unary, "relu6": unary, "sigmoid": unary, "tanh": unary, "silu": unary, "exp": unary, "log": unary,
        "sqrt": unary, "abs": unary, "erf": unary, "softplus": unary,
        "gelu": ForwardFunction(tensors: 1...1, options: [ArgumentSpec("approximate", .string(["none", "tanh"]))]),
        "leaky_relu": ForwardFunction(tensors: 1...1, options: [ArgumentSpec("alpha", .float)]),
        "elu": ForwardFunction(tensors: 1...1, options: [ArgumentSpec("alpha", .float)]),
        "softmax": ForwardFunction(tensors: 1...1, options: [axis]),
        "log_softmax": ForwardFunction(tensors: 1...1, options: [axis]),
        "flatten": ForwardFunction(tensors: 1...1, options: [axis]),
        "maximum": ForwardFunction(tensors: 2...2), "minimum": ForwardFunction(tensors: 2...2),
        "matmul": ForwardFunction(tensors: 2...2), "pow": ForwardFunction(tensors: 2...2),
        "where": ForwardFunction(tensors: 3...3),
        "concat": ForwardFunction(tensors: 1...1000, options: [axis]),
        "reshape": ForwardFunction(tensors: 1...1, options: [ArgumentSpec("shape", .shape, required: true)]),
        "transpose": ForwardFunction(tensors: 1...1, options: [ArgumentSpec("perm", .ints)]),
        "mean": reduction, "sum": reduction, "max": reduction, "min": reduction, "l2_norm": reduction,
        "dropout": ForwardFunction(tensors: 1...1, options: [ArgumentSpec("rate", .probability)]),
        "clip": ForwardFunction(tensors: 1...1, options: [ArgumentSpec("min", .float), ArgumentSpec("max", .float)]),
        "cast": ForwardFunction(tensors: 1...1, options: [ArgumentSpec("dtype", .string(DType.allCases.map(\.rawValue)), required: true)]),
        "arange": ForwardFunction(tensors: 0...0, options: [ArgumentSpec("n", .positiveInt, required: true)]),
        "zeros_like": unary, "ones_like": unary,
        "take": ForwardFunction(tensors: 1...1, options: [ArgumentSpec("index", .int, required: true), axis]),
    ]
}

extension Scope {
    /// Lowers a call of a forward tensor function (`softmax(x, axis = 1)`, `concat(a, b)`).
    func lowerFunction(_ name: String, _ fn: ForwardFunction, _ args: [Argument], range: SourceRange) -> ValueID? {
        var operands: [Operand] = []
        var optionArgs: [Argument] = []
        var optionValues: [ConstValue?] = []
        for a in args {
            if a.label == nil && optionArgs.isEmpty && operands.count < fn.tensors.upperBound {
                guard let v = lowerExpr(a.value) else { return nil }
                operands.append(v)
                continue
            }
            optionArgs.append(a)
            switch evaluator.evaluate(a.value) {
            case .success(let v): optionValues.append(v)
            case .failure(let e): diags.error(e.message, at: e.range); optionValues.append(nil)
            }
        }
        guard fn.tensors.contains(operands.count) else {
            let n = fn.tensors
            diags.error("'\(name)' takes \(n.count == 1 ? "\(n.lowerBound)" : "\(n.lowerBound) or more") tensor argument\(n.lowerBound == 1 && n.count == 1 ? "" : "s"), got \(operands.count)", at: range)
            return nil
        }
        guard let options = bindArguments(optionArgs, values: optionValues, to: fn.options, callee: name, callRange: range, diags: diags) else {
            return nil
        }
        // Numbers take the dtype of the first tensor argument.
        var dtype = DType.f32
        for o in operands { if case .tensor(let t) = o { dtype = lowerer.type(t).dtype; break } }
        var xs: [ValueID] = []
        for (o, a) in zip(operands, args) {
            if case .scalar(let s) = o {
                guard let c = lowerer.scalar(s, dtype, at: a.value.range) else { return nil }
                xs.append(c)
            } else {
                guard let t = lowerTensorOperand(o, at: a.value.range) else { return nil }
                xs.append(t)
            }
        }
        if name == "arange" {
            let n = options["n"]?.intValue ?? 1
            guard n <= 1 << 20 else { diags.error("'arange' makes at most 2^20 values, got \(n)", at: range); return nil }
            return lowerer.constantTensor((0..<n).map(Double.init), shape: [n], dtype: .i64, at: range)
        }
        let x = xs[0]
        let emit = lowerer.emit
        func axes() -> Attributes {
            var attrs: Attributes = ["keepdims": .int(options["keepdims"]?.boolValue == true ? 1 : 0)]
            if case .tuple(let items)? = options["axis"] { attrs["axes"] = .ints(items.compactMap(\.intValue)) }
            return attrs
        }
        switch name {
        case "softmax", "log_softmax":
            return emit(name == "softmax" ? .softmax : .logSoftmax, [x], ["axis": .int(options["axis"]?.intValue ?? -1)], nil, range)
        case "flatten": return emit(.flatten, [x], ["axis": .int(options["axis"]?.intValue ?? 1)], nil, range)
        case "maximum": return emit(.maximum, xs, [:], nil, range)
        case "minimum": return emit(.minimum, xs, [:], nil, range)
        case "matmul": return emit(.matmul, xs, [:], nil, range)
        case "pow": return emit(.pow, xs, [:], nil, range)
        case "where": return emit(.select, xs, [:], nil, range)
        case "erf": return emit(.erf, [x], [:], nil, range)
        case "concat":
            do {
                _ = try OpKind.concat.inferResultType(operands: xs.map(lowerer.type), attributes: ["axis": .int(options["axis"]?.intValue ?? 1)])
            } catch {
                let notes = zip(args, xs).map { diags.note("this part is \(lowerer.type($1))", at: $0.value.range) }
                diags.error("cannot concat \(xs.map { lowerer.type($0).description }.joined(separator: " and ")): \(error.message)", at: range, notes: notes)
                return nil
            }
            return emit(.concat, xs, ["axis": .int(options["axis"]?.intValue ?? 1)], nil, range)
        case "reshape":
            let spec = LayerSpec(kind: .reshape, arguments: options, range: range)
            guard let target = spec.ints("shape"), let shape = reshapeTarget(target, lowerer.type(x), call: "reshape", at: range) else { return nil }
            return lowerer.reshape(x, shape, at: range)
        case "transpose":
            let rank = lowerer.type(x).rank
            var perm = Array(0..<rank)
            if rank >= 2 { perm.swapAt(rank - 1, rank - 2) }
            if case .tuple(let items)? = options["perm"] { perm = items.compactMap(\.intValue) }
            return emit(.transpose, [x], ["perm": .ints(perm)], nil, range)
        case "mean": return emit(.reduceMean, [x], axes(), nil, range)
        case "sum": return emit(.reduceSum, [x], axes(), nil, range)
        case "max": return emit(.reduceMax, [x], axes(), nil, range)
        case "min": return emit(.reduceMin, [x], axes(), nil, range)
        case "l2_norm": return emit(.reduceL2, [x], axes(), nil, range)
        case "dropout": return emit(.dropout, [x], ["ratio": .float(options["rate"]?.doubleValue ?? 0.5)], nil, range)
        case "zeros_like", "ones_like": return lowerer.filled(name == "zeros_like" ? 0 : 1, lowerer.type(x), at: range)
        case "take":
            let t = lowerer.type(x)
            guard let axis = try? normalizeAxis(options["axis"]?.intValue ?? 0, rank: t.rank), t.rank >= 1 else {
                diags.error("'take': axis \(options["axis"]?.intValue ?? 0) is out of range for \(t)", at: range); return nil
            }
            let i = options["index"]?.intValue ?? 0
            if let n = t.shape[axis].constantValue, i >= n || i < -n {
                diags.error("'take': index \(i) is out of range for dim \(axis) of \(t)", at: range); return nil
            }
            guard let s = emit(.slice, [x], ["starts": .ints([i]), "ends": .ints([i == -1 ? Int(Int32.max) : i + 1]), "axes": .ints([axis])], nil, range)
            else { return nil }
            var shape = t.shape
            shape.remove(at: axis)
            return lowerer.reshape(s, shape, at: range)
        case "clip":
            var attrs: Attributes = [:]
            if let lo = options["min"]?.doubleValue { attrs["min"] = .float(lo) }
            if let hi = options["max"]?.doubleValue { attrs["max"] = .float(hi) }
            return emit(.clip, [x], attrs, nil, range)
        case "cast": return emit(.cast, [x], ["to": .string(options["dtype"]?.stringValue ?? "f32")], nil, range)
        default:
            return activation(name, x, alpha: options["alpha"]?.doubleValue, approximate: options["approximate"]?.stringValue, at: range)
        }
    }
}
