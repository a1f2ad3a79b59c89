import Foundation
import Testing
import MIR
@testable import MCodegenLLVM

/// Which GEMM a float matmul lowers to (the dispatch rule in `matmulGemm`), checked on the IR.
@Suite struct GemmCodegenTests {
    static let source = """
    module @g

    param @w : f32[96, 80] = uniform(limit = 0.5, seed = 1)

    func @G(%x: f32[n, 96]) -> (y: f32[n, 80]) {
      %0 = param @w : f32[96, 80]
      %1 = matmul %x, %0 {activation = "relu"} : f32[n, 80]
      return %1
    }

    """

    func ir(cpu: String) throws -> String {
        let module = try parseModule(text: Self.source)
        try module.verify()
        var options = CodegenOptions()
        options.target = TargetOptions(cpu: cpu, features: "")
        let cg = try LLVMCodegen(module: module, options: options) { p throws(CodegenError) in
            do { return packValues(try p.initializer.materialize(count: p.type.staticShape!.reduce(1, *)).map(Double.init), as: p.type.dtype) } catch { throw .parameterData("\(error)") }
        }
        try cg.optimize()
        return cg.llvmIR()
    }

    @Test func avx512ChoosesAtRunTimeByRows() throws {
        // M is the batch symbol: mcc's 12x32 kernel (with the relu in its store) from 4 rows,
        // OpenBLAS below.
        let ir = try ir(cpu: "skylake-avx512")
        #expect(ir.contains("@mcc_sgemm_12x32_relu("))
        #expect(ir.contains("@mcc_sgemm_12x32_micro12x32_relu("))
        #expect(ir.contains("<16 x float>"))
        #expect(ir.contains("@llvm.fma.v16f32"))
        #expect(ir.contains("@cblas_sgemm"))
        // The weight, packed at compile time, beside the parameter blob.
        #expect(ir.contains("@mcc_packed_w = private"))
    }

    @Test func baselineTargetKeepsOpenBLAS() throws {
        let ir = try ir(cpu: "x86-64")
        #expect(!ir.contains("@mcc_sgemm_"))
        #expect(!ir.contains("@mcc_packed_"))
        #expect(ir.contains("@cblas_sgemm"))
    }

    @Test func tilingOverrideIsValidated() {
        #expect(GemmTiling.forTarget(avx512: true, environment: ["MCC_GEMM_TILE": "6x64"]).nr == 64)
        // NR must be a multiple of the vector width; a bad spec keeps the default.
        #expect(GemmTiling.forTarget(avx512: true, environment: ["MCC_GEMM_TILE": "6x20"]) == GemmTiling.forTarget(avx512: true, environment: [:]))
        let t = GemmTiling.forTarget(avx512: true, environment: ["MCC_GEMM_TILE": "8x32x64x50x100"])
        #expect(t.mc == 48 && t.nc == 96 && t.kc == 64)
    }
}
