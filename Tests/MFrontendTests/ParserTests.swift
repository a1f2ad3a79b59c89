import Testing
import MIR
@testable import MFrontend

// Parsing every construct of the language, and the AST shapes later stages rely on.

@Test func mlpExampleParsesToTheExpectedAST() throws {
    let (unit, diagnostics) = parseClean(try input("mlp.m"))
    #expect(diagnostics == [])
    let models = unit.models
    try #require(models.count == 1 && unit.declarations.count == 1)
    let mlp = try #require(models.first)
    #expect(mlp.name.name == "MLP")
    #expect(mlp.name.range.start.line == 2 && mlp.name.range.start.column == 7)
    #expect(mlp.kind == .body)
    #expect(mlp.bodyRange?.start.line == 2 && mlp.bodyRange?.end.line == 11)
    try #require(mlp.members.count == 6)

    guard case .binding(let seedName, let seedValue) = mlp.members[0].kind else { Issue.record("seed"); return }
    #expect(seedName.name == "seed" && seedValue.kind == .int(42))

    guard case .input(let x, let xType) = mlp.members[1].kind,
          case .tensor(let dtype, let dims) = xType.kind else { Issue.record("input"); return }
    #expect(x.name == "x" && dtype == .f32)
    #expect(dims.map(\.kind) == [.symbol("batch"), .constant(784)])
    #expect(dims[1].range.start.column == 25 && dims[1].range.end.column == 28)

    guard case .output(let logits, let logitsType, nil) = mlp.members[2].kind else { Issue.record("output"); return }
    #expect(logits.name == "logits" && logitsType?.description == "f32[batch, 10]")

    guard case .binding(let fc1, let dense) = mlp.members[3].kind,
          case .call(let callee, let arguments) = dense.kind else { Issue.record("fc1"); return }
    #expect(fc1.name == "fc1" && callee.kind == .identifier("Dense"))
    #expect(callee.range.start.line == 6 && callee.range.start.column == 11)
    #expect(arguments.count == 1 && arguments.first?.label == nil && arguments.first?.value.kind == .int(128))
    #expect(dense.range.start.column == 11 && dense.range.end.column == 21)

    guard case .forward(let body) = mlp.members[5].kind, body.statements.count == 1,
          case .assign(let targets, let value) = body.statements[0].kind else { Issue.record("forward"); return }
    #expect(targets.map(\.description) == ["logits"])
    #expect(value.description == "softmax(fc2(relu(fc1(x))))")
    #expect(body.range.start.line == 8 && body.range.end.line == 10)
}

@Test func paperSketchParsesWithoutErrors() throws {
    let (unit, diagnostics) = parseClean(try input("sketch.m"))
    #expect(diagnostics == [])
    #expect(unit.models.map(\.name.name) == [
        "Digits", "WideDigits", "DropDigits", "Pipeline", "Ensemble", "Siamese", "MBERTClassifier",
    ])
    #expect(unit.metamodels.map(\.name.name) == ["MLP"])
    #expect(unit.functions.map(\.name.name) == ["train"])
    #expect(unit.statements.count == 19)
    guard case .import(let vision) = unit.declarations[0], case .importONNX(let encoder) = unit.declarations[1] else {
        Issue.record("imports"); return
    }
    #expect(vision.path == "stdlib/vision.m" && encoder.path == "pretrained/encoder.onnx" && encoder.alias.name == "Encoder")
}

/// Printing the AST, re-parsing the text and printing again is stable.
@Test(arguments: ["sketch.m", "mlp.m", "constructs.m"])
func dumpRoundTrips(_ name: String) throws {
    let (unit, diagnostics) = parseClean(try input(name))
    #expect(diagnostics == [])
    let printed = unit.dump()
    let (reparsed, again) = parseClean(printed)
    #expect(again == [])
    #expect(reparsed.dump() == printed)
}

