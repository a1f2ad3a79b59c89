internal import CLLVM
import MIR

/// int8 kernels: qmatmul and qconv2d (see MIR's QuantizedLayout for the packed weight).
///
/// Both are one u8 x s8 -> s32 GEMM, C[m, n] = sum_k A[m, k] * W[k, n]:
///  - prologue: the f32 input is quantized to u8 in scratch memory (q = clamp(rint(x / s) + z,
///    0, 255); s and z are attributes, or the input's min/max range when absent = dynamic);
///    qmatmul writes rows of k bytes, qconv2d a z-padded NHWC image, whose (ky, kx) windows are
///    contiguous runs of channels, so the GEMM reads it in place (implicit GEMM, no im2col);
///  - GEMM: register tiles of 4 rows x 64 columns (16 <16 x i32> accumulators); each step
///    broadcasts 4 activation bytes per row and multiplies them with 4 packed weight vectors,
///    with `vpdpbusd` where the target has AVX-512 VNNI and widening multiplies otherwise;
///  - epilogue: y = acc * (s * w_scale[n]) + (bias[n] - z * w_sum[n] * s * w_scale[n]), the
///    zero-point correction folded into one multiply-add per element, then relu if asked.
extension KernelEmitter {
    static let tileRows = 4
    static let lanes = 16

    /// Scratch bytes: the quantized input (qmatmul: all rows; qconv2d: one padded image per
    /// batch element). Parts of a parallel call quantize and read disjoint rows / images.
    static func quantizedScratchBytes(_ op: Operation, _ f: Function) -> Dim? {
        let x = f.type(of: op.operands[0])
        switch op.kind {
        case .qmatmul:
            guard let k = x.shape.last?.constantValue else { return nil }
            return Array(x.shape.dropLast()).product * .constant((k + 3) / 4 * 4)
        case .qconv2d:
            guard let p = try? WindowParams(op.attributes), let c = x.shape[1].constantValue else { return nil }
            return x.shape[0] * (x.shape[2] + .constant(p.pads[0] + p.pads[2])) * (x.shape[3] + .constant(p.pads[1] + p.pads[3]))
                * .constant(QuantizedLayout.paddedChannels(c))
        default: return nil
        }
    }

