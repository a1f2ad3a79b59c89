internal import CLLVM
import MIR

/// grid_sample and roi_align: per output element, a few reads of the image at positions
/// computed from data (the grid, the boxes). Coordinates are computed in double; every index
/// is clamped into the image before it is loaded, so NaN or huge coordinates cannot read
/// outside the buffers (their results follow the padding rule or are 0).
extension KernelEmitter {
    private var f64: LLVMTypeRef { LLVMDoubleTypeInContext(gen.context)! }
    private func c(_ v: Double) -> LLVMValueRef { gen.constant(v, f64) }
    private func toF64(_ v: LLVMValueRef) -> LLVMValueRef {
        gen.isFloatType(LLVMTypeOf(v)) ? LLVMBuildFPCast(gen.builder, v, f64, "")! : LLVMBuildSIToFP(gen.builder, v, f64, "")!
    }
    /// A double known to be finite and in [lo, hi] (NaN becomes lo) as an i64.
    private func index(_ v: LLVMValueRef, lo: LLVMValueRef, hi: LLVMValueRef) -> LLVMValueRef {
        let ordered = gen.fcmp(LLVMRealORD, v, v)
        let clamped = gen.select(ordered, gen.fmin(gen.fmax(v, toF64(lo)), toF64(hi)), toF64(lo))
        return LLVMBuildFPToSI(gen.builder, clamped, gen.i64, "")!
    }
    private func and(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildAnd(gen.builder, a, b, "")! }

    /// Folds v into [lo, hi] by reflecting at the borders (ONNX GridSample's reflection padding).
    private func reflect(_ v: LLVMValueRef, lo: LLVMValueRef, hi: LLVMValueRef) -> LLVMValueRef {
        let range = gen.fsub(hi, lo)
        let below = gen.fcmp(LLVMRealOLT, v, lo), above = gen.fcmp(LLVMRealOGT, v, hi)
        let dx = gen.select(below, gen.fsub(lo, v), gen.fsub(v, hi))
        let n = gen.intrinsic("llvm.trunc", [gen.fdiv(dx, range)])
        let r = gen.fsub(dx, gen.fmul(n, range))
        let even = gen.fcmp(LLVMRealOEQ, LLVMBuildFRem(gen.builder, n, c(2), "")!, c(0))
        let fromBelow = gen.select(even, gen.fadd(lo, r), gen.fsub(hi, r))
        let fromAbove = gen.select(even, gen.fsub(hi, r), gen.fadd(lo, r))
        let folded = gen.select(below, fromBelow, gen.select(above, fromAbove, v))
        return gen.select(gen.fcmp(LLVMRealOGT, range, c(0)), folded, lo)
    }

    private func cubicCoefficients(_ t: LLVMValueRef) -> [LLVMValueRef] {
        let a = -0.75
        func outer(_ x: LLVMValueRef) -> LLVMValueRef {   // |x| in [1, 2]
            gen.fsub(gen.fmul(gen.fadd(gen.fmul(gen.fsub(gen.fmul(c(a), x), c(5 * a)), x), c(8 * a)), x), c(4 * a))
        }
        func inner(_ x: LLVMValueRef) -> LLVMValueRef {   // |x| in [0, 1]
            gen.fadd(gen.fmul(gen.fmul(gen.fsub(gen.fmul(c(a + 2), x), c(a + 3)), x), x), c(1))
        }
        return [outer(gen.fadd(t, c(1))), inner(t), inner(gen.fsub(c(1), t)), outer(gen.fsub(c(2), t))]
    }

