import Testing
@testable import MIR

@Suite struct VerifierTests {
    func mlp() throws -> Module {
        let m = Module(name: "t")
        m.parameters.append(Parameter(name: "w", type: TensorType(.f32, static: [4, 2]), initializer: .zeros))
        let f = Function(name: "f", arguments: [FunctionInput(name: "x", type: TensorType(.f32, [.symbol("b"), .constant(4)]))])
        let w = try f.append(.param, [], attributes: ["name": .string("w")], explicitType: TensorType(.f32, static: [4, 2]))
        let y = try f.append(.matmul, [f.argument(0), w])
        f.results = [FunctionOutput(name: "y", value: try f.append(.relu, [y]))]
        m.functions.append(f)
        return m
    }

    @Test func validModuleVerifies() throws { try mlp().verify() }

    @Test func wrongResultTypeIsCaught() throws {
        let m = try mlp()
        let f = m.functions[0]
        f.appendUnchecked(.relu, [f.argument(0)], type: TensorType(.f32, static: [9]))
        #expect(throws: VerifierError.self) { try m.verify() }
    }

    @Test func useBeforeDefinitionIsCaught() throws {
        let m = try mlp()
        let f = m.functions[0]
        f.ops.swapAt(1, 2)
        #expect(throws: VerifierError.self) { try m.verify() }
    }

    @Test func unknownParameterIsCaught() throws {
        let m = try mlp()
        m.parameters.removeAll()
        #expect(throws: VerifierError.self) { try m.verify() }
    }

    @Test func unboundResultSymbolIsCaught() throws {
        let m = Module(name: "t")
        let f = Function(name: "f", arguments: [FunctionInput(name: "x", type: TensorType(.f32, [.symbol("b")]))])
        let r = f.appendUnchecked(.reshape, [f.argument(0)], type: TensorType(.f32, [.symbol("c")]))
        f.results = [FunctionOutput(name: "y", value: r)]
        m.functions.append(f)
        #expect(throws: VerifierError.self) { try m.verify() }
    }

