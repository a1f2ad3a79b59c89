internal import CLLVM
import MIR

/// The BLAS entry points kernels call (OpenBLAS's CBLAS interface).
struct BLAS {
    let sgemm: (LLVMValueRef, LLVMTypeRef)
    let dgemm: (LLVMValueRef, LLVMTypeRef)

    init(_ gen: IRGen) {
        func gemm(_ name: String, _ t: LLVMTypeRef) -> (LLVMValueRef, LLVMTypeRef) {
            let p = LLVMPointerType(t, 0)!
            return gen.declareExternal(name, returns: gen.void, params: [
                gen.i32, gen.i32, gen.i32, gen.i32, gen.i32, gen.i32, t, p, gen.i32, p, gen.i32, t, p, gen.i32])
        }
        sgemm = gemm("cblas_sgemm", gen.f32)
        dgemm = gemm("cblas_dgemm", LLVMDoubleTypeInContext(gen.context))
    }
}

extension KernelEmitter {
    /// Batched matmul with numpy broadcasting of the batch dims: one GEMM per batch (a shared
    /// rank-2 B folds the batch into M). See `matmulGemm` for which GEMM runs.
    func emitMatmul(_ ctx: KernelContext, out: LLVMValueRef, outType: TensorType, a: LLVMValueRef, aType: TensorType,
                    b: LLVMValueRef, bType: TensorType, bias: LLVMValueRef? = nil, residual: LLVMValueRef? = nil,
                    act: ((LLVMValueRef) -> LLVMValueRef)? = nil,
                    attributes: Attributes = [:], prepacked: PrepackedWeight? = nil) throws(CodegenError) {
        let m = ctx.dim(aType.shape[aType.rank - 2]), k = ctx.dim(aType.shape[aType.rank - 1])
        let n = ctx.dim(bType.shape[bType.rank - 1])
        let batchRank = outType.rank - 2
        let batchType = TensorType(outType.dtype, Array(outType.shape.prefix(batchRank)))
        // Rank-2 B shared by every batch row: fold the batch into M (one big GEMM).
        if bType.rank == 2 && aType.rank >= 2 {
            let rows = ctx.dim(Array(aType.shape.dropLast()).product)
            try matmulGemm(outType.dtype, a: a, b: b, c: out, m: rows, n: n, k: k, bias: bias, residual: residual, act: act,
                           attributes: attributes, prepacked: prepacked)
            return
        }
        let aBatch = broadcastStrides(TensorType(aType.dtype, Array(aType.shape.dropLast(2))), to: batchType, ctx)
        let bBatch = broadcastStrides(TensorType(bType.dtype, Array(bType.shape.dropLast(2))), to: batchType, ctx)
        let batchDims = batchType.shape.map(ctx.dim)
        let aSize = gen.mul(m, k), bSize = gen.mul(k, n), cSize = gen.mul(m, n)
        var failure: CodegenError?
        gen.nest(batchDims) { idx in
            var aOff = gen.int(0), bOff = gen.int(0)
            for (d, i) in idx.enumerated() { aOff = gen.add(aOff, gen.mul(i, aBatch[d])); bOff = gen.add(bOff, gen.mul(i, bBatch[d])) }
            let cOff = gen.mul(gen.linear(idx, batchDims), cSize)
            do {
                try matmulGemm(outType.dtype, a: gen.gep(a, gen.mul(aOff, aSize), element: LLVMGetElementType(LLVMTypeOf(a))),
                               b: gen.gep(b, gen.mul(bOff, bSize), element: LLVMGetElementType(LLVMTypeOf(b))),
                               c: gen.gep(out, cOff, element: LLVMGetElementType(LLVMTypeOf(out))), m: m, n: n, k: k, bias: bias,
                               residual: residual.map { gen.gep($0, cOff, element: LLVMGetElementType(LLVMTypeOf($0))) }, act: act,
                               attributes: attributes)
            } catch { failure = error as? CodegenError ?? .unsupported("\(error)") }
        }
        if let failure { throw failure }
    }

