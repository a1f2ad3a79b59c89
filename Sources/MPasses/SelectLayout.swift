import MIR

/// select-layout: runs chains of float convolutions in the blocked NCHW16c layout (MIR's
/// BlockedShapes.swift) on the direct conv2d_nchwc kernel, with the weights repacked here, at
/// compile time, into [ocb][icb][kh][kw][16 ic][16 oc] (depthwise [cb][kh][kw][16]).
///
/// Which convs (the rule, `isEligible`): f32 `conv2d x, param W[, param b]` with static channels,
/// no fourth operand, and either groups = 1 with at least 16 input channels, or depthwise
/// (groups = channels = output channels, at least 16). A stem (groups = 1, 1-15 input channels,
/// at least 16 output channels, reading a function argument: the image, which would otherwise
/// need a reorder; a narrow conv inside an NCHW chain stays there) reads its NCHW input directly, with the weight packed
/// [ocb][c][kh][kw][16 oc]: padding 3 channels to 16 would multiply its work by 5, and its
/// reorder disappears. The driver runs this pass only for AVX-512 targets (16 lanes = one zmm
/// per block).
///
/// Between convs, the ops that do not care about the layout follow their operands into it:
/// float elementwise unary ops, and add/sub/mul/maximum/minimum of two values of one type at
/// least one of which is blocked (the residual add; the other is reordered). Padding channels hold garbage after e.g. sigmoid, which is harmless:
/// the packed weights are zero there and from_nchwc drops them. f32 max/avg pooling of a blocked
/// value becomes max_pool2d_nchwc / avg_pool2d_nchwc (ResNet's stem pool), and reduce_mean over
/// a static H x W (global average pooling) avg_pool2d_nchwc with the whole plane as its window.
/// Reorders sit only at the chain's
/// boundaries: `to_nchwc` once per NCHW value a blocked op reads, `from_nchwc` for each blocked
/// value an NCHW op or a result reads (the original value ID, so those readers are untouched).
/// Then `add(conv, r)` whose conv has no activation and one reader becomes conv2d_nchwc's
/// residual operand, and a relu/clip of such a conv becomes its activation (ResNet's
/// conv-add-relu is one kernel).
///
/// Requires: a verified module, after fuse-epilogue (activations already folded into convs),
/// before fuse-elementwise (the moved elementwise ops still fuse, in the blocked shape).
/// Ensures: the verifier passes; replaced conv2d ops and their now-unread weights are left for `dce`.
public struct SelectLayout: WeightPass {
    public static let name = "select-layout"
    public static let summary = "Run conv chains in the blocked NCHW16c layout with weights packed at compile time"
    public static let block = 16
    public init() {}

    public func run(on module: Module, context: PassContext) throws(PassError) {
        for f in module.functions { try rewrite(f, module, context.weights) }
    }

    static func isEligible(_ op: Operation, _ f: Function, _ ops: [Operation], producer: [ValueID: Int]) -> Bool {
        // A 4th operand is the residual fuse-epilogue folded in (groups = 1 only, see its shape
        // rule): any value, reordered like the input; weight and bias must be parameters.
        guard op.kind == .conv2d, f.type(of: op.result).dtype == .f32,
              Set(op.attributes.keys).isSubset(of: ["strides", "pads", "dilations", "groups", "activation", "activation_min", "activation_max"]),
              let p = try? WindowParams(op.attributes),
              let w = f.type(of: op.operands[1]).staticShape, w.count == 4,
              let c = f.type(of: op.operands[0]).shape[1].constantValue,
              op.operands.dropFirst().prefix(2).allSatisfy({ paramName($0, ops, producer) != nil }) else { return false }
        if p.groups == 1 { return c >= block || (w[0] >= block && producer[op.operands[0]] == nil) }
        return p.groups == c && w[0] == c && w[1] == 1 && c >= block
    }

    /// The [h, w] window of a reduce_mean that is a global average pooling: axes {2, 3} of a
    /// rank-4 value with static spatial dims, dims kept.
    static func globalPool(_ op: Operation, _ f: Function) -> [Int]? {
        let x = f.type(of: op.operands[0])
        guard x.rank == 4, (op.attributes["keepdims"]?.intValue ?? 1) != 0, op.attributes["to_shape"] == nil,
              let axes = op.attributes["axes"]?.intsValue, Set(axes.map { $0 < 0 ? $0 + 4 : $0 }) == [2, 3],
              let h = x.shape[2].constantValue, let w = x.shape[3].constantValue else { return nil }
        return [h, w]
    }

    static func paramName(_ v: ValueID, _ ops: [Operation], _ producer: [ValueID: Int]) -> String? {
        guard let i = producer[v], ops[i].kind == .param else { return nil }
        return ops[i].attributes["name"]?.stringValue
    }

