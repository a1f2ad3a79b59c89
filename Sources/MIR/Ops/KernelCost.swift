/// The cost model behind every kernel's thread split, declared once next to the op table:
/// an op's work per call and the least work for which splitting it across the instance's
/// thread pool pays. The code generator splits a kernel when `work >= grain` at run time
/// (work is symbolic in the batch) and never when `grain` is nil.
///
/// Work counts multiply-adds (or, for loop kernels, element updates weighted by their inner
/// loop): output elements x the reduction or window length. The grains are measured on the
/// 2-core Zen 4 bench machine (docs/benchmarks.md): waking a worker and joining it costs a few
/// microseconds, so a loop kernel splits from ~256K updates (~50 us on one core); a kernel
/// whose parts each call GEMM also packs its operands once per part, and its parts' smaller
/// GEMMs run below peak, so it splits only from ~4M MACs (at 1M the LSTM's [32,128]x[128,512]
/// step GEMMs ran 2x slower on 2 threads than on 1).
public struct KernelCost: Sendable, Equatable {
    /// Multiply-add equivalents of one call.
    public var work: Dim
    /// The least `work` worth splitting; nil: the kernel never splits (it has no partition).
    public var grain: Int?
    /// A lower grain that applies when the result's first dim (the batch) is at least 2:
    /// ungrouped convolutions then give each part whole images, the same GEMMs as one thread
    /// runs (up to 4 parts for small im2col buffers), so they pay like loop kernels (LeNet's b32
    /// first conv, 3.8M MACs, 150 us on one thread).
    public var batchedGrain: Int? = nil

    /// Loop kernels: elementwise, movement, reductions, windows without GEMM.
    public static let loopGrain = 1 << 18
    /// Kernels whose parts each make a GEMM call (matmul, im2col and pointwise convolutions,
    /// the convolution gradients' GEMMs).
    public static let gemmGrain = 1 << 22
    /// Matmuls whose B is a large 2-D matrix (at least `streamingWeight` elements): with a few
    /// rows (batch-1 dense layers) they are bound by reading B, and each part reads only its
    /// columns' share, which on 2 threads then stays in each core's 1 MB L2 between runs, so
    /// they pay like loop kernels, not like packing GEMMs (MLP b1's [1,784]x[784,512] and
    /// [1,512]x[512,512], 2.0M and 1.3M).
    public static let streamingGrain = 1 << 20
    /// Half a Zen 4 core's L2 in f32s. The LSTM's [128,512] step weights (64K) stay below:
    /// at 1M MACs their GEMMs ran 2x slower on 2 threads than on 1.
    public static let streamingWeight = 1 << 17
    /// One time step of a recurrent kernel (lstm_sequence): its recurrent GEMM's MACs. Each
    /// step is its own pool task whose parts run the GEMM from compile-time packed weights
    /// (no per-part packing), so it pays from a batch-1 step ([1,128]x[128,512], 64K MACs).
    public static let recurrentStepGrain = 1 << 15
    /// From this batch on, a recurrent kernel splits batch rows instead: rows are independent
    /// recurrences, so each part runs all steps of its rows (one task, no per-step barrier) with
    /// GEMMs of at least 4 rows on 2 threads.
    public static let recurrentRowSplitBatch = 8

    public init(work: Dim, grain: Int?, batchedGrain: Int? = nil) {
        self.work = work; self.grain = grain; self.batchedGrain = batchedGrain
    }
}

extension OpKind {
    /// Whether the kernel of this op takes a partition at all (see `KernelCost.grain`).
    public var splits: Bool {
        switch self {
        // Updates may hit the same index from any part: one thread keeps the sums exact.
        case .scatterAdd: return false
        // Splits each time step itself (one pool task per step, `recurrentStepGrain`): the
        // steps are sequential, so the whole op is never one partitioned task.
        case .lstmSequence: return false
        default: return true
        }
    }
}

