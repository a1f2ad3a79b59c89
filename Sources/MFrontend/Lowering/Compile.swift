import Foundation
import MIR

/// Front-end entry point: parses `file` and lowers every model to MIR, reporting problems
/// to `diagnostics`. Returns nil when any error was reported.
public func compileSource(_ file: SourceFile, diagnostics: DiagnosticEngine) -> Module? {
    diagnostics.register(file)
    let unit = parseSource(file, diagnostics: diagnostics)
    if diagnostics.hasErrors { return nil }
    let moduleName = URL(fileURLWithPath: file.path).deletingPathExtension().lastPathComponent
    let module = Module(name: sanitizedIdentifier(moduleName))
    let directory = URL(fileURLWithPath: file.path).deletingLastPathComponent().path
    var modelCount = 0
    for decl in unit.declarations {
        switch decl {
        case .model(let m):
            switch m.kind {
            case .body:
                var lowering = ModelLowering(model: m, module: module, diagnostics: diagnostics, directory: directory)
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
            diagnostics.error("ONNX imports are not supported by this version of mcc yet (ONNX issue #4)", at: i.range)
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
