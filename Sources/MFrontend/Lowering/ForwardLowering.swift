import Foundation
import MIR

/// Lowering of forward bodies: tensor expressions, layer applications and their parameters.
extension ModelLowering {
    static let functions: [String] = ["relu", "sigmoid", "tanh", "exp", "log", "sqrt", "abs", "softmax", "flatten",
                                      "maximum", "minimum", "matmul"]

    /// Without a forward block, layers apply in declaration order (Keras' Sequential).
    mutating func lowerSequential() {
        guard inputs.count == 1, outputs.count == 1 else {
            error("model '\(name)' has no forward block; that is only allowed with exactly one input and one output (layers then apply in order)", model.name.range)
            return
        }
        var current = function.argument(0)
        for layerName in layerOrder {
            guard let layer = layers[layerName], let v = apply(layerName, to: current, at: layer.range) else { return }
            current = v
        }
        values[outputs[0].0.name] = current
    }

    mutating func lowerStatement(_ stmt: Stmt) {
        switch stmt.kind {
        case .assign(let targets, let value):
            guard targets.count == 1, case .identifier(let target) = targets[0].kind else {
                error("forward supports assignments to a single name only", stmt.range); return
            }
            if layers[target] != nil || inputs.contains(where: { $0.0.name == target }) {
                error("cannot assign to '\(target)': it is \(layers[target] != nil ? "a layer" : "an input") of model '\(name)'", targets[0].range)
                return
            }
            if let v = lowerExpr(value) { values[target] = v }
        case .variable(_, let id, let type, let value):
            guard let value else { error("'\(id.name)' needs a value", stmt.range); return }
            guard let v = lowerExpr(value) else { return }
            if let type, let declared = resolveType(type), declared != function.type(of: v) {
                error("'\(id.name)' is declared \(declared) but its value is \(function.type(of: v))", type.range); return
            }
            values[id.name] = v
        case .expression, .for, .while, .if, .return:
            error("forward blocks hold tensor assignments only (like 'h = relu(fc1(x))')", stmt.range)
        }
    }

    mutating func lowerExpr(_ e: Expr) -> ValueID? {
        switch e.kind {
        case .identifier(let n):
            if let v = values[n] { return v }
            if layers[n] != nil { error("layer '\(n)' must be applied to a tensor, like '\(n)(x)'", e.range); return nil }
            let known = Array(values.keys)
            error("unknown name '\(n)'\(suggestion(for: n, among: known))", e.range)
            return nil
        case .call(let callee, let args):
            guard case .identifier(let fname) = callee.kind else {
                error("only layers and tensor functions can be called in forward", callee.range); return nil
            }
            return lowerCall(fname, callee: callee, args: args, range: e.range)
        case .binary(let op, let lhs, let rhs):
            guard let a = lowerExpr(lhs), let b = lowerExpr(rhs) else { return nil }
            let kind: OpKind
            switch op {
            case .add: kind = .add
            case .subtract: kind = .sub
            case .multiply: kind = .mul
            case .divide: kind = .div
            case .matmul: kind = .matmul
            case .or, .and, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .modulo, .power:
                error("operator '\(op.spelling)' is not supported on tensors yet", e.range); return nil
            }
            return emit(kind, [a, b], at: e.range)
        case .unary(.negate, let inner):
            guard let v = lowerExpr(inner) else { return nil }
            return emit(.neg, [v], at: e.range)
        case .int, .float:
            error("scalar constants in forward are not supported yet; use a layer", e.range); return nil
        case .string, .bool, .member, .subscript, .tuple, .list, .unary:
            error("expected a tensor expression, found \(describe(e))", e.range); return nil
        }
    }

