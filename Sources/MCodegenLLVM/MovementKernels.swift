internal import CLLVM
import MIR

/// Data-movement kernels: every output element is read from a computed input position.
/// Index inputs (gather) are clamped into range so bad data can never read out of bounds.
extension KernelEmitter {
    func emitTranspose(_ ctx: KernelContext, perm: [Int], out: LLVMValueRef, x: LLVMValueRef, xType: TensorType, outType: TensorType) {
        let xStrides = gen.strides(xType.shape.map(ctx.dim)), oDims = outType.shape.map(ctx.dim)
        gen.nest(oDims, parallel: true) { idx in
            var off = gen.int(0)
            for (d, i) in idx.enumerated() { off = gen.add(off, gen.mul(i, xStrides[perm[d]])) }
            gen.store(gen.load(x, off), out, gen.linear(idx, oDims))
        }
        if outType.rank == 0 { gen.store(gen.load(x, gen.int(0)), out, gen.int(0)) }
    }

    /// Clamps a possibly negative index into [0, n - 1].
    func wrapIndex(_ raw: LLVMValueRef, _ n: LLVMValueRef) -> LLVMValueRef {
        let i = LLVMBuildSExt(gen.builder, raw, gen.i64, "")!
        let wrapped = gen.select(gen.icmp(LLVMIntSLT, i, gen.int(0)), gen.add(i, n), i)
        return gen.imax(gen.int(0), gen.imin(wrapped, gen.sub(n, gen.int(1))))
    }

