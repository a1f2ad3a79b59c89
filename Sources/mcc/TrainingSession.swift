import Foundation

/// One instance of a model compiled with training functions (`--train-loss`), driven through
/// the training C ABI (include/mcc.h, ABI 1.1): what `--finetune` needs to train the pruned
/// model with the same code a user's program would run.
final class TrainingSession {
    private let handle: UnsafeMutableRawPointer
    private var model: OpaquePointer?
    private typealias Create = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<OpaquePointer?>) -> Int32
    private typealias Destroy = @convention(c) (OpaquePointer?) -> Void
    private typealias Threads = @convention(c) (OpaquePointer?, Int32) -> Int32
    private typealias SetOptimizer = @convention(c) (OpaquePointer?, UnsafeRawPointer) -> Int32
    private typealias SetSeed = @convention(c) (OpaquePointer?, UInt64) -> Int32
    private typealias TrainStep = @convention(c) (OpaquePointer?, UnsafeRawPointer, Int32, UnsafeRawPointer, UnsafeMutablePointer<Float>?) -> Int32
    private typealias Run = @convention(c) (OpaquePointer?, UnsafeRawPointer, Int32) -> Int32
    private typealias Output = @convention(c) (OpaquePointer?, Int32, UnsafeMutableRawPointer) -> Int32
    private typealias Save = @convention(c) (OpaquePointer?, UnsafePointer<CChar>) -> Int32
    private typealias LastError = @convention(c) () -> UnsafePointer<CChar>?
    private let destroy: Destroy, setOptimizer: SetOptimizer, setSeed: SetSeed, trainStep: TrainStep
    private let run: Run, output: Output, save: Save, lastError: LastError

    init(path: String, model name: String) throws(RunnerError) {
        guard let h = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .library("cannot load \(path): \(String(cString: dlerror()))")
        }
        handle = h
        func symbol<T>(_ name: String, _: T.Type) throws(RunnerError) -> T {
            guard let s = dlsym(h, name) else { throw .library("\(path) has no \(name)") }
            return unsafeBitCast(s, to: T.self)
        }
        let create = try symbol("mcc_model_create", Create.self)
        destroy = try symbol("mcc_model_destroy", Destroy.self)
        setOptimizer = try symbol("mcc_model_set_optimizer", SetOptimizer.self)
        setSeed = try symbol("mcc_model_set_seed", SetSeed.self)
        trainStep = try symbol("mcc_model_train_step", TrainStep.self)
        run = try symbol("mcc_model_run", Run.self)
        output = try symbol("mcc_model_output", Output.self)
        save = try symbol("mcc_model_save_checkpoint", Save.self)
        lastError = try symbol("mcc_last_error", LastError.self)
        let threads = try symbol("mcc_model_set_num_threads", Threads.self)
        guard create(name, &model) == 0 else { throw .library("mcc_model_create(\(name)): \(errorText())") }
        // One thread: fine-tuning results must not depend on the machine's core count.
        _ = threads(model, 1)
    }

    deinit {
        destroy(model)
        dlclose(handle)
    }

    private func errorText() -> String { lastError().map { String(cString: $0) } ?? "unknown error" }

    private func check(_ status: Int32, _ call: String) throws(RunnerError) {
        guard status == 0 else { throw .library("\(call): \(errorText())") }
    }

    /// Adam (PyTorch defaults) with a constant rate, or cosine decay to zero over `totalSteps`.
    func useAdam(learningRate: Double, totalSteps: Int, seed: UInt64) throws(RunnerError) {
        // mcc_optimizer_config, 112 bytes; offsets from include/mcc.h (natural C alignment).
        let config = UnsafeMutableRawPointer.allocate(byteCount: 112, alignment: 8)
        defer { config.deallocate() }
        config.initializeMemory(as: UInt8.self, repeating: 0, count: 112)
        config.storeBytes(of: Int32(1), toByteOffset: 0, as: Int32.self)  // MCC_OPTIMIZER_ADAM
        config.storeBytes(of: Int32(totalSteps > 1 ? 2 : 0), toByteOffset: 4, as: Int32.self)  // COSINE / CONSTANT
        config.storeBytes(of: learningRate, toByteOffset: 8, as: Double.self)
        config.storeBytes(of: 0.9, toByteOffset: 40, as: Double.self)  // beta1
        config.storeBytes(of: 0.999, toByteOffset: 48, as: Double.self)  // beta2
        config.storeBytes(of: 1e-8, toByteOffset: 56, as: Double.self)  // epsilon
        config.storeBytes(of: Int64(max(totalSteps, 2)), toByteOffset: 88, as: Int64.self)  // total_steps
        try check(setOptimizer(model, UnsafeRawPointer(config)), "mcc_model_set_optimizer")
        try check(setSeed(model, seed), "mcc_model_set_seed")
    }

    /// One optimizer step on a batch; returns the batch loss.
    func step(_ x: HostTensor, labels: [Int64]) throws(RunnerError) -> Float {
        var loss: Float = 0
        let status = DLTensorArg.with(x) { input in
            DLTensorArg.with(labels) { target in trainStep(model, input, 1, target, &loss) }
        }
        try check(status, "mcc_model_train_step")
        return loss
    }

    /// Top-1 class of output 0 for each row of `x`, run in batches of `batch`.
    func predict(_ x: HostTensor, batch: Int) throws(RunnerError) -> [Int] {
        let samples = x.shape.first ?? 0
        var top1: [Int] = []
        for start in stride(from: 0, to: samples, by: batch) {
            let status = DLTensorArg.with(x.rows(start..<min(start + batch, samples))) { input in run(model, input, 1) }
            try check(status, "mcc_model_run")
            let view = UnsafeMutableRawPointer.allocate(byteCount: DLTensorArg.bytes, alignment: 8)
            defer { view.deallocate() }
            try check(output(model, 0, view), "mcc_model_output")
            let ndim = Int(view.load(fromByteOffset: 16, as: Int32.self))
            guard ndim == 2, let dims = view.load(fromByteOffset: 24, as: UnsafePointer<Int64>?.self),
                  let data = view.load(fromByteOffset: 0, as: UnsafeRawPointer?.self) else {
                throw .library("output 0 is not a [batch, classes] tensor")
            }
            let rows = Int(dims[0]), classes = Int(dims[1])
            let p = (data + Int(view.load(fromByteOffset: 40, as: UInt64.self))).assumingMemoryBound(to: Float.self)
            for r in 0..<rows {
                var best = 0
                for c in 1..<classes where p[r * classes + c] > p[r * classes + best] { best = c }
                top1.append(best)
            }
        }
        return top1
    }

    /// Writes the instance's parameters (and optimizer state) as a checkpoint.
    func saveCheckpoint(to path: String) throws(RunnerError) {
        try check(save(model, path), "mcc_model_save_checkpoint")
    }
}

