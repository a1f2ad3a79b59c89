import Foundation
import Testing
import MIR
@testable import MFrontend

/// Lowering M to MIR: golden MIR for the examples, and one located diagnostic per
/// kind of semantic error (Inputs/lowering/errors.txt).
@Suite struct LoweringTests {
    static let inputs = Bundle.module.url(forResource: "Inputs", withExtension: nil)!

    func lower(_ text: String, path: String = "t.m") -> (Module?, DiagnosticEngine) {
        let diagnostics = DiagnosticEngine()
        let module = compileSource(SourceFile(path: path, text: text), diagnostics: diagnostics)
        return (module, diagnostics)
    }

    @Test func mlpLowersToVerifiedMIR() throws {
        let text = try String(contentsOf: Self.inputs.appendingPathComponent("mlp.m"), encoding: .utf8)
        let (module, diags) = lower(text, path: "mlp.m")
        let m = try #require(module, "\(diags.render())")
        try m.verify()
        let f = try #require(m.function(named: "MLP"))
        #expect(f.arguments.map(\.type.description) == ["f32[batch, 784]"])
        #expect(f.results.map { "\($0.name): \(f.type(of: $0.value))" } == ["logits: f32[batch, 10]"])
        #expect(m.parameters.map(\.name) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
        #expect(f.ops.map(\.kind) == [.param, .matmul, .param, .add, .relu, .param, .matmul, .param, .add, .softmax])
        // The printed form parses back to the same text.
        #expect(try parseModule(text: m.printed()).printed() == m.printed())
    }

    @Test func sequentialModelWithoutForward() throws {
        let (module, diags) = lower("""
        model S {
            input x: f32[n, 1, 12, 12]
            output y: f32[n, 3]
            c = Conv2D(4, kernel = 3, activation = "relu")
            p = MaxPooling2D(pool = 2)
            f = Flatten()
            d = Dense(3, activation = "sigmoid")
        }
        """)
        let m = try #require(module, "\(diags.render())")
        let f = m.functions[0]
        #expect(f.type(of: f.results[0].value).description == "f32[n, 3]")
        #expect(f.ops.contains { $0.kind == .conv2d } && f.ops.contains { $0.kind == .sigmoid })
    }

    @Test func seedsAreDeterministicAndDistinct() throws {
        let src = "model A {\n seed = 5\n input x: f32[n, 3]\n output y: f32[n, 2]\n a = Dense(2)\n b = Dense(2)\n forward { y = a(x) + b(x) }\n}\n"
        let (m1, _) = lower(src), (m2, _) = lower(src)
        let seeds1 = try #require(m1).parameters.map(\.initializer), seeds2 = try #require(m2).parameters.map(\.initializer)
        #expect(seeds1 == seeds2)
        #expect(seeds1[0] != seeds1[2], "two layers must not share initial weights")
    }

    @Test func semanticErrorsAreLocated() throws {
        let text = try String(contentsOf: Self.inputs.appendingPathComponent("lowering/errors.txt"), encoding: .utf8)
        let cases = text.components(separatedBy: "\n=== ").dropFirst()
        #expect(cases.count >= 10)
        for c in cases {
            let header = c.prefix { $0 != "\n" }
            let body = String(c.dropFirst(header.count + 1))
            let parts = header.split(separator: " ", maxSplits: 1)
            let expected = String(parts[1])
            let (module, diags) = lower(body)
            #expect(module == nil, "case '\(expected)' compiled")
            let first = diags.diagnostics.first { $0.severity == .error }
            #expect(first?.message.contains(expected) == true, "case '\(expected)': got \(diags.render())")
            let at = first?.range.map { "\($0.start.line):\($0.start.column)" }
            #expect(at == String(parts[0]), "case '\(expected)': at \(at ?? "nil")")
        }
    }

    @Test func unusedLayerIsAWarning() throws {
        let (module, diags) = lower("model W {\n input x: f32[n, 2]\n output y: f32[n, 2]\n spare = Dense(4)\n forward { y = relu(x) }\n}\n")
        #expect(module != nil)
        #expect(diags.diagnostics.contains { $0.severity == .warning && $0.message.contains("'spare' is never used") })
    }
}
