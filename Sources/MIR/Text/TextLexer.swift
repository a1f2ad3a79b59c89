/// Tokens of MIR text.
enum TextToken: Equatable {
    case identifier(String)   // func, param, f32, batch, uniform, ...
    case percent(String)      // %x, %0
    case at(String)           // @MLP, @fc1.weight
    case int(Int)
    case float(Double)
    case string(String)
    case punct(String)        // ( ) [ ] { } , : = -> + - * /
    case end
}

/// Splits MIR text into tokens with their locations; never traps on any bytes.
struct TextLexer {
    let file: SourceFile
    var pos = 0

    init(_ file: SourceFile) { self.file = file }

    private func peek(_ k: Int = 0) -> UInt8 { pos + k < file.bytes.count ? file.bytes[pos + k] : 0 }
    private var atEnd: Bool { pos >= file.bytes.count }

    static func isIdentStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
    static func isIdentChar(_ c: UInt8) -> Bool { isIdentStart(c) || (c >= 48 && c <= 57) || c == 46 }
    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    mutating func tokenize() throws(Diagnostic) -> [(TextToken, SourceLocation)] {
        var out: [(TextToken, SourceLocation)] = []
        while true {
            skipTrivia()
            let loc = file.location(ofOffset: pos)
            if atEnd { out.append((.end, loc)); return out }
            let previous = out.last?.0
            out.append((try next(loc, afterValue: previous.map(TextLexer.endsValue) ?? false), loc))
        }
    }

    private mutating func skipTrivia() {
        while !atEnd {
            let c = peek()
            if c == 32 || c == 9 || c == 10 || c == 13 { pos += 1; continue }
            if c == 47 && peek(1) == 47 { while !atEnd && peek() != 10 { pos += 1 }; continue }
            return
        }
    }

    private mutating func word() -> String {
        let start = pos
        while !atEnd && TextLexer.isIdentChar(peek()) { pos += 1 }
        return String(decoding: file.bytes[start..<pos], as: UTF8.self)
    }

    /// Whether a `-` after this token is a binary minus (`h - 3`) rather than a sign (`-3`).
    static func endsValue(_ t: TextToken) -> Bool {
        switch t {
        case .identifier, .percent, .int, .float, .string: return true
        case .punct(let p): return p == ")" || p == "]"
        case .at, .end: return false
        }
    }

    private mutating func next(_ loc: SourceLocation, afterValue: Bool) throws(Diagnostic) -> TextToken {
        let c = peek()
        if c == 37 || c == 64 {   // % or @
            pos += 1
            guard TextLexer.isIdentChar(peek()) else { throw .error("expected a name after '\(c == 37 ? "%" : "@")'", at: SourceRange(loc)) }
            let w = word()
            return c == 37 ? .percent(w) : .at(w)
        }
        if TextLexer.isIdentStart(c) { return .identifier(word()) }
        if TextLexer.isDigit(c) || (c == 45 && !afterValue && TextLexer.isDigit(peek(1))) { return try number(loc) }
        if c == 34 { return try string(loc) }
        if c == 45 && peek(1) == 62 { pos += 2; return .punct("->") }
        if "()[]{},:=+-*/".utf8.contains(c) { pos += 1; return .punct(String(UnicodeScalar(c))) }
        let shown = c >= 32 && c < 127 ? String(UnicodeScalar(c)) : "\\x" + String(c, radix: 16)
        throw .error("unexpected character '\(shown)'", at: SourceRange(loc))
    }

    private mutating func number(_ loc: SourceLocation) throws(Diagnostic) -> TextToken {
        let start = pos
        if peek() == 45 { pos += 1 }
        var isFloat = false
        while TextLexer.isDigit(peek()) { pos += 1 }
        if peek() == 46 { isFloat = true; pos += 1; while TextLexer.isDigit(peek()) { pos += 1 } }
        if peek() == 101 || peek() == 69 {
            isFloat = true; pos += 1
            if peek() == 43 || peek() == 45 { pos += 1 }
            while TextLexer.isDigit(peek()) { pos += 1 }
        }
        let text = String(decoding: file.bytes[start..<pos], as: UTF8.self)
        if isFloat {
            guard let v = Double(text) else { throw .error("malformed number '\(text)'", at: SourceRange(loc)) }
            return .float(v)
        }
        guard let v = Int(text) else { throw .error("integer '\(text)' is too large", at: SourceRange(loc)) }
        return .int(v)
    }

    private mutating func string(_ loc: SourceLocation) throws(Diagnostic) -> TextToken {
        pos += 1
        var bytes: [UInt8] = []
        while true {
            guard !atEnd, peek() != 10 else { throw .error("unterminated string", at: SourceRange(loc)) }
            let c = peek(); pos += 1
            if c == 34 { break }
            if c == 92 {
                let e = peek(); pos += 1
                switch e {
                case 110: bytes.append(10)
                case 116: bytes.append(9)
                case 34, 92: bytes.append(e)
                default: throw .error("unknown escape in string", at: SourceRange(loc))
                }
            } else { bytes.append(c) }
        }
        return .string(String(decoding: bytes, as: UTF8.self))
    }
}