    func emitQuantized(_ ctx: KernelContext, op: Operation, out: LLVMValueRef, ins: [LLVMValueRef], inTypes: [TensorType],
                       outType: TensorType, scratch: LLVMValueRef?) throws(CodegenError) {
        guard let scratch else { throw .unsupported("'\(op.kind.rawValue)' without scratch memory") }
        let bytes = gen.bitcast(scratch, gen.i8Ptr)
        let x = ins[0], xType = inTypes[0]
        let n = inTypes[2].shape[0].constantValue ?? 0
        let packed = inTypes[1].staticShape ?? []
        guard packed.count == 3 else { throw .unsupported("'\(op.kind.rawValue)' with an unpacked weight") }
        // The epilogue arrays are read as whole vectors: n rounded up to 16.
        let columns = (n + KernelEmitter.lanes - 1) / KernelEmitter.lanes * KernelEmitter.lanes
        let act: (scale: Double, zeroPoint: Int)?
        do { act = try QuantizedLayout.activationParams(op.attributes) } catch { throw .unsupported(error.message) }
        let (scale, zeroPoint) = act.map { (gen.float($0.scale), gen.float(Double($0.zeroPoint))) }
            ?? dynamicRange(x, count: ctx.dim(xType.elementCount))
        let inverse = gen.fdiv(gen.float(1), scale)
        let (colScale, colOffset) = epilogueColumns(ins: ins, inTypes: inTypes, n: n, columns: columns, scale: scale, zeroPoint: zeroPoint)
        let relu = op.attributes["activation"]?.stringValue == "relu"
        let weights = gen.bitcast(ins[1], LLVMPointerType(gen.i32, 0))

        if op.kind == .qmatmul {
            let k = xType.shape[xType.rank - 1].constantValue ?? 0, kp = packed[0] * 4
            let rows = ctx.dim(Array(xType.shape.dropLast()).product)
            // This part's row tiles (the whole range when the call is not split).
            let mr = gen.int(KernelEmitter.tileRows)
            let (tileLo, tileHi) = gen.partRange(gen.int(0), gen.sdiv(gen.add(rows, gen.int(KernelEmitter.tileRows - 1)), mr))
            gen.loop(gen.imin(gen.mul(tileLo, mr), rows), gen.imin(gen.mul(tileHi, mr), rows)) { r in
                let src = gen.mul(r, gen.int(k)), dst = gen.mul(r, gen.int(kp))
                gen.loop(gen.int(0), gen.int(k), vectorize: true) { c in
                    gen.store(quantize(gen.load(x, gen.add(src, c)), inverse, zeroPoint), bytes, gen.add(dst, c))
                }
                gen.loop(gen.int(k), gen.int(kp)) { c in gen.store(gen.constant(0, gen.i8), bytes, gen.add(dst, c)) }
            }
            let geometry = GEMMGeometry(rows: rows, tiles: (tileLo, tileHi), segments: 1, segmentOffset: { _ in gen.int(0) },
                                        groups: packed[0], rowBase: { gen.mul($0, gen.int(kp)) })
            gemmInt8(geometry, a: bytes, b: weights, n: n, colScale: colScale, colOffset: colOffset, relu: relu) { row, col0, y in
                let base = gen.add(gen.mul(row, gen.int(n)), col0)
                if n % KernelEmitter.lanes == 0 {
                    let ptr = gen.bitcast(gen.gep(out, base, element: gen.f32), LLVMPointerType(LLVMTypeOf(y), 0))
                    LLVMSetAlignment(LLVMBuildStore(gen.builder, y, ptr), 4)
                } else {
                    storeLanes(y, colBase: col0, n: n) { col, v in gen.store(v, out, gen.add(gen.mul(row, gen.int(n)), col)) }
                }
            }
            return
        }

        // qconv2d: per image, quantize into the padded NHWC buffer, then the implicit GEMM.
        let p = try windowParams(op.attributes)
        let c = xType.shape[1].constantValue ?? 0, cp = QuantizedLayout.paddedChannels(c)
        let xs = xType.shape.map(ctx.dim), os = outType.shape.map(ctx.dim)
        let (height, width) = (xs[2], xs[3])
        let paddedH = gen.add(height, gen.int(p.pads[0] + p.pads[2])), paddedW = gen.add(width, gen.int(p.pads[1] + p.pads[3]))
        let plane = gen.mul(os[2], os[3])
        let zeroByte = LLVMBuildTrunc(gen.builder, LLVMBuildFPToSI(gen.builder, zeroPoint, gen.i32, "")!, gen.i8, "")!
        let imageBytes = gen.mul(gen.mul(paddedH, paddedW), gen.int(cp))
        gen.parallelLoop(gen.int(0), xs[0]) { image in
            let bytes = gen.gep(bytes, gen.mul(image, imageBytes), element: gen.i8)
            gen.loop(gen.int(0), imageBytes, vectorize: true) { i in gen.store(zeroByte, bytes, i) }
            let inBase = gen.mul(image, gen.mul(gen.int(c), gen.mul(height, width)))
            gen.loop(gen.int(0), height) { iy in
                gen.loop(gen.int(0), gen.int(c)) { ch in
                    let src = gen.add(inBase, gen.mul(gen.add(gen.mul(ch, height), iy), width))
                    let dstRow = gen.mul(gen.add(iy, gen.int(p.pads[0])), paddedW)
                    gen.loop(gen.int(0), width) { ix in
                        let dst = gen.add(gen.mul(gen.add(dstRow, gen.add(ix, gen.int(p.pads[1]))), gen.int(cp)), ch)
                        gen.store(quantize(gen.load(x, gen.add(src, ix)), inverse, zeroPoint), bytes, dst)
                    }
                }
            }
            let outBase = gen.mul(image, gen.mul(gen.int(n), plane))
            let ow = os[3]
            let geometry = GEMMGeometry(
                rows: plane, tiles: nil, segments: p.kernel[0] * p.kernel[1],
                segmentOffset: { s in
                    let ky = s / p.kernel[1], kx = s % p.kernel[1]
                    return gen.mul(gen.add(gen.mul(gen.int(ky * p.dilations[0]), paddedW), gen.int(kx * p.dilations[1])), gen.int(cp))
                },
                groups: cp / 4,
                rowBase: { pixel in
                    let oy = gen.sdiv(pixel, ow), ox = LLVMBuildSRem(gen.builder, pixel, ow, "")!
                    return gen.mul(gen.add(gen.mul(gen.mul(oy, gen.int(p.strides[0])), paddedW), gen.mul(ox, gen.int(p.strides[1]))), gen.int(cp))
                })
            gemmInt8(geometry, a: bytes, b: weights, n: n, colScale: colScale, colOffset: colOffset, relu: relu) { row, col0, y in
                // NCHW: the 16 channels of one pixel are a plane apart.
                storeLanes(y, colBase: col0, n: n) { col, v in gen.store(v, out, gen.add(outBase, gen.add(gen.mul(col, plane), row))) }
            }
        }
    }

