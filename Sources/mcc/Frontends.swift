import ArgumentParser
import Foundation
import MFrontend
import MInterop
import MIR
import MPasses

/// Exit code 1 after diagnostics were printed (style guide §10).
struct DiagnosticsReported: Error {}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("mcc: error: \(message)\n".utf8))
}

/// A verified module plus the bytes of parameters that importers hold (ONNX initializers).
struct LoadedModule {
    var module: Module
    var parameterData: [String: [UInt8]] = [:]
}

/// Reads an input file and produces a verified MIR module, printing diagnostics on failure.
func loadModule(path: String, forceDynamic: Bool = false, mode: FrontendOptions.Mode = .compile,
                training: Bool = false) throws -> LoadedModule {
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
    var parameterData: [String: [UInt8]] = [:]
    switch URL(fileURLWithPath: path).pathExtension {
    case "mir":
        do { module = try parseModule(file) } catch { diagnostics.emit(error); module = nil }
    case "onnx":
        return try loadONNXModule(path: path, forceDynamic: forceDynamic, training: training)
    default:
        let imports = ONNXImports()
        let options = FrontendOptions(mode: mode, searchPaths: standardLibrarySearchPaths())
        module = compileProgram(file, diagnostics: diagnostics, importer: imports.importer, options: options).module
        parameterData = imports.parameterData
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
    return LoadedModule(module: module, parameterData: parameterData)
}

/// Resolves `import onnx "f.onnx" as Name` and keeps the imported initializers' bytes.
final class ONNXImports {
    var parameterData: [String: [UInt8]] = [:]

    var importer: ModelImporter {
        { importPath in
            guard importPath.hasSuffix(".onnx") else { return .failure(ModelImportFailure("only .onnx files can be imported with 'import onnx'")) }
            do {
                let model = try loadONNX(path: importPath)
                let name = sanitizedModelName(URL(fileURLWithPath: importPath).deletingPathExtension().lastPathComponent)
                let result = try importONNX(model, modelName: name, differentiate: differentiateForONNX)
                self.parameterData.merge(result.parameterData) { a, _ in a }
                return .success(result.module)
            } catch let e as ONNXError {
                return .failure(ModelImportFailure("\(e)"))
            } catch let e as ONNXImportError {
                return .failure(ModelImportFailure(e.messages.joined(separator: "; ")))
            } catch {
                return .failure(ModelImportFailure("\(error)"))
            }
        }
    }
}

/// `training`: the build differentiates the model, so recurrences stay unrolled (lstm_sequence
/// has no gradient rule).
func loadONNXModule(path: String, forceDynamic: Bool, training: Bool = false) throws -> LoadedModule {
    let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    let model: ONNXModel
    do { model = try loadONNX(path: path) } catch {
        var message = "\(error)"
        if message.hasPrefix(path + ": ") { message.removeFirst(path.count + 2) }
        FileHandle.standardError.write(Data("\(path): error: \(message)\n".utf8)); throw ExitCode(1)
    }
    do {
        let result = try importONNX(model, modelName: sanitizedModelName(name), forceDynamic: forceDynamic,
                                    differentiate: differentiateForONNX, fuseRecurrent: !training)
        return LoadedModule(module: result.module, parameterData: result.parameterData)
    } catch {
        let lines = error.messages.map { "\(path): error: \($0)" }.joined(separator: "\n")
        FileHandle.standardError.write(Data("\(lines)\n\(error.messages.count) error\(error.messages.count == 1 ? "" : "s") generated.\n".utf8))
        throw ExitCode(1)
    }
}

/// ONNX `Gradient` nodes are differentiated by the autodiff pass's engine.
func differentiateForONNX(_ f: Function, _ module: Module, _ loss: String, _ arguments: Set<Int>) throws -> [Int: ValueID] {
    try Autodiff.differentiate(f, in: module, loss: loss, parameters: [], arguments: arguments).arguments
}

/// A C-identifier-like model name from a file name (`resnet-18.onnx` -> `resnet_18`).
func sanitizedModelName(_ s: String) -> String {
    var out = String(s.unicodeScalars.map { c -> Character in
        (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c))) || c == "_" ? Character(c) : "_"
    })
    if out.isEmpty || out.first!.isNumber { out = "m_" + out }
    return out
}

/// Where `import "stdlib/x.m"` and the model repository find the standard library: the
/// directory in `$MCC_STDLIB` (the stdlib folder itself), else the first ancestor of the mcc
/// executable that holds a `stdlib/` folder (the source tree, or an install prefix's share/mcc).
func standardLibrarySearchPaths() -> [String] {
    var paths: [String] = []
    if let env = ProcessInfo.processInfo.environment["MCC_STDLIB"], !env.isEmpty {
        paths.append(URL(fileURLWithPath: env).standardizedFileURL.deletingLastPathComponent().path)
    }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<6 {
        for candidate in [dir, dir.appendingPathComponent("share/mcc")] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("stdlib").path, isDirectory: &isDirectory),
               isDirectory.boolValue {
                paths.append(candidate.path)
                return paths
            }
        }
        dir.deleteLastPathComponent()
    }
    return paths
}
