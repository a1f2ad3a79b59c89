import ArgumentParser
import Foundation
import MFrontend
import MIR

/// Exit code 1 after diagnostics were printed (style guide §10).
struct DiagnosticsReported: Error {}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("mcc: error: \(message)\n".utf8))
}

/// Reads an input file and produces a verified MIR module, printing diagnostics on failure.
func loadModule(path: String) throws -> Module {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        printError("no such file: '\(path)'"); throw ExitCode(1)
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
        printError("cannot read '\(path)'\(isDirectory.boolValue ? ": it is a directory" : "")"); throw ExitCode(1)
    }
    let file = SourceFile(path: path, bytes: [UInt8](data))
    let diagnostics = DiagnosticEngine()
    diagnostics.register(file)
    let module: Module?
    switch URL(fileURLWithPath: path).pathExtension {
    case "mir":
        do { module = try parseModule(file) } catch { diagnostics.emit(error); module = nil }
    case "onnx":
        printError("'\(path)': ONNX import is not supported by this version of mcc yet"); throw ExitCode(1)
    default:
        module = compileSource(file, diagnostics: diagnostics)
    }
    let rendered = diagnostics.render()
    if !rendered.isEmpty { FileHandle.standardError.write(Data(rendered.utf8)) }
    guard let module, !diagnostics.hasErrors else {
        let n = diagnostics.errorCount
        FileHandle.standardError.write(Data("\(n) error\(n == 1 ? "" : "s") generated.\n".utf8))
        throw ExitCode(1)
    }
    do { try module.verify() } catch {
        // The front end only builds verified IR; for hand-written .mir this is the author's error.
        FileHandle.standardError.write(Data("\(path): error: invalid MIR:\n\(error)\n".utf8))
        throw ExitCode(1)
    }
    return module
}
