import MIR

/// The AST of one source file: its top-level declarations and host statements, in source order.
public struct SourceUnit: Sendable, Equatable {
    /// The path of the parsed file, as in `SourceFile.path`.
    public var path: String
    public var declarations: [Decl]
    public init(path: String, declarations: [Decl]) { self.path = path; self.declarations = declarations }

    /// The `model` declarations, in source order.
    public var models: [ModelDecl] {
        declarations.compactMap { if case .model(let m) = $0 { m } else { nil } }
    }
    /// The `metamodel` declarations, in source order.
    public var metamodels: [MetamodelDecl] {
        declarations.compactMap { if case .metamodel(let m) = $0 { m } else { nil } }
    }
    /// The `func` declarations, in source order.
    public var functions: [FuncDecl] {
        declarations.compactMap { if case .func(let f) = $0 { f } else { nil } }
    }
    /// The top-level host statements, in source order.
    public var statements: [Stmt] {
        declarations.compactMap { if case .statement(let s) = $0 { s } else { nil } }
    }
}

/// One top-level item.
public enum Decl: Sendable, Equatable {
    /// `import "path.m"`.
    case `import`(ImportDecl)
    /// `import onnx "file.onnx" as Name`.
    case importONNX(ImportONNXDecl)
    /// `model Name ...`.
    case model(ModelDecl)
    /// `metamodel Name(params) { members }`.
    case metamodel(MetamodelDecl)
    /// `func name(params) -> T { body }`.
    case `func`(FuncDecl)
    /// A top-level host statement: `net = Digits()`, `train(net, data)`.
    case statement(Stmt)

    /// The whole declaration.
    public var range: SourceRange {
        switch self {
        case .import(let d): d.range
        case .importONNX(let d): d.range
        case .model(let d): d.range
        case .metamodel(let d): d.range
        case .func(let d): d.range
        case .statement(let s): s.range
        }
    }
}

/// `import "path.m"`: another M module.
public struct ImportDecl: Sendable, Equatable {
    /// The decoded path string, and the range of the string literal.
    public var path: String
    public var pathRange: SourceRange
    public var range: SourceRange
    public init(path: String, pathRange: SourceRange, range: SourceRange) {
        self.path = path; self.pathRange = pathRange; self.range = range
    }
}

/// `import onnx "file.onnx" as Name`: an ONNX graph that becomes model type `Name`.
public struct ImportONNXDecl: Sendable, Equatable {
    public var path: String
    public var pathRange: SourceRange
    public var alias: Identifier
    public var range: SourceRange
    public init(path: String, pathRange: SourceRange, alias: Identifier, range: SourceRange) {
        self.path = path; self.pathRange = pathRange; self.alias = alias; self.range = range
    }
}

/// A concrete model type.
public struct ModelDecl: Sendable, Equatable {
    /// How the model is defined.
    public enum Kind: Sendable, Equatable {
        /// `model Name { members }`.
        case body
        /// `model Name = expr`, e.g. `MLP(in_features = 64)` or `sequentialModel(a, b)`; no members.
        case instantiation(Expr)
        /// `model Name extends Base`, `extends Base(args)`, either optionally followed by `{ members }`.
        /// `arguments` is empty when no parentheses were written.
        case extends(base: Identifier, arguments: [Argument])
        /// `model Name = customModel { members }`; `builder` is the name before the brace.
        case custom(builder: Identifier)
    }

    public var name: Identifier
    public var kind: Kind
    /// The members in source order; empty for `.instantiation`.
    public var members: [ModelMember]
    /// The braces around the members, or nil when there is no body.
    public var bodyRange: SourceRange?
    public var range: SourceRange
    public init(name: Identifier, kind: Kind, members: [ModelMember], bodyRange: SourceRange?, range: SourceRange) {
        self.name = name; self.kind = kind; self.members = members; self.bodyRange = bodyRange; self.range = range
    }
}

/// A model template: `metamodel Name(params) { members }`.
public struct MetamodelDecl: Sendable, Equatable {
    public var name: Identifier
    /// The hyperparameters; empty when the parentheses are omitted.
    public var parameters: [Parameter]
    public var members: [ModelMember]
    public var bodyRange: SourceRange
    public var range: SourceRange
    public init(name: Identifier, parameters: [Parameter], members: [ModelMember], bodyRange: SourceRange,
                range: SourceRange) {
        self.name = name; self.parameters = parameters; self.members = members
        self.bodyRange = bodyRange; self.range = range
    }
}

/// One line of a model or metamodel body.
public struct ModelMember: Sendable, Equatable {
    /// The shape of a member.
    public enum Kind: Sendable, Equatable {
        /// `input x: f32[batch, 784]`.
        case input(name: Identifier, type: TypeExpr)
        /// `output y`, `output y: T`, `output y = e` or `output y: T = e` (customModel style).
        case output(name: Identifier, type: TypeExpr?, value: Expr?)
        /// `name = e`: a layer (`fc1 = Dense(128)`) or a config entry (`seed = 42`).
        case binding(name: Identifier, value: Expr)
        /// `forward { statements }`.
        case forward(Block)
    }

    public var kind: Kind
    public var range: SourceRange
    public init(_ kind: Kind, range: SourceRange) { self.kind = kind; self.range = range }
}

/// `func name(params) -> T { body }`.
public struct FuncDecl: Sendable, Equatable {
    public var name: Identifier
    public var parameters: [Parameter]
    /// The written return type, or nil when `->` is omitted.
    public var returnType: TypeExpr?
    public var body: Block
    public var range: SourceRange
    public init(name: Identifier, parameters: [Parameter], returnType: TypeExpr?, body: Block, range: SourceRange) {
        self.name = name; self.parameters = parameters; self.returnType = returnType
        self.body = body; self.range = range
    }
}

/// A func or metamodel parameter: `name`, `name: T`, `name = e` or `name: T = e`.
public struct Parameter: Sendable, Equatable {
    public var name: Identifier
    /// nil when only a default is written; a later stage infers the type from it.
    public var type: TypeExpr?
    public var defaultValue: Expr?
    public var range: SourceRange
    public init(name: Identifier, type: TypeExpr?, defaultValue: Expr?, range: SourceRange) {
        self.name = name; self.type = type; self.defaultValue = defaultValue; self.range = range
    }
}