    /// C = op(A) x op(B) + beta C (row-major, explicit leading dimensions) for f32/f64: the
    /// convolution gradients multiply by transposed operands and accumulate over images.
    func gemmCall(_ dtype: DType, transA: Bool, transB: Bool, m: LLVMValueRef, n: LLVMValueRef, k: LLVMValueRef,
                  a: LLVMValueRef, lda: LLVMValueRef, b: LLVMValueRef, ldb: LLVMValueRef, beta: Double,
                  c: LLVMValueRef, ldc: LLVMValueRef) throws(CodegenError) {
        let t = try gen.storageType(dtype)
        let nonEmpty = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGT, m, gen.int(0)), gen.icmp(LLVMIntSGT, n, gen.int(0)), "")!
        gen.ifThen(nonEmpty) {
            let i32 = { (v: LLVMValueRef) in LLVMBuildTrunc(gen.builder, gen.imax(v, gen.int(1)), gen.i32, "")! }
            _ = gen.call(dtype == .f32 ? blas.sgemm : blas.dgemm,
                         [gen.int32(101), gen.int32(transA ? 112 : 111), gen.int32(transB ? 112 : 111),
                          LLVMBuildTrunc(gen.builder, m, gen.i32, "")!, LLVMBuildTrunc(gen.builder, n, gen.i32, "")!,
                          LLVMBuildTrunc(gen.builder, k, gen.i32, "")!, gen.constant(1, t), a, i32(lda), b, i32(ldb),
                          gen.constant(beta, t), c, i32(ldc)])
        }
    }

    /// C[m, n] = A[m, k] * B[k, n] (+ bias[n] + residual[m, n], then act) computed by this
    /// kernel part's share: a block of columns (16-aligned) when N >= M, else a block of rows.
    /// Each part's BLAS call is single-threaded (the runtime keeps OpenBLAS at one thread), so
    /// the parts never oversubscribe the cores; each applies the epilogue to its own block.
    func partitionedGemm(_ dtype: DType, a: LLVMValueRef, b: LLVMValueRef, c: LLVMValueRef,
                         m: LLVMValueRef, n: LLVMValueRef, k: LLVMValueRef, bias: LLVMValueRef? = nil, residual: LLVMValueRef? = nil,
                         act: ((LLVMValueRef) -> LLVMValueRef)? = nil) throws(CodegenError) {
        guard gen.partition != nil else {
            try gemmCall(dtype, a: a, b: b, c: c, m: m, n: n, k: k)
            applyEpilogue(act, c, bias: bias, residual: residual, rows: m, columns: n, ldc: n)
            return
        }
        let t = try gen.storageType(dtype)
        var failure: CodegenError?
        let byColumns = gen.icmp(LLVMIntSGE, n, m)
        gen.ifThen(byColumns) {
            let (lo, hi) = gen.partRange(gen.int(0), n, align: 16)
            do {
                try gemmCall(dtype, a: a, b: gen.gep(b, lo, element: t), c: gen.gep(c, lo, element: t), m: m, n: gen.sub(hi, lo), k: k,
                             lda: k, ldb: n, ldc: n)
            } catch { failure = error as? CodegenError ?? .unsupported("\(error)") }
            applyEpilogue(act, gen.gep(c, lo, element: t), bias: bias.map { gen.gep($0, lo, element: t) },
                          residual: residual.map { gen.gep($0, lo, element: t) }, rows: m, columns: gen.sub(hi, lo), ldc: n)
        }
        gen.ifThen(LLVMBuildNot(gen.builder, byColumns, "")!) {
            let (lo, hi) = gen.partRange(gen.int(0), m)
            do {
                try gemmCall(dtype, a: gen.gep(a, gen.mul(lo, k), element: t), b: b, c: gen.gep(c, gen.mul(lo, n), element: t),
                             m: gen.sub(hi, lo), n: n, k: k, lda: k, ldb: n, ldc: n)
            } catch { failure = error as? CodegenError ?? .unsupported("\(error)") }
            applyEpilogue(act, gen.gep(c, gen.mul(lo, n), element: t), bias: bias,
                          residual: residual.map { gen.gep($0, gen.mul(lo, n), element: t) }, rows: gen.sub(hi, lo), columns: n, ldc: n)
        }
        if let failure { throw failure }
    }

    /// The fused epilogue over a rows x columns block of C (leading dimension ldc, shared by
    /// the residual), right after the GEMM wrote it: + bias[j] + residual, then the activation.
    func applyEpilogue(_ act: ((LLVMValueRef) -> LLVMValueRef)?, _ c: LLVMValueRef, bias: LLVMValueRef?, residual: LLVMValueRef?,
                       rows: LLVMValueRef, columns: LLVMValueRef, ldc: LLVMValueRef) {
        guard act != nil || bias != nil || residual != nil else { return }
        gen.loop(gen.int(0), rows) { i in
            let row = gen.mul(i, ldc)
            gen.loop(gen.int(0), columns, vectorize: true) { j in
                let o = gen.add(row, j)
                var v = gen.load(c, o)
                if let bias { v = gen.fadd(v, gen.load(bias, j)) }
                if let residual { v = gen.fadd(v, gen.load(residual, o)) }
                if let act { v = act(v) }
                gen.store(v, c, o)
            }
        }
    }

    /// C[m, n] = A[m, k] * B[k, n], row-major with leading dimensions lda/ldb/ldc
    /// (k, n and n, contiguous, by default).
    func gemmCall(_ dtype: DType, a: LLVMValueRef, b: LLVMValueRef, c: LLVMValueRef,
                  m: LLVMValueRef, n: LLVMValueRef, k: LLVMValueRef,
                  lda: LLVMValueRef? = nil, ldb: LLVMValueRef? = nil, ldc: LLVMValueRef? = nil) throws(CodegenError) {
        let lda = lda ?? k, ldb = ldb ?? n, ldc = ldc ?? n
        if dtype == .f32 || dtype == .f64 {
            let nonEmpty = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGT, m, gen.int(0)), gen.icmp(LLVMIntSGT, n, gen.int(0)), "")!
            let t = try gen.storageType(dtype)
            gen.ifThen(nonEmpty) {
                let i32 = { (v: LLVMValueRef) in LLVMBuildTrunc(gen.builder, v, gen.i32, "")! }
                // cblas_?gemm(RowMajor, NoTrans, NoTrans, M, N, K, 1, A, lda, B, ldb, 0, C, ldc)
                _ = gen.call(dtype == .f32 ? blas.sgemm : blas.dgemm,
                             [gen.int32(101), gen.int32(111), gen.int32(111), i32(m), i32(n), i32(k),
                              gen.constant(1, t), a, i32(gen.imax(lda, gen.int(1))), b, i32(gen.imax(ldb, gen.int(1))),
                              gen.constant(0, t), c, i32(gen.imax(ldc, gen.int(1)))])
            }
            return
        }
        let t = try gen.storageType(dtype)
        gen.loop(gen.int(0), m) { i in
            gen.loop(gen.int(0), n) { j in
                let acc = gen.slot(gen.constant(0, t))
                gen.loop(gen.int(0), k) { p in
                    let prod = LLVMBuildMul(gen.builder, gen.load(a, gen.add(gen.mul(i, lda), p)), gen.load(b, gen.add(gen.mul(p, ldb), j)), "")!
                    gen.write(acc, LLVMBuildAdd(gen.builder, gen.read(acc), prod, "")!)
                }
                gen.store(gen.read(acc), c, gen.add(gen.mul(i, ldc), j))
            }
        }
    }
}

