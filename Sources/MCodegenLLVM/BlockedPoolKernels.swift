internal import CLLVM
import MIR

/// Pooling on the blocked NCHWc layout (max_pool2d_nchwc, avg_pool2d_nchwc), and the vector
/// helpers the blocked kernels share. A block's b channels of one pixel are contiguous, so
/// every window tap is one b-lane vector load and one max or add: the whole pooling is
/// vectorized over channels with no gathers, and a conv chain stays blocked through it.
extension KernelEmitter {
    /// Loads or stores b floats at base[index] (alignment 4: blocked tensors are only float-aligned).
    func blockLoad(_ vec: LLVMTypeRef, _ base: LLVMValueRef, _ index: LLVMValueRef) -> LLVMValueRef {
        let v = LLVMBuildLoad2(gen.builder, vec, gen.bitcast(gen.gep(base, index), LLVMPointerType(vec, 0)), "")!
        LLVMSetAlignment(v, 4)
        return v
    }
    func blockStore(_ v: LLVMValueRef, _ base: LLVMValueRef, _ index: LLVMValueRef) {
        let s = LLVMBuildStore(gen.builder, v, gen.bitcast(gen.gep(base, index), LLVMPointerType(LLVMTypeOf(v), 0)))!
        LLVMSetAlignment(s, 4)
    }

    /// Max or average pooling of each channel, like emitPool (same window taps, padding never
    /// wins a max, averages divide by the in-bounds or, count_include_pad, in-padding taps).
    /// Parts are (image, channel block, output row) triples.
    func emitPoolNCHWc(_ ctx: KernelContext, isMax: Bool, attrs: Attributes, out: LLVMValueRef, x: LLVMValueRef,
                       xType: TensorType, outType: TensorType) throws(CodegenError) {
        let p = try windowParams(attrs)
        guard let b = outType.shape[4].constantValue, p.kernel.count == 2 else {
            throw .unsupported("'\(isMax ? "max" : "avg")_pool2d_nchwc' needs a static block and a 2-d kernel")
        }
        let includePad = (attrs["count_include_pad"]?.intValue ?? 0) != 0
        let vec = LLVMVectorType(gen.f32, UInt32(b))!
        let xs = xType.shape.map(ctx.dim), os = outType.shape.map(ctx.dim)
        let (height, width, oh, ow) = (xs[2], xs[3], os[2], os[3])
        let one = gen.float(1)
        gen.parallelLoop(gen.int(0), gen.mul(gen.mul(xs[0], xs[1]), oh)) { row in
            let oy = LLVMBuildSRem(gen.builder, row, oh, "")!
            let inPlane = gen.mul(gen.sdiv(row, oh), gen.mul(gen.mul(height, width), gen.int(b)))
            gen.loop(gen.int(0), ow) { ox in
                let acc = gen.slot(isMax ? splat(gen.float(-.infinity), vec) : LLVMConstNull(vec))
                let count = gen.slot(gen.float(0)), padCount = gen.slot(gen.float(0))
                windowTaps(p, y: oy, x: ox, height: height, width: width, inside: { iy, ix in
                    let v = blockLoad(vec, x, gen.add(inPlane, gen.mul(gen.add(gen.mul(iy, width), ix), gen.int(b))))
                    gen.write(acc, isMax ? gen.fmax(gen.read(acc), v) : gen.fadd(gen.read(acc), v))
                    if !isMax { gen.write(count, gen.fadd(gen.read(count), one)) }
                }, padded: isMax || !includePad ? nil : { gen.write(padCount, gen.fadd(gen.read(padCount), one)) })
                var result = gen.read(acc)
                if !isMax { result = gen.fdiv(result, splat(gen.fmax(gen.read(includePad ? padCount : count), one), vec)) }
                blockStore(result, out, gen.mul(gen.add(gen.mul(row, ow), ox), gen.int(b)))
            }
        }
    }
}
