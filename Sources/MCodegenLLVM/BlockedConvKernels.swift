internal import CLLVM
import MIR

/// The direct convolution of the blocked NCHWc layout (see MIR's BlockedShapes.swift; the
/// reorders are in BlockedReorderKernels.swift). It keeps a tile of `tile` output pixels x b
/// output channels in vector accumulators (7 x 16 = 7 zmm for b = 16) and, per input channel of
/// a block and kernel tap, does one vector load of the b output channels' weights and `tile`
/// FMAs with the broadcast input values: no im2col buffer, and every weight vector is reused
/// `tile` times. 7 pixels per tile because every ResNet / MobileNet plane width (112, 56, 28,
/// 14, 7) is a multiple of 7, so the scalar-pixel tail never runs there.
/// Tiles whose whole window lies inside the input run without bounds checks; in border tiles a
/// tap in the padding reads a block of zeros (a pointer chosen per tap, no per-FMA select).
/// Parts are (image, oc block, output row) triples, or (image, oc block) planes for small
/// planes of a big weight (see below).
extension KernelEmitter {
    static let blockedTile = 7

    /// conv2d_nchwc, dense (groups = 1) or depthwise, from a blocked input or (the stem) from
    /// an NCHW one: then an input "block" is one channel plane, read one float per pixel, and
    /// the weight is [ocb][c][kh][kw][16 oc], so the loop nest is the same with inner = 1.
    func emitConv2dNCHWc(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef],
                         inTypes: [TensorType], outType: TensorType) throws(CodegenError) {
        let p = try windowParams(op.attributes)
        guard let ws = inTypes[1].staticShape, let b = outType.shape[4].constantValue,
              let icb = inTypes[0].shape[1].constantValue, let ocb = outType.shape[1].constantValue else {
            throw .unsupported("conv2d_nchwc with a symbolic weight or channel count")
        }
        let depthwise = p.groups != 1
        let nchwInput = inTypes[0].rank == 4
        let inner = nchwInput ? 1 : b                        // input channels per input block
        let (kh, kw) = depthwise ? (ws[1], ws[2]) : (ws[2], ws[3])
        let xs = inTypes[0].shape.map(ctx.dim), os = outType.shape.map(ctx.dim)
        let (height, width, oh, ow) = (xs[2], xs[3], os[2], os[3])
        let vec = LLVMVectorType(gen.f32, UInt32(b))!
        let (x, w, bias) = (ins[0], ins[1], ins[2])
        let residual = ins.count == 4 ? ins[3] : nil
        let tile = KernelEmitter.blockedTile
        let (sy, sx, dy, dx, pt, pl) = (p.strides[0], p.strides[1], p.dilations[0], p.dilations[1], p.pads[0], p.pads[1])

        func vload(_ base: LLVMValueRef, _ index: LLVMValueRef) -> LLVMValueRef { blockLoad(vec, base, index) }
        func vstore(_ v: LLVMValueRef, _ base: LLVMValueRef, _ index: LLVMValueRef) { blockStore(v, base, index) }
        func splat(_ s: LLVMValueRef) -> LLVMValueRef { self.splat(s, vec) }
        func fma(_ a: LLVMValueRef, _ bv: LLVMValueRef, _ c: LLVMValueRef) -> LLVMValueRef { gen.intrinsic("llvm.fma", [a, bv, c]) }
        let zeroVec = LLVMConstNull(vec)!
        let activation = op.attributes["activation"]?.stringValue
        guard activation == nil || activation == "relu" || activation == "clip" else {
            throw .unsupported("'conv2d_nchwc' with activation '\(activation ?? "")' (expected relu or clip)")
        }
        func activate(_ v: LLVMValueRef) -> LLVMValueRef {
            if activation == "relu" { return gen.fmax(v, zeroVec) }
            guard activation == "clip" else { return v }
            var r = v
            if let lo = op.attributes["activation_min"]?.floatValue { r = gen.fmax(r, splat(gen.float(lo))) }
            if let hi = op.attributes["activation_max"]?.floatValue { r = gen.fmin(r, splat(gen.float(hi))) }
            return r
        }
        // Columns whose whole window is inside the input (valid for the first and last tap).
        let (lo0, hi0) = validRange(offset: -pl, stride: sx, input: width, output: ow)
        let (lo1, hi1) = validRange(offset: (kw - 1) * dx - pl, stride: sx, input: width, output: ow)
        let colLo = gen.imax(lo0, lo1), colHi = gen.imin(hi0, hi1)

        // b zeros that border taps read in place of the padding (a stack slot in the entry block).
        let zeros = gen.bitcast(gen.slot(zeroVec), LLVMPointerType(gen.f32, 0))
        // Small planes of a big weight (ResNet's 7x7 layers: a weight slab per output block of
        // icb x kh x kw x b x b floats = 295 KB, an output plane of 3 KB): row by row, every
        // row re-streams the slab from L2 for only `tile` FMAs per weight vector (92 GFLOP/s
        // where 56x56 layers reach 117). There, a part is a whole output plane of one block,
        // accumulated in the output itself (in L1), with the taps outermost: each tap's b x b
        // weights come from L2 once, then from L1 for every tile of the plane (113 GFLOP/s).
        // 14x14 planes (12.5 KB, plus as much input per block) measured 2% slower this way.
        let slabBytes = icb * kh * kw * inner * b * 4
        if !depthwise, slabBytes >= 128 * 1024, let h = outType.shape[2].constantValue, let wd = outType.shape[3].constantValue,
           h * wd * b * 4 <= 8 * 1024 {
            gen.parallelLoop(gen.int(0), gen.mul(xs[0], gen.int(ocb))) { nb in
                let blk = LLVMBuildSRem(gen.builder, nb, gen.int(ocb), "")!
                let n = gen.sdiv(nb, gen.int(ocb))
                let outPlane = gen.mul(nb, gen.int(h * wd))          // pixel index of (n, blk, 0, 0)
                let biasVec = vload(bias, gen.mul(blk, gen.int(b)))
                gen.loop(gen.int(0), gen.int(h * wd)) { i in vstore(biasVec, out, gen.mul(gen.add(outPlane, i), gen.int(b))) }
                gen.loop(gen.int(0), gen.int(icb)) { ib in
                    let plane = gen.mul(gen.add(gen.mul(n, gen.int(icb)), ib), height)
                    gen.loop(gen.int(0), gen.int(kh)) { ky in
                        gen.loop(gen.int(0), gen.int(kw)) { kx in
                            let tap = gen.add(gen.mul(ky, gen.int(kw)), kx)
                            let wBase = gen.mul(gen.add(gen.mul(gen.add(gen.mul(blk, gen.int(icb)), ib), gen.int(kh * kw)), tap), gen.int(inner * b))
                            let off = gen.sub(gen.mul(kx, gen.int(dx)), gen.int(pl))
                            gen.loop(gen.int(0), gen.int(h)) { oy in
                                let iy = gen.add(gen.mul(oy, gen.int(sy)), gen.sub(gen.mul(ky, gen.int(dy)), gen.int(pt)))
                                let inside = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, iy, gen.int(0)), gen.icmp(LLVMIntSLT, iy, height), "")!
                                gen.ifThen(inside) {
                                    let inRow = gen.mul(gen.add(plane, iy), width)
                                    let outRow = gen.add(outPlane, gen.mul(oy, gen.int(wd)))
                                    /// `count` pixels from x0 of this row: load, one tap's FMAs, store.
                                    func tapTile(_ x0: LLVMValueRef, count: Int, checked: Bool) {
                                        let at = (0..<count).map { gen.mul(gen.add(outRow, gen.add(x0, gen.int($0))), gen.int(b)) }
                                        var accs = at.map { vload(out, $0) }
                                        let pixels = (0..<count).map { j -> LLVMValueRef in
                                            let ix = gen.add(gen.mul(gen.add(x0, gen.int(j)), gen.int(sx)), off)
                                            guard checked else { return gen.gep(x, gen.mul(gen.add(inRow, ix), gen.int(inner))) }
                                            let valid = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, ix, gen.int(0)), gen.icmp(LLVMIntSLT, ix, width), "")!
                                            let clamped = gen.imin(gen.imax(ix, gen.int(0)), gen.sub(width, gen.int(1)))
                                            return gen.select(valid, gen.gep(x, gen.mul(gen.add(inRow, clamped), gen.int(inner))), zeros)
                                        }
                                        for ic in 0..<inner {
                                            let wv = vload(w, gen.add(wBase, gen.int(ic * b)))
                                            for j in 0..<count { accs[j] = fma(splat(gen.load(pixels[j], gen.int(ic))), wv, accs[j]) }
                                        }
                                        for j in 0..<count { vstore(accs[j], out, at[j]) }
                                    }
                                    let tiles = wd / tile
                                    gen.loop(gen.int(0), gen.int(tiles)) { t in
                                        let x0 = gen.mul(t, gen.int(tile))
                                        // This tap's columns inside the input (not the whole window's).
                                        let (lo, hi) = validRange(offset: gen.sub(gen.mul(kx, gen.int(dx)), gen.int(pl)), stride: sx, input: width, output: gen.int(wd))
                                        let interior = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, x0, lo),
                                                                    gen.icmp(LLVMIntSLE, gen.add(x0, gen.int(tile)), hi), "")!
                                        gen.ifThen(interior) { tapTile(x0, count: tile, checked: false) }
                                        gen.ifThen(LLVMBuildNot(gen.builder, interior, "")!) { tapTile(x0, count: tile, checked: true) }
                                    }
                                    gen.loop(gen.int(tiles * tile), gen.int(wd)) { x0 in tapTile(x0, count: 1, checked: true) }
                                }
                            }
                        }
                    }
                }
                gen.loop(gen.int(0), gen.int(h * wd)) { i in
                    let o = gen.mul(gen.add(outPlane, i), gen.int(b))
                    var v = vload(out, o)
                    if let residual { v = gen.fadd(v, vload(residual, o)) }
                    vstore(activate(v), out, o)
                }
            }
            return
        }
        gen.parallelLoop(gen.int(0), gen.mul(gen.mul(xs[0], gen.int(ocb)), oh)) { row in
            let oy = LLVMBuildSRem(gen.builder, row, oh, "")!
            let nb = gen.sdiv(row, oh)                       // n * ocb + oc block
            let blk = LLVMBuildSRem(gen.builder, nb, gen.int(ocb), "")!
            let n = gen.sdiv(nb, gen.int(ocb))
            let biasVec = vload(bias, gen.mul(blk, gen.int(b)))
            let outRow = gen.mul(row, ow)                    // pixel index of (n, blk, oy, 0)

            /// `count` output pixels from x0; `checked`: taps outside the input read zeros.
            func tileBody(_ x0: LLVMValueRef, count: Int, checked: Bool) {
                let accs = (0..<count).map { _ in gen.slot(biasVec) }
                let zeroBlock = checked ? zeros : nil
                let inBlocks = depthwise ? gen.int(1) : gen.int(icb)
                gen.loop(gen.int(0), inBlocks) { ib in
                    let inBlock = depthwise ? blk : ib
                    let plane = gen.mul(gen.add(gen.mul(n, gen.int(icb)), inBlock), height)   // icb = c for NCHW
                    gen.loop(gen.int(0), gen.int(kh)) { ky in
                        let iy = gen.add(gen.mul(oy, gen.int(sy)), gen.sub(gen.mul(ky, gen.int(dy)), gen.int(pt)))
                        let inside = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, iy, gen.int(0)), gen.icmp(LLVMIntSLT, iy, height), "")!
                        gen.ifThen(inside) {
                            let inRow = gen.mul(gen.add(plane, iy), width)
                            gen.loop(gen.int(0), gen.int(kw)) { kx in
                                let off = gen.sub(gen.mul(kx, gen.int(dx)), gen.int(pl))
                                // Each pixel's b input channels; a tap in the padding reads the
                                // zero block instead (chosen once per tap, not per channel).
                                var pixels: [LLVMValueRef] = []
                                for j in 0..<count {
                                    let ix = gen.add(gen.mul(gen.add(x0, gen.int(j)), gen.int(sx)), off)
                                    if let zeros = zeroBlock {
                                        let valid = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, ix, gen.int(0)), gen.icmp(LLVMIntSLT, ix, width), "")!
                                        let clamped = gen.imin(gen.imax(ix, gen.int(0)), gen.sub(width, gen.int(1)))
                                        pixels.append(gen.select(valid, gen.gep(x, gen.mul(gen.add(inRow, clamped), gen.int(inner))), zeros))
                                    } else {
                                        pixels.append(gen.gep(x, gen.mul(gen.add(inRow, ix), gen.int(inner))))
                                    }
                                }
                                let tap = gen.add(gen.mul(ky, gen.int(kw)), kx)
                                if depthwise {
                                    let wv = vload(w, gen.mul(gen.add(gen.mul(blk, gen.int(kh * kw)), tap), gen.int(b)))
                                    for (j, px) in pixels.enumerated() {
                                        gen.write(accs[j], fma(vload(px, gen.int(0)), wv, gen.read(accs[j])))
                                    }
                                } else {
                                    // w[blk][ib][ky][kx][ic][oc] (NCHW input: w[blk][c][ky][kx][oc])
                                    let wBase = gen.mul(gen.add(gen.mul(gen.add(gen.mul(blk, gen.int(icb)), ib), gen.int(kh * kw)), tap), gen.int(inner * b))
                                    for ic in 0..<inner {
                                        let wv = vload(w, gen.add(wBase, gen.int(ic * b)))
                                        for (j, px) in pixels.enumerated() {
                                            let xs = gen.load(px, gen.int(ic))
                                            gen.write(accs[j], fma(splat(xs), wv, gen.read(accs[j])))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                for j in 0..<count {
                    let o = gen.mul(gen.add(outRow, gen.add(x0, gen.int(j))), gen.int(b))
                    var v = gen.read(accs[j])
                    if let residual { v = gen.fadd(v, vload(residual, o)) }
                    vstore(activate(v), out, o)
                }
            }
            let tiles = gen.sdiv(ow, gen.int(tile))
            gen.loop(gen.int(0), tiles) { t in
                let x0 = gen.mul(t, gen.int(tile))
                let interior = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, x0, colLo),
                                            gen.icmp(LLVMIntSLE, gen.add(x0, gen.int(tile)), colHi), "")!
                gen.ifThen(interior) { tileBody(x0, count: tile, checked: false) }
                gen.ifThen(LLVMBuildNot(gen.builder, interior, "")!) { tileBody(x0, count: tile, checked: true) }
            }
            gen.loop(gen.mul(tiles, gen.int(tile)), ow) { x0 in tileBody(x0, count: 1, checked: true) }
        }
    }
}
