/// A compile-time constant attached to an op (`{strides = [1, 1], axis = -1}`).
public enum Attribute: Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    case string(String)
    case ints([Int])
    case floats([Double])
    /// Dims that may name symbols (run-time offsets and pads from value symbols);
    /// build with `Attribute.dims(_:)` so all-static lists stay `.ints`.
    case symbolicDims([Dim])

    public static func dims(_ ds: [Dim]) -> Attribute {
        let ints = ds.compactMap(\.constantValue)
        return ints.count == ds.count ? .ints(ints) : .symbolicDims(ds)
    }
    /// The entries as dims (`.ints` too).
    public var dimsValue: [Dim]? {
        switch self {
        case .ints(let v): return v.map { .constant($0) }
        case .symbolicDims(let v): return v
        default: return nil
        }
    }

    public var intValue: Int? { if case .int(let v) = self { return v }; return nil }
    public var intsValue: [Int]? { if case .ints(let v) = self { return v }; return nil }
    public var stringValue: String? { if case .string(let v) = self { return v }; return nil }
    public var floatsValue: [Double]? {
        switch self {
        case .floats(let v): return v
        case .ints(let v): return v.map(Double.init)
        default: return nil
        }
    }
    public var floatValue: Double? {
        switch self {
        case .float(let v): return v
        case .int(let v): return Double(v)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .float(let v): return formatFloat(v)
        case .string(let s): return quoteString(s)
        case .ints(let vs): return "[" + vs.map(String.init).joined(separator: ", ") + "]"
        case .floats(let vs): return "[" + vs.map(formatFloat).joined(separator: ", ") + "]"
        case .symbolicDims(let ds): return "[" + ds.map(\.description).joined(separator: ", ") + "]"
        }
    }
}

/// Attributes keyed by name; printed in key order so text is deterministic.
public typealias Attributes = [String: Attribute]

/// A float spelled so that parsing it back yields the same Double, always with a `.` or exponent.
public func formatFloat(_ v: Double) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    let s = "\(v)"
    return s.contains(".") || s.contains("e") ? s : s + ".0"
}

/// A double-quoted string with `\"`, `\\`, `\n` and `\t` escaped.
public func quoteString(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}
