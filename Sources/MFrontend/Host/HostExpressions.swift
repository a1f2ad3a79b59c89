import MIR

/// Types of host-code expressions.
extension HostChecker {
    func typeOf(_ e: Expr) -> MType {
        switch e.kind {
        case .int: return .int
        case .float: return .float
        case .string: return .string
        case .bool: return .bool
        case .identifier(let name): return typeOfName(name, at: e.range)
        case .tuple(let items): return .tuple(items.map(typeOf))
        case .list(let items):
            var element = MType.unknown
            for item in items {
                let t = typeOf(item)
                if element.isUnknown { element = t; continue }
                if case .int = element, case .float = t { element = .float; continue }
                if !element.accepts(t) {
                    diags.error("list elements differ in type: \(element.description) and \(t.description)", at: item.range)
                }
            }
            return .list(element)
        case .unary(let op, let operand):
            let t = typeOf(operand)
            switch (op, t) {
            case (.negate, .int), (.negate, .float), (.negate, .tensor), (_, .unknown): return t
            case (.not, .bool): return .bool
            default:
                diags.error("operator '\(op.spelling)' cannot be applied to \(t.description)", at: e.range); return .unknown
            }
        case .binary(let op, let lhs, let rhs): return typeOfBinary(op, lhs, rhs, at: e.range)
        case .member(let base, let name): return typeOfMember(typeOf(base), name)
        case .subscript(let base, let indices):
            let bt = typeOf(base)
            let its = indices.map(typeOf)
            switch bt {
            case .list(let element):
                if indices.count != 1 || !MType.int.accepts(its[0]) { diags.error("a list index must be one Int", at: e.range) }
                return element
            case .tuple(let items):
                guard indices.count == 1, case .success(.int(let i)) = ConstEvaluator(lookup: { _ in nil }).evaluate(indices[0]) else {
                    diags.error("a tuple index must be an Int literal", at: e.range); return .unknown
                }
                guard i >= 0 && i < items.count else {
                    diags.error("index \(i) is out of range for a tuple of \(items.count)", at: indices[0].range); return .unknown
                }
                return items[i]
            case .tensor: return .tensor(nil)
            case .string: return .string
            case .object(.dataset): return .object(.batch)
            case .unknown: return .unknown
            default:
                diags.error("\(bt.description) cannot be indexed", at: base.range); return .unknown
            }
        case .call(let callee, let arguments): return typeOfCall(callee, arguments, at: e.range)
        }
    }

    func typeOfName(_ name: String, at range: SourceRange) -> MType {
        if var b = bindings[name] {
            b.used = true
            bindings[name] = b
            return b.type
        }
        if let f = funcTypes[name] { return .function(f) }
        switch program.symbols[name] {
        case .model?: return .model(modelType(named: name))
        case .metamodel?: return .metamodel(name)
        case .onnx(let m)?: return .model(modelType(imported: m))
        case .function?, nil: break
        }
        if Builtins.functions[name] != nil || LayerKind(name: name) != nil || name == "Optimizer" {
            diags.error("'\(name)' must be called, like '\(name)(...)'", at: range); return .unknown
        }
        let candidates = Array(bindings.keys) + Array(funcTypes.keys) + program.modelNames + Array(Builtins.functions.keys)
        diags.error("unknown name '\(name)'\(suggestion(for: name, among: candidates))", at: range)
        return .unknown
    }

    private func typeOfBinary(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, at range: SourceRange) -> MType {
        let a = typeOf(lhs), b = typeOf(rhs)
        if a.isUnknown || b.isUnknown {
            switch op {
            case .and, .or, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return .bool
            default: return .unknown
            }
        }
        let mismatch = { () -> MType in
            self.diags.error("operator '\(op.spelling)' cannot be applied to \(a.description) and \(b.description)", at: range)
            return .unknown
        }
        switch op {
        case .and, .or:
            guard case .bool = a, case .bool = b else { return mismatch() }
            return .bool
        case .equal, .notEqual: return .bool
        case .less, .lessEqual, .greater, .greaterEqual:
            if a.isNumeric && b.isNumeric { return .bool }
            if case .string = a, case .string = b { return .bool }
            if case .tensor = a { return tensorOp(opKind(op), op, a, b, at: range) }
            return mismatch()
        case .add, .subtract, .multiply, .divide, .modulo, .power, .matmul:
            if case .tensor = a { return tensorOp(opKind(op), op, a, b, at: range) }
            if case .tensor = b { return tensorOp(opKind(op), op, a, b, at: range) }
            if op == .matmul { return mismatch() }
            switch (a, b) {
            case (.int, .int): return .int
            case (.int, .float), (.float, .int), (.float, .float): return .float
            case (.string, .string) where op == .add: return .string
            case (.list(let x), .list(let y)) where op == .add && x.accepts(y): return a
            default: return mismatch()
            }
        }
    }

    private func opKind(_ op: BinaryOperator) -> OpKind {
        switch op {
        case .add: .add
        case .subtract: .sub
        case .multiply: .mul
        case .divide: .div
        case .modulo: .mod
        case .power: .pow
        case .matmul: .matmul
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        case .equal, .notEqual: .equal
        case .and: .logicalAnd
        case .or: .logicalOr
        }
    }

