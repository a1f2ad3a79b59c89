/// SSA values and functions. A `Function` is an arena: values are dense integer IDs
/// (arguments first, then one result per op), types live in `types[id.raw]`.

public struct ValueID: Hashable, Sendable, Comparable {
    public let raw: Int
    public init(_ raw: Int) { self.raw = raw }
    public static func < (a: ValueID, b: ValueID) -> Bool { a.raw < b.raw }
}

/// One op: `%result = kind operands {attributes} : type`.
public struct Operation: Sendable {
    public var kind: OpKind
    public var operands: [ValueID]
    public var attributes: Attributes
    public var result: ValueID
    public var location: SourceLocation?

    public init(kind: OpKind, operands: [ValueID], attributes: Attributes = [:], result: ValueID, location: SourceLocation? = nil) {
        self.kind = kind; self.operands = operands; self.attributes = attributes
        self.result = result; self.location = location
    }
}

/// A named, typed function argument (a model input).
public struct FunctionInput: Sendable {
    public var name: String
    public var type: TensorType
    public init(name: String, type: TensorType) { self.name = name; self.type = type }
}

/// A named function result (a model output).
public struct FunctionOutput: Sendable {
    public var name: String
    public var value: ValueID
    public init(name: String, value: ValueID) { self.name = name; self.value = value }
}

public final class Function {
    public var name: String
    public internal(set) var arguments: [FunctionInput]
    public var results: [FunctionOutput] = []
    /// Ops in program order; every operand is an argument or an earlier op's result.
    public var ops: [Operation] = []
    /// `types[v.raw]` is the type of value `v`.
    public internal(set) var types: [TensorType]
    /// Symbols computed at run time from argument data (see ValueSymbols.swift), in
    /// definition order, and the checks on them.
    public var valueSymbols: [ValueSymbol] = []
    public var symbolChecks: [SymbolCheck] = []

    public init(name: String, arguments: [FunctionInput]) {
        self.name = name
        self.arguments = arguments
        self.types = arguments.map(\.type)
    }

    public func argument(_ index: Int) -> ValueID { ValueID(index) }
    public func type(of v: ValueID) -> TensorType { types[v.raw] }
    public var valueCount: Int { types.count }
    public func isArgument(_ v: ValueID) -> Bool { v.raw < arguments.count }

    /// Appends an op after inferring its type with the op table's shape rule.
    @discardableResult
    public func append(
        _ kind: OpKind, _ operands: [ValueID], attributes: Attributes = [:],
        explicitType: TensorType? = nil, location: SourceLocation? = nil
    ) throws(ShapeError) -> ValueID {
        let type = try kind.inferResultType(operands: operands.map(type(of:)), attributes: attributes, explicit: explicitType,
                                            valueSymbols: Set(valueSymbols.map(\.name)))
        return appendUnchecked(kind, operands, attributes: attributes, type: type, location: location)
    }

    /// Appends an op with a given result type; the verifier checks it later.
    @discardableResult
    public func appendUnchecked(
        _ kind: OpKind, _ operands: [ValueID], attributes: Attributes = [:], type: TensorType, location: SourceLocation? = nil
    ) -> ValueID {
        let id = ValueID(types.count)
        types.append(type)
        ops.append(Operation(kind: kind, operands: operands, attributes: attributes, result: id, location: location))
        return id
    }

    /// Rewrites every use of `old` (operands and results) to `new`.
    public func replaceAllUses(of old: ValueID, with new: ValueID) {
        for i in ops.indices { ops[i].operands = ops[i].operands.map { $0 == old ? new : $0 } }
        for i in results.indices where results[i].value == old { results[i].value = new }
    }

    /// Number of uses of every value (operands plus results).
    public func useCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: types.count)
        for op in ops { for v in op.operands where v.raw < counts.count { counts[v.raw] += 1 } }
        for r in results where r.value.raw < counts.count { counts[r.value.raw] += 1 }
        return counts
    }

    /// Symbols of the signature in first-seen order over the arguments' dims.
    public var shapeSymbols: [String] {
        var out: [String] = []
        for a in arguments { for d in a.type.shape { for s in d.symbols where !out.contains(s) { out.append(s) } } }
        return out
    }
}

extension Function {
    /// Renumbers values densely after ops were removed (arguments keep their IDs).
    public func compact() {
        var remap = [Int](repeating: -1, count: valueCount)
        var newTypes = Array(types[0..<arguments.count])
        for i in arguments.indices { remap[i] = i }
        for op in ops {
            remap[op.result.raw] = newTypes.count
            newTypes.append(types[op.result.raw])
        }
        let map = { (v: ValueID) -> ValueID in ValueID(remap[v.raw]) }
        ops = ops.map { op in
            var o = op
            o.operands = op.operands.map(map)
            o.result = map(op.result)
            return o
        }
        results = results.map { FunctionOutput(name: $0.name, value: map($0.value)) }
        types = newTypes
    }
}