/// Builds the DLTensor (dlpack.h) the C ABI reads for one compact CPU array:
/// data@0, device@8, ndim@16, dtype@20 {code u8, bits u8, lanes u16}, shape@24, strides@32,
/// byte_offset@40; 48 bytes.
enum DLTensorArg {
    static let bytes = 48

    static func with<R>(_ x: HostTensor, _ body: (UnsafeRawPointer) -> R) -> R {
        var values = x.values
        return values.withUnsafeMutableBytes { raw in make(raw.baseAddress, shape: x.shape, code: 2, bits: 32, body) }
    }

    static func with<R>(_ x: [Int64], _ body: (UnsafeRawPointer) -> R) -> R {
        var values = x
        return values.withUnsafeMutableBytes { raw in make(raw.baseAddress, shape: [x.count], code: 0, bits: 64, body) }
    }

    private static func make<R>(_ data: UnsafeMutableRawPointer?, shape: [Int], code: UInt8, bits: UInt8,
                                _ body: (UnsafeRawPointer) -> R) -> R {
        var dims = shape.map(Int64.init)
        let tensor = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 8)
        defer { tensor.deallocate() }
        tensor.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        return dims.withUnsafeMutableBufferPointer { d in
            tensor.storeBytes(of: data, toByteOffset: 0, as: UnsafeMutableRawPointer?.self)
            tensor.storeBytes(of: Int32(1), toByteOffset: 8, as: Int32.self)  // kDLCPU
            tensor.storeBytes(of: Int32(d.count), toByteOffset: 16, as: Int32.self)
            tensor.storeBytes(of: code, toByteOffset: 20, as: UInt8.self)
            tensor.storeBytes(of: bits, toByteOffset: 21, as: UInt8.self)
            tensor.storeBytes(of: UInt16(1), toByteOffset: 22, as: UInt16.self)
            tensor.storeBytes(of: d.baseAddress, toByteOffset: 24, as: UnsafeMutablePointer<Int64>?.self)
            return body(UnsafeRawPointer(tensor))
        }
    }
}
