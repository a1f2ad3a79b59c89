import Foundation

/// Builds the shared library: the generated object plus the C runtime, linked by the
/// system toolchain (`cc`) against OpenBLAS, libm and pthreads only.
public struct SharedLibraryLinker {
    /// Directory holding `mcc_runtime.c`; `includeDirectory` holds `mcc.h`.
    public var runtimeDirectory: String
    public var includeDirectory: String
    public var compiler: String

    public init(runtimeDirectory: String, includeDirectory: String, compiler: String = "cc") {
        self.runtimeDirectory = runtimeDirectory; self.includeDirectory = includeDirectory; self.compiler = compiler
    }

    /// Finds the runtime: `$MCC_RUNTIME_DIR`/`$MCC_INCLUDE_DIR`, then an installed layout
    /// (`<prefix>/bin/mcc` with `<prefix>/share/mcc/{runtime,include}`), then the source tree.
    public static func locate(executable: String) throws(CodegenError) -> SharedLibraryLinker {
        let env = ProcessInfo.processInfo.environment
        let fm = FileManager.default
        var candidates: [(String, String)] = []
        if let r = env["MCC_RUNTIME_DIR"] { candidates.append((r, env["MCC_INCLUDE_DIR"] ?? r)) }
        let exeDir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        let share = exeDir.deletingLastPathComponent().appendingPathComponent("share/mcc")
        candidates.append((share.appendingPathComponent("runtime").path, share.appendingPathComponent("include").path))
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        candidates.append((source.appendingPathComponent("Runtime").path,
                           source.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("include").path))
        for (runtime, include) in candidates
        where fm.fileExists(atPath: runtime + "/mcc_runtime.c") && fm.fileExists(atPath: include + "/mcc.h") {
            return SharedLibraryLinker(runtimeDirectory: runtime, includeDirectory: include, compiler: env["CC"] ?? "cc")
        }
        throw .linkFailed("cannot find the mcc runtime (mcc_runtime.c and mcc.h); set MCC_RUNTIME_DIR and MCC_INCLUDE_DIR")
    }

    /// Compiles the runtime and links `object` into `output`, replacing it atomically.
    public func link(object: String, output: String, workDirectory: String) throws(CodegenError) {
        let runtimeObject = workDirectory + "/mcc_runtime.o"
        try run([compiler, "-std=c11", "-O2", "-fPIC", "-fvisibility=hidden", "-D_POSIX_C_SOURCE=200809L",
                 "-I", includeDirectory, "-I", runtimeDirectory,
                 "-c", runtimeDirectory + "/mcc_runtime.c", "-o", runtimeObject])
        let outputURL = URL(fileURLWithPath: output)
        let temporary = outputURL.deletingLastPathComponent().appendingPathComponent(".\(outputURL.lastPathComponent).tmp\(getpid())").path
        let soname = outputURL.lastPathComponent
        do {
            try run([compiler, "-shared", "-o", temporary, object, runtimeObject, "-Wl,-soname," + soname,
                     "-Wl,--no-undefined", "-Wl,-z,noexecstack", "-Wl,-Bsymbolic", "-lopenblas", "-lm", "-lpthread"])
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        if rename(temporary, output) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw .linkFailed("cannot write \(output): \(reason)")
        }
    }

    func run(_ arguments: [String]) throws(CodegenError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        do { try process.run() } catch { throw .linkFailed("cannot run \(arguments[0]): \(error)") }
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .linkFailed("\(arguments.joined(separator: " ")) failed:\n\(String(decoding: data, as: UTF8.self))")
        }
    }
}
