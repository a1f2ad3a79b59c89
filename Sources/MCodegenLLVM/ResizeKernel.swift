internal import CLLVM
import MIR

/// Resize (ONNX semantics): per axis, a source coordinate from the coordinate mode, then taps
/// (one for nearest, two for linear, four for cubic) whose separable product weights the input.
/// tf_crop_and_resize writes `extrapolation_value` where any axis's coordinate leaves the input.
extension KernelEmitter {
    func emitResize(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, ins: [LLVMValueRef], inTypes: [TensorType],
                    outType: TensorType) throws(CodegenError) {
        let x = ins[0], xType = inTypes[0], rank = xType.rank
        let a = op.attributes
        // Operands: x[, scales|sizes][, roi]; roi is an operand only for tf_crop_and_resize without the attribute.
        let roiIn = a["coordinate_mode"]?.stringValue == "tf_crop_and_resize" && a["roi"] == nil ? ins.count - 1 : nil
        let scalesIn = ins.count - (roiIn == nil ? 0 : 1) == 2 ? ins[1] : nil
        let scalesType = scalesIn == nil ? nil : inTypes[1]
        let scales = a["scales"]?.floatsValue ?? [Double](repeating: 1, count: rank)
        let mode = a["mode"]?.stringValue ?? "nearest"
        let coordinate = a["coordinate_mode"]?.stringValue ?? "half_pixel"
        let nearest = a["nearest_mode"]?.stringValue ?? "round_prefer_floor"
        let cubicA = a["cubic_coeff_a"]?.floatValue ?? -0.75
        let excludeOutside = (a["exclude_outside"]?.intValue ?? 0) != 0
        let roi = a["roi"]?.floatsValue ?? []
        let extrapolation = a["extrapolation_value"]?.floatValue ?? 0
        guard scales.count == rank, ["nearest", "linear", "cubic"].contains(mode) else {
            throw .unsupported("resize mode '\(mode)'")
        }
        guard coordinate != "tf_crop_and_resize" || roi.count == 2 * rank || roiIn != nil else {
            throw .unsupported("resize tf_crop_and_resize needs a roi of \(2 * rank) entries, got \(roi.count)")
        }
        let xDims = xType.shape.map(ctx.dim), oDims = outType.shape.map(ctx.dim), xStrides = gen.strides(xDims)
        let d = LLVMDoubleTypeInContext(gen.context)!
        func fp(_ v: LLVMValueRef) -> LLVMValueRef { LLVMBuildSIToFP(gen.builder, v, d, "")! }
        func c(_ v: Double) -> LLVMValueRef { gen.constant(v, d) }
        let et = elementType(out)
        // An axis with the same static length, scale 1 and an identity coordinate map reads the
        // output index directly: no taps to multiply (keeps cubic's 4^rank taps to the resized axes).
        func isIdentity(_ k: Int) -> Bool {
            guard scalesIn == nil, scales[k] == 1, let i = xType.shape[k].constantValue,
                  outType.shape[k].constantValue == i else { return false }
            switch coordinate {
            case "half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel": return true
            case "tf_crop_and_resize": return roiIn == nil && roi[k] == 0 && roi[k + rank] == 1
            default: return false
            }
        }
        gen.nest(oDims, parallel: true) { idx in
            var taps: [[(index: LLVMValueRef, weight: LLVMValueRef?)]] = []
            var outside: LLVMValueRef?
            for k in 0..<rank {
                if isIdentity(k) { taps.append([(idx[k], nil)]); continue }
                let o = fp(idx[k]), inLen = fp(xDims[k]), outLen = fp(oDims[k])
                // Run-time scales (a float operand), or sizes (an integer operand: scale = out / in).
                var s = c(scales[k])
                let scaled = a["scales"] != nil || scalesType?.dtype.isFloat == true
                if let scalesIn, let scalesType {
                    s = scalesType.dtype.isFloat ? LLVMBuildFPCast(gen.builder, gen.load(scalesIn, gen.int(k)), d, "")!
                                                 : gen.fdiv(outLen, inLen)
                }
                // ONNX takes the resized length before flooring (in * scale) when scales are given.
                let resized = scaled ? gen.fmul(inLen, s) : outLen
                let single = gen.fcmp(LLVMRealOLE, resized, c(1))
                var coord: LLVMValueRef
                switch coordinate {
                case "asymmetric": coord = gen.fdiv(o, s)
                case "align_corners":
                    coord = gen.select(single, c(0), gen.fdiv(gen.fmul(o, gen.fsub(inLen, c(1))), gen.fsub(resized, c(1))))
                case "tf_half_pixel_for_nearest": coord = gen.fdiv(gen.fadd(o, c(0.5)), s)
                case "pytorch_half_pixel":
                    coord = gen.select(gen.fcmp(LLVMRealOGT, outLen, c(1)), gen.fsub(gen.fdiv(gen.fadd(o, c(0.5)), s), c(0.5)), c(-0.5))
                case "tf_crop_and_resize":
                    var start = c(0), end = c(1)
                    if let roiIn {
                        start = LLVMBuildFPCast(gen.builder, gen.load(ins[roiIn], gen.int(k)), d, "")!
                        end = LLVMBuildFPCast(gen.builder, gen.load(ins[roiIn], gen.int(k + rank)), d, "")!
                    } else {
                        start = c(roi[k]); end = c(roi[k + rank])
                    }
                    let span = gen.fmul(gen.fsub(end, start), gen.fsub(inLen, c(1)))
                    coord = gen.select(single, gen.fmul(span, c(0.5)), gen.fdiv(gen.fmul(o, span), gen.fsub(resized, c(1))))
                    coord = gen.fadd(coord, gen.fmul(start, gen.fsub(inLen, c(1))))
                    let away = LLVMBuildOr(gen.builder, gen.fcmp(LLVMRealOLT, coord, c(0)),
                                           gen.fcmp(LLVMRealOGT, coord, gen.fsub(inLen, c(1))), "")!
                    outside = outside.map { LLVMBuildOr(gen.builder, $0, away, "")! } ?? away
                default: coord = gen.fsub(gen.fdiv(gen.fadd(o, c(0.5)), s), c(0.5))
                }
                let last = gen.sub(xDims[k], gen.int(1))
                func clampIndex(_ i: LLVMValueRef) -> LLVMValueRef { gen.imax(gen.int(0), gen.imin(i, last)) }
                switch mode {
                case "nearest":
                    let r: LLVMValueRef
                    switch nearest {
                    case "floor": r = gen.intrinsic("llvm.floor", [coord])
                    case "ceil": r = gen.intrinsic("llvm.ceil", [coord])
                    case "round_prefer_ceil": r = gen.intrinsic("llvm.floor", [gen.fadd(coord, c(0.5))])
                    default: r = gen.intrinsic("llvm.ceil", [gen.fsub(coord, c(0.5))])
                    }
                    taps.append([(clampIndex(LLVMBuildFPToSI(gen.builder, r, gen.i64, "")!), nil)])
                case "linear":
                    let clamped = gen.fmax(coord, c(0))
                    let f = gen.intrinsic("llvm.floor", [clamped])
                    let i0 = gen.imin(LLVMBuildFPToSI(gen.builder, f, gen.i64, "")!, last)
                    let i1 = gen.imin(gen.add(i0, gen.int(1)), last)
                    let w = gen.select(gen.icmp(LLVMIntEQ, i0, i1), c(0), gen.fsub(clamped, f))
                    taps.append([(i0, gen.fsub(c(1), w)), (i1, w)])
                default:
                    // Keys cubic convolution on taps floor-1 ... floor+2, clamped to the edge (the
                    // reference pads with edge values); exclude_outside drops and renormalizes them.
                    let f = gen.intrinsic("llvm.floor", [coord])
                    let base = LLVMBuildFPToSI(gen.builder, f, gen.i64, "")!
                    let t = gen.fsub(coord, f)
                    var ws = cubicWeights(t, a: cubicA, c)
                    let raw = (0..<4).map { gen.add(base, gen.int($0 - 1)) }
                    if excludeOutside {
                        var sum = c(0)
                        for j in 0..<4 {
                            let inside = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, raw[j], gen.int(0)),
                                                      gen.icmp(LLVMIntSLE, raw[j], last), "")!
                            ws[j] = gen.select(inside, ws[j], c(0))
                            sum = gen.fadd(sum, ws[j])
                        }
                        ws = ws.map { gen.fdiv($0, sum) }
                    }
                    taps.append((0..<4).map { (clampIndex(raw[$0]), ws[$0]) })
                }
            }
            var acc = c(0)
            func accumulate(_ k: Int, _ off: LLVMValueRef, _ weight: LLVMValueRef?) {
                if k == rank {
                    let v = gen.load(x, off)
                    let vd = gen.isFloatType(et) ? LLVMBuildFPCast(gen.builder, v, d, "")! : LLVMBuildSIToFP(gen.builder, v, d, "")!
                    acc = gen.fadd(acc, weight.map { gen.fmul($0, vd) } ?? vd)
                    return
                }
                for tap in taps[k] {
                    let w: LLVMValueRef? = switch (weight, tap.weight) {
                    case let (w?, t?): gen.fmul(w, t)
                    case let (w, t): w ?? t
                    }
                    accumulate(k + 1, gen.add(off, gen.mul(tap.index, xStrides[k])), w)
                }
            }
            accumulate(0, gen.int(0), nil)
            if let outside { acc = gen.select(outside, c(extrapolation), acc) }
            let result = gen.isFloatType(et) ? LLVMBuildFPCast(gen.builder, acc, et, "")!
                                             : LLVMBuildFPToSI(gen.builder, gen.intrinsic("llvm.rint", [acc]), et, "")!
            gen.store(result, out, gen.linear(idx, oDims))
        }
    }

    /// Keys' cubic weights for taps at distances 1 + t, t, 1 - t, 2 - t from the coordinate.
    private func cubicWeights(_ t: LLVMValueRef, a: Double, _ c: (Double) -> LLVMValueRef) -> [LLVMValueRef] {
        // |d| <= 1: (a + 2)|d|^3 - (a + 3)|d|^2 + 1; 1 < |d| < 2: a|d|^3 - 5a|d|^2 + 8a|d| - 4a.
        func near(_ x: LLVMValueRef) -> LLVMValueRef {
            gen.fadd(gen.fmul(gen.fmul(gen.fsub(gen.fmul(c(a + 2), x), c(a + 3)), x), x), c(1))
        }
        func far(_ x: LLVMValueRef) -> LLVMValueRef {
            gen.fsub(gen.fmul(gen.fadd(gen.fmul(gen.fsub(gen.fmul(c(a), x), c(5 * a)), x), c(8 * a)), x), c(4 * a))
        }
        let u = gen.fsub(c(1), t)
        return [far(gen.fadd(t, c(1))), near(t), near(u), far(gen.fadd(u, c(1)))]
    }
}
