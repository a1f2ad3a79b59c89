import CMccABI
import MIR
import MPasses

/// Adds `<F>.train` and `<F>.loss` (the autodiff pass's contract) for a host-code loss function.
func addTraining(to module: Module, forward: String, loss: LossFunction, frozen: Set<String>, buffers: Set<String>) throws {
    let kind: LossSpec.Kind
    switch loss.kind {
    case .crossEntropy(let s): kind = .crossEntropy(labelSmoothing: s)
    case .binaryCrossEntropy(let logits): kind = .binaryCrossEntropy(fromLogits: logits)
    case .mse: kind = .mse
    case .l1: kind = .l1
    case .huber(let delta): kind = .huber(delta: delta)
    }
    _ = try addTrainingFunctions(to: module, forward: forward, loss: LossSpec(kind: kind, reduction: loss.sum ? .sum : .mean),
                                 isTrainable: { !frozen.contains($0) && !buffers.contains($0) })
}

extension ModelInstance {
    /// mcc_model_set_optimizer with every field of `mcc_optimizer_config` set.
    public func setOptimizer(_ settings: OptimizerSettings) throws(LibraryError) {
        let f: @convention(c) (Handle?, UnsafePointer<mcc_optimizer_config>?) -> Int32 = try library.symbol("mcc_model_set_optimizer")
        var c = mcc_optimizer_config()
        switch settings.kind {
        case .sgd: c.kind = Int32(MCC_OPTIMIZER_SGD.rawValue)
        case .adam: c.kind = Int32(MCC_OPTIMIZER_ADAM.rawValue)
        case .adamW: c.kind = Int32(MCC_OPTIMIZER_ADAMW.rawValue)
        }
        c.learning_rate = settings.learningRate
        c.weight_decay = settings.weightDecay
        c.momentum = settings.momentum
        c.nesterov = settings.nesterov ? 1 : 0
        c.beta1 = settings.beta1
        c.beta2 = settings.beta2
        c.epsilon = settings.epsilon
        c.warmup_steps = Int64(settings.warmupSteps)
        c.clip_norm = settings.clipNorm
        switch settings.schedule {
        case .constant:
            c.schedule = Int32(MCC_SCHEDULE_CONSTANT.rawValue)
        case .step(let every, let gamma):
            c.schedule = Int32(MCC_SCHEDULE_STEP.rawValue); c.step_size = Int64(every); c.gamma = gamma
        case .cosine(let total, let minLR):
            c.schedule = Int32(MCC_SCHEDULE_COSINE.rawValue); c.total_steps = Int64(total); c.min_lr = minLR
        }
        try library.check(f(handle, &c), "setting the optimizer")
    }
}
