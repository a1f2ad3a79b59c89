import Foundation
import Testing
import MIR
@testable import MCodegenLLVM

/// LLVM-level checks: the generated IR verifies, and elementwise kernels vectorize to the
/// widest vectors of the chosen target (CHECK-style substring checks on the IR text).
@Suite struct CodegenTests {
    static let source = """
    module @t

    param @w : f32[8, 4] = uniform(limit = 0.5, seed = 1)
    param @b : f32[4] = zeros

    func @T(%x: f32[n, 8]) -> (y: f32[n, 4], z: f32[n, 8]) {
      %0 = param @w : f32[8, 4]
      %1 = matmul %x, %0 : f32[n, 4]
      %2 = param @b : f32[4]
      %3 = add %1, %2 : f32[n, 4]
      %4 = softmax %3 {axis = -1} : f32[n, 4]
      %5 = relu %x : f32[n, 8]
      %6 = tanh %5 : f32[n, 8]
      return %4, %6
    }

    """

    func codegen(cpu: String, features: String = "") throws -> LLVMCodegen {
        let module = try parseModule(text: Self.source)
        try module.verify()
        var options = CodegenOptions()
        options.target = TargetOptions(cpu: cpu, features: features)
        return try LLVMCodegen(module: module, options: options) { p throws(CodegenError) in
            do { return packValues(try p.initializer.materialize(count: p.type.staticShape!.reduce(1, *)).map(Double.init), as: p.type.dtype) } catch { throw .parameterData("\(error)") }
        }
    }

    @Test func avx512TargetUsesZmmWideVectors() throws {
        let cg = try codegen(cpu: "skylake-avx512")
        try cg.optimize()
        let ir = cg.llvmIR()
        #expect(ir.contains("@mcc_kernel_T_5_relu("))
        #expect(ir.contains("<16 x float>"), "relu/tanh kernels should vectorize 16-wide with AVX-512")
        #expect(ir.contains("\"prefer-vector-width\"=\"512\""))
        #expect(ir.contains("@cblas_sgemm"))
        #expect(ir.contains("@mcc_desc_models"))
    }

    @Test func baselineTargetUsesSSEVectors() throws {
        let cg = try codegen(cpu: "x86-64")
        try cg.optimize()
        let ir = cg.llvmIR()
        #expect(ir.contains("<4 x float>"), "SSE2 is the x86-64 baseline: 4-wide vectors")
        #expect(!ir.contains("prefer-vector-width"))
    }

    @Test func emitsAssemblyWithZmmForAVX512() throws {
        let cg = try codegen(cpu: "skylake-avx512")
        try cg.optimize()
        let path = NSTemporaryDirectory() + "mcc-codegen-test-\(getpid()).s"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try cg.emit(.assembly, to: path)
        let asm = try String(contentsOfFile: path, encoding: .utf8)
        #expect(asm.contains("mcc_kernel_T_5_relu:"))
        #expect(asm.contains("zmm"))
    }

    @Test func unsupportedDtypeIsAnError() throws {
        let module = try parseModule(text: "module @m\nfunc @f(%x: bf16[2]) -> (y: bf16[2]) {\n  %0 = relu %x : bf16[2]\n  return %0\n}\n")
        #expect(throws: CodegenError.self) {
            _ = try LLVMCodegen(module: module, options: CodegenOptions()) { _ throws(CodegenError) in [] }
        }
    }

    @Test func unwritableOutputIsAnError() throws {
        let cg = try codegen(cpu: "x86-64")
        #expect(throws: CodegenError.self) { try cg.emit(.object, to: "/nonexistent-dir/x.o") }
    }

    @Test func memoryPlanReusesLargerAndGrowsFreeBuffers() throws {
        // %0 (512 n bytes) dies at %1, so %2 (384 n) fits in its buffer; %1 (128 n) dies at %2
        // and its buffer grows to %3's 1024 n. Exact-size reuse alone would need 2048 n.
        let module = try parseModule(text: """
        module @plan

        param @w0 : f32[64, 128] = uniform(limit = 0.1, seed = 1)
        param @w1 : f32[128, 32] = uniform(limit = 0.1, seed = 2)
        param @w2 : f32[32, 96] = uniform(limit = 0.1, seed = 3)
        param @w3 : f32[96, 256] = uniform(limit = 0.1, seed = 4)
        param @w4 : f32[256, 16] = uniform(limit = 0.1, seed = 5)

        func @P(%x: f32[n, 64]) -> (y: f32[n, 16], z: f32[n, 96]) {
          %0 = param @w0 : f32[64, 128]
          %1 = matmul %x, %0 : f32[n, 128]
          %2 = param @w1 : f32[128, 32]
          %3 = matmul %1, %2 : f32[n, 32]
          %4 = param @w2 : f32[32, 96]
          %5 = matmul %3, %4 : f32[n, 96]
          %6 = param @w3 : f32[96, 256]
          %7 = matmul %5, %6 : f32[n, 256]
          %8 = param @w4 : f32[256, 16]
          %9 = matmul %7, %8 : f32[n, 16]
          %10 = tanh %5 : f32[n, 96]
          return %9, %10
        }

        """)
        try module.verify()
        let cg = try LLVMCodegen(module: module, options: CodegenOptions()) { p throws(CodegenError) in
            do { return packValues(try p.initializer.materialize(count: p.type.staticShape!.reduce(1, *)).map(Double.init), as: p.type.dtype) } catch { throw .parameterData("\(error)") }
        }
        let plan = try #require(cg.memoryPlans.first)
        #expect(plan.slots == 2)
        #expect(plan.plannedBytes.evaluate(["n": 3]) == 1536 * 3)
        #expect(plan.unplannedBytes.evaluate(["n": 3]) == 2048 * 3)
    }

    @Test func memoryPlanNeverCastsInPlaceAcrossElementSizes() throws {
        // %2 = cast %1 (bool -> f32) must not take %1's buffer grown to 40 n bytes: writing
        // element i would overwrite bool elements 4i..4i+3 before they are read.
        let module = try parseModule(text: """
        module @cast

        func @C(%x: f32[n, 10], %y: f32[n, 10]) -> (z: f32[n, 10]) {
          %0 = relu %x : f32[n, 10]
          %1 = equal %0, %y : bool[n, 10]
          %2 = cast %1 {to = "f32"} : f32[n, 10]
          %3 = add %2, %0 : f32[n, 10]
          return %3
        }

        """)
        try module.verify()
        let cg = try LLVMCodegen(module: module, options: CodegenOptions()) { _ throws(CodegenError) in [] }
        let plan = try #require(cg.memoryPlans.first)
        #expect(plan.slots == 3)
    }
}
