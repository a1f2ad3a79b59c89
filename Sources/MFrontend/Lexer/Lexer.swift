import MIR

/// Turns bytes into tokens on demand. Never traps: every index is bounds-checked, literal values
/// use overflow-reporting arithmetic, and each call to `next()` consumes at least one byte unless
/// it returns `.eof`. Problems are reported through `reporter` and yield `.invalid` tokens.
struct Lexer {
    private let bytes: [UInt8]
    private var pos = 0
    private let reporter: DiagnosticReporter
    /// Whether the previous token can end an operand and ends right here: then `.5` is member
    /// access (`x.5`), otherwise a float (`x = .5`, `f(.5)`, `a + .5`).
    private var previousEndsOperand = false
    private var previousEnd = -1

    init(file: SourceFile, reporter: DiagnosticReporter) {
        self.bytes = file.bytes
        self.reporter = reporter
    }

    private func byte(_ i: Int) -> UInt8? { i >= 0 && i < bytes.count ? bytes[i] : nil }

    mutating func next() -> Token {
        let token = scan()
        previousEndsOperand = token.kind.canEndOperand
        previousEnd = token.end
        return token
    }

    private mutating func scan() -> Token {
        if reporter.stopped { return Token(kind: .eof, start: bytes.count, end: bytes.count) }
        if let newlineAt = skipTrivia() { return Token(kind: .newline, start: newlineAt, end: newlineAt + 1) }
        let start = pos
        guard let b = byte(pos) else { return Token(kind: .eof, start: bytes.count, end: bytes.count) }
        if isIdentifierStart(b) { return lexIdentifier() }
        if isDigit(b) { return lexNumber(start: start) }
        if b == UInt8(ascii: "."), let after = byte(pos + 1), isDigit(after), !(previousEndsOperand && previousEnd == pos) {
            return lexNumber(start: start)
        }
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { return lexString(quote: b) }
        if let (kind, length) = punctuation(b, byte(pos + 1)) {
            pos += length
            return Token(kind: kind, start: start, end: pos)
        }
        return lexUnexpected()
    }

