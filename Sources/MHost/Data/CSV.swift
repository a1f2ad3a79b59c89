import Foundation

/// `load_csv(path, label =, columns =)`: a header line, then one sample per line.
public enum CSVLoader {
    /// Reads `path`. `label` names the target column: integer values (or any text) become classes,
    /// other numbers regression values; without it the data set has no targets. `columns`
    /// selects the feature columns (default: every column except the label).
    public static func load(path: String, label: String?, columns: [String]?) throws(DataError) -> Dataset {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(FileManager.default.fileExists(atPath: path) ? "cannot read '\(path)'" : "no such file: '\(path)'")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw DataError("'\(path)' is not UTF-8 text") }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .enumerated().map { (number: $0.offset + 1, text: String($0.element).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))) }
        lines.removeAll { $0.text.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let header = lines.first else { throw DataError("'\(path)' is empty (expected a header line)") }
        let names = fields(header.text)
        func column(_ name: String, _ role: String) throws(DataError) -> Int {
            if let i = names.firstIndex(of: name) { return i }
            throw DataError("'\(path)': no column '\(name)' for \(role)\(didYouMean(name, names)) (columns: \(names.count > 12 ? names.prefix(10).joined(separator: ", ") + ", ... \(names.count) in all" : names.joined(separator: ", ")))")
        }
        let labelIndex: Int?
        if let label { labelIndex = try column(label, "the label") } else { labelIndex = nil }
        var featureIndices: [Int] = []
        if let columns {
            for c in columns { featureIndices.append(try column(c, "a feature")) }
        } else {
            featureIndices = names.indices.filter { $0 != labelIndex }
        }
        guard !featureIndices.isEmpty else { throw DataError("'\(path)': no feature columns") }

        var features: [Float] = []
        features.reserveCapacity((lines.count - 1) * featureIndices.count)
        var labelTexts: [String] = []
        for line in lines.dropFirst() {
            let cells = fields(line.text)
            guard cells.count == names.count else {
                throw DataError("\(path):\(line.number): \(cells.count) fields, but the header has \(names.count)")
            }
            for i in featureIndices {
                guard let v = Float(cells[i].trimmingCharacters(in: .whitespaces)) else {
                    throw DataError("\(path):\(line.number): column '\(names[i])' holds '\(cells[i])', not a number")
                }
                features.append(v)
            }
            if let l = labelIndex { labelTexts.append(cells[l].trimmingCharacters(in: .whitespaces)) }
        }
        guard !lines.dropFirst().isEmpty else { throw DataError("'\(path)' has a header but no rows") }

        var dataset = Dataset(features: features, featureShape: [featureIndices.count], targets: .none)
        dataset.featureNames = featureIndices.map { names[$0] }
        if labelIndex != nil {
            let (targets, classNames) = targetsFrom(labelTexts)
            dataset.targets = targets
            dataset.classNames = classNames
        }
        return dataset
    }

    /// Non-negative integers are class indices as written; other numbers are regression values;
    /// anything else names classes (sorted).
    static func targetsFrom(_ texts: [String]) -> (Targets, [String]) {
        let ints = texts.compactMap { Int($0) }
        if ints.count == texts.count, ints.allSatisfy({ $0 >= 0 }) {
            let k = (ints.max() ?? -1) + 1
            return (.classes(ints), (0..<k).map(String.init))
        }
        let floats = texts.compactMap { Float($0) }
        if floats.count == texts.count { return (.values(floats, shape: [1]), []) }
        let names = Array(Set(texts)).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        return (.classes(texts.map { index[$0]! }), names)
    }

    /// Splits one line on commas; double quotes group a field (`""` is a quote).
    static func fields(_ line: String) -> [String] {
        var out: [String] = [], current = "", quoted = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" { quoted = false } else { current.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                out.append(current); current = ""
            } else {
                current.append(c)
            }
        }
        out.append(current)
        return out.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// " (did you mean 'x'?)" when a candidate is within a small edit distance.
func didYouMean(_ name: String, _ candidates: [String]) -> String {
    let scored = candidates.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }.filter { $0.1 <= max(2, name.count / 3) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return "" }
    return " (did you mean '\(best.0)'?)"
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var row = Array(0...b.count)
    for i in 1...a.count {
        var prev = row[0]
        row[0] = i
        for j in stride(from: 1, through: b.count, by: 1) {
            let cur = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
            prev = cur
        }
    }
    return row[b.count]
}