    /// Where the GEMM finds row `i` of A: `rowBase(i) + segmentOffset(s) + 4 * g` holds the 4
    /// bytes of reduction group `s * groups + g`.
    struct GEMMGeometry {
        var rows: LLVMValueRef
        /// The row tiles to compute, [lo, hi); nil = all.
        var tiles: (LLVMValueRef, LLVMValueRef)?
        var segments: Int
        var segmentOffset: (Int) -> LLVMValueRef
        var groups: Int
        var rowBase: (LLVMValueRef) -> LLVMValueRef
    }

    /// u8 = clamp(rint(x * inverse) + zeroPoint, 0, 255).
    func quantize(_ v: LLVMValueRef, _ inverse: LLVMValueRef, _ zeroPoint: LLVMValueRef) -> LLVMValueRef {
        let r = gen.fadd(gen.intrinsic("llvm.rint", [gen.fmul(v, inverse)]), zeroPoint)
        let clamped = gen.select(gen.fcmp(LLVMRealOLT, r, gen.float(0)), gen.float(0),
                                 gen.select(gen.fcmp(LLVMRealOGT, r, gen.float(255)), gen.float(255), r))
        return LLVMBuildTrunc(gen.builder, LLVMBuildFPToSI(gen.builder, clamped, gen.i32, "")!, gen.i8, "")!
    }

    /// Dynamic quantization (ONNX DynamicQuantizeLinear): the range of x widened to include 0,
    /// s = (max - min) / 255 (1 when the range is empty), z = clamp(rint(-min / s), 0, 255).
    func dynamicRange(_ x: LLVMValueRef, count: LLVMValueRef) -> (LLVMValueRef, LLVMValueRef) {
        let lo = gen.slot(gen.float(0)), hi = gen.slot(gen.float(0))
        gen.reductionLoop(gen.int(0), count) { i in
            let v = gen.load(x, i)
            let l = gen.read(lo), h = gen.read(hi)
            gen.write(lo, gen.select(gen.fcmp(LLVMRealOLT, v, l), v, l))
            gen.write(hi, gen.select(gen.fcmp(LLVMRealOGT, v, h), v, h))
        }
        let range = gen.fsub(gen.read(hi), gen.read(lo))
        let s = gen.select(gen.fcmp(LLVMRealOGT, range, gen.float(0)), gen.fdiv(range, gen.float(255)), gen.float(1))
        let z = gen.intrinsic("llvm.rint", [gen.fdiv(gen.fneg(gen.read(lo)), s)])
        let zc = gen.select(gen.fcmp(LLVMRealOGT, z, gen.float(255)), gen.float(255), z)
        return (s, zc)
    }

