import Foundation
import MIR

/// One model ready to compile for `mcc run`: a module holding its forward function and parameters.
public struct HostModel {
    public var name: String
    public var module: Module
    /// Top-level layer names in declaration order (fine-tuning's head and freeze groups).
    public var layers: [String]
    /// Parameters that are not trained (running statistics, constants).
    public var buffers: Set<String>
    public var function: Function { module.functions[0] }
}

/// A checked program whose host code `mcc run` executes: the root file's statements and every
/// func, plus lowering of models on demand.
public final class HostProgram: @unchecked Sendable {
    let program: Program
    public let diagnostics: DiagnosticEngine
    /// The root file's declarations in source order.
    public var root: SourceUnit { program.root }
    public var rootPath: String { program.rootPath }
    private var lowered: [String: HostModel] = [:]

    init(program: Program, diagnostics: DiagnosticEngine) { self.program = program; self.diagnostics = diagnostics }

    /// Funcs of the root file and its imports.
    public var functions: [String: FuncDecl] {
        var out: [String: FuncDecl] = [:]
        for (name, s) in program.symbols { if case .function(let f) = s { out[name] = f } }
        return out
    }

    public func isModel(_ name: String) -> Bool {
        switch program.symbols[name] {
        case .model?, .onnx?: true
        default: false
        }
    }

    public func isMetamodel(_ name: String) -> Bool {
        if case .metamodel? = program.symbols[name] { return true }
        return false
    }

    /// Every model, metamodel and func name (for "did you mean").
    public var declaredNames: [String] { program.symbols.keys.sorted() }

    /// Lowers model `name` (once); nil after diagnostics were emitted.
    public func model(named name: String) -> HostModel? {
        if let m = lowered[name] { return m }
        let result: HostModel?
        switch program.symbols[name] {
        case .onnx(let imported)?:
            let module = Module(name: sanitizedIdentifier(name))
            module.parameters = imported.parameters
            module.functions = [imported.function]
            result = HostModel(name: name, module: module, layers: [], buffers: [])
        case .model?:
            guard let spec = program.spec(forModel: name), let l = program.lowerCached(spec) else { return nil }
            result = hostModel(l)
        default:
            return nil
        }
        lowered[name] = result
        return result
    }

    /// `Meta(args)` in host code; the arguments must be compile-time values.
    public func instantiate(metamodel name: String, arguments: [Argument], at range: SourceRange) -> HostModel? {
        guard case .metamodel(let meta)? = program.symbols[name],
              let spec = program.instantiate(meta, arguments: arguments, evaluator: ConstEvaluator { _ in nil }, at: range),
              let l = program.lowerCached(spec) else { return nil }
        return hostModel(l)
    }

    private func hostModel(_ l: LoweredModel) -> HostModel {
        let module = Module(name: sanitizedIdentifier(l.function.name))
        module.parameters = l.parameters
        module.functions = [l.function]
        return HostModel(name: l.function.name, module: module, layers: l.layers, buffers: l.buffers)
    }
}

/// Parses and checks `file` (models, funcs and host statements, like `mcc check`) for `mcc run`;
/// nil when there were errors (the diagnostics say which).
public func loadHostProgram(_ file: SourceFile, diagnostics: DiagnosticEngine, importer: ModelImporter? = nil,
                            options: FrontendOptions) -> HostProgram? {
    withLargeStack { () -> HostProgram? in
        diagnostics.register(file)
        let diags = Diags(engine: diagnostics)
        var checkOptions = options
        checkOptions.mode = .check
        let program = Program(diags: diags, options: checkOptions, importer: importer)
        guard program.load(root: file), !diagnostics.hasErrors else { return nil }
        for case .metamodel(let m) in program.root.declarations {
            if case .metamodel(let declared)? = program.symbols[m.name.name], declared.range == m.range { program.checkMetamodel(m) }
        }
        HostChecker(program: program).checkProgram()
        return diagnostics.hasErrors ? nil : HostProgram(program: program, diagnostics: diagnostics)
    }
}

/// Runs `body` on a thread with a stack deep enough for lowering and interpreting any program
/// (host code calls into the front end's recursive lowering).
public func withLargeStack<T>(_ body: @escaping () -> T) -> T { runWithLargeStack(256 << 20, body) }
