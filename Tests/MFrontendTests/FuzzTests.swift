import Testing
import MIR
@testable import MFrontend

// Garbage in, diagnostics out: no trap, no hang, a bounded number of errors, and carets that
// point inside the file. Seeds are fixed so a failure reproduces; the failing input is printed.

/// Checks the invariants every parse must keep, whatever the input.
private func checkInvariants(_ bytes: [UInt8], _ engine: DiagnosticEngine, mustFail: Bool) {
    let file = SourceFile(path: "t.m", bytes: bytes)
    let errors = engine.errorCount
    let ok = (!mustFail || errors >= 1) && errors <= 21 && engine.diagnostics.allSatisfy { d in
        guard let r = d.range else { return false }
        return r.start.line >= 1 && r.start.line <= file.lineStarts.count && r.start.column >= 1
            && (r.end.line > r.start.line || (r.end.line == r.start.line && r.end.column >= r.start.column))
    }
    _ = engine.render()
    if !ok {
        Issue.record("bad diagnostics for input \(bytes):\n\(diagnosticLines(engine).joined(separator: "\n"))")
    }
}

@Test func randomBytes() {
    var rng = SplitMix64(seed: 0x6D63_6366_757A_7A31)
    let alphabet = Array("abcxyz_019 .,:;=+-*/%<>!&|@()[]{}\"'#\\\n\te".utf8)
    for round in 0..<2000 {
        let count = Int.random(in: 0...160, using: &rng)
        var bytes: [UInt8] = round % 2 == 0
            ? (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            : (0..<count).map { _ in alphabet.randomElement(using: &rng) ?? 0 }
        // NUL and 0xFF are errors anywhere, even in comments and strings, so every input must be rejected.
        let poison: UInt8 = Bool.random(using: &rng) ? 0x00 : 0xFF
        bytes.insert(poison, at: Int.random(in: 0...bytes.count, using: &rng))
        let (_, engine) = parse(bytes: bytes)
        checkInvariants(bytes, engine, mustFail: true)
    }
}

@Test func randomTokenSoups() {
    let vocabulary: [String] = [
        "model", "metamodel", "func", "import", "onnx", "as", "extends", "input", "output", "forward", "customModel",
        "for", "in", "while", "if", "else", "return", "let", "var", "true", "false", "and", "or", "not",
        "x", "Dense", "f32", "i64", "Int", "batch", "42", "0.5", "1e-3", ".5", "99999999999999999999", "\"s\"", "'t'",
        "+", "-", "*", "/", "%", "**", "==", "!=", "<", "<=", ">", ">=", "=", "->", ".", ",", ":", ";", "@",
        "&&", "||", "!", "(", ")", "[", "]", "{", "}", "\n", "/* c */", "# c\n", "// c\n",
    ]
    let separators = [" ", "", "\n", "  "]
    var rng = SplitMix64(seed: 0x746F_6B65_6E73_6F75)
    for _ in 0..<2000 {
        var parts: [String] = []
        for _ in 0..<Int.random(in: 0...60, using: &rng) {
            parts.append(vocabulary.randomElement(using: &rng) ?? "x")
            parts.append(separators.randomElement(using: &rng) ?? " ")
        }
        // `= =` is invalid in every context, so each soup must produce at least one error.
        parts.insert(" = = ", at: Int.random(in: 0...parts.count, using: &rng))
        let bytes = Array(parts.joined().utf8)
        let (_, engine) = parse(bytes: bytes)
        checkInvariants(bytes, engine, mustFail: true)
    }
}

/// Small edits to a valid program: deletions, duplications and swaps of bytes.
@Test func mutatedSketch() throws {
    let original = Array(try input("sketch.m").utf8)
    var rng = SplitMix64(seed: 0x736B_6574_6368)
    for _ in 0..<500 {
        var bytes = original
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            guard !bytes.isEmpty else { break }
            let i = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes.remove(at: i)
            case 1: bytes.insert(bytes[Int.random(in: 0..<bytes.count, using: &rng)], at: i)
            default: bytes.swapAt(i, Int.random(in: 0..<bytes.count, using: &rng))
            }
        }
        let (_, engine) = parse(bytes: bytes)
        checkInvariants(bytes, engine, mustFail: false)
    }
}
