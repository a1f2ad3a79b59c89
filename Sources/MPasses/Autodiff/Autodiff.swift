import MIR

/// Reverse-mode automatic differentiation of one MIR function. The gradient ops are
/// appended to the same function (so forward values are reused, not recomputed): ops are
/// visited in reverse order, each op's result gradient is turned into operand gradients by
/// its rule (GradientTable.swift names the rule of every op), and gradients of a value
/// used several times are summed.
public enum Autodiff {
    public struct Gradients {
        /// Gradient of every requested parameter that the loss depends on, by name.
        public var parameters: [String: ValueID] = [:]
        /// Gradient of every requested argument that the loss depends on, by argument index.
        public var arguments: [Int: ValueID] = [:]
    }

    /// Appends to `f` the gradient of sum(loss) with respect to the named parameters and the
    /// argument indices (float values only). `loss` names one of `f`'s results. Inference-form
    /// batch_norm ops are expanded first; values are renumbered, so callers look up values
    /// (results, arguments) afterwards, not before.
    public static func differentiate(_ f: Function, in module: Module, loss: String, parameters: Set<String>,
                                     arguments: Set<Int> = []) throws(AutodiffError) -> Gradients {
        try prepare(f, in: module)
        guard let lossValue = f.results.first(where: { $0.name == loss })?.value else {
            throw AutodiffError("@\(f.name) has no result named '\(loss)'")
        }
        guard f.type(of: lossValue).dtype.isFloat else { throw AutodiffError("the loss of @\(f.name) is not a float tensor") }
        let forward = f.ops
        // Active values: float values that depend on a differentiated leaf.
        var active = [Bool](repeating: false, count: f.valueCount)
        for i in arguments where i < f.arguments.count && f.arguments[i].type.dtype.isFloat { active[i] = true }
        for op in forward {
            guard f.type(of: op.result).dtype.isFloat else { continue }
            if op.kind == .param { active[op.result.raw] = op.attributes["name"]?.stringValue.map(parameters.contains) ?? false }
            else { active[op.result.raw] = op.operands.contains { active[$0.raw] } }
        }
        let builder = GradientBuilder(f: f, pool: ConstantPool(module: module))
        var gradient: [ValueID: ValueID] = [:]
        guard active[lossValue.raw] else { return Gradients() }
        gradient[lossValue] = try builder.expand(builder.scalar(1, like: lossValue), f.type(of: lossValue).shape)
        var out = Gradients()
        for op in forward.reversed() {
            guard active[op.result.raw], let g = gradient[op.result] else { continue }
            if op.kind == .param {
                if let name = op.attributes["name"]?.stringValue {
                    out.parameters[name] = try out.parameters[name].map { v throws(AutodiffError) in try builder.add(v, g) } ?? g
                }
                continue
            }
            var b = builder
            b.location = op.location
            let need = op.operands.map { active[$0.raw] }
            let grads = try b.operandGradients(op, g: g, need: need)
            for (i, v) in op.operands.enumerated() where need[i] {
                guard let gv = grads[i] else { continue }
                guard f.type(of: gv) == f.type(of: v) else {
                    throw AutodiffError("internal error: the '\(op.kind.rawValue)' rule gives operand \(i) a gradient of type \(f.type(of: gv)), not \(f.type(of: v))", at: op.location)
                }
                gradient[v] = try gradient[v].map { e throws(AutodiffError) in try b.add(e, gv) } ?? gv
            }
        }
        for i in arguments { if let g = gradient[f.argument(i)] { out.arguments[i] = g } }
        return out
    }

    /// Expands batch_norm (inference form), layer_norm and attention into differentiable ops;
    /// rejects fused ops.
    static func prepare(_ f: Function, in module: Module) throws(AutodiffError) {
        if let fused = f.ops.first(where: { $0.kind == .fused }) {
            throw AutodiffError("@\(f.name) contains a 'fused' op: differentiate before the fuse-elementwise pass", at: fused.location)
        }
        guard f.ops.contains(where: { $0.kind == .batchNorm || $0.kind == .layerNorm || $0.kind == .attention }) else { return }
        let pool = ConstantPool(module: module)
        do {
            try f.rewriteOps { op throws(PassError) in
                switch op.kind {
                case .batchNorm: return try LowerInference.batchNorm(op, in: f, pool: pool)
                case .attention: return try f.decomposeAttention(op, pool: pool, pass: "autodiff")
                case .layerNorm: return try FuseNorm.expand(op, in: f, pool: pool)
                default: return nil
                }
            }
        } catch { throw AutodiffError(error.message) }
    }
}

extension GradientBuilder {
    /// One gradient per operand (nil where none flows) for an op whose result gradient is `g`.
    func operandGradients(_ op: Operation, g: ValueID, need: [Bool]) throws(AutodiffError) -> [ValueID?] {
        let y = op.result
        switch op.kind.gradientRule {
        case .elementwiseUnary:
            return [try unaryGradient(op, x: op.operands[0], y: y, g: g)] + [ValueID?](repeating: nil, count: op.operands.count - 1)
        case .elementwiseBinary: return try binaryGradient(op, y: y, g: g)
        case .select: return try selectGradient(op, g: g)
        case .reduction: return [try reductionGradient(op, x: op.operands[0], y: y, g: g)]
        case .cumsum: return [try cumsumGradient(op, g: g)] + [ValueID?](repeating: nil, count: op.operands.count - 1)
        case .topk: return [try topkGradient(op, x: op.operands[0], g: g)]
        case .softmax: return [try softmaxGradient(op, y: y, g: g)]
        case .matmul: return try matmulGradient(op, g: g, need: need)
        case .conv2d: return try conv2dGradient(op, g: g, need: need)
        case .convTranspose2d: return try convTranspose2dGradient(op, g: g, need: need)
        case .pool: return [try poolGradient(op, g: g)]
        case .movement: return try movementGradient(op, g: g, need: need)
        case .resize: return [try resizeGradient(op, g: g)]
        case .leaf, .expandedFirst:
            throw AutodiffError("internal error: '\(op.kind.rawValue)' reached the gradient rules", at: location)
        case .nonDifferentiable:
            throw AutodiffError("the loss depends on '\(op.kind.rawValue)', which is not differentiable (its gradient is zero or undefined); "
                                + "keep it off the path from the trained values to the loss", at: location)
        case .unsupported(let why):
            throw AutodiffError("the loss depends on '\(op.kind.rawValue)', which autodiff cannot differentiate: \(why)", at: location)
        }
    }
}
