import Foundation
import Testing
import MIR
@testable import MPasses

/// Golden tests: Inputs/NAME.mir starts with `// RUN: pass,pass`; running those passes
/// (with the verifier after each) must print exactly Inputs/NAME.expected.mir. `// FROZEN`
/// runs them as an inference-only build (parameters may be folded).
@Suite struct PassGoldenTests {
    static let inputs = Bundle.module.url(forResource: "Inputs", withExtension: nil)!

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: inputs.path)) ?? [])
            .filter { $0.hasSuffix(".mir") && !$0.hasSuffix(".expected.mir") }.sorted()
    }

    @Test(arguments: cases)
    func golden(_ name: String) throws {
        let text = try String(contentsOf: Self.inputs.appendingPathComponent(name), encoding: .utf8)
        let runLine = text.split(separator: "\n").first { $0.hasPrefix("// RUN:") }
        let passes = try #require(runLine).dropFirst("// RUN:".count).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let module = try parseModule(text: text, path: name)
        try module.verify()
        var manager = try PassManager(pipeline: passes)
        // `// FROZEN`: an inference-only build whose parameters passes may fold (PassContext.frozenParameters);
        // the inline `values` of model parameters stand for trained data held outside the module.
        if text.split(separator: "\n").contains(where: { $0.hasPrefix("// FROZEN") }) {
            manager.context.frozenParameters = true
            manager.context.weights = GoldenWeights(module)
        }
        // `// RANGES: 0=-1.0:3.0 4=0.0:2.0`: calibration ranges (value number = [min:max]) for every function.
        if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("// RANGES:") }) {
            var ranges: [Int: ClosedRange<Float>] = [:]
            for item in line.dropFirst("// RANGES:".count).split(separator: " ") {
                let parts = item.split(separator: "="), bounds = try #require(parts.last).split(separator: ":")
                ranges[try #require(Int(parts[0]))] = try #require(Float(bounds[0]))...(try #require(Float(bounds[1])))
            }
            for f in module.functions { manager.context.ranges[f.name] = ranges }
        }
        try manager.run(on: module)
        let expectedPath = Self.inputs.appendingPathComponent(name.replacingOccurrences(of: ".mir", with: ".expected.mir"))
        guard let expected = try? String(contentsOf: expectedPath, encoding: .utf8) else {
            // Record mode for a new case: write what the passes printed, and fail so it gets reviewed.
            try module.printed().write(to: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Inputs").appendingPathComponent(expectedPath.lastPathComponent), atomically: true, encoding: .utf8)
            Issue.record("\(expectedPath.lastPathComponent) was missing; recorded the current output")
            return
        }
        #expect(module.printed() == expected)
    }

    @Test func everyPassHasAGoldenTest() {
        let covered = Set(Self.cases.map { $0.replacingOccurrences(of: ".mir", with: "") })
        for p in PassRegistry.all { #expect(covered.contains(p.name), "pass '\(p.name)' has no Inputs/\(p.name).mir") }
    }

    /// select-layout is outside the default pipeline (AVX-512 only), so it gets its own check:
    /// a rerun treats the first run's from_nchwc values as blocked and changes nothing.
    @Test func selectLayoutIsIdempotent() throws {
        let text = try String(contentsOf: Self.inputs.appendingPathComponent("select-layout.mir"), encoding: .utf8)
        let module = try parseModule(text: text, path: "select-layout.mir")
        let manager = try PassManager(pipeline: PassRegistry.blockedPipeline)
        try manager.run(on: module)
        let once = module.printed()
        #expect(once.contains("conv2d_nchwc"))
        try manager.run(on: module)
        #expect(module.printed() == once)
    }

    @Test func unknownPassIsAnError() {
        #expect(throws: PassError.self) { try PassManager(pipeline: ["no-such-pass"]) }
    }

    @Test func passesAreIdempotent() throws {
        for name in Self.cases {
            let text = try String(contentsOf: Self.inputs.appendingPathComponent(name), encoding: .utf8)
            let module = try parseModule(text: text, path: name)
            let manager = try PassManager(pipeline: PassRegistry.defaultPipeline)
            try manager.run(on: module)
            let once = module.printed()
            try manager.run(on: module)
            #expect(module.printed() == once)
        }
    }
}

/// The default pipeline respects every ordering rule (Go's passOrder check).
@Suite struct PassOrderTests {
    @Test(arguments: [PassRegistry.defaultPipeline, PassRegistry.blockedPipeline])
    func pipelineRespectsOrderingRules(_ pipeline: [String]) {
        // select-layout runs only in the AVX-512 pipeline.
        for rule in PassRegistry.order where pipeline.contains(SelectLayout.name) || ![rule.before, rule.after].contains(SelectLayout.name) {
            guard let b = pipeline.firstIndex(of: rule.before), let a = pipeline.lastIndex(of: rule.after) else {
                Issue.record("rule \(rule.before) < \(rule.after) names a pass missing from the pipeline"); continue
            }
            #expect(b < a, "\(rule.before) must run before \(rule.after): \(rule.why)")
        }
    }
}

/// Trained weights for `// FROZEN` golden tests: each model parameter written with inline
/// `values` becomes `external("golden/NAME")` read from here, as an ONNX initializer would be.
final class GoldenWeights: WeightStore {
    private var data: [String: [Float]] = [:]
    private let inline = InlineWeights()

    init(_ module: Module) {
        for i in module.parameters.indices {
            let p = module.parameters[i]
            guard case .values(let v) = p.initializer, !p.name.hasPrefix("const"), !p.name.hasPrefix("mcc.const") else { continue }
            data["golden/" + p.name] = v.map(Float.init)
            module.parameters[i].initializer = .external(key: "golden/" + p.name)
        }
    }

    func floats(of p: Parameter) throws(PassError) -> [Float] {
        if case .external(let key) = p.initializer, let v = data[key] { return v }
        return try inline.floats(of: p)
    }

    func store(_ values: [Double], name: String, type: TensorType) -> Initializer { inline.store(values, name: name, type: type) }
}
