import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where `print` and training progress go. On a terminal, one progress line per epoch is rewritten
/// with `\r` after every batch; otherwise each finished epoch prints one plain line.
public final class ProgressPrinter {
    let isTerminal: Bool
    private var write: (String) -> Void
    private var lineOpen = false

    public init(isTerminal: Bool = isatty(STDOUT_FILENO) != 0, write: @escaping (String) -> Void = { s in
        FileHandle.standardOutput.write(Data(s.utf8))
    }) {
        self.isTerminal = isTerminal; self.write = write
    }

    /// A line of program output (`print`); ends an open progress line first.
    func line(_ text: String) {
        closeLine()
        write(text + "\n")
    }

    func closeLine() {
        if lineOpen { write("\n"); lineOpen = false }
    }

    /// After each batch of a training pass.
    /// Compile time so far, which throughput leaves out.
    var compileSeconds: () -> Double = { 0 }

    func batch(_ p: EpochProgress) {
        guard isTerminal else { return }
        write("\r\u{1B}[2K" + p.summary(final: false, compileSeconds: compileSeconds()))
        lineOpen = true
    }

    /// At the end of a training pass over a data set.
    func epochDone(_ p: EpochProgress) {
        if isTerminal {
            write("\r\u{1B}[2K" + p.summary(final: true, compileSeconds: compileSeconds()) + "\n")
            lineOpen = false
        } else {
            write(p.summary(final: true, compileSeconds: compileSeconds()) + "\n")
        }
    }
}

/// Counters of one pass over a data set that trains a model.
struct EpochProgress {
    var epoch: Int?          // 1-based, from the enclosing `for epoch in range(n)`
    var epochs: Int?
    var batches: Int
    var batchIndex = 0
    var samples = 0
    var lossSum = 0.0
    var lossCount = 0
    var lastLoss: Float?
    let start = Date()
    /// The compiler's total at the start of the pass: a model compiled during it does not count as training time.
    var compileAtStart = 0.0

    func summary(final: Bool, compileSeconds: Double) -> String {
        var parts: [String] = []
        if let epoch { parts.append("epoch \(epoch)" + (epochs.map { "/\($0)" } ?? "")) }
        if !final { parts.append("batch \(batchIndex)/\(batches)") }
        let loss = final ? (lossCount > 0 ? lossSum / Double(lossCount) : nil) : lastLoss.map(Double.init)
        if let loss { parts.append("loss \(formatFixed(loss, digits: 4))") }
        let seconds = max(Date().timeIntervalSince(start) - (compileSeconds - compileAtStart), 1e-6)
        parts.append("\(Int((Double(samples) / seconds).rounded())) samples/s")
        if final { parts.append("\(batches) batches") }
        return parts.joined(separator: "  ")
    }
}
