internal import CLLVM
import MIR

/// Convolution, pooling, softmax and transpose kernels.
extension KernelEmitter {
    /// Direct NCHW convolution. For each (n, oc, ic, kh, kw) the valid output-column range
    /// is computed up front, so the innermost loop has no bounds checks and vectorizes for
    /// unit stride. TODO(#5): blocked layouts and GEMM-based convolution.
    func emitConv2d(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef],
                    inTypes: [TensorType], outType: TensorType) throws(CodegenError) {
        let p: WindowParams
        do { p = try WindowParams(op.attributes) } catch { throw .unsupported(error.message) }
        let x = ins[0], w = ins[1]
        let xs = inTypes[0].shape.map(ctx.dim), ws = inTypes[1].shape, os = outType.shape.map(ctx.dim)
        guard let kh = ws[2].constantValue, let kw = ws[3].constantValue, let cinPerGroup = ws[1].constantValue,
              let cout = ws[0].constantValue else { throw .unsupported("conv2d with a symbolic weight shape") }
        let coutPerGroup = cout / p.groups
        let (batch, cin, height, width) = (xs[0], xs[1], xs[2], xs[3])
        let (oh, ow) = (os[2], os[3])
        let hasBias = ins.count == 3
        gen.loop(gen.int(0), batch) { n in
            gen.loop(gen.int(0), gen.int(cout)) { oc in
                let outPlane = gen.mul(gen.add(gen.mul(n, gen.int(cout)), oc), gen.mul(oh, ow))
                let initial = hasBias ? gen.load(ins[2], oc) : gen.float(0)
                gen.loop(gen.int(0), gen.mul(oh, ow)) { i in gen.store(initial, out, gen.add(outPlane, i)) }
                let group = gen.sdiv(oc, gen.int(coutPerGroup))
                gen.loop(gen.int(0), gen.int(cinPerGroup)) { icg in
                    let ic = gen.add(gen.mul(group, gen.int(cinPerGroup)), icg)
                    let inPlane = gen.mul(gen.add(gen.mul(n, cin), ic), gen.mul(height, width))
                    for ky in 0..<kh {
                        for kx in 0..<kw {
                            let wIndex = gen.add(gen.mul(gen.add(gen.mul(oc, gen.int(cinPerGroup)), icg), gen.int(kh * kw)), gen.int(ky * kw + kx))
                            let weight = gen.load(w, wIndex)
                            let offY = ky * p.dilations[0] - p.pads[0], offX = kx * p.dilations[1] - p.pads[1]
                            let (loX, hiX) = validRange(offset: offX, stride: p.strides[1], input: width, output: ow)
                            gen.loop(gen.int(0), oh) { y in
                                let iy = gen.add(gen.mul(y, gen.int(p.strides[0])), gen.int(offY))
                                let inside = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, iy, gen.int(0)), gen.icmp(LLVMIntSLT, iy, height), "")!
                                gen.ifThen(inside) {
                                    let outRow = gen.add(outPlane, gen.mul(y, ow))
                                    let inRow = gen.add(inPlane, gen.mul(iy, width))
                                    gen.loop(loX, hiX) { xo in
                                        let ix = gen.add(gen.mul(xo, gen.int(p.strides[1])), gen.int(offX))
                                        let o = gen.add(outRow, xo)
                                        gen.store(gen.fadd(gen.load(out, o), gen.fmul(weight, gen.load(x, gen.add(inRow, ix)))), out, o)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Output positions o in [lo, hi) with 0 <= o * stride + offset < input.
    func validRange(offset: Int, stride: Int, input: LLVMValueRef, output: LLVMValueRef) -> (LLVMValueRef, LLVMValueRef) {
        let lo = offset >= 0 ? gen.int(0) : gen.int((-offset + stride - 1) / stride)
        // hi = floor((input - 1 - offset) / stride) + 1, clamped to [lo, output].
        let t = gen.sub(gen.sub(input, gen.int(1)), gen.int(offset))
        let hiRaw = gen.select(gen.icmp(LLVMIntSLT, t, gen.int(0)), gen.int(0), gen.add(gen.sdiv(t, gen.int(stride)), gen.int(1)))
        return (gen.imin(lo, output), gen.imax(gen.imin(hiRaw, output), gen.imin(lo, output)))
    }

    /// Max or average pooling; padding never wins a max and is excluded from averages.
    func emitPool(_ ctx: KernelContext, isMax: Bool, attrs: Attributes, out: LLVMValueRef, x: LLVMValueRef,
                  xType: TensorType, outType: TensorType) throws(CodegenError) {
        let p: WindowParams
        do { p = try WindowParams(attrs) } catch { throw .unsupported(error.message) }
        let xs = xType.shape.map(ctx.dim), os = outType.shape.map(ctx.dim)
        let planes = gen.mul(xs[0], xs[1])
        gen.loop(gen.int(0), planes) { plane in
            let inPlane = gen.mul(plane, gen.mul(xs[2], xs[3]))
            let outPlane = gen.mul(plane, gen.mul(os[2], os[3]))
            gen.loop(gen.int(0), os[2]) { y in
                gen.loop(gen.int(0), os[3]) { xo in
                    let acc = gen.floatSlot(isMax ? gen.float(-Double.infinity) : gen.float(0))
                    let count = gen.floatSlot(gen.float(0))
                    for ky in 0..<p.kernel[0] {
                        for kx in 0..<p.kernel[1] {
                            let iy = gen.add(gen.mul(y, gen.int(p.strides[0])), gen.int(ky * p.dilations[0] - p.pads[0]))
                            let ix = gen.add(gen.mul(xo, gen.int(p.strides[1])), gen.int(kx * p.dilations[1] - p.pads[1]))
                            let inY = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, iy, gen.int(0)), gen.icmp(LLVMIntSLT, iy, xs[2]), "")!
                            let inX = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, ix, gen.int(0)), gen.icmp(LLVMIntSLT, ix, xs[3]), "")!
                            gen.ifThen(LLVMBuildAnd(gen.builder, inY, inX, "")!) {
                                let v = gen.load(x, gen.add(inPlane, gen.add(gen.mul(iy, xs[3]), ix)))
                                gen.write(acc, isMax ? gen.fmax(gen.read(acc), v) : gen.fadd(gen.read(acc), v))
                                gen.write(count, gen.fadd(gen.read(count), gen.float(1)))
                            }
                        }
                    }
                    let result = isMax ? gen.read(acc) : gen.fdiv(gen.read(acc), gen.fmax(gen.read(count), gen.float(1)))
                    gen.store(result, out, gen.add(outPlane, gen.add(gen.mul(y, os[3]), xo)))
                }
            }
        }
    }

    /// Softmax along `axis`, viewing the tensor as [outer, axis, inner]: max, exp-sum, scale.
    func emitSoftmax(_ ctx: KernelContext, axis: Int, out: LLVMValueRef, x: LLVMValueRef, type: TensorType) {
        let outer = ctx.dim(Array(type.shape[..<axis]).product)
        let len = ctx.dim(type.shape[axis])
        let inner = ctx.dim(Array(type.shape[(axis + 1)...]).product)
        gen.loop(gen.int(0), outer) { o in
            gen.loop(gen.int(0), inner) { j in
                let base = gen.add(gen.mul(gen.mul(o, len), inner), j)
                let at = { (i: LLVMValueRef) in gen.add(base, gen.mul(i, inner)) }
                let maxSlot = gen.floatSlot(gen.float(-Double.infinity))
                gen.loop(gen.int(0), len) { i in gen.write(maxSlot, gen.fmax(gen.read(maxSlot), gen.load(x, at(i)))) }
                let m = gen.read(maxSlot)
                let sumSlot = gen.floatSlot(gen.float(0))
                gen.loop(gen.int(0), len) { i in
                    let e = gen.exp(gen.fsub(gen.load(x, at(i)), m))
                    gen.store(e, out, at(i))
                    gen.write(sumSlot, gen.fadd(gen.read(sumSlot), e))
                }
                let scale = gen.fdiv(gen.float(1), gen.read(sumSlot))
                gen.loop(gen.int(0), len) { i in gen.store(gen.fmul(gen.load(out, at(i)), scale), out, at(i)) }
            }
        }
    }

    /// Copies `x` into `out` with permuted axes.
    func emitTranspose(_ ctx: KernelContext, perm: [Int], out: LLVMValueRef, x: LLVMValueRef, xType: TensorType, outType: TensorType) {
        let rank = xType.rank
        let xDims = xType.shape.map(ctx.dim), oDims = outType.shape.map(ctx.dim)
        var xStrides = [LLVMValueRef](repeating: gen.int(1), count: rank)
        var running = gen.int(1)
        for i in stride(from: rank - 1, through: 0, by: -1) { xStrides[i] = running; running = gen.mul(running, xDims[i]) }
        func nest(_ d: Int, _ offOut: LLVMValueRef, _ offX: LLVMValueRef) {
            if d == rank { gen.store(gen.load(x, offX), out, offOut); return }
            gen.loop(gen.int(0), oDims[d]) { i in
                nest(d + 1, gen.add(gen.mul(offOut, oDims[d]), i), gen.add(offX, gen.mul(i, xStrides[perm[d]])))
            }
        }
        if rank == 0 { gen.store(gen.load(x, gen.int(0)), out, gen.int(0)) } else { nest(0, gen.int(0), gen.int(0)) }
    }
}
