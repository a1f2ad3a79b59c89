internal import CLLVM
import MIR

/// Supplies the data of a parameter (row-major, packed little-endian bytes of its dtype).
public typealias ParameterDataProvider = (Parameter) throws(CodegenError) -> [UInt8]

public struct CodegenOptions: Sendable {
    public var target = TargetOptions()
    /// The model `mcc_model_create(NULL, ...)` instantiates; defaults to the last function.
    public var defaultModel: String?
    public var compilerVersion = "0.1.0"
    public init() {}
}

/// Lowers a verified MIR module to one LLVM module: kernels, entry points, descriptors and
/// the parameter blob. Then optimizes it (O3) and writes IR, assembly or an object file.
public final class LLVMCodegen {
    private let gen: IRGen
    public let cpu: String
    public let features: String
    /// The static memory plan of each model, and the parameter blob size.
    public private(set) var memoryPlans: [MemoryPlanStats] = []
    public private(set) var parameterBytes = 0

    public init(module: Module, options: CodegenOptions, parameterData: ParameterDataProvider) throws(CodegenError) {
        let tm = try TargetMachine(options.target)
        gen = IRGen(moduleName: module.name, target: tm, preferWide: options.target.hasAVX512)
        cpu = tm.cpu
        features = tm.features
        guard !module.functions.isEmpty else { throw .unsupported("the module has no models to compile") }

        // Parameters: one 64-byte aligned blob, each tensor at a 64-byte aligned offset; the
        // packed-only ones (GemmPrepack.swift) get offsets past the stored bytes.
        let plan = PrepackPlan(module, avx512: options.target.hasAVX512)
        var offsets: [String: Int] = [:]
        var bytes: [UInt8] = []
        var tensors: [String: [UInt8]] = [:]
        var unstored: [(Parameter, Int)] = []
        for p in module.parameters {
            guard let shape = p.type.staticShape else {
                throw .unsupported("parameter '\(p.name)' of type \(p.type): parameters need a static shape")
            }
            _ = try gen.storageType(p.type.dtype)
            let data = try parameterData(p)
            let count = shape.reduce(1, *) * p.type.dtype.byteSize
            guard data.count == count else {
                throw .parameterData("parameter '\(p.name)' needs \(count) bytes, got \(data.count)")
            }
            if plan.packed.contains(p.name) { tensors[p.name] = data }
            if plan.packedOnly.contains(p.name) { unstored.append((p, count)); continue }
            while bytes.count % 64 != 0 { bytes.append(0) }
            offsets[p.name] = bytes.count
            bytes.append(contentsOf: data)
        }
        var end = bytes.count
        for (p, count) in unstored {
            end = (end + 63) / 64 * 64
            offsets[p.name] = end
            end += count
        }
        // A blob even when every parameter is packed-only: the pristine pointers point into it.
        let blob = bytes.isEmpty && unstored.isEmpty ? nil : gen.blob(bytes.isEmpty ? [0] : bytes, name: "mcc_param_data")
        gen.prepacked = Self.prepackWeights(module, plan: plan, gen: gen, offsets: offsets, blob: blob, data: tensors)
        Self.emitPackedTable(module, gen: gen, prepacked: gen.prepacked, offsets: offsets, storedBytes: bytes.count)

        let blas = BLAS(gen)
        var descriptors: [LLVMValueRef] = []
        for f in module.functions {
            var emitter = ModelEmitter(gen: gen, function: f, parameterOffsets: offsets, blas: blas)
            descriptors.append(try emitter.emit())
            if let s = emitter.memoryStats { memoryPlans.append(s) }
        }
        parameterBytes = bytes.count
        gen.exportedGlobal("mcc_desc_models", gen.constArray(gen.modelDescType, descriptors))
        gen.exportedGlobal("mcc_desc_model_count", gen.int32(module.functions.count))
        let defaultIndex = options.defaultModel.flatMap { name in module.functions.firstIndex { $0.name == name } }
            ?? module.functions.count - 1
        gen.exportedGlobal("mcc_desc_default_model", gen.int32(defaultIndex))
        gen.exportedGlobal("mcc_desc_compiler_version", gen.cString(options.compilerVersion))
        try verify()
    }

    func verify() throws(CodegenError) {
        var message: UnsafeMutablePointer<CChar>?
        if LLVMVerifyModule(gen.module, LLVMReturnStatusAction, &message) != 0 {
            throw .llvmVerifierFailed(takeLLVMString(message))
        }
        if let message { LLVMDisposeMessage(message) }
    }

    /// Runs LLVM's O3 pipeline (loop and SLP vectorization on) for the target machine.
    public func optimize() throws(CodegenError) {
        let options = LLVMCreatePassBuilderOptions()
        defer { LLVMDisposePassBuilderOptions(options) }
        LLVMPassBuilderOptionsSetLoopVectorization(options, 1)
        LLVMPassBuilderOptionsSetSLPVectorization(options, 1)
        LLVMPassBuilderOptionsSetLoopUnrolling(options, 1)
        if let error = LLVMRunPasses(gen.module, "default<O3>", gen.target.ref, options) {
            throw .emitFailed(takeLLVMString(LLVMGetErrorMessage(error)))
        }
        try verify()
    }

    /// The module as LLVM textual IR.
    public func llvmIR() -> String { takeLLVMString(LLVMPrintModuleToString(gen.module)) }

    public enum FileKind { case assembly, object }

    public func emit(_ kind: FileKind, to path: String) throws(CodegenError) {
        var error: UnsafeMutablePointer<CChar>?
        var cPath = Array(path.utf8CString)
        let failed = cPath.withUnsafeMutableBufferPointer {
            LLVMTargetMachineEmitToFile(gen.target.ref, gen.module, $0.baseAddress, kind == .object ? LLVMObjectFile : LLVMAssemblyFile, &error)
        }
        if failed != 0 { throw .emitFailed("\(path): \(takeLLVMString(error))") }
    }
}
