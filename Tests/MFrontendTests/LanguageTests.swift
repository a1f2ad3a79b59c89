import Foundation
import Testing
import MIR
@testable import MFrontend

/// The language's constructs, one test each: what they lower to, and what they accept.
@Suite struct LanguageTests {
    func clean(_ text: String, mode: FrontendOptions.Mode = .check, name: String = "t.m") throws -> CompileResult {
        let (result, engine) = check(text, name: name, mode: mode)
        #expect(!engine.hasErrors, "\(engine.render())")
        if let m = result.module { try m.verify() }
        return result
    }

    func function(_ result: CompileResult, _ name: String) throws -> Function {
        try #require(result.module?.function(named: name))
    }

    func signature(_ f: Function) -> String {
        let ins = f.arguments.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
        let outs = f.results.map { "\($0.name): \(f.type(of: $0.value))" }.joined(separator: ", ")
        return "(\(ins)) -> (\(outs))"
    }

    static let mlp = """
    metamodel MLP(in_features: Int, hidden: Int = 128, classes: Int = 10, wide: Int = hidden * 2) {
        input x: f32[batch, in_features]
        output logits: f32[batch, classes]
        fc1 = Dense(hidden, activation = "relu")
        fc2 = Dense(classes)
        forward { logits = fc2(fc1(x)) }
    }

    """

    @Test func metamodelInstantiationBindsHyperparametersInDimsAndLayers() throws {
        let r = try clean(Self.mlp + "model Digits = MLP(in_features = 64, hidden = 256)\n")
        let f = try function(r, "Digits")
        #expect(signature(f) == "(x: f32[batch, 64]) -> (logits: f32[batch, 10])")
        #expect(r.module?.parameter(named: "fc1.weight")?.type.description == "f32[64, 256]")
        #expect(r.models.first?.parameterCount == 64 * 256 + 256 + 256 * 10 + 10)
    }

    @Test func extendsOverridesHyperparametersAndLayersAndAddsLayers() throws {
        let r = try clean(Self.mlp + """
        model Digits = MLP(in_features = 64)
        model Wide extends Digits(hidden = 512)
        model Five extends Digits(classes = 5) {
            fc2 = Dense(5, use_bias = false)
        }
        model Dropped extends Digits {
            drop = Dropout(0.5)
            forward { logits = fc2(drop(fc1(x))) }
        }
        """)
        #expect(try function(r, "Wide").type(of: try function(r, "Wide").ops.first { $0.kind == .matmul }!.result).description == "f32[batch, 512]")
        #expect(signature(try function(r, "Five")) == "(x: f32[batch, 64]) -> (logits: f32[batch, 5])")
        #expect(r.models.first { $0.name == "Five" }?.parameterCount == 64 * 128 + 128 + 128 * 5)
        #expect(r.models.first { $0.name == "Dropped" }?.parameterCount == r.models.first { $0.name == "Digits" }?.parameterCount)
    }

    @Test func inheritedDefaultsFollowOverriddenHyperparameters() throws {
        let r = try clean("""
        metamodel M(hidden: Int = 4, wide: Int = hidden * 2) {
            input x: f32[b, 3]
            output y: f32[b, wide]
            fc = Dense(wide)
        }
        model A = M()
        model B extends A(hidden = 10)
        """)
        #expect(signature(try function(r, "B")) == "(x: f32[b, 3]) -> (y: f32[b, 20])")
    }

    @Test func compositionSequentialParallelAndCustom() throws {
        let r = try clean(Self.mlp + """
        model Digits = MLP(in_features = 64)
        model Wide extends Digits(hidden = 512)
        model Pipeline = sequentialModel(Normalize(mean = 0.5, std = 0.25), Digits, Softmax())
        model Ensemble = parallelModel(Digits, Wide, merge = "mean")
        model Both = parallelModel(Digits, Wide, merge = "concat")
        model Siamese = customModel {
            input a: f32[batch, 64]
            input b: f32[batch, 64]
            encoder = Digits
            output distance = l2_norm(encoder(a) - encoder(b), axis = 1)
            output first = encoder(a)
        }
        """)
        #expect(signature(try function(r, "Pipeline")) == "(x: f32[batch, 64]) -> (logits: f32[batch, 10])")
        #expect(signature(try function(r, "Ensemble")) == "(x: f32[batch, 64]) -> (logits: f32[batch, 10])")
        #expect(signature(try function(r, "Both")) == "(x: f32[batch, 64]) -> (logits: f32[batch, 20])")
        #expect(signature(try function(r, "Siamese")) == "(a: f32[batch, 64], b: f32[batch, 64]) -> (distance: f32[batch], first: f32[batch, 10])")
        // The shared encoder has one set of parameters.
        let siamese = try #require(r.models.first { $0.name == "Siamese" })
        #expect(siamese.parameterNames.filter { $0.hasPrefix("encoder.") }.count == 4)
    }

