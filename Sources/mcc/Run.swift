import ArgumentParser
import Foundation
import MFrontend
import MHost
import MIR

/// `mcc run FILE`: checks the program like `mcc check`, then executes its host code top to bottom,
/// compiling each model it trains or runs (cached under $MCC_CACHE_DIR or ~/.cache/mcc/run).
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run an M program's host code: load data, train, evaluate, save.")

    @ArgumentParser.Argument(help: "The M program (.m).") var input: String
    @Option(help: "Seed of data shuffling, splits without an explicit seed, and dropout.") var seed: UInt64 = 0
    @Option(help: "Threads per model instance (default: one per core).") var threads: Int?
    @Option(help: "Write a Chrome trace (chrome://tracing, Perfetto) of every kernel call to this JSON file.") var profile: String?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: input) else {
            printError(isDirectory.boolValue ? "cannot read '\(input)': it is a directory" : "no such file: '\(input)'")
            throw ExitCode(1)
        }
        let file = SourceFile(path: input, bytes: [UInt8](data))
        let diagnostics = DiagnosticEngine()
        let imports = ONNXImports()
        let searchPaths = standardLibrarySearchPaths()
        let program = loadHostProgram(file, diagnostics: diagnostics, importer: imports.importer,
                                      options: FrontendOptions(mode: .check, searchPaths: searchPaths))
        let rendered = diagnostics.render()
        if !rendered.isEmpty { FileHandle.standardError.write(Data(rendered.utf8)) }
        guard let program else {
            let n = diagnostics.errorCount
            FileHandle.standardError.write(Data("\(n) error\(n == 1 ? "" : "s") generated.\n".utf8))
            throw ExitCode(1)
        }
        let compiler = ModelCompiler(executable: CommandLine.arguments[0])
        compiler.store.external = imports.parameterData
        let context = RunContext(compiler: compiler, progress: ProgressPrinter())
        context.seed = seed
        context.threads = threads
        context.profiling = profile != nil
        let interpreter = Interpreter(program: program, context: context, importer: imports.importer, searchPaths: searchPaths)
        let failure = withLargeStack { () -> RunFailure? in
            do throws(RunFailure) { try interpreter.run(); return nil } catch { return error }
        }
        if let profile {
            do { try writeProfile(context, to: profile) } catch {
                printError("cannot write the profile '\(profile)': \(error)"); throw ExitCode(1)
            }
        }
        if let failure {
            let report = DiagnosticEngine()
            report.register(file)
            report.emit(Diagnostic(.error, failure.message, at: failure.range))
            FileHandle.standardOutput.synchronizeFile()
            FileHandle.standardError.write(Data(report.render().utf8))
            throw ExitCode(1)
        }
    }

    /// One trace for the whole run: each instance's events under its own process id.
    func writeProfile(_ context: RunContext, to path: String) throws {
        var events: [Any] = []
        let work = NSTemporaryDirectory() + "mcc-profile-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        for (k, instance) in context.instances.enumerated() {
            let part = work + "/\(k).json"
            try instance.writeProfile(part)
            guard let data = FileManager.default.contents(atPath: part),
                  let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let list = json["traceEvents"] as? [[String: Any]] else { continue }
            for var e in list { e["pid"] = k + 1; events.append(e) }
        }
        let out = try JSONSerialization.data(withJSONObject: ["traceEvents": events, "displayTimeUnit": "ms"], options: [.sortedKeys])
        try out.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
