import MIR

// Placeholder until the autodiff and trainrt branches are merged (replaced at the merge).
func addTraining(to module: Module, forward: String, loss: LossFunction, frozen: Set<String>, buffers: Set<String>) throws {
    throw RunFailure("this mcc was built without training support")
}

extension ModelInstance {
    func setOptimizer(_ settings: OptimizerSettings) throws(LibraryError) {
        throw LibraryError("this mcc was built without training support")
    }
}
