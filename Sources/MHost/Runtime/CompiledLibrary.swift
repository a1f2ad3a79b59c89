import CMccABI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failure reported by a compiled library (its `mcc_last_error()` text) or by loading it.
public struct LibraryError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A host tensor: f32 or i64 values, row-major, with a concrete shape.
public enum TensorData: Sendable, Equatable {
    case f32([Float])
    case i64([Int64])

    public var count: Int {
        switch self {
        case .f32(let v): v.count
        case .i64(let v): v.count
        }
    }
}

public struct HostTensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: TensorData
    public init(shape: [Int], data: TensorData) { self.shape = shape; self.data = data }

    public var floats: [Float] {
        switch data {
        case .f32(let v): v
        case .i64(let v): v.map(Float.init)
        }
    }
}

/// What a compiled model declares for one input, output or parameter.
public struct TensorSlot: Sendable {
    public var name: String
    /// -1 for a symbolic dim.
    public var dims: [Int]
    public var isFloat: Bool
}

/// Optimizer settings in the terms of the C ABI's `mcc_optimizer_config`.
public struct OptimizerSettings: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case sgd, adam, adamW }
    public enum Schedule: Sendable, Equatable { case constant, step(every: Int, gamma: Double), cosine(totalSteps: Int, minLR: Double) }
    public var kind: Kind
    public var learningRate: Double
    public var momentum = 0.0
    public var nesterov = false
    public var weightDecay = 0.0
    public var beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
    public var schedule = Schedule.constant
    public var warmupSteps = 0
    /// Global-norm gradient clipping; 0 disables it.
    public var clipNorm = 0.0
    public init(kind: Kind, learningRate: Double) { self.kind = kind; self.learningRate = learningRate }
}

/// A compiled model library opened with dlopen. Every unsafe pointer of `mcc run` lives in this
/// type and `ModelInstance`: the rest of MHost sees Swift arrays and typed errors.
public final class CompiledLibrary: @unchecked Sendable {
    public let path: String
    private let handle: UnsafeMutableRawPointer

    public init(path: String) throws(LibraryError) {
        // RTLD_LOCAL: two libraries define the same mcc_* symbols; each is reached only via dlsym.
        guard let h = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw LibraryError("cannot load '\(path)': \(String(cString: dlerror()))")
        }
        self.path = path
        self.handle = h
        let version: @convention(c) () -> UInt32 = try symbol("mcc_abi_version")
        guard version() >> 16 == UInt32(MCC_ABI_VERSION_MAJOR) else {
            throw LibraryError("'\(path)' implements C ABI \(version() >> 16).x; this mcc needs \(MCC_ABI_VERSION_MAJOR).x")
        }
    }

    deinit { dlclose(handle) }

    func symbol<F>(_ name: String) throws(LibraryError) -> F {
        guard let p = dlsym(handle, name) else {
            throw LibraryError("'\(path)' has no function \(name) (built by an mcc without that feature)")
        }
        return unsafeBitCast(p, to: F.self)
    }

    func lastError() -> String {
        guard let f: @convention(c) () -> UnsafePointer<CChar>? = try? symbol("mcc_last_error"), let s = f() else { return "unknown error" }
        return String(cString: s)
    }

    /// Throws the library's message when `status` is not MCC_OK.
    func check(_ status: Int32, _ what: String) throws(LibraryError) {
        if status != 0 { throw LibraryError("\(what): \(lastError())") }
    }

    /// An instance of `model`, or of the library's default model when nil.
    public func makeInstance(model: String?) throws(LibraryError) -> ModelInstance {
        try ModelInstance(library: self, model: model)
    }
}

/// One `mcc_model` instance: its parameters (a per-instance copy once trained) and outputs.
public final class ModelInstance: @unchecked Sendable {
    typealias Handle = OpaquePointer
    public let library: CompiledLibrary
    let handle: Handle
    public let inputs: [TensorSlot]
    public let outputs: [TensorSlot]
    public let parameters: [TensorSlot]