    private func rewrite(_ f: Function, _ module: Module, _ weights: any WeightStore) throws(PassError) {
        let b = SelectLayout.block
        let producer = f.producers()
        let old = f.ops
        f.ops = []
        var out: [Operation] = []
        var blocked: [ValueID: ValueID] = [:]     // NCHW value -> its blocked twin
        var reordered: [ValueID: ValueID] = [:]   // NCHW value -> its to_nchwc
        // A rerun sees the first run's reorders as blocked twins.
        for op in old where op.kind == .fromNCHWc { blocked[op.result] = op.operands[0] }
        func emit(_ kind: OpKind, _ operands: [ValueID], _ attrs: Attributes, _ type: TensorType, _ loc: SourceLocation?) -> ValueID {
            let v = f.appendUnchecked(kind, operands, attributes: attrs, type: type, location: loc)
            out.append(f.ops.removeLast())
            return v
        }
        func blockedType(_ t: TensorType) -> TensorType {
            let c = t.shape[1].constantValue ?? b
            return TensorType(.f32, [t.shape[0], .constant((c + b - 1) / b), t.shape[2], t.shape[3], .constant(b)])
        }
        func input(_ v: ValueID, _ loc: SourceLocation?) -> ValueID {
            if let u = blocked[v] ?? reordered[v] { return u }
            let u = emit(.toNCHWc, [v], ["block": .int(b)], blockedType(f.type(of: v)), loc)
            reordered[v] = u
            return u
        }
        /// Emits the blocked op and the from_nchwc that keeps `op.result` for NCHW readers.
        func replace(_ op: Operation, _ kind: OpKind, _ operands: [ValueID], _ attrs: Attributes) {
            let t = f.type(of: op.result)
            let u = emit(kind, operands, attrs, blockedType(t), op.location)
            blocked[op.result] = u
            out.append(Operation(kind: .fromNCHWc, operands: [u], attributes: ["channels": t.shape[1]].compactMapValues { $0.constantValue.map { .int($0) } },
                                 result: op.result, location: op.location))
        }
        for op in old {
            if SelectLayout.isEligible(op, f, old, producer: producer) {
                let (w, bias) = try packed(op, old, module, weights, producer)
                // A stem (weight [ocb][c][kh][kw][16]) reads its NCHW input as is.
                var operands = [w.type.rank == 5 ? op.operands[0] : input(op.operands[0], op.location),
                                emit(.param, [], ["name": .string(w.name)], w.type, op.location),
                                emit(.param, [], ["name": .string(bias.name)], bias.type, op.location)]
                if op.operands.count == 4 { operands.append(input(op.operands[3], op.location)) }
                replace(op, .conv2dNCHWc, operands, op.attributes)
            } else if op.kind == .maxPool2d || op.kind == .avgPool2d, let u = blocked[op.operands[0]], f.type(of: op.result).dtype == .f32 {
                replace(op, op.kind == .maxPool2d ? .maxPool2dNCHWc : .avgPool2dNCHWc, [u], op.attributes)
            } else if op.kind == .reduceMean, let u = blocked[op.operands[0]], let window = SelectLayout.globalPool(op, f) {
                replace(op, .avgPool2dNCHWc, [u], ["kernel": .ints(window)])
            } else if op.kind.info.category == .elementwiseUnary, op.kind.requiresFloat || op.kind == .neg || op.kind == .abs || op.kind == .clip,
                      op.kind != .dropout, let u = blocked[op.operands[0]], f.type(of: op.result) == f.type(of: op.operands[0]) {
                replace(op, op.kind, [u], op.attributes)
            } else if [.add, .sub, .mul, .maximum, .minimum].contains(op.kind), op.attributes.isEmpty,
                      op.operands.contains(where: { blocked[$0] != nil }), f.type(of: op.result).dtype == .f32,
                      f.type(of: op.operands[0]) == f.type(of: op.result), f.type(of: op.operands[1]) == f.type(of: op.result) {
                // One blocked operand is enough: the other is reordered once (a from_nchwc
                // back would cost the same pass over the tensor, and end the chain).
                replace(op, op.kind, op.operands.map { input($0, op.location) }, op.attributes)
            } else {
                out.append(op)
            }
        }
        f.ops = out
        foldEpilogues(f)
    }

