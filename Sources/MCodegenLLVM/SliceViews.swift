import MIR

extension KernelEmitter {
    /// The element offset at which a `slice` result lies contiguously inside its operand, or nil
    /// when it must be copied. Such a slice is a view (no kernel, no buffer of its own): a
    /// time step of a [seq, ...] tensor, or a gate's rows of a [gates*h, batch] one.
    /// Contiguous means: one axis k cut to a range with step 1, every axis before k of extent 1
    /// in the result, every axis after k whole.
    static func sliceViewOffset(_ op: Operation, _ f: Function) -> Dim? {
        guard op.kind == .slice, op.attributes["offsets"] == nil else { return nil }
        let x = f.type(of: op.operands[0]), out = f.type(of: op.result)
        guard let p = try? SliceParams(op.attributes, rank: x.rank) else { return nil }
        var starts = [Int](repeating: 0, count: x.rank), partial: [Int] = []
        for a in 0..<x.rank where p.sliced[a] {
            guard let d = x.shape[a].constantValue, p.steps[a] == 1 else { return nil }
            let r = sliceRange(dim: d, start: p.starts[a], end: p.ends[a], step: 1)
            starts[a] = r.start
            if r.count != d { partial.append(a) }
        }
        guard let k = partial.last else { return .constant(0) }
        for a in 0..<k where out.shape[a].constantValue != 1 { return nil }
        var offset = Dim.constant(0), inner = Dim.constant(1)
        for a in (0..<x.rank).reversed() {
            if starts[a] != 0 { offset = offset + .constant(starts[a]) * inner }
            inner = inner * x.shape[a]
        }
        return offset
    }
}
