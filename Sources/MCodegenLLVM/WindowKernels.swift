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
        let act = try activation(op)
        if cinPerGroup == 1 && coutPerGroup == 1 && p.groups == cout {
            emitDepthwiseConv2d(ctx, p: p, kh: kh, kw: kw, channels: cout, out: out, ins: ins, xs: xs, os: os, act: act)
            return
        }
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
                if let act {
                    gen.loop(gen.int(0), gen.mul(oh, ow)) { i in
                        let o = gen.add(outPlane, i)
                        gen.store(act(gen.load(out, o)), out, o)
                    }
                }
            }
        }
    }

    /// Depthwise convolution (groups == channels, one filter per channel): each output row is
    /// computed once, its kh x kw taps summed in registers. Rows whose window lies inside the
    /// input and the columns whose window does too run without bounds checks (the vectorized
    /// loop); the border rows and columns select zero for taps in the padding. The taps are
    /// summed in the same (ky, kx) order, starting from the bias, as the generic kernel.
    func emitDepthwiseConv2d(_ ctx: KernelContext, p: WindowParams, kh: Int, kw: Int, channels: Int, out: LLVMValueRef,
                             ins: [LLVMValueRef], xs: [LLVMValueRef], os: [LLVMValueRef],
                             act: ((LLVMValueRef) -> LLVMValueRef)?) {
        let x = ins[0], w = ins[1], t = elementType(out)
        let (height, width, oh, ow) = (xs[2], xs[3], os[2], os[3])
        let (sy, sx, dy, dx) = (p.strides[0], p.strides[1], p.dilations[0], p.dilations[1])
        let (pt, pl) = (p.pads[0], p.pads[1])
        // Columns whose whole window is inside the input: valid for the first and last tap.
        let (lo0, hi0) = validRange(offset: -pl, stride: sx, input: width, output: ow)
        let (lo1, hi1) = validRange(offset: (kw - 1) * dx - pl, stride: sx, input: width, output: ow)
        let colLo = gen.imax(lo0, lo1), colHi = gen.imax(gen.imin(hi0, hi1), gen.imax(lo0, lo1))
        // Stride-2 rows up to 2 * half wide are split into even/odd columns in a stack buffer.
        var evenOdd: (buffer: LLVMValueRef, half: Int)?
        if sx == 2 && dx == 1 {
            let half = 1024
            let current = LLVMGetInsertBlock(gen.builder)!
            let entry = LLVMGetEntryBasicBlock(LLVMGetBasicBlockParent(current))!
            if let first = LLVMGetFirstInstruction(entry) { LLVMPositionBuilderBefore(gen.builder, first) }
            else { LLVMPositionBuilderAtEnd(gen.builder, entry) }
            let array = LLVMBuildAlloca(gen.builder, LLVMArrayType(t, UInt32(2 * kh * half)), "evenodd")!
            LLVMSetAlignment(array, 64)
            LLVMPositionBuilderAtEnd(gen.builder, current)
            evenOdd = (gen.bitcast(array, LLVMPointerType(t, 0)), half)
        }
        gen.parallelLoop(gen.int(0), gen.mul(xs[0], gen.int(channels))) { nc in
            let c = LLVMBuildSRem(gen.builder, nc, gen.int(channels), "")!
            let inPlane = gen.mul(nc, gen.mul(height, width)), outPlane = gen.mul(nc, gen.mul(oh, ow))
            let weights = (0..<(kh * kw)).map { gen.load(w, gen.add(gen.mul(c, gen.int(kh * kw)), gen.int($0))) }
            let bias = ins.count == 3 ? gen.load(ins[2], c) : gen.constant(0, t)
            gen.loop(gen.int(0), oh) { y in
                let iy0 = gen.sub(gen.mul(y, gen.int(sy)), gen.int(pt))
                let rows = (0..<kh).map { gen.add(iy0, gen.int($0 * dy)) }
                let rowValid = rows.map { LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, $0, gen.int(0)), gen.icmp(LLVMIntSLT, $0, height), "")! }
                let outRow = gen.add(outPlane, gen.mul(y, ow))
                func column(_ xo: LLVMValueRef, checkRows: Bool, checkColumns: Bool) {
                    var acc = bias
                    let ix0 = gen.sub(gen.mul(xo, gen.int(sx)), gen.int(pl))
                    for ky in 0..<kh {
                        for kx in 0..<kw {
                            let ix = gen.add(ix0, gen.int(kx * dx))
                            var iy = rows[ky]
                            var valid: LLVMValueRef?
                            if checkRows { valid = rowValid[ky]; iy = gen.imin(gen.imax(iy, gen.int(0)), gen.sub(height, gen.int(1))) }
                            var col = ix
                            if checkColumns {
                                let ok = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, ix, gen.int(0)), gen.icmp(LLVMIntSLT, ix, width), "")!
                                valid = valid.map { LLVMBuildAnd(gen.builder, $0, ok, "")! } ?? ok
                                col = gen.imin(gen.imax(ix, gen.int(0)), gen.sub(width, gen.int(1)))
                            }
                            var v = gen.load(x, gen.add(inPlane, gen.add(gen.mul(iy, width), col)))
                            if let valid { v = gen.select(valid, v, gen.constant(0, t)) }
                            acc = gen.fadd(acc, gen.fmul(weights[ky * kw + kx], v))
                        }
                    }
                    gen.store(act.map { $0(acc) } ?? acc, out, gen.add(outRow, xo))
                }
                let interior = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, rows[0], gen.int(0)),
                                            gen.icmp(LLVMIntSLT, rows[kh - 1], height), "")!
                if let split = evenOdd {
                    // Stride 2: the kh input rows, split into even and odd columns, make every
                    // tap a unit-stride load (x[2j + d] = even[j + d/2] or odd[j + (d-1)/2]).
                    let fits = LLVMBuildAnd(gen.builder, interior, gen.icmp(LLVMIntSLE, width, gen.int(2 * split.half)), "")!
                    gen.ifThen(fits) {
                        let half = gen.sdiv(width, gen.int(2))
                        for ky in 0..<kh {
                            let src = gen.add(inPlane, gen.mul(rows[ky], width))
                            let even = gen.gep(split.buffer, gen.int(2 * ky * split.half), element: t)
                            let odd = gen.gep(split.buffer, gen.int((2 * ky + 1) * split.half), element: t)
                            gen.loop(gen.int(0), half) { j in
                                let at = gen.add(src, gen.mul(j, gen.int(2)))
                                gen.store(gen.load(x, at), even, j)
                                gen.store(gen.load(x, gen.add(at, gen.int(1))), odd, j)
                            }
                            gen.ifThen(gen.icmp(LLVMIntSGT, width, gen.mul(half, gen.int(2)))) {
                                gen.store(gen.load(x, gen.add(src, gen.sub(width, gen.int(1)))), even, half)
                            }
                        }
                        gen.loop(gen.int(0), colLo) { column($0, checkRows: false, checkColumns: true) }
                        gen.loop(colLo, colHi) { xo in
                            var acc = bias
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let d = kx - pl   // ix = 2 * xo + d
                                    let isOdd = ((d % 2) + 2) % 2 == 1
                                    let shift = isOdd ? (d - 1) / 2 : d / 2
                                    let base = gen.gep(split.buffer, gen.int((2 * ky + (isOdd ? 1 : 0)) * split.half), element: t)
                                    let v = gen.load(base, gen.add(xo, gen.int(shift)))
                                    acc = gen.fadd(acc, gen.fmul(weights[ky * kw + kx], v))
                                }
                            }
                            gen.store(act.map { $0(acc) } ?? acc, out, gen.add(outRow, xo))
                        }
                        gen.loop(colHi, ow) { column($0, checkRows: false, checkColumns: true) }
                    }
                    gen.ifThen(LLVMBuildAnd(gen.builder, interior, LLVMBuildNot(gen.builder, fits, "")!, "")!) {
                        gen.loop(gen.int(0), colLo) { column($0, checkRows: false, checkColumns: true) }
                        gen.loop(colLo, colHi) { column($0, checkRows: false, checkColumns: false) }
                        gen.loop(colHi, ow) { column($0, checkRows: false, checkColumns: true) }
                    }
                } else {
                gen.ifThen(interior) {
                    gen.loop(gen.int(0), colLo) { column($0, checkRows: false, checkColumns: true) }
                    gen.loop(colLo, colHi) { column($0, checkRows: false, checkColumns: false) }
                    gen.loop(colHi, ow) { column($0, checkRows: false, checkColumns: true) }
                }
                }
                gen.ifThen(LLVMBuildNot(gen.builder, interior, "")!) {
                    gen.loop(gen.int(0), ow) { column($0, checkRows: true, checkColumns: true) }
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

    /// The taps of output pixel (y, x)'s pooling window, at run time (kernels can be large: 60x80
    /// in the wild, so no unrolling): `inside(iy, ix)` for each tap inside the height x width
    /// input, `padded()` for each inside the padded input (count_include_pad's divisor).
    func windowTaps(_ p: WindowParams, y: LLVMValueRef, x: LLVMValueRef, height: LLVMValueRef, width: LLVMValueRef,
                    inside: (_ iy: LLVMValueRef, _ ix: LLVMValueRef) -> Void, padded: (() -> Void)? = nil) {
        func within(_ v: LLVMValueRef, _ lo: LLVMValueRef, _ hi: LLVMValueRef) -> LLVMValueRef {
            LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, v, lo), gen.icmp(LLVMIntSLT, v, hi), "")!
        }
        gen.loop(gen.int(0), gen.int(p.kernel[0])) { ky in
            gen.loop(gen.int(0), gen.int(p.kernel[1])) { kx in
                let iy = gen.add(gen.mul(y, gen.int(p.strides[0])), gen.sub(gen.mul(ky, gen.int(p.dilations[0])), gen.int(p.pads[0])))
                let ix = gen.add(gen.mul(x, gen.int(p.strides[1])), gen.sub(gen.mul(kx, gen.int(p.dilations[1])), gen.int(p.pads[1])))
                gen.ifThen(LLVMBuildAnd(gen.builder, within(iy, gen.int(0), height), within(ix, gen.int(0), width), "")!) { inside(iy, ix) }
                if let padded {
                    let padY = within(iy, gen.int(-p.pads[0]), gen.add(height, gen.int(p.pads[2])))
                    let padX = within(ix, gen.int(-p.pads[1]), gen.add(width, gen.int(p.pads[3])))
                    gen.ifThen(LLVMBuildAnd(gen.builder, padY, padX, "")!, padded)
                }
            }
        }
    }

    /// Max or average pooling. Padding never wins a max; averages divide by the number of
    /// in-bounds elements, or (count_include_pad) of positions inside the padded input.
    func emitPool(_ ctx: KernelContext, isMax: Bool, attrs: Attributes, out: LLVMValueRef, x: LLVMValueRef,
                  xType: TensorType, outType: TensorType) throws(CodegenError) {
        let p = try windowParams(attrs)
        let includePad = (attrs["count_include_pad"]?.intValue ?? 0) != 0
        let t = elementType(out)
        let dtype = xType.dtype
        // Integer max pooling compares as integers; averaging integers has no ONNX meaning here.
        guard dtype.isFloat || isMax else { throw .unsupported("average pooling of \(dtype) tensors") }
        func maximum(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef {
            dtype.isFloat ? gen.fmax(a, b) : gen.select(gen.icmp(dtype.isSigned ? LLVMIntSGT : LLVMIntUGT, b, a), b, a)
        }
        let lowest = dtype.isFloat ? -Double.infinity : dtype.integerRange.lowerBound
        let xs = xType.shape.map(ctx.dim), os = outType.shape.map(ctx.dim)
        if isMax, emitMaxPool2x2(p, t: t, out: out, x: x, xType: xType, outType: outType, xs: xs) { return }
        gen.parallelLoop(gen.int(0), gen.mul(xs[0], xs[1])) { plane in
            let inPlane = gen.mul(plane, gen.mul(xs[2], xs[3]))
            let outPlane = gen.mul(plane, gen.mul(os[2], os[3]))
            gen.loop(gen.int(0), os[2]) { y in
                gen.loop(gen.int(0), os[3]) { xo in
                    let acc = gen.slot(isMax ? gen.constant(lowest, t) : gen.constant(0, t))
                    let count = gen.slot(gen.constant(0, t))
                    let padCount = gen.slot(gen.constant(0, t))
                    windowTaps(p, y: y, x: xo, height: xs[2], width: xs[3], inside: { iy, ix in
                        let v = gen.load(x, gen.add(inPlane, gen.add(gen.mul(iy, xs[3]), ix)))
                        gen.write(acc, isMax ? maximum(gen.read(acc), v) : gen.fadd(gen.read(acc), v))
                        if !isMax { gen.write(count, gen.fadd(gen.read(count), gen.constant(1, t))) }
                    }, padded: isMax ? nil : { gen.write(padCount, gen.fadd(gen.read(padCount), gen.constant(1, t))) })
                    let result = isMax ? gen.read(acc)
                        : gen.fdiv(gen.read(acc), gen.fmax(gen.read(includePad ? padCount : count), gen.constant(1, t)))
                    gen.store(result, out, gen.add(outPlane, gen.add(gen.mul(y, os[3]), xo)))
                }
            }
        }
    }

    /// ONNX MaxPool's Indices: the flat index into x of each window's first maximum (scan order
    /// ky, kx), row-major (h * W + w) or, with storage_order 1, column-major (w * H + h) within
    /// the plane, plus the plane's offset (n * C + c) * H * W.
    func emitMaxPoolIndices(_ ctx: KernelContext, attrs: Attributes, out: LLVMValueRef, x: LLVMValueRef,
                            xType: TensorType, outType: TensorType) throws(CodegenError) {
        let p = try windowParams(attrs)
        let columnMajor = (attrs["storage_order"]?.intValue ?? 0) != 0
        let dtype = xType.dtype
        let xs = xType.shape.map(ctx.dim), os = outType.shape.map(ctx.dim)
        func greater(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef {
            dtype.isFloat ? gen.fcmp(LLVMRealOGT, a, b) : gen.icmp(dtype.isSigned ? LLVMIntSGT : LLVMIntUGT, a, b)
        }
        gen.parallelLoop(gen.int(0), gen.mul(xs[0], xs[1])) { plane in
            let inPlane = gen.mul(plane, gen.mul(xs[2], xs[3]))
            let outPlane = gen.mul(plane, gen.mul(os[2], os[3]))
            gen.loop(gen.int(0), os[2]) { y in
                gen.loop(gen.int(0), os[3]) { xo in
                    let best = gen.slot(gen.int(-1))
                    let bestValue = gen.slot(gen.load(x, inPlane))
                    windowTaps(p, y: y, x: xo, height: xs[2], width: xs[3], inside: { iy, ix in
                        let v = gen.load(x, gen.add(inPlane, gen.add(gen.mul(iy, xs[3]), ix)))
                        let first = gen.icmp(LLVMIntSLT, gen.read(best), gen.int(0))
                        let take = LLVMBuildOr(gen.builder, first, greater(v, gen.read(bestValue)), "")!
                        let at = columnMajor ? gen.add(gen.mul(ix, xs[2]), iy) : gen.add(gen.mul(iy, xs[3]), ix)
                        gen.write(best, gen.select(take, at, gen.read(best)))
                        gen.write(bestValue, gen.select(take, v, gen.read(bestValue)))
                    })
                    // A window entirely in the padding (possible with ceil_mode) has no maximum: -1.
                    let index = gen.read(best)
                    let flat = gen.select(gen.icmp(LLVMIntSLT, index, gen.int(0)), index, gen.add(inPlane, index))
                    gen.store(flat, out, gen.add(outPlane, gen.add(gen.mul(y, os[3]), xo)))
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