    /// A tensor op in host code, shape-checked by the op table when both shapes are known.
    private func tensorOp(_ kind: OpKind, _ op: BinaryOperator, _ a: MType, _ b: MType, at range: SourceRange) -> MType {
        func tensorType(_ t: MType, other: TensorType?) -> TensorType?? {
            switch t {
            case .tensor(let x): return .some(x)
            case .int, .float: return .some(other.map { TensorType($0.dtype, []) })
            default: return nil
            }
        }
        let first: TensorType? = { if case .tensor(let x) = a { return x }; if case .tensor(let x) = b { return x }; return nil }()
        guard let ta = tensorType(a, other: first), let tb = tensorType(b, other: first) else {
            diags.error("cannot combine \(a.description) and \(b.description)", at: range); return .unknown
        }
        guard let x = ta, let y = tb else { return .tensor(nil) }
        do {
            return .tensor(try kind.inferResultType(operands: [x, y], attributes: [:]))
        } catch {
            diags.error("cannot apply '\(op.spelling)' to \(x) and \(y): \(error.message)", at: range); return .unknown
        }
    }

    func typeOfMember(_ base: MType, _ name: Identifier) -> MType {
        switch base {
        case .unknown: return .unknown
        case .object(.batch): return .tensor(nil)
        case .object(.dataset) where name.name == "x" || name.name == "y": return .tensor(nil)   // all samples' features or targets
        case .object(.metrics): return .float
        case .object(.datasetSplit):
            let fields = ["train", "test", "validation"]
            if fields.contains(name.name) { return .object(.dataset) }
            diags.error("a dataset split has no part '\(name.name)'\(suggestion(for: name.name, among: fields)) (it has train, test, validation)", at: name.range)
            return .unknown
        default:
            if let kind = receiverKind(base), Builtins.methods[kind]?[name.name] != nil {
                diags.error("'\(name.name)' is a method of \(base.description): call it as '\(name.name)(...)'", at: name.range)
            } else {
                diags.error("\(base.description) has no member '\(name.name)'", at: name.range)
            }
            return .unknown
        }
    }

    /// The key of `Builtins.methods` for a receiver type.
    func receiverKind(_ t: MType) -> String? {
        switch t {
        case .object(.dataset): "Dataset"
        case .object(.datasetSplit): "DatasetSplit"
        case .model: "Model"
        case .object(.trainingOptimizer): "TrainingOptimizer"
        case .tensor: "Tensor"
        case .builder: "Builder"
        case .object(.modelOptimizer): "ModelOptimizer"
        case .object(.engine): "Engine"
        default: nil
        }
    }

    // MARK: annotations and model types

    func resolveAnnotation(_ t: TypeExpr) -> MType {
        switch t.kind {
        case .int: return .int
        case .float: return .float
        case .bool: return .bool
        case .string: return .string
        case .tuple(let items): return .tuple(items.map(resolveAnnotation))
        case .list(let element): return .list(resolveAnnotation(element))
        case .function(let params, let result):
            return .function(FunctionType(params: params.enumerated().map { FunctionType.Param(name: "_\($0)", type: resolveAnnotation($1), hasDefault: false) },
                                          result: resolveAnnotation(result)))
        case .tensor(let dtype, let dims):
            let scope = Scope(spec: ModelSpec(name: "", declRange: nil), prefix: "", lowerer: Lowerer(program: program, rootName: "", arguments: []), isTop: false)
            var shape: [Dim] = []
            for d in dims { guard let dim = scope.resolveDim(d) else { return .unknown }; shape.append(dim) }
            return .tensor(TensorType(dtype, shape))
        case .named(let name):
            switch name {
            case "Dataset": return .object(.dataset)
            case "Model": return .model(nil)
            case "Tensor": return .tensor(nil)
            case "Engine": return .object(.engine)
            case "Optimizer": return .object(.trainingOptimizer)
            case "Loss": return .object(.lossFunction)
            case "Metric": return .object(.metric)
            case "Layer": return .layer(nil)
            case "HyperparamSpace": return .space([])
            case "None": return .none
            default: break
            }
            switch program.symbols[name] {
            case .model?: return .model(modelType(named: name))
            case .onnx(let m)?: return .model(modelType(imported: m))
            case .metamodel?: return .model(nil)
            case .function?:
                diags.error("'\(name)' is a func, not a type", at: t.range); return .unknown
            case nil:
                let known = ["Int", "Float", "Bool", "String", "Dataset", "Model", "Tensor", "Engine", "Optimizer", "Loss",
                             "Metric", "Layer", "HyperparamSpace"] + program.modelNames
                diags.error("unknown type '\(name)'\(suggestion(for: name, among: known))", at: t.range); return .unknown
            }
        }
    }

    /// The type of a declared model, lowering it if needed; nil (any model) after an error.
    func modelType(named name: String) -> ModelType? {
        if let t = modelTypeCache[name] { return t }
        guard let spec = program.spec(forModel: name), let lowered = program.lowerCached(spec) else { return nil }
        let t = lowered.modelType
        modelTypeCache[name] = t
        return t
    }

    func modelType(imported m: ImportedModel) -> ModelType {
        ModelType(name: m.alias.name, inputs: m.function.arguments,
                  outputs: m.function.results.map { (name: $0.name, type: m.function.type(of: $0.value)) },
                  layers: [], hyperparameters: [], parameterCount: m.parameters.count)
    }
}