    /// out[n, c, oy, ox] samples x[n, c] at grid[n, oy, ox] = (x, y) in [-1, 1] (ONNX GridSample, 2-D).
    func emitGridSample(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, ins: [LLVMValueRef], inTypes: [TensorType],
                        outType: TensorType) throws(CodegenError) {
        let mode = op.attributes["mode"]?.stringValue ?? "bilinear"
        let padding = op.attributes["padding_mode"]?.stringValue ?? "zeros"
        let align = (op.attributes["align_corners"]?.intValue ?? 0) != 0
        let x = ins[0], grid = ins[1]
        let xDims = inTypes[0].shape.map(ctx.dim), oDims = outType.shape.map(ctx.dim)
        let (h, w) = (xDims[2], xDims[3])
        let et = elementType(out)
        // Per axis: the border the coordinate is folded into, and the image size.
        let sizes = [h, w].map { (size: $0, f: toF64($0)) }
        let borders = sizes.map { s in align ? (c(0), gen.fsub(s.f, c(1))) : (c(-0.5), gen.fsub(s.f, c(0.5))) }
        gen.nest(oDims, parallel: true) { idx in
            let g = gen.mul(gen.add(gen.mul(gen.add(gen.mul(idx[0], oDims[2]), idx[2]), oDims[3]), idx[3]), gen.int(2))
            let plane = gen.mul(gen.add(gen.mul(idx[0], xDims[1]), idx[1]), gen.mul(h, w))
            // Grid order is (x, y); work in (y, x) to match the image's (H, W).
            var coords: [LLVMValueRef] = []
            for (axis, offset) in [(0, 1), (1, 0)] {
                let raw = toF64(gen.load(grid, gen.add(g, gen.int(offset))))
                let s = sizes[axis].f
                var v = align ? gen.fmul(gen.fdiv(gen.fadd(raw, c(1)), c(2)), gen.fsub(s, c(1)))
                              : gen.fdiv(gen.fsub(gen.fmul(gen.fadd(raw, c(1)), s), c(1)), c(2))
                if mode == "nearest" { v = gen.intrinsic("llvm.rint", [v]) }
                let (lo, hi) = borders[axis]
                let outside = LLVMBuildOr(gen.builder, gen.fcmp(LLVMRealOLT, v, lo), gen.fcmp(LLVMRealOGT, v, hi), "")!
                switch padding {
                // Bicubic with border padding clamps only the taps, as PyTorch and ONNX Runtime do (the
                // ONNX reference also clamps the coordinate; the two differ near the border).
                case "border" where mode != "bicubic": v = gen.select(outside, gen.fmin(gen.fmax(v, c(0)), gen.fsub(s, c(1))), v)
                case "reflection": v = gen.select(outside, reflect(v, lo: lo, hi: hi), v)
                default: break
                }
                coords.append(v)
            }
            // One tap at integer (row, col), following the padding rule outside the image.
            func pixel(_ r: LLVMValueRef, _ col: LLVMValueRef) -> LLVMValueRef {
                var at = [r, col]
                var inside = LLVMConstInt(gen.i1, 1, 0)!
                for a in 0..<2 {
                    let last = gen.sub(sizes[a].size, gen.int(1))
                    switch padding {
                    case "zeros":
                        inside = and(inside, and(gen.icmp(LLVMIntSGE, at[a], gen.int(0)), gen.icmp(LLVMIntSLE, at[a], last)))
                    case "reflection":
                        at[a] = index(reflect(toF64(at[a]), lo: borders[a].0, hi: borders[a].1), lo: gen.int(0), hi: last)
                    default: break
                    }
                    at[a] = gen.imax(gen.int(0), gen.imin(at[a], last))
                }
                let v = toF64(gen.load(x, gen.add(plane, gen.add(gen.mul(at[0], w), at[1]))))
                return padding == "zeros" ? gen.select(inside, v, c(0)) : v
            }
            // Coordinates far outside the image read only padding; clamp them so the i64 conversion is defined.
            let floors = coords.enumerated().map { a, v in
                index(gen.intrinsic("llvm.floor", [v]), lo: gen.int(-4), hi: gen.add(sizes[a].size, gen.int(4)))
            }
            let fractions = coords.enumerated().map { a, v in gen.fsub(v, toF64(floors[a])) }
            var value: LLVMValueRef
            switch mode {
            case "nearest":
                value = pixel(floors[0], floors[1])
            case "bicubic":
                let cy = cubicCoefficients(fractions[0]), cx = cubicCoefficients(fractions[1])
                value = c(0)
                for i in 0..<4 {
                    var row = c(0)
                    for j in 0..<4 {
                        row = gen.fadd(row, gen.fmul(cx[j], pixel(gen.add(floors[0], gen.int(i - 1)), gen.add(floors[1], gen.int(j - 1)))))
                    }
                    value = gen.fadd(value, gen.fmul(cy[i], row))
                }
            default:
                let (ly, lx) = (fractions[0], fractions[1])
                let y1 = gen.add(floors[0], gen.int(1)), x1 = gen.add(floors[1], gen.int(1))
                let top = gen.fadd(gen.fmul(gen.fsub(c(1), lx), pixel(floors[0], floors[1])), gen.fmul(lx, pixel(floors[0], x1)))
                let bottom = gen.fadd(gen.fmul(gen.fsub(c(1), lx), pixel(y1, floors[1])), gen.fmul(lx, pixel(y1, x1)))
                value = gen.fadd(gen.fmul(gen.fsub(c(1), ly), top), gen.fmul(ly, bottom))
            }
            gen.store(LLVMBuildFPCast(gen.builder, value, et, "")!, out, gen.linear(idx, oDims))
        }
    }

