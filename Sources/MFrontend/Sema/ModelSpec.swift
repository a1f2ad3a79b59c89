import MIR

/// `output name[: T][= value]` of a model.
struct OutputDecl {
    var name: Identifier
    var type: TypeExpr?
    var value: Expr?
}

/// A model after instantiation and inheritance are resolved: the hyperparameter values and
/// the member lists that lowering turns into MIR. Built by `ModelResolver`.
final class ModelSpec {
    /// The name users know: `Digits`, or `BasicBlock(64, 128)` for an anonymous instance.
    var name: String
    /// Where the model (or the metamodel it instantiates) is declared.
    var declRange: SourceRange?
    /// The metamodel this model instantiates, with the explicitly given arguments; extending the
    /// model re-instantiates it with merged arguments, so dependent defaults are recomputed.
    var metamodel: MetamodelDecl?
    var explicitArguments: [String: ConstValue] = [:]
    var explicitArgumentRanges: [String: SourceRange] = [:]
    /// Hyperparameter values (metamodel parameters), including defaults.
    var env: [String: ConstValue] = [:]
    var inputs: [(name: Identifier, type: TypeExpr)] = []
    var outputs: [OutputDecl] = []
    /// `name = value` members in order: layers, sub-models, settings, derived constants.
    var bindings: [(name: Identifier, value: Expr)] = []
    var forward: Block?
    /// `model X = sequentialModel(...)` / `parallelModel(...)`.
    var composite: Expr?
    /// `model X = Encoder` where Encoder is an ONNX import.
    var imported: ImportedModel?
    /// Layers unused under these hyperparameters are fine in a template (reported only for plain models).
    var isTemplate = false
    /// Bindings this declaration wrote itself (for `extends`); nil means all of them unless a template.
    var ownMembers: Set<String>?
    /// Whether an unused layer `name` deserves a warning: it was written for this very model.
    func isOwn(_ name: String) -> Bool { ownMembers?.contains(name) ?? !isTemplate }
    /// "in 'MLP(in_features = 64)' instantiated here": added to diagnostics from inside this model.
    var instantiatedAt: Diagnostic?

    init(name: String, declRange: SourceRange?) { self.name = name; self.declRange = declRange }

    func copy(named newName: String) -> ModelSpec {
        let s = ModelSpec(name: newName, declRange: declRange)
        s.metamodel = metamodel; s.explicitArguments = explicitArguments; s.explicitArgumentRanges = explicitArgumentRanges
        s.env = env; s.inputs = inputs; s.outputs = outputs; s.bindings = bindings; s.forward = forward
        s.composite = composite; s.imported = imported; s.isTemplate = isTemplate; s.instantiatedAt = instantiatedAt
        s.ownMembers = ownMembers
        return s
    }

    /// Adds `members` on top: same-named inputs, outputs and bindings replace the inherited ones,
    /// new ones are appended, and a forward block replaces the inherited forward.
    func apply(members: [ModelMember], diags: Diags) {
        var forwardSeen = false
        for member in members {
            switch member.kind {
            case .input(let id, let type):
                if let i = inputs.firstIndex(where: { $0.name.name == id.name }) { inputs[i] = (id, type) } else { inputs.append((id, type)) }
            case .output(let id, let type, let value):
                let decl = OutputDecl(name: id, type: type, value: value)
                if let i = outputs.firstIndex(where: { $0.name.name == id.name }) { outputs[i] = decl } else { outputs.append(decl) }
            case .binding(let id, let value):
                if let i = bindings.firstIndex(where: { $0.name.name == id.name }) { bindings[i] = (id, value) } else { bindings.append((id, value)) }
            case .forward(let block):
                if forwardSeen { diags.error("model '\(name)' has more than one forward block", at: member.range) }
                forwardSeen = true
                forward = block
            }
        }
    }
}

/// The members of one body with duplicates reported (`'x' is declared twice in model 'M'`).
func checkDuplicateMembers(_ members: [ModelMember], owner: String, diags: Diags) -> [ModelMember] {
    var names: [String: SourceRange] = [:]
    var out: [ModelMember] = []
    for member in members {
        let id: Identifier
        switch member.kind {
        case .input(let n, _), .output(let n, _, _), .binding(let n, _): id = n
        case .forward: out.append(member); continue
        }
        if let previous = names[id.name] {
            diags.error("'\(id.name)' is declared twice in model '\(owner)'", at: id.range,
                        notes: [diags.note("first declared here", at: previous)])
            continue
        }
        names[id.name] = id.range
        out.append(member)
    }
    return out
}