    /// Skips spaces and comments. Returns the offset of the first line break skipped, if any, so a
    /// run of blank and comment lines becomes a single newline token. A block comment spanning lines
    /// counts as a line break (Go's rule), so `x = 1 /*\n*/ y = 2` is two statements.
    private mutating func skipTrivia() -> Int? {
        var newlineAt: Int? = nil
        while let b = byte(pos) {
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C:
                pos += 1
            case UInt8(ascii: "\n"):
                if newlineAt == nil { newlineAt = pos }
                pos += 1
            case UInt8(ascii: "#"):
                skipLineComment()
            case UInt8(ascii: "/") where byte(pos + 1) == UInt8(ascii: "/"):
                skipLineComment()
            case UInt8(ascii: "/") where byte(pos + 1) == UInt8(ascii: "*"):
                if let lineBreak = skipBlockComment(), newlineAt == nil { newlineAt = lineBreak }
            default:
                return newlineAt
            }
        }
        return newlineAt
    }

    private mutating func skipLineComment() {
        let start = pos
        while let b = byte(pos), b != UInt8(ascii: "\n") { pos += 1 }
        checkText(start, pos, what: "comment")
    }

    /// Skips `/* ... */` (not nested); returns the offset of a line break inside it, if any.
    private mutating func skipBlockComment() -> Int? {
        let start = pos
        pos += 2
        var lineBreak: Int? = nil
        while let b = byte(pos) {
            if b == UInt8(ascii: "*"), byte(pos + 1) == UInt8(ascii: "/") {
                checkText(start, pos, what: "comment")
                pos += 2
                return lineBreak
            }
            if b == UInt8(ascii: "\n"), lineBreak == nil { lineBreak = pos }
            pos += 1
        }
        reporter.error(.unterminatedBlockComment, at: start, start + 2)
        return lineBreak
    }

    /// Source is text: a NUL byte or invalid UTF-8 is an error even inside comments and strings
    /// (Go's rule), so binary garbage is always reported. One report per comment or string.
    private func checkText(_ start: Int, _ end: Int, what: String) {
        var i = start
        while i < end, let b = byte(i) {
            if b == 0 {
                reporter.error(.nulCharacter(in: what), at: i, i + 1)
                return
            }
            if b < 0x80 { i += 1; continue }
            guard let width = utf8Width(at: i) else {
                reporter.error(.invalidUTF8(b), at: i, i + 1)
                return
            }
            i += width
        }
    }

    /// The length of the valid UTF-8 sequence starting at `i`, or nil if it is malformed.
    func utf8Width(at i: Int) -> Int? {
        guard let lead = byte(i) else { return nil }
        var iterator = bytes[i..<min(i + 4, bytes.count)].makeIterator()
        var decoder = Unicode.UTF8()
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar): return lead < 0x80 ? 1 : Unicode.UTF8.width(scalar)
        case .emptyInput, .error: return nil
        }
    }

    private mutating func lexIdentifier() -> Token {
        let start = pos
        while let b = byte(pos), isIdentifierStart(b) || isDigit(b) { pos += 1 }
        let name = String(decoding: bytes[start..<pos], as: UTF8.self)
        if let keyword = Keyword(rawValue: name) { return Token(kind: .keyword(keyword), start: start, end: pos) }
        return Token(kind: .identifier(name), start: start, end: pos)
    }

    /// `42`, `0.5`, `1e-3`, `.5`. A literal glued to letters (`12ab`, `1e`) is one invalid token.
    private mutating func lexNumber(start: Int) -> Token {
        var isFloat = false
        skipDigits()
        if byte(pos) == UInt8(ascii: "."), let after = byte(pos + 1), isDigit(after) {
            isFloat = true
            pos += 1
            skipDigits()
        }
        if let e = byte(pos), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var j = pos + 1
            if let sign = byte(j), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { j += 1 }
            if let d = byte(j), isDigit(d) {
                isFloat = true
                pos = j
                skipDigits()
            }
        }
        if let b = byte(pos), isIdentifierStart(b) || isDigit(b) {
            while let c = byte(pos), isIdentifierStart(c) || isDigit(c) { pos += 1 }
            reporter.error(.invalidNumber(text(start, pos)), at: start, pos)
            return Token(kind: .invalid, start: start, end: pos)
        }
        let digits = bytes[start..<pos]
        if !isFloat {
            var value = 0
            for d in digits {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(d) - 48)
                if o1 || o2 {
                    reporter.error(.integerTooLarge, at: start, pos)
                    return Token(kind: .integer(Int.max), start: start, end: pos)
                }
                value = sum
            }
            return Token(kind: .integer(value), start: start, end: pos)
        }
        let literal = (digits.first == UInt8(ascii: ".") ? "0" : "") + String(decoding: digits, as: UTF8.self)
        guard let value = Double(literal), value.isFinite else {
            reporter.error(.floatTooLarge, at: start, pos)
            return Token(kind: .float(0), start: start, end: pos)
        }
        return Token(kind: .float(value), start: start, end: pos)
    }

    private mutating func skipDigits() {
        while let b = byte(pos), isDigit(b) { pos += 1 }
    }

    /// A string in `"` or `'`; it may not span lines. Escapes: \n \t \r \0 \\ \" \'.
    private mutating func lexString(quote: UInt8) -> Token {
        let start = pos
        pos += 1
        var value: [UInt8] = []
        while true {
            guard let b = byte(pos), b != UInt8(ascii: "\n") else {
                reporter.error(.unterminatedString, at: start, start + 1)
                return Token(kind: .invalid, start: start, end: pos)
            }
            if b == quote {
                pos += 1
                break
            }
            if b == UInt8(ascii: "\\"), let escaped = byte(pos + 1), escaped != UInt8(ascii: "\n") {
                switch escaped {
                case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "r"): value.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "0"): value.append(0)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): value.append(escaped)
                default:
                    reporter.error(.unknownEscape(printable(at: pos + 1)), at: pos, pos + 2)
                    value.append(escaped)
                }
                pos += 2
                continue
            }
            value.append(b)
            pos += 1
        }
        checkText(start + 1, pos - 1, what: "string literal")
        return Token(kind: .string(String(decoding: value, as: UTF8.self)), start: start, end: pos)
    }

    /// Reports one error for a run of characters that cannot start a token, then skips the run.
    private mutating func lexUnexpected() -> Token {
        let start = pos
        if let b = byte(pos), b >= 0x80, utf8Width(at: pos) == nil {
            reporter.error(.invalidUTF8(b), at: pos, pos + 1)
        } else {
            reporter.error(.unexpectedCharacter(printable(at: pos)), at: pos, pos + max(1, utf8Width(at: pos) ?? 1))
        }
        // Swallow the rest of the garbage run so binary input gives one error per run, not per byte.
        while let b = byte(pos) {
            let width = max(1, utf8Width(at: pos) ?? 1)
            if pos > start, isTokenStartOrTrivia(b) { break }
            pos += width
        }
        return Token(kind: .invalid, start: start, end: pos)
    }

    private func isTokenStartOrTrivia(_ b: UInt8) -> Bool {
        if isIdentifierStart(b) || isDigit(b) { return true }
        if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C { return true }
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "#") { return true }
        return punctuation(b, nil) != nil || b == UInt8(ascii: "&") || b == UInt8(ascii: "|")
    }

    /// The character at `i` for a message: itself if printable, else `\u{XX}`.
    private func printable(at i: Int) -> String {
        guard let b = byte(i) else { return "" }
        if b >= 0x20 && b < 0x7F { return String(UnicodeScalar(b)) }
        if b < 0x80 { return hexEscape(UInt32(b)) }
        guard let width = utf8Width(at: i), i + width <= bytes.count else { return hexEscape(UInt32(b)) }
        let text = String(decoding: bytes[i..<(i + width)], as: UTF8.self)
        guard let scalar = text.unicodeScalars.first else { return hexEscape(UInt32(b)) }
        switch scalar.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator,
             .privateUse, .surrogate, .unassigned, .nonspacingMark, .enclosingMark, .spacingMark:
            return hexEscape(scalar.value)
        default:
            return text
        }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[max(0, start)..<min(end, bytes.count)], as: UTF8.self)
    }
}

