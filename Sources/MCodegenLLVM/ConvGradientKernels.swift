internal import CLLVM
import MIR

/// The convolution gradients as BLAS GEMMs, like the forward conv2d: the direct loop nests
/// (emitConv2dBackwardFilter, emitConvTranspose2d) read every input element once per kernel
/// tap with bounds checks and took most of a CNN train step.
///
/// - conv2d_backward_filter: dW[g][o, (c, ky, kx)] += dY[n][g][o, p] x im2col(x[n])[g][(c, ky, kx), p]^T
///   per image and group (beta 1 accumulates over the batch).
/// - conv_transpose2d (conv2d's input gradient): col = W^T x[n], then col2im adds each column
///   entry into the output pixel its tap covers.
///
/// Both use one im2col/col buffer of one image from the memory plan (a scratch slot) and
/// split across the thread pool by disjoint rows of that buffer: the filter gradient by
/// columns (c, ky, kx) of dW (or by groups), the transposed convolution by output channels.
/// Every part then runs its own GEMMs on a single-threaded OpenBLAS (the runtime keeps it at
/// one thread), so OpenBLAS's threads and the pool's never compete.
extension KernelEmitter {
    /// Float filter gradients with more than one output channel per group. Depthwise filters
    /// (one row per group) keep the direct kernel: a GEMM per single row loses to it.
    static func filterGradientUsesGEMM(_ op: Operation, _ f: Function) -> Bool {
        guard op.kind == .conv2dBackwardFilter, let p = try? WindowParams(op.attributes) else { return false }
        let w = f.type(of: op.result)
        guard w.dtype == .f32 || w.dtype == .f64, let shape = w.staticShape, shape.count == 4, p.groups >= 1 else { return false }
        return p.groups == 1 || shape[0] / p.groups > 1
    }

    /// Float ungrouped transposed convolutions with a static weight.
    static func transposeUsesGEMM(_ op: Operation, _ f: Function) -> Bool {
        guard op.kind == .convTranspose2d, let p = try? WindowParams(op.attributes), p.groups == 1,
              op.operands.count >= 2 else { return false }
        let dt = f.type(of: op.result).dtype
        return (dt == .f32 || dt == .f64) && f.type(of: op.operands[1]).staticShape?.count == 4
    }

    /// Scratch bytes of the gradient GEMM kernels: one image's im2col (filter gradient; none
    /// for 1x1 stride-1 unpadded filters, whose columns are the input plane itself) or col
    /// buffer (transposed convolution).
    static func gradientScratchBytes(_ op: Operation, _ f: Function) -> Dim? {
        let out = f.type(of: op.result)
        if filterGradientUsesGEMM(op, f), let p = try? WindowParams(op.attributes) {
            let w = out.shape, dy = f.type(of: op.operands[1])
            if w[2] == .constant(1) && w[3] == .constant(1) && p.strides == [1, 1] && p.pads == [0, 0, 0, 0] { return nil }
            return w[1] * .constant(p.groups) * w[2] * w[3] * dy.shape[2] * dy.shape[3] * .constant(out.dtype.byteSize)
        }
        if transposeUsesGEMM(op, f) {
            let w = f.type(of: op.operands[1]).shape, x = f.type(of: op.operands[0])
            return w[1] * w[2] * w[3] * x.shape[2] * x.shape[3] * .constant(out.dtype.byteSize)
        }
        return nil
    }

    /// This part's share [lo, hi) of 0..<total (everything when the kernel runs unsplit).
    func partRange(_ total: LLVMValueRef) -> (LLVMValueRef, LLVMValueRef) {
        guard let (part, parts) = gen.partition else { return (gen.int(0), total) }
        let chunk = gen.sdiv(gen.add(total, gen.sub(parts, gen.int(1))), parts)
        let lo = gen.imin(gen.mul(part, chunk), total)
        return (lo, gen.imin(gen.add(lo, chunk), total))
    }

