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

    /// Every op in the table has a shape rule that accepts a well-formed use.
    @Test(arguments: OpKind.allCases)
    func everyOpHasAWorkingShapeRule(_ kind: OpKind) throws {
        let x = TensorType(.f32, [.symbol("n"), .constant(3), .constant(8), .constant(8)])
        let operands: [TensorType]
        var explicit: TensorType?
        var attrs: Attributes = [:]
        switch kind.info.category {
        case .source: operands = []; explicit = x; attrs = ["name": .string("p")]
        case .elementwiseUnary, .pooling, .normalization: operands = [x]
        case .elementwiseBinary: operands = [x, TensorType(.f32, static: [8])]
        case .contraction: operands = [x, TensorType(.f32, static: [8, 5])]
        case .convolution: operands = [x, TensorType(.f32, static: [4, 3, 3, 3])]
        case .movement:
            operands = [x]
            if kind == .reshape { explicit = TensorType(.f32, [.symbol("n"), .constant(192)]) }
        }
        let t = try kind.inferResultType(operands: operands, attributes: attrs, explicit: explicit)
        #expect(t.dtype == .f32)
    }
}
