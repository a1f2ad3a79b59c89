import ArgumentParser
import Foundation
import MIR

/// `mcc check FILE`: parse, type- and shape-check, report diagnostics; writes nothing.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Type- and shape-check an M (or MIR) file without compiling it.")

    @Argument(help: "Input file (.m, .mir or .onnx).") var input: String

    func run() throws {
        _ = try loadModule(path: input, mode: .check)
        FileHandle.standardError.write(Data("\(input): ok\n".utf8))
    }
}
