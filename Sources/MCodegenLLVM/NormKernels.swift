internal import CLLVM
import MIR

extension KernelEmitter {
    /// layer_norm: one row (the dims axis..<rank, e.g. BERT's 384 features) at a time, rows split
    /// across the thread pool. Three vectorized sweeps of the row while it sits in L1: the
    /// mean, the variance about it (two passes keep it exact where E[x^2] - E[x]^2 would
    /// cancel), then the normalized, scaled and shifted store.
    func emitLayerNorm(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, ins: [LLVMValueRef], type: TensorType) throws(CodegenError) {
        guard type.dtype == .f32 || type.dtype == .f64 else { throw .unsupported("'layer_norm' on \(type.dtype) (f32 and f64 only)") }
        let t = elementType(out)
        let raw = op.attributes["axis"]?.intValue ?? -1
        let axis = raw < 0 ? raw + type.rank : raw
        let rows = ctx.dim(Array(type.shape[..<axis]).product), len = ctx.dim(Array(type.shape[axis...]).product)
        let eps = gen.constant(op.attributes["epsilon"]?.floatValue ?? 1e-5, t)
        let (x, scale, bias) = (ins[0], ins[1], ins.count > 2 ? ins[2] : nil)
        let count = LLVMBuildSIToFP(gen.builder, gen.imax(len, gen.int(1)), t, "")!
        gen.parallelLoop(gen.int(0), rows) { r in
            let base = gen.mul(r, len)
            let sum = gen.slot(gen.constant(0, t))
            gen.reductionLoop(gen.int(0), len) { i in gen.write(sum, gen.fadd(gen.read(sum), gen.load(x, gen.add(base, i)))) }
            let mean = gen.fdiv(gen.read(sum), count)
            let squares = gen.slot(gen.constant(0, t))
            gen.reductionLoop(gen.int(0), len) { i in
                let d = gen.fsub(gen.load(x, gen.add(base, i)), mean)
                gen.write(squares, gen.fadd(gen.read(squares), gen.fmul(d, d)))
            }
            let variance = gen.fdiv(gen.read(squares), count)
            let inv = gen.fdiv(gen.constant(1, t), gen.intrinsic("llvm.sqrt", [gen.fadd(variance, eps)]))
            gen.loop(gen.int(0), len, vectorize: true) { i in
                let o = gen.add(base, i)
                var y = gen.fmul(gen.fmul(gen.fsub(gen.load(x, o), mean), inv), gen.load(scale, i))
                if let bias { y = gen.fadd(y, gen.load(bias, i)) }
                gen.store(y, out, o)
            }
        }
    }
}