    @Test func subModelsRepeatedAndIndexedInCompileTimeLoops() throws {
        let r = try clean("""
        metamodel Block(width: Int) {
            input x: f32[batch, width]
            output y: f32[batch, width]
            fc = Dense(width)
            forward { y = relu(x + fc(x)) }
        }
        metamodel Deep(width: Int = 8, depth: Int = 3) {
            input x: f32[batch, width]
            output y: f32[batch, width]
            blocks = sequentialModel(Block(width), repeat = depth)
            forward {
                h = x
                for i in range(depth) {
                    if i % 2 == 0 { h = blocks[i](h) } else { h = relu(blocks[i](h)) }
                }
                y = h
            }
        }
        model D = Deep(depth = 4)
        """)
        #expect(r.models.first?.parameterNames.sorted() == (0..<4).flatMap { ["blocks.\($0).fc.bias", "blocks.\($0).fc.weight"] })
    }

    @Test func importsAnotherModuleOnceThroughADiamond() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mcc-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("lib"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.mlp.write(to: dir.appendingPathComponent("lib/base.m"), atomically: true, encoding: .utf8)
        try "import \"base.m\"\nmodel A = MLP(in_features = 3)\n".write(to: dir.appendingPathComponent("lib/a.m"), atomically: true, encoding: .utf8)
        try "import \"base.m\"\nfunc helper(m: Model) { print(m) }\n".write(to: dir.appendingPathComponent("lib/b.m"), atomically: true, encoding: .utf8)
        let main = dir.appendingPathComponent("main.m")
        try "import \"lib/a.m\"\nimport \"lib/b.m\"\nmodel Mine = MLP(in_features = 5)\nhelper(A())\n".write(to: main, atomically: true, encoding: .utf8)
        let (result, engine) = check(path: main.path, mode: .compile)
        #expect(!engine.hasErrors, "\(engine.render())")
        // Only the root file's models are compiled; imported ones are available by name.
        #expect(result.module?.functions.map(\.name) == ["Mine"])
    }

    @Test func configurationModelsResolveThroughTheRepository() throws {
        let (result, engine) = check("""
        model MBERTClassifier {
            pretrained_model = "bert-base-uncased"
            num_labels = 3
        }
        """, mode: .compile)
        #expect(!engine.hasErrors, "\(engine.render())")
        #expect(engine.diagnostics.contains { $0.severity == .warning && $0.message.contains("pretrained weights") })
        #expect(result.models.first?.parameterCount == 109_482_240 + 768 * 3 + 3)
        let f = try #require(result.module?.functions.first)
        #expect(signature(f) == "(ids: i64[batch, 128]) -> (logits: f32[batch, 3])")
    }

    @Test func namedDimsUnifyAcrossInputsAndReachTheSignature() throws {
        let r = try clean("""
        model Pair {
            input a: f32[batch, seq, 8]
            input b: f32[batch, 4]
            output y: f32[batch, seq, 8]
            forward { y = a * 2.0 + 1 }
        }
        """)
        let f = try function(r, "Pair")
        #expect(f.symbols == ["batch", "seq"])
    }