/// Convolution as GEMM: im2col into scratch memory, then one BLAS GEMM per image
/// (out[n] = W[oc, c*kh*kw] x col[c*kh*kw, oh*ow]). 1x1 stride-1 unpadded convolutions
/// multiply the input plane directly and need no scratch. Parts of the thread pool own
/// disjoint output columns (of col and of out), each calling a single-threaded OpenBLAS.
extension KernelEmitter {
    static func usesGEMM(_ op: Operation, _ f: Function) -> Bool {
        guard op.kind == .conv2d, let p = try? WindowParams(op.attributes), p.groups == 1 else { return false }
        let dt = f.type(of: op.result).dtype
        return dt == .f32 || dt == .f64
    }

    static func isPointwise(_ op: Operation, _ f: Function) -> Bool {
        guard let p = try? WindowParams(op.attributes), op.operands.count >= 2 else { return false }
        let w = f.type(of: op.operands[1]).shape
        return w.count == 4 && w[2] == .constant(1) && w[3] == .constant(1) && p.strides == [1, 1] && p.pads == [0, 0, 0, 0]
    }

    /// Scratch bytes an op's kernel needs, if any.
    static func scratchBytes(_ op: Operation, _ f: Function) -> Dim? {
        if op.kind.info.category == .quantized { return quantizedScratchBytes(op, f) }
        if op.kind == .sparseMatmul { return sparseScratchBytes(op, f) }
        if op.kind == .lstmSequence { return lstmScratchBytes(op, f) }
        if op.kind == .conv2dBackwardFilter || op.kind == .convTranspose2d { return gradientScratchBytes(op, f) }
        guard let one = im2colBytes(op, f) else { return nil }
        return one * .constant(im2colCopies(op, f))
    }

