internal import CLLVM

/// Errors of the LLVM backend, with LLVM's own message where it gave one.
public enum CodegenError: Error, Sendable, CustomStringConvertible {
    case unsupported(String)
    case llvmVerifierFailed(String)
    case targetUnavailable(String)
    case emitFailed(String)
    case linkFailed(String)
    case parameterData(String)

    public var description: String {
        switch self {
        case .unsupported(let m): return "unsupported: \(m)"
        case .llvmVerifierFailed(let m): return "internal error: LLVM verifier rejected the generated module:\n\(m)"
        case .targetUnavailable(let m): return "cannot create the target machine: \(m)"
        case .emitFailed(let m): return "cannot emit code: \(m)"
        case .linkFailed(let m): return "cannot link the shared library: \(m)"
        case .parameterData(let m): return m
        }
    }
}

/// Which CPU to generate code for. Defaults to the host's CPU name *and* features
/// (LLVM 14 emits no AVX-512 from the name alone).
public struct TargetOptions: Sendable {
    public var cpu: String?
    public var features: String?
    public init(cpu: String? = nil, features: String? = nil) { self.cpu = cpu; self.features = features }

    public static var hostCPU: String { takeLLVMString(LLVMGetHostCPUName()) }
    public static var hostFeatures: String { takeLLVMString(LLVMGetHostCPUFeatures()) }

    var resolvedCPU: String { cpu ?? TargetOptions.hostCPU }
    var resolvedFeatures: String { features ?? (cpu == nil ? TargetOptions.hostFeatures : "") }

    /// Whether the chosen target has 512-bit vectors (used to set the preferred width).
    public var hasAVX512: Bool {
        let f = resolvedFeatures
        if f.contains("+avx512f") { return true }
        if f.contains("-avx512f") { return false }
        return ["skylake-avx512", "cascadelake", "cooperlake", "icelake-server", "icelake-client",
                "sapphirerapids", "tigerlake", "znver4", "rocketlake", "cannonlake"].contains(resolvedCPU)
    }
}

func takeLLVMString(_ p: UnsafeMutablePointer<CChar>?) -> String {
    guard let p else { return "" }
    defer { LLVMDisposeMessage(p) }
    return String(cString: p)
}

/// Owns an LLVM target machine for x86-64 (the only backend so far; NVPTX comes later).
final class TargetMachine {
    let ref: LLVMTargetMachineRef
    let triple: String
    let cpu: String
    let features: String

    init(_ options: TargetOptions) throws(CodegenError) {
        LLVMInitializeX86TargetInfo()
        LLVMInitializeX86Target()
        LLVMInitializeX86TargetMC()
        LLVMInitializeX86AsmPrinter()
        triple = takeLLVMString(LLVMGetDefaultTargetTriple())
        cpu = options.resolvedCPU
        features = options.resolvedFeatures
        var target: LLVMTargetRef?
        var error: UnsafeMutablePointer<CChar>?
        guard LLVMGetTargetFromTriple(triple, &target, &error) == 0, let target else {
            throw .targetUnavailable(takeLLVMString(error))
        }
        guard let tm = LLVMCreateTargetMachine(target, triple, cpu, features, LLVMCodeGenLevelAggressive,
                                               LLVMRelocPIC, LLVMCodeModelDefault) else {
            throw .targetUnavailable("LLVM refused cpu '\(cpu)' with features '\(features)'")
        }
        ref = tm
    }
    deinit { LLVMDisposeTargetMachine(ref) }

    /// Whether `vpdpbusd` on 512-bit vectors is available: an explicit feature decides;
    /// otherwise the CPUs LLVM 14 models with AVX-512 VNNI.
    var hasVNNI512: Bool {
        let flags = features.split(separator: ",")
        if flags.contains("-avx512vnni") || flags.contains("-avx512f") { return false }
        if flags.contains("+avx512vnni") { return true }
        let vnniCPUs: Set<String> = ["cascadelake", "cooperlake", "icelake-client", "icelake-server", "tigerlake",
                                     "rocketlake", "sapphirerapids", "znver4"]
        return vnniCPUs.contains(cpu)
    }
}
