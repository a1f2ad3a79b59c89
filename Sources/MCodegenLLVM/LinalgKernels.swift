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
    /// Batched matmul with numpy broadcasting of the batch dims. f32/f64 call BLAS GEMM per
    /// batch (TODO(#5): mcc's own packed GEMM); integer types use a plain triple loop.
    func emitMatmul(_ ctx: KernelContext, out: LLVMValueRef, outType: TensorType, a: LLVMValueRef, aType: TensorType,
                    b: LLVMValueRef, bType: TensorType) throws(CodegenError) {
        let m = ctx.dim(aType.shape[aType.rank - 2]), k = ctx.dim(aType.shape[aType.rank - 1])
        let n = ctx.dim(bType.shape[bType.rank - 1])
        let batchRank = outType.rank - 2
        let batchType = TensorType(outType.dtype, Array(outType.shape.prefix(batchRank)))
        // Rank-2 B shared by every batch row: fold the batch into M (one big GEMM).
        if bType.rank == 2 && aType.rank >= 2 {
            let rows = ctx.dim(Array(aType.shape.dropLast()).product)
            try gemmCall(outType.dtype, a: a, b: b, c: out, m: rows, n: n, k: k)
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
                try gemmCall(outType.dtype, a: gen.gep(a, gen.mul(aOff, aSize), element: LLVMGetElementType(LLVMTypeOf(a))),
                             b: gen.gep(b, gen.mul(bOff, bSize), element: LLVMGetElementType(LLVMTypeOf(b))),
                             c: gen.gep(out, cOff, element: LLVMGetElementType(LLVMTypeOf(out))), m: m, n: n, k: k)
            } catch { failure = error as? CodegenError ?? .unsupported("\(error)") }
        }
        if let failure { throw failure }
    }

    /// C[m, n] = A[m, k] * B[k, n], all row-major and contiguous.
    func gemmCall(_ dtype: DType, a: LLVMValueRef, b: LLVMValueRef, c: LLVMValueRef,
                  m: LLVMValueRef, n: LLVMValueRef, k: LLVMValueRef) throws(CodegenError) {
        if dtype == .f32 || dtype == .f64 {
            let nonEmpty = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGT, m, gen.int(0)), gen.icmp(LLVMIntSGT, n, gen.int(0)), "")!
            let t = try gen.storageType(dtype)
            gen.ifThen(nonEmpty) {
                let i32 = { (v: LLVMValueRef) in LLVMBuildTrunc(gen.builder, v, gen.i32, "")! }
                // cblas_?gemm(RowMajor, NoTrans, NoTrans, M, N, K, 1, A, K, B, N, 0, C, N)
                _ = gen.call(dtype == .f32 ? blas.sgemm : blas.dgemm,
                             [gen.int32(101), gen.int32(111), gen.int32(111), i32(m), i32(n), i32(k),
                              gen.constant(1, t), a, i32(gen.imax(k, gen.int(1))), b, i32(gen.imax(n, gen.int(1))),
                              gen.constant(0, t), c, i32(gen.imax(n, gen.int(1)))])
            }
            return
        }
        let t = try gen.storageType(dtype)
        gen.loop(gen.int(0), m) { i in
            gen.loop(gen.int(0), n) { j in
                let acc = gen.slot(gen.constant(0, t))
                gen.loop(gen.int(0), k) { p in
                    let prod = LLVMBuildMul(gen.builder, gen.load(a, gen.add(gen.mul(i, k), p)), gen.load(b, gen.add(gen.mul(p, n), j)), "")!
                    gen.write(acc, LLVMBuildAdd(gen.builder, gen.read(acc), prod, "")!)
                }
                gen.store(gen.read(acc), c, gen.add(gen.mul(i, n), j))
            }
        }
    }
}