    /// Per-column epilogue factors in stack arrays padded to `columns` (n rounded up to 16;
    /// zeros beyond n), so the epilogue reads whole vectors. Without w_sum (static form) the
    /// bias already holds the zero-point correction.
    func epilogueColumns(ins: [LLVMValueRef], inTypes: [TensorType], n: Int, columns: Int, scale: LLVMValueRef,
                         zeroPoint: LLVMValueRef) -> (LLVMValueRef, LLVMValueRef) {
        let (sumIndex, biasIndex) = QuantizedLayout.optionalOperands(Array(inTypes.indices)) { inTypes[$0].dtype }
        let arrays = (0..<2).map { _ in entryAlloca(LLVMArrayType(gen.f32, UInt32(columns))) }
        let (colScale, colOffset) = (gen.bitcast(arrays[0], gen.f32Ptr), gen.bitcast(arrays[1], gen.f32Ptr))
        gen.loop(gen.int(0), gen.int(columns)) { j in
            gen.store(gen.float(0), colScale, j)
            gen.store(gen.float(0), colOffset, j)
        }
        gen.loop(gen.int(0), gen.int(n)) { j in
            let s = gen.fmul(scale, gen.load(ins[2], j))
            var offset = gen.float(0)
            if let sumIndex {
                let sum = LLVMBuildSIToFP(gen.builder, gen.load(ins[sumIndex], j), gen.f32, "")!
                offset = gen.fneg(gen.fmul(gen.fmul(zeroPoint, sum), s))
                if let biasIndex { offset = gen.fadd(offset, gen.load(ins[biasIndex], j)) }
            } else if let biasIndex { offset = gen.load(ins[biasIndex], j) }
            gen.store(s, colScale, j)
            gen.store(offset, colOffset, j)
        }
        return (colScale, colOffset)
    }

    func entryAlloca(_ type: LLVMTypeRef) -> LLVMValueRef {
        let current = LLVMGetInsertBlock(gen.builder)!
        let entry = LLVMGetEntryBasicBlock(LLVMGetBasicBlockParent(current))!
        if let first = LLVMGetFirstInstruction(entry) { LLVMPositionBuilderBefore(gen.builder, first) }
        else { LLVMPositionBuilderAtEnd(gen.builder, entry) }
        let slot = LLVMBuildAlloca(gen.builder, type, "cols")!
        LLVMSetAlignment(slot, 64)
        LLVMPositionBuilderAtEnd(gen.builder, current)
        return slot
    }

    /// Stores lanes of `y` (columns colBase...) one by one, skipping padding columns (>= n).
    func storeLanes(_ y: LLVMValueRef, colBase: LLVMValueRef, n: Int, _ store: (LLVMValueRef, LLVMValueRef) -> Void) {
        for lane in 0..<KernelEmitter.lanes {
            let col = gen.add(colBase, gen.int(lane))
            let v = LLVMBuildExtractElement(gen.builder, y, gen.int32(lane), "")!
            if n % KernelEmitter.lanes == 0 { store(col, v) }
            else { gen.ifThen(gen.icmp(LLVMIntSLT, col, gen.int(n))) { store(col, v) } }
        }
    }