    /// add(conv, r) -> conv with residual r; relu/clip(conv) -> conv with the activation.
    private func foldEpilogues(_ f: Function) {
        // Unread from_nchwc first: they would count as readers of the conv.
        var uses = f.useCounts()
        f.ops.removeAll { $0.kind == .fromNCHWc && uses[$0.result.raw] == 0 }
        uses = f.useCounts()
        var producer = f.producers()
        var dead = Set<Int>()
        for i in f.ops.indices {
            let op = f.ops[i]
            // The kernel adds the residual before the activation, so a conv with a residual
            // still takes an activation, but not a second residual.
            func foldable(_ v: ValueID, residual: Bool = false) -> Int? {
                guard let j = producer[v], !dead.contains(j), f.ops[j].kind == .conv2dNCHWc, !residual || f.ops[j].operands.count == 3,
                      f.ops[j].attributes["activation"] == nil, uses[v.raw] == 1 else { return nil }
                return j
            }
            if op.kind == .add, f.type(of: op.result).rank == 5, f.type(of: op.operands[0]) == f.type(of: op.operands[1]),
               let (j, r) = foldable(op.operands[0], residual: true).map({ ($0, op.operands[1]) })
                ?? foldable(op.operands[1], residual: true).map({ ($0, op.operands[0]) }) {
                f.ops[i] = Operation(kind: .conv2dNCHWc, operands: f.ops[j].operands + [r], attributes: f.ops[j].attributes,
                                     result: op.result, location: op.location)
                dead.insert(j)
            } else if (op.kind == .relu && op.attributes.isEmpty) || (op.kind == .clip && Set(op.attributes.keys).isSubset(of: ["min", "max"])),
                      f.type(of: op.result).rank == 5, let j = foldable(op.operands[0]) {
                var attrs = f.ops[j].attributes
                attrs["activation"] = .string(op.kind == .relu ? "relu" : "clip")
                if let lo = op.attributes["min"] { attrs["activation_min"] = lo }
                if let hi = op.attributes["max"] { attrs["activation_max"] = hi }
                f.ops[i] = Operation(kind: .conv2dNCHWc, operands: f.ops[j].operands, attributes: attrs, result: op.result, location: op.location)
                dead.insert(j)
            }
            producer[f.ops[i].result] = i
        }
        f.ops = f.ops.enumerated().filter { !dead.contains($0.offset) }.map(\.element)
    }

    /// The packed weight and the zero-padded bias of an eligible conv, as new parameters.
    private func packed(_ op: Operation, _ ops: [Operation], _ module: Module, _ weights: any WeightStore,
                        _ producer: [ValueID: Int]) throws(PassError) -> (weight: Parameter, bias: Parameter) {
        let b = SelectLayout.block
        guard let wName = SelectLayout.paramName(op.operands[1], ops, producer), let wp = module.parameter(named: wName),
              let ws = wp.type.staticShape else { throw PassError(pass: Self.name, message: "conv2d weight is not a parameter") }
        let (oc, icg, kh, kw) = (ws[0], ws[1], ws[2], ws[3])
        let groups = (try? WindowParams(op.attributes).groups) ?? 1
        let w = try weights.floats(of: wp)
        let ocb = (oc + b - 1) / b, icb = (icg + b - 1) / b
        var data: [Double]
        let shape: [Int]
        if groups == 1 && icg < b {
            shape = [ocb, icg, kh, kw, b]
            data = [Double](repeating: 0, count: shape.reduce(1, *))
            for o in 0..<oc {
                for c in 0..<icg {
                    for y in 0..<kh { for x in 0..<kw { data[(((o / b * icg + c) * kh + y) * kw + x) * b + o % b] = Double(w[((o * icg + c) * kh + y) * kw + x]) } }
                }
            }
        } else if groups == 1 {
            shape = [ocb, icb, kh, kw, b, b]
            data = [Double](repeating: 0, count: shape.reduce(1, *))
            for o in 0..<oc {
                for c in 0..<icg {
                    for y in 0..<kh {
                        for x in 0..<kw {
                            let dst = ((((o / b * icb + c / b) * kh + y) * kw + x) * b + c % b) * b + o % b
                            data[dst] = Double(w[((o * icg + c) * kh + y) * kw + x])
                        }
                    }
                }
            }
        } else {
            shape = [ocb, kh, kw, b]
            data = [Double](repeating: 0, count: shape.reduce(1, *))
            for o in 0..<oc {
                for y in 0..<kh { for x in 0..<kw { data[((o / b * kh + y) * kw + x) * b + o % b] = Double(w[(o * kh + y) * kw + x]) } }
            }
        }
        func add(_ name: String, _ values: [Double], _ shape: [Int]) -> Parameter {
            let type = TensorType(.f32, static: shape)
            // All-zero data (e.g. untrained weights) keeps the recipe instead of the numbers.
            let initializer = values.allSatisfy({ $0 == 0 }) ? Initializer.zeros : weights.store(values, name: name, type: type)
            let n = module.addParameter(name, type: type, initializer: initializer)
            return Parameter(name: n, type: type, initializer: .zeros)
        }
        var bias = [Double](repeating: 0, count: ocb * b)
        if op.operands.count >= 3, let bName = SelectLayout.paramName(op.operands[2], ops, producer), let bp = module.parameter(named: bName) {
            for (i, v) in try weights.floats(of: bp).enumerated() where i < oc { bias[i] = Double(v) }
        }
        return (add(wName + ".nchwc", data, shape), add((op.operands.count >= 3 ? (SelectLayout.paramName(op.operands[2], ops, producer) ?? wName) : wName + ".bias") + ".nchwc", bias, [ocb * b]))
    }
}
