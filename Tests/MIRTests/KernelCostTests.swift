import Testing
@testable import MIR

/// The thread-split cost model (KernelCost): work per op from its types, and which grain
/// (loop or GEMM) decides the split.
@Suite struct KernelCostTests {
    static let text = """
    module @m

    param @w : f32[16, 6, 5, 5] = zeros
    param @dw : f32[32, 1, 3, 3] = zeros
    param @fc : f32[400, 120] = zeros

    func @f(%x: f32[batch, 6, 14, 14], %y: f32[batch, 32, 8, 8], %z: f32[batch, 400], %i: i64[batch, 400], %j: i64[400, 3]) -> (a: f32[batch, 16, 10, 10], b: f32[batch, 32, 8, 8], c: f32[batch, 120], d: f32[batch, 32, 4, 4], e: f32[batch, 32], g: i64[batch, 3], h: f32[batch, 400]) {
      %0 = param @w : f32[16, 6, 5, 5]
      %1 = conv2d %x, %0 {dilations = [1, 1], groups = 1, pads = [0, 0, 0, 0], strides = [1, 1]} : f32[batch, 16, 10, 10]
      %2 = param @dw : f32[32, 1, 3, 3]
      %3 = conv2d %y, %2 {dilations = [1, 1], groups = 32, pads = [1, 1, 1, 1], strides = [1, 1]} : f32[batch, 32, 8, 8]
      %4 = param @fc : f32[400, 120]
      %5 = matmul %z, %4 : f32[batch, 120]
      %6 = max_pool2d %3 {ceil_mode = 0, dilations = [1, 1], kernel = [2, 2], pads = [0, 0, 0, 0], strides = [2, 2]} : f32[batch, 32, 4, 4]
      %7 = reduce_sum %y {axes = [2, 3], keepdims = 0} : f32[batch, 32]
      %8 = matmul %i, %j : i64[batch, 3]
      %9 = relu %z : f32[batch, 400]
      return %1, %3, %5, %6, %7, %8, %9
    }

    """

    func costs() throws -> [KernelCost] {
        let f = try parseModule(text: Self.text, path: "cost.mir").functions[0]
        return f.ops.filter { $0.kind != .param }.map { $0.kernelCost(in: f) }
    }

    @Test func workCountsMultiplyAdds() throws {
        let n = Dim.symbol("batch")
        let c = try costs()
        #expect(c.map(\.work) == [
            n * .constant(16 * 10 * 10 * 150),   // conv: output x c*kh*kw
            n * .constant(32 * 8 * 8 * 9),       // depthwise: output x kh*kw
            n * .constant(120 * 400) + .constant(4 * 400 * 120),   // matmul: output x k, + reading B
            n * .constant(32 * 4 * 4 * 4),       // pooling: output x window
            n * .constant(32 * 8 * 8),           // reduction: its input
            n * .constant(3 * 400) + .constant(4 * 400 * 3),
            n * .constant(400),                  // elementwise: its output
        ])
    }

    @Test func gemmKernelsSplitLater() throws {
        let c = try costs()
        // Float GEMM-backed kernels (ungrouped conv, matmul) use the GEMM grain; grouped conv,
        // integer matmul (a plain loop nest), pooling, reductions and elementwise the loop grain.
        #expect(c.map(\.grain) == [KernelCost.gemmGrain, KernelCost.loopGrain, KernelCost.gemmGrain, KernelCost.loopGrain,
                                   KernelCost.loopGrain, KernelCost.loopGrain, KernelCost.loopGrain])
        #expect(KernelCost.loopGrain < KernelCost.gemmGrain)
        // Ungrouped convolutions split images from the loop grain when the batch is >= 2.
        #expect(c.map(\.batchedGrain) == [KernelCost.loopGrain, nil, nil, nil, nil, nil, nil])
    }

    /// scatter_add never splits; lstm_sequence splits each time step itself (one pool task per step).
    @Test func onlyScatterAddAndRecurrencesNeverSplitWhole() {
        #expect(!OpKind.scatterAdd.splits)
        #expect(OpKind.allCases.filter { !$0.splits } == [.scatterAdd, .lstmSequence])
    }
}

/// Attention's work is both products plus the softmax, over the logical [b, h, sq, sk] scores
/// its perms describe, and it splits from the loop grain (its kernel makes no GEMM calls).
@Test func attentionWorkCountsBothProducts() throws {
    let f = try parseModule(text: """
    module @m

    func @f(%q: f32[batch, 7, 2, 16], %k: f32[batch, 9, 2, 16], %v: f32[batch, 2, 9, 8]) -> (y: f32[batch, 7, 2, 8]) {
      %0 = attention %q, %k, %v {k_perm = [0, 2, 1, 3], out_perm = [0, 2, 1, 3], q_perm = [0, 2, 1, 3]} : f32[batch, 7, 2, 8]
      return %0
    }

    """, path: "attention.mir").functions[0]
    let cost = f.ops[0].kernelCost(in: f)
    #expect(cost.work == Dim.symbol("batch") * .constant(2 * 7 * 9 * (16 + 8 + 4)))
    #expect(cost.grain == KernelCost.loopGrain)
}

/// A matmul reading a large 2-D weight (MLP's 784x512) splits from the streaming grain, so
/// batch 1 (2.0M) splits; a smaller weight (the LSTM-sized 128x512) and a batched B keep the
/// GEMM grain.
@Test func largeWeightMatmulsSplitFromTheStreamingGrain() throws {
    let f = try parseModule(text: """
    module @m

    param @big : f32[784, 512] = zeros
    param @small : f32[128, 512] = zeros

    func @f(%x: f32[batch, 784], %h: f32[batch, 128], %a: f32[4, 64, 784], %b: f32[4, 784, 512]) -> (y: f32[batch, 512], z: f32[batch, 512], w: f32[4, 64, 512]) {
      %0 = param @big : f32[784, 512]
      %1 = matmul %x, %0 : f32[batch, 512]
      %2 = param @small : f32[128, 512]
      %3 = matmul %h, %2 : f32[batch, 512]
      %4 = matmul %a, %b : f32[4, 64, 512]
      return %1, %3, %4
    }

    """, path: "streaming.mir").functions[0]
    let costs = f.ops.filter { $0.kind == .matmul }.map { $0.kernelCost(in: f) }
    #expect(costs.map(\.grain) == [KernelCost.streamingGrain, KernelCost.gemmGrain, KernelCost.gemmGrain])
    #expect(costs[0].work == Dim.symbol("batch") * .constant(512 * 784) + .constant(4 * 784 * 512))
    // Batch 1 splits: 2.0M MACs-equivalent >= the streaming grain, < the GEMM grain.
    #expect(512 * 784 + 4 * 784 * 512 >= KernelCost.streamingGrain)
    #expect(512 * 784 + 4 * 784 * 512 < KernelCost.gemmGrain)
    #expect(KernelCost.loopGrain < KernelCost.streamingGrain && KernelCost.streamingGrain < KernelCost.gemmGrain)
}