    mutating func lowerCall(_ fname: String, callee: Expr, args: [Argument], range: SourceRange) -> ValueID? {
        if layers[fname] != nil {
            guard args.count == 1, args[0].label == nil else {
                error("layer '\(fname)' takes exactly one tensor argument", range); return nil
            }
            guard let x = lowerExpr(args[0].value) else { return nil }
            return apply(fname, to: x, at: range)
        }
        if let callee = importedModels[fname] {
            var operands: [ValueID] = []
            for a in args {
                if let label = a.label { error("imported model '\(fname)' takes positional tensors, not '\(label.name) ='", label.range); return nil }
                guard let v = lowerExpr(a.value) else { return nil }
                operands.append(v)
            }
            do {
                let results = try function.inline(callee, arguments: operands, parameterName: { "\(fname).\($0)" }, location: range.start)
                guard results.count == 1 else {
                    error("imported model '\(fname)' has \(results.count) outputs; only single-output models can be called in an expression yet", range)
                    return nil
                }
                return results[0]
            } catch {
                self.error(error.message, range); return nil
            }
        }
        guard ModelLowering.functions.contains(fname) else {
            let candidates = ModelLowering.functions + layerOrder + Array(importedModels.keys)
            if LayerKind(rawValue: fname) != nil {
                error("'\(fname)' is a layer type: declare it as a member (e.g. 'l = \(fname)(...)') and apply it by name", callee.range)
            } else {
                error("unknown function or layer '\(fname)'\(suggestion(for: fname, among: candidates))", callee.range)
            }
            return nil
        }
        var tensors: [ValueID] = []
        var axis: Int?
        for a in args {
            if let label = a.label {
                guard fname == "softmax" || fname == "flatten", label.name == "axis", let v = literalInt(a.value) else {
                    error("'\(fname)' has no argument '\(label.name)'", label.range); return nil
                }
                axis = v
            } else {
                guard let v = lowerExpr(a.value) else { return nil }
                tensors.append(v)
            }
        }
        let arity = ["maximum", "minimum", "matmul"].contains(fname) ? 2 : 1
        guard tensors.count == arity else {
            error("'\(fname)' takes \(arity) tensor argument\(arity == 1 ? "" : "s"), got \(tensors.count)", range); return nil
        }
        switch fname {
        case "softmax": return emit(.softmax, tensors, attributes: ["axis": .int(axis ?? -1)], at: range)
        case "flatten": return emit(.flatten, tensors, attributes: ["axis": .int(axis ?? 1)], at: range)
        case "maximum": return emit(.maximum, tensors, at: range)
        case "minimum": return emit(.minimum, tensors, at: range)
        case "matmul": return emit(.matmul, tensors, at: range)
        default: return activationOps[fname].flatMap { emit($0, tensors, at: range) }
        }
    }

    /// Appends an op, reporting a shape-rule failure at `range`.
    func emit(_ kind: OpKind, _ operands: [ValueID], attributes: Attributes = [:], explicit: TensorType? = nil,
              at range: SourceRange) -> ValueID? {
        do {
            return try function.append(kind, operands, attributes: attributes, explicitType: explicit, location: range.start)
        } catch {
            self.error(error.message, range); return nil
        }
    }

    // MARK: layers