    init(library: CompiledLibrary, model: String?) throws(LibraryError) {
        self.library = library
        let create: @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<Handle?>?) -> Int32 = try library.symbol("mcc_model_create")
        var h: Handle? = nil
        let what = model.map { "creating model '\($0)'" } ?? "creating the default model"
        let status = model.map { name in name.withCString { create($0, &h) } } ?? create(nil, &h)
        try library.check(status, what)
        guard let h else { throw LibraryError("\(what): no instance") }
        handle = h
        typealias Count = @convention(c) (Handle?) -> Int32
        typealias Info = @convention(c) (Handle?, Int32, UnsafeMutablePointer<mcc_tensor_info>?) -> Int32
        func slots(_ count: String, _ info: String) throws(LibraryError) -> [TensorSlot] {
            let n: Count = try library.symbol(count)
            let get: Info = try library.symbol(info)
            var out: [TensorSlot] = []
            for i in 0..<n(h) {
                var t = mcc_tensor_info()
                try library.check(get(h, i, &t), info)
                let dims = (0..<Int(t.ndim)).map { Int(t.dims[$0]) }
                out.append(TensorSlot(name: String(cString: t.name), dims: dims, isFloat: t.dtype.code == UInt8(kDLFloat.rawValue)))
            }
            return out
        }
        inputs = try slots("mcc_model_num_inputs", "mcc_model_input_info")
        outputs = try slots("mcc_model_num_outputs", "mcc_model_output_info")
        parameters = try slots("mcc_model_num_params", "mcc_model_param_info")
    }

    deinit {
        if let destroy: @convention(c) (Handle?) -> Void = try? library.symbol("mcc_model_destroy") { destroy(handle) }
    }

    // MARK: tensors across the ABI

    /// Calls `body` with DLTensors viewing copies of `tensors` (valid only during the call).
    private func withDLTensors<R>(_ tensors: [HostTensor], _ body: (UnsafePointer<DLTensor>) throws(LibraryError) -> R) throws(LibraryError) -> R {
        try PreparedInputs(tensors).withViews(body)
    }

    /// Copies a DLTensor view (f32 or i64) into a host tensor.
    private static func copy(_ view: DLTensor) -> HostTensor {
        let shape = (0..<Int(view.ndim)).map { Int(view.shape[$0]) }
        let count = shape.reduce(1, *)
        let base = view.data.advanced(by: Int(view.byte_offset))
        if view.dtype.code == UInt8(kDLFloat.rawValue) && view.dtype.bits == 32 {
            let p = base.assumingMemoryBound(to: Float.self)
            return HostTensor(shape: shape, data: .f32(Array(UnsafeBufferPointer(start: p, count: count))))
        }
        if view.dtype.code == UInt8(kDLInt.rawValue) && view.dtype.bits == 64 {
            let p = base.assumingMemoryBound(to: Int64.self)
            return HostTensor(shape: shape, data: .i64(Array(UnsafeBufferPointer(start: p, count: count))))
        }
        // Other dtypes are not produced by the models mcc run trains; report them as empty.
        return HostTensor(shape: shape, data: .f32([]))
    }

    // MARK: inference

    /// Runs forward and returns every output.
    public func run(_ inputs: [HostTensor]) throws(LibraryError) -> [HostTensor] {
        let run: @convention(c) (Handle?, UnsafePointer<DLTensor>?, Int32) -> Int32 = try library.symbol("mcc_model_run")
        let h = handle
        try withDLTensors(inputs) { (p) throws(LibraryError) in try library.check(run(h, p, Int32(inputs.count)), "running the model") }
        return try readOutputs()
    }

    /// Runs forward on inputs converted once and reads no outputs: what timed loops call, so that
    /// they measure the model, not the copies.
    public func run(prepared: PreparedInputs) throws(LibraryError) {
        let run: @convention(c) (Handle?, UnsafePointer<DLTensor>?, Int32) -> Int32 = try library.symbol("mcc_model_run")
        let h = handle
        try prepared.withViews { (p) throws(LibraryError) in try library.check(run(h, p, Int32(prepared.count)), "running the model") }
    }

    private func readOutputs() throws(LibraryError) -> [HostTensor] {
        let output: @convention(c) (Handle?, Int32, UnsafeMutablePointer<DLTensor>?) -> Int32 = try library.symbol("mcc_model_output")
        var result: [HostTensor] = []
        for i in 0..<outputs.count {
            var view = DLTensor()
            try library.check(output(handle, Int32(i), &view), "reading output '\(outputs[i].name)'")
            result.append(Self.copy(view))
        }
        return result
    }

    public func setThreads(_ n: Int) throws(LibraryError) {
        let f: @convention(c) (Handle?, Int32) -> Int32 = try library.symbol("mcc_model_set_num_threads")
        try library.check(f(handle, Int32(n)), "setting the thread count")
    }

    // MARK: parameters

    public func parameter(_ index: Int) throws(LibraryError) -> HostTensor {
        let f: @convention(c) (Handle?, Int32, UnsafeMutablePointer<DLTensor>?) -> Int32 = try library.symbol("mcc_model_param")
        var view = DLTensor()
        try library.check(f(handle, Int32(index), &view), "reading parameter '\(parameters[index].name)'")
        return Self.copy(view)
    }

    public func setParameter(_ index: Int, _ value: HostTensor) throws(LibraryError) {
        let f: @convention(c) (Handle?, Int32, UnsafePointer<DLTensor>?) -> Int32 = try library.symbol("mcc_model_set_param")
        let h = handle
        try withDLTensors([value]) { (p) throws(LibraryError) in try library.check(f(h, Int32(index), p), "setting parameter '\(parameters[index].name)'") }
    }

    // MARK: training (C ABI 1.1)

    public var hasTraining: Bool {
        guard let f: @convention(c) (Handle?) -> Int32 = try? library.symbol("mcc_model_has_training") else { return false }
        return f(handle) != 0
    }

    typealias StepFn = @convention(c) (Handle?, UnsafePointer<DLTensor>?, Int32, UnsafePointer<DLTensor>?, UnsafeMutablePointer<Float>?) -> Int32

    /// Calls a (inputs, target) -> loss entry point.
    private func lossCall(_ name: String, _ inputs: [HostTensor], _ target: HostTensor, _ what: String) throws(LibraryError) -> Float {
        let f: StepFn = try library.symbol(name)
        let h = handle
        var loss: Float = 0
        try withDLTensors(inputs + [target]) { (p) throws(LibraryError) in
            try library.check(f(h, p, Int32(inputs.count), p.advanced(by: inputs.count), &loss), what)
        }
        return loss
    }

    /// Forward, backward and update in one call.
    public func trainStep(_ inputs: [HostTensor], target: HostTensor) throws(LibraryError) -> Float {
        try lossCall("mcc_model_train_step", inputs, target, "training step")
    }

    /// Accumulates gradients of the loss on this batch.
    public func backward(_ inputs: [HostTensor], target: HostTensor) throws(LibraryError) -> Float {
        try lossCall("mcc_model_backward", inputs, target, "backward")
    }

    /// Inference-mode loss; the outputs are then readable.
    public func evaluate(_ inputs: [HostTensor], target: HostTensor) throws(LibraryError) -> (loss: Float, outputs: [HostTensor]) {
        let loss = try lossCall("mcc_model_evaluate", inputs, target, "evaluating the loss")
        return (loss, try readOutputs())
    }

    public func zeroGrad() throws(LibraryError) {
        let f: @convention(c) (Handle?) -> Int32 = try library.symbol("mcc_model_zero_grad")
        try library.check(f(handle), "zero_grad")
    }

    public func optimizerStep() throws(LibraryError) {
        let f: @convention(c) (Handle?) -> Int32 = try library.symbol("mcc_model_optimizer_step")
        try library.check(f(handle), "optimizer step")
    }

    public func setSeed(_ seed: UInt64) throws(LibraryError) {
        let f: @convention(c) (Handle?, UInt64) -> Int32 = try library.symbol("mcc_model_set_seed")
        try library.check(f(handle, seed), "setting the seed")
    }

    public func learningRate() -> Double? {
        guard let f: @convention(c) (Handle?) -> Double = try? library.symbol("mcc_model_learning_rate") else { return nil }
        return f(handle)
    }

    /// Freezes (or unfreezes) the parameters under a layer-name prefix; returns how many matched.
    public func freeze(prefix: String, frozen: Bool) throws(LibraryError) -> Int {
        let f: @convention(c) (Handle?, UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<Int32>?) -> Int32 = try library.symbol("mcc_model_freeze")
        var count: Int32 = 0
        let h = handle
        let status = prefix.withCString { f(h, $0, frozen ? 1 : 0, &count) }
        try library.check(status, "freezing '\(prefix)'")
        return Int(count)
    }

    public func saveCheckpoint(_ path: String) throws(LibraryError) {
        let f: @convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32 = try library.symbol("mcc_model_save_checkpoint")
        let h = handle
        try library.check(path.withCString { f(h, $0) }, "saving checkpoint '\(path)'")
    }

    public func loadCheckpoint(_ path: String) throws(LibraryError) {
        let f: @convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32 = try library.symbol("mcc_model_load_checkpoint")
        let h = handle
        try library.check(path.withCString { f(h, $0) }, "loading checkpoint '\(path)'")
    }

    // MARK: profiling

    public func enableProfiling(_ on: Bool) throws(LibraryError) {
        let f: @convention(c) (Handle?, Int32) -> Int32 = try library.symbol("mcc_model_enable_profiling")
        try library.check(f(handle, on ? 1 : 0), "enabling profiling")
    }

    public func writeProfile(_ path: String) throws(LibraryError) {
        let f: @convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32 = try library.symbol("mcc_model_write_profile")
        let h = handle
        try library.check(path.withCString { f(h, $0) }, "writing profile '\(path)'")
    }
}

