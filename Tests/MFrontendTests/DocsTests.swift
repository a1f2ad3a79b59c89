import Foundation
import Testing
import MIR
@testable import MFrontend

/// Every ```m block of docs/language.md is a complete program that checks without errors.
@Suite struct DocsTests {
    static let blocks: [String] = {
        guard let text = try? String(contentsOf: repositoryRoot.appendingPathComponent("docs/language.md"), encoding: .utf8) else { return [] }
        var out: [String] = [], current: [String]? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```m" { current = []; continue }
            if current != nil, line == "```" { out.append((current ?? []).joined(separator: "\n")); current = nil; continue }
            current?.append(String(line))
        }
        return out
    }()

    @Test func theReferenceHasExamples() { #expect(Self.blocks.count >= 8) }

    @Test(arguments: blocks.indices) func exampleChecks(_ i: Int) {
        let (_, engine) = check(Self.blocks[i], name: "language.md")
        #expect(!engine.hasErrors, "example \(i):\n\(Self.blocks[i])\n\(engine.render())")
    }
}
