/// Evaluation metrics over a whole data set (`evaluate(model, data, metrics = [...])`).
public enum Metric: String, CaseIterable, Sendable {
    case accuracy, precision, recall, f1, mse, mae, r2, loss

    public var isClassification: Bool { [.accuracy, .precision, .recall, .f1].contains(self) }
}

public enum Metrics {
    /// Fraction of predictions equal to the labels.
    public static func accuracy(predicted: [Int], labels: [Int]) -> Double {
        guard !labels.isEmpty else { return 0 }
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// Macro-averaged precision, recall and F1 over the classes that occur in labels or predictions
    /// (a class never predicted has precision 0, like scikit-learn's zero_division = 0).
    public static func macro(predicted: [Int], labels: [Int]) -> (precision: Double, recall: Double, f1: Double) {
        let classes = Set(labels).union(predicted).sorted()
        guard !classes.isEmpty else { return (0, 0, 0) }
        var p = 0.0, r = 0.0, f = 0.0
        for c in classes {
            var tp = 0, fp = 0, fn = 0
            for (y, t) in zip(predicted, labels) {
                if y == c && t == c { tp += 1 } else if y == c { fp += 1 } else if t == c { fn += 1 }
            }
            let pc = tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp)
            let rc = tp + fn == 0 ? 0 : Double(tp) / Double(tp + fn)
            p += pc; r += rc
            f += pc + rc == 0 ? 0 : 2 * pc * rc / (pc + rc)
        }
        let k = Double(classes.count)
        return (p / k, r / k, f / k)
    }

    public static func mse(_ predicted: [Float], _ targets: [Float]) -> Double {
        guard !targets.isEmpty else { return 0 }
        return zip(predicted, targets).reduce(0.0) { $0 + pow2(Double($1.0) - Double($1.1)) } / Double(targets.count)
    }

    public static func mae(_ predicted: [Float], _ targets: [Float]) -> Double {
        guard !targets.isEmpty else { return 0 }
        return zip(predicted, targets).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(targets.count)
    }

    /// Coefficient of determination: 1 - SS_res / SS_tot (0 when the targets are constant).
    public static func r2(_ predicted: [Float], _ targets: [Float]) -> Double {
        guard !targets.isEmpty else { return 0 }
        let mean = targets.reduce(0.0) { $0 + Double($1) } / Double(targets.count)
        let total = targets.reduce(0.0) { $0 + pow2(Double($1) - mean) }
        let residual = zip(predicted, targets).reduce(0.0) { $0 + pow2(Double($1.0) - Double($1.1)) }
        return total == 0 ? 0 : 1 - residual / total
    }

    /// Index of the largest value in each row of a `[n, k]` tensor.
    public static func argmax(_ values: [Float], classes k: Int) -> [Int] {
        guard k > 0 else { return [] }
        return stride(from: 0, to: values.count, by: k).map { start in
            var best = start
            for i in start ..< start + k where values[i] > values[best] { best = i }
            return best - start
        }
    }

    private static func pow2(_ x: Double) -> Double { x * x }
}

/// The result of `evaluate`: named values in the order asked for; prints as `accuracy: 0.9722, f1: 0.9718`.
public struct MetricReport: Sendable, Equatable, CustomStringConvertible {
    public var values: [(name: String, value: Double)]
    public init(values: [(name: String, value: Double)]) { self.values = values }
    public subscript(name: String) -> Double? { values.first { $0.name == name }?.value }
    public var description: String {
        values.map { "\($0.name): \(formatFixed($0.value, digits: 4))" }.joined(separator: ", ")
    }
    public static func == (a: MetricReport, b: MetricReport) -> Bool {
        a.values.map(\.name) == b.values.map(\.name) && a.values.map(\.value) == b.values.map(\.value)
    }
}

/// `x` with exactly `digits` decimals (`0.9722`).
public func formatFixed(_ x: Double, digits: Int) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
    // Beyond 1e15 the digits would not fit an Int (and are not meaningful in fixed notation).
    if abs(x) >= 1e15 || digits > 12 { return "\(x)" }
    var scale = 1.0
    for _ in 0..<max(digits, 0) { scale *= 10 }
    let rounded = (abs(x) * scale).rounded()
    let whole = Int(rounded / scale)
    let frac = Int(rounded - Double(whole) * scale)
    let sign = x < 0 && rounded != 0 ? "-" : ""
    guard digits > 0 else { return "\(sign)\(whole)" }
    let f = String(frac)
    return "\(sign)\(whole).\(String(repeating: "0", count: digits - f.count))\(f)"
}
