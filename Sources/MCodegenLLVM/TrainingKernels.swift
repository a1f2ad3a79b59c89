internal import CLLVM
import MIR

/// Kernels of the training-mode ops and of the backward ops that autodiff emits.
extension KernelEmitter {
    /// `dropout x[, seed]`. The keep decision of element i is a pure function of (seed, i):
    /// splitmix64's output for state `seed` at step i + 1, as a uniform double u in [0, 1);
    /// the element is kept when u >= ratio. The backward pass calls the same kernel on dy with
    /// the same seed, so it recomputes the mask instead of storing it.
    func emitDropout(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef], outType: TensorType) {
        let n = ctx.dim(outType.elementCount)
        let ratio = op.attributes["ratio"]?.floatValue ?? 0.5
        let t = elementType(out)
        guard ins.count >= 2 else {
            gen.parallelLoop(gen.int(0), n) { i in gen.store(gen.load(ins[0], i), out, i) }
            return
        }
        let seed = gen.load(ins[1], gen.int(0))
        let double = LLVMDoubleTypeInContext(gen.context)!
        func u64(_ v: UInt64) -> LLVMValueRef { LLVMConstInt(gen.i64, v, 0) }
        func xorShift(_ z: LLVMValueRef, _ s: UInt64) -> LLVMValueRef {
            LLVMBuildXor(gen.builder, z, LLVMBuildLShr(gen.builder, z, u64(s), "")!, "")!
        }
        // A run-time ratio (operand #2) is read once; the keep scale 1/(1-p) is 0 at p >= 1.
        let p: LLVMValueRef = ins.count == 3 ? LLVMBuildFPCast(gen.builder, gen.load(ins[2], gen.int(0)), double, "")!
                                             : LLVMConstReal(double, ratio)!
        let one: LLVMValueRef = LLVMConstReal(double, 1)!
        let scale = LLVMBuildFPCast(gen.builder, gen.select(gen.fcmp(LLVMRealOGE, p, one), LLVMConstReal(double, 0)!,
                                                            gen.fdiv(one, gen.fsub(one, p))), t, "")!
        gen.parallelLoop(gen.int(0), n) { i in
            var z = gen.add(seed, gen.mul(gen.add(i, gen.int(1)), u64(0x9E37_79B9_7F4A_7C15)))
            z = gen.mul(xorShift(z, 30), u64(0xBF58_476D_1CE4_E5B9))
            z = gen.mul(xorShift(z, 27), u64(0x94D0_49BB_1331_11EB))
            z = xorShift(z, 31)
            let bits = LLVMBuildLShr(gen.builder, z, u64(11), "")!
            let u = gen.fmul(LLVMBuildUIToFP(gen.builder, bits, double, "")!, LLVMConstReal(double, 1.0 / 9007199254740992.0))
            let keep = gen.fcmp(LLVMRealOGE, u, p)
            let x = gen.load(ins[0], i)
            gen.store(gen.select(keep, gen.fmul(x, scale), gen.constant(0, t)), out, i)
        }
    }

    /// dw[oc, icg, ky, kx] = sum over n, oy, ox of x[n, g * cin/g + icg, iy, ix] * dy[n, oc, oy, ox]
    /// with iy = oy * sh + ky * dh - top (likewise ix) and g = oc / (cout / groups). Each part
    /// of the kernel owns whole output channels, so no two parts write the same element.
    func emitConv2dBackwardFilter(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef],
                                  inTypes: [TensorType], outType: TensorType) throws(CodegenError) {
        let p = try windowParams(op.attributes)
        let x = ins[0], dy = ins[1], t = elementType(out)
        let xs = inTypes[0].shape.map(ctx.dim), ds = inTypes[1].shape.map(ctx.dim)
        guard let shape = outType.staticShape else { throw .unsupported("conv2d_backward_filter with a symbolic filter shape") }
        let (cout, cinPerGroup, kh, kw) = (shape[0], shape[1], shape[2], shape[3])
        let coutPerGroup = max(1, cout / p.groups)
        gen.parallelLoop(gen.int(0), gen.int(cout)) { oc in
            let group = gen.sdiv(oc, gen.int(coutPerGroup))
            gen.loop(gen.int(0), gen.int(cinPerGroup)) { icg in
                let ic = gen.add(gen.mul(group, gen.int(cinPerGroup)), icg)
                gen.loop(gen.int(0), gen.int(kh)) { ky in
                    gen.loop(gen.int(0), gen.int(kw)) { kx in
                        let acc = gen.slot(gen.constant(0, t))
                        let offY = gen.sub(gen.mul(ky, gen.int(p.dilations[0])), gen.int(p.pads[0]))
                        let offX = gen.sub(gen.mul(kx, gen.int(p.dilations[1])), gen.int(p.pads[1]))
                        let (loX, hiX) = validRange(offset: offX, stride: p.strides[1], input: xs[3], output: ds[3])
                        gen.loop(gen.int(0), xs[0]) { n in
                            let inPlane = gen.mul(gen.add(gen.mul(n, xs[1]), ic), gen.mul(xs[2], xs[3]))
                            let outPlane = gen.mul(gen.add(gen.mul(n, ds[1]), oc), gen.mul(ds[2], ds[3]))
                            gen.loop(gen.int(0), ds[2]) { oy in
                                let iy = gen.add(gen.mul(oy, gen.int(p.strides[0])), offY)
                                let inside = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, iy, gen.int(0)), gen.icmp(LLVMIntSLT, iy, xs[2]), "")!
                                gen.ifThen(inside) {
                                    let inRow = gen.add(inPlane, gen.mul(iy, xs[3])), outRow = gen.add(outPlane, gen.mul(oy, ds[3]))
                                    // A sum over the row: reductionLoop lets the vectorizer split it into lanes.
                                    gen.reductionLoop(loX, hiX) { ox in
                                        let ix = gen.add(gen.mul(ox, gen.int(p.strides[1])), offX)
                                        let prod = gen.fmul(gen.load(x, gen.add(inRow, ix)), gen.load(dy, gen.add(outRow, ox)))
                                        gen.write(acc, gen.fadd(gen.read(acc), prod))
                                    }
                                }
                            }
                        }
                        let w = gen.add(gen.mul(gen.add(gen.mul(gen.add(gen.mul(oc, gen.int(cinPerGroup)), icg), gen.int(kh)), ky), gen.int(kw)), kx)
                        gen.store(gen.read(acc), out, w)
                    }
                }
            }
        }
    }

    /// Pooling gradients, one (n, c) plane per iteration of the parallel loop. Max pooling
    /// routes dy to the first maximum of each window (the element the forward kernel kept);
    /// average pooling spreads dy / divisor over the in-bounds elements, with the forward
    /// kernel's divisor.
    func emitPoolBackward(_ ctx: KernelContext, isMax: Bool, attrs: Attributes, out: LLVMValueRef, x: LLVMValueRef,
                          dy: LLVMValueRef, xType: TensorType, dyType: TensorType) throws(CodegenError) {
        let p = try windowParams(attrs)
        let includePad = (attrs["count_include_pad"]?.intValue ?? 0) != 0
        let t = elementType(out)
        let xs = xType.shape.map(ctx.dim), os = dyType.shape.map(ctx.dim)
        gen.parallelLoop(gen.int(0), gen.mul(xs[0], xs[1])) { plane in
            let inPlane = gen.mul(plane, gen.mul(xs[2], xs[3]))
            let outPlane = gen.mul(plane, gen.mul(os[2], os[3]))
            gen.loop(gen.int(0), gen.mul(xs[2], xs[3])) { i in gen.store(gen.constant(0, t), out, gen.add(inPlane, i)) }
            gen.loop(gen.int(0), os[2]) { y in
                gen.loop(gen.int(0), os[3]) { xo in
                    let g = gen.load(dy, gen.add(outPlane, gen.add(gen.mul(y, os[3]), xo)))
                    let best = gen.slot(gen.constant(-Double.infinity, t))
                    let bestIndex = gen.slot(gen.int(-1))
                    let count = gen.slot(gen.constant(0, t))
                    let padCount = gen.slot(gen.constant(0, t))
                    func window(_ body: (_ offset: LLVMValueRef) -> Void, padded: (() -> Void)? = nil) {
                        windowTaps(p, y: y, x: xo, height: xs[2], width: xs[3],
                                   inside: { iy, ix in body(gen.add(inPlane, gen.add(gen.mul(iy, xs[3]), ix))) }, padded: padded)
                    }
                    if isMax {
                        window { off in
                            let v = gen.load(x, off)
                            let better = gen.fcmp(LLVMRealOGT, v, gen.read(best))
                            gen.write(best, gen.select(better, v, gen.read(best)))
                            gen.write(bestIndex, gen.select(better, off, gen.read(bestIndex)))
                        }
                        let at = gen.read(bestIndex)
                        gen.ifThen(gen.icmp(LLVMIntSGE, at, gen.int(0))) { gen.store(gen.fadd(gen.load(out, at), g), out, at) }
                    } else {
                        window({ _ in gen.write(count, gen.fadd(gen.read(count), gen.constant(1, t))) },
                               padded: { gen.write(padCount, gen.fadd(gen.read(padCount), gen.constant(1, t))) })
                        let share = gen.fdiv(g, gen.fmax(gen.read(includePad ? padCount : count), gen.constant(1, t)))
                        window { off in gen.store(gen.fadd(gen.load(out, off), share), out, off) }
                    }
                }
            }
        }
    }

    /// `scatter_add data, indices, updates {axis}`: out = data, then for every position i of
    /// indices, out[i with i[axis] = indices[i]] += updates[i]. Indices are wrapped and clamped
    /// exactly as `gather_elements` reads them, so this is that op's adjoint. Runs in one part
    /// (two positions may hit one element).
    func emitScatterAdd(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef], inTypes: [TensorType],
                        outType: TensorType) {
        let axis = (try? normalizeAxis(op.attributes["axis"]?.intValue ?? 0, rank: outType.rank)) ?? 0
        let oDims = outType.shape.map(ctx.dim), oStrides = gen.strides(oDims)
        let iDims = inTypes[1].shape.map(ctx.dim)
        gen.loop(gen.int(0), ctx.dim(outType.elementCount)) { i in gen.store(gen.load(ins[0], i), out, i) }
        let isFloat = outType.dtype.isFloat, signed = outType.dtype.isSigned
        let reduction = op.attributes["reduction"]?.stringValue ?? "add"
        func sum(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef {
            switch reduction {
            case "mul": return isFloat ? gen.fmul(a, b) : gen.mul(a, b)
            case "max": return isFloat ? gen.fmax(a, b) : gen.select(gen.icmp(signed ? LLVMIntSGE : LLVMIntUGE, a, b), a, b)
            case "min": return isFloat ? gen.fmin(a, b) : gen.select(gen.icmp(signed ? LLVMIntSLE : LLVMIntULE, a, b), a, b)
            default: return isFloat ? gen.fadd(a, b) : gen.add(a, b)
            }
        }
        gen.nest(iDims) { idx in
            let position = gen.linear(idx, iDims)
            let target = wrapIndex(gen.load(ins[1], position), oDims[axis])
            var off = gen.int(0)
            for d in 0..<outType.rank { off = gen.add(off, gen.mul(d == axis ? target : idx[d], oStrides[d])) }
            gen.store(sum(gen.load(out, off), gen.load(ins[2], position)), out, off)
        }
        if outType.rank == 0 {
            gen.store(sum(gen.load(out, gen.int(0)), gen.load(ins[2], gen.int(0))), out, gen.int(0))
        }
    }
}
