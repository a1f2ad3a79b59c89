internal import CLLVM
import MIR

/// Weights packed at compile time. A rank-2 f32 parameter that is the B operand of a matmul
/// mcc's GEMM may run (N, K >= 64 on an AVX-512 target, or `MCC_GEMM=mcc`), and the recurrent
/// weight of an lstm_sequence, get a copy in the driver's packed-panel layout, a read-only
/// global next to the parameter blob.
///
/// The rule that keeps the copy correct: an instance that writes any parameter first copies the
/// blob (`mcc_rt_own_params`), so the kernel uses the packed copy only while its B operand still
/// points into the library's own blob, and packs at run time otherwise.
///
/// Packed-only weights: when every reader of the parameter in every function of the module is
/// such a matmul, the blob does not store the original (it would double the .so: BERT 86 -> 44
/// MB). Its offset lies past the stored bytes, the matmul runs mcc's GEMM on the packed copy
/// whatever M is (the pristine pointer still identifies the library's own parameters), and the
/// runtime rebuilds the original (`mcc_desc_packed_params`, unpacked by `mcc_rt_own_params`)
/// only when an instance needs it: writing a parameter, training, reading a parameter view or
/// saving a checkpoint. Such an instance then packs at run time, like any with its own copy.
///
/// Layout (independent of MC/NC): depth block kb (rows pc ..< pc+kc, kc = min(KC, K - pc)) starts
/// at pc * Npad (Npad = N rounded up to NR); inside it NR-column panel jp starts at jp * kc * NR
/// and holds kc rows of NR floats, zero past N.
struct PrepackedWeight {
    let packed: LLVMValueRef
    /// Where the parameter lives in the library's blob (the pointer the kernel compares to).
    let pristine: LLVMValueRef
    let paddedColumns: Int
    /// The blob does not hold the original: the kernel must not call OpenBLAS on `pristine`.
    let packedOnly: Bool
}

/// Which parameters Codegen packs (`packed`), and which of those the blob leaves out (`packedOnly`).
struct PrepackPlan {
    var packed: Set<String> = []
    var packedOnly: Set<String> = []
    /// From this size on a weight that may meet a short M is stored packed only (see above).
    static let packedOnlyShortRowBytes = 4 << 20