/// `\u{0}` style, zero-padded to two hex digits: `\u{00}`, `\u{FF}`, `\u{200B}`.
func hexEscape(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    return "\\u{" + (hex.count < 2 ? "0" + hex : hex) + "}"
}

func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

func isIdentifierStart(_ b: UInt8) -> Bool {
    (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
        || b == UInt8(ascii: "_")
}

/// The operator or delimiter starting with `b` (given the following byte), and its length.
/// `&&`, `||` and `!` are accepted as spellings of `and`, `or` and `not`.
func punctuation(_ b: UInt8, _ next: UInt8?) -> (TokenKind, Int)? {
    let nextIs = { (c: Character) -> Bool in next == c.asciiValue }
    switch b {
    case UInt8(ascii: "+"): return (.plus, 1)
    case UInt8(ascii: "-"): return nextIs(">") ? (.arrow, 2) : (.minus, 1)
    case UInt8(ascii: "*"): return nextIs("*") ? (.starStar, 2) : (.star, 1)
    case UInt8(ascii: "/"): return (.slash, 1)
    case UInt8(ascii: "%"): return (.percent, 1)
    case UInt8(ascii: "@"): return (.at, 1)
    case UInt8(ascii: "="): return nextIs("=") ? (.equalEqual, 2) : (.equal, 1)
    case UInt8(ascii: "!"): return nextIs("=") ? (.bangEqual, 2) : (.keyword(.not), 1)
    case UInt8(ascii: "<"): return nextIs("=") ? (.lessEqual, 2) : (.less, 1)
    case UInt8(ascii: ">"): return nextIs("=") ? (.greaterEqual, 2) : (.greater, 1)
    case UInt8(ascii: "&"): return nextIs("&") ? (.keyword(.and), 2) : nil
    case UInt8(ascii: "|"): return nextIs("|") ? (.keyword(.or), 2) : nil
    case UInt8(ascii: "."): return (.dot, 1)
    case UInt8(ascii: ","): return (.comma, 1)
    case UInt8(ascii: ":"): return (.colon, 1)
    case UInt8(ascii: ";"): return (.semicolon, 1)
    case UInt8(ascii: "("): return (.lparen, 1)
    case UInt8(ascii: ")"): return (.rparen, 1)
    case UInt8(ascii: "["): return (.lbracket, 1)
    case UInt8(ascii: "]"): return (.rbracket, 1)
    case UInt8(ascii: "{"): return (.lbrace, 1)
    case UInt8(ascii: "}"): return (.rbrace, 1)
    default: return nil
    }
}
