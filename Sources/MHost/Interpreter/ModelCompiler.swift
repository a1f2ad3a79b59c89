import Foundation
import MCodegenLLVM
import MFrontend
import MIR
import MPasses

/// What a training library computes besides forward: the loss and which parameters get gradients.
struct TrainingRequest {
    var loss: LossFunction
    /// Parameter names that are not trained (frozen by fineTuneModel); state parameters never are.
    var frozen: Set<String>
}

/// Compiles one model (forward, plus the train/loss functions when training) to a shared library
/// and opens it. Libraries are cached under `$MCC_CACHE_DIR` (default `~/.cache/mcc/run`), keyed by
/// a hash of the optimized MIR, the parameter data and the mcc executable, so a second run of the
/// same program skips LLVM.
public final class ModelCompiler {
    let cacheDirectory: String
    let executable: String
    public let store = ParameterStore()
    private var opened: [String: CompiledLibrary] = [:]
    /// Seconds spent compiling so far (progress lines leave it out of samples/s).
    public private(set) var compileSeconds = 0.0
    /// Identifies this mcc build: a rebuilt compiler or runtime must not reuse old libraries.
    private let compilerStamp: String

    public init(executable: String, cacheDirectory: String? = nil) {
        self.executable = executable
        let env = ProcessInfo.processInfo.environment
        if let dir = cacheDirectory ?? env["MCC_CACHE_DIR"], !dir.isEmpty {
            self.cacheDirectory = dir
        } else {
            let home = env["HOME"] ?? NSTemporaryDirectory()
            self.cacheDirectory = home + "/.cache/mcc/run"
        }
        let resolved = URL(fileURLWithPath: executable).resolvingSymlinksInPath().path
        let attributes = try? FileManager.default.attributesOfItem(atPath: resolved)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        let date = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        compilerStamp = "\(resolved):\(size):\(date)"
    }

    /// The library of `model`: forward only, or with training functions for `training`.
    func library(for model: HostModel, training: TrainingRequest?) throws(RunFailure) -> CompiledLibrary {
        let module = copyModule(model.module)
        let forward = model.function.name
        if let training {
            do {
                try addTraining(to: module, forward: forward, loss: training.loss, frozen: training.frozen, buffers: model.buffers)
            } catch {
                throw RunFailure("cannot build the training functions of model '\(model.name)': \(error)")
            }
        }
        return try build(module, trainedParameters: [:], output: nil)
    }

    /// A standalone library for `module` whose parameters hold `trained` values (`engine.save_model`).
    func export(_ model: HostModel, parameters trained: [String: HostTensor], to path: String) throws(RunFailure) {
        // dlopen searches the library path for names without a slash: open the file by its absolute path.
        _ = try build(copyModule(model.module), trainedParameters: trained, output: URL(fileURLWithPath: path).standardizedFileURL.path)
    }

    private func build(_ module: Module, trainedParameters: [String: HostTensor], output: String?) throws(RunFailure) -> CompiledLibrary {
        do {
            try PassManager(pipeline: PassRegistry.defaultPipeline).run(on: module)
        } catch {
            throw RunFailure("optimizing the model failed: \(error)")
        }
        store.overrides = [:]
        for (name, t) in trainedParameters { store.overrides[name] = packedBytes(t) }
        let key = cacheKey(module, trained: trainedParameters)
        // The model's name is readable in the file name; instantiated metamodels have spaces and quotes.
        let readable = String((module.functions.first?.name ?? "model").map { $0.isLetter || $0.isNumber ? $0 : "_" }.prefix(40))
        let cached = cacheDirectory + "/\(readable)-\(key).so"
        if output == nil, let lib = opened[cached] { return lib }
        if output == nil, FileManager.default.fileExists(atPath: cached) {
            do { let lib = try CompiledLibrary(path: cached); opened[cached] = lib; return lib } catch {
                try? FileManager.default.removeItem(atPath: cached)   // a damaged cache entry: rebuild it
            }
        }
        let target = output ?? cached
        let started = Date()
        defer { compileSeconds += Date().timeIntervalSince(started) }
        do {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: target).deletingLastPathComponent().path,
                                                    withIntermediateDirectories: true)
        } catch { throw RunFailure("cannot create '\(URL(fileURLWithPath: target).deletingLastPathComponent().path)': \(error.localizedDescription)") }
        let work = NSTemporaryDirectory() + "mcc-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: work) }
        do {
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            var options = CodegenOptions()
            options.defaultModel = module.functions.first?.name
            let store = self.store
            let codegen = try LLVMCodegen(module: module, options: options, parameterData: { (p) throws(CodegenError) in try store.bytes(for: p) })
            try codegen.optimize()
            try codegen.emit(.object, to: work + "/model.o")
            let linker = try SharedLibraryLinker.locate(executable: executable)
            // Link beside the target and rename: a concurrent run never opens a half-written file.
            let temporary = target + ".tmp-\(getpid())"
            try linker.link(object: work + "/model.o", output: temporary, workDirectory: work)
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.moveItem(atPath: temporary, toPath: target)
        } catch let e as CodegenError {
            throw RunFailure("compiling the model failed: \(e)")
        } catch {
            throw RunFailure("compiling the model failed: \(error.localizedDescription)")
        }
        if output != nil { return try open(target) }
        let lib = try open(target)
        opened[target] = lib
        return lib
    }

    private func open(_ path: String) throws(RunFailure) -> CompiledLibrary {
        do { return try CompiledLibrary(path: path) } catch { throw RunFailure(error.message) }
    }

    /// FNV-1a over the optimized MIR, external and trained parameter data, and the compiler stamp.
    private func cacheKey(_ module: Module, trained: [String: HostTensor]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        func mix<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
            for byte in bytes {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                b = (b ^ UInt64(byte ^ 0x5A)) &* 0x0000_0100_0000_01B3
            }
        }
        mix(module.printed().utf8)
        mix(compilerStamp.utf8)
        for p in module.parameters {
            if case .external(let k) = p.initializer, let data = store.external[k] { mix(data) }
            if case .safetensors(let path, _) = p.initializer {
                let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                mix("\(path):\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)".utf8)
            }
        }
        for name in trained.keys.sorted() { mix(name.utf8); if let t = trained[name] { mix(packedBytes(t)) } }
        return String(a, radix: 16) + String(b, radix: 16)
    }
}

/// Little-endian bytes of an f32 or i64 tensor (the layout of parameter data in a library).
func packedBytes(_ t: HostTensor) -> [UInt8] {
    switch t.data {
    case .f32(let v): return v.withUnsafeBytes { Array($0) }
    case .i64(let v): return v.withUnsafeBytes { Array($0) }
    }
}

/// A deep copy of a module: passes rewrite functions in place, and the front end keeps the originals.
func copyModule(_ m: Module) -> Module {
    let copy = Module(name: m.name)
    copy.parameters = m.parameters
    copy.functions = m.functions.map { f in
        let g = Function(name: f.name, arguments: f.arguments)
        var map: [Int: ValueID] = [:]
        for i in 0..<f.arguments.count { map[i] = g.argument(i) }
        for op in f.ops {
            let operands = op.operands.map { map[$0.raw] ?? $0 }
            map[op.result.raw] = g.appendUnchecked(op.kind, operands, attributes: op.attributes, type: f.type(of: op.result), location: op.location)
        }
        g.results = f.results.map { FunctionOutput(name: $0.name, value: map[$0.value.raw] ?? $0.value) }
        return g
    }
    return copy
}