    init(_ module: Module, avx512: Bool) {
        let choice = GemmChoice.fromEnvironment
        guard choice != .blas, avx512 || choice == .mcc else { return }
        var rawReaders: Set<String> = []
        for f in module.functions {
            var paramOf: [Int: String] = [:]
            for op in f.ops where op.kind == .param { paramOf[op.result.raw] = op.attributes["name"]?.stringValue }
            for op in f.ops where op.kind != .param {
                for (i, v) in op.operands.enumerated() {
                    guard let name = paramOf[v.raw] else { continue }
                    let t = f.type(of: v)
                    // lstm_sequence's r [h, 4h] is the B of every step's recurrent GEMM from batch 4
                    // (RecurrentKernels.swift); its GEMV for smaller batches reads the original.
                    if op.kind == .lstmSequence, i == 1, t.dtype == .f32 { packed.insert(name); rawReaders.insert(name); continue }
                    // Only the B operand; a bias or residual operand (fuse-epilogue) is read raw.
                    guard i == 1, op.kind == .matmul, f.type(of: op.operands[0]).rank >= 2,
                          t.dtype == .f32, t.rank == 2, let k = t.shape[0].constantValue, let n = t.shape[1].constantValue,
                          choice == .mcc || (k >= GemmTiling.minimumDepthAndColumns && n >= GemmTiling.minimumDepthAndColumns)
                    else { rawReaders.insert(name); continue }
                    packed.insert(name)
                    // Short M (below minimumRows) calls OpenBLAS on the original unless it is
                    // gone: keep it unless M is at least minimumRows for every value of the
                    // symbols (batch * 128), or the weight is so large that mcc's GEMM on the
                    // packed copy beats OpenBLAS at M = 1 too (1280 x 1000, 5 MB: 0.21 vs 0.55
                    // ms; 784 x 512, 1.6 MB: 0.024 vs 0.021 ms).
                    let (rows, _) = splitCoefficient(Array(f.type(of: op.operands[0]).shape.dropLast()).product)
                    if choice != .mcc, rows < GemmTiling.minimumRows, k * n * 4 < PrepackPlan.packedOnlyShortRowBytes {
                        rawReaders.insert(name)
                    }
                }
            }
            // A parameter returned as a result is read raw by the caller.
            for r in f.results { if let name = paramOf[r.value.raw] { rawReaders.insert(name) } }
        }
        packedOnly = packed.subtracting(rawReaders)
    }
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
    /// Packs the parameters `plan` selects; returns them by parameter name. `data` holds their
    /// bytes, `offsets` every parameter's offset in the blob (packed-only ones past its end).
    static func prepackWeights(_ module: Module, plan: PrepackPlan, gen: IRGen, offsets: [String: Int], blob: LLVMValueRef?,
                               data: [String: [UInt8]]) -> [String: PrepackedWeight] {
        guard let blob else { return [:] }
        let tiling = GemmTiling.forTarget(avx512: gen.preferWide)
        var result: [String: PrepackedWeight] = [:]
        for p in module.parameters where plan.packed.contains(p.name) {
            guard let shape = p.type.staticShape, let bytes = data[p.name], let offset = offsets[p.name] else { continue }
            let weights = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let packed = tiling.packB(weights, rows: shape[0], columns: shape[1])
            let raw = packed.withUnsafeBytes { Array($0) }
            let global = gen.blob(raw, name: "mcc_packed_\(p.name)")
            var index: [LLVMValueRef?] = [gen.int(offset)]
            // Not inbounds: a packed-only parameter's offset lies past the blob's end (the
            // pointer is only compared, never read).
            let pristine = index.withUnsafeMutableBufferPointer {
                LLVMConstGEP2(gen.i8, LLVMConstBitCast(blob, gen.i8Ptr), $0.baseAddress, 1)!
            }
            result[p.name] = PrepackedWeight(packed: LLVMConstBitCast(global, gen.f32Ptr), pristine: LLVMConstBitCast(pristine, gen.f32Ptr),
                                             paddedColumns: (shape[1] + tiling.nr - 1) / tiling.nr * tiling.nr,
                                             packedOnly: plan.packedOnly.contains(p.name))
        }
        return result
    }

    /// The runtime's table of packed-only parameters (mcc_runtime_internal.h, `mcc_desc_packed`)
    /// and the number of bytes the blob stores.
    static func emitPackedTable(_ module: Module, gen: IRGen, prepacked: [String: PrepackedWeight], offsets: [String: Int],
                                storedBytes: Int) {
        let tiling = GemmTiling.forTarget(avx512: gen.preferWide)
        let type = LLVMStructCreateNamed(gen.context, "mcc_desc_packed")!
        var fields: [LLVMTypeRef?] = [gen.i8Ptr, gen.i64, gen.i64, gen.i64, gen.i64, gen.i64]
        LLVMStructSetBody(type, &fields, UInt32(fields.count), 0)
        var entries: [LLVMValueRef] = []
        for p in module.parameters {
            guard let w = prepacked[p.name], w.packedOnly, let shape = p.type.staticShape, let offset = offsets[p.name] else { continue }
            entries.append(gen.constStruct(type, [LLVMConstBitCast(w.packed, gen.i8Ptr), gen.int(offset), gen.int(shape[0]), gen.int(shape[1]),
                                                  gen.int(tiling.kc), gen.int(tiling.nr)]))
        }
        let table = entries.isEmpty ? gen.null : LLVMConstBitCast(gen.privateGlobal(gen.constArray(type, entries)), gen.i8Ptr)!
        gen.exportedGlobal("mcc_desc_packed_params", table)
        gen.exportedGlobal("mcc_desc_packed_count", gen.int32(entries.count))
        gen.exportedGlobal("mcc_desc_param_stored_bytes", gen.int(storedBytes))
    }
}
