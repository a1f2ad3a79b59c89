import Testing
import MIR
@testable import MPasses

/// The train/loss function signatures of the training contract, and LossSpec parsing.
@Suite struct TrainingFunctionTests {
    static let text = """
    module @m

    param @fc.weight : f32[4, 3] = constant(0.1)
    param @fc.bias : f32[3] = zeros
    param @bn.weight : f32[3] = constant(1.0)
    param @bn.bias : f32[3] = zeros
    param @bn.running_mean : f32[3] = zeros
    param @bn.running_var : f32[3] = constant(1.0)
    param @unused : f32[2] = zeros

    func @Net(%x: f32[batch, 4]) -> (logits: f32[batch, 3], hidden: f32[batch, 3]) {
      %0 = param @fc.weight : f32[4, 3]
      %1 = matmul %x, %0 : f32[batch, 3]
      %2 = param @fc.bias : f32[3]
      %3 = add %1, %2 : f32[batch, 3]
      %4 = param @bn.weight : f32[3]
      %5 = param @bn.bias : f32[3]
      %6 = param @bn.running_mean : f32[3]
      %7 = param @bn.running_var : f32[3]
      %8 = batch_norm %3, %4, %5, %6, %7 {epsilon = 1e-05, momentum = 0.1} : f32[batch, 3]
      %9 = dropout %8 {ratio = 0.5} : f32[batch, 3]
      %10 = dropout %9 {ratio = 0.2} : f32[batch, 3]
      return %10, %3
    }
    """

    @Test func signaturesFollowTheContract() throws {
        let module = try parseModule(text: Self.text, path: "m.mir")
        let (train, loss) = try addTrainingFunctions(to: module, forward: "Net", loss: LossSpec(kind: .crossEntropy(labelSmoothing: 0.1)))
        #expect(train.name == "Net.train" && loss.name == "Net.loss")
        #expect(train.arguments.map(\.name) == ["x", "target", "seed"])
        #expect(train.arguments[1].type == TensorType(.i64, [.symbol("batch")]))
        #expect(train.arguments[2].type == TensorType(.i64, static: [1]))
        #expect(train.results.map(\.name) == ["loss", "grad.fc.weight", "grad.fc.bias", "grad.bn.weight", "grad.bn.bias",
                                              "state.bn.running_mean", "state.bn.running_var", "out.logits", "out.hidden"])
        #expect(train.type(of: train.results[0].value) == TensorType(.f32, static: [1]))
        #expect(loss.arguments.map(\.name) == ["x", "target"])
        #expect(loss.results.map(\.name) == ["loss", "out.logits", "out.hidden"])
        // Training mode: no batch_norm left, both dropouts seeded (with different seeds).
        #expect(!train.ops.contains { $0.kind == .batchNorm })
        let seeded = train.ops.filter { $0.kind == .dropout && $0.operands.count == 2 && $0.operands[0] != $0.result }
        #expect(Set(seeded.prefix(2).map { $0.operands[1] }).count == 2)
        // Inference mode keeps the inference ops for lower-inference.
        #expect(loss.ops.contains { $0.kind == .batchNorm })
        try module.verify()
        try PassManager(pipeline: PassRegistry.defaultPipeline).run(on: module)
    }

    @Test func frozenAndOutputSelection() throws {
        let module = try parseModule(text: Self.text, path: "m.mir")
        let (train, _) = try addTrainingFunctions(to: module, forward: "Net", output: "hidden", loss: LossSpec(kind: .mse, reduction: .sum),
                                                  isTrainable: { !$0.hasPrefix("fc.") })
        // The loss reads `hidden`, which depends only on fc (frozen): no gradients at all.
        #expect(train.results.map(\.name) == ["loss", "state.bn.running_mean", "state.bn.running_var", "out.logits", "out.hidden"])
        #expect(train.arguments[1].type == TensorType(.f32, [.symbol("batch"), .constant(3)]))
    }

    @Test func errorsNameTheProblem() throws {
        let module = try parseModule(text: Self.text, path: "m.mir")
        #expect(throws: TrainingError.self) { try addTrainingFunctions(to: module, forward: "Nope", loss: LossSpec(kind: .mse)) }
        #expect(throws: TrainingError.self) { try addTrainingFunctions(to: module, forward: "Net", output: "nope", loss: LossSpec(kind: .mse)) }
        _ = try addTrainingFunctions(to: module, forward: "Net", loss: LossSpec(kind: .l1))
        #expect(throws: TrainingError.self) { try addTrainingFunctions(to: module, forward: "Net", loss: LossSpec(kind: .l1)) }
    }

    @Test func nonDifferentiableOpOnTheLossPathIsAnError() throws {
        let module = try parseModule(text: """
        module @r
        param @w : f32[3] = zeros
        func @R(%x: f32[b, 3]) -> (y: f32[b, 3]) {
          %0 = param @w : f32[3]
          %1 = add %x, %0 : f32[b, 3]
          %2 = round %1 : f32[b, 3]  loc("r.m":4:9)
          return %2
        }
        """, path: "r.mir")
        do {
            _ = try addTrainingFunctions(to: module, forward: "R", loss: LossSpec(kind: .mse))
            Issue.record("expected an error")
        } catch let error as TrainingError {
            #expect(error.message.contains("r.m:4:9") && error.message.contains("'round'"))
        }
    }

    @Test(arguments: [
        ("cross_entropy", LossSpec(kind: .crossEntropy(labelSmoothing: 0))),
        ("cross_entropy:0.1,sum", LossSpec(kind: .crossEntropy(labelSmoothing: 0.1), reduction: .sum)),
        ("bce", LossSpec(kind: .binaryCrossEntropy(fromLogits: false))),
        ("bce_logits", LossSpec(kind: .binaryCrossEntropy(fromLogits: true))),
        ("mse", LossSpec(kind: .mse)), ("l1,mean", LossSpec(kind: .l1)),
        ("huber", LossSpec(kind: .huber(delta: 1))), ("huber:0.5", LossSpec(kind: .huber(delta: 0.5))),
    ])
    func lossSpecParses(_ text: String, _ expected: LossSpec) {
        #expect(LossSpec(parsing: text) == expected)
    }

    @Test(arguments: ["", "mse:1", "huber:-1", "cross_entropy:1.5", "bce,avg", "hinge"])
    func badLossSpecIsRejected(_ text: String) { #expect(LossSpec(parsing: text) == nil) }
}
