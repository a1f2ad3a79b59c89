internal import CLLVM
import MIR

/// sparse_matmul over the column-compressed weight (see MIR's SparseShapes.swift). Two paths,
/// chosen at run time from the batch (rows of x):
///  - fewer than 2 tiles of 16 rows: every output y[b, j] is one dot product of column j's
///    nonzeros with the gathered x[b, rows[t]]; parts take disjoint output columns, so batch 1
///    uses every thread;
///  - otherwise, per tile of 16 batch rows: x's tile is transposed into scratch (xT[r] = the 16
///    rows' x[., r], zero past the batch), and each column is 1 vector load + 1 FMA per nonzero
///    into 16 accumulators, one per row, instead of a gather per row; parts take disjoint
///    tiles and their own scratch. Measured: the dot-product form loses to BLAS at batch 32
///    above ~5% density, this one only above ~20% (docs/quantization.md).
extension KernelEmitter {
    static let sparseTile = 16

    /// Scratch bytes: one transposed 16-row tile of x per tile of the batch (rows + 16 rounds up).
    static func sparseScratchBytes(_ op: Operation, _ f: Function) -> Dim? {
        let x = f.type(of: op.operands[0])
        guard let k = x.shape.last?.constantValue else { return nil }
        return (Array(x.shape.dropLast()).product + .constant(sparseTile)) * .constant(k * 4)
    }

    func emitSparseMatmul(_ ctx: KernelContext, out: LLVMValueRef, ins: [LLVMValueRef], inTypes: [TensorType],
                          outType: TensorType, scratch: LLVMValueRef?) throws(CodegenError) {
        let xType = inTypes[0]
        guard let k = xType.shape[xType.rank - 1].constantValue, let n = outType.shape[outType.rank - 1].constantValue else {
            throw .unsupported("'sparse_matmul' needs static k and n")
        }
        guard let scratch else { throw .unsupported("'sparse_matmul' without scratch memory") }
        let (x, values, rows, colPtr) = (ins[0], ins[1], ins[2], ins[3])
        let batch = ctx.dim(Array(xType.shape.dropLast()).product)
        let tile = KernelEmitter.sparseTile
        let tiles = gen.sdiv(gen.add(batch, gen.int(tile - 1)), gen.int(tile))
        func index(_ v: LLVMValueRef) -> LLVMValueRef { LLVMBuildSExt(gen.builder, v, gen.i64, "")! }
        let few = gen.icmp(LLVMIntSLT, tiles, gen.int(2))

        gen.ifThen(few) {
            let (colLo, colHi) = gen.partRange(gen.int(0), gen.int(n))
            gen.loop(gen.int(0), batch) { b in
                let xRow = gen.gep(x, gen.mul(b, gen.int(k)))
                let yRow = gen.mul(b, gen.int(n))
                gen.loop(colLo, colHi) { j in
                    let lo = index(gen.load(colPtr, j)), hi = index(gen.load(colPtr, gen.add(j, gen.int(1))))
                    // The column's sum may be reordered into lanes (a gather + FMA per 8 nonzeros).
                    // 8 lanes, not interleaved: a pruned column holds tens of nonzeros, fewer than
                    // the 64 per iteration the cost model picks, which would leave it all scalar.
                    let acc = gen.floatSlot(gen.float(0))
                    gen.loop(lo, hi, vectorize: true, width: 8) { t in
                        gen.write(acc, gen.fadd(gen.read(acc), gen.fmul(gen.load(xRow, index(gen.load(rows, t))), gen.load(values, t))))
                    }
                    gen.store(gen.read(acc), out, gen.add(yRow, j))
                }
            }
        }

        gen.ifThen(gen.icmp(LLVMIntEQ, few, LLVMConstInt(LLVMInt1TypeInContext(gen.context), 0, 0))) {
            let vf = LLVMVectorType(gen.f32, UInt32(tile))!
            let xT = gen.bitcast(scratch, LLVMPointerType(gen.f32, 0))
            let (tileLo, tileHi) = gen.partRange(gen.int(0), tiles)
            gen.loop(tileLo, tileHi) { tileIndex in
                let b0 = gen.mul(tileIndex, gen.int(tile))
                let valid = gen.imin(gen.int(tile), gen.sub(batch, b0))
                let base = gen.gep(xT, gen.mul(b0, gen.int(k)))
                gen.loop(gen.int(0), valid) { i in
                    let src = gen.gep(x, gen.mul(gen.add(b0, i), gen.int(k)))
                    gen.loop(gen.int(0), gen.int(k)) { r in gen.store(gen.load(src, r), base, gen.add(gen.mul(r, gen.int(tile)), i)) }
                }
                gen.loop(valid, gen.int(tile)) { i in
                    gen.loop(gen.int(0), gen.int(k)) { r in gen.store(gen.float(0), base, gen.add(gen.mul(r, gen.int(tile)), i)) }
                }
                let vectors = gen.bitcast(base, LLVMPointerType(vf, 0))
                gen.loop(gen.int(0), gen.int(n)) { j in
                    let lo = index(gen.load(colPtr, j)), hi = index(gen.load(colPtr, gen.add(j, gen.int(1))))
                    let acc = gen.slot(LLVMConstNull(vf)!)
                    gen.loop(lo, hi) { t in
                        let xv = LLVMBuildLoad2(gen.builder, vf, gen.gep(vectors, index(gen.load(rows, t)), element: vf), "")!
                        LLVMSetAlignment(xv, 4)
                        gen.write(acc, gen.intrinsic("llvm.fmuladd", [splat(gen.load(values, t), vf), xv, gen.read(acc)]))
                    }
                    let sums = gen.read(acc)
                    for lane in 0..<tile {
                        gen.ifThen(gen.icmp(LLVMIntSLT, gen.int(lane), valid)) {
                            gen.store(LLVMBuildExtractElement(gen.builder, sums, gen.int32(lane), "")!, out,
                                      gen.add(gen.mul(gen.add(b0, gen.int(lane)), gen.int(n)), j))
                        }
                    }
                }
            }
        }
    }
}
