internal import CLLVM
import Foundation
import MIR

/// mcc's own f32 GEMM (issue #5), emitted through the LLVM C API like every other kernel:
/// BLIS-style loops (NC columns of B, KC of the depth, MC rows of A) around a register-blocked
/// MR x NR microkernel whose accumulators live in vector registers (24 zmm for 12x32 on
/// AVX-512). A is packed into MR-row panels and B into NR-column panels (zero-padded, so the
/// microkernel always computes a full tile and only the store handles edges); the packing
/// buffers come from `aligned_alloc` per call (glibc's heap reuses them between calls).
/// Matmul weights can come packed at compile time (GemmPrepack.swift).
///
/// Tile sizes were chosen by measuring 1024^3 on Zen 4 (see docs/benchmarks.md); the
/// `MCC_GEMM_TILE=MRxNR[xKCxMCxNC]` environment variable overrides them at compile time, for tuning.
struct GemmTiling: Hashable {
    var mr: Int, nr: Int, kc: Int, mc: Int, nc: Int
    /// Floats per vector register: 16 on AVX-512, else 8 (AVX2; LLVM splits it on narrower targets).
    var width: Int

    /// Below this many rows of A a GEMM calls OpenBLAS (see `ownGemm`, the one rule).
    static let minimumRows = 4
    /// Below this N or K a matmul calls OpenBLAS: BERT's per-head attention products
    /// (128x128 by 128x32, 128x32 by 32x128) ran at 35-51 GFLOP/s against OpenBLAS's 60-65.
    static let minimumDepthAndColumns = 64
    /// Below this many output columns (pixels) per call an im2col convolution calls OpenBLAS:
    /// mcc packs the weights on every call, and on 14x14 and 7x7 planes (ResNet's last stages)
    /// that and the 16-column edge tiles cost more than OpenBLAS's GEMM (measured: 7x7 x 512
    /// channels 52 vs 66 GFLOP/s; 28x28 x 128: 82 vs 79).
    static let minimumConvColumns = 256

    static func forTarget(avx512: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> GemmTiling {
        var t = avx512 ? GemmTiling(mr: 12, nr: 32, kc: 384, mc: 144, nc: 1024, width: 16)
                       : GemmTiling(mr: 6, nr: 16, kc: 256, mc: 72, nc: 1024, width: 8)
        if let spec = environment["MCC_GEMM_TILE"] {
            let v = spec.split(separator: "x").compactMap { Int($0) }
            if v.count >= 2, v[0] > 0, v[1] > 0, v[1] % t.width == 0 { t.mr = v[0]; t.nr = v[1] }
            if v.count == 5, v[2] > 0, v[3] > 0, v[4] > 0 { t.kc = v[2]; t.mc = v[3]; t.nc = v[4] }
            // Blocks hold whole panels.
            t.mc = max(t.mr, t.mc / t.mr * t.mr)
            t.nc = max(t.nr, t.nc / t.nr * t.nr)
        }
        return t
    }
}

/// The activation the GEMM's store applies (what `fuse-epilogue` folds into matmul/conv2d).
enum GemmActivation: Hashable {
    case relu
    case clip(min: Double?, max: Double?)
    /// erf form, or the tanh approximation: scalar math (erf/tanh polynomials) that the GEMM
    /// driver applies to each finished strip of C in a loop the loop vectorizer widens.
    case gelu(tanh: Bool)

    init?(_ attributes: Attributes) throws(CodegenError) {
        guard let name = attributes["activation"]?.stringValue else { return nil }
        switch name {
        case "relu": self = .relu
        case "clip": self = .clip(min: attributes["activation_min"]?.floatValue, max: attributes["activation_max"]?.floatValue)
        case "gelu": self = .gelu(tanh: false)
        case "gelu_tanh": self = .gelu(tanh: true)
        default: throw .unsupported("activation '\(name)' (expected relu, clip, gelu or gelu_tanh)")
        }
    }

    var key: String {
        switch self {
        case .relu: return "relu"
        case .clip(let lo, let hi): return "clip\(lo.map { "\($0)" } ?? "")_\(hi.map { "\($0)" } ?? "")"
        case .gelu(let tanh): return tanh ? "gelutanh" : "gelu"
        }
    }

    /// Whether `apply` takes vectors (select-based relu/clip); gelu is applied element-wise.
    var isLaneWise: Bool {
        if case .gelu = self { return false }
        return true
    }
}

/// What the GEMM does to each element of C as it stores it, after the last depth block:
/// C = act(A x B + bias + residual). Bias is per column (a dense layer's) or per row (a
/// convolution's output channels); the residual is a matrix with its own leading dimension
/// (it may be C itself). The kernel's entry takes this value so fusion passes can wire more in.
struct GemmEpilogue {
    enum BiasKind: String { case perColumn = "col", perRow = "row" }
    var bias: (pointer: LLVMValueRef, kind: BiasKind)?
    var residual: (pointer: LLVMValueRef, ld: LLVMValueRef)?
    var activation: GemmActivation?

