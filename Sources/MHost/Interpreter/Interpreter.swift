import Foundation
import MFrontend
import MIR

/// Executes host code top to bottom: the root file's statements, calling funcs, builtins and
/// compiled models. The checker has already run, so most mistakes were reported statically;
/// what remains (files, data shapes, run-time values) fails with a `RunFailure` at the statement.
public final class Interpreter {
    let program: HostProgram
    let context: RunContext
    let functions: [String: FuncDecl]
    /// Names of the running func (or the top level); funcs do not see their caller's names.
    var frame: [String: Value] = [:]
    /// Enclosing `for i in range(n)` loops: (index, count), for "epoch i/n" in progress lines.
    var rangeLoops: [(index: Int, count: Int)] = []
    /// Losses computed by training steps, so a data set loop can report progress.
    var stepLosses: [Float] = []
    var callDepth = 0
    /// Directory of the root file: relative data paths are resolved against the working directory first, then here.
    let baseDirectory: String
    /// How the program was loaded, for models that fineTuneModel declares at run time.
    let importer: ModelImporter?
    let searchPaths: [String]
    var derivedCount = 0

    public init(program: HostProgram, context: RunContext, importer: ModelImporter?, searchPaths: [String]) {
        self.program = program
        self.context = context
        self.importer = importer
        self.searchPaths = searchPaths
        self.functions = program.functions
        self.baseDirectory = URL(fileURLWithPath: program.rootPath).deletingLastPathComponent().path
    }

    /// Runs the root file's top-level statements.
    public func run() throws(RunFailure) {
        for case .statement(let s) in program.root.declarations {
            _ = try execute(s)
        }
        context.progress.closeLine()
    }

    /// What a statement did to control flow.
    enum Flow { case next, returned(Value) }

    func execute(_ block: Block) throws(RunFailure) -> Flow {
        var i = 0
        let statements = block.statements
        while i < statements.count {
            if let fused = try trainStepPattern(statements, at: i) {
                try runFusedStep(fused)
                i += 5
                continue
            }
            if case .returned(let v) = try execute(statements[i]) { return .returned(v) }
            i += 1
        }
        return .next
    }

    func execute(_ s: Stmt) throws(RunFailure) -> Flow {
        do throws(RunFailure) {
            switch s.kind {
            case .expression(let e):
                _ = try evaluate(e)
            case .assign(let targets, let value):
                let v = try evaluate(value)
                if targets.count == 1 {
                    try assign(targets[0], v)
                } else {
                    guard case .tuple(let items) = v, items.count == targets.count else {
                        throw RunFailure("cannot unpack \(v.typeName) into \(targets.count) names", at: value.range)
                    }
                    for (t, item) in zip(targets, items) { try assign(t, item) }
                }
            case .variable(_, let name, _, let value):
                frame[name.name] = try value.map { (e) throws(RunFailure) in try evaluate(e) } ?? Value.none
            case .for(let variables, let sequence, let body):
                return try executeFor(variables, sequence, body)
            case .while(let condition, let body):
                while try truth(evaluate(condition), at: condition.range) {
                    if case .returned(let v) = try execute(body) { return .returned(v) }
                }
            case .if(let condition, let then, let orElse):
                if try truth(evaluate(condition), at: condition.range) {
                    return try execute(then)
                } else if let orElse {
                    return try execute(orElse)
                }
            case .return(let value):
                return .returned(try value.map { (e) throws(RunFailure) in try evaluate(e) } ?? Value.none)
            }
        } catch var failure {
            if failure.range == nil { failure.range = s.range }
            throw failure
        }
        return .next
    }

    func truth(_ v: Value, at range: SourceRange) throws(RunFailure) -> Bool {
        guard case .bool(let b) = v else { throw RunFailure("a condition must be Bool, got \(v.typeName)", at: range) }
        return b
    }

    private func assign(_ target: Expr, _ v: Value) throws(RunFailure) {
        switch target.kind {
        case .identifier(let name):
            frame[name] = v
        case .subscript(let base, let indices):
            guard case .identifier(let name) = base.kind, case .list(var items)? = frame[name], indices.count == 1 else {
                throw RunFailure("only list elements can be assigned by index", at: target.range)
            }
            let i = try index(evaluate(indices[0]), count: items.count, at: indices[0].range)
            items[i] = v
            frame[name] = .list(items)
        default:
            throw RunFailure("cannot assign to this expression", at: target.range)
        }
    }

    func index(_ v: Value, count: Int, at range: SourceRange) throws(RunFailure) -> Int {
        guard case .int(let i) = v else { throw RunFailure("an index must be an Int, got \(v.typeName)", at: range) }
        let j = i < 0 ? count + i : i
        guard j >= 0 && j < count else { throw RunFailure("index \(i) is out of range for \(count) elements", at: range) }
        return j
    }