    /// out[r, c, ph, pw] pools bilinear samples of x[batch_indices[r], c] over bin (ph, pw) of
    /// box r (ONNX RoiAlign; max mode takes the largest weighted corner, as the reference does).
    func emitRoiAlign(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, ins: [LLVMValueRef], inTypes: [TensorType],
                      outType: TensorType) throws(CodegenError) {
        let isMax = (op.attributes["mode"]?.stringValue ?? "avg") == "max"
        let halfPixel = (op.attributes["coordinate_mode"]?.stringValue ?? "half_pixel") == "half_pixel"
        let ratio = op.attributes["sampling_ratio"]?.intValue ?? 0
        let scale = op.attributes["spatial_scale"]?.floatValue ?? 1
        let x = ins[0], rois = ins[1], batch = ins[2]
        let xDims = inTypes[0].shape.map(ctx.dim), oDims = outType.shape.map(ctx.dim)
        let (h, w) = (xDims[2], xDims[3])
        let (hf, wf) = (toF64(h), toF64(w))
        let et = elementType(out)
        gen.nest(oDims, parallel: true) { idx in
            let r = idx[0]
            let b = gen.imax(gen.int(0), gen.imin(toI64(gen.load(batch, r)), gen.sub(xDims[0], gen.int(1))))
            let plane = gen.mul(gen.add(gen.mul(b, xDims[1]), idx[1]), gen.mul(h, w))
            let box = (0..<4).map { k in
                gen.fsub(gen.fmul(toF64(gen.load(rois, gen.add(gen.mul(r, gen.int(4)), gen.int(k)))), c(scale)), c(halfPixel ? 0.5 : 0))
            }
            var roiW = gen.fsub(box[2], box[0]), roiH = gen.fsub(box[3], box[1])
            if !halfPixel { roiW = gen.fmax(roiW, c(1)); roiH = gen.fmax(roiH, c(1)) }
            let binH = gen.fdiv(roiH, toF64(oDims[2])), binW = gen.fdiv(roiW, toF64(oDims[3]))
            let gridH = ratio > 0 ? gen.int(ratio) : index(gen.intrinsic("llvm.ceil", [binH]), lo: gen.int(0), hi: gen.int(1 << 20))
            let gridW = ratio > 0 ? gen.int(ratio) : index(gen.intrinsic("llvm.ceil", [binW]), lo: gen.int(0), hi: gen.int(1 << 20))
            let count = gen.mul(gridH, gridW)
            let acc = gen.slot(c(isMax ? -Double.infinity : 0))
            let y0 = gen.fadd(box[1], gen.fmul(toF64(idx[2]), binH)), x0 = gen.fadd(box[0], gen.fmul(toF64(idx[3]), binW))
            gen.loop(gen.int(0), gridH) { iy in
                let y = gen.fadd(y0, gen.fdiv(gen.fmul(gen.fadd(toF64(iy), c(0.5)), binH), toF64(gridH)))
                gen.loop(gen.int(0), gridW) { ix in
                    let xs = gen.fadd(x0, gen.fdiv(gen.fmul(gen.fadd(toF64(ix), c(0.5)), binW), toF64(gridW)))
                    let inside = and(and(gen.fcmp(LLVMRealOGE, y, c(-1)), gen.fcmp(LLVMRealOLE, y, hf)),
                                     and(gen.fcmp(LLVMRealOGE, xs, c(-1)), gen.fcmp(LLVMRealOLE, xs, wf)))
                    // Samples in [-1, 0) count as 0 and those past the last pixel as the last one.
                    let yc = gen.fmin(gen.fmax(y, c(0)), gen.fsub(hf, c(1))), xc = gen.fmin(gen.fmax(xs, c(0)), gen.fsub(wf, c(1)))
                    let yLow = index(yc, lo: gen.int(0), hi: gen.sub(h, gen.int(1))), xLow = index(xc, lo: gen.int(0), hi: gen.sub(w, gen.int(1)))
                    let yHigh = gen.imin(gen.add(yLow, gen.int(1)), gen.sub(h, gen.int(1)))
                    let xHigh = gen.imin(gen.add(xLow, gen.int(1)), gen.sub(w, gen.int(1)))
                    let ly = gen.fsub(yc, toF64(yLow)), lx = gen.fsub(xc, toF64(xLow))
                    let hy = gen.fsub(c(1), ly), hx = gen.fsub(c(1), lx)
                    func at(_ yy: LLVMValueRef, _ xx: LLVMValueRef) -> LLVMValueRef {
                        toF64(gen.load(x, gen.add(plane, gen.add(gen.mul(yy, w), xx))))
                    }
                    let terms = [gen.fmul(gen.fmul(hy, hx), at(yLow, xLow)), gen.fmul(gen.fmul(hy, lx), at(yLow, xHigh)),
                                 gen.fmul(gen.fmul(ly, hx), at(yHigh, xLow)), gen.fmul(gen.fmul(ly, lx), at(yHigh, xHigh))]
                    let sample = gen.select(inside, isMax ? terms.dropFirst().reduce(terms[0], gen.fmax)
                                                          : terms.dropFirst().reduce(terms[0], gen.fadd), c(0))
                    gen.write(acc, isMax ? gen.fmax(gen.read(acc), sample) : gen.fadd(gen.read(acc), sample))
                }
            }
            let empty = gen.icmp(LLVMIntSLE, count, gen.int(0))
            let result = isMax ? gen.select(empty, c(0), gen.read(acc))
                               : gen.fdiv(gen.read(acc), toF64(gen.imax(count, gen.int(1))))
            gen.store(LLVMBuildFPCast(gen.builder, result, et, "")!, out, gen.linear(idx, oDims))
        }
    }

    private func toI64(_ v: LLVMValueRef) -> LLVMValueRef {
        LLVMGetIntTypeWidth(LLVMTypeOf(v)) < 64 ? LLVMBuildSExt(gen.builder, v, gen.i64, "")! : v
    }
}
