import Foundation
import MIR

/// How the front end runs.
public struct FrontendOptions: Sendable {
    public enum Mode: Sendable {
        /// Lower the root file's models for a library; host code is checked but not compiled.
        case compile
        /// Check everything; a file without models is fine.
        case check
    }
    public var mode: Mode
    /// Directories searched for `import "path.m"` after the importing file's own directory (the
    /// standard library's parent, so that `import "stdlib/resnet18.m"` works from anywhere).
    public var searchPaths: [String]
    /// Resolves `pretrained_model = "name"` in configuration-style models.
    public var repository: [String: PretrainedEntry]

    public init(mode: Mode = .compile, searchPaths: [String] = [], repository: [String: PretrainedEntry] = PretrainedEntry.builtin) {
        self.mode = mode; self.searchPaths = searchPaths; self.repository = repository
    }
}

/// A model known to the (future) model repository: which standard-library metamodel builds its
/// architecture, and with which hyperparameters. Weights come with the repository issue.
public struct PretrainedEntry: Sendable {
    public var module: String
    public var metamodel: String
    public var hyperparameters: [String: Int]
    public init(module: String, metamodel: String, hyperparameters: [String: Int]) {
        self.module = module; self.metamodel = metamodel; self.hyperparameters = hyperparameters
    }

    /// Architectures the standard library can build today.
    public static let builtin: [String: PretrainedEntry] = {
        let bert: [String: Int] = ["layers": 12, "hidden": 768, "heads": 12, "intermediate": 3072, "vocab": 30522]
        let large: [String: Int] = ["layers": 24, "hidden": 1024, "heads": 16, "intermediate": 4096, "vocab": 30522]
        let cased = bert.merging(["vocab": 28996]) { _, b in b }
        return [
            "bert-base-uncased": PretrainedEntry(module: "stdlib/bert.m", metamodel: "BertClassifier", hyperparameters: bert),
            "bert-base-cased": PretrainedEntry(module: "stdlib/bert.m", metamodel: "BertClassifier", hyperparameters: cased),
            "bert-large-uncased": PretrainedEntry(module: "stdlib/bert.m", metamodel: "BertClassifier", hyperparameters: large),
            "bert-base-multilingual-cased": PretrainedEntry(module: "stdlib/bert.m", metamodel: "BertClassifier",
                                                            hyperparameters: bert.merging(["vocab": 119547]) { _, b in b }),
            "resnet18": PretrainedEntry(module: "stdlib/resnet18.m", metamodel: "ResNet18", hyperparameters: [:]),
            "resnet50": PretrainedEntry(module: "stdlib/resnet50.m", metamodel: "ResNet50", hyperparameters: [:]),
            "mobilenet_v2": PretrainedEntry(module: "stdlib/mobilenetv2.m", metamodel: "MobileNetV2", hyperparameters: [:]),
        ]
    }()
}

/// A model imported with `import onnx "f.onnx" as Name`.
struct ImportedModel {
    var alias: Identifier
    var function: Function
    var parameters: [MIR.Parameter]
}

/// A top-level name.
enum Symbol {
    case model(ModelDecl)
    case metamodel(MetamodelDecl)
    case function(FuncDecl)
    case onnx(ImportedModel)

    var kindName: String {
        switch self {
        case .model: "model"
        case .metamodel: "metamodel"
        case .function: "func"
        case .onnx: "imported model"
        }
    }
    var nameRange: SourceRange {
        switch self {
        case .model(let d): d.name.range
        case .metamodel(let d): d.name.range
        case .function(let d): d.name.range
        case .onnx(let m): m.alias.range
        }
    }
}

/// All modules of one compilation: the root file and what it imports, with one namespace of
/// models, metamodels, funcs and imported ONNX models.
final class Program {
    let diags: Diags
    let options: FrontendOptions
    let importer: ModelImporter?
    private(set) var rootPath = ""
    private(set) var root = SourceUnit(path: "", declarations: [])
    private(set) var symbols: [String: Symbol] = [:]
    /// Standardized paths of loaded modules, so a diamond import loads once.
    private var loaded = Set<String>()
    /// The import chain being loaded: file and the import that leads out of it.
    private var stack: [(path: String, via: SourceRange?)] = []
    /// Resolved models, by name (see ModelResolver).
    var specCache: [String: ModelSpec] = [:]
    var resolving = Set<String>()
    var failedSpecs = Set<String>()
    /// Lowered models by spec name (see `lowerCached`).
    var loweredCache: [String: LoweredModel] = [:]
    var failedLowering = Set<String>()

    init(diags: Diags, options: FrontendOptions, importer: ModelImporter?) {
        self.diags = diags; self.options = options; self.importer = importer
    }