@Test func everyModelForm() throws {
    let (unit, diagnostics) = parseClean(try input("constructs.m"))
    #expect(diagnostics == [])
    let byName = Dictionary(unit.models.map { ($0.name.name, $0) }, uniquingKeysWith: { a, _ in a })
    #expect(byName["Plain"]?.kind == .body)
    guard case .instantiation(let value)? = byName["Composed"]?.kind else { Issue.record("Composed"); return }
    #expect(value.description == "sequentialModel(a, b)")
    guard case .extends(let base, let arguments)? = byName["Wide"]?.kind else { Issue.record("Wide"); return }
    #expect(base.name == "Plain" && arguments.map(\.description) == ["hidden = 512"] && byName["Wide"]?.bodyRange == nil)
    guard case .extends(_, let none)? = byName["Deeper"]?.kind else { Issue.record("Deeper"); return }
    #expect(none.isEmpty && byName["Deeper"]?.members.count == 2)
    guard case .extends(_, let some)? = byName["Both"]?.kind else { Issue.record("Both"); return }
    #expect(some.count == 1 && byName["Both"]?.members.count == 1)
    guard case .custom(let builder)? = byName["Graph"]?.kind else { Issue.record("Graph"); return }
    #expect(builder.name == "customModel")
    let outputs = byName["Graph"]?.members.compactMap { m -> String? in
        guard case .output(let name, let type, let value) = m.kind else { return nil }
        return "\(name.name) \(type?.description ?? "-") \(value?.description ?? "-")"
    }
    #expect(outputs == ["y - (a + b)", "z f32[batch] -", "w - -"])
    let meta = try #require(unit.metamodels.first { $0.name.name == "NoParams" })
    #expect(meta.parameters.isEmpty && meta.members.count == 1)
}

@Test func functionSignaturesAndTypes() throws {
    let (unit, diagnostics) = parseClean("""
        func f(x: f32[batch, 3, 224, 224], n: Int = 2, s: String, b: Bool, r: Float, d: Dataset,
               t: f32[], h: i64[(h - 3) / 2 + 1, n * 2 % 3], q = 0.5, m: (bf16[n], Int)) -> (f16[n], i8[1]) {
            return x
        }
        """)
    #expect(diagnostics == [])
    let f = try #require(unit.functions.first)
    #expect(f.parameters.map(\.description) == [
        "x: f32[batch, 3, 224, 224]", "n: Int = 2", "s: String", "b: Bool", "r: Float", "d: Dataset",
        "t: f32[]", "h: i64[(((h - 3) / 2) + 1), ((n * 2) % 3)]", "q = 0.5", "m: (bf16[n], Int)",
    ])
    #expect(f.parameters.map { $0.type?.kind == .int } == [false, true] + Array(repeating: false, count: 8))
    #expect(f.parameters[5].type?.kind == .named("Dataset"))
    #expect(f.returnType?.description == "(f16[n], i8[1])")
    #expect(f.body.statements.count == 1)
    guard case .return(let value)? = f.body.statements.first?.kind else { Issue.record("return"); return }
    #expect(value?.kind == .identifier("x"))
    #expect(f.parameters[0].name.range.start.column == 8 && f.parameters[0].range.end.column == 34)
}

