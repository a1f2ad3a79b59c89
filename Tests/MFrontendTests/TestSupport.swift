import Foundation
import MIR
@testable import MFrontend

/// Parses `text` as file `path` and returns the AST and the engine holding its diagnostics.
func parse(_ text: String, path: String = "t.m") -> (SourceUnit, DiagnosticEngine) {
    parse(bytes: Array(text.utf8), path: path)
}

func parse(bytes: [UInt8], path: String = "t.m") -> (SourceUnit, DiagnosticEngine) {
    let engine = DiagnosticEngine()
    let unit = parseSource(SourceFile(path: path, bytes: bytes), diagnostics: engine)
    return (unit, engine)
}

/// The one-line form of every diagnostic (`t.m:1:5: error: ...`), notes included after their error.
func diagnosticLines(_ text: String) -> [String] {
    diagnosticLines(parse(text).1)
}

func diagnosticLines(bytes: [UInt8]) -> [String] {
    diagnosticLines(parse(bytes: bytes).1)
}

func diagnosticLines(_ engine: DiagnosticEngine) -> [String] {
    engine.diagnostics.flatMap { [$0.description] + $0.notes.map(\.description) }
}

/// Parses `text`, expecting no diagnostics; returns the AST (diagnostics are returned for `#expect`).
func parseClean(_ text: String) -> (SourceUnit, [String]) {
    let (unit, engine) = parse(text)
    return (unit, diagnosticLines(engine))
}

/// The single top-level statement's expression, e.g. `expr("a + b * c")`.
func expr(_ text: String) -> Expr? {
    let (unit, engine) = parse(text)
    guard !engine.hasErrors, unit.declarations.count == 1, case .statement(let s) = unit.declarations.first,
          case .expression(let e) = s.kind else { return nil }
    return e
}

/// The text of a test input in `Inputs/`.
func input(_ name: String) throws -> String {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Inputs") else {
        throw CocoaError(.fileNoSuchFile)
    }
    return try String(contentsOf: url, encoding: .utf8)
}

/// A small deterministic generator (SplitMix64) so fuzz failures reproduce from the seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