extension Operation {
    /// This op's kernel cost in `f` (see `KernelCost`).
    public func kernelCost(in f: Function) -> KernelCost {
        let out = f.type(of: result)
        guard kind.splits else { return KernelCost(work: out.elementCount, grain: nil) }
        let isFloat = out.dtype == .f32 || out.dtype == .f64
        let groups = attributes["groups"]?.intValue ?? 1
        // Per-output-element reduction length of a filter [cout, cin/groups, kh, kw].
        func filterWork(_ w: ValueID) -> Int { f.type(of: w).staticShape.map { $0.dropFirst().reduce(1, *) } ?? 1 }
        var work = out.elementCount
        var grain = KernelCost.loopGrain
        var batchedGrain: Int?
        switch kind.info.category {
        case .source, .elementwiseUnary, .elementwiseBinary, .movement:
            break
        case .reduction:
            // A reduction's work is its input, however small its result (a bias gradient is [c]).
            if let x = operands.first { work = f.type(of: x).elementCount }
        case .normalization:
            work = out.elementCount * .constant(8)
        case .pooling:
            work = out.elementCount * .constant((attributes["kernel"]?.intsValue ?? [1, 1]).reduce(1, *))
        case .contraction:
            // matmul: the reduction length (64 when symbolic), plus streaming B once whatever
            // the rows: a few rows (batch-1 classifier heads, [1,1280]x[1280,1000]) are bound by
            // reading the weight, ~4 MACs' time per element, which two cores read twice as fast.
            let k = operands.first.flatMap { f.type(of: $0).shape.last?.constantValue } ?? 64
            work = out.elementCount * .constant(k)
            if operands.count > 1 { work = work + f.type(of: operands[1]).elementCount * .constant(4) }
            if isFloat {
                let b = operands.count > 1 ? f.type(of: operands[1]).staticShape : nil
                let streams = b.map { $0.count == 2 && $0.reduce(1, *) >= KernelCost.streamingWeight } ?? false
                grain = streams ? KernelCost.streamingGrain : KernelCost.gemmGrain
            }
        case .convolution:
            switch kind {
            case .conv2dBackwardFilter:
                // Reads every dy element once per filter tap.
                work = f.type(of: operands[1]).elementCount * .constant(out.staticShape.map { $0.dropFirst().reduce(1, *) } ?? 1)
                let perGroup = (out.staticShape?.first ?? 1) / max(groups, 1)
                if isFloat, groups == 1 || perGroup > 1 { grain = KernelCost.gemmGrain }
            case .convTranspose2d:
                // Every input element once per (output channel, tap) of its group.
                work = f.type(of: operands[0]).elementCount * .constant(filterWork(operands[1]))
                if isFloat, groups == 1 { grain = KernelCost.gemmGrain }
            default:
                work = out.elementCount * .constant(filterWork(operands[1]))
                // Grouped (depthwise) convolutions are direct loops; the others are GEMMs.
                if isFloat, groups == 1 { grain = KernelCost.gemmGrain; batchedGrain = KernelCost.loopGrain }
            }
        case .quantized:
            // The reduction length is 4 x the packed weight's first dim; one vpdpbusd does 4
            // MACs, so the work in float-MAC equivalents is the first dim.
            work = out.elementCount * .constant(f.type(of: operands[1]).staticShape?.first ?? 1)
        case .sparse:
            break
        case .attention:
            // Two products of sq x sk x d MACs each, plus the softmax's exps; a loop kernel (no GEMM calls).
            if let l = try? AttentionLayout(attributes) {
                let q = l.logicalShape(f.type(of: operands[0]), l.q), v = l.logicalShape(f.type(of: operands[2]), l.v)
                let k = l.logicalShape(f.type(of: operands[1]), l.k)
                work = q[0] * q[1] * q[2] * k[2] * (q[3] + v[3] + .constant(4))
            }
        case .blocked:
            // conv2d_nchwc is a direct loop kernel (no GEMM parts): output elements x the packed
            // weight's reduction per output channel ([ocb][icb][kh][kw][16][16] or depthwise
            // [cb][kh][kw][16]). The reorders are plain copies.
            if kind == .conv2dNCHWc, let w = f.type(of: operands[1]).staticShape {
                // [ocb][c][kh][kw][16] for an NCHW input.
                work = out.elementCount * .constant(w.count == 6 ? w[1] * w[2] * w[3] * w[4] : w.count == 5 ? w[1] * w[2] * w[3] : w[1] * w[2])
            }
            if kind == .maxPool2dNCHWc || kind == .avgPool2dNCHWc, let k = attributes["kernel"]?.intsValue {
                work = out.elementCount * .constant(k.reduce(1, *))
            }
        case .recurrent:
            // Every step's recurrent GEMM: xw [seq, b, 4h] x h.
            work = f.type(of: operands[0]).elementCount * f.type(of: operands[1]).shape[0]
        }
        return KernelCost(work: work, grain: grain, batchedGrain: batchedGrain)
    }
}
