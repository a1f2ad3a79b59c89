import ArgumentParser
import Foundation
import MCodegenLLVM
import MInterop
import MIR

/// `--emit-bindings`, `--emit-pkgconfig`, `--emit-cmake`: files written next to the `.so`
/// after it is linked (generators in MInterop/Bindings).
struct LibraryExtras: ParsableArguments {
    @Option(name: .customLong("emit-bindings"),
            help: "Also write typed wrappers next to the library, named after its models, inputs and outputs: python, cpp, java (comma-separated).")
    var bindings: String?
    @Flag(name: .customLong("emit-pkgconfig"), help: "Also write <name>.pc next to the library (pkg-config --cflags --libs <name>).")
    var pkgConfig = false
    @Flag(name: .customLong("emit-cmake"), help: "Also write <name>-config.cmake next to the library (find_package(<name>), target <name>::<name>).")
    var cmake = false

    var requested: Bool { bindings != nil || pkgConfig || cmake }

    func validate() throws {
        if let bindings {
            do { _ = try BindingLanguage.parseList(bindings) } catch { throw ValidationError(error.description) }
        }
    }

    /// The extras describe a shared library, so they need `--emit=so`.
    func check(emit: EmitKind) throws {
        if requested && emit != .so {
            throw ValidationError("--emit-bindings, --emit-pkgconfig and --emit-cmake need --emit=so (got --emit=\(emit.rawValue))")
        }
    }

    /// Writes the requested files for `module`, just linked into `library`.
    func write(module: Module, library: String, input: String, defaultModel: String?) throws {
        guard requested else { return }
        let url = URL(fileURLWithPath: library).standardizedFileURL
        let directory = url.deletingLastPathComponent().path
        let spec = BindingSpec(module: module, libraryFileName: url.lastPathComponent, directory: directory,
                               sourceFileName: URL(fileURLWithPath: input).lastPathComponent,
                               compilerVersion: MCC.version, defaultModel: defaultModel)
        var files: [GeneratedFile] = []
        do {
            if let bindings {
                for language in try BindingLanguage.parseList(bindings) { files += language.generate(spec) }
            }
            if pkgConfig || cmake {
                let headers = try locateHeaders()
                if pkgConfig { files.append(PackageConfig.pkgConfig(spec, headers: headers)) }
                if cmake { files += PackageConfig.cmake(spec, headers: headers) }
            }
            for file in files { try save(file, in: directory) }
        } catch let error as BindingsError {
            printError(error.description); throw ExitCode(1)
        } catch let error as CodegenError {
            printError("\(error)"); throw ExitCode(1)
        }
    }

    /// `mcc.h` is where the linker found it; `mcc/mcc.hpp` beside it (an installed layout) or
    /// in the source tree's bindings/cpp/include; `$MCC_CPP_INCLUDE_DIR` overrides.
    func locateHeaders() throws -> PackageConfig.Headers {
        let cInclude = try SharedLibraryLinker.locate(executable: CommandLine.arguments[0]).includeDirectory
        let c = URL(fileURLWithPath: cInclude).standardizedFileURL
        var candidates = [c.path, c.deletingLastPathComponent().appendingPathComponent("bindings/cpp/include").path]
        if let env = ProcessInfo.processInfo.environment["MCC_CPP_INCLUDE_DIR"] { candidates.insert(env, at: 0) }
        let cpp = candidates.first { FileManager.default.fileExists(atPath: $0 + "/mcc/mcc.hpp") }
        return PackageConfig.Headers(cInclude: c.path, cppInclude: cpp.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
    }

    /// Writes `file` under `directory` atomically, creating subdirectories (java/<package>/).
    func save(_ file: GeneratedFile, in directory: String) throws(BindingsError) {
        let path = directory + "/" + file.path
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .cannotWrite(path: path, reason: error.localizedDescription)
        }
    }
}