    /// One image's im2col buffer ([c*kh*kw, oh*ow]) of a GEMM convolution that needs one.
    static func im2colBytes(_ op: Operation, _ f: Function) -> Dim? {
        guard usesGEMM(op, f), !isPointwise(op, f) else { return nil }
        let w = f.type(of: op.operands[1]).shape, out = f.type(of: op.result)
        return w[1] * w[2] * w[3] * out.shape[2] * out.shape[3] * .constant(out.dtype.byteSize)
    }

    /// Copies of the im2col buffer: small ones (<= 256 KB, e.g. LeNet's) get one per part for
    /// up to 4 parts, so parts take whole images. Splitting a small plane's columns instead gives
    /// each part a sliver GEMM per image and parts writing the same cache lines (LeNet's second
    /// conv ran 3x slower on 2 threads than on 1).
    static func im2colCopies(_ op: Operation, _ f: Function) -> Int {
        guard let bytes = im2colBytes(op, f)?.constantValue, bytes <= 1 << 18 else { return 1 }
        return 4
    }

    func emitConv2dGEMM(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef], inTypes: [TensorType],
                        outType: TensorType, scratch: LLVMValueRef?) throws(CodegenError) {
        let p = try windowParams(op.attributes)
        let act = try activation(op)
        let x = ins[0], w = ins[1], t = elementType(out)
        let xs = inTypes[0].shape.map(ctx.dim), os = outType.shape.map(ctx.dim)
        guard let kh = inTypes[1].shape[2].constantValue, let kw = inTypes[1].shape[3].constantValue,
              let cin = inTypes[1].shape[1].constantValue, let cout = inTypes[1].shape[0].constantValue else {
            throw .unsupported("conv2d with a symbolic weight shape")
        }
        let (height, width, oh, ow) = (xs[2], xs[3], os[2], os[3])
        let plane = gen.mul(oh, ow), rows = gen.int(cin * kh * kw)
        let gemmActivation = try GemmActivation(op.attributes)
        // A part owns output rows [y0, y1): those columns of the im2col buffer and of the result.
        let (y0, y1) = partRange(oh)
        let (c0, c1) = (gen.mul(y0, ow), gen.mul(y1, ow))
        var failure: CodegenError?
        // Every kernel part takes the same block of output-pixel columns of each image: its
        // own columns of the im2col scratch, its own single-threaded GEMM and bias add.
        var (lo, hi) = gen.partRange(gen.int(0), plane, align: 16)
        var (firstImage, endImage) = (gen.int(0), xs[0])
        // Pointwise (no scratch), or with an im2col copy per part: with at least one image per
        // part, whole images per part (small planes, e.g. 7x7, would leave each part a sliver
        // of columns).
        var columnsBase = scratch
        let copies = Self.im2colCopies(op, function)
        if scratch == nil || copies > 1, let (part, parts) = gen.partition {
            var byImages = gen.icmp(LLVMIntSGE, xs[0], parts)
            if let scratch {
                byImages = LLVMBuildAnd(gen.builder, byImages, gen.icmp(LLVMIntSLE, parts, gen.int(copies)), "")!
                columnsBase = gen.select(byImages, gen.gep(scratch, gen.mul(part, gen.mul(rows, plane)), element: t), scratch)
            }
            let (imgLo, imgHi) = gen.partRange(gen.int(0), xs[0])
            firstImage = gen.select(byImages, imgLo, firstImage)
            endImage = gen.select(byImages, imgHi, endImage)
            lo = gen.select(byImages, gen.int(0), lo)
            hi = gen.select(byImages, plane, hi)
        }
        // The whole plane (one part, or images split across parts) gets its own copy of the
        // loops with the static bounds, which LLVM unrolls and vectorizes for small planes.
        let whole = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntEQ, lo, gen.int(0)), gen.icmp(LLVMIntEQ, hi, plane), "")!
        func imageLoop(_ lo: LLVMValueRef, _ hi: LLVMValueRef, wholePlane: Bool) {
        gen.loop(firstImage, endImage) { n in
            let input = gen.gep(x, gen.mul(n, gen.mul(gen.int(cin), gen.mul(height, width))), element: t)
            let result = gen.gep(out, gen.mul(n, gen.mul(gen.int(cout), plane)), element: t)
            var columns = input
            if let scratch = columnsBase {
                columns = scratch
                im2col(input: input, columns: scratch, channels: cin, kh: kh, kw: kw, p, height: height, width: width, oh: oh, ow: ow, t,
                       pixels: wholePlane ? nil : (lo, hi))
            }
            // mcc's GEMM (`ownGemm`: enough output-pixel columns in this call), with bias (per
            // output channel = row), the residual (skip connection) and the activation in its
            // store; OpenBLAS otherwise.
            let columnCount = gen.sub(hi, lo)
            let residual = ins.count == 4 ? gen.gep(ins[3], gen.mul(n, gen.mul(gen.int(cout), plane)), element: t) : nil
            let ownGemm = self.ownGemm(outType.dtype, .convolution, m: gen.int(cout), n: columnCount, k: rows)
            let own = ownGemm ?? LLVMConstInt(gen.i1, 0, 0)!
            if ownGemm != nil {
                gen.ifThen(own) {
                    var epilogue = GemmEpilogue(activation: gemmActivation)
                    if ins.count >= 3 { epilogue.bias = (ins[2], .perRow) }
                    if let residual { epilogue.residual = (gen.gep(residual, lo, element: t), plane) }
                    packedGemm(m: gen.int(cout), n: columnCount, k: rows,
                               a: GemmOperand(pointer: w, rowStride: rows, columnStride: gen.int(1)),
                               b: GemmOperand(pointer: gen.gep(columns, lo, element: t), rowStride: plane, columnStride: gen.int(1)),
                               c: gen.gep(result, lo, element: t), ldc: plane, epilogue: epilogue, split: false)
                }
            }
            gen.ifThen(LLVMBuildNot(gen.builder, own, "")!) {
                do {
                    try gemmCall(outType.dtype, a: w, b: gen.gep(columns, lo, element: t), c: gen.gep(result, lo, element: t),
                                 m: gen.int(cout), n: gen.sub(hi, lo), k: rows, lda: rows, ldb: plane, ldc: plane)
                } catch { failure = error as? CodegenError ?? .unsupported("\(error)") }
                // Epilogue on this part's columns, while they are in cache: bias, the residual,
                // then the activation; fuse-epilogue folded the last two in.
                if ins.count >= 3 || act != nil {
                    gen.loop(gen.int(0), gen.int(cout)) { oc in
                        let b = ins.count >= 3 ? gen.load(ins[2], oc) : nil
                        let base = gen.mul(oc, plane)
                        gen.loop(lo, hi) { i in
                            let o = gen.add(base, i)
                            var v = gen.load(result, o)
                            if let b { v = gen.fadd(v, b) }
                            if let residual { v = gen.fadd(v, gen.load(residual, o)) }
                            if let act { v = act(v) }
                            gen.store(v, result, o)
                        }
                    }
                }
            }
        }
        }
        gen.ifThen(whole) { imageLoop(gen.int(0), plane, wholePlane: true) }
        gen.ifThen(LLVMBuildAnd(gen.builder, LLVMBuildNot(gen.builder, whole, "")!, gen.icmp(LLVMIntSLT, lo, hi), "")!) {
            imageLoop(lo, hi, wholePlane: false)
        }
        if let failure { throw failure }
    }

    /// col[(c, ky, kx), (y, x)] = input[c, y * sh + ky * dh - top, x * sw + kx * dw - left], 0 outside:
    /// the image's patches as the columns of one GEMM operand ([channels * kh * kw, oh * ow]).
    /// `rows` limits it to a range of rows (one part's share of a row-split gradient kernel),
    /// `pixels` to a range of columns (one part's share of the forward's output pixels); without
    /// it the loops have the plane's own bounds, which LLVM unrolls and vectorizes for small planes.
    func im2col(input: LLVMValueRef, columns scratch: LLVMValueRef, channels cin: Int, kh: Int, kw: Int, _ p: WindowParams,
                height: LLVMValueRef, width: LLVMValueRef, oh: LLVMValueRef, ow: LLVMValueRef, _ t: LLVMTypeRef,
                rows range: (LLVMValueRef, LLVMValueRef)? = nil, pixels: (LLVMValueRef, LLVMValueRef)? = nil) {
        let plane = gen.mul(oh, ow), rows = range ?? (gen.int(0), gen.int(cin * kh * kw))
        // Output rows that hold a pixel of the range; each row's columns are clipped to it.
        let ys = pixels.map { (lo, hi) in (gen.sdiv(lo, ow), gen.sdiv(gen.add(hi, gen.sub(ow, gen.int(1))), ow)) } ?? (gen.int(0), oh)
        // One runtime loop over the rows (c, ky, kx): unrolling them would explode for
        // 512-channel layers.
        let kk = gen.int(kh * kw)
        gen.loop(rows.0, rows.1) { r in
            let c = gen.sdiv(r, kk), rem = LLVMBuildSRem(gen.builder, r, kk, "")!
            let ky = gen.sdiv(rem, gen.int(kw)), kx = LLVMBuildSRem(gen.builder, rem, gen.int(kw), "")!
            let row = gen.mul(r, plane)
            let offY = gen.sub(gen.mul(ky, gen.int(p.dilations[0])), gen.int(p.pads[0]))
            let offX = gen.sub(gen.mul(kx, gen.int(p.dilations[1])), gen.int(p.pads[1]))
            let (loX, hiX) = validRange(offset: offX, stride: p.strides[1], input: width, output: ow)
            gen.loop(ys.0, ys.1) { y in
                let base = gen.mul(y, ow)
                let xStart = pixels.map { gen.imax(gen.sub($0.0, base), gen.int(0)) } ?? gen.int(0)
                let xEnd = pixels.map { gen.imin(gen.sub($0.1, base), ow) } ?? ow
                let rowStart = gen.add(row, base)
                let iy = gen.add(gen.mul(y, gen.int(p.strides[0])), offY)
                let inside = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, iy, gen.int(0)), gen.icmp(LLVMIntSLT, iy, height), "")!
                gen.loop(xStart, xEnd) { xo in gen.store(gen.constant(0, t), scratch, gen.add(rowStart, xo)) }
                gen.ifThen(inside) {
                    let inRow = gen.add(gen.mul(c, gen.mul(height, width)), gen.mul(iy, width))
                    gen.loop(gen.imax(loX, xStart), gen.imin(hiX, xEnd)) { xo in
                        let ix = gen.add(gen.mul(xo, gen.int(p.strides[1])), offX)
                        gen.store(gen.load(input, gen.add(inRow, ix)), scratch, gen.add(rowStart, xo))
                    }
                }
            }
        }
    }
}
