import MIR

/// The semantic checker's view of the diagnostic engine: drops exact duplicates (a metamodel
/// instantiated twice reports its own mistake once), and appends "instantiated here" notes
/// for errors found while lowering a metamodel on behalf of an instantiation.
final class Diags {
    let engine: DiagnosticEngine
    private var seen = Set<String>()
    /// Innermost last: where each enclosing model instance was requested.
    private var context: [Diagnostic] = []
    /// Errors reported through this object, duplicates included.
    private(set) var errorCount = 0

    init(engine: DiagnosticEngine) { self.engine = engine; errorCount = engine.errorCount }

    func error(_ message: String, at range: SourceRange?, notes: [Diagnostic] = []) {
        emit(Diagnostic(.error, message, at: range, notes: notes))
    }

    func warning(_ message: String, at range: SourceRange?, notes: [Diagnostic] = []) {
        emit(Diagnostic(.warning, message, at: range, notes: notes))
    }

    func note(_ message: String, at range: SourceRange?) -> Diagnostic { Diagnostic(.note, message, at: range) }

    func emit(_ d: Diagnostic) {
        var d = d
        // Context notes, innermost first, unless they point where the error already is.
        for c in context.reversed() where c.range != d.range && !d.notes.contains(where: { $0.range == c.range }) {
            d.notes.append(c)
        }
        // Counted even when dropped as a duplicate: callers compare counts to see if their work failed.
        if d.severity == .error { errorCount += 1 }
        let key = "\(d.severity)|\(d.range.map { "\($0.start)" } ?? "")|\(d.message)"
        guard seen.insert(key).inserted else { return }
        engine.emit(d)
    }

    /// Runs `body` with a note that every diagnostic inside it gets.
    func withContext<T>(_ note: Diagnostic?, _ body: () -> T) -> T {
        guard let note else { return body() }
        context.append(note)
        defer { context.removeLast() }
        return body()
    }
}

/// Edit distance (case-insensitive), for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased()), y = Array(b.lowercased())
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    if abs(x.count - y.count) > 8 { return max(x.count, y.count) }
    var previous = Array(0...y.count)
    for i in 1...x.count {
        var current = [i] + [Int](repeating: 0, count: y.count)
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[y.count]
}

/// The closest candidate within a small edit distance, or nil.
func closest(to name: String, among candidates: [String]) -> String? {
    guard name.count <= 64 else { return nil }
    var best: (name: String, distance: Int)?
    for c in candidates where c != name {
        let d = editDistance(name, c)
        if let b = best, d > b.distance || (d == b.distance && c >= b.name) { continue }
        best = (c, d)
    }
    guard let best, best.distance <= max(2, name.count / 3), best.distance < max(name.count, 2) else { return nil }
    return best.name
}

/// `"; did you mean 'x'?"` or an empty string.
func suggestion(for name: String, among candidates: [String]) -> String {
    closest(to: name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
}