/// Host tensors copied once into DLTensor views (dlpack.h) the C ABI reads; the copies live as long
/// as this object.
public final class PreparedInputs: @unchecked Sendable {
    private var views: [DLTensor] = []
    private var allocations: [UnsafeMutableRawPointer] = []
    public let count: Int

    public init(_ tensors: [HostTensor]) {
        count = tensors.count
        for t in tensors {
            let shape = UnsafeMutablePointer<Int64>.allocate(capacity: max(t.shape.count, 1))
            for (i, d) in t.shape.enumerated() { shape[i] = Int64(d) }
            allocations.append(UnsafeMutableRawPointer(shape))
            var view = DLTensor()
            view.device = DLDevice(device_type: kDLCPU, device_id: 0)
            view.ndim = Int32(t.shape.count)
            view.shape = shape
            switch t.data {
            case .f32(let v):
                view.data = Self.copy(v)
                view.dtype = DLDataType(code: UInt8(kDLFloat.rawValue), bits: 32, lanes: 1)
            case .i64(let v):
                view.data = Self.copy(v)
                view.dtype = DLDataType(code: UInt8(kDLInt.rawValue), bits: 64, lanes: 1)
            }
            allocations.append(view.data)
            views.append(view)
        }
        if views.isEmpty { views.append(DLTensor()) }
    }

    deinit { allocations.forEach { $0.deallocate() } }

    private static func copy<T>(_ values: [T]) -> UnsafeMutableRawPointer {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(values.count, 1) * MemoryLayout<T>.stride, alignment: 64)
        values.withUnsafeBytes { if let base = $0.baseAddress { p.copyMemory(from: base, byteCount: $0.count) } }
        return p
    }

    func withViews<R>(_ body: (UnsafePointer<DLTensor>) throws(LibraryError) -> R) throws(LibraryError) -> R {
        try views.withUnsafeBufferPointer { (buffer) throws(LibraryError) -> R in try body(buffer.baseAddress!) }
    }
}
