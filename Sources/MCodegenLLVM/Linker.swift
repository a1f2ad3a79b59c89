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
        let runtimeObjects = try compiledRuntime(workDirectory: workDirectory)
        let outputURL = URL(fileURLWithPath: output)
        let temporary = outputURL.deletingLastPathComponent().appendingPathComponent(".\(outputURL.lastPathComponent).tmp\(getpid())").path
        let soname = outputURL.lastPathComponent
        do {
            try run([compiler, "-shared", "-o", temporary, object] + runtimeObjects + ["-Wl,-soname," + soname,
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

    /// The runtime's C files (`mcc_runtime.c`, `mcc_training.c`, ...), sorted: every `.c` in the
    /// runtime directory is part of the runtime.
    func runtimeSources() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runtimeDirectory)) ?? []
        return names.filter { $0.hasSuffix(".c") || $0.hasSuffix(".h") }.sorted()
    }

    /// The runtime objects, compiled once per runtime version into a cache directory
    /// (`$MCC_CACHE_DIR`, else `~/.cache/mcc`); falls back to `workDirectory`. The key hashes
    /// every runtime source and header, the compiler and its flags, so any change recompiles all.
    func compiledRuntime(workDirectory: String) throws(CodegenError) -> [String] {
        let files = runtimeSources()
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for path in files.map({ runtimeDirectory + "/" + $0 }) + [includeDirectory + "/mcc.h"] {
            for b in path.split(separator: "/").last!.utf8 { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            for b in FileManager.default.contents(atPath: path) ?? Data() { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        }
        // -O3 -fno-math-errno: the optimizer loops (mcc_training.c) vectorize only with both
        // (GCC's -O2 cost model skips them; an errno-setting sqrtf blocks Adam's loop).
        let flags = ["-std=c11", "-O3", "-fno-math-errno", "-fPIC", "-fvisibility=hidden", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE"]
        for b in ([compiler] + flags).joined(separator: " ").utf8 { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let env = ProcessInfo.processInfo.environment
        let cacheDir = env["MCC_CACHE_DIR"] ?? ((env["HOME"] ?? NSTemporaryDirectory()) + "/.cache/mcc")
        var objects: [String] = []
        for source in files where source.hasSuffix(".c") {
            let stem = String(source.dropLast(2))
            let cached = cacheDir + "/\(stem)-\(String(hash, radix: 16)).o"
            if FileManager.default.fileExists(atPath: cached) { objects.append(cached); continue }
            let fresh = workDirectory + "/\(stem).o"
            try run([compiler] + flags + ["-I", includeDirectory, "-I", runtimeDirectory,
                     "-c", runtimeDirectory + "/" + source, "-o", fresh])
            objects.append(fresh)
            // Publish atomically so concurrent mcc runs never see a half-written object.
            if (try? FileManager.default.createDirectory(atPath: cacheDir, withIntermediateDirectories: true)) != nil {
                let temporary = cached + ".tmp\(getpid())"
                if (try? FileManager.default.copyItem(atPath: fresh, toPath: temporary)) != nil {
                    if rename(temporary, cached) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
                }
            }
        }
        return objects
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
