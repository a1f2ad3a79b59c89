internal import CLLVM
import MIR

/// The module-level functions behind `packedGemm`: one driver (blocking and packing) and a
/// few microkernels (the full MR-row tile plus 8/4/2/1-row variants, so a short M edge, e.g.
/// a batch-1 dense layer, does not pay for MR rows). They are emitted once per module and
/// epilogue signature and shared by every kernel that calls them.
extension KernelEmitter {
    /// `void gemm(m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, bias, residual, ldr, bPacked, npad, col0)`:
    /// a non-null `bPacked` is B packed at compile time (GemmPrepack.swift: Npad columns, this
    /// call's columns starting at the NR-aligned `col0`), used instead of packing `b`.
    func gemmFunction(_ t: GemmTiling, _ epilogue: GemmEpilogue) -> (LLVMValueRef, LLVMTypeRef) {
        let name = "mcc_sgemm_\(t.mr)x\(t.nr)\(epilogue.suffix)"
        let i64 = gen.i64, p = gen.f32Ptr
        let params = [i64, i64, i64, p, i64, i64, p, i64, i64, p, i64, p, p, i64, p, i64, i64]
        if let existing = LLVMGetNamedFunction(gen.module, name) {
            return (existing, LLVMGlobalGetValueType(existing))
        }
        let saved = LLVMGetInsertBlock(gen.builder)
        let savedPartition = gen.partition
        gen.partition = nil
        defer {
            gen.partition = savedPartition
            if let saved { LLVMPositionBuilderAtEnd(gen.builder, saved) }
        }
        let rowCounts = [t.mr] + [8, 4, 2, 1].filter { $0 < t.mr }
        let vectorCounts = Array(stride(from: t.nr / t.width, through: 1, by: -1))
        // micro[v][r]: the kernel for rowCounts[r] rows and vectorCounts[v] vectors of columns.
        let micro = vectorCounts.map { v in rowCounts.map { microkernel(t, rows: $0, vectors: v, epilogue) } }
        let fn = gen.function(name, returns: gen.void, params: params, isInternal: true, noInline: true)
        gen.entry(fn.0)
        let arg = { (i: Int) in gen.param(fn.0, i) }
        let (m, n, k) = (arg(0), arg(1), arg(2))
        let a = GemmOperand(pointer: arg(3), rowStride: arg(4), columnStride: arg(5))
        let b = GemmOperand(pointer: arg(6), rowStride: arg(7), columnStride: arg(8))
        let (c, ldc, bias, residual, ldr) = (arg(9), arg(10), arg(11), arg(12), arg(13))
        let (bPacked, npad, col0) = (arg(14), arg(15), arg(16))
        let prepacked = LLVMBuildIsNotNull(gen.builder, bPacked, "")!

        // Packing buffers sized for this call (a small GEMM takes a small buffer).
        let kcMax = gen.imax(gen.imin(k, gen.int(t.kc)), gen.int(1))
        let mcMax = gen.imin(roundUp(m, t.mr), gen.int(t.mc)), ncMax = gen.imin(roundUp(n, t.nr), gen.int(t.nc))
        let aBytes = roundUp(gen.mul(gen.mul(mcMax, kcMax), gen.int(4)), 64)
        // A compile-time packed B needs no B buffer: a 64-byte token keeps the per-call malloc
        // small (a recurrent step calls this once per time step; its [128, 512] B buffer was
        // ~1.7% of a batch-32 LSTM run in malloc/free, measured with perf).
        let bBytes = gen.select(prepacked, gen.int(64), roundUp(gen.mul(gen.mul(ncMax, kcMax), gen.int(4)), 64))
        let alloc = gen.declareExternal("aligned_alloc", returns: gen.i8Ptr, params: [i64, i64])
        let free = gen.declareExternal("free", returns: gen.void, params: [gen.i8Ptr])
        let aRaw = gen.call(alloc, [gen.int(64), aBytes]), bRaw = gen.call(alloc, [gen.int(64), bBytes])
        let aPack = gen.bitcast(aRaw, p), bPack = gen.bitcast(bRaw, p)
        // An allocation failure leaves C unwritten rather than crashing the caller's process.
        let allocated = LLVMBuildAnd(gen.builder, LLVMBuildIsNotNull(gen.builder, aRaw, "")!,
                                     LLVMBuildIsNotNull(gen.builder, bRaw, "")!, "")!
        gen.ifThen(allocated) {
            // K = 0 still runs one (empty) depth block so C gets epilogue(0).
            let kBlocks = gen.imax(ceilDiv(k, t.kc), gen.int(1))
            gen.loop(gen.int(0), ceilDiv(n, t.nc)) { jb in
                let jc = gen.mul(jb, gen.int(t.nc)), nc = gen.imin(gen.int(t.nc), gen.sub(n, jc))
                gen.loop(gen.int(0), kBlocks) { kb in
                    let pc = gen.mul(kb, gen.int(t.kc)), kc = gen.imax(gen.imin(gen.int(t.kc), gen.sub(k, pc)), gen.int(0))
                    gen.ifThen(LLVMBuildNot(gen.builder, prepacked, "")!) {
                        packB(t, b, row: pc, depth: kc, column: jc, count: nc, into: bPack)
                    }
                    let bBlock = gen.select(prepacked, gen.gep(bPacked, gen.add(gen.mul(pc, npad), gen.mul(gen.add(col0, jc), kc))), bPack)
                    let accumulate = LLVMBuildZExt(gen.builder, gen.icmp(LLVMIntSGT, kb, gen.int(0)), i64, "")!
                    let last = LLVMBuildZExt(gen.builder, gen.icmp(LLVMIntEQ, kb, gen.sub(kBlocks, gen.int(1))), i64, "")!
                    gen.loop(gen.int(0), ceilDiv(m, t.mc)) { mb in
                        let ic = gen.mul(mb, gen.int(t.mc)), mc = gen.imin(gen.int(t.mc), gen.sub(m, ic))
                        packA(t, a, row: ic, count: mc, column: pc, depth: kc, into: aPack)
                        gen.loop(gen.int(0), ceilDiv(nc, t.nr)) { jp in
                            let jr = gen.mul(jp, gen.int(t.nr)), nr = gen.imin(gen.int(t.nr), gen.sub(nc, jr))
                            let bPanel = gen.gep(bBlock, gen.mul(gen.mul(jp, kc), gen.int(t.nr)))
                            gen.loop(gen.int(0), ceilDiv(mc, t.mr)) { ip in
                                let ir = gen.mul(ip, gen.int(t.mr)), mr = gen.imin(gen.int(t.mr), gen.sub(mc, ir))
                                let row = gen.add(ic, ir), col = gen.add(jc, jr)
                                let aPanel = gen.gep(aPack, gen.mul(gen.mul(ip, kc), gen.int(t.mr)))
                                let cTile = gen.gep(c, gen.add(gen.mul(row, ldc), col))
                                let biasTile: LLVMValueRef
                                switch epilogue.bias?.kind {
                                case .perColumn: biasTile = gen.gep(bias, col)
                                case .perRow: biasTile = gen.gep(bias, row)
                                case nil: biasTile = bias
                                }
                                let resTile = epilogue.residual == nil ? residual : gen.gep(residual, gen.add(gen.mul(row, ldr), col))
                                // The smallest microkernel that covers this tile (edge tiles of small
                                // planes, e.g. 7x7 = 49 columns, would waste a third of the FMAs).
                                var target = micro[0][0].0
                                for (v, vectors) in vectorCounts.enumerated() {
                                    for (r, rows) in rowCounts.enumerated() where v + r > 0 {
                                        let fits = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSLE, mr, gen.int(rows)),
                                                                gen.icmp(LLVMIntSLE, nr, gen.int(vectors * t.width)), "")!
                                        target = gen.select(fits, micro[v][r].0, target)
                                    }
                                }
                                _ = gen.call((target, micro[0][0].1), [kc, aPanel, bPanel, cTile, ldc, mr, nr, accumulate, last,
                                                                    biasTile, resTile, ldr])
                            }
                            // gelu over the finished MC x NR strip while it is in L1: one vectorized
                            // loop here rather than a copy in every microkernel (inside them the
                            // erf code ran ~6x slower than as a separate kernel, measured on BERT's FFN).
                            if let act = epilogue.activation, !act.isLaneWise {
                                gen.ifThen(gen.icmp(LLVMIntNE, last, gen.int(0))) {
                                    let col = gen.add(jc, jr)
                                    gen.loop(ic, gen.add(ic, mc)) { r in
                                        let strip = gen.gep(c, gen.add(gen.mul(r, ldc), col))
                                        gen.loop(gen.int(0), nr, vectorize: true, width: t.width) { j in
                                            gen.store(apply(act, gen.load(strip, j)), strip, j)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        _ = gen.call(free, [aRaw])
        _ = gen.call(free, [bRaw])
        gen.retVoid()
        return fn
    }

    /// B[row ..< row+depth, column ..< column+count] into NR-column panels: panel j holds
    /// depth rows of NR consecutive floats, zero past `count`.
    private func packB(_ t: GemmTiling, _ b: GemmOperand, row: LLVMValueRef, depth: LLVMValueRef, column: LLVMValueRef,
                       count: LLVMValueRef, into pack: LLVMValueRef) {
        let unit = gen.icmp(LLVMIntEQ, b.columnStride, gen.int(1))
        gen.loop(gen.int(0), ceilDiv(count, t.nr)) { jp in
            let j0 = gen.mul(jp, gen.int(t.nr))
            let full = gen.icmp(LLVMIntSLE, gen.add(j0, gen.int(t.nr)), count)
            let panel = gen.gep(pack, gen.mul(gen.mul(jp, depth), gen.int(t.nr)))
            let base = gen.gep(b.pointer, gen.add(gen.mul(row, b.rowStride), gen.mul(gen.add(column, j0), b.columnStride)))
            // Full panels of a row-major B: NR contiguous floats per row (vector copies).
            gen.ifThen(LLVMBuildAnd(gen.builder, full, unit, "")!) {
                gen.loop(gen.int(0), depth) { p in
                    let src = gen.gep(base, gen.mul(p, b.rowStride)), dst = gen.gep(panel, gen.mul(p, gen.int(t.nr)))
                    for v in 0..<(t.nr / t.width) {
                        storeVector(loadVector(src, offset: v * t.width, t.width, align: 4), dst, offset: v * t.width, align: 64)
                    }
                }
            }
            // Edge panels and strided (transposed) B: element by element, zero past the edge.
            gen.ifThen(LLVMBuildNot(gen.builder, LLVMBuildAnd(gen.builder, full, unit, "")!, "")!) {
                let width = gen.imin(gen.int(t.nr), gen.sub(count, j0))
                gen.loop(gen.int(0), depth) { p in
                    let dst = gen.gep(panel, gen.mul(p, gen.int(t.nr)))
                    for v in 0..<(t.nr / t.width) { storeVector(zeroVector(t.width), dst, offset: v * t.width, align: 64) }
                }
                gen.loop(gen.int(0), width) { j in
                    let src = gen.gep(base, gen.mul(j, b.columnStride))
                    gen.loop(gen.int(0), depth) { p in
                        gen.store(gen.load(src, gen.mul(p, b.rowStride)), panel, gen.add(gen.mul(p, gen.int(t.nr)), j))
                    }
                }
            }
        }
    }

    /// A[row ..< row+count, column ..< column+depth] into MR-row panels: panel i holds depth
    /// columns of MR consecutive floats, zero past `count`.
    private func packA(_ t: GemmTiling, _ a: GemmOperand, row: LLVMValueRef, count: LLVMValueRef, column: LLVMValueRef,
                       depth: LLVMValueRef, into pack: LLVMValueRef) {
        gen.loop(gen.int(0), ceilDiv(count, t.mr)) { ip in
            let i0 = gen.mul(ip, gen.int(t.mr))
            let rows = gen.imin(gen.int(t.mr), gen.sub(count, i0))
            let panel = gen.gep(pack, gen.mul(gen.mul(ip, depth), gen.int(t.mr)))
            let base = gen.gep(a.pointer, gen.add(gen.mul(gen.add(row, i0), a.rowStride), gen.mul(column, a.columnStride)))
            let full = gen.icmp(LLVMIntEQ, rows, gen.int(t.mr))
            // Full panels: one depth step at a time, MR row streams in, MR contiguous floats out.
            gen.ifThen(full) {
                let sources = (0..<t.mr).map { gen.gep(base, gen.mul(gen.int($0), a.rowStride)) }
                gen.loop(gen.int(0), depth) { p in
                    let src = gen.mul(p, a.columnStride), dst = gen.mul(p, gen.int(t.mr))
                    for (i, row) in sources.enumerated() { gen.store(gen.load(row, src), panel, gen.add(dst, gen.int(i))) }
                }
            }
            // The edge panel: zeros, then row by row.
            gen.ifThen(LLVMBuildNot(gen.builder, full, "")!) {
                gen.loop(gen.int(0), gen.mul(depth, gen.int(t.mr))) { q in gen.store(gen.float(0), panel, q) }
                gen.loop(gen.int(0), rows) { i in
                    let src = gen.gep(base, gen.mul(i, a.rowStride))
                    gen.loop(gen.int(0), depth) { p in
                        gen.store(gen.load(src, gen.mul(p, a.columnStride)), panel, gen.add(gen.mul(p, gen.int(t.mr)), i))
                    }
                }
            }
        }
    }

    /// `void micro(kc, aPanel, bPanel, c, ldc, mr, nr, accumulate, last, bias, residual, ldr)`:
    /// a rows x NR tile of A x B over kc depth steps in rows * NR/W vector accumulators, one
    /// broadcast of A and NR/W loads of B per step. The store adds C's old value (later depth
    /// blocks), applies the epilogue (last block), and writes only the mr x nr valid part. A gelu
    /// activation is left to the driver (after each strip of tiles).
    private func microkernel(_ t: GemmTiling, rows: Int, vectors: Int, _ epilogue: GemmEpilogue) -> (LLVMValueRef, LLVMTypeRef) {
        let i64 = gen.i64, p = gen.f32Ptr
        let name = "mcc_sgemm_\(t.mr)x\(t.nr)_micro\(rows)x\(vectors * t.width)\(epilogue.suffix)"
        let fn = gen.function(name, returns: gen.void, params: [i64, p, p, p, i64, i64, i64, i64, i64, p, p, i64],
                              isInternal: true, noInline: true)
        // The packed panels are private to the driver (C may alias the residual, so it is not noalias).
        for i in [1, 2] { gen.addEnumAttribute(fn.0, index: UInt32(i + 1), "noalias") }
        gen.entry(fn.0)
        let arg = { (i: Int) in gen.param(fn.0, i) }
        let (kc, aPanel, bPanel, c, ldc, mr, nr) = (arg(0), arg(1), arg(2), arg(3), arg(4), arg(5), arg(6))
        let (accumulate, last, bias, residual, ldr) = (arg(7), arg(8), arg(9), arg(10), arg(11))
        // Short tiles (1-2 rows, e.g. a batch-1 dense layer on a packed weight) would leave
        // only rows x vectors FMA chains, each waiting out the FMA latency: they spread the
        // depth over `sets` independent accumulator sets (8 chains in all), summed at the end.
        let sets = max(1, 4 / rows)
        let accSets = (0..<sets).map { _ in (0..<rows).map { _ in (0..<vectors).map { _ in gen.slot(zeroVector(t.width)) } } }
        let acc = accSets[0]
        func depthStep(_ step: LLVMValueRef, _ acc: [[LLVMValueRef]]) {
            let bRow = gen.gep(bPanel, gen.mul(step, gen.int(t.nr)))
            let bv = (0..<vectors).map { loadVector(bRow, offset: $0 * t.width, t.width, align: 64) }
            let aCol = gen.gep(aPanel, gen.mul(step, gen.int(t.mr)))
            for i in 0..<rows {
                let av = splat(gen.load(aCol, gen.int(i)), t.width)
                for j in 0..<vectors { gen.write(acc[i][j], gen.intrinsic("llvm.fma", [av, bv[j], gen.read(acc[i][j])])) }
            }
        }
        if sets == 1 {
            gen.loop(gen.int(0), kc) { depthStep($0, acc) }
        } else {
            let groups = gen.sdiv(kc, gen.int(sets))
            gen.loop(gen.int(0), groups) { g in
                for (s, set) in accSets.enumerated() { depthStep(gen.add(gen.mul(g, gen.int(sets)), gen.int(s)), set) }
            }
            gen.loop(gen.mul(groups, gen.int(sets)), kc) { depthStep($0, acc) }
            for set in accSets.dropFirst() {
                for i in 0..<rows { for j in 0..<vectors { gen.write(acc[i][j], gen.fadd(gen.read(acc[i][j]), gen.read(set[i][j]))) } }
            }
        }
        let isAccumulating = gen.icmp(LLVMIntNE, accumulate, gen.int(0)), isLast = gen.icmp(LLVMIntNE, last, gen.int(0))
        let full = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntEQ, mr, gen.int(rows)), gen.icmp(LLVMIntEQ, nr, gen.int(vectors * t.width)), "")!
        gen.ifThen(full) {
            // Whole tile: vector read-modify-write of C.
            gen.ifThen(isAccumulating) {
                for i in 0..<rows {
                    let row = gen.gep(c, gen.mul(gen.int(i), ldc))
                    for j in 0..<vectors {
                        gen.write(acc[i][j], gen.fadd(gen.read(acc[i][j]), loadVector(row, offset: j * t.width, t.width, align: 4)))
                    }
                }
            }
            if !epilogue.isEmpty {
                gen.ifThen(isLast) {
                    for i in 0..<rows {
                        for j in 0..<vectors {
                            var v = gen.read(acc[i][j])
                            switch epilogue.bias?.kind {
                            case .perColumn: v = gen.fadd(v, loadVector(bias, offset: j * t.width, t.width, align: 4))
                            case .perRow: v = gen.fadd(v, splat(gen.load(bias, gen.int(i)), t.width))
                            case nil: break
                            }
                            if epilogue.residual != nil {
                                v = gen.fadd(v, loadVector(gen.gep(residual, gen.mul(gen.int(i), ldr)), offset: j * t.width, t.width, align: 4))
                            }
                            if let act = epilogue.activation, act.isLaneWise { v = apply(act, v) }
                            gen.write(acc[i][j], v)
                        }
                    }
                }
            }
            for i in 0..<rows {
                let row = gen.gep(c, gen.mul(gen.int(i), ldc))
                for j in 0..<vectors { storeVector(gen.read(acc[i][j]), row, offset: j * t.width, align: 4) }
            }
        }
        gen.ifThen(LLVMBuildNot(gen.builder, full, "")!) {
            // Edge tile: spill the accumulators and write the valid mr x nr part element-wise.
            let tile = gen.slot(LLVMGetUndef(LLVMArrayType(LLVMVectorType(gen.f32, UInt32(t.width)), UInt32(rows * vectors)))!)
            let flat = gen.bitcast(tile, p)
            for i in 0..<rows {
                for j in 0..<vectors { storeVector(gen.read(acc[i][j]), flat, offset: (i * vectors + j) * t.width, align: 4) }
            }
            gen.loop(gen.int(0), mr) { i in
                gen.loop(gen.int(0), nr) { j in
                    let o = gen.add(gen.mul(i, ldc), j)
                    let v = gen.slot(gen.load(flat, gen.add(gen.mul(i, gen.int(vectors * t.width)), j)))
                    gen.ifThen(isAccumulating) { gen.write(v, gen.fadd(gen.read(v), gen.load(c, o))) }
                    if !epilogue.isEmpty {
                        gen.ifThen(isLast) {
                            var x = gen.read(v)
                            switch epilogue.bias?.kind {
                            case .perColumn: x = gen.fadd(x, gen.load(bias, j))
                            case .perRow: x = gen.fadd(x, gen.load(bias, i))
                            case nil: break
                            }
                            if epilogue.residual != nil { x = gen.fadd(x, gen.load(residual, gen.add(gen.mul(i, ldr), j))) }
                            if let act = epilogue.activation, act.isLaneWise { x = apply(act, x) }
                            gen.write(v, x)
                        }
                    }
                    gen.store(gen.read(v), c, o)
                }
            }
        }
        gen.retVoid()
        return fn
    }

    // MARK: vector helpers

    /// relu/clip on a float or a float vector, with numpy's NaN handling (relu keeps NaN);
    /// gelu on a float only (see `GemmActivation.isLaneWise`).
    func apply(_ act: GemmActivation, _ x: LLVMValueRef) -> LLVMValueRef {
        let c = { (v: Double) in constantLike(x, v) }
        switch act {
        case .gelu(let tanh):
            return (try? gen.unary(.gelu, x, tanh ? ["approximate": .string("tanh")] : [:], from: .f32, to: .f32)) ?? x
        case .relu:
            return gen.select(gen.fcmp(LLVMRealOGT, x, c(0)), x, gen.select(gen.fcmp(LLVMRealUNO, x, x), x, c(0)))
        case .clip(let lo, let hi):
            var y = x
            if let lo { y = gen.select(gen.fcmp(LLVMRealOLT, y, c(lo)), c(lo), y) }
            if let hi { y = gen.select(gen.fcmp(LLVMRealOGT, y, c(hi)), c(hi), y) }
            return y
        }
    }

    private func constantLike(_ x: LLVMValueRef, _ v: Double) -> LLVMValueRef {
        let type = LLVMTypeOf(x)!
        guard LLVMGetTypeKind(type) == LLVMVectorTypeKind else { return LLVMConstReal(type, v) }
        var lanes: [LLVMValueRef?] = Array(repeating: LLVMConstReal(LLVMGetElementType(type), v), count: Int(LLVMGetVectorSize(type)))
        return lanes.withUnsafeMutableBufferPointer { LLVMConstVector($0.baseAddress, UInt32($0.count))! }
    }

    func zeroVector(_ width: Int) -> LLVMValueRef { LLVMConstNull(LLVMVectorType(gen.f32, UInt32(width)))! }

    func splat(_ x: LLVMValueRef, _ width: Int) -> LLVMValueRef {
        let type = LLVMVectorType(gen.f32, UInt32(width))!
        let one = LLVMBuildInsertElement(gen.builder, LLVMGetUndef(type), x, gen.int32(0), "")!
        return LLVMBuildShuffleVector(gen.builder, one, LLVMGetUndef(type), LLVMConstNull(LLVMVectorType(gen.i32, UInt32(width))), "")!
    }

    func loadVector(_ base: LLVMValueRef, offset: Int, _ width: Int, align: UInt32) -> LLVMValueRef {
        let type = LLVMVectorType(gen.f32, UInt32(width))!
        let ptr = gen.bitcast(gen.gep(base, gen.int(offset)), LLVMPointerType(type, 0))
        let load = LLVMBuildLoad2(gen.builder, type, ptr, "")!
        LLVMSetAlignment(load, align)
        return load
    }

    func storeVector(_ v: LLVMValueRef, _ base: LLVMValueRef, offset: Int, align: UInt32) {
        let ptr = gen.bitcast(gen.gep(base, gen.int(offset)), LLVMPointerType(LLVMTypeOf(v), 0))
        LLVMSetAlignment(LLVMBuildStore(gen.builder, v, ptr), align)
    }

    private func ceilDiv(_ x: LLVMValueRef, _ d: Int) -> LLVMValueRef { gen.sdiv(gen.add(x, gen.int(d - 1)), gen.int(d)) }
    private func roundUp(_ x: LLVMValueRef, _ d: Int) -> LLVMValueRef { gen.mul(ceilDiv(x, d), gen.int(d)) }
}
