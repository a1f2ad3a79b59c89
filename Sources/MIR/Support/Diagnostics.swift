/// Source positions and user-facing diagnostics, shared by the front end, the ONNX
/// importer and the IR parser. Rendering follows clang: `file:line:col: error: msg`,
/// then the source line and a caret under the offending column.

/// A 1-based line and column in a source file (columns count bytes).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file; self.line = line; self.column = column
    }
    public var description: String { "\(file):\(line):\(column)" }
}

/// A half-open span of source: `start` up to (not including) `end`.
public struct SourceRange: Hashable, Sendable {
    public var start: SourceLocation
    public var end: SourceLocation
    public init(start: SourceLocation, end: SourceLocation) { self.start = start; self.end = end }
    public init(_ loc: SourceLocation) { self.start = loc; self.end = loc }
}

/// The text of one input file, kept as bytes so that invalid UTF-8 never traps.
public struct SourceFile: Sendable {
    public let path: String
    public let bytes: [UInt8]
    /// Byte offset of the start of each line.
    public let lineStarts: [Int]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }
    public init(path: String, text: String) { self.init(path: path, bytes: Array(text.utf8)) }

    /// The location of a byte offset.
    public func location(ofOffset offset: Int) -> SourceLocation {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return SourceLocation(file: path, line: lo + 1, column: offset - lineStarts[lo] + 1)
    }

    /// The text of line `line` (1-based) without its newline; non-printable bytes
    /// are shown as `?` so a caret line stays aligned.
    public func lineText(_ line: Int) -> String? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        guard end >= start else { return "" }
        let printable = bytes[start..<end].map { b -> UInt8 in
            (b == 9 || (b >= 32 && b < 127)) ? b : UInt8(ascii: "?")
        }
        return String(decoding: printable, as: UTF8.self)
    }
}

public enum Severity: String, Sendable { case error, warning, note }

public struct Diagnostic: Sendable, Error, CustomStringConvertible {
    public var severity: Severity
    public var message: String
    public var range: SourceRange?
    public var notes: [Diagnostic]

    public init(_ severity: Severity, _ message: String, at range: SourceRange?, notes: [Diagnostic] = []) {
        self.severity = severity; self.message = message; self.range = range; self.notes = notes
    }
    public static func error(_ message: String, at range: SourceRange?) -> Diagnostic {
        Diagnostic(.error, message, at: range)
    }
    public var description: String {
        if let r = range { return "\(r.start): \(severity.rawValue): \(message)" }
        return "\(severity.rawValue): \(message)"
    }
}

/// Collects diagnostics so that one run reports as many problems as it can.
public final class DiagnosticEngine {
    public private(set) var diagnostics: [Diagnostic] = []
    private var files: [String: SourceFile] = [:]

    public init() {}

    public func register(_ file: SourceFile) { files[file.path] = file }
    public func emit(_ d: Diagnostic) { diagnostics.append(d) }
    public func error(_ message: String, at range: SourceRange?) { emit(.error(message, at: range)) }
    public func warning(_ message: String, at range: SourceRange?) { emit(Diagnostic(.warning, message, at: range)) }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }

    /// Renders every diagnostic with its source line and a caret.
    public func render() -> String { diagnostics.map(render).joined() }

    public func render(_ d: Diagnostic) -> String {
        var out = d.description + "\n"
        if let r = d.range, let file = files[r.start.file], let text = file.lineText(r.start.line) {
            out += text + "\n"
            let pad = String(repeating: " ", count: max(0, r.start.column - 1))
            var width = 1
            if r.end.line == r.start.line, r.end.column > r.start.column { width = r.end.column - r.start.column }
            out += pad + "^" + String(repeating: "~", count: max(0, width - 1)) + "\n"
        }
        for n in d.notes { out += render(n) }
        return out
    }
}
