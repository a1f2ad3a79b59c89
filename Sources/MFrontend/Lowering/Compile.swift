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

/// Front-end entry point: parses `file` and lowers every model to MIR, reporting problems
/// to `diagnostics`. Returns nil when any error was reported.
public func compileSource(_ file: SourceFile, diagnostics: DiagnosticEngine, importer: ModelImporter? = nil) -> Module? {
    diagnostics.register(file)
    let unit = parseSource(file, diagnostics: diagnostics)
    if diagnostics.hasErrors { return nil }
    let moduleName = URL(fileURLWithPath: file.path).deletingPathExtension().lastPathComponent
    let module = Module(name: sanitizedIdentifier(moduleName))
    let directory = URL(fileURLWithPath: file.path).deletingLastPathComponent().path
    var modelCount = 0
    var imported: [String: Function] = [:]
    for decl in unit.declarations {
        switch decl {
        case .model(let m):
            switch m.kind {
            case .body:
                var lowering = ModelLowering(model: m, module: module, diagnostics: diagnostics, directory: directory)
                lowering.importedModels = imported
                if let f = lowering.lower() { module.functions.append(f) }
                modelCount += 1
            case .instantiation, .extends, .custom:
                diagnostics.error("model '\(m.name.name)': instantiation, inheritance and composition are not supported by this version of mcc yet (language issue #3)", at: m.name.range)
            }
        case .metamodel(let m):
            diagnostics.error("metamodel '\(m.name.name)': metamodels are not supported by this version of mcc yet (language issue #3)", at: m.name.range)
        case .func(let f):
            diagnostics.error("func '\(f.name.name)': functions are not supported by this version of mcc yet (language issue #3)", at: f.name.range)
        case .import(let i):
            diagnostics.error("imports are not supported by this version of mcc yet (language issue #3)", at: i.range)
        case .importONNX(let i):
            guard let importer else {
                diagnostics.error("ONNX imports need the mcc driver (no importer available)", at: i.range); continue
            }
            let path = i.path.hasPrefix("/") ? i.path : URL(fileURLWithPath: directory).appendingPathComponent(i.path).standardizedFileURL.path
            if imported[i.alias.name] != nil {
                diagnostics.error("'\(i.alias.name)' is imported twice", at: i.alias.range); continue
            }
            switch importer(path) {
            case .failure(let f):
                diagnostics.error("cannot import '\(i.path)': \(f.message)", at: i.pathRange)
            case .success(let m):
                guard let f = m.functions.first else { diagnostics.error("'\(i.path)' holds no model", at: i.pathRange); continue }
                // Parameters are namespaced by the import's name: `Encoder.conv1.weight`.
                for p in m.parameters {
                    module.parameters.append(MIR.Parameter(name: "\(i.alias.name).\(p.name)", type: p.type, initializer: p.initializer))
                }
                imported[i.alias.name] = f
            }
        case .statement(let s):
            diagnostics.error("top-level statements are host code, which 'mcc run' will execute (not supported yet); declare a model instead", at: s.range)
        }
    }
    if modelCount == 0 && !diagnostics.hasErrors {
        let start = SourceLocation(file: file.path, line: 1, column: 1)
        diagnostics.error("no model to compile: declare one with 'model Name { ... }'", at: SourceRange(start))
    }
    return diagnostics.hasErrors ? nil : module
}

func sanitizedIdentifier(_ s: String) -> String {
    let mapped = s.unicodeScalars.map { c -> Character in
        (c.properties.isAlphabetic && c.isASCII) || ("0"..."9").contains(c) || c == "_" ? Character(c) : "_"
    }
    let out = String(mapped)
    return out.isEmpty ? "module" : out
}

/// Edit distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased()), y = Array(b.lowercased())
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    for i in 1...x.count {
        var current = [i] + [Int](repeating: 0, count: y.count)
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[y.count]
}

func suggestion(for name: String, among candidates: [String]) -> String {
    let best = candidates.map { ($0, editDistance(name, $0)) }.min { $0.1 < $1.1 }
    guard let best, best.1 <= max(2, name.count / 3) else { return "" }
    return "; did you mean '\(best.0)'?"
}
