import Testing
import MIR
@testable import MFrontend

// Exact diagnostics: `file:line:col: error: message`, the source line, and a caret.

@Test func unterminatedString() {
    let (_, engine) = parse("model M {\n    weights = \"w.safetensors\n}\n")
    #expect(engine.render() == """
        t.m:2:15: error: unterminated string literal
            weights = "w.safetensors
                      ^

        """)
}

@Test func unterminatedBlockComment() {
    let (_, engine) = parse("model A {}\n/* never closed\nmodel B {}\n")
    #expect(engine.render() == """
        t.m:2:1: error: unterminated '/*' comment
        /* never closed
        ^~

        """)
}

@Test func missingClosingBraceHasANoteAtTheOpeningBrace() {
    let (unit, engine) = parse("model X {\n    fc = Dense(10)\n")
    #expect(engine.render() == """
        t.m:2:19: error: expected '}' to close the '{' of model 'X'
            fc = Dense(10)
                          ^
        t.m:1:9: note: to match this '{'
        model X {
                ^

        """)
    #expect(unit.models.first?.members.count == 1)   // The members before the error are kept.
}

@Test func unclosedBodyStopsAtTheNextDeclaration() {
    let (unit, engine) = parse("model A {\n    fc = 1\nmodel B {\n}\nfunc f() {\n    if x {\n        y = 1\n}\n")
    #expect(diagnosticLines(engine) == [
        "t.m:2:11: error: expected '}' to close the '{' of model 'A'",
        "t.m:1:9: note: to match this '{'",
        "t.m:8:2: error: expected '}' to close the '{' of func 'f'",
        "t.m:5:10: note: to match this '{'",
    ])
    #expect(unit.models.map(\.name.name) == ["A", "B"] && unit.functions.count == 1)
}

@Test func extraneousClosingBrace() {
    #expect(diagnosticLines("model A {\n}\n}\nx = 1\n") == ["t.m:3:1: error: extraneous '}' at top level"])
}

@Test func missingClosingParen() {
    let (_, engine) = parse("model M {\n    fc = Dense(10\n    out = 1\n}\n")
    #expect(engine.render() == """
        t.m:2:18: error: expected ')' to close the '(' of the argument list
            fc = Dense(10
                         ^
        t.m:2:15: note: to match this '('
            fc = Dense(10
                      ^

        """)
    #expect(diagnosticLines("x = f(1 2)\n") == ["t.m:1:9: error: expected ',' or ')' in argument list, found '2'"])
    #expect(diagnosticLines("x = [1, 2") == [
        "t.m:1:10: error: expected ']' to close the '[' of the list", "t.m:1:5: note: to match this '['",
    ])
}

@Test func emptyFile() {
    let (unit, engine) = parse("")
    #expect(unit.declarations.isEmpty)
    #expect(engine.render() == "t.m:1:1: error: file is empty: expected a model declaration\n\n^\n")
    #expect(diagnosticLines("  // only a comment\n\n# another\n") == [
        "t.m:1:1: error: file is empty: expected a model declaration",
    ])
}

@Test func unexpectedTokens() {
    #expect(diagnosticLines(")\n") == ["t.m:1:1: error: expected an expression, found ')'"])
    #expect(diagnosticLines("x = \n") == ["t.m:1:5: error: expected an expression, found end of line"])
    #expect(diagnosticLines("x = (1 +") == ["t.m:1:9: error: expected an expression, found end of file"])
    #expect(diagnosticLines("x = 1 2\n") == ["t.m:1:7: error: expected end of line, found '2'"])
    #expect(diagnosticLines("model M\n") == [
        "t.m:1:8: error: expected '{', '=' or 'extends' after model name 'M', found end of line",
    ])
    #expect(diagnosticLines("func f { }\n") == [
        "t.m:1:8: error: expected '(' after function name 'f', found '{'",
    ])
    #expect(diagnosticLines("import onnx \"a.onnx\"\n") == [
        "t.m:1:21: error: expected 'as' and a model name after the ONNX path, found end of line",
    ])
    #expect(diagnosticLines("f(a = 1, 2)\n") == ["t.m:1:10: error: positional argument follows keyword arguments"])
    #expect(diagnosticLines("f(x) = 2\n") == ["t.m:1:1: error: cannot assign to this expression"])
    #expect(diagnosticLines("model M { input x: f32 }\n") == [
        "t.m:1:20: error: tensor type 'f32' needs a shape in brackets, e.g. 'f32[n]', or 'f32[]' for a scalar",
    ])
    #expect(diagnosticLines("model M { forward = 1\n 3 }\n") == [
        "t.m:2:2: error: expected a model member ('input', 'output', 'forward' or 'name = value'), found '3'",
    ])
}

@Test func unexpectedCharactersArePrintable() {
    #expect(diagnosticLines("x = $\n") == ["t.m:1:5: error: unexpected character '$'"])
    #expect(diagnosticLines(bytes: Array("x = 1".utf8) + [0] + Array("2\n".utf8)) == [
        "t.m:1:6: error: unexpected character '\\u{00}'",
    ])
    #expect(diagnosticLines(bytes: Array("x = ".utf8) + [0xFF, 0xFE] + Array("abc\n".utf8)) == [
        "t.m:1:5: error: invalid UTF-8 byte 0xFF",
    ])
    #expect(diagnosticLines("x = \u{00A0}1\n") == ["t.m:1:5: error: unexpected character '\\u{A0}'"])
    #expect(diagnosticLines("x = é\n") == ["t.m:1:5: error: unexpected character 'é'"])
    #expect(diagnosticLines(bytes: Array("# a comment with NUL ".utf8) + [0] + Array("\nx = 1\n".utf8)) == [
        "t.m:1:22: error: unexpected character '\\u{00}' in comment",
    ])
    #expect(diagnosticLines(bytes: Array("x = \"a".utf8) + [0xC3] + Array("\"\n".utf8)) == [
        "t.m:1:7: error: invalid UTF-8 byte 0xC3",
    ])
    #expect(diagnosticLines("x = 'a\\qb'\n") == ["t.m:1:7: error: unknown escape sequence '\\q'"])
}

@Test func binaryGarbage() {
    let bytes: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0x41, 0x28, 0xC0, 0x0A, 0x24, 0xFE, 0x5B, 0x00, 0x22, 0x01]
    #expect(diagnosticLines(bytes: bytes) == [
        "t.m:1:1: error: unexpected character '\\u{00}'",
        "t.m:1:7: error: invalid UTF-8 byte 0xC0",
        "t.m:2:1: error: unexpected character '$'",
        "t.m:2:4: error: unexpected character '\\u{00}'",
        "t.m:2:5: error: unterminated string literal",
    ])
}

@Test func literalsThatDoNotFit() {
    let (_, engine) = parse("x = 99999999999999999999\n")
    #expect(engine.render() == """
        t.m:1:5: error: integer literal is too large
        x = 99999999999999999999
            ^~~~~~~~~~~~~~~~~~~~

        """)
    #expect(diagnosticLines("x = 9223372036854775807\n") == [])
    #expect(diagnosticLines("x = 9223372036854775808\n") == ["t.m:1:5: error: integer literal is too large"])
    #expect(diagnosticLines("x = 1e999\n") == ["t.m:1:5: error: floating-point literal is too large"])
    #expect(diagnosticLines("x = 12ab + 1e\n") == [
        "t.m:1:5: error: invalid number literal '12ab'", "t.m:1:12: error: invalid number literal '1e'",
    ])
    #expect(diagnosticLines("model M { input x: f32[99999999999999999999] }\n") == [
        "t.m:1:24: error: integer literal is too large",
    ])
}

@Test func deepNestingIsAnErrorNotACrash() {
    let deep = 200
    #expect(diagnosticLines("x = " + String(repeating: "(", count: deep) + "1" + String(repeating: ")", count: deep)) == [
        "t.m:1:133: error: expression nested too deeply",
    ])
    #expect(diagnosticLines(String(repeating: "[", count: 100_000)) == ["t.m:1:129: error: expression nested too deeply"])
    #expect(diagnosticLines("x = " + String(repeating: "-", count: 100_000) + "1") == [
        "t.m:1:133: error: expression nested too deeply",
    ])
    #expect(diagnosticLines("x = " + String(repeating: "not ", count: 1000) + "a").count == 1)
    #expect(diagnosticLines("x = " + String(repeating: "a ** ", count: 1000) + "a").count == 1)
    #expect(diagnosticLines("model M { input x: f32[" + String(repeating: "(", count: 1000) + "n]\n}").count == 1)
    let blocks = "func f() {\n" + String(repeating: "if x {\n", count: 300) + String(repeating: "}\n", count: 301)
    #expect(diagnosticLines(blocks) == ["t.m:129:6: error: blocks nested too deeply"])
    // 127 levels are fine.
    let ok = 127
    #expect(diagnosticLines("x = " + String(repeating: "(", count: ok) + "1" + String(repeating: ")", count: ok)) == [])
}

@Test func longChainsAreBounded() {
    #expect(diagnosticLines("x = " + String(repeating: "a + ", count: 499) + "a") == [])
    #expect(diagnosticLines("x = " + String(repeating: "a + ", count: 10_000) + "a") == [
        "t.m:1:2007: error: expression is too long",
    ])
    #expect(diagnosticLines("x = f" + String(repeating: "()", count: 10_000)).count == 1)
    #expect(diagnosticLines("x = a" + String(repeating: ".b", count: 10_000)).count == 1)
}

@Test func recoveryReportsSeveralErrorsAndKeepsTheRest() {
    let (unit, engine) = parse("""
        model A {
            input x f32[b]
            fc1 Dense(3)
            fc2 = Dense(4)
            z = 1 2
            forward { y = (1 + }
        }
        model B { k = 1 }
        """)
    #expect(diagnosticLines(engine) == [
        "t.m:2:13: error: expected ':' and a type after input 'x', found 'f32'",
        "t.m:3:9: error: expected '=' after member name 'fc1', found 'Dense'",
        "t.m:5:11: error: expected end of line, found '2'",
        "t.m:6:24: error: expected an expression, found '}'",
    ])
    #expect(unit.models.map(\.name.name) == ["A", "B"])
    // Kept: fc2; z (complete before its trailing junk); forward (the error was inside its block).
    #expect(unit.models.first?.members.count == 3)
}

@Test func errorsAreCapped() {
    let (_, engine) = parse(String(repeating: "x = $\n", count: 100))
    #expect(engine.errorCount == 21)
    #expect(engine.diagnostics.last?.description == "t.m:21:5: error: too many errors, stopping")
}
