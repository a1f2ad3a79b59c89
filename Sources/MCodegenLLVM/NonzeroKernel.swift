internal import CLLVM
import MIR

/// NonZero: the coordinates of x's nonzero elements, row-major, as i64 [rank, count]. The
/// count (a value symbol computed before the forward from the same data) sizes the output;
/// the scan stops writing at it, so a mismatch can never write out of bounds.
extension KernelEmitter {
    func emitNonzero(_ ctx: KernelContext, out: LLVMValueRef, x: LLVMValueRef, xType: TensorType, outType: TensorType) {
        let xDims = xType.shape.map(ctx.dim), count = ctx.dim(outType.shape[1])
        let et = elementType(x)
        let next = gen.slot(gen.int(0))
        gen.nest(xDims) { idx in
            let v = gen.load(x, gen.linear(idx, xDims))
            let nonzero = gen.isFloatType(et) ? gen.fcmp(LLVMRealUNE, v, gen.constant(0, et))
                                              : gen.icmp(LLVMIntNE, v, LLVMConstNull(et)!)
            let k = gen.read(next)
            gen.ifThen(LLVMBuildAnd(gen.builder, nonzero, gen.icmp(LLVMIntSLT, k, count), "")!) {
                for (d, i) in idx.enumerated() { gen.store(i, out, gen.add(gen.mul(gen.int(d), count), k)) }
                gen.write(next, gen.add(k, gen.int(1)))
            }
        }
    }
}