    static let none = GemmEpilogue()

    /// Names the specialized functions: "" (none), "relu", "row_relu", "col_res_clip0.0_6.0", ...
    var key: String {
        [bias.map { "bias" + $0.kind.rawValue }, residual == nil ? nil : "res", activation?.key].compactMap { $0 }.joined(separator: "_")
    }
    var suffix: String { key.isEmpty ? "" : "_" + key }
    var isEmpty: Bool { bias == nil && residual == nil && activation == nil }
}

/// One GEMM operand: a base pointer and its row and column strides in elements (a transposed
/// operand swaps them).
struct GemmOperand {
    var pointer: LLVMValueRef
    var rowStride: LLVMValueRef
    var columnStride: LLVMValueRef
}

extension KernelEmitter {
    var gemmTiling: GemmTiling { GemmTiling.forTarget(avx512: gen.preferWide) }

    /// C[m, n] (leading dimension ldc) = epilogue(A[m, k] x B[k, n]) with mcc's packed GEMM,
    /// on this kernel part's share: a block of NR-aligned columns when N >= M, else of
    /// MR-aligned rows (each part packs its own panels; nothing is shared between parts).
    /// `split: false` runs the whole GEMM in this part (a caller that already split the work).
    func packedGemm(m: LLVMValueRef, n: LLVMValueRef, k: LLVMValueRef, a: GemmOperand, b: GemmOperand,
                    c: LLVMValueRef, ldc: LLVMValueRef, epilogue: GemmEpilogue = .none, split: Bool = true,
                    prepacked: PrepackedWeight? = nil) {
        let tiling = gemmTiling
        let fn = gemmFunction(tiling, epilogue)
        let null = LLVMConstNull(gen.f32Ptr)!
        let aS = (rs: a.rowStride, cs: a.columnStride), bS = (rs: b.rowStride, cs: b.columnStride)
        func invoke(rows lo: LLVMValueRef, _ hi: LLVMValueRef, columns clo: LLVMValueRef, _ chi: LLVMValueRef) {
            let ap = gen.gep(a.pointer, gen.mul(lo, aS.rs)), bp = gen.gep(b.pointer, gen.mul(clo, bS.cs))
            let cp = gen.gep(c, gen.add(gen.mul(lo, ldc), clo))
            var bias = null
            if let (p, kind) = epilogue.bias { bias = gen.gep(p, kind == .perColumn ? clo : lo) }
            var residual = null
            if let (p, ld) = epilogue.residual { residual = gen.gep(p, gen.add(gen.mul(lo, ld), clo)) }
            // The compile-time packed B only while B is still the library's own parameter.
            var packed = null, npad = gen.int(0)
            if let prepacked {
                packed = gen.select(gen.icmp(LLVMIntEQ, b.pointer, prepacked.pristine), prepacked.packed, null)
                npad = gen.int(prepacked.paddedColumns)
            }
            _ = gen.call(fn, [gen.sub(hi, lo), gen.sub(chi, clo), k, ap, aS.rs, aS.cs, bp, bS.rs, bS.cs, cp, ldc,
                              bias, residual, epilogue.residual?.ld ?? gen.int(0), packed, npad, clo])
        }
        guard gen.partition != nil, split else {
            invoke(rows: gen.int(0), m, columns: gen.int(0), n)
            return
        }
        let byColumns = gen.icmp(LLVMIntSGE, n, m)
        gen.ifThen(byColumns) {
            let (lo, hi) = gen.partRange(gen.int(0), n, align: tiling.nr)
            gen.ifThen(gen.icmp(LLVMIntSLT, lo, hi)) { invoke(rows: gen.int(0), m, columns: lo, hi) }
        }
        gen.ifThen(LLVMBuildNot(gen.builder, byColumns, "")!) {
            let (lo, hi) = gen.partRange(gen.int(0), m, align: tiling.mr)
            gen.ifThen(gen.icmp(LLVMIntSLT, lo, hi)) { invoke(rows: lo, hi, columns: gen.int(0), n) }
        }
    }
}

/// Which GEMM a float matmul runs. `MCC_GEMM=mcc|blas` (read at compile time) forces one, for
/// tests and measurements; the default is `auto`, the measured rule in `matmulGemm`.
enum GemmChoice: String {
    case auto, mcc, blas
    static var fromEnvironment: GemmChoice {
        ProcessInfo.processInfo.environment["MCC_GEMM"].flatMap(GemmChoice.init(rawValue:)) ?? .auto
    }
}

/// The shape class that, with M, N and K, picks mcc's GEMM or OpenBLAS (`ownGemm`).
enum GemmShapeClass {
    /// A matmul: B (K x N) is a weight (possibly packed at compile time) or an input; M, the
    /// batch rows, is often known only at run time.
    case matmul
    /// An im2col convolution: A (output channels x channels * kh * kw) is the weight, packed
    /// on every call, so it needs enough output-pixel columns N to pay for that.
    case convolution
}

extension KernelEmitter {
    /// Whether mcc's GEMM runs C[m, n] = A[m, k] x B[k, n], the one rule for every caller: nil
    /// when it never does (f64, a target without AVX-512, `MCC_GEMM=blas`), else an i1 (a
    /// constant where the shape is static). Measured on Zen 4 (docs/mir.md): f32 with
    /// M >= `GemmTiling.minimumRows` (short M: OpenBLAS's GEMV-like kernels win), K >=
    /// `minimumDepthAndColumns`, and N >= `minimumDepthAndColumns` for a matmul or
    /// `minimumConvColumns` for a convolution; `MCC_GEMM=mcc` forces it.
    func ownGemm(_ dtype: DType, _ shape: GemmShapeClass, m: LLVMValueRef, n: LLVMValueRef, k: LLVMValueRef) -> LLVMValueRef? {
        let choice = GemmChoice.fromEnvironment
        guard dtype == .f32, choice != .blas, gen.preferWide || choice == .mcc else { return nil }
        let yes = LLVMConstInt(gen.i1, 1, 0)!
        if choice == .mcc { return yes }
        let columns = shape == .matmul ? GemmTiling.minimumDepthAndColumns : GemmTiling.minimumConvColumns
        var own = yes
        for (value, minimum) in [(m, GemmTiling.minimumRows), (k, GemmTiling.minimumDepthAndColumns), (n, columns)] {
            if LLVMIsAConstantInt(value) != nil {
                // Static dims decide at compile time (no OpenBLAS-only shape emits mcc's kernel).
                if LLVMConstIntGetSExtValue(value) < minimum { return nil }
                continue
            }
            own = LLVMBuildAnd(gen.builder, own, gen.icmp(LLVMIntSGE, value, gen.int(minimum)), "")!
        }
        return own
    }

