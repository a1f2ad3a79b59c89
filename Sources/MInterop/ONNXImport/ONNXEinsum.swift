import MIR

/// Einsum lowered onto transpose, reduce_sum, where (for repeated labels) and batched matmul.
/// Operands are contracted left to right; each pair becomes one [batch, m, k] x [batch, k, n] matmul.
extension ONNXImporter {
    /// A tensor whose axes are named by einsum labels (ellipsis dims get digit labels).
    struct Labelled {
        var value: ValueID
        var labels: [Character]
    }

    mutating func einsum(_ n: ONNXNode) throws(NodeError) -> ValueID {
        let equation = n.string("equation", "").filter { !$0.isWhitespace }
        let sides = equation.components(separatedBy: "->")
        guard sides.count <= 2 else { throw .unsupported("Einsum equation '\(equation)'") }
        let terms = sides[0].components(separatedBy: ",")
        guard terms.count == n.inputs.count else { throw NodeError("Einsum equation '\(equation)' names \(terms.count) operands, got \(n.inputs.count)") }
        var operands: [Labelled] = []
        var ellipsisRank = 0
        for (i, term) in terms.enumerated() {
            let x = try tensorInput(n, i)
            let rank = function.type(of: x).rank
            let letters = term.replacingOccurrences(of: "...", with: "").count
            guard letters <= rank else { throw NodeError("Einsum term '\(term)' has more labels than rank \(rank)") }
            ellipsisRank = max(ellipsisRank, term.contains("...") ? rank - letters : 0)
            operands.append(Labelled(value: x, labels: try einsumLabels(term, ellipsisDims: rank - letters)))
        }
        let output: [Character]
        if sides.count == 2 {
            output = try einsumLabels(sides[1], ellipsisDims: ellipsisRank)
        } else {
            // Implicit output: the ellipsis dims, then the labels used once, in alphabetical order.
            let all = operands.flatMap(\.labels)
            output = ellipsisLabels(ellipsisRank) + all.filter { l in l.isLetter && all.filter { $0 == l }.count == 1 }.sorted()
        }
        for i in operands.indices { operands[i] = try takeDiagonals(operands[i]) }
        var acc = operands[0]
        for i in 1..<max(operands.count, 1) where operands.count > 1 {
            let later = Set(operands[(i + 1)...].flatMap(\.labels) + output)
            acc = try contract(acc, operands[i], keep: later)
        }
        acc = try sumOut(acc, keep: Set(output))
        guard Set(acc.labels) == Set(output), acc.labels.count == output.count else {
            throw .unsupported("Einsum output '\(String(output))' from '\(equation)'")
        }
        return try permute(acc, to: output).value
    }

    /// Labels of one term, with `...` expanded to the last `ellipsisDims` of the shared ellipsis labels.
    func einsumLabels(_ term: String, ellipsisDims: Int) throws(NodeError) -> [Character] {
        var out: [Character] = []
        var rest = Substring(term)
        while let c = rest.first {
            if rest.hasPrefix("...") { out += ellipsisLabels(ellipsisDims); rest = rest.dropFirst(3); continue }
            guard c.isLetter, c.isASCII else { throw .unsupported("Einsum label '\(c)'") }
            out.append(c)
            rest = rest.dropFirst()
        }
        return out
    }

    /// Ellipsis dims align from the right, so an operand with fewer of them takes the last labels.
    func ellipsisLabels(_ count: Int) -> [Character] {
        (0..<count).map { Character(Unicode.Scalar(0x2460 + 31 - (count - 1 - $0))!) }   // circled numbers, never ASCII labels
    }

    /// A label repeated within one operand selects its diagonal: zero off-diagonal entries, then sum one copy out.
    mutating func takeDiagonals(_ x: Labelled) throws(NodeError) -> Labelled {
        var x = x
        while let q = x.labels.indices.first(where: { q in x.labels[..<q].contains(x.labels[q]) }) {
            let p = x.labels.firstIndex(of: x.labels[q])!
            let t = function.type(of: x.value)
            guard let size = t.shape[p].constantValue, t.shape[q].constantValue == size else {
                throw .unsupported("Einsum diagonal over symbolic or unequal dims")
            }
            let shape = (0..<t.rank).map { $0 == p || $0 == q ? size : 1 }
            let eye = (0..<size * size).map { Double($0 / size == $0 % size ? 1 : 0) }
            let mask = try tensor(.constant(ConstTensor(dtype: .bool, shape: shape, values: eye)))
            let masked = try emit(.select, [mask, x.value, try scalar(0, t.dtype)])
            x.value = try emit(.reduceSum, [masked], attributes: ["axes": .ints([q]), "keepdims": .int(0)])
            x.labels.remove(at: q)
        }
        return x
    }

    /// Sums the axes whose labels are not in `keep`.
    mutating func sumOut(_ x: Labelled, keep: Set<Character>) throws(NodeError) -> Labelled {
        let axes = x.labels.indices.filter { !keep.contains(x.labels[$0]) }
        guard !axes.isEmpty else { return x }
        let v = try emit(.reduceSum, [x.value], attributes: ["axes": .ints(axes), "keepdims": .int(0)])
        return Labelled(value: v, labels: x.labels.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
    }

    mutating func permute(_ x: Labelled, to order: [Character]) throws(NodeError) -> Labelled {
        guard x.labels != order else { return x }
        let perm = order.map { x.labels.firstIndex(of: $0)! }
        return Labelled(value: try emit(.transpose, [x.value], attributes: ["perm": .ints(perm)]), labels: order)
    }

    /// a x b as one batched matmul: batch labels (in both, kept), contracted (in both, not kept),
    /// and labels of only one side; labels of one side that nothing needs are summed first.
    mutating func contract(_ a: Labelled, _ b: Labelled, keep: Set<Character>) throws(NodeError) -> Labelled {
        let a = try sumOut(a, keep: keep.union(b.labels)), b = try sumOut(b, keep: keep.union(a.labels))
        let batch = a.labels.filter { b.labels.contains($0) && keep.contains($0) }
        let inner = a.labels.filter { b.labels.contains($0) && !keep.contains($0) }
        let left = a.labels.filter { !b.labels.contains($0) }, right = b.labels.filter { !a.labels.contains($0) }
        let at = function.type(of: a.value), bt = function.type(of: b.value)
        func dim(_ l: Character) -> Dim {
            if let i = a.labels.firstIndex(of: l) { return at.shape[i] }
            return bt.shape[b.labels.firstIndex(of: l)!]
        }
        for l in batch + inner where at.shape[a.labels.firstIndex(of: l)!] != bt.shape[b.labels.firstIndex(of: l)!] {
            throw .unsupported("Einsum label '\(l)' with broadcast dims")
        }
        func product(_ ls: [Character]) -> Dim { ls.reduce(Dim.constant(1)) { $0 * dim($1) } }
        let a3 = try emit(.reshape, [try permute(a, to: batch + left + inner).value],
                          explicit: TensorType(at.dtype, [product(batch), product(left), product(inner)]))
        let b3 = try emit(.reshape, [try permute(b, to: batch + inner + right).value],
                          explicit: TensorType(bt.dtype, [product(batch), product(inner), product(right)]))
        let labels = batch + left + right
        let y = try emit(.reshape, [try emit(.matmul, [a3, b3])], explicit: TensorType(at.dtype, labels.map(dim)))
        return Labelled(value: y, labels: labels)
    }
}
