internal import CLLVM
import MIR

/// sparse_matmul over the column-compressed weight (see MIR's SparseShapes.swift): every output
/// y[b, j] is one dot product of column j's nonzeros with the gathered x[b, rows[t]]. The parts
/// of a parallel call take disjoint ranges of output columns, so batch 1 uses every thread too
/// and no two threads write the same output.
extension KernelEmitter {
    func emitSparseMatmul(_ ctx: KernelContext, out: LLVMValueRef, ins: [LLVMValueRef], inTypes: [TensorType],
                          outType: TensorType) throws(CodegenError) {
        let xType = inTypes[0]
        guard let k = xType.shape[xType.rank - 1].constantValue, let n = outType.shape[outType.rank - 1].constantValue else {
            throw .unsupported("'sparse_matmul' needs static k and n")
        }
        let (x, values, rows, colPtr) = (ins[0], ins[1], ins[2], ins[3])
        let batch = ctx.dim(Array(xType.shape.dropLast()).product)
        let (colLo, colHi) = gen.partRange(gen.int(0), gen.int(n))
        func index(_ v: LLVMValueRef) -> LLVMValueRef { LLVMBuildSExt(gen.builder, v, gen.i64, "")! }
        gen.loop(gen.int(0), batch) { b in
            let xRow = gen.gep(x, gen.mul(b, gen.int(k)))
            let yRow = gen.mul(b, gen.int(n))
            gen.loop(colLo, colHi) { j in
                let lo = index(gen.load(colPtr, j)), hi = index(gen.load(colPtr, gen.add(j, gen.int(1))))
                // The column's sum may be reordered into lanes (a gather + FMA per 16 nonzeros).
                let acc = gen.floatSlot(gen.float(0))
                gen.reductionLoop(lo, hi) { t in
                    gen.write(acc, gen.fadd(gen.read(acc), gen.fmul(gen.load(xRow, index(gen.load(rows, t))), gen.load(values, t))))
                }
                gen.store(gen.read(acc), out, gen.add(yRow, j))
            }
        }
    }
}
