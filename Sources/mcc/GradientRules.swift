import ArgumentParser
import MIR
import MPasses

/// `mcc gradient-rules` (hidden): prints `op<TAB>rule` for every MIR op, so the gradient
/// tests can check that every differentiable op has a finite-difference check.
struct GradientRules: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gradient-rules", abstract: "Print autodiff's rule for every op.",
                                                    shouldDisplay: false)

    func run() throws {
        for kind in OpKind.allCases {
            let rule: String
            switch kind.gradientRule {
            case .unsupported(let why): rule = "unsupported\t\(why)"
            case .nonDifferentiable: rule = "non-differentiable"
            case .leaf: rule = "leaf"
            case .expandedFirst: rule = "expanded-first"
            default: rule = "differentiable\t\(kind.gradientRule)"
            }
            print("\(kind.rawValue)\t\(rule)")
        }
    }
}