    /// The tiled GEMM with its epilogue; `store(row, firstColumn, vector)` writes 16 f32 results
    /// (some of them past n when n is not a multiple of 16). The packed weight has exactly n
    /// columns per row; the last vector of a row is read with a masked load when n % 16 != 0.
    func gemmInt8(_ g: GEMMGeometry, a: LLVMValueRef, b: LLVMValueRef, n: Int, colScale: LLVMValueRef,
                  colOffset: LLVMValueRef, relu: Bool, store: (LLVMValueRef, LLVMValueRef, LLVMValueRef) -> Void) {
        let lanes = KernelEmitter.lanes, mr = KernelEmitter.tileRows
        let v32 = LLVMVectorType(gen.i32, UInt32(lanes))!, vf = LLVMVectorType(gen.f32, UInt32(lanes))!
        let v32Ptr = LLVMPointerType(v32, 0)!, vfPtr = LLVMPointerType(vf, 0)!
        let i32Ptr = LLVMPointerType(gen.i32, 0)!
        let zero = LLVMConstNull(v32)!
        let columns = n
        let fullBlocks = n / QuantizedLayout.columnBlock
        let tailVectors = (n % QuantizedLayout.columnBlock + lanes - 1) / lanes
        let partialLanes = n % lanes
        let maskedLoad = gen.declareExternal("llvm.masked.load.v16i32.p0v16i32", returns: v32,
                                             params: [v32Ptr, gen.i32, LLVMVectorType(LLVMInt1TypeInContext(gen.context), UInt32(lanes))!, v32])
        var maskBits: [LLVMValueRef?] = (0..<lanes).map { LLVMConstInt(LLVMInt1TypeInContext(gen.context), $0 < partialLanes ? 1 : 0, 0) }
        let tailMask = maskBits.withUnsafeMutableBufferPointer { LLVMConstVector($0.baseAddress, UInt32(lanes))! }
        let (tileLo, tileHi) = g.tiles ?? (gen.int(0), gen.sdiv(gen.add(g.rows, gen.int(mr - 1)), gen.int(mr)))
        let lastRow = gen.sub(g.rows, gen.int(1))
        // One column block of `vectorsPerBlock` vectors: full blocks of 4 in a loop, then the
        // tail of 16-column vectors (the last one masked when n % 16 != 0), so small layers stay small.
        func emitBlock(_ col0: LLVMValueRef, _ vectorsPerBlock: Int, partialLast: Bool = false) {
            gen.loop(tileLo, tileHi) { tile in
                // Rows past the end repeat the last row (valid memory); their results are not stored.
                let rows = (0..<mr).map { i in gen.imin(gen.add(gen.mul(tile, gen.int(mr)), gen.int(i)), lastRow) }
                let bases = rows.map(g.rowBase)
                let acc = (0..<(mr * vectorsPerBlock)).map { _ in gen.slot(zero) }
                for s in 0..<g.segments {
                    let segment = g.segmentOffset(s)
                    let rowPtrs = bases.map { gen.gep(a, gen.add($0, segment), element: gen.i8) }
                    gen.loop(gen.int(0), gen.int(g.groups)) { group in
                        // Packed weight: i32 lane (k / 4, column), 4 bytes each.
                        let k4 = gen.add(gen.int(s * g.groups), group)
                        let rowStart = gen.add(gen.mul(k4, gen.int(columns)), col0)
                        let wv = (0..<vectorsPerBlock).map { j -> LLVMValueRef in
                            let ptr = gen.bitcast(gen.gep(b, gen.add(rowStart, gen.int(j * lanes)), element: gen.i32), v32Ptr)
                            if partialLast && j == vectorsPerBlock - 1 {
                                return gen.call(maskedLoad, [ptr, gen.int32(4), tailMask, zero])
                            }
                            let load = LLVMBuildLoad2(gen.builder, v32, ptr, "")!
                            LLVMSetAlignment(load, 4)
                            return load
                        }
                        for (i, rowPtr) in rowPtrs.enumerated() {
                            let p = gen.bitcast(gen.gep(rowPtr, gen.mul(group, gen.int(4)), element: gen.i8), i32Ptr)
                            let word = LLVMBuildLoad2(gen.builder, gen.i32, p, "")!
                            LLVMSetAlignment(word, 1)
                            let splat = self.splat(word, v32)
                            for j in 0..<vectorsPerBlock {
                                let slot = acc[i * vectorsPerBlock + j]
                                gen.write(slot, dotAccumulate(gen.read(slot), splat, wv[j], v32))
                            }
                        }
                    }
                }
                // Epilogue: dequantize, bias, activation, store the rows that exist.
                for j in 0..<vectorsPerBlock {
                    let colBase = gen.add(col0, gen.int(j * lanes))
                    let loadF = { (arr: LLVMValueRef) -> LLVMValueRef in
                        let l = LLVMBuildLoad2(gen.builder, vf, gen.bitcast(gen.gep(arr, colBase, element: gen.f32), vfPtr), "")!
                        LLVMSetAlignment(l, 4)
                        return l
                    }
                    let sc = loadF(colScale), off = loadF(colOffset)
                    for i in 0..<mr {
                        let row = gen.add(gen.mul(tile, gen.int(mr)), gen.int(i))
                        let f = LLVMBuildSIToFP(gen.builder, gen.read(acc[i * vectorsPerBlock + j]), vf, "")!
                        var y = gen.fadd(gen.fmul(f, sc), off)
                        if relu {
                            let zf = LLVMConstNull(vf)!
                            y = gen.select(gen.fcmp(LLVMRealOGT, y, zf), y, zf)
                        }
                        gen.ifThen(gen.icmp(LLVMIntSLT, row, g.rows)) { store(row, colBase, y) }
                    }
                }
            }
        }
        gen.loop(gen.int(0), gen.int(fullBlocks)) { block in
            emitBlock(gen.mul(block, gen.int(QuantizedLayout.columnBlock)), QuantizedLayout.columnBlock / lanes)
        }
        if tailVectors > 0 { emitBlock(gen.int(fullBlocks * QuantizedLayout.columnBlock), tailVectors, partialLast: partialLanes != 0) }
    }

