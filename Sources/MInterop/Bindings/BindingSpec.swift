import Foundation
import MIR

/// What the binding generators need to know about a compiled library: its file, the models it
/// holds and their signatures. Built from the MIR module that was compiled into the library.
public struct BindingSpec: Sendable {
    /// A named input or output of a model: `x: f32[batch, 784]`.
    public struct Slot: Sendable, Equatable {
        public var name: String
        public var type: TensorType
        public init(name: String, type: TensorType) { self.name = name; self.type = type }
        /// As the C ABI and every binding print it: `x: f32[batch, 784]`.
        public var signature: String { "\(name): \(type)" }
    }

    public struct Model: Sendable, Equatable {
        public var name: String
        public var inputs: [Slot]
        public var outputs: [Slot]
        public init(name: String, inputs: [Slot], outputs: [Slot]) {
            self.name = name; self.inputs = inputs; self.outputs = outputs
        }
    }

    /// File name of the shared library, e.g. `libmlp.so`.
    public var libraryFileName: String
    /// Absolute directory holding the library (and the generated files).
    public var directory: String
    /// The M (or MIR) file it was compiled from, for headers: `mlp.m`.
    public var sourceFileName: String
    public var compilerVersion: String
    public var models: [Model]
    /// The model `mcc_model_create(NULL, ...)` instantiates.
    public var defaultModel: String

    public init(libraryFileName: String, directory: String, sourceFileName: String, compilerVersion: String,
                models: [Model], defaultModel: String) {
        self.libraryFileName = libraryFileName; self.directory = directory; self.sourceFileName = sourceFileName
        self.compilerVersion = compilerVersion; self.models = models; self.defaultModel = defaultModel
    }

    /// The spec of `module` compiled to `directory/libraryFileName`. `defaultModel` is the one
    /// chosen with `mcc --model` (nil: the last declared, as the runtime does).
    public init(module: Module, libraryFileName: String, directory: String, sourceFileName: String,
                compilerVersion: String, defaultModel: String?) {
        let models = module.functions.map { f in
            Model(name: f.name,
                  inputs: f.arguments.map { Slot(name: $0.name, type: $0.type) },
                  outputs: f.results.map { Slot(name: $0.name, type: f.type(of: $0.value)) })
        }
        self.init(libraryFileName: libraryFileName, directory: directory, sourceFileName: sourceFileName,
                  compilerVersion: compilerVersion, models: models,
                  defaultModel: defaultModel ?? module.functions.last?.name ?? "")
    }

    /// The name `-l` takes when the file is `lib<name>.so`, else nil.
    public var linkName: String? {
        guard libraryFileName.hasPrefix("lib"), libraryFileName.hasSuffix(".so"), libraryFileName.count > 6 else { return nil }
        return String(libraryFileName.dropFirst(3).dropLast(3))
    }

    /// One identifier for the library in every language: the Python module, C++ namespace,
    /// Java package, pkg-config and CMake package name. `libmlp.so` gives `mlp`.
    public var packageName: String {
        var stem = libraryFileName
        if stem.hasSuffix(".so") { stem.removeLast(3) }
        if stem.hasPrefix("lib"), stem.count > 3 { stem.removeFirst(3) }
        return Identifiers.sanitize(stem).lowercased()
    }

    /// Absolute path of the library.
    public var libraryPath: String { directory + "/" + libraryFileName }
}

/// A file a generator produces, relative to the library's directory.
public struct GeneratedFile: Sendable, Equatable {
    public var path: String
    public var contents: String
    public init(path: String, contents: String) { self.path = path; self.contents = contents }
}

/// Languages `--emit-bindings` knows.
public enum BindingLanguage: String, CaseIterable, Sendable {
    case python, cpp, java

    /// Parses `python,cpp,java` (also `c++`); throws on an unknown or empty name.
    public static func parseList(_ text: String) throws(BindingsError) -> [BindingLanguage] {
        var out: [BindingLanguage] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard let lang = BindingLanguage(rawValue: name == "c++" ? "cpp" : name) else {
                throw .unknownLanguage(String(raw))
            }
            if !out.contains(lang) { out.append(lang) }
        }
        return out
    }

    /// The files of this language's wrapper for `spec`.
    public func generate(_ spec: BindingSpec) -> [GeneratedFile] {
        switch self {
        case .python: PythonBindings.generate(spec)
        case .cpp: CppBindings.generate(spec)
        case .java: JavaBindings.generate(spec)
        }
    }
}

public enum BindingsError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownLanguage(String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownLanguage(let name):
            "--emit-bindings: unknown language '\(name)' (known: \(BindingLanguage.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .cannotWrite(let path, let reason): "cannot write '\(path)': \(reason)"
        }
    }
}

/// Turning model, input and output names into identifiers each language accepts.
enum Identifiers {
    /// Letters, digits and `_` only, not starting with a digit.
    static func sanitize(_ name: String) -> String {
        var out = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
        if out.isEmpty || out.first!.isNumber { out = "_" + out }
        return out
    }

    /// `sanitize`, then a trailing `_` for a reserved word (`lambda` -> `lambda_`).
    static func safe(_ name: String, avoiding reserved: Set<String>) -> String {
        let s = sanitize(name)
        return reserved.contains(s) ? s + "_" : s
    }

    /// Quoted for C-family and Python string literals (MIR's escaping is a subset of theirs).
    static func quoted(_ s: String) -> String { quoteString(s) }
}
