internal import CLLVM
import MIR

/// Weights packed at compile time. A rank-2 f32 parameter that is the B operand of a matmul
/// mcc's GEMM may run (N, K >= 64 on an AVX-512 target, or `MCC_GEMM=mcc`) or the recurrent
/// weight of an lstm_sequence also gets a copy in
/// the driver's packed-panel layout, a read-only global next to the parameter blob; the original
/// stays in the blob for set_param, training, checkpoints and ONNX export.
///
/// The rule that keeps the copy correct: an instance that writes any parameter first copies the
/// blob (`mcc_rt_own_params`), so the kernel uses the packed copy only while its B operand still
/// points into the library's own blob, and packs at run time otherwise.
///
/// Layout (independent of MC/NC): depth block kb (rows pc ..< pc+kc, kc = min(KC, K - pc)) starts
/// at pc * Npad (Npad = N rounded up to NR); inside it NR-column panel jp starts at jp * kc * NR
/// and holds kc rows of NR floats, zero past N.
struct PrepackedWeight {
    let packed: LLVMValueRef
    /// Where the parameter lives in the library's blob (the pointer the kernel compares to).
    let pristine: LLVMValueRef
    let paddedColumns: Int
}

extension GemmTiling {
    func packB(_ w: [Float], rows k: Int, columns n: Int) -> [Float] {
        let npad = (n + nr - 1) / nr * nr
        var out = [Float](repeating: 0, count: k * npad)
        var pc = 0
        while pc < k {
            let depth = min(kc, k - pc)
            for jp in 0..<(npad / nr) {
                let panel = pc * npad + jp * depth * nr
                for p in 0..<depth {
                    for jj in 0..<nr where jp * nr + jj < n {
                        out[panel + p * nr + jj] = w[(pc + p) * n + jp * nr + jj]
                    }
                }
            }
            pc += depth
        }
        return out
    }
}

extension LLVMCodegen {
    /// Pre-packs the parameters the rule above selects; returns them by parameter name.
    static func prepackWeights(_ module: Module, gen: IRGen, offsets: [String: Int], blob: LLVMValueRef?,
                               data: [String: [UInt8]]) -> [String: PrepackedWeight] {
        guard let blob else { return [:] }
        let choice = GemmChoice.fromEnvironment
        guard choice != .blas, gen.preferWide || choice == .mcc else { return [:] }
        let tiling = GemmTiling.forTarget(avx512: gen.preferWide)
        var names: Set<String> = []
        for f in module.functions {
            var paramOf: [Int: String] = [:]
            for op in f.ops where op.kind == .param { paramOf[op.result.raw] = op.attributes["name"]?.stringValue }
            // lstm_sequence's r [h, 4h] is the B of every step's recurrent GEMM (RecurrentKernels.swift).
            for op in f.ops where op.kind == .lstmSequence {
                guard let name = paramOf[op.operands[1].raw], f.type(of: op.operands[1]).dtype == .f32 else { continue }
                names.insert(name)
            }
            for op in f.ops where op.kind == .matmul {
                guard let name = paramOf[op.operands[1].raw] else { continue }
                let t = f.type(of: op.operands[1])
                guard t.dtype == .f32, t.rank == 2, let k = t.shape[0].constantValue, let n = t.shape[1].constantValue,
                      choice == .mcc || (k >= GemmTiling.minimumDepthAndColumns && n >= GemmTiling.minimumDepthAndColumns)
                else { continue }
                names.insert(name)
            }
        }
        var result: [String: PrepackedWeight] = [:]
        for p in module.parameters where names.contains(p.name) {
            guard let shape = p.type.staticShape, let bytes = data[p.name], let offset = offsets[p.name] else { continue }
            let weights = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let packed = tiling.packB(weights, rows: shape[0], columns: shape[1])
            let raw = packed.withUnsafeBytes { Array($0) }
            let global = gen.blob(raw, name: "mcc_packed_\(p.name)")
            var index: [LLVMValueRef?] = [gen.int(offset)]
            let pristine = index.withUnsafeMutableBufferPointer {
                LLVMConstInBoundsGEP2(gen.i8, LLVMConstBitCast(blob, gen.i8Ptr), $0.baseAddress, 1)!
            }
            result[p.name] = PrepackedWeight(packed: LLVMConstBitCast(global, gen.f32Ptr), pristine: LLVMConstBitCast(pristine, gen.f32Ptr),
                                             paddedColumns: (shape[1] + tiling.nr - 1) / tiling.nr * tiling.nr)
        }
        return result
    }
}
