import Foundation
import Testing
@testable import MIR

/// Golden round trip: every file in Inputs/roundtrip is in canonical form, so
/// print(parse(file)) must reproduce it byte for byte, and the parsed module verifies.
@Suite struct TextFormatTests {
    static let inputs = Bundle.module.url(forResource: "Inputs", withExtension: nil)!

    static var roundTripFiles: [String] {
        let dir = inputs.appendingPathComponent("roundtrip")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".mir") }.sorted()
    }

    @Test(arguments: roundTripFiles)
    func roundTrip(_ name: String) throws {
        let path = Self.inputs.appendingPathComponent("roundtrip/\(name)").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let module = try parseModule(text: text, path: name)
        try module.verify()
        #expect(module.printed() == text)
        let again = try parseModule(text: module.printed(), path: name)
        #expect(again.printed() == text)
    }

    @Test func roundTripFilesExist() { #expect(Self.roundTripFiles.count >= 3) }

    /// Each invalid case reports its error at the expected line and column.
    @Test func invalidInputsGetLocatedErrors() throws {
        let text = try String(contentsOf: Self.inputs.appendingPathComponent("invalid/cases.txt"), encoding: .utf8)
        let cases = text.components(separatedBy: "=== ").dropFirst()
        #expect(cases.count >= 10)
        for c in cases {
            let header = c.prefix { $0 != "\n" }
            let body = String(c.dropFirst(header.count + 1))
            let parts = header.split(separator: " ", maxSplits: 1)
            let lineCol = parts[0].split(separator: ":").compactMap { Int($0) }
            let expected = String(parts[1])
            do {
                let m = try parseModule(text: body, path: "case.mir")
                try m.verify()
                Issue.record("expected an error '\(expected)', but the case parsed")
            } catch let d as Diagnostic {
                #expect(d.message.contains(expected), "case '\(expected)': got '\(d.message)'")
                #expect(d.range.map { [$0.start.line, $0.start.column] } == lineCol, "case '\(expected)': at \(String(describing: d.range?.start))")
            }
        }
    }

    @Test func randomBytesNeverTrap() {
        var rng = SplitMix64(seed: 1)
        let alphabet = Array("module @m func param %0 = add : f32[ ] ( ) { } , -> return loc(\"a\":1:2) 12 -3 1.5e3 @w zeros \n\u{0}\u{ff}".utf8)
        for _ in 0..<3000 {
            let n = Int(rng.next() % 80)
            let bytes = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            _ = try? parseModule(SourceFile(path: "fuzz.mir", bytes: bytes))
        }
    }
}

@Suite struct DimTests {
    @Test func simplification() {
        let n = Dim.symbol("n")
        #expect(n + .constant(0) == n)
        #expect(n * .constant(1) == n)
        #expect((n + .constant(2)) + .constant(3) == n + .constant(5))
        #expect(Dim.quotient(.constant(7), .constant(2)) == .constant(3))
        #expect(Dim.quotient(.constant(-7), .constant(2)) == .constant(-4))
        #expect([n, .constant(3), .symbol("m")].product == [.symbol("m"), .constant(3), n].product)
    }

    @Test func evaluation() {
        let d = Dim.quotient(.symbol("h") - .constant(3), .constant(2)) + .constant(1)
        #expect(d.evaluate(["h": 28]) == 13)
        #expect(d.evaluate([:]) == nil)
        #expect(d.description == "(h + -3) / 2 + 1")
    }

    @Test func subtractionParsesInHandWrittenText() throws {
        let m = try parseModule(text: "module @m\nfunc @f(%x: f32[h - 3, 2*h]) -> (y: f32[h + -3, 2 * h]) {\n  return %x\n}\n")
        #expect(m.functions[0].arguments[0].type.shape == [.symbol("h") + .constant(-3), .constant(2) * .symbol("h")])
    }
}