    @Test func everyLayerLowersToVerifiedMIR() throws {
        let r = try clean("""
        model Layers = customModel {
            input image: f32[n, 3, 16, 16]
            input tokens: i64[n, 12]
            input series: f32[n, 6, 4]
            c1 = Conv2D(8, kernel = 3, stride = 2, padding = "same", activation = "relu")
            dw = DepthwiseConv2D(kernel = 3, padding = 1)
            ct = ConvTranspose2D(4, kernel = 2, stride = 2)
            bn = BatchNorm()
            mp = MaxPooling2D(pool = 2)
            ap = AveragePooling2D(pool = 2, padding = "same")
            gap = GlobalAveragePooling2D()
            gmp = GlobalMaxPooling2D()
            c1d = Conv1D(5, kernel = 3, padding = "same")
            emb = Embedding(100, 16)
            ln = LayerNorm()
            mha = MultiHeadAttention(heads = 4)
            lstm = LSTM(7, return_sequences = true)
            gru = GRU(5)
            pool1 = GlobalAveragePooling1D()
            flat = Flatten()
            shape = Reshape((2, -1))
            cat = Concat(axis = 1)
            add = Add()
            drop = Dropout(0.3)
            acts = sequentialModel(ReLU(), GELU(), Sigmoid(), Tanh(), SiLU(), LeakyReLU(alpha = 0.2), ReLU6(), Activation("elu"), Softmax())
            fc = Dense(3)
            output a = gap(bn(ct(dw(c1(image)))))
            output b = flat(mp(c1(image)))
            output c = gmp(ap(image))
            output d = pool1(mha(ln(emb(tokens))))
            output e = gru(lstm(series))
            output f = shape(c1d(series))
            output g = acts(fc(drop(add(cat(gap(image), gmp(image)), cat(gmp(image), gap(image))))))
        }
        """)
        let f = try function(r, "Layers")
        #expect(signature(f) == "(image: f32[n, 3, 16, 16], tokens: i64[n, 12], series: f32[n, 6, 4]) -> (a: f32[n, 4], b: f32[n, 128], c: f32[n, 3], d: f32[n, 16], e: f32[n, 5], f: f32[n, 2, 10], g: f32[n, 3])")
        let names = Set(r.models.first?.parameterNames ?? [])
        for p in ["c1.weight", "dw.weight", "ct.weight", "bn.running_var", "emb.weight", "ln.weight", "mha.query.weight",
                  "mha.out.bias", "lstm.weight_ih", "lstm.bias_hh", "gru.weight_hh", "c1d.weight", "fc.weight"] {
            #expect(names.contains(p), "missing \(p)")
        }
    }

    @Test func hostCodeIsCheckedButNotCompiled() throws {
        let text = Self.mlp + """
        model Digits = MLP(in_features = 64)
        func train(model: Digits, data: Dataset, epochs: Int = 2) {
            optimizer = Adam(model.parameters(), lr = 0.01)
            loss_function = CrossEntropyLoss()
            for epoch in range(epochs) {
                for batch in data {
                    optimizer.zero_grad()
                    loss = loss_function(model(batch.x), batch.y)
                    loss.backward()
                    optimizer.step()
                }
            }
        }
        train(Digits(), load_csv("digits.csv", label = "digit"))
        """
        let (result, engine) = check(text, mode: .compile)
        #expect(!engine.hasErrors, "\(engine.render())")
        #expect(result.module?.functions.map(\.name) == ["Digits"])
        #expect(engine.diagnostics.contains { $0.severity == .note && $0.message.hasPrefix("host code") })
        // Compiling ignores host code (even wrong host code); checking reports it.
        let broken = text + "\ntrain(Digits(), 42)\n"
        #expect(!check(broken, mode: .compile).1.hasErrors)
        #expect(check(broken, mode: .check).1.hasErrors)
        // A file of host code only checks, but has nothing to compile.
        let (_, hostOnly) = check("print(1 + 2)\n", mode: .compile)
        #expect(hostOnly.diagnostics.contains { $0.message.hasPrefix("no model to compile") })
        #expect(!check("print(1 + 2)\n").1.hasErrors)
    }

    @Test func modelTypesAreSignatures() throws {
        let text = Self.mlp + """
        model Digits = MLP(in_features = 64)
        model Wide extends Digits(hidden = 512)
        model Five = MLP(in_features = 64, classes = 5)
        func run(model: Digits) -> f32[n, 10] {
            return model(features())
        }
        func features() -> f32[n, 64] {
            return Digits()(Digits()(zeros()))
        }
        func zeros() -> f32[n, 64] { return zeros() }
        print(run(Wide()))
        print(run(Five()))
        """
        let (_, engine) = check(text)
        let errors = engine.diagnostics.filter { $0.severity == .error }.map(\.message)
        // Wide has Digits' signature; Five does not; Digits' output is not a valid Digits input.
        #expect(errors.contains { $0.contains("argument 'model' must be model 'Digits', got model 'Five'") }, "\(engine.render())")
        #expect(errors.contains { $0.contains("expects input 'x' of type f32[batch, 64], got f32[n, 10]") }, "\(engine.render())")
        #expect(errors.count == 2, "\(engine.render())")
    }

    @Test func genericMetamodelsAreCheckedWithoutInstances() {
        let (_, engine) = check("""
        metamodel M(width: Int) {
            input x: f32[b, width]
            output y: f32[b, width]
            fc = Dens(width)
        }
        """)
        #expect(engine.diagnostics.first?.message == "unknown layer 'Dens'; did you mean 'Dense'?")
    }
}
