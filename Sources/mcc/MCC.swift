import ArgumentParser
import Foundation

@main
struct MCC: ParsableCommand {
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "mcc",
        abstract: "The M model compiler: compiles M models to native shared libraries with a C ABI.",
        discussion: """
        Examples:
          mcc model.m -o libmodel.so          compile to a shared library
          mcc model.m --emit=mir              print the SSA tensor IR
          mcc model.m --emit=asm -o model.s   write assembly
          mcc check model.m                   parse and type-check only
          mcc run train.m                     run host code: load data, train, evaluate
        """,
        version: version,
        subcommands: [Compile.self, Check.self, Run.self, GradientRules.self],
        defaultSubcommand: Compile.self
    )
}
