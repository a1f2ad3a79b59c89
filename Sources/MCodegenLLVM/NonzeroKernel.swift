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

/// NonMaxSuppression: the runtime's selection (mcc_nms.c) writes the triples; the count (a
/// count_nms value symbol from the same code and data) sized the result, and caps the writes.
extension KernelEmitter {
    func emitNonMaxSuppression(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, ins: [LLVMValueRef],
                               inTypes: [TensorType], outType: TensorType) {
        let i32 = LLVMInt32TypeInContext(gen.context)!
        let nms = gen.declareExternal("mcc_rt_nms", returns: gen.i64,
                                      params: [gen.i8Ptr, gen.i8Ptr, gen.i64, gen.i64, gen.i64, gen.i64, gen.f32, gen.f32, i32, i32, gen.i8Ptr, gen.i64])
        let boxes = inTypes[0].shape.map(ctx.dim), classes = ctx.dim(inTypes[1].shape[1])
        let center = LLVMConstInt(i32, UInt64(op.attributes["center_point_box"]?.intValue ?? 0 != 0 ? 1 : 0), 0)!
        let hasScore = LLVMConstInt(i32, UInt64(op.attributes["has_score"]?.intValue ?? 0 != 0 ? 1 : 0), 0)!
        _ = gen.call(nms, [gen.bitcast(ins[0], gen.i8Ptr), gen.bitcast(ins[1], gen.i8Ptr), boxes[0], classes, boxes[1],
                           gen.load(ins[2], gen.int(0)), gen.load(ins[3], gen.int(0)), gen.load(ins[4], gen.int(0)),
                           hasScore, center, gen.bitcast(out, gen.i8Ptr), ctx.dim(outType.shape[0])])
    }
}

/// Unique's index outputs through the runtime's selection (mcc_unique.c), capped at the result.
extension KernelEmitter {
    func emitUnique(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, x: LLVMValueRef, xType: TensorType, outType: TensorType) {
        let i32 = LLVMInt32TypeInContext(gen.context)!
        let fn = gen.declareExternal("mcc_rt_unique", returns: gen.i64,
                                     params: [gen.i8Ptr, i32, i32, gen.i64, gen.i64, gen.i64, i32, gen.i8Ptr, gen.i8Ptr, gen.i8Ptr, gen.i64])
        let dims = xType.shape.map(ctx.dim)
        let axis = op.attributes["axis"]?.intValue
        var outer = gen.int(1), len = gen.int(1), inner = gen.int(1)
        for (k, d) in dims.enumerated() {
            if axis == nil || k == axis { len = gen.mul(len, d) } else if k < axis! { outer = gen.mul(outer, d) } else { inner = gen.mul(inner, d) }
        }
        let dt = xType.dtype
        let code = dt.isFloat ? 2 : (dt == .bool || dt.rawValue.hasPrefix("u")) ? 1 : 0   // DLPack: kDLInt 0, kDLUInt 1, kDLFloat 2
        let c32 = { (v: Int) in LLVMConstInt(i32, UInt64(v), 0)! }
        let output = op.attributes["output"]?.stringValue ?? "indices"
        let ptr = gen.bitcast(out, gen.i8Ptr), null = LLVMConstNull(gen.i8Ptr)!
        _ = gen.call(fn, [gen.bitcast(x, gen.i8Ptr), c32(code), c32(dt.byteSize * 8), outer, len, inner,
                          c32(op.attributes["sorted"]?.intValue ?? 1 != 0 ? 1 : 0),
                          output == "indices" ? ptr : null, output == "inverse" ? ptr : null, output == "counts" ? ptr : null,
                          ctx.dim(outType.shape[0])])
    }
}
