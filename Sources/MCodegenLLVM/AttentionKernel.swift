internal import CLLVM
import MIR

/// The fused attention kernel: `softmax(Q K^T * scale + mask) V` (AttentionShapes.swift) with
/// online softmax, never materializing the [sq, sk] scores. The work splits across the
/// runtime pool by (batch, head, block of QB query rows), so batch 1 keeps both cores busy.
///
/// One task holds its QB query rows (pre-scaled), a running max m, sum l and the output
/// accumulator acc[QB][dv] in stack buffers, and walks the keys in blocks of KB = 2 vectors:
///   1. packs the key block transposed (kT[d][KB]) and the value block (v[KB][dv]) contiguous,
///      so both products below are unit-stride vector FMAs whatever the operand layouts;
///   2. per group of R rows, scores s[R][KB] = q kT as R x 2 vector accumulators over d
///      (each kT vector feeds R FMAs), then the mask, and -inf past the last key;
///   3. online softmax per row: m' = max(m, max s), p = exp(s - m'), l = l e^(m - m') + sum p;
///   4. acc[R][dv] = acc e^(m - m') + p V, R x dv/W vector accumulators over the block's keys.
/// At the end each row is divided by its sum. Key and query tails are handled by clamping the
/// index to the last valid row (reads stay in bounds) and masking the extra scores to -inf.
extension KernelEmitter {
    func emitAttention(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef], inTypes: [TensorType],
                       outType: TensorType) throws(CodegenError) {
        guard outType.dtype == .f32 else { throw .unsupported("'attention' on \(outType.dtype) (the kernel is f32)") }
        let layout: AttentionLayout
        do { layout = try AttentionLayout(op.attributes) } catch { throw .unsupported(error.message) }
        let qL = layout.logicalShape(inTypes[0], layout.q), kL = layout.logicalShape(inTypes[1], layout.k)
        let vL = layout.logicalShape(inTypes[2], layout.v)
        guard let d = qL[3].constantValue, let dv = vL[3].constantValue, d > 0, dv > 0, d <= 1024, dv <= 1024 else {
            throw .unsupported("'attention' needs static head sizes in 1...1024 (got \(qL[3]) and \(vL[3]))")
        }
        let w = gen.preferWide ? 16 : 8
        let kb = 2 * w, kVectors = 2
        let dvVectors = (dv + w - 1) / w, dvp = dvVectors * w
        let r = dvVectors <= 4 ? 4 : dvVectors <= 8 ? 2 : 1
        // Query rows per task: 32, fewer for large heads (the stack buffers stay ~32 KB each).
        let qb = max(r, min(32, 8192 / max(d, dvp)) / r * r)
        let f32 = gen.f32, vType = LLVMVectorType(f32, UInt32(w))!
        let scale = layout.effectiveScale(headDim: d)

        // MARK: helpers
        func stack(_ count: Int) -> LLVMValueRef {
            let current = LLVMGetInsertBlock(gen.builder)!
            let entry = LLVMGetEntryBasicBlock(LLVMGetBasicBlockParent(current))!
            if let first = LLVMGetFirstInstruction(entry) { LLVMPositionBuilderBefore(gen.builder, first) }
            else { LLVMPositionBuilderAtEnd(gen.builder, entry) }
            let a = LLVMBuildAlloca(gen.builder, LLVMArrayType(f32, UInt32(count)), "attn_buf")!
            LLVMSetAlignment(a, 64)
            LLVMPositionBuilderAtEnd(gen.builder, current)
            return gen.bitcast(a, gen.f32Ptr)
        }
        func splat(_ x: LLVMValueRef) -> LLVMValueRef {
            let one = LLVMBuildInsertElement(gen.builder, LLVMGetUndef(vType), x, gen.int32(0), "")!
            return LLVMBuildShuffleVector(gen.builder, one, LLVMGetUndef(vType), LLVMConstNull(LLVMVectorType(gen.i32, UInt32(w))), "")!
        }
        func vload(_ base: LLVMValueRef, _ offset: LLVMValueRef) -> LLVMValueRef {
            let ptr = gen.bitcast(gen.gep(base, offset), LLVMPointerType(vType, 0))
            let load = LLVMBuildLoad2(gen.builder, vType, ptr, "")!
            LLVMSetAlignment(load, 4)
            return load
        }
        func vstore(_ v: LLVMValueRef, _ base: LLVMValueRef, _ offset: LLVMValueRef) {
            let ptr = gen.bitcast(gen.gep(base, offset), LLVMPointerType(vType, 0))
            LLVMSetAlignment(LLVMBuildStore(gen.builder, v, ptr), 4)
        }
        func fma(_ a: LLVMValueRef, _ b: LLVMValueRef, _ c: LLVMValueRef) -> LLVMValueRef { gen.intrinsic("llvm.fma", [a, b, c]) }
        /// Strides of the logical axes (b, h, s, d) of an operand read through `perm`.
        func logicalStrides(_ t: TensorType, _ perm: [Int]) -> [LLVMValueRef] {
            let s = gen.strides(t.shape.map(ctx.dim))
            return perm.map { s[$0] }
        }
        let zero = gen.int(0), one = gen.int(1)
        let qs = logicalStrides(inTypes[0], layout.q), ks = logicalStrides(inTypes[1], layout.k)
        let vs = logicalStrides(inTypes[2], layout.v)
        let outStrides = gen.strides(outType.shape.map(ctx.dim))
        let os = (0..<4).map { l in outStrides[layout.out.firstIndex(of: l) ?? l] }
        var ms: [LLVMValueRef]?
        if inTypes.count == 4 {
            let m = inTypes[3], s = gen.strides(m.shape.map(ctx.dim))
            ms = (0..<4).map { l in
                let a = l - (4 - m.rank)
                return a < 0 || m.shape[a] == .constant(1) ? zero : s[a]
            }
        }
        let (batch, heads, sq, sk) = (ctx.dim(qL[0]), ctx.dim(qL[1]), ctx.dim(qL[2]), ctx.dim(kL[2]))

        let qBuf = stack(qb * d), kT = stack(d * kb), vBuf = stack(kb * dvp), sBuf = stack(qb * kb)
        let acc = stack(qb * dvp), mRow = stack(qb), lRow = stack(qb), corr = stack(qb)
        let qBlocks = gen.sdiv(gen.add(sq, gen.int(qb - 1)), gen.int(qb))
        let keyBlocks = gen.sdiv(gen.add(sk, gen.int(kb - 1)), gen.int(kb))
        let tasks = gen.mul(gen.mul(batch, heads), qBlocks)
        let laneIndex: [LLVMValueRef] = (0..<kVectors).map { c in
            var lanes: [LLVMValueRef?] = (0..<w).map { LLVMConstInt(gen.i64, UInt64(c * w + $0), 0) }
            return lanes.withUnsafeMutableBufferPointer { LLVMConstVector($0.baseAddress, UInt32($0.count))! }
        }
        let negInf = gen.float(-Double.infinity)

        gen.parallelLoop(zero, tasks) { t in
            let block = LLVMBuildSRem(gen.builder, t, qBlocks, "")!, bh = gen.sdiv(t, qBlocks)
            let h = LLVMBuildSRem(gen.builder, bh, heads, "")!, b = gen.sdiv(bh, heads)
            let i0 = gen.mul(block, gen.int(qb)), rows = gen.imin(gen.int(qb), gen.sub(sq, i0))
            let base = { (s: [LLVMValueRef]) in gen.add(gen.mul(b, s[0]), gen.mul(h, s[1])) }
            let (qBase, kBase, vBase, oBase) = (base(qs), base(ks), base(vs), base(os))
            let row = { (i: LLVMValueRef) in gen.add(i0, gen.imin(i, gen.sub(rows, one))) }
            // The block's query rows, scaled once here instead of per score.
            gen.loop(zero, gen.int(qb)) { i in
                let src = gen.add(qBase, gen.mul(row(i), qs[2]))
                gen.loop(zero, gen.int(d), vectorize: true) { c in
                    let x = gen.load(ins[0], gen.add(src, gen.mul(c, qs[3])))
                    gen.store(gen.fmul(x, gen.float(scale)), qBuf, gen.add(gen.mul(i, gen.int(d)), c))
                }
                gen.store(negInf, mRow, i)
                gen.store(gen.float(0), lRow, i)
            }
            gen.loop(zero, gen.int(qb * dvp), vectorize: true) { e in gen.store(gen.float(0), acc, e) }
            gen.loop(zero, gen.int(kb * dvp), vectorize: true) { e in gen.store(gen.float(0), vBuf, e) }

            gen.loop(zero, keyBlocks) { kbIndex in
                let j0 = gen.mul(kbIndex, gen.int(kb)), n = gen.imin(gen.int(kb), gen.sub(sk, j0))
                let key = { (j: LLVMValueRef) in gen.add(j0, gen.imin(j, gen.sub(n, one))) }
                gen.loop(zero, gen.int(kb)) { j in
                    let kRow = gen.add(kBase, gen.mul(key(j), ks[2])), vRow = gen.add(vBase, gen.mul(key(j), vs[2]))
                    gen.loop(zero, gen.int(d)) { c in
                        gen.store(gen.load(ins[1], gen.add(kRow, gen.mul(c, ks[3]))), kT, gen.add(gen.mul(c, gen.int(kb)), j))
                    }
                    gen.loop(zero, gen.int(dv), vectorize: true) { c in
                        gen.store(gen.load(ins[2], gen.add(vRow, gen.mul(c, vs[3]))), vBuf, gen.add(gen.mul(j, gen.int(dvp)), c))
                    }
                }
                let iType = LLVMVectorType(gen.i64, UInt32(w))!
                let nSplat = LLVMBuildShuffleVector(gen.builder, LLVMBuildInsertElement(gen.builder, LLVMGetUndef(iType), n, gen.int32(0), "")!,
                                                    LLVMGetUndef(iType), LLVMConstNull(LLVMVectorType(gen.i32, UInt32(w))), "")!
                gen.loop(zero, gen.int(qb / r)) { g in
                    let first = gen.mul(g, gen.int(r))
                    // Scores: R x 2 vector accumulators, each packed key vector reused by R rows.
                    let sAcc = (0..<r).map { _ in (0..<kVectors).map { _ in gen.slot(LLVMConstNull(vType)!) } }
                    gen.loop(zero, gen.int(d)) { c in
                        let kv = (0..<kVectors).map { vload(kT, gen.add(gen.mul(c, gen.int(kb)), gen.int($0 * w))) }
                        for i in 0..<r {
                            let qv = splat(gen.load(qBuf, gen.add(gen.mul(gen.add(first, gen.int(i)), gen.int(d)), c)))
                            for v in 0..<kVectors { gen.write(sAcc[i][v], fma(qv, kv[v], gen.read(sAcc[i][v]))) }
                        }
                    }
                    for i in 0..<r {
                        let sRow = gen.mul(gen.add(first, gen.int(i)), gen.int(kb))
                        for v in 0..<kVectors {
                            let valid = gen.icmp(LLVMIntSLT, laneIndex[v], nSplat)
                            vstore(gen.select(valid, gen.read(sAcc[i][v]), splat(negInf)), sBuf, gen.add(sRow, gen.int(v * w)))
                        }
                        if let ms {
                            let mBase = gen.add(gen.add(gen.mul(b, ms[0]), gen.mul(h, ms[1])), gen.mul(row(gen.add(first, gen.int(i))), ms[2]))
                            gen.loop(zero, n) { j in
                                let at = gen.add(sRow, j)
                                let m = gen.load(ins[3], gen.add(mBase, gen.mul(gen.add(j0, j), ms[3])))
                                gen.store(gen.fadd(gen.load(sBuf, at), m), sBuf, at)
                            }
                        }
                        // Online softmax: new running max, rescale factor, probabilities and their sum.
                        let maxSlot = gen.slot(negInf)
                        gen.reductionLoop(zero, gen.int(kb)) { j in
                            gen.write(maxSlot, gen.intrinsic("llvm.maxnum", [gen.read(maxSlot), gen.load(sBuf, gen.add(sRow, j))]))
                        }
                        let rowIndex = gen.add(first, gen.int(i))
                        let old = gen.load(mRow, rowIndex), new = gen.intrinsic("llvm.maxnum", [old, gen.read(maxSlot)])
                        // A row masked to -inf so far shifts by 0: its exps are 0, not NaN.
                        let shift = gen.select(gen.fcmp(LLVMRealOEQ, new, negInf), gen.float(0), new)
                        let sumSlot = gen.slot(gen.float(0))
                        gen.reductionLoop(zero, gen.int(kb)) { j in
                            let at = gen.add(sRow, j)
                            let p = gen.exp(gen.fsub(gen.load(sBuf, at), shift))
                            gen.store(p, sBuf, at)
                            gen.write(sumSlot, gen.fadd(gen.read(sumSlot), p))
                        }
                        let rescale = gen.exp(gen.fsub(old, shift))
                        gen.store(rescale, corr, rowIndex)
                        gen.store(gen.fadd(gen.fmul(gen.load(lRow, rowIndex), rescale), gen.read(sumSlot)), lRow, rowIndex)
                        gen.store(new, mRow, rowIndex)
                    }
                    // acc = acc * rescale + P V: R x dv/W accumulators, each V vector reused by R rows.
                    let oAcc = (0..<r).map { i in
                        let rowIndex = gen.add(first, gen.int(i))
                        let c = splat(gen.load(corr, rowIndex))
                        return (0..<dvVectors).map { e in
                            gen.slot(gen.fmul(vload(acc, gen.add(gen.mul(rowIndex, gen.int(dvp)), gen.int(e * w))), c))
                        }
                    }
                    gen.loop(zero, n) { j in
                        let vv = (0..<dvVectors).map { vload(vBuf, gen.add(gen.mul(j, gen.int(dvp)), gen.int($0 * w))) }
                        for i in 0..<r {
                            let p = splat(gen.load(sBuf, gen.add(gen.mul(gen.add(first, gen.int(i)), gen.int(kb)), j)))
                            for e in 0..<dvVectors { gen.write(oAcc[i][e], fma(p, vv[e], gen.read(oAcc[i][e]))) }
                        }
                    }
                    for i in 0..<r {
                        let rowIndex = gen.add(first, gen.int(i))
                        for e in 0..<dvVectors { vstore(gen.read(oAcc[i][e]), acc, gen.add(gen.mul(rowIndex, gen.int(dvp)), gen.int(e * w))) }
                    }
                }
            }
            // Normalize and write the block's valid rows.
            gen.loop(zero, rows) { i in
                let inv = gen.fdiv(gen.float(1), gen.load(lRow, i))
                let dst = gen.add(oBase, gen.mul(gen.add(i0, i), os[2]))
                gen.loop(zero, gen.int(dv), vectorize: true) { c in
                    gen.store(gen.fmul(gen.load(acc, gen.add(gen.mul(i, gen.int(dvp)), c)), inv), out, gen.add(dst, gen.mul(c, os[3])))
                }
            }
        }
    }
}
