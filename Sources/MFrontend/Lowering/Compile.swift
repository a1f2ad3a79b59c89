import Foundation
import MIR

/// Why an imported model could not be loaded (the message names the file and problem).
public struct ModelImportFailure: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Resolves `import onnx "path" as Name`: given the resolved path, returns a module with
/// one function (the model) and its parameters. The driver supplies it (MInterop), so the
/// front end does not depend on importers.
public typealias ModelImporter = (String) -> Result<Module, ModelImportFailure>

/// What the front end learned about one model of the root file.
public struct ModelSummary: Sendable {
    public var name: String
    /// Elements of the trainable parameters (what PyTorch's `parameters()` counts).
    public var parameterCount: Int
    /// Elements of the other parameters: running statistics and constants.
    public var bufferCount: Int
    public var parameterNames: [String]
}

/// The result of the front end: the module (nil when errors were reported) and its models.
public struct CompileResult {
    public var module: Module?
    public var models: [ModelSummary]
}

/// Front-end entry point of the first subset's API: compiles `file`'s models to MIR.
public func compileSource(_ file: SourceFile, diagnostics: DiagnosticEngine, importer: ModelImporter? = nil) -> Module? {
    compileProgram(file, diagnostics: diagnostics, importer: importer, options: FrontendOptions()).module
}

/// Parses `file` and what it imports and lowers the file's models to one MIR module (one
/// function per model). In check mode, host code (funcs, top-level statements) is type-checked
/// too; in compile mode it is skipped with a note: it runs under `mcc run` (a later issue).
public func compileProgram(_ file: SourceFile, diagnostics: DiagnosticEngine, importer: ModelImporter? = nil,
                           options: FrontendOptions) -> CompileResult {
    // Lowering recurses over expressions and nested models; give it a stack that any input fits.
    runWithLargeStack(64 << 20) { compileOnThisThread(file, diagnostics: diagnostics, importer: importer, options: options) }
}

private func compileOnThisThread(_ file: SourceFile, diagnostics: DiagnosticEngine, importer: ModelImporter?,
                                 options: FrontendOptions) -> CompileResult {
    diagnostics.register(file)
    let diags = Diags(engine: diagnostics)
    let program = Program(diags: diags, options: options, importer: importer)
    guard program.load(root: file), !diagnostics.hasErrors else { return CompileResult(module: nil, models: []) }
    let stem = URL(fileURLWithPath: file.path).deletingPathExtension().lastPathComponent
    let module = Module(name: sanitizedIdentifier(stem))
    var summaries: [ModelSummary] = []
    var modelCount = 0
    var hostDecls: [SourceRange] = []
    for decl in program.root.declarations {
        switch decl {
        case .model(let m):
            modelCount += 1
            guard case .model(let declared)? = program.symbols[m.name.name], declared.range == m.range,
                  let spec = program.spec(forModel: m.name.name), let lowered = program.lowerCached(spec) else { continue }
            merge(lowered, into: module)
            summaries.append(ModelSummary(name: m.name.name, parameterCount: lowered.trainableCount,
                                          bufferCount: lowered.parameters.reduce(0) { $0 + (lowered.buffers.contains($1.name) ? ($1.type.staticShape ?? []).reduce(1, *) : 0) },
                                          parameterNames: lowered.parameters.map(\.name)))
        case .metamodel(let m):
            if case .metamodel(let declared)? = program.symbols[m.name.name], declared.range == m.range { program.checkMetamodel(m) }
        case .func(let f): hostDecls.append(f.range)
        case .statement(let s): hostDecls.append(s.range)
        case .import, .importONNX: break
        }
    }
    if options.mode == .check {
        HostChecker(program: program).checkProgram()
    } else {
        if let first = hostDecls.first {
            diags.emit(Diagnostic(.note, "host code (funcs and top-level statements) is not compiled into the library; 'mcc check' checks it and 'mcc run' executes it",
                                  at: first))
        }
        if modelCount == 0 && !diagnostics.hasErrors {
            let start = SourceLocation(file: file.path, line: 1, column: 1)
            diags.error("no model to compile: declare one with 'model Name { ... }'", at: SourceRange(start))
        }
    }
    return CompileResult(module: diagnostics.hasErrors ? nil : module, models: summaries)
}

/// Adds a lowered model to the output module; a parameter name another model already uses is
/// prefixed with the model's name (`CNN.fc.weight`).
private func merge(_ lowered: LoweredModel, into module: Module) {
    var renamed: [String: String] = [:]
    for p in lowered.parameters {
        var name = p.name
        if let existing = module.parameter(named: name), lowered.buffers.contains(name), name.hasPrefix("const"),
           existing.type == p.type, existing.initializer == p.initializer {
            continue   // an equal constant: share it
        }
        if module.parameter(named: name) != nil {
            name = "\(lowered.function.name).\(p.name)"
            var k = 2
            while module.parameter(named: name) != nil { name = "\(lowered.function.name)\(k).\(p.name)"; k += 1 }
            renamed[p.name] = name
        }
        module.parameters.append(MIR.Parameter(name: name, type: p.type, initializer: p.initializer))
    }
    let f = lowered.function
    if !renamed.isEmpty {
        for i in f.ops.indices where f.ops[i].kind == .param {
            if let old = f.ops[i].attributes["name"]?.stringValue, let new = renamed[old] { f.ops[i].attributes["name"] = .string(new) }
        }
    }
    module.functions.append(f)
}

func sanitizedIdentifier(_ s: String) -> String {
    let mapped = s.unicodeScalars.map { c -> Character in
        (c.properties.isAlphabetic && c.isASCII) || ("0"..."9").contains(c) || c == "_" ? Character(c) : "_"
    }
    let out = String(mapped)
    return out.isEmpty ? "module" : out
}
