import MIR

/// The front end's diagnostic texts in one place, so wording stays consistent and tests can
/// match them (style guide §9: typed messages).
struct FrontendMessage: Sendable {
    let text: String
    init(_ text: String) { self.text = text }

    // Lexer.
    static let unterminatedString = Self("unterminated string literal")
    static let unterminatedBlockComment = Self("unterminated '/*' comment")
    static let integerTooLarge = Self("integer literal is too large")
    static let floatTooLarge = Self("floating-point literal is too large")
    static func invalidNumber(_ text: String) -> Self { Self("invalid number literal '\(clip(text))'") }
    static func unknownEscape(_ char: String) -> Self { Self("unknown escape sequence '\\\(char)'") }
    static func unexpectedCharacter(_ char: String) -> Self { Self("unexpected character '\(char)'") }
    static func invalidUTF8(_ byte: UInt8) -> Self {
        Self("invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true))")
    }
    static func nulCharacter(in what: String) -> Self { Self("unexpected character '\\u{00}' in \(what)") }

    // Parser.
    static let emptyFile = Self("file is empty: expected a model declaration")
    static let tooManyErrors = Self("too many errors, stopping")
    static let nestedTooDeeply = Self("expression nested too deeply")
    static let expressionTooLong = Self("expression is too long")
    static let blocksNestedTooDeeply = Self("blocks nested too deeply")
    static let extraneousBrace = Self("extraneous '}' at top level")
    static let positionalAfterKeyword = Self("positional argument follows keyword arguments")
    static let notAssignable = Self("cannot assign to this expression")
    static func expected(_ what: String, found: String) -> Self { Self("expected \(what), found \(found)") }
    static func unclosed(_ closer: String, _ opener: String, _ context: String) -> Self {
        Self("expected '\(closer)' to close the '\(opener)'\(context.isEmpty ? "" : " " + context)")
    }
    static func tensorTypeNeedsShape(_ dtype: String) -> Self {
        Self("tensor type '\(dtype)' needs a shape in brackets, e.g. '\(dtype)[n]', or '\(dtype)[]' for a scalar")
    }
    static func toMatch(_ opener: String) -> Self { Self("to match this '\(opener)'") }
}

/// Shortens text quoted in a message so a 10 kB garbage token does not become a 10 kB message.
func clip(_ text: String, limit: Int = 24) -> String {
    text.count <= limit ? text : String(text.prefix(limit)) + "..."
}

/// Forwards errors to the `DiagnosticEngine` with byte offsets turned into locations, and stops
/// the whole parse after `maxErrors` so binary garbage yields a short report, not thousands of lines.
final class DiagnosticReporter {
    let engine: DiagnosticEngine
    let file: SourceFile
    let maxErrors: Int
    private(set) var errorCount = 0
    /// Set once the error budget is spent; the lexer then returns only `.eof`.
    private(set) var stopped = false

    init(engine: DiagnosticEngine, file: SourceFile, maxErrors: Int = 20) {
        self.engine = engine; self.file = file; self.maxErrors = maxErrors
    }

    func range(_ start: Int, _ end: Int) -> SourceRange {
        SourceRange(start: file.location(ofOffset: start), end: file.location(ofOffset: max(start, end)))
    }

    func error(_ message: FrontendMessage, at start: Int, _ end: Int, notes: [Diagnostic] = []) {
        error(message, at: range(start, end), notes: notes)
    }

    func error(_ message: FrontendMessage, at range: SourceRange, notes: [Diagnostic] = []) {
        if stopped { return }
        if errorCount >= maxErrors {
            stopped = true
            engine.emit(Diagnostic(.error, FrontendMessage.tooManyErrors.text, at: range))
            return
        }
        errorCount += 1
        engine.emit(Diagnostic(.error, message.text, at: range, notes: notes))
    }

    func note(_ message: FrontendMessage, at start: Int, _ end: Int) -> Diagnostic {
        Diagnostic(.note, message.text, at: range(start, end))
    }
}
