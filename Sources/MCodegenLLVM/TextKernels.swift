internal import CLLVM
import MIR

extension KernelEmitter {
    /// tfidf_vectorizer, as ONNX Runtime counts: for each skip distance d = 1...max_skip_count+1
    /// and each n-gram length n (unigrams only at d = 1, as skips do not change them), every run
    /// x[i], x[i+d], ..., x[i+(n-1)d] of the row that equals a pool n-gram adds 1 to its column.
    /// The pool lives in constant arrays, one per length, scanned linearly per position
    /// (O(tokens x pool) per row; a hashed pool would be the next step for large vocabularies).
    func emitTfIdf(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, x: LLVMValueRef, xType: TensorType) throws(CodegenError) {
        let p: TfIdfParams
        do { p = try TfIdfParams(op.attributes) } catch { throw .unsupported(error.message) }
        let rows = xType.rank == 2 ? ctx.dim(xType.shape[0]) : gen.int(1)
        let tokens = ctx.dim(xType.shape[xType.rank - 1])
        let columns = gen.int(p.columns)
        func table(_ values: [Int]) -> LLVMValueRef {
            let array = gen.constArray(gen.i64, values.map { gen.int($0) })
            return LLVMConstBitCast(gen.privateGlobal(array), gen.i64Ptr)!
        }
        let groups = p.groups.filter { $0.n >= p.minGram && $0.n <= p.maxGram && !$0.columns.isEmpty }
            .map { (n: $0.n, grams: table($0.grams), columns: table($0.columns), count: $0.columns.count) }
        let one = gen.float(1), zero = gen.float(0)
        gen.nest([rows], parallel: true) { idx in
            let row = idx[0]
            let outRow = gen.mul(row, columns), xRow = gen.mul(row, tokens)
            gen.loop(gen.int(0), columns, vectorize: true) { j in gen.store(zero, out, gen.add(outRow, j)) }
            gen.loop(gen.int(1), gen.int(p.maxSkip + 2)) { d in
                for g in groups {
                    func body() {
                        // Start positions whose last token is still in the row.
                        let end = gen.sub(tokens, gen.mul(gen.int(g.n - 1), d))
                        gen.loop(gen.int(0), end) { i in
                            var tokensAt: [LLVMValueRef] = []
                            for k in 0..<g.n {
                                var t = gen.load(x, gen.add(xRow, gen.add(i, gen.mul(gen.int(k), d))))
                                if LLVMGetIntTypeWidth(LLVMTypeOf(t)) < 64 { t = LLVMBuildSExt(gen.builder, t, gen.i64, "")! }
                                tokensAt.append(t)
                            }
                            gen.loop(gen.int(0), gen.int(g.count)) { e in
                                var match = LLVMConstInt(gen.i1, 1, 0)!
                                for k in 0..<g.n {
                                    let want = gen.load(g.grams, gen.add(gen.mul(e, gen.int(g.n)), gen.int(k)))
                                    match = LLVMBuildAnd(gen.builder, match, gen.icmp(LLVMIntEQ, tokensAt[k], want), "")!
                                }
                                gen.ifThen(match) {
                                    let at = gen.add(outRow, gen.load(g.columns, e))
                                    gen.store(gen.fadd(gen.load(out, at), one), out, at)
                                }
                            }
                        }
                    }
                    if g.n == 1 { gen.ifThen(gen.icmp(LLVMIntEQ, d, gen.int(1)), body) } else { body() }
                }
            }
            guard p.mode != "TF" else { return }   // TF is the count itself
            let w = p.weights.map { _ in
                LLVMConstBitCast(gen.privateGlobal(gen.constArray(gen.f32, p.columnWeights.map { gen.float($0) })), gen.f32Ptr)!
            }
            gen.loop(gen.int(0), columns) { j in
                let at = gen.add(outRow, j)
                let count = gen.load(out, at)
                let weight = w.map { gen.load($0, j) } ?? one
                switch p.mode {
                case "IDF": gen.store(gen.select(gen.fcmp(LLVMRealOGT, count, zero), weight, zero), out, at)
                case "TFIDF": gen.store(gen.fmul(count, weight), out, at)
                default: gen.store(count, out, at)
                }
            }
        }
    }
}
