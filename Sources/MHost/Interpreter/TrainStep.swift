import MFrontend
import MIR

/// The paper's training step, recognized in a block so that it runs as one compiled call
/// (mcc_model_train_step: forward, backward and update without the host in between):
///
///     optimizer.zero_grad()
///     outputs = model(batch.x)
///     loss = loss_function(outputs, batch.y)
///     loss.backward()
///     optimizer.step()
///
/// Any other arrangement runs statement by statement (zero_grad, backward, step are separate calls).
struct FusedTrainStep {
    var optimizer: TrainingOptimizer
    var model: ModelRef
    var loss: LossFunction
    var inputs: [Expr]
    var target: Expr
    var outputsName: String
    var lossName: String
    var range: SourceRange
}

extension Interpreter {
    func trainStepPattern(_ s: [Stmt], at i: Int) throws(RunFailure) -> FusedTrainStep? {
        guard i + 4 < s.count,
              case .expression(let zero) = s[i].kind, let o1 = methodCallName(zero, "zero_grad"),
              case .assign(let outTargets, let forward) = s[i + 1].kind, outTargets.count == 1,
              case .identifier(let outputsName) = outTargets[0].kind,
              case .call(let modelExpr, let modelArgs) = forward.kind, case .identifier(let modelName) = modelExpr.kind,
              modelArgs.allSatisfy({ $0.label == nil }),
              case .assign(let lossTargets, let lossCall) = s[i + 2].kind, lossTargets.count == 1,
              case .identifier(let lossName) = lossTargets[0].kind,
              case .call(let lossExpr, let lossArgs) = lossCall.kind, case .identifier(let lossFunctionName) = lossExpr.kind,
              lossArgs.count == 2, lossArgs.allSatisfy({ $0.label == nil }),
              case .identifier(let firstArgument) = lossArgs[0].value.kind, firstArgument == outputsName,
              case .expression(let backward) = s[i + 3].kind, methodCallName(backward, "backward") == lossName,
              case .expression(let step) = s[i + 4].kind, methodCallName(step, "step") == o1
        else { return nil }
        // The names must hold what the pattern means now; otherwise run the statements one by one.
        guard case .optimizer(let optimizer)? = frame[o1], case .model(let model)? = frame[modelName],
              optimizer.model === model, case .lossFunction(let loss)? = frame[lossFunctionName] else { return nil }
        return FusedTrainStep(optimizer: optimizer, model: model, loss: loss, inputs: modelArgs.map(\.value),
                              target: lossArgs[1].value, outputsName: outputsName, lossName: lossName, range: s[i + 3].range)
    }

    /// `receiver.name()` with no arguments, where receiver is a plain name: returns the receiver's name.
    private func methodCallName(_ e: Expr, _ name: String) -> String? {
        guard case .call(let callee, let args) = e.kind, args.isEmpty, case .member(let base, let member) = callee.kind,
              member.name == name, case .identifier(let receiver) = base.kind else { return nil }
        return receiver
    }

    func runFusedStep(_ step: FusedTrainStep) throws(RunFailure) {
        var inputs: [HostTensor] = []
        for e in step.inputs {
            guard let t = try tensor(evaluate(e)) else { throw RunFailure("model '\(step.model.name)' takes tensors", at: e.range) }
            inputs.append(t)
        }
        guard let target = try tensor(evaluate(step.target)) else {
            throw RunFailure("\(step.loss.name): targets must be a tensor", at: step.target.range)
        }
        let value: Float
        do { value = try step.model.trainStep(inputs, target: target, loss: step.loss) } catch var failure {
            if failure.range == nil { failure.range = step.range }
            throw failure
        }
        stepLosses.append(value)
        frame[step.outputsName] = .forward(ForwardResult(model: step.model, inputs: inputs))
        let result = LossResult(model: step.model, inputs: inputs, target: target, function: step.loss)
        result.value = value
        result.backwardDone = true
        frame[step.lossName] = .loss(result)
    }
}
