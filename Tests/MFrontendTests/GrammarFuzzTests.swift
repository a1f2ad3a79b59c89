import Foundation
import Testing
import MIR
@testable import MFrontend

// A grammar-aware fuzzer for the whole front end (parser, checker, lowering): random programs
// built from M's grammar with mostly meaningful names, plus token-level mutations of the corpus
// (the standard library, the examples and the error cases in the repository). Invariants: no
// trap, no hang, diagnostics inside the file, and every module without errors verifies.
// `MCC_FUZZ_SECONDS=600 swift test --filter GrammarFuzz` (`make fuzz`) runs it for ten minutes;
// `swift test` runs a short pass. `MCC_FUZZ_SEED` picks the seed; a failure prints its program.

struct ProgramGenerator {
    var rng: SplitMix64

    mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
    mutating func chance(_ percent: Int) -> Bool { Int(rng.next() % 100) < percent }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }

    static let layers = ["Dense", "Conv2D", "Conv1D", "DepthwiseConv2D", "ConvTranspose2D", "BatchNorm", "LayerNorm", "Dropout",
                         "Embedding", "LSTM", "GRU", "MultiHeadAttention", "MaxPooling2D", "AveragePooling2D",
                         "GlobalAveragePooling2D", "Flatten", "Reshape", "Concat", "Add", "ReLU", "GELU", "Softmax",
                         "LeakyReLU", "SiLU", "Normalize", "Dense2", "Activation"]
    static let argNames = ["kernel", "stride", "padding", "activation", "use_bias", "units", "heads", "axis", "rate", "groups",
                           "return_sequences", "shape", "mean", "std", "eps", "alpha", "input_shape", "kernal", "repeat", "merge"]
    static let functions = ["relu", "sigmoid", "tanh", "softmax", "flatten", "concat", "mean", "l2_norm", "gelu", "take",
                            "reshape", "transpose", "maximum", "zeros_like", "arange", "silu", "where", "matmul"]
    static let names = ["x", "y", "h", "a", "b", "fc", "conv", "blocks", "hidden", "classes", "batch", "n", "width", "Digits",
                        "MLP", "Block", "model", "data", "optimizer", "engine", "loss", "epoch", "i"]
    static let hosts = ["print", "range", "load_csv", "Adam", "CrossEntropyLoss", "Engine", "Optimizer", "Pruning", "Quantization",
                        "Model", "evaluate", "fineTuneModel", "defineHyperparamSpace", "choice", "autoTuneModel", "loadModelFromUrl"]
    static let methods = ["add", "compile", "zero_grad", "step", "backward", "parameters", "split", "optimize", "run",
                          "load_model", "set_batch_size", "train", "test", "x", "y", "item"]

    mutating func number() -> String {
        switch int(0...9) {
        case 0: return pick(["0", "-1", "1000000000", "99999999999", "65536"])
        case 1: return pick(["0.5", "1e-3", "1e300", "-2.5"])
        default: return String(int(1...64))
        }
    }

    mutating func dim() -> String {
        chance(60) ? String(int(1...32)) : chance(70) ? pick(["batch", "n", "h", "w", "seq", "width", "classes"]) : "\(pick(["h", "n"])) \(pick(["+", "-", "*", "/", "%"])) \(int(0...3))"
    }

    mutating func type() -> String {
        switch int(0...9) {
        case 0: return pick(["Int", "Float", "Bool", "String", "Dataset", "Model", "Digits", "Tensor", "(Int, Float)", "(Model) -> Float"])
        default:
            let rank = int(0...4)
            return "\(pick(["f32", "f32", "f32", "i64", "f16", "bool"]))[\((0..<rank).map { _ in dim() }.joined(separator: ", "))]"
        }
    }

    mutating func expr(_ depth: Int) -> String {
        if depth <= 0 { return chance(50) ? pick(Self.names) : chance(50) ? number() : pick(["\"relu\"", "\"same\"", "true", "(3, 3)", "[1, 2]"]) }
        switch int(0...9) {
        case 0, 1: return "\(expr(depth - 1)) \(pick(["+", "-", "*", "/", "@", "**", "==", "<", "and", "%"])) \(expr(depth - 1))"
        case 2, 3: return "\(pick(Self.functions))(\(args(depth - 1)))"
        case 4: return "\(pick(Self.layers))(\(args(depth - 1)))"
        case 5: return "\(pick(Self.names))(\(args(depth - 1)))"
        case 6: return "\(expr(depth - 1)).\(pick(Self.methods))(\(chance(50) ? args(depth - 1) : ""))"
        case 7: return "\(pick(Self.hosts))(\(args(depth - 1)))"
        case 8: return chance(50) ? "-\(expr(depth - 1))" : "not \(expr(depth - 1))"
        default: return "(\(expr(depth - 1)), \(expr(depth - 1)))"
        }
    }

    mutating func args(_ depth: Int) -> String {
        var parts: [String] = []
        for _ in 0..<int(0...3) { parts.append(expr(depth)) }
        for _ in 0..<int(0...2) { parts.append("\(pick(Self.argNames)) = \(chance(50) ? number() : expr(depth))") }
        return parts.joined(separator: ", ")
    }

    mutating func layerCall() -> String {
        switch int(0...7) {
        case 0: return "Dense(\(number()))"
        case 1: return "Conv2D(\(int(1...16)), kernel = \(int(1...5)), padding = \(pick(["\"same\"", "\"valid\"", "1"])), stride = \(int(1...2)))"
        case 2: return "sequentialModel(\(pick(["Dense(8)", "ReLU()", "Block(8)", "Digits"])), \(pick(["Dense(4)", "Softmax()", "BatchNorm()"]))\(chance(30) ? ", repeat = \(number())" : ""))"
        case 3: return "parallelModel(Dense(4), Dense(\(int(3...5))), merge = \(pick(["\"add\"", "\"concat\"", "\"mean\"", "\"max\""])))"
        case 4: return pick(["LSTM(8)", "GRU(4, return_sequences = true)", "MultiHeadAttention(heads = 2)", "Embedding(50, 8)"])
        case 5: return pick(["Block(width)", "Block(\(number()))", "MLP(in_features = \(number()))", "Digits"])
        default: return "\(pick(Self.layers))(\(args(1)))"
        }
    }

    mutating func statements(_ count: Int, depth: Int, forward: Bool) -> String {
        var out = ""
        for _ in 0..<count {
            switch int(0...9) {
            case 0 where depth > 0:
                out += "for \(pick(["i", "epoch", "batch"])) in \(chance(50) ? "range(\(int(0...4)))" : pick(Self.names)) {\n\(statements(int(0...2), depth: depth - 1, forward: forward))}\n"
            case 1 where depth > 0:
                out += "if \(expr(1)) {\n\(statements(int(0...2), depth: depth - 1, forward: forward))} else {\n\(statements(1, depth: depth - 1, forward: forward))}\n"
            case 2: out += "return \(expr(1))\n"
            case 3: out += "\(pick(["let", "var"])) \(pick(Self.names)): \(type()) = \(expr(2))\n"
            case 4: out += "\(expr(2))\n"
            default:
                let target = chance(80) ? pick(Self.names) : "\(pick(Self.names)), \(pick(Self.names))"
                out += forward ? "\(target) = \(pick(["relu", "fc", "conv", "blocks", "sigmoid"]))(\(expr(1)))\n" : "\(target) = \(expr(2))\n"
            }
        }
        return out
    }

    mutating func members(params: Bool) -> String {
        var out = ""
        for i in 0..<int(1...2) { out += "    input \(i == 0 ? "x" : "a"): \(chance(80) ? "f32[batch, \(params ? pick(["width", "8", "in_features"]) : "8")]" : type())\n" }
        out += "    output y\(chance(60) ? ": \(chance(70) ? "f32[batch, \(pick(["8", "width", "4", "classes"]))]" : type())" : "")\n"
        for _ in 0..<int(0...3) { out += "    \(pick(["fc", "conv", "blocks", "hidden", "seed", "weights", "drop"])) = \(layerCall())\n" }
        if chance(80) { out += "    forward {\n\(statements(int(1...4), depth: 1, forward: true))    }\n" }
        return out
    }

    mutating func declaration() -> String {
        switch int(0...11) {
        case 0: return "metamodel Block(width: Int\(chance(50) ? " = \(int(1...16))" : ""), depth: Int = 2) {\n\(members(params: true))}\n"
        case 1: return "metamodel MLP(in_features: \(pick(["Int", "Float", "String"])), hidden: Int = \(number()), classes: Int = 10) {\n\(members(params: true))}\n"
        case 2, 3: return "model \(pick(["Digits", "M", "Net"])) {\n\(members(params: false))}\n"
        case 4: return "model \(pick(["Wide", "Net"])) = \(pick(["MLP", "Block", "Digits", "sequentialModel", "parallelModel"]))(\(args(1)))\n"
        case 5: return "model \(pick(["Wide", "Deep"])) extends \(pick(["Digits", "MLP", "Block", "Wide"]))\(chance(50) ? "(\(args(1)))" : "")\(chance(50) ? " {\n\(members(params: false))}" : "")\n"
        case 6: return "model G = customModel {\n    input a: f32[batch, 8]\n    enc = \(pick(["Digits", "Block(8)", "Dense(8)"]))\n    output y = \(expr(2))\n}\n"
        case 7: return "model Cfg {\n    pretrained_model = \(pick(["\"bert-base-uncased\"", "\"resnet18\"", "\"nope\"", "42"]))\n    \(pick(["num_labels", "classes", "seq_len"])) = \(number())\n}\n"
        case 8, 9: return "func \(pick(["train", "f", "run"]))(\(pick(["model: Digits", "m: Model", "x: f32[n, 8]", "n: Int = 3", "data: Dataset"])), \(pick(["epochs: Int = 2", "d: Dataset", "lr = 0.1"])))\(chance(40) ? " -> \(type())" : "") {\n\(statements(int(1...5), depth: 2, forward: false))}\n"
        case 10: return "import \(pick(["\"stdlib/mlp.m\"", "\"stdlib/nope.m\"", "\"t.m\"", "onnx \"x.onnx\" as Enc"]))\n"
        default: return statements(int(1...3), depth: 1, forward: false)
        }
    }

    mutating func program() -> String { (0..<int(1...6)).map { _ in declaration() }.joined() }

    /// A mostly well-formed program (sizes agree), so that lowering runs deep; a few numbers are off.
    mutating func wellFormedProgram() -> String {
        let k = int(1...16), h = int(1...32), c = int(1...4), s = int(4...12)
        let act = pick(["\"relu\"", "\"gelu\"", "\"tanh\"", "\"silu\"", "\"linear\""])
        var out = "metamodel Block(width: Int = \(k), depth: Int = \(int(1...3))) {\n    input x: f32[batch, width]\n    output y: f32[batch, width]\n"
        out += "    fc = Dense(width, activation = \(act))\n    norm = \(pick(["LayerNorm()", "BatchNorm()", "Dropout(0.1)"]))\n"
        out += "    forward {\n        h = x\n        for i in range(depth) { h = norm(h + fc(h)) }\n        y = h\n    }\n}\n"
        out += "model A {\n    seed = \(int(0...9))\n    input x: f32[batch, \(k)]\n    output y: f32[batch, \(chance(90) ? h : h + 1)]\n"
        out += "    l1 = Dense(\(h), activation = \(act))\n    b = \(pick(["Block()", "Block(\(k))", "sequentialModel(Block(), repeat = 2)", "Block(depth = 2)"]))\n"
        out += "    forward { y = l1(b(x)) }\n}\n"
        out += "model Image {\n    input x: f32[batch, \(c), \(s), \(s)]\n    output y\n"
        out += "    conv = Conv2D(\(int(1...8)), kernel = \(int(1...3)), stride = \(int(1...2)), padding = \(pick(["\"same\"", "\"valid\"", "1"])))\n"
        out += "    pool = \(pick(["MaxPooling2D(pool = 2)", "GlobalAveragePooling2D()", "AveragePooling2D(pool = 1)", "BatchNorm()", "DepthwiseConv2D(kernel = 3, padding = 1)"]))\n"
        out += "    flat = Flatten()\n    head = Dense(\(int(1...10)))\n}\n"
        switch int(0...4) {
        case 0: out += "model S = sequentialModel(A, \(pick(["Softmax()", "Dense(3)", "ReLU()", "LayerNorm()"])))\n"
        case 1: out += "model P = parallelModel(A, A, merge = \(pick(["\"add\"", "\"mean\"", "\"concat\""])))\n"
        case 2: out += "model W extends A {\n    extra = Dense(\(h))\n    forward { y = extra(l1(b(x))) }\n}\n"
        case 3: out += "model C = customModel {\n    input p: f32[batch, \(k)]\n    input q: f32[batch, \(k)]\n    enc = A\n    output d = l2_norm(enc(p) - enc(q), axis = 1)\n    output s = softmax(enc(p))\n}\n"
        default: out += "model R {\n    input t: f32[batch, \(int(1...6)), \(k)]\n    output y\n    rnn = \(pick(["LSTM(4)", "GRU(3)", "LSTM(2, return_sequences = true)", "MultiHeadAttention(heads = 1)"]))\n    forward { y = rnn(t) }\n}\n"
        }
        out += "func train(model: A, data: Dataset, epochs: Int = \(int(1...5))) {\n    optimizer = Adam(model.parameters(), lr = 0.01)\n    loss_function = CrossEntropyLoss()\n"
        out += "    for epoch in range(epochs) {\n        for batch in data {\n            optimizer.zero_grad()\n            loss = loss_function(model(batch.x), batch.y)\n            loss.backward()\n            optimizer.step()\n        }\n    }\n}\n"
        out += "train(A(), load_csv(\"d.csv\"))\n"
        out += "net = Model().add(Conv2D(\(int(1...8)), kernel = \(int(1...3)), input_shape = (\(s), \(s), \(c))))\n"
        out += "net.add(\(pick(["Flatten()", "MaxPooling2D(pool_size = 2)", "Dense(3)", "GlobalAveragePooling2D()"])))\n"
        out += "net.compile(optimizer = \(pick(["\"adam\"", "Optimizer(\"sgd\", learning_rate = 0.1)"])), loss = \"mse\", metrics = [\"accuracy\"])\n"
        out += "small = Optimizer().add(Pruning(percentage = 0.\(int(1...9)))).add(Quantization(bits = \(pick(["4", "8", "3"])))).optimize(A(), goal = \"speed\")\n"
        out += "engine = Engine(device = \(pick(["\"CPU\"", "\"GPU:1\"", "\"gpu\""])))\nengine.load_model(small)\nprint(engine.run(), net.summary())\n"
        return out
    }

    /// Token-level edits of a real program: replaced names and numbers, dropped and duplicated lines.
    mutating func mutate(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<int(1...4) {
            guard !lines.isEmpty else { break }
            let i = int(0...(lines.count - 1))
            switch int(0...4) {
            case 0: lines.remove(at: i)
            case 1: lines.insert(lines[int(0...(lines.count - 1))], at: i)
            default:
                var words = lines[i].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                guard !words.isEmpty else { continue }
                let w = int(0...(words.count - 1))
                words[w] = chance(50) ? pick(Self.names + Self.layers + Self.functions) : number()
                lines[i] = words.joined(separator: " ")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs one program through the front end in both modes and checks the invariants.
private func runOne(_ text: String, path: String, clean: inout Int) -> String? {
    for mode in [FrontendOptions.Mode.check, .compile] {
        let engine = DiagnosticEngine()
        let file = SourceFile(path: path, text: text)
        let start = Date()
        let result = compileProgram(file, diagnostics: engine, options: FrontendOptions(mode: mode, searchPaths: [repositoryRoot.path]))
        if Date().timeIntervalSince(start) > 20 { return "took \(Date().timeIntervalSince(start)) s" }
        _ = engine.render()
        for d in engine.diagnostics + engine.diagnostics.flatMap(\.notes) {
            guard let r = d.range else { continue }
            if r.start.file == path && (r.start.line < 1 || r.start.line > file.lineStarts.count || r.start.column < 1) {
                return "diagnostic outside the file: \(d)"
            }
        }
        if mode == .check && !engine.hasErrors { clean += 1 }
        if let module = result.module {
            if engine.hasErrors { return "a module despite errors" }
            do { try module.verify() } catch { return "invalid MIR: \(error)" }
        } else if !engine.hasErrors {
            return "no module and no error"
        }
    }
    return nil
}

@Test func grammarFuzz() throws {
    let env = ProcessInfo.processInfo.environment
    let seconds = Double(env["MCC_FUZZ_SECONDS"] ?? "") ?? 4
    let seed = UInt64(env["MCC_FUZZ_SEED"] ?? "") ?? 0x6D63_6320_6675_7A7A
    var corpus: [String] = []
    for folder in ["stdlib", "examples/paper", "Tests/MFrontendTests/Inputs/errors"] {
        let dir = repositoryRoot.appendingPathComponent(folder)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where name.hasSuffix(".m") {
            if let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) { corpus.append(text) }
        }
    }
    #expect(!corpus.isEmpty)
    let start = Date()
    var executions = 0
    var failures = 0
    var clean = 0
    while Date().timeIntervalSince(start) < seconds && failures < 5 {
        var generator = ProgramGenerator(rng: SplitMix64(seed: seed &+ UInt64(executions)))
        let text: String
        switch executions % 4 {
        case 0: text = generator.program()
        case 1: text = generator.wellFormedProgram()
        case 2: text = generator.mutate(generator.wellFormedProgram())
        default: text = generator.mutate(generator.pick(corpus))
        }
        let path = repositoryRoot.appendingPathComponent("fuzz-\(executions % 2).m").path
        if let problem = runOne(text, path: path, clean: &clean) {
            failures += 1
            Issue.record("fuzz case \(executions) (seed \(seed) + \(executions)): \(problem)\n\(text)")
        }
        executions += 1
    }
    print("grammarFuzz: \(executions) programs (\(clean) without errors) in \(Int(Date().timeIntervalSince(start))) s, \(failures) failures (seed \(seed))")
}
