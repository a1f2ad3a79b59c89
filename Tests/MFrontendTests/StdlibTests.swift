import Foundation
import Testing
import MIR
@testable import MFrontend

/// The standard library and the examples: every file checks cleanly, lowers to verified MIR,
/// and the reference architectures have their published parameter counts (counted from the
/// MIR parameters' types: no weights are generated).
@Suite struct StdlibTests {
    static func files(in folder: String) -> [String] {
        let root = repositoryRoot.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".m") }.map { "\(folder)/\($0)" }.sorted()
    }

    static let stdlib = files(in: "stdlib")
    static let examples = files(in: "examples")

    @Test func theStandardLibraryIsThere() {
        for name in ["mlp", "lenet", "resnet18", "resnet50", "mobilenetv2", "bert", "lstm_forecaster"] {
            #expect(Self.stdlib.contains("stdlib/\(name).m"))
        }
        #expect(Self.examples.contains("examples/paper/mbert_classifier.m"))
    }

    @Test(arguments: stdlib + examples) func checksWithoutErrors(_ file: String) {
        let start = Date()
        let (_, engine) = check(path: repositoryRoot.appendingPathComponent(file).path)
        #expect(!engine.hasErrors, "\(engine.render())")
        let seconds = Date().timeIntervalSince(start)
        #expect(seconds < 10, "\(file) took \(seconds) s to check")
    }

    @Test(arguments: stdlib) func lowersToVerifiedMIR(_ file: String) throws {
        let (result, engine) = check(path: repositoryRoot.appendingPathComponent(file).path, mode: .compile)
        let module = try #require(result.module, "\(engine.render())")
        try module.verify()
        #expect(!module.functions.isEmpty)
    }

    static let published: [(file: String, model: String, count: Int)] = [
        ("resnet18", "ResNet18ImageNet", 11_689_512),
        ("resnet50", "ResNet50ImageNet", 25_557_032),
        ("mobilenetv2", "MobileNetV2ImageNet", 3_504_872),
        ("bert", "BertBase", 109_482_240),
        ("lenet", "LeNet", 61_706),
        ("mlp", "DigitsMLP", 101_770),
    ]

    @Test(arguments: published.indices) func parameterCountMatchesThePublishedOne(_ i: Int) throws {
        let (file, model, count) = Self.published[i]
        let (result, engine) = check(path: repositoryRoot.appendingPathComponent("stdlib/\(file).m").path, mode: .compile)
        let summary = try #require(result.models.first { $0.name == model }, "\(engine.render())")
        #expect(summary.parameterCount == count)
    }

    @Test func parameterNamesFollowTorchvision() throws {
        let (result, engine) = check(path: repositoryRoot.appendingPathComponent("stdlib/resnet18.m").path, mode: .compile)
        let module = try #require(result.module, "\(engine.render())")
        let names = Set(module.parameters.map(\.name))
        for name in ["conv1.weight", "bn1.running_var", "layer1.0.conv1.weight", "layer1.1.bn2.bias",
                     "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_mean", "fc.weight", "fc.bias"] {
            #expect(names.contains(name), "missing \(name)")
        }
        #expect(!names.contains("layer1.0.downsample.0.weight"), "layer1 keeps its shape: no projection")
        let f = try #require(module.function(named: "ResNet18ImageNet"))
        #expect(f.arguments.map(\.type.description) == ["f32[batch, 3, 224, 224]"])
        #expect(f.results.map { f.type(of: $0.value).description } == ["f32[batch, 1000]"])
    }

    @Test func bertIsConfiguredByHyperparameters() throws {
        let (result, engine) = check("""
        import "stdlib/bert.m"
        model Tiny = BertEncoder(layers = 2, hidden = 128, heads = 2, intermediate = 512, vocab = 1000, seq_len = 16)
        """)
        let summary = try #require(result.models.first, "\(engine.render())")
        // Embeddings (1000 + 512 + 2) * 128 + 256; per layer 4 * (128^2 + 128) + 256 + 2 * 128 * 512 + 512 + 128 + 256; pooler.
        let perLayer = 4 * (128 * 128 + 128) + 256 + (128 * 512 + 512) + (512 * 128 + 128) + 256
        #expect(summary.parameterCount == 1514 * 128 + 256 + 2 * perLayer + 128 * 128 + 128)
    }
}
