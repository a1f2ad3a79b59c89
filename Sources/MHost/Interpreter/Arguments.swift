import MFrontend
import MIR

/// Evaluated call arguments, read by name or position with typed accessors that fail with a
/// message naming the callee and argument.
struct Arguments {
    var callee: String
    var values: [(label: String?, value: Value, range: SourceRange)]
    var range: SourceRange

    var positional: [Value] { values.filter { $0.label == nil }.map(\.value) }

    /// The argument called `name`, or the positional one at `position`.
    func value(_ name: String, _ position: Int? = nil) -> (Value, SourceRange)? {
        if let hit = values.first(where: { $0.label == name }) { return (hit.value, hit.range) }
        guard let position else { return nil }
        let unlabelled = values.filter { $0.label == nil }
        return position < unlabelled.count ? (unlabelled[position].value, unlabelled[position].range) : nil
    }

    func required(_ name: String, _ position: Int? = nil) throws(RunFailure) -> (Value, SourceRange) {
        guard let v = value(name, position) else { throw RunFailure("'\(callee)' is missing its argument '\(name)'", at: range) }
        return v
    }

    func string(_ name: String, _ position: Int? = nil) throws(RunFailure) -> String? {
        guard let (v, r) = value(name, position) else { return nil }
        guard case .string(let s) = v else { throw RunFailure("'\(callee)': \(name) must be a String, got \(v.typeName)", at: r) }
        return s
    }

    func double(_ name: String, _ position: Int? = nil) throws(RunFailure) -> Double? {
        guard let (v, r) = value(name, position) else { return nil }
        guard let d = v.doubleValue else { throw RunFailure("'\(callee)': \(name) must be a number, got \(v.typeName)", at: r) }
        return d
    }

    func int(_ name: String, _ position: Int? = nil) throws(RunFailure) -> Int? {
        guard let (v, r) = value(name, position) else { return nil }
        guard case .int(let i) = v else { throw RunFailure("'\(callee)': \(name) must be an Int, got \(v.typeName)", at: r) }
        return i
    }

    func bool(_ name: String, _ position: Int? = nil) throws(RunFailure) -> Bool? {
        guard let (v, r) = value(name, position) else { return nil }
        guard case .bool(let b) = v else { throw RunFailure("'\(callee)': \(name) must be a Bool, got \(v.typeName)", at: r) }
        return b
    }

    func strings(_ name: String, _ position: Int? = nil) throws(RunFailure) -> [String]? {
        guard let (v, r) = value(name, position) else { return nil }
        guard case .list(let items) = v else { throw RunFailure("'\(callee)': \(name) must be a list of Strings, got \(v.typeName)", at: r) }
        return try items.map { (item) throws(RunFailure) -> String in
            guard case .string(let s) = item else { throw RunFailure("'\(callee)': \(name) must hold Strings, got \(item.typeName)", at: r) }
            return s
        }
    }

    func ints(_ name: String, _ position: Int? = nil) throws(RunFailure) -> [Int]? {
        guard let (v, r) = value(name, position) else { return nil }
        guard case .list(let items) = v else { throw RunFailure("'\(callee)': \(name) must be a list of Ints, got \(v.typeName)", at: r) }
        return try items.map { (item) throws(RunFailure) -> Int in
            guard case .int(let i) = item else { throw RunFailure("'\(callee)': \(name) must hold Ints, got \(item.typeName)", at: r) }
            return i
        }
    }

    func dataset(_ name: String, _ position: Int? = nil) throws(RunFailure) -> DatasetBox {
        let (v, r) = try required(name, position)
        guard case .dataset(let d) = v else {
            if case .split = v { throw RunFailure("'\(callee)': \(name) must be a Dataset, got a DatasetSplit (use .train or .test)", at: r) }
            throw RunFailure("'\(callee)': \(name) must be a Dataset, got \(v.typeName)", at: r)
        }
        return d
    }

    func model(_ name: String, _ position: Int? = nil) throws(RunFailure) -> ModelRef {
        let (v, r) = try required(name, position)
        guard case .model(let m) = v else { throw RunFailure("'\(callee)': \(name) must be a model instance, got \(v.typeName)", at: r) }
        return m
    }
}