    mutating func apply(_ layerName: String, to x: ValueID, at range: SourceRange) -> ValueID? {
        guard var layer = layers[layerName] else { return nil }
        let xt = function.type(of: x)
        let call = "\(layer.kind.rawValue) '\(layerName)'"
        var result: ValueID?
        switch layer.kind {
        case .dense:
            guard xt.rank >= 2 else {
                error("\(call) expects an input of rank 2 or more [batch, features], got \(xt)", range); return nil
            }
            guard let features = xt.shape[xt.rank - 1].constantValue else {
                error("\(call) needs a static feature dim, got \(xt)", range); return nil
            }
            if xt.rank > 2 {
                error("\(call) expects a rank-2 input [batch, features], got rank \(xt.rank) (\(xt)); apply flatten() first", range)
                return nil
            }
            guard let w = weight(&layer, shape: [features, layer.units], fanIn: features, fanOut: layer.units, at: range),
                  var y = emit(.matmul, [x, w], at: range) else { return nil }
            if layer.useBias {
                guard let b = bias(layer, count: layer.units), let yb = emit(.add, [y, b], at: range) else { return nil }
                y = yb
            }
            result = y
        case .conv2d:
            guard xt.rank == 4, let channels = xt.shape[1].constantValue else {
                error("\(call) expects a rank-4 NCHW input with a static channel dim, got \(xt)", range); return nil
            }
            let (kh, kw) = (layer.kernel[0], layer.kernel[1])
            var pads = [0, 0, 0, 0]
            if layer.padding == "same" {
                guard layer.strides == [1, 1] else { error("\(call): padding \"same\" needs stride 1", range); return nil }
                let th = layer.dilations[0] * (kh - 1), tw = layer.dilations[1] * (kw - 1)
                pads = [th / 2, tw / 2, th - th / 2, tw - tw / 2]
            }
            let fan = channels * kh * kw
            guard let w = weight(&layer, shape: [layer.units, channels, kh, kw], fanIn: fan, fanOut: layer.units * kh * kw, at: range)
            else { return nil }
            var operands = [x, w]
            if layer.useBias { guard let b = bias(layer, count: layer.units) else { return nil }; operands.append(b) }
            result = emit(.conv2d, operands, attributes: ["strides": .ints(layer.strides), "pads": .ints(pads),
                                                          "dilations": .ints(layer.dilations)], at: range)
        case .maxPooling2d, .averagePooling2d:
            var pads = [0, 0, 0, 0]
            if layer.padding == "same" {
                let th = layer.kernel[0] - 1, tw = layer.kernel[1] - 1
                pads = [th / 2, tw / 2, th - th / 2, tw - tw / 2]
            }
            result = emit(layer.kind == .maxPooling2d ? .maxPool2d : .avgPool2d, [x],
                          attributes: ["kernel": .ints(layer.kernel), "strides": .ints(layer.strides), "pads": .ints(pads)], at: range)
        case .flatten:
            result = emit(.flatten, [x], attributes: ["axis": .int(1)], at: range)
        case .softmax:
            result = emit(.softmax, [x], attributes: ["axis": .int(layer.axis)], at: range)
        case .activation, .relu:
            result = x
        }
        if let act = layer.activation, let r = result { result = emit(act, [r], at: range) }
        layer.used = true
        layers[layerName] = layer
        return result
    }

    /// The layer's weight parameter, created on first use; later uses must agree in shape.
    mutating func weight(_ layer: inout Layer, shape: [Int], fanIn: Int, fanOut: Int, at range: SourceRange) -> ValueID? {
        let paramName = "\(layer.name.name).weight"
        if let existing = layer.weightShape, existing != shape {
            error("layer '\(layer.name.name)' is applied again to an input that needs weight shape \(shape), but its first use fixed \(existing)", range)
            return nil
        }
        layer.weightShape = shape
        let limit = (6.0 / Double(max(1, fanIn + fanOut))).squareRoot()  // Glorot/Xavier uniform
        return parameter(paramName, shape: shape, initializer: .uniform(limit: limit, seed: (seed ^ stableHash(name + "." + paramName)) & 0x7FFF_FFFF_FFFF_FFFF))
    }

    mutating func bias(_ layer: Layer, count: Int) -> ValueID? {
        parameter("\(layer.name.name).bias", shape: [count], initializer: .zeros)
    }

    mutating func parameter(_ paramName: String, shape: [Int], initializer: Initializer) -> ValueID? {
        let type = TensorType(.f32, static: shape)
        var globalName = paramName
        if let existing = module.parameter(named: paramName), !isOurs(existing) { globalName = "\(name).\(paramName)" }
        if module.parameter(named: globalName) == nil {
            let init_ = weightsFile.map { Initializer.safetensors(path: $0, key: paramName) } ?? initializer
            module.parameters.append(MIR.Parameter(name: globalName, type: type, initializer: init_))
            ownedParameters.insert(globalName)
        }
        return try? function.append(.param, [], attributes: ["name": .string(globalName)], explicitType: type)
    }
}