@Test func statements() throws {
    let (unit, diagnostics) = parseClean("""
        func g(xs: f32[n]) {
            a, b = split(xs)
            xs[0] = 1; obj.field = 2
            for i, x in enumerate(xs) { total = total + x }
            while i < 10 { i = i - 1 }
            if a { return } else if b { return 1 }
            else { optimizer.step() }
            let k: Int = 3
            var m = 4
        }
        """)
    #expect(diagnostics == [])
    let body = try #require(unit.functions.first?.body)
    #expect(body.range.start.line == 1 && body.range.end.line == 10)
    var printed = ""
    for s in body.statements { s.dump(indent: "", into: &printed) }
    #expect(printed == """
        a, b = split(xs)
        xs[0] = 1
        obj.field = 2
        for i, x in enumerate(xs) {
            total = (total + x)
        }
        while (i < 10) {
            i = (i - 1)
        }
        if a {
            return
        } else {
            if b {
                return 1
            } else {
                optimizer.step()
            }
        }
        let k: Int = 3
        var m = 4

        """)
}

@Test(arguments: [
    ("a + b * c", "(a + (b * c))"),
    ("a * b + c", "((a * b) + c)"),
    ("a - b - c", "((a - b) - c)"),
    ("2 ** 3 ** 2", "(2 ** (3 ** 2))"),
    ("-x ** 2", "(-(x ** 2))"),
    ("-a * b", "((-a) * b)"),
    ("2 ** -1", "(2 ** (-1))"),
    ("not a == b and c", "((not (a == b)) and c)"),
    ("a or b and c", "(a or (b and c))"),
    ("a && b || !c", "((a and b) or (not c))"),
    ("a < b + 1", "(a < (b + 1))"),
    ("a != b", "(a != b)"),
    ("a <= b >= c", "((a <= b) >= c)"),
    ("x @ w + b", "((x @ w) + b)"),
    ("a % b / c", "((a % b) / c)"),
    ("(a + b) * c", "((a + b) * c)"),
    ("x.y[1, j](2).z", "x.y[1, j](2).z"),
    ("f(a, k = v)", "f(a, k = v)"),
    ("(a, b)", "(a, b)"),
    ("(a,)", "(a,)"),
    ("()", "()"),
    ("[1, 2.5, \"s\", true, false, []]", "[1, 2.5, \"s\", true, false, []]"),
    (".5 + 1e-3 + 2E+2", "((0.5 + 0.001) + 200.0)"),
    ("'it\\'s' + \"\\t\\n\\\\\\\"\"", "(\"it's\" + \"\\t\\n\\\\\\\"\")"),
    ("model(batch.x)", "model(batch.x)"),
    ("model.parameters()", "model.parameters()"),
])
func expressionGrouping(_ source: String, _ expected: String) {
    #expect(expr(source)?.description == expected)
}

@Test func argumentLabelsKeepTheirRanges() throws {
    let e = try #require(expr("Normalize(x, mean = 0.5)"))
    guard case .call(let callee, let arguments) = e.kind else { Issue.record("call"); return }
    #expect(callee.range.start.column == 1 && callee.range.end.column == 10)
    #expect(arguments.count == 2 && arguments[0].labelRange == nil)
    #expect(arguments[1].label?.name == "mean")
    #expect(arguments[1].labelRange?.start.column == 14 && arguments[1].labelRange?.end.column == 18)
    #expect(arguments[1].value.range.start.column == 21 && arguments[1].range.end.column == 24)
}

@Test func newlinesInsideBracketsAreIgnored() throws {
    let (unit, diagnostics) = parseClean("""
        model M {
            input x: f32[
                batch,
                784]
            fc = Dense(
                128,
                activation = "relu"
            )
        }
        y = [1,
             2]
        """)
    #expect(diagnostics == [])
    #expect(unit.models.first?.members.count == 2)
    #expect(unit.statements.count == 1)
}

@Test func commentsOfEveryStyle() throws {
    let (unit, diagnostics) = parseClean("""
        # hash comment
        // slash comment
        x = 1 /* inline */ + 2   # trailing
        y = 3 /* a block comment
        spanning lines ends the statement */ z = 4
        """)
    #expect(diagnostics == [])
    #expect(unit.statements.count == 3)
}

@Test func contextualKeywordsAreOrdinaryNames() throws {
    let (unit, diagnostics) = parseClean("""
        input = 1
        output = input
        forward = model(extends, as, onnx)
        model M { model = 3 }
        """)
    #expect(diagnostics == [])
    #expect(unit.statements.count == 3 && unit.models.count == 1)
}

@Test func tokensCarryByteRanges() throws {
    let engine = DiagnosticEngine()
    let file = SourceFile(path: "t.m", text: "f32[b] -> 'a' 1.5e2 x.5 .5 ** != &&")
    let reporter = DiagnosticReporter(engine: engine, file: file)
    var lexer = Lexer(file: file, reporter: reporter)
    var kinds: [TokenKind] = []
    while true {
        let token = lexer.next()
        if token.kind == .eof { break }
        kinds.append(token.kind)
    }
    #expect(kinds == [
        .identifier("f32"), .lbracket, .identifier("b"), .rbracket, .arrow, .string("a"), .float(150),
        .identifier("x"), .dot, .integer(5), .float(0.5), .starStar, .bangEqual, .keyword(.and),
    ])
    #expect(engine.diagnostics.isEmpty)
}