    // MARK: loops

    private func executeFor(_ variables: [Identifier], _ sequence: Expr, _ body: Block) throws(RunFailure) -> Flow {
        let seq = try evaluate(sequence)
        func bind(_ v: Value) throws(RunFailure) {
            if variables.count == 1 { frame[variables[0].name] = v; return }
            guard case .tuple(let items) = v, items.count == variables.count else {
                throw RunFailure("cannot unpack \(v.typeName) into \(variables.count) loop variables", at: sequence.range)
            }
            for (name, item) in zip(variables, items) { frame[name.name] = item }
        }
        switch seq {
        case .list(let items), .tuple(let items):
            let isRange = isRangeCall(sequence)
            for (k, item) in items.enumerated() {
                try bind(item)
                if isRange { rangeLoops.append((k, items.count)) }
                let flow = try execute(body)
                if isRange { rangeLoops.removeLast() }
                if case .returned = flow { return flow }
            }
        case .string(let s):
            for c in s { try bind(.string(String(c))); if case .returned(let v) = try execute(body) { return .returned(v) } }
        case .dataset(let box):
            let batches = box.dataset.batches(pass: box.passes)
            box.passes += 1
            var progress = EpochProgress(epoch: rangeLoops.last.map { $0.index + 1 }, epochs: rangeLoops.last?.count, batches: batches.count)
            progress.compileAtStart = context.compiler.compileSeconds
            var trained = false
            for (k, batch) in batches.enumerated() {
                try bind(.batch(batch))
                let before = stepLosses.count
                let flow = try execute(body)
                if stepLosses.count > before {
                    trained = true
                    progress.batchIndex = k + 1
                    progress.samples += batch.x.shape.first ?? 0
                    progress.lastLoss = stepLosses.last
                    for l in stepLosses[before...] { progress.lossSum += Double(l); progress.lossCount += 1 }
                    context.progress.batch(progress)
                }
                if case .returned = flow { return flow }
            }
            if trained { context.progress.epochDone(progress) }
            stepLosses.removeAll()
        case .tensor(let t):
            guard let n = t.shape.first else { throw RunFailure("cannot iterate over a scalar tensor", at: sequence.range) }
            let per = t.shape.dropFirst().reduce(1, *)
            for k in 0..<n {
                let data: TensorData
                switch t.data {
                case .f32(let v): data = .f32(Array(v[(k * per)..<((k + 1) * per)]))
                case .i64(let v): data = .i64(Array(v[(k * per)..<((k + 1) * per)]))
                }
                try bind(.tensor(HostTensor(shape: Array(t.shape.dropFirst()), data: data)))
                if case .returned(let v) = try execute(body) { return .returned(v) }
            }
        default:
            throw RunFailure("cannot iterate over \(seq.typeName)", at: sequence.range)
        }
        return .next
    }

    private func isRangeCall(_ e: Expr) -> Bool {
        if case .call(let callee, _) = e.kind, case .identifier("range") = callee.kind { return true }
        return false
    }

    // MARK: funcs

    func callFunction(_ name: String, _ args: [(label: String?, value: Value)], at range: SourceRange) throws(RunFailure) -> Value {
        guard let f = functions[name] else { throw RunFailure("unknown func '\(name)'", at: range) }
        guard callDepth < 200 else { throw RunFailure("func calls nest more than 200 deep (unbounded recursion?)", at: range) }
        var locals: [String: Value] = [:]
        var positional = 0
        for (label, value) in args {
            if let label {
                guard f.parameters.contains(where: { $0.name.name == label }) else {
                    throw RunFailure("func '\(name)' has no parameter '\(label)'", at: range)
                }
                locals[label] = value
            } else {
                guard positional < f.parameters.count else { throw RunFailure("func '\(name)' takes \(f.parameters.count) arguments", at: range) }
                locals[f.parameters[positional].name.name] = value
                positional += 1
            }
        }
        // Defaults are evaluated in the callee's scope, after the explicit arguments.
        let saved = frame
        frame = locals
        callDepth += 1
        defer { frame = saved; callDepth -= 1 }
        for p in f.parameters where frame[p.name.name] == nil {
            guard let d = p.defaultValue else { throw RunFailure("func '\(name)' is missing its argument '\(p.name.name)'", at: range) }
            frame[p.name.name] = try evaluate(d)
        }
        if case .returned(let v) = try execute(f.body) { return v }
        return .none
    }

    // MARK: paths

    /// A data path as written: relative to the working directory, else to the program's folder.
    func resolvePath(_ path: String) -> String {
        if path.hasPrefix("/") || FileManager.default.fileExists(atPath: path) { return path }
        let beside = baseDirectory + "/" + path
        return FileManager.default.fileExists(atPath: beside) ? beside : path
    }
}