    func splat(_ scalar: LLVMValueRef, _ vectorType: LLVMTypeRef) -> LLVMValueRef {
        let undef = LLVMGetUndef(vectorType)!
        let one = LLVMBuildInsertElement(gen.builder, undef, scalar, gen.int32(0), "")!
        let mask = LLVMConstNull(LLVMVectorType(gen.i32, LLVMGetVectorSize(vectorType)))!
        return LLVMBuildShuffleVector(gen.builder, one, undef, mask, "")!
    }

    /// acc + per-lane sum of 4 u8 x s8 products: `vpdpbusd` with VNNI; otherwise the same
    /// arithmetic spelled with widening multiplies (LLVM picks pmaddubsw-free code, since
    /// pmaddubsw saturates at i16 and would be wrong for 255 * -128 pairs).
    func dotAccumulate(_ acc: LLVMValueRef, _ a: LLVMValueRef, _ b: LLVMValueRef, _ v32: LLVMTypeRef) -> LLVMValueRef {
        if gen.target.hasVNNI512 {
            let fn = gen.declareExternal("llvm.x86.avx512.vpdpbusd.512", returns: v32, params: [v32, v32, v32])
            return gen.call(fn, [acc, a, b])
        }
        let lanes = Int(LLVMGetVectorSize(v32))
        let bytes = LLVMVectorType(gen.i8, UInt32(lanes * 4))!, wide = LLVMVectorType(gen.i32, UInt32(lanes * 4))!
        let ua = LLVMBuildZExt(gen.builder, gen.bitcast(a, bytes), wide, "")!
        let sb = LLVMBuildSExt(gen.builder, gen.bitcast(b, bytes), wide, "")!
        let prod = gen.mul(ua, sb)
        var sum = acc
        for j in 0..<4 {
            var mask: [LLVMValueRef?] = (0..<lanes).map { gen.int32($0 * 4 + j) }
            let m = mask.withUnsafeMutableBufferPointer { LLVMConstVector($0.baseAddress, UInt32(lanes))! }
            sum = gen.add(sum, LLVMBuildShuffleVector(gen.builder, prod, LLVMGetUndef(wide), m, "")!)
        }
        return sum
    }
}