    /// Resize: mode and coordinate mode are checked, and tf_crop_and_resize needs a roi (attribute or
    /// float operand) of 2 * rank entries.
    @Test func resizeRejectsBadModesAndRois() throws {
        let x = TensorType(.f32, static: [1, 1, 4, 4]), out = TensorType(.f32, static: [1, 1, 8, 8])
        let scales: Attribute = .floats([1, 1, 2, 2])
        func check(_ attrs: Attributes, _ extra: [TensorType] = []) throws -> TensorType {
            try OpKind.resize.inferResultType(operands: [x] + extra, attributes: attrs, explicit: out)
        }
        _ = try check(["scales": scales, "mode": .string("cubic"), "cubic_coeff_a": .float(-0.5)])
        _ = try check(["scales": scales, "coordinate_mode": .string("tf_crop_and_resize"), "roi": .floats([0, 0, 0, 0, 1, 1, 1, 1])])
        _ = try check(["scales": scales, "coordinate_mode": .string("tf_crop_and_resize")], [TensorType(.f32, static: [8])])
        #expect(throws: ShapeError.self) { try check(["scales": scales, "mode": .string("area")]) }
        #expect(throws: ShapeError.self) { try check(["scales": scales, "coordinate_mode": .string("half_pixel_symmetric")]) }
        #expect(throws: ShapeError.self) { try check(["scales": scales, "coordinate_mode": .string("tf_crop_and_resize")]) }
        #expect(throws: ShapeError.self) {
            try check(["scales": scales, "coordinate_mode": .string("tf_crop_and_resize"), "roi": .floats([0, 0, 1, 1])])
        }
        #expect(throws: ShapeError.self) {
            try check(["scales": scales, "coordinate_mode": .string("tf_crop_and_resize")], [TensorType(.i64, static: [8])])
        }
        #expect(throws: ShapeError.self) { try check(["scales": scales, "roi": .floats([0, 0, 0, 0, 1, 1, 1, 1])]) }
    }

    /// Every op in the table has a shape rule that accepts a well-formed use.
    @Test(arguments: OpKind.allCases)
    func everyOpHasAWorkingShapeRule(_ kind: OpKind) throws {
        let x = TensorType(.f32, [.symbol("n"), .constant(3), .constant(8), .constant(8)])
        var operands: [TensorType] = [x]
        var explicit: TensorType?
        var attrs: Attributes = [:]
        switch kind.info.category {
        case .source: operands = []; explicit = x; attrs = ["name": .string("p")]
        case .elementwiseUnary:
            if kind == .logicalNot { operands = [TensorType(.bool, x.shape)] }
            if kind == .cast { attrs = ["to": .string("i32")] }
        case .pooling, .normalization, .reduction:
            if kind == .topkValues || kind == .topkIndices { attrs = ["k": .int(2)] }
            if kind == .batchNorm { operands += [TensorType](repeating: TensorType(.f32, static: [3]), count: 4) }
            if kind == .layerNorm {
                // Scale and bias have the normalized dims (axis..<rank) exactly.
                operands += [TensorType(.f32, static: [8, 8]), TensorType(.f32, static: [8, 8])]
                attrs = ["axis": .int(-2), "epsilon": .float(1e-5)]
                #expect(throws: ShapeError.self) {
                    try kind.inferResultType(operands: [x, TensorType(.f32, static: [8])], attributes: attrs, explicit: nil)
                }
                #expect(throws: ShapeError.self) {
                    try kind.inferResultType(operands: [x, TensorType(.f32, static: [8, 8])], attributes: ["axis": .int(4)], explicit: nil)
                }
            }
            if kind == .maxPool2dBackward || kind == .avgPool2dBackward { operands.append(x) }
            if kind == .nonMaxSuppression {
                operands = [TensorType(.f32, [.symbol("b"), .constant(6), .constant(4)]), TensorType(.f32, [.symbol("b"), .constant(2), .constant(6)]),
                            TensorType(.i64, static: [1]), TensorType(.f32, static: []), TensorType(.f32, static: [1])]
                explicit = TensorType(.i64, [.symbol("c"), .constant(3)])
                attrs = ["center_point_box": .int(1), "has_score": .int(1)]
                #expect(throws: ShapeError.self) {
                    try kind.inferResultType(operands: operands, attributes: [:], explicit: TensorType(.i64, [.symbol("c"), .constant(2)]))
                }
            }
            if kind == .unique {
                explicit = TensorType(.i64, [.symbol("u")])
                attrs = ["axis": .int(1), "output": .string("counts")]
                #expect(throws: ShapeError.self) {   // inverse has one entry per slice (3 along axis 1)
                    try kind.inferResultType(operands: operands, attributes: ["axis": .int(1), "output": .string("inverse")],
                                             explicit: TensorType(.i64, [.symbol("u")]))
                }
            }
            if kind == .nonzero {
                explicit = TensorType(.i64, [.constant(4), .symbol("c")])
                #expect(throws: ShapeError.self) {
                    try kind.inferResultType(operands: operands, attributes: [:], explicit: TensorType(.i64, [.constant(3), .symbol("c")]))
                }
            }
            if kind == .tfidfVectorizer {
                operands = [TensorType(.i64, [.symbol("n"), .constant(6)])]
                attrs = ["max_gram_length": .int(2), "ngram_counts": .ints([0, 2]), "ngram_indexes": .ints([0, 1, 2]),
                         "pool": .ints([4, 5, 4, 5])]
            }
        case .elementwiseBinary:
            switch kind {
            case .select: operands = [TensorType(.bool, static: [8]), x, x]
            case .logicalAnd, .logicalOr, .logicalXor: operands = [TensorType(.bool, x.shape), TensorType(.bool, static: [8])]
            case .fused: operands = [x, TensorType(.f32, static: [8])]; attrs = ["program": .string("$0 $1 add relu")]
            case .shiftLeft, .shiftRight: operands = [TensorType(.u32, x.shape), TensorType(.u32, static: [8])]
            default: operands = [x, TensorType(.f32, static: [8])]
            }
        case .contraction:
            operands = [x, TensorType(.f32, static: [8, 5])]
            // fuse-epilogue's operands: a bias over the last dim, then a residual of the result's type.
            let result = TensorType(.f32, [.symbol("n"), .constant(3), .constant(8), .constant(5)])
            #expect(try kind.inferResultType(operands: operands + [TensorType(.f32, static: [5]), result], attributes: [:], explicit: nil) == result)
            #expect(throws: ShapeError.self) {
                try kind.inferResultType(operands: operands + [TensorType(.f32, static: [8])], attributes: [:], explicit: nil)
            }
            #expect(throws: ShapeError.self) {
                try kind.inferResultType(operands: operands + [TensorType(.f32, static: [5]), x], attributes: [:], explicit: nil)
            }
        case .convolution:
            operands = [x, TensorType(.f32, static: kind == .conv2d ? [4, 3, 3, 3] : [3, 4, 3, 3])]
            if kind == .conv2dBackwardFilter {
                operands = [x, TensorType(.f32, [.symbol("n"), .constant(4), .constant(6), .constant(6)])]; attrs = ["kernel": .ints([3, 3])]
            }
        case .quantized:
            // x: 3 channels (qconv2d 3x3: k = 3*3*4 = 36) or last dim 8 (qmatmul); n = 5 outputs.
            let k = kind == .qconv2d ? 36 : 8
            operands = [x, TensorType(.i8, static: QuantizedLayout.packedShape(k: k, n: 5)),
                        TensorType(.f32, static: [5]), TensorType(.i32, static: [5])]
            if kind == .qconv2d { attrs = ["kernel": .ints([3, 3])] }
        case .sparse:
            // x[..., 8] times a CSR 8 x 5 weight with 6 nonzeros; a wrong explicit n must fail.
            operands = [x, TensorType(.f32, static: [6]), TensorType(.i32, static: [6]), TensorType(.i32, static: [6])]
            explicit = TensorType(.f32, [.symbol("n"), .constant(3), .constant(8), .constant(5)])
            #expect(throws: ShapeError.self) {
                try kind.inferResultType(operands: operands, attributes: [:], explicit: TensorType(.f32, [.symbol("n"), .constant(3), .constant(8), .constant(4)]))
            }
        case .attention:
            // q, k as [b, s, h, d] views, v as [b, h, s, dv], a [sq, sk] mask; sq = 8, sk = 5.
            operands = [TensorType(.f32, [.symbol("n"), .constant(8), .constant(2), .constant(4)]),
                        TensorType(.f32, [.symbol("n"), .constant(5), .constant(2), .constant(4)]),
                        TensorType(.f32, [.symbol("n"), .constant(2), .constant(5), .constant(6)]), TensorType(.f32, static: [8, 5])]
            attrs = ["q_perm": .ints([0, 2, 1, 3]), "k_perm": .ints([0, 2, 1, 3]), "out_perm": .ints([0, 2, 1, 3])]
            #expect(try kind.inferResultType(operands: operands, attributes: attrs)
                    == TensorType(.f32, [.symbol("n"), .constant(8), .constant(2), .constant(6)]))
            #expect(throws: ShapeError.self) {   // k's head size differs from q's
                try kind.inferResultType(operands: Array(operands[..<3]), attributes: ["q_perm": .ints([0, 2, 1, 3])])
            }
            #expect(throws: ShapeError.self) {   // a [sk, sq] mask does not broadcast
                try kind.inferResultType(operands: Array(operands[..<3]) + [TensorType(.f32, static: [5, 8])], attributes: attrs)
            }
            #expect(throws: ShapeError.self) {   // not a permutation
                try kind.inferResultType(operands: operands, attributes: ["q_perm": .ints([0, 2, 2, 3])])
            }
        case .blocked:
            // 3 channels -> one 16-lane block; a 3x3 conv to 20 channels (2 blocks) with a residual.
            let blockedX = TensorType(.f32, [.symbol("n"), .constant(1), .constant(8), .constant(8), .constant(16)])
            switch kind {
            case .toNCHWc: attrs = ["block": .int(16)]
            case .fromNCHWc: operands = [blockedX]; attrs = ["channels": .int(3)]
            case .maxPool2dNCHWc, .avgPool2dNCHWc:
                operands = [blockedX]; attrs = ["kernel": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])]
                #expect(try kind.inferResultType(operands: operands, attributes: attrs)
                        == TensorType(.f32, [.symbol("n"), .constant(1), .constant(4), .constant(4), .constant(16)]))
                #expect(throws: ShapeError.self) { try kind.inferResultType(operands: [x], attributes: attrs) }   // not blocked
            case .conv2dNCHWc:
                let y = TensorType(.f32, [.symbol("n"), .constant(2), .constant(6), .constant(6), .constant(16)])
                operands = [blockedX, TensorType(.f32, static: [2, 1, 3, 3, 16, 16]), TensorType(.f32, static: [32]), y]
                #expect(throws: ShapeError.self) {
                    try kind.inferResultType(operands: [blockedX, TensorType(.f32, static: [2, 1, 3, 3, 16, 16]), TensorType(.f32, static: [20])], attributes: [:])
                }
                // A stem reads NCHW x (3 channels) with a weight [ocb, 3, kh, kw, 16]; 4 channels in the weight is an error.
                #expect(try kind.inferResultType(operands: [x, TensorType(.f32, static: [2, 3, 3, 3, 16]), TensorType(.f32, static: [32])], attributes: [:]) == y)
                #expect(throws: ShapeError.self) {
                    try kind.inferResultType(operands: [x, TensorType(.f32, static: [2, 4, 3, 3, 16]), TensorType(.f32, static: [32])], attributes: [:])
                }
            default:
                Issue.record("blocked op '\(kind.rawValue)' has no well-formed use in this test yet")
            }
        case .recurrent:
            // lstm_sequence: seq 5, batch n, hidden 8, peepholes and lengths; result [seq + 2, n, 8].
            let state = TensorType(.f32, [.symbol("n"), .constant(8)])
            operands = [TensorType(.f32, [.constant(5), .symbol("n"), .constant(32)]), TensorType(.f32, static: [8, 32]), state, state,
                        TensorType(.f32, static: [24]), TensorType(.i32, [.symbol("n")])]
            attrs = ["peepholes": .int(1), "direction": .string("reverse"), "clip": .float(3)]
            #expect(try kind.inferResultType(operands: operands, attributes: attrs) == TensorType(.f32, [.constant(7), .symbol("n"), .constant(8)]))
            for bad: [TensorType] in [Array(operands.prefix(5)) + [TensorType(.f32, [.symbol("n")])],         // float lengths
                                      [operands[0], TensorType(.f32, static: [8, 24])] + operands[2...],     // r not [h, 4h]
                                      Array(operands.prefix(4)) + [TensorType(.f32, static: [16])]] {      // peepholes not [3h]
                #expect(throws: ShapeError.self) { try kind.inferResultType(operands: bad, attributes: attrs) }
            }
            #expect(throws: ShapeError.self) { try kind.inferResultType(operands: operands, attributes: attrs.merging(["direction": .string("both")]) { $1 }) }
        case .movement:
            switch kind {
            case .reshape: explicit = TensorType(.f32, [.symbol("n"), .constant(192)])
            case .expand: operands = [TensorType(.f32, static: [1, 8])]; explicit = x
            case .resize: explicit = TensorType(.f32, [.symbol("n"), .constant(3), .constant(16), .constant(16)])
            case .gather, .gatherElements: operands = [x, TensorType(.i64, x.shape)]
            case .tile: attrs = ["repeats": .ints([1, 2, 1, 1])]
            case .pad: attrs = ["pads": .ints([0, 0, 1, 1, 0, 0, 1, 1])]
            case .slice: attrs = ["starts": .ints([1]), "ends": .ints([3]), "axes": .ints([2])]
            case .concat: operands = [x, x]
            case .scatterAdd: operands = [x, TensorType(.i64, x.shape), x]
            case .gridSample: operands = [x, TensorType(.f32, [.symbol("n"), .constant(5), .constant(6), .constant(2)])]
            case .roiAlign:
                operands = [x, TensorType(.f32, [.symbol("r"), .constant(4)]), TensorType(.i64, [.symbol("r")])]
                attrs = ["output_height": .int(2), "output_width": .int(2)]
            default: break
            }
        }
        let t = try kind.inferResultType(operands: operands, attributes: attrs, explicit: explicit)
        #expect(t.rank >= 0)
    }

    /// Comparisons may only feed a where's condition inside a fused program: no bool reaches
    /// memory or arithmetic, and the result is numeric.
    @Test(arguments: [("$2 $1 greater $0 $1 where", true), ("$0 $1 less $0 $1 where exp", true),
                      ("$0 $1 greater", false), ("$0 $1 greater exp", false), ("$0 $1 $0 where", false),
                      ("$0 $1 greater $0 $1 greater $0 where", false)])
    func fusedProgramTypesBools(_ text: String, _ valid: Bool) {
        let parsed = (try? FusedProgram(parsing: text, operandCount: 3)) != nil
        #expect(parsed == valid, "\(text)")
    }

    /// A function whose reshape target comes from the data of `%s` (value symbols).
    func dataReshape() -> (Module, Function) {
        let m = Module(name: "t")
        let f = Function(name: "f", arguments: [FunctionInput(name: "x", type: TensorType(.f32, static: [6])),
                                                FunctionInput(name: "s", type: TensorType(.i64, static: [2]))])
        m.functions.append(f)
        return (m, f)
    }

    @Test func valueSymbolsVerify() throws {
        let (m, f) = dataReshape()
        let r0 = f.defineValueSymbol("r", .element("s", 0))
        let r1 = f.defineValueSymbol("r", .element("s", 1))
        #expect(r0 == .symbol("r") && r1 == .symbol("r_1"))
        f.symbolChecks.append(SymbolCheck(expr: .call(.eq, [.call(.mul, [.symbol("r"), .symbol("r_1")]), .int(6)]), message: "count"))
        f.results = [FunctionOutput(name: "y", value: try f.append(.reshape, [f.argument(0)], explicitType: TensorType(.f32, [r0, r1])))]
        try m.verify()
        // Dim arithmetic needs no new symbol, and constant data folds.
        #expect(f.defineValueSymbol("q", .call(.add, [.symbol("r"), .int(1)])) == .symbol("r") + .constant(1))
        #expect(f.defineValueSymbol("q", .call(.select, [.call(.eq, [.int(0), .int(0)]), .int(3), .element("s", 0)])) == .constant(3))
    }

    @Test func valueSymbolMistakesAreCaught() throws {
        let (m, f) = dataReshape()
        f.valueSymbols = [ValueSymbol(name: "a", expr: .symbol("b")), ValueSymbol(name: "b", expr: .element("s", 5)),
                          ValueSymbol(name: "c", expr: .element("x", 0)), ValueSymbol(name: "d", expr: .element("nope", 0)),
                          ValueSymbol(name: "a", expr: .call(.select, [.int(1)]))]
        f.results = [FunctionOutput(name: "y", value: f.appendUnchecked(.reshape, [f.argument(0)], type: TensorType(.f32, [.symbol("zz"), .constant(1)])))]
        do {
            try m.verify()
            Issue.record("expected verifier errors")
        } catch {
            let text = error.description
            for expected in ["symbol 'a' uses symbol 'b' before it is defined", "reads element 5 of '%s', which has 2 elements",
                             "reads '%nope', which is not an argument", "'select' takes 3 operands, got 1",
                             "symbol 'a' is defined twice", "uses symbol 'zz' that no argument binds and no value symbol defines"] {
                #expect(text.contains(expected), "missing '\(expected)' in \(text)")
            }
        }
    }
}
