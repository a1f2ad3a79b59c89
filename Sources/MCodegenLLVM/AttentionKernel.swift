internal import CLLVM
import MIR

/// The fused attention kernel: `softmax(Q K^T * scale + mask) V` (AttentionShapes.swift) with
/// online softmax, never materializing the [sq, sk] scores. The work splits across the
/// runtime pool by (batch, head, group of W query rows; W = 16 lanes on AVX-512, else 8), so
/// batch 1 keeps both cores busy.
///
/// The query rows live in the vector lanes: a task packs its W rows transposed and pre-scaled
/// (qT[d][W]) once, then walks the keys in blocks of KB = W. Per block:
///   1. scores S[j] (one vector of W rows per key j) = sum over d of qT[d] * k[j][d], one FMA
///      with a broadcast key element each, read in place whatever k's layout;
///   2. the mask (a broadcast add when it does not vary along the queries), -inf past the last key;
///   3. online softmax, lane-wise (no horizontal reductions): m' = max(m, max_j S[j]),
///      p[j] = exp(S[j] - m'), l = l e^(m - m') + sum p;
///   4. acc[c] = acc[c] e^(m - m') + sum_j p[j] v[j][c], in chunks of C output columns held in
///      registers (acc is [dv][W] on the stack), again one broadcast-FMA per multiply-add.
/// At the end each row is divided by its sum and written in the output's layout. Key and query
/// tails clamp the index to the last valid row (reads stay in bounds); extra keys score -inf.
extension KernelEmitter {
    func emitAttention(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef], inTypes: [TensorType],
                       outType: TensorType) throws(CodegenError) {
        guard outType.dtype == .f32 else { throw .unsupported("'attention' on \(outType.dtype) (the kernel is f32)") }
        let layout: AttentionLayout
        do { layout = try AttentionLayout(op.attributes) } catch { throw .unsupported(error.message) }
        let qL = layout.logicalShape(inTypes[0], layout.q), kL = layout.logicalShape(inTypes[1], layout.k)
        let vL = layout.logicalShape(inTypes[2], layout.v)
        // The stack buffers are d x W and dv x W floats: at most 64 KB each.
        guard let d = qL[3].constantValue, let dv = vL[3].constantValue, (1...AttentionLayout.maxHeadSize).contains(d),
              (1...AttentionLayout.maxHeadSize).contains(dv) else {
            throw .unsupported("'attention' needs static head sizes in 1...\(AttentionLayout.maxHeadSize) (got \(qL[3]) and \(vL[3]))")
        }
        // Registers: KB score vectors + the query vector; C accumulators + KB probabilities.
        let w = gen.preferWide ? 16 : 8, kb = w, chunk = gen.preferWide ? 8 : 4
        let f32 = gen.f32, vType = LLVMVectorType(f32, UInt32(w))!, iType = LLVMVectorType(gen.i32, UInt32(w))!
        let scale = layout.effectiveScale(headDim: d)

        // MARK: helpers
        func stack(_ count: Int) -> LLVMValueRef {
            let current = LLVMGetInsertBlock(gen.builder)!
            let entry = LLVMGetEntryBasicBlock(LLVMGetBasicBlockParent(current))!
            if let first = LLVMGetFirstInstruction(entry) { LLVMPositionBuilderBefore(gen.builder, first) }
            else { LLVMPositionBuilderAtEnd(gen.builder, entry) }
            let a = LLVMBuildAlloca(gen.builder, LLVMArrayType(f32, UInt32(count)), "attn_buf")!
            LLVMSetAlignment(a, 64)
            let p = gen.bitcast(a, gen.f32Ptr)
            LLVMPositionBuilderAtEnd(gen.builder, current)
            return p
        }
        func splat(_ x: LLVMValueRef, _ type: LLVMTypeRef? = nil) -> LLVMValueRef {
            let t = type ?? vType
            let one = LLVMBuildInsertElement(gen.builder, LLVMGetUndef(t), x, gen.int32(0), "")!
            return LLVMBuildShuffleVector(gen.builder, one, LLVMGetUndef(t), LLVMConstNull(LLVMVectorType(gen.i32, UInt32(w))), "")!
        }
        func constant(_ v: Double) -> LLVMValueRef {
            var lanes: [LLVMValueRef?] = Array(repeating: LLVMConstReal(f32, v), count: w)
            return lanes.withUnsafeMutableBufferPointer { LLVMConstVector($0.baseAddress, UInt32($0.count))! }
        }
        func intConstant(_ v: Int) -> LLVMValueRef {
            var lanes: [LLVMValueRef?] = Array(repeating: gen.int32(v), count: w)
            return lanes.withUnsafeMutableBufferPointer { LLVMConstVector($0.baseAddress, UInt32($0.count))! }
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
        /// exp on a vector of x <= 0 (scores minus their running max): IRGen.exp's range reduction
        /// and polynomial without the overflow side; below -87.3 (and at -inf) it gives 0, NaN propagates.
        func vexp(_ x0: LLVMValueRef) -> LLVMValueRef {
            let low = constant(-87.33654)
            let under = gen.fcmp(LLVMRealOLT, x0, low)
            let x = gen.select(under, low, x0)
            let n = gen.intrinsic("llvm.floor", [fma(x, constant(1.44269504088896341), constant(0.5))])
            let r = fma(n, constant(2.12194440e-4), fma(n, constant(-0.693359375), x))
            var p = constant(1.9875691500e-4)
            for c in [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1] {
                p = fma(p, r, constant(c))
            }
            let er = gen.fadd(fma(p, gen.fmul(r, r), r), constant(1))
            // 2^n from the exponent bits; n >= -126 since x >= -87.34.
            let ni = LLVMBuildFPToSI(gen.builder, n, iType, "")!
            let bits = LLVMBuildShl(gen.builder, LLVMBuildAdd(gen.builder, ni, intConstant(127), "")!, intConstant(23), "")!
            return gen.select(under, constant(0), gen.fmul(er, gen.bitcast(bits, vType)))
        }
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
        var maskVariesByQuery = false
        if inTypes.count == 4 {
            let m = inTypes[3], s = gen.strides(m.shape.map(ctx.dim))
            ms = (0..<4).map { l in
                let a = l - (4 - m.rank)
                return a < 0 || m.shape[a] == .constant(1) ? zero : s[a]
            }
            maskVariesByQuery = m.rank >= 2 && m.shape[m.rank - 2] != .constant(1)
        }
        let (batch, heads, sq, sk) = (ctx.dim(qL[0]), ctx.dim(qL[1]), ctx.dim(qL[2]), ctx.dim(kL[2]))

        let qT = stack(d * w), acc = stack(dv * w), lanes = stack(w)
        let qBlocks = gen.sdiv(gen.add(sq, gen.int(w - 1)), gen.int(w))
        let keyBlocks = gen.sdiv(gen.add(sk, gen.int(kb - 1)), gen.int(kb))
        let tasks = gen.mul(gen.mul(batch, heads), qBlocks)
        let negInf = constant(-Double.infinity)

        gen.parallelLoop(zero, tasks) { t in
            let block = LLVMBuildSRem(gen.builder, t, qBlocks, "")!, bh = gen.sdiv(t, qBlocks)
            let h = LLVMBuildSRem(gen.builder, bh, heads, "")!, b = gen.sdiv(bh, heads)
            let i0 = gen.mul(block, gen.int(w)), rows = gen.imin(gen.int(w), gen.sub(sq, i0))
            let base = { (s: [LLVMValueRef]) in gen.add(gen.mul(b, s[0]), gen.mul(h, s[1])) }
            let (qBase, kBase, vBase, oBase) = (base(qs), base(ks), base(vs), base(os))
            let row = { (i: LLVMValueRef) in gen.add(i0, gen.imin(i, gen.sub(rows, one))) }
            // The W query rows transposed into lanes, scaled once here instead of per score.
            gen.loop(zero, gen.int(w)) { i in
                let src = gen.add(qBase, gen.mul(row(i), qs[2]))
                gen.loop(zero, gen.int(d)) { c in
                    let x = gen.load(ins[0], gen.add(src, gen.mul(c, qs[3])))
                    gen.store(gen.fmul(x, gen.float(scale)), qT, gen.add(gen.mul(c, gen.int(w)), i))
                }
            }
            gen.loop(zero, gen.int(dv * w), vectorize: true) { e in gen.store(gen.float(0), acc, e) }
            let mSlot = gen.slot(negInf), lSlot = gen.slot(constant(0))

            func keyBlock(j0: LLVMValueRef, n: LLVMValueRef, keys: [LLVMValueRef]) {
                let kRows = keys.map { gen.add(kBase, gen.mul($0, ks[2])) }
                // 1. Scores, one vector of W query rows per key.
                let sAcc = (0..<kb).map { _ in gen.slot(constant(0)) }
                gen.loop(zero, gen.int(d)) { c in
                    let qv = vload(qT, gen.mul(c, gen.int(w)))
                    let offset = gen.mul(c, ks[3])
                    for j in 0..<kb { gen.write(sAcc[j], fma(qv, splat(gen.load(ins[1], gen.add(kRows[j], offset))), gen.read(sAcc[j]))) }
                }
                // 2. Mask and key tail.
                var scores: [LLVMValueRef] = []
                for j in 0..<kb {
                    var s = gen.read(sAcc[j])
                    if let ms {
                        let at = gen.add(gen.add(gen.mul(b, ms[0]), gen.mul(h, ms[1])), gen.mul(keys[j], ms[3]))
                        if maskVariesByQuery {
                            gen.loop(zero, gen.int(w)) { i in gen.store(gen.load(ins[3], gen.add(at, gen.mul(row(i), ms[2]))), lanes, i) }
                            s = gen.fadd(s, vload(lanes, zero))
                        } else {
                            s = gen.fadd(s, splat(gen.load(ins[3], at)))
                        }
                    }
                    scores.append(gen.select(gen.icmp(LLVMIntSLT, gen.int(j), n), s, negInf))
                }
                // 3. Online softmax, lane-wise.
                var blockMax = scores[0]
                for s in scores.dropFirst() { blockMax = gen.intrinsic("llvm.maxnum", [blockMax, s]) }
                let old = gen.read(mSlot), new = gen.intrinsic("llvm.maxnum", [old, blockMax])
                // A row masked to -inf so far shifts by 0: its exps are 0, not NaN.
                let shift = gen.select(gen.fcmp(LLVMRealOEQ, new, negInf), constant(0), new)
                let p = scores.map { vexp(gen.fsub($0, shift)) }
                var sum = p[0]
                for x in p.dropFirst() { sum = gen.fadd(sum, x) }
                let rescale = vexp(gen.fsub(old, shift))
                gen.write(lSlot, fma(gen.read(lSlot), rescale, sum))
                gen.write(mSlot, new)
                // 4. acc = acc * rescale + P V, C columns at a time.
                let vRows = keys.map { gen.add(vBase, gen.mul($0, vs[2])) }
                func columns(_ c0: LLVMValueRef, _ count: Int) {
                    let a = (0..<count).map { c in gen.slot(gen.fmul(vload(acc, gen.mul(gen.add(c0, gen.int(c)), gen.int(w))), rescale)) }
                    for j in 0..<kb {
                        for c in 0..<count {
                            let x = gen.load(ins[2], gen.add(vRows[j], gen.mul(gen.add(c0, gen.int(c)), vs[3])))
                            gen.write(a[c], fma(p[j], splat(x), gen.read(a[c])))
                        }
                    }
                    for c in 0..<count { vstore(gen.read(a[c]), acc, gen.mul(gen.add(c0, gen.int(c)), gen.int(w))) }
                }
                gen.loop(zero, gen.int(dv / chunk)) { ci in columns(gen.mul(ci, gen.int(chunk)), chunk) }
                if dv % chunk != 0 { columns(gen.int(dv / chunk * chunk), dv % chunk) }
            }
            gen.loop(zero, keyBlocks) { kbIndex in
                let j0 = gen.mul(kbIndex, gen.int(kb)), n = gen.imin(gen.int(kb), gen.sub(sk, j0))
                let full = gen.icmp(LLVMIntEQ, n, gen.int(kb))
                // Full blocks index keys as j0 + j, so static strides fold into the addresses;
                // the last, partial block clamps them.
                gen.ifThen(full) { keyBlock(j0: j0, n: n, keys: (0..<kb).map { gen.add(j0, gen.int($0)) }) }
                gen.ifThen(LLVMBuildNot(gen.builder, full, "")!) {
                    keyBlock(j0: j0, n: n, keys: (0..<kb).map { gen.add(j0, gen.imin(gen.int($0), gen.sub(n, one))) })
                }
            }
            // Normalize and write the group's valid rows.
            let inv = gen.fdiv(constant(1), gen.read(lSlot))
            gen.loop(zero, gen.int(dv)) { c in
                vstore(gen.fmul(vload(acc, gen.mul(c, gen.int(w))), inv), lanes, zero)
                let dst = gen.add(oBase, gen.mul(c, os[3]))
                gen.loop(zero, rows) { i in gen.store(gen.load(lanes, i), out, gen.add(dst, gen.mul(gen.add(i0, i), os[2]))) }
            }
        }
    }
}
