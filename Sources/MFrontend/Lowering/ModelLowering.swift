import MIR

/// A model lowered to its own function and parameters (merged into the output module later).
struct LoweredModel {
    var function: Function
    var parameters: [MIR.Parameter]
    /// Parameters that are not trained (running statistics, constants).
    var buffers: Set<String>
    var layers: [String]
    var hyperparameters: [String]

    /// Trainable parameter elements, counted from the types (no data is generated).
    var trainableCount: Int {
        parameters.filter { !buffers.contains($0.name) }.reduce(0) { sum, p in
            let n = (p.type.staticShape ?? []).reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            return sum.addingReportingOverflow(n).partialValue
        }
    }

    var modelType: ModelType {
        ModelType(name: function.name, inputs: function.arguments,
                  outputs: function.results.map { (name: $0.name, type: function.type(of: $0.value)) },
                  layers: layers, hyperparameters: hyperparameters, parameterCount: trainableCount)
    }
}

extension Program {
    /// Lowers `spec` once per name (host code asks for the same models again).
    func lowerCached(_ spec: ModelSpec) -> LoweredModel? {
        if let m = loweredCache[spec.name] { return m }
        if failedLowering.contains(spec.name) { return nil }
        guard let m = lower(spec) else { failedLowering.insert(spec.name); return nil }
        loweredCache[spec.name] = m
        return m
    }

    /// Lowers a model to a function whose arguments are its inputs and whose results are its outputs.
    func lower(_ spec: ModelSpec) -> LoweredModel? {
        let errorsBefore = diags.errorCount
        let probe = Scope(spec: spec, prefix: "", lowerer: Lowerer(program: self, rootName: spec.name, arguments: []), isTop: true)
        var arguments: [FunctionInput]
        if let m = spec.imported {
            arguments = m.function.arguments
        } else if let c = spec.composite {
            guard case .component(let item) = probe.buildComponent(c, name: spec.name),
                  let signature = probe.signature(of: item) else { return nil }
            arguments = signature
        } else {
            if spec.inputs.isEmpty {
                diags.error("model '\(spec.name)' declares no input (e.g. 'input x: f32[batch, 784]')", at: spec.declRange); return nil
            }
            guard let signature = diags.withContext(spec.instantiatedAt, { probe.declaredInputTypes() }) else { return nil }
            arguments = signature
            checkInputSymbols(spec, arguments)
        }
        guard diags.errorCount == errorsBefore else { return nil }
        let lowerer = Lowerer(program: self, rootName: spec.name, arguments: arguments)
        let scope = Scope(spec: spec, prefix: "", lowerer: lowerer, isTop: true)
        let callRange = spec.declRange ?? SourceRange(SourceLocation(file: rootPath, line: 1, column: 1))
        let args = arguments.indices.map { lowerer.function.argument($0) }
        guard let outputs = diags.withContext(spec.instantiatedAt, { scope.run(arguments: args, callRange: callRange) }),
              diags.errorCount == errorsBefore else { return nil }
        var names = Set<String>()
        for (i, out) in outputs.enumerated() {
            let name = names.contains(out.name) ? "\(out.name)\(i)" : out.name
            names.insert(name)
            lowerer.function.results.append(FunctionOutput(name: name, value: out.value))
        }
        return LoweredModel(function: lowerer.function, parameters: lowerer.module.parameters, buffers: lowerer.buffers,
                            layers: scope.componentOrder.map(\.name),
                            hyperparameters: spec.metamodel?.parameters.map(\.name.name) ?? [])
    }

    /// A symbol inside an input dim expression must also be a plain dim of some input (so the
    /// runtime can bind it from the inputs' shapes).
    private func checkInputSymbols(_ spec: ModelSpec, _ inputs: [FunctionInput]) {
        var plain = Set<String>()
        for t in inputs { for d in t.type.shape { if let s = d.symbolName { plain.insert(s) } } }
        for (decl, t) in zip(spec.inputs, inputs) {
            for d in t.type.shape { for s in d.symbols where !plain.contains(s) {
                diags.error("input '\(decl.name.name)': symbolic dim '\(s)' is used in an expression but no input has it as a dim of its own", at: decl.name.range)
            } }
        }
    }

    /// A metamodel on its own: with all-default hyperparameters it is lowered like a model; with
    /// required ones its members are checked with those values unknown.
    func checkMetamodel(_ meta: MetamodelDecl) {
        var complete = true
        var unknown: [String: ConstValue] = [:]
        for p in meta.parameters where p.defaultValue == nil {
            complete = false
            guard let t = hyperparameterType(p) else {
                diags.error("hyperparameter '\(p.name.name)' needs a type (like '\(p.name.name): Int') or a default", at: p.name.range)
                return
            }
            unknown[p.name.name] = .unknown(t)
        }
        if complete {
            guard let spec = instantiate(meta, arguments: [], evaluator: ConstEvaluator { _ in nil }, at: meta.name.range) else { return }
            spec.instantiatedAt = nil
            _ = lowerCached(spec)
            return
        }
        guard let env = bindHyperparameters(meta, explicit: unknown, ranges: [:], at: meta.name.range) else { return }
        let spec = ModelSpec(name: meta.name.name, declRange: meta.name.range)
        spec.metamodel = meta
        spec.env = env
        spec.isTemplate = true
        spec.apply(members: checkDuplicateMembers(meta.members, owner: meta.name.name, diags: diags), diags: diags)
        let scope = Scope(spec: spec, prefix: "", lowerer: Lowerer(program: self, rootName: meta.name.name, arguments: []), isTop: false)
        for input in spec.inputs { _ = scope.resolveType(input.type) }
        let errors = diags.errorCount
        scope.collectMembers()
        if diags.errorCount == errors { scope.checkNames() }
    }
}