    /// C[m, n] = act(A[m, k] x B[k, n] + bias + residual), all row-major and contiguous, on mcc's GEMM or OpenBLAS
    /// (`ownGemm`). A packed-only B (GemmPrepack.swift) always takes mcc's GEMM while it is the
    /// library's own.
    func matmulGemm(_ dtype: DType, a: LLVMValueRef, b: LLVMValueRef, c: LLVMValueRef, m: LLVMValueRef, n: LLVMValueRef,
                    k: LLVMValueRef, bias: LLVMValueRef? = nil, residual: LLVMValueRef? = nil,
                    act: ((LLVMValueRef) -> LLVMValueRef)?, attributes: Attributes,
                    prepacked: PrepackedWeight? = nil) throws(CodegenError) {
        var own = ownGemm(dtype, .matmul, m: m, n: n, k: k)
        // A packed-only B has no original to hand OpenBLAS while it is the library's own.
        if let prepacked, prepacked.packedOnly {
            let pristine = gen.icmp(LLVMIntEQ, b, prepacked.pristine)
            own = own.map { LLVMBuildOr(gen.builder, $0, pristine, "")! } ?? pristine
        }
        guard let own else {
            try partitionedGemm(dtype, a: a, b: b, c: c, m: m, n: n, k: k, bias: bias, residual: residual, act: act)
            return
        }
        var epilogue = GemmEpilogue.none
        epilogue.activation = try GemmActivation(attributes)
        if let bias { epilogue.bias = (bias, .perColumn) }
        if let residual { epilogue.residual = (residual, n) }
        gen.ifThen(own) {
            packedGemm(m: m, n: n, k: k, a: GemmOperand(pointer: a, rowStride: k, columnStride: gen.int(1)),
                       b: GemmOperand(pointer: b, rowStride: n, columnStride: gen.int(1)), c: c, ldc: n, epilogue: epilogue,
                       prepacked: prepacked)
        }
        if LLVMIsAConstantInt(own) != nil && LLVMConstIntGetZExtValue(own) == 1 { return }
        var failure: CodegenError?
        gen.ifThen(LLVMBuildNot(gen.builder, own, "")!) {
            do { try partitionedGemm(dtype, a: a, b: b, c: c, m: m, n: n, k: k, bias: bias, residual: residual, act: act) }
            catch { failure = error as? CodegenError ?? .unsupported("\(error)") }
        }
        if let failure { throw failure }
    }
}
