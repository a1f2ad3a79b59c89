import Foundation
import Testing
import MIR
@testable import MFrontend

// One wrong program per diagnostic kind in Inputs/errors/NAME.m; NAME.expected holds every
// diagnostic it must produce, one per line (`LINE:COL: severity: message`, notes included;
// other files' diagnostics keep their path). `MCC_UPDATE_GOLDENS=1 swift test` rewrites them.

/// The repository root, from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let errorsDirectory = repositoryRoot.appendingPathComponent("Tests/MFrontendTests/Inputs/errors")

/// Checks `path` (a file on disk) and returns the result and the engine.
func check(path: String, mode: FrontendOptions.Mode = .check) -> (CompileResult, DiagnosticEngine) {
    let engine = DiagnosticEngine()
    let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))).map { [UInt8]($0) } ?? []
    let options = FrontendOptions(mode: mode, searchPaths: [repositoryRoot.path])
    let result = compileProgram(SourceFile(path: path, bytes: bytes), diagnostics: engine, options: options)
    return (result, engine)
}

/// Checks `text` as a file in `directory` (so relative imports resolve there).
func check(_ text: String, name: String = "t.m", mode: FrontendOptions.Mode = .check) -> (CompileResult, DiagnosticEngine) {
    let engine = DiagnosticEngine()
    let options = FrontendOptions(mode: mode, searchPaths: [repositoryRoot.path])
    let result = compileProgram(SourceFile(path: name, text: text), diagnostics: engine, options: options)
    return (result, engine)
}

/// `LINE:COL: severity: message` for the case file itself, with the path for other files.
func goldenLines(_ engine: DiagnosticEngine, mainFile: String) -> [String] {
    func line(_ d: Diagnostic) -> String {
        guard let r = d.range else { return "\(d.severity.rawValue): \(d.message)" }
        let file = r.start.file == mainFile ? "" : URL(fileURLWithPath: r.start.file).lastPathComponent + ":"
        let message = d.message.replacingOccurrences(of: repositoryRoot.path, with: "$ROOT")
        return "\(file)\(r.start.line):\(r.start.column): \(d.severity.rawValue): \(message)"
    }
    return engine.diagnostics.flatMap { d in [line(d)] + d.notes.map { "  " + line($0) } }
}

@Suite struct ErrorGoldenTests {
    static let cases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: errorsDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".m") }.map { String($0.dropLast(2)) }.sorted()
    }()

    @Test func thereIsOneCasePerDiagnosticKind() {
        #expect(Self.cases.count >= 30)
    }

    @Test(arguments: cases) func golden(_ name: String) throws {
        let path = errorsDirectory.appendingPathComponent(name + ".m").path
        let (_, engine) = check(path: path)
        let actual = goldenLines(engine, mainFile: path)
        let expectedURL = errorsDirectory.appendingPathComponent(name + ".expected")
        if ProcessInfo.processInfo.environment["MCC_UPDATE_GOLDENS"] == "1" {
            try (actual.joined(separator: "\n") + "\n").write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(actual == expected, "\(name).m:\n\(engine.render())")
        // Each case shows at least one problem, and every error case fails to compile.
        #expect(!engine.diagnostics.isEmpty)
        _ = engine.render()   // rendering never traps (carets inside the lines)
    }
}
