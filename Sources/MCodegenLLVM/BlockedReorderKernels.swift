internal import CLLVM
import MIR

/// The reorders between NCHW and the blocked NCHWc layout. A full channel block of one image is
/// a b x (h*w) matrix in NCHW and its transpose, (h*w) x b, in NCHWc, so both reorders move b x b
/// tiles: b vector loads, an in-register transpose, b vector stores (instead of b*b scalar
/// loads and stores). The pixels past the last whole tile, and a partial last block (whose
/// padding channels are zero in NCHWc), take a scalar loop.
extension KernelEmitter {
    /// Transposes b rows of b lanes (b a power of two): log2(b) rounds of pairing row i with
    /// row i + b/2 and interleaving their low halves, then their high halves (a perfect shuffle).
    func transposeBlock(_ rows: [LLVMValueRef], b: Int) -> [LLVMValueRef] {
        let half = b / 2
        func mask(_ offset: Int) -> LLVMValueRef {
            var lanes: [LLVMValueRef?] = []
            for j in 0..<b {
                let lane: Int = (j % 2 == 0 ? 0 : b) + offset + j / 2
                lanes.append(gen.int32(lane))
            }
            return lanes.withUnsafeMutableBufferPointer { LLVMConstVector($0.baseAddress, UInt32(b))! }
        }
        let lo = mask(0), hi = mask(half)
        var r = rows
        for _ in 0..<(b.trailingZeroBitCount) {
            r = (0..<half).flatMap { i in
                [LLVMBuildShuffleVector(gen.builder, r[i], r[i + half], lo, "")!, LLVMBuildShuffleVector(gen.builder, r[i], r[i + half], hi, "")!]
            }
        }
        return r
    }

    func emitToNCHWc(_ ctx: KernelContext, out: LLVMValueRef, x: LLVMValueRef, xType: TensorType, outType: TensorType) {
        emitReorder(ctx, toBlocked: true, out: out, x: x, nchw: xType, blocked: outType)
    }

    func emitFromNCHWc(_ ctx: KernelContext, out: LLVMValueRef, x: LLVMValueRef, xType: TensorType, outType: TensorType) {
        emitReorder(ctx, toBlocked: false, out: out, x: x, nchw: outType, blocked: xType)
    }

    /// One part per (image, channel block).
    private func emitReorder(_ ctx: KernelContext, toBlocked: Bool, out: LLVMValueRef, x: LLVMValueRef, nchw: TensorType, blocked: TensorType) {
        let ns = nchw.shape.map(ctx.dim), bs = blocked.shape.map(ctx.dim)
        let (c, cb, plane) = (ns[1], bs[1], gen.mul(ns[2], ns[3]))
        let b = blocked.shape[4].constantValue ?? 16
        let vec = LLVMVectorType(gen.f32, UInt32(b))!
        gen.parallelLoop(gen.int(0), gen.mul(ns[0], cb)) { ncb in
            let n = gen.sdiv(ncb, cb), blk = LLVMBuildSRem(gen.builder, ncb, cb, "")!
            let real = gen.imin(gen.int(b), gen.sub(c, gen.mul(blk, gen.int(b))))
            let blockedBase = gen.mul(ncb, gen.mul(plane, gen.int(b)))                    // (n, blk, 0, 0, 0)
            let nchwBase = gen.mul(gen.add(gen.mul(n, c), gen.mul(blk, gen.int(b))), plane) // (n, blk * b, 0, 0)
            func nchwAt(_ ci: LLVMValueRef, _ p: LLVMValueRef) -> LLVMValueRef { gen.add(gen.add(nchwBase, gen.mul(ci, plane)), p) }
            func blockedAt(_ p: LLVMValueRef, _ ci: LLVMValueRef) -> LLVMValueRef { gen.add(blockedBase, gen.add(gen.mul(p, gen.int(b)), ci)) }
            func copy(_ ci: LLVMValueRef, _ p: LLVMValueRef) {
                if toBlocked { gen.store(gen.load(x, nchwAt(ci, p)), out, blockedAt(p, ci)) }
                else { gen.store(gen.load(x, blockedAt(p, ci)), out, nchwAt(ci, p)) }
            }
            let full = gen.icmp(LLVMIntEQ, real, gen.int(b))
            gen.ifThen(full) {
                let tiles = gen.sdiv(plane, gen.int(b))
                gen.loop(gen.int(0), tiles) { t in
                    let p0 = gen.mul(t, gen.int(b))
                    // Row k: channel k's b pixels (to NCHWc) or pixel k's b channels (from it).
                    let rows = (0..<b).map { k in
                        blockLoad(vec, x, toBlocked ? nchwAt(gen.int(k), p0) : blockedAt(gen.add(p0, gen.int(k)), gen.int(0)))
                    }
                    for (k, v) in transposeBlock(rows, b: b).enumerated() {
                        blockStore(v, out, toBlocked ? blockedAt(gen.add(p0, gen.int(k)), gen.int(0)) : nchwAt(gen.int(k), p0))
                    }
                }
                gen.loop(gen.mul(tiles, gen.int(b)), plane) { p in for ci in 0..<b { copy(gen.int(ci), p) } }
            }
            gen.ifThen(LLVMBuildNot(gen.builder, full, "")!) {
                gen.loop(gen.int(0), real) { ci in gen.loop(gen.int(0), plane) { p in copy(ci, p) } }
                if toBlocked {
                    let zero = gen.constant(0, gen.f32)
                    gen.loop(gen.int(0), plane) { p in gen.loop(real, gen.int(b)) { ci in gen.store(zero, out, blockedAt(p, ci)) } }
                }
            }
        }
    }
}