    func emitMovement(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, ins: [LLVMValueRef], inTypes: [TensorType],
                      outType: TensorType) throws(CodegenError) {
        let oDims = outType.shape.map(ctx.dim)
        let x = ins[0], xType = inTypes[0]
        let xDims = xType.shape.map(ctx.dim), xStrides = gen.strides(xDims)
        switch op.kind {
        case .concat:
            let axis = (try? normalizeAxis(op.attributes["axis"]?.intValue ?? 0, rank: outType.rank)) ?? 0
            var offset = gen.int(0)
            for (input, type) in zip(ins, inTypes) {
                let dims = type.shape.map(ctx.dim)
                let base = offset
                gen.nest(dims, parallel: true) { idx in
                    var o = idx
                    o[axis] = gen.add(o[axis], base)
                    gen.store(gen.load(input, gen.linear(idx, dims)), out, gen.linear(o, oDims))
                }
                offset = gen.add(offset, dims[axis])
            }
        case .slice where op.attributes["offsets"] != nil:
            let p: SliceOffsets
            do { p = try SliceOffsets(op.attributes, rank: xType.rank) } catch { throw .unsupported(error.message) }
            let offsets = p.offsets.map(ctx.dim), steps = p.steps.map(ctx.dim)
            gen.nest(oDims, parallel: true) { idx in
                var off = gen.int(0)
                // Clamped: offsets come from run-time data, and a wrong one must not read out of bounds.
                for (d, i) in idx.enumerated() {
                    let at = gen.imax(gen.int(0), gen.imin(gen.add(offsets[d], gen.mul(i, steps[d])), gen.sub(xDims[d], gen.int(1))))
                    off = gen.add(off, gen.mul(at, xStrides[d]))
                }
                gen.store(gen.load(x, off), out, gen.linear(idx, oDims))
            }
        case .slice:
            let p: SliceParams
            do { p = try SliceParams(op.attributes, rank: xType.rank) } catch { throw .unsupported(error.message) }
            var starts: [Int] = []
            for i in 0..<xType.rank {
                if p.sliced[i], let d = xType.shape[i].constantValue {
                    starts.append(sliceRange(dim: d, start: p.starts[i], end: p.ends[i], step: p.steps[i]).start)
                } else { starts.append(0) }
            }
            gen.nest(oDims, parallel: true) { idx in
                var off = gen.int(0)
                for (d, i) in idx.enumerated() {
                    off = gen.add(off, gen.mul(gen.add(gen.int(starts[d]), gen.mul(i, gen.int(p.steps[d]))), xStrides[d]))
                }
                gen.store(gen.load(x, off), out, gen.linear(idx, oDims))
            }
        case .gather:
            let axis = (try? normalizeAxis(op.attributes["axis"]?.intValue ?? 0, rank: xType.rank)) ?? 0
            let indexRank = inTypes[1].rank
            let indexDims = inTypes[1].shape.map(ctx.dim)
            gen.nest(oDims, parallel: true) { idx in
                let position = gen.linear(Array(idx[axis..<(axis + indexRank)]), indexDims)
                let source = wrapIndex(gen.load(ins[1], position), xDims[axis])
                var off = gen.int(0)
                for d in 0..<xType.rank {
                    let i = d < axis ? idx[d] : (d == axis ? source : idx[d + indexRank - 1])
                    off = gen.add(off, gen.mul(i, xStrides[d]))
                }
                gen.store(gen.load(x, off), out, gen.linear(idx, oDims))
            }
        case .gatherElements:
            let axis = (try? normalizeAxis(op.attributes["axis"]?.intValue ?? 0, rank: xType.rank)) ?? 0
            gen.nest(oDims, parallel: true) { idx in
                let o = gen.linear(idx, oDims)
                let source = wrapIndex(gen.load(ins[1], o), xDims[axis])
                var off = gen.int(0)
                for d in 0..<xType.rank { off = gen.add(off, gen.mul(d == axis ? source : idx[d], xStrides[d])) }
                gen.store(gen.load(x, off), out, o)
            }
        case .expand:
            let strides = broadcastStrides(xType, to: outType, ctx)
            gen.nest(oDims, parallel: true) { idx in
                var off = gen.int(0)
                for (d, i) in idx.enumerated() { off = gen.add(off, gen.mul(i, strides[d])) }
                gen.store(gen.load(x, off), out, gen.linear(idx, oDims))
            }
        case .tile:
            gen.nest(oDims, parallel: true) { idx in
                var off = gen.int(0)
                for (d, i) in idx.enumerated() { off = gen.add(off, gen.mul(LLVMBuildSRem(gen.builder, i, xDims[d], "")!, xStrides[d])) }
                gen.store(gen.load(x, off), out, gen.linear(idx, oDims))
            }
        case .pad:
            let pads = (op.attributes["pads"]?.dimsValue ?? []).map(ctx.dim)
            let mode = op.attributes["mode"]?.stringValue ?? "constant"
            let fill = ins.count > 1 ? gen.load(ins[1], gen.int(0)) : gen.constant(op.attributes["value"]?.floatValue ?? 0, elementType(out))
            let rank = xType.rank
            gen.nest(oDims, parallel: true) { idx in
                var off = gen.int(0)
                var inside = LLVMConstInt(gen.i1, 1, 0)!
                for d in 0..<rank {
                    let i = gen.sub(idx[d], pads[d])
                    let n = xDims[d]
                    var src: LLVMValueRef
                    switch mode {
                    case "edge": src = gen.imax(gen.int(0), gen.imin(i, gen.sub(n, gen.int(1))))
                    case "reflect":
                        // Reflect without repeating the edge: -1 -> 1, n -> n - 2 (period 2n - 2).
                        let period = gen.imax(gen.mul(gen.sub(n, gen.int(1)), gen.int(2)), gen.int(1))
                        var m = LLVMBuildSRem(gen.builder, i, period, "")!
                        m = gen.select(gen.icmp(LLVMIntSLT, m, gen.int(0)), gen.add(m, period), m)
                        src = gen.select(gen.icmp(LLVMIntSGE, m, n), gen.sub(period, m), m)
                        src = gen.imax(gen.int(0), gen.imin(src, gen.sub(n, gen.int(1))))
                    default:
                        let ok = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, i, gen.int(0)), gen.icmp(LLVMIntSLT, i, n), "")!
                        inside = LLVMBuildAnd(gen.builder, inside, ok, "")!
                        src = gen.imax(gen.int(0), gen.imin(i, gen.sub(n, gen.int(1))))
                    }
                    off = gen.add(off, gen.mul(src, xStrides[d]))
                }
                let safe = gen.select(inside, off, gen.int(0))
                gen.store(gen.select(inside, gen.load(x, safe), fill), out, gen.linear(idx, oDims))
            }
        case .resize:
            try emitResize(op, ctx, out: out, ins: ins, inTypes: inTypes, outType: outType)
        default:
            throw .unsupported("internal error: '\(op.kind.rawValue)' is not a movement op")
        }
    }
}