    func emitConv2dBackwardFilterGEMM(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef],
                                      inTypes: [TensorType], outType: TensorType, scratch: LLVMValueRef?) throws(CodegenError) {
        let p = try windowParams(op.attributes)
        let x = ins[0], dy = ins[1], t = elementType(out)
        let xs = inTypes[0].shape.map(ctx.dim), ds = inTypes[1].shape.map(ctx.dim)
        guard let shape = outType.staticShape else { throw .unsupported("conv2d_backward_filter with a symbolic filter shape") }
        let (cout, cinPerGroup, kh, kw) = (shape[0], shape[1], shape[2], shape[3])
        let coutPerGroup = cout / p.groups, cin = cinPerGroup * p.groups, rowsPerGroup = cinPerGroup * kh * kw
        let plane = gen.mul(ds[2], ds[3])
        // A part owns dW columns [r0, r1) (ungrouped) or whole groups [g0, g1): its rows of the
        // im2col buffer and of dW are its own.
        let ungrouped = p.groups == 1
        let (u0, u1) = partRange(gen.int(ungrouped ? rowsPerGroup : p.groups))
        let (r0, r1) = ungrouped ? (u0, u1) : (gen.mul(u0, gen.int(rowsPerGroup)), gen.mul(u1, gen.int(rowsPerGroup)))
        let (g0, g1) = ungrouped ? (gen.int(0), gen.int(1)) : (u0, u1)
        gen.loop(gen.int(0), gen.int(cout)) { oc in
            let g = ungrouped ? gen.int(0) : gen.sdiv(oc, gen.int(coutPerGroup))
            let mine = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, g, g0), gen.icmp(LLVMIntSLT, g, g1), "")!
            gen.ifThen(mine) {
                let (lo, hi) = ungrouped ? (r0, r1) : (gen.int(0), gen.int(rowsPerGroup))
                gen.loop(lo, hi) { r in gen.store(gen.constant(0, t), out, gen.add(gen.mul(oc, gen.int(rowsPerGroup)), r)) }
            }
        }
        var failure: CodegenError?
        gen.loop(gen.int(0), xs[0]) { n in
            let input = gen.gep(x, gen.mul(n, gen.mul(gen.int(cin), gen.mul(xs[2], xs[3]))), element: t)
            let grad = gen.gep(dy, gen.mul(n, gen.mul(gen.int(cout), plane)), element: t)
            var columns = input
            if let scratch {
                columns = scratch
                im2col(input: input, columns: scratch, channels: cin, kh: kh, kw: kw, p, height: xs[2], width: xs[3], oh: ds[2], ow: ds[3], t,
                       rows: (r0, r1))
            }
            do {
                if ungrouped {
                    try gemmCall(outType.dtype, transA: false, transB: true, m: gen.int(cout), n: gen.sub(r1, r0), k: plane,
                                 a: grad, lda: plane, b: gen.gep(columns, gen.mul(r0, plane), element: t), ldb: plane,
                                 beta: 1, c: gen.gep(out, r0, element: t), ldc: gen.int(rowsPerGroup))
                    return
                }
            } catch { failure = error as? CodegenError ?? .unsupported("\(error)"); return }
            gen.loop(g0, g1) { g in
                do {
                    try gemmCall(outType.dtype, transA: false, transB: true, m: gen.int(coutPerGroup), n: gen.int(rowsPerGroup), k: plane,
                                 a: gen.gep(grad, gen.mul(g, gen.mul(gen.int(coutPerGroup), plane)), element: t), lda: plane,
                                 b: gen.gep(columns, gen.mul(g, gen.mul(gen.int(rowsPerGroup), plane)), element: t), ldb: plane,
                                 beta: 1, c: gen.gep(out, gen.mul(g, gen.int(coutPerGroup * rowsPerGroup)), element: t),
                                 ldc: gen.int(rowsPerGroup))
                } catch { failure = error as? CodegenError ?? .unsupported("\(error)") }
            }
        }
        if let failure { throw failure }
    }

    /// Transposed convolution (weight [in, out, kh, kw], groups 1): per image, col[(oc, ky, kx), (iy, ix)]
    /// = sum over ic of w[ic, (oc, ky, kx)] x[n, ic, iy, ix], then col2im.
    func emitConvTranspose2dGEMM(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef],
                                 inTypes: [TensorType], outType: TensorType, scratch: LLVMValueRef) throws(CodegenError) {
        let p = try windowParams(op.attributes)
        let x = ins[0], w = ins[1], t = elementType(out)
        let xs = inTypes[0].shape.map(ctx.dim), os = outType.shape.map(ctx.dim)
        guard let ws = inTypes[1].staticShape else { throw .unsupported("conv_transpose2d with a symbolic weight shape") }
        let (cin, cout, kh, kw) = (ws[0], ws[1], ws[2], ws[3])
        let rows = cout * kh * kw, inPlane = gen.mul(xs[2], xs[3]), outPlane = gen.mul(os[2], os[3])
        // A part owns output channels [c0, c1): their col rows and output planes.
        let (c0, c1) = partRange(gen.int(cout))
        let kk = gen.int(kh * kw)
        var failure: CodegenError?
        gen.loop(gen.int(0), xs[0]) { n in
            let input = gen.gep(x, gen.mul(n, gen.mul(gen.int(cin), inPlane)), element: t)
            let result = gen.gep(out, gen.mul(n, gen.mul(gen.int(cout), outPlane)), element: t)
            do {
                try gemmCall(outType.dtype, transA: true, transB: false, m: gen.mul(gen.sub(c1, c0), kk), n: inPlane, k: gen.int(cin),
                             a: gen.gep(w, gen.mul(c0, kk), element: t), lda: gen.int(rows), b: input, ldb: inPlane, beta: 0,
                             c: gen.gep(scratch, gen.mul(gen.mul(c0, kk), inPlane), element: t), ldc: inPlane)
            } catch { failure = error as? CodegenError ?? .unsupported("\(error)") }
            gen.loop(c0, c1) { oc in
                let initial = ins.count == 3 ? gen.load(ins[2], oc) : gen.constant(0, t)
                let base = gen.mul(oc, outPlane)
                gen.loop(gen.int(0), outPlane) { i in gen.store(initial, result, gen.add(base, i)) }
            }
            col2im(columns: scratch, output: result, channels: (c0, c1), kh: kh, kw: kw, p, height: xs[2], width: xs[3], oh: os[2], ow: os[3])
        }
        if let failure { throw failure }
    }

    /// out[c, iy * sh + ky * dh - top, ix * sw + kx * dw - left] += col[(c, ky, kx), (iy, ix)] for
    /// the channels c in `channels`, at
    /// the positions inside the output: im2col's adjoint. The valid input-column range of each
    /// row is computed up front so the inner loop has no bounds checks.
    func col2im(columns: LLVMValueRef, output: LLVMValueRef, channels: (LLVMValueRef, LLVMValueRef), kh: Int, kw: Int, _ p: WindowParams,
                height: LLVMValueRef, width: LLVMValueRef, oh: LLVMValueRef, ow: LLVMValueRef) {
        let kk = gen.int(kh * kw), inPlane = gen.mul(height, width)
        gen.loop(gen.mul(channels.0, kk), gen.mul(channels.1, kk)) { r in
            let c = gen.sdiv(r, kk), rem = LLVMBuildSRem(gen.builder, r, kk, "")!
            let ky = gen.sdiv(rem, gen.int(kw)), kx = LLVMBuildSRem(gen.builder, rem, gen.int(kw), "")!
            let offY = gen.sub(gen.mul(ky, gen.int(p.dilations[0])), gen.int(p.pads[0]))
            let offX = gen.sub(gen.mul(kx, gen.int(p.dilations[1])), gen.int(p.pads[1]))
            let (loX, hiX) = validRange(offset: offX, stride: p.strides[1], input: ow, output: width)
            gen.loop(gen.int(0), height) { iy in
                let oy = gen.add(gen.mul(iy, gen.int(p.strides[0])), offY)
                let inside = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, oy, gen.int(0)), gen.icmp(LLVMIntSLT, oy, oh), "")!
                gen.ifThen(inside) {
                    let colRow = gen.add(gen.mul(r, inPlane), gen.mul(iy, width))
                    let outRow = gen.add(gen.mul(c, gen.mul(oh, ow)), gen.mul(oy, ow))
                    gen.loop(loX, hiX) { ix in
                        let o = gen.add(outRow, gen.add(gen.mul(ix, gen.int(p.strides[1])), offX))
                        gen.store(gen.fadd(gen.load(output, o), gen.load(columns, gen.add(colRow, ix))), output, o)
                    }
                }
            }
        }
    }
}