    /// Parses `file` and everything it imports; false when parsing failed.
    func load(root file: SourceFile) -> Bool {
        rootPath = standardized(file.path)
        let errors = diags.engine.errorCount
        root = parseSource(file, diagnostics: diags.engine)
        if diags.engine.errorCount > errors { return false }
        loaded.insert(rootPath)
        stack.append((rootPath, nil))
        declare(root, directory: directoryOf(file.path))
        stack.removeLast()
        return true
    }

    /// Loads a module by path as if imported from the root (the model repository's architectures).
    func loadModule(named path: String, at range: SourceRange) -> Bool {
        guard let resolved = resolveImport(path, from: directoryOf(rootPath)) else { return false }
        if loaded.contains(resolved) { return true }
        return loadImported(resolved, displayPath: path, at: range)
    }

    func directoryOf(_ path: String) -> String { URL(fileURLWithPath: path).deletingLastPathComponent().path }
    func standardized(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    /// A path for messages: relative to the root file's directory when below it.
    func display(_ path: String) -> String {
        let base = directoryOf(rootPath) + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    func resolveImport(_ path: String, from directory: String) -> String? {
        if path.hasPrefix("/") { return FileManager.default.fileExists(atPath: path) ? standardized(path) : nil }
        for dir in [directory] + options.searchPaths {
            let candidate = URL(fileURLWithPath: dir).appendingPathComponent(path).standardizedFileURL.path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue { return candidate }
        }
        return nil
    }

    private func loadImported(_ resolved: String, displayPath: String, at range: SourceRange) -> Bool {
        guard let data = FileManager.default.contents(atPath: resolved) else {
            diags.error("cannot read '\(displayPath)'", at: range); return false
        }
        let file = SourceFile(path: display(resolved), bytes: [UInt8](data))
        loaded.insert(resolved)
        let errors = diags.engine.errorCount
        let unit = parseSource(file, diagnostics: diags.engine)
        if diags.engine.errorCount > errors { return false }
        stack.append((resolved, nil))
        declare(unit, directory: directoryOf(resolved))
        stack.removeLast()
        return true
    }

    /// Loads imports depth-first, then enters this unit's declarations into the namespace.
    private func declare(_ unit: SourceUnit, directory: String) {
        for decl in unit.declarations {
            guard case .import(let i) = decl else { continue }
            guard let resolved = resolveImport(i.path, from: directory) else {
                let places = ([directory] + options.searchPaths).map { display($0) }.map { $0.isEmpty ? "." : $0 }
                diags.error("cannot find module '\(i.path)' (looked in \(places.joined(separator: ", ")))", at: i.pathRange)
                continue
            }
            if let start = stack.firstIndex(where: { $0.path == resolved }) {
                let chain = stack[start...].map { display($0.path) } + [display(resolved)]
                var notes: [Diagnostic] = []
                for (k, entry) in stack[start...].enumerated() where entry.via != nil && start + k < stack.count - 1 {
                    notes.append(diags.note("'\(display(entry.path))' imports '\(chain[k + 1])' here", at: entry.via))
                }
                diags.error("import cycle: \(chain.joined(separator: " -> "))", at: i.pathRange, notes: notes)
                continue
            }
            if loaded.contains(resolved) { continue }
            stack[stack.count - 1].via = i.pathRange
            _ = loadImported(resolved, displayPath: i.path, at: i.pathRange)
        }
        for decl in unit.declarations {
            switch decl {
            case .model(let d): add(d.name, .model(d))
            case .metamodel(let d): add(d.name, .metamodel(d))
            case .func(let d): add(d.name, .function(d))
            case .importONNX(let i): importONNX(i, directory: directory)
            case .import, .statement: break
            }
        }
    }

    private func add(_ name: Identifier, _ symbol: Symbol) {
        if let previous = symbols[name.name] {
            diags.error("'\(name.name)' is declared twice", at: name.range,
                        notes: [diags.note("first declared here as a \(previous.kindName)", at: previous.nameRange)])
            return
        }
        if Builtins.reservedNames.contains(name.name) {
            diags.error("'\(name.name)' is a built-in name and cannot be redeclared", at: name.range); return
        }
        symbols[name.name] = symbol
    }

    private func importONNX(_ i: ImportONNXDecl, directory: String) {
        guard let importer else {
            diags.error("ONNX imports need the mcc driver (no importer available)", at: i.range); return
        }
        let path = i.path.hasPrefix("/") ? i.path : URL(fileURLWithPath: directory).appendingPathComponent(i.path).standardizedFileURL.path
        switch importer(path) {
        case .failure(let f):
            diags.error("cannot import '\(i.path)': \(f.message)", at: i.pathRange)
        case .success(let m):
            guard let f = m.functions.first else { diags.error("'\(i.path)' holds no model", at: i.pathRange); return }
            add(i.alias, .onnx(ImportedModel(alias: i.alias, function: f, parameters: m.parameters)))
        }
    }

    /// Every name a "did you mean" may suggest for a model-like reference.
    var modelNames: [String] {
        symbols.compactMap { name, s in if case .function = s { return nil }; return name }.sorted()
    }
}
