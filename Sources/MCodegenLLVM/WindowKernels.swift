internal import CLLVM
import MIR

/// Convolution and pooling kernels (NCHW).
extension KernelEmitter {
    func elementType(_ p: LLVMValueRef) -> LLVMTypeRef { LLVMGetElementType(LLVMTypeOf(p))! }

    func windowParams(_ attrs: Attributes) throws(CodegenError) -> WindowParams {
        do { return try WindowParams(attrs) } catch { throw .unsupported(error.message) }
    }

    /// Direct convolution. For each (n, oc, ic, kh, kw) the valid output-column range is
    /// computed up front, so the innermost loop has no bounds checks and vectorizes for
    /// unit stride. TODO(#5): blocked layouts and GEMM-based convolution.
    func emitConv2d(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef],
                    inTypes: [TensorType], outType: TensorType) throws(CodegenError) {
        let p = try windowParams(op.attributes)
        let x = ins[0], w = ins[1], t = elementType(out)
        let xs = inTypes[0].shape.map(ctx.dim), ws = inTypes[1].shape, os = outType.shape.map(ctx.dim)
        guard let kh = ws[2].constantValue, let kw = ws[3].constantValue, let cinPerGroup = ws[1].constantValue,
              let cout = ws[0].constantValue else { throw .unsupported("conv2d with a symbolic weight shape") }
        let coutPerGroup = max(1, cout / p.groups)
        let (batch, cin, height, width) = (xs[0], xs[1], xs[2], xs[3])
        let (oh, ow) = (os[2], os[3])
        gen.loop(gen.int(0), batch) { n in
            gen.parallelLoop(gen.int(0), gen.int(cout)) { oc in
                let outPlane = gen.mul(gen.add(gen.mul(n, gen.int(cout)), oc), gen.mul(oh, ow))
                let initial = ins.count == 3 ? gen.load(ins[2], oc) : gen.constant(0, t)
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

    /// Transposed convolution as a scatter: every input pixel adds weight * value to the
    /// output pixels its kernel window covers. Weight layout [in, out/groups, kh, kw]. Images
    /// split across the thread pool (each writes only its own output image). Ungrouped float
    /// ones take the GEMM path (emitConvTranspose2dGEMM).
    func emitConvTranspose2d(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef],
                             inTypes: [TensorType], outType: TensorType) throws(CodegenError) {
        let p = try windowParams(op.attributes)
        let x = ins[0], w = ins[1], t = elementType(out)
        let xs = inTypes[0].shape.map(ctx.dim), ws = inTypes[1].shape, os = outType.shape.map(ctx.dim)
        guard let kh = ws[2].constantValue, let kw = ws[3].constantValue, let cin = ws[0].constantValue,
              let coutPerGroup = ws[1].constantValue else { throw .unsupported("conv_transpose2d with a symbolic weight shape") }
        let cout = coutPerGroup * p.groups, cinPerGroup = max(1, cin / p.groups)
        gen.parallelLoop(gen.int(0), xs[0]) { n in
            gen.loop(gen.int(0), gen.int(cout)) { oc in
                let plane = gen.mul(gen.add(gen.mul(n, gen.int(cout)), oc), gen.mul(os[2], os[3]))
                let initial = ins.count == 3 ? gen.load(ins[2], oc) : gen.constant(0, t)
                gen.loop(gen.int(0), gen.mul(os[2], os[3])) { i in gen.store(initial, out, gen.add(plane, i)) }
            }
            gen.loop(gen.int(0), gen.int(cin)) { ic in
                let group = gen.sdiv(ic, gen.int(cinPerGroup))
                gen.loop(gen.int(0), xs[2]) { iy in
                    gen.loop(gen.int(0), xs[3]) { ix in
                        let v = gen.load(x, gen.add(gen.mul(gen.add(gen.mul(n, gen.int(cin)), ic), gen.mul(xs[2], xs[3])), gen.add(gen.mul(iy, xs[3]), ix)))
                        gen.loop(gen.int(0), gen.int(coutPerGroup)) { ocg in
                            let oc = gen.add(gen.mul(group, gen.int(coutPerGroup)), ocg)
                            let plane = gen.mul(gen.add(gen.mul(n, gen.int(cout)), oc), gen.mul(os[2], os[3]))
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let oy = gen.add(gen.mul(iy, gen.int(p.strides[0])), gen.int(ky * p.dilations[0] - p.pads[0]))
                                    let ox = gen.add(gen.mul(ix, gen.int(p.strides[1])), gen.int(kx * p.dilations[1] - p.pads[1]))
                                    let inY = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, oy, gen.int(0)), gen.icmp(LLVMIntSLT, oy, os[2]), "")!
                                    let inX = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, ox, gen.int(0)), gen.icmp(LLVMIntSLT, ox, os[3]), "")!
                                    gen.ifThen(LLVMBuildAnd(gen.builder, inY, inX, "")!) {
                                        let wi = gen.add(gen.mul(gen.add(gen.mul(ic, gen.int(coutPerGroup)), ocg), gen.int(kh * kw)), gen.int(ky * kw + kx))
                                        let o = gen.add(plane, gen.add(gen.mul(oy, os[3]), ox))
                                        gen.store(gen.fadd(gen.load(out, o), gen.fmul(v, gen.load(w, wi))), out, o)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `validRange` for an offset known only at run time.
    func validRange(offset: LLVMValueRef, stride: Int, input: LLVMValueRef, output: LLVMValueRef) -> (LLVMValueRef, LLVMValueRef) {
        let s = gen.int(stride)
        let lo = gen.select(gen.icmp(LLVMIntSGE, offset, gen.int(0)), gen.int(0),
                            gen.sdiv(gen.add(gen.sub(gen.int(0), offset), gen.sub(s, gen.int(1))), s))
        let t = gen.sub(gen.sub(input, gen.int(1)), offset)
        let hiRaw = gen.select(gen.icmp(LLVMIntSLT, t, gen.int(0)), gen.int(0), gen.add(gen.sdiv(t, s), gen.int(1)))
        return (gen.imin(lo, output), gen.imax(gen.imin(hiRaw, output), gen.imin(lo, output)))
    }

    /// Output positions o in [lo, hi) with 0 <= o * stride + offset < input.
    func validRange(offset: Int, stride: Int, input: LLVMValueRef, output: LLVMValueRef) -> (LLVMValueRef, LLVMValueRef) {
        validRange(offset: gen.int(offset), stride: stride, input: input, output: output)   // LLVM folds the constant
    }

    /// Max or average pooling. Padding never wins a max; averages divide by the number of
    /// in-bounds elements, or (count_include_pad) of positions inside the padded input.
    func emitPool(_ ctx: KernelContext, isMax: Bool, attrs: Attributes, out: LLVMValueRef, x: LLVMValueRef,
                  xType: TensorType, outType: TensorType) throws(CodegenError) {
        let p = try windowParams(attrs)
        let includePad = (attrs["count_include_pad"]?.intValue ?? 0) != 0
        let t = elementType(out)
        let xs = xType.shape.map(ctx.dim), os = outType.shape.map(ctx.dim)
        if isMax, emitMaxPool2x2(p, t: t, out: out, x: x, xType: xType, outType: outType, xs: xs) { return }
        gen.parallelLoop(gen.int(0), gen.mul(xs[0], xs[1])) { plane in
            let inPlane = gen.mul(plane, gen.mul(xs[2], xs[3]))
            let outPlane = gen.mul(plane, gen.mul(os[2], os[3]))
            gen.loop(gen.int(0), os[2]) { y in
                gen.loop(gen.int(0), os[3]) { xo in
                    let acc = gen.slot(isMax ? gen.constant(-Double.infinity, t) : gen.constant(0, t))
                    let count = gen.slot(gen.constant(0, t))
                    let padCount = gen.slot(gen.constant(0, t))
                    // Runtime window loops: kernels can be large (60x80 in the wild), so no unrolling here.
                    gen.loop(gen.int(0), gen.int(p.kernel[0])) { ky in
                        gen.loop(gen.int(0), gen.int(p.kernel[1])) { kx in
                            let iy = gen.add(gen.mul(y, gen.int(p.strides[0])), gen.sub(gen.mul(ky, gen.int(p.dilations[0])), gen.int(p.pads[0])))
                            let ix = gen.add(gen.mul(xo, gen.int(p.strides[1])), gen.sub(gen.mul(kx, gen.int(p.dilations[1])), gen.int(p.pads[1])))
                            let inY = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, iy, gen.int(0)), gen.icmp(LLVMIntSLT, iy, xs[2]), "")!
                            let inX = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, ix, gen.int(0)), gen.icmp(LLVMIntSLT, ix, xs[3]), "")!
                            gen.ifThen(LLVMBuildAnd(gen.builder, inY, inX, "")!) {
                                let v = gen.load(x, gen.add(inPlane, gen.add(gen.mul(iy, xs[3]), ix)))
                                gen.write(acc, isMax ? gen.fmax(gen.read(acc), v) : gen.fadd(gen.read(acc), v))
                                gen.write(count, gen.fadd(gen.read(count), gen.constant(1, t)))
                            }
                            let padY = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, iy, gen.int(-p.pads[0])),
                                                    gen.icmp(LLVMIntSLT, iy, gen.add(xs[2], gen.int(p.pads[2]))), "")!
                            let padX = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, ix, gen.int(-p.pads[1])),
                                                    gen.icmp(LLVMIntSLT, ix, gen.add(xs[3], gen.int(p.pads[3]))), "")!
                            gen.ifThen(LLVMBuildAnd(gen.builder, padY, padX, "")!) {
                                gen.write(padCount, gen.fadd(gen.read(padCount), gen.constant(1, t)))
                            }
                        }
                    }
                    let divisor = gen.fmax(gen.read(includePad ? padCount : count), gen.constant(1, t))
                    let result = isMax ? gen.read(acc) : gen.fdiv(gen.read(acc), divisor)
                    gen.store(result, out, gen.add(outPlane, gen.add(gen.mul(y, os[3]), xo)))
                }
            }
        }
    }

    /// 2x2 max pooling with stride 2 and no padding on static, fully covered rows: per output
    /// row, the two input rows are loaded as whole vectors, maxed, and adjacent pairs maxed by
    /// even/odd shuffles. The generic loop above is vectorized by LLVM across planes with
    /// gathers and scatters, which cost ~4-8 ns per output on this CPU (45 us of the digits
    /// CNN's call); this form has contiguous loads and stores only. Returns false (nothing
    /// emitted) when the layer does not fit.
    func emitMaxPool2x2(_ p: WindowParams, t: LLVMTypeRef, out: LLVMValueRef, x: LLVMValueRef, xType: TensorType,
                        outType: TensorType, xs: [LLVMValueRef]) -> Bool {
        guard p.kernel == [2, 2], p.strides == [2, 2], p.pads.allSatisfy({ $0 == 0 }), p.dilations == [1, 1],
              LLVMGetTypeKind(t) == LLVMFloatTypeKind || LLVMGetTypeKind(t) == LLVMDoubleTypeKind,
              xType.rank == 4, outType.rank == 4,
              let h = xType.shape[2].constantValue, let w = xType.shape[3].constantValue,
              let oh = outType.shape[2].constantValue, let ow = outType.shape[3].constantValue,
              oh >= 1, ow >= 1, 2 * oh <= h, 2 * ow <= w, 2 * ow <= 256 else { return false }
        let wide = LLVMVectorType(t, UInt32(2 * ow))!, half = LLVMVectorType(t, UInt32(ow))!
        func shuffle(_ v: LLVMValueRef, _ lanes: [Int]) -> LLVMValueRef {
            var mask: [LLVMValueRef?] = lanes.map { gen.int32($0) }
            let m = mask.withUnsafeMutableBufferPointer { LLVMConstVector($0.baseAddress, UInt32(lanes.count))! }
            return LLVMBuildShuffleVector(gen.builder, v, LLVMGetUndef(LLVMTypeOf(v)), m, "")!
        }
        func vload(_ index: LLVMValueRef) -> LLVMValueRef {
            let ptr = gen.bitcast(gen.gep(x, index, element: t), LLVMPointerType(wide, 0))
            let l = LLVMBuildLoad2(gen.builder, wide, ptr, "")!
            LLVMSetAlignment(l, UInt32(LLVMGetTypeKind(t) == LLVMFloatTypeKind ? 4 : 8))
            return l
        }
        gen.parallelLoop(gen.int(0), gen.mul(xs[0], xs[1])) { plane in
            let inPlane = gen.mul(plane, gen.int(h * w)), outPlane = gen.mul(plane, gen.int(oh * ow))
            gen.loop(gen.int(0), gen.int(oh)) { y in
                let row = gen.add(inPlane, gen.mul(y, gen.int(2 * w)))
                let top = vload(row)
                let bottom = vload(gen.add(row, gen.int(w)))
                let v = gen.fmax(top, bottom)
                let m = gen.fmax(shuffle(v, (0..<ow).map { 2 * $0 }), shuffle(v, (0..<ow).map { 2 * $0 + 1 }))
                let ptr = gen.bitcast(gen.gep(out, gen.add(outPlane, gen.mul(y, gen.int(ow))), element: t), LLVMPointerType(half, 0))
                LLVMSetAlignment(LLVMBuildStore(gen.builder, m, ptr), UInt32(LLVMGetTypeKind(t) == LLVMFloatTypeKind ? 4 : 8))
            }
        }
        return true
    }
}
