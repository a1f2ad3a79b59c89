internal import CLLVM
import MIR

/// How an op is realized at run time.
enum Lowering {
    /// No code: the result shares its operand's buffer (reshape, flatten) or is a parameter.
    case alias
    /// A kernel function `void k(float *out, const float *in..., const int64_t *syms)`.
    case kernel(LLVMValueRef, LLVMTypeRef)
}

/// Emits one kernel per op. Shapes are symbolic: every kernel computes its dims from the
/// run-time symbol values, so one library serves every batch size.
struct KernelEmitter {
    let gen: IRGen
    let function: Function
    let symbols: [String]
    let sgemm: (LLVMValueRef, LLVMTypeRef)

    func lower(_ op: Operation, index: Int) throws(CodegenError) -> Lowering {
        for v in op.operands + [op.result] where function.type(of: v).dtype != .f32 {
            throw .unsupported("'\(op.kind.rawValue)' on \(function.type(of: v)): the CPU backend handles f32 tensors only so far")
        }
        switch op.kind {
        case .param, .reshape, .flatten: return .alias
        case .neg, .relu, .sigmoid, .tanh, .exp, .log, .sqrt, .abs,
             .add, .sub, .mul, .div, .maximum, .minimum, .matmul, .conv2d, .maxPool2d, .avgPool2d, .softmax, .transpose:
            break
        }
        let name = "mcc_kernel_\(function.name)_\(index)_\(op.kind.rawValue)"
        let params = [LLVMTypeRef](repeating: gen.f32Ptr, count: op.operands.count + 1) + [gen.i64Ptr]
        let fn = gen.function(name, returns: gen.void, params: params, isInternal: true, noAliasParams: true, noInline: true)
        gen.entry(fn.0)
        let out = gen.param(fn.0, 0)
        let ins = (0..<op.operands.count).map { gen.param(fn.0, $0 + 1) }
        let syms = gen.param(fn.0, op.operands.count + 1)
        let ctx = KernelContext(gen: gen, symbols: symbols, syms: syms)
        let outType = function.type(of: op.result)
        let inTypes = op.operands.map(function.type(of:))
        switch op.kind {
        case .param, .reshape, .flatten: break
        case .neg, .relu, .sigmoid, .tanh, .exp, .log, .sqrt, .abs:
            let n = ctx.dim(outType.elementCount)
            gen.loop(gen.int(0), n) { i in gen.store(unary(op.kind, gen.load(ins[0], i)), out, i) }
        case .add, .sub, .mul, .div, .maximum, .minimum:
            emitBroadcastBinary(op.kind, ctx, out: out, outType: outType, a: ins[0], aType: inTypes[0], b: ins[1], bType: inTypes[1])
        case .matmul:
            let a = inTypes[0]
            let m = ctx.dim(Array(a.shape.dropLast()).product), k = ctx.dim(a.shape[a.rank - 1])
            let n = ctx.dim(inTypes[1].shape[1])
            // Empty operands: nothing to multiply (and BLAS rejects leading dims of 0).
            let nonEmpty = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGT, m, gen.int(0)), gen.icmp(LLVMIntSGT, n, gen.int(0)), "")!
            gen.ifThen(nonEmpty) {
                let i32 = { (v: LLVMValueRef) in LLVMBuildTrunc(gen.builder, v, gen.i32, "")! }
                // cblas_sgemm(RowMajor, NoTrans, NoTrans, M, N, K, 1, A, K, B, N, 0, C, N)
                _ = gen.call(sgemm, [gen.int32(101), gen.int32(111), gen.int32(111), i32(m), i32(n), i32(k),
                                     gen.float(1), ins[0], i32(gen.imax(k, gen.int(1))), ins[1], i32(n),
                                     gen.float(0), out, i32(n)])
            }
        case .conv2d:
            try emitConv2d(ctx, op: op, out: out, ins: ins, inTypes: inTypes, outType: outType)
        case .maxPool2d, .avgPool2d:
            try emitPool(ctx, isMax: op.kind == .maxPool2d, attrs: op.attributes, out: out, x: ins[0], xType: inTypes[0], outType: outType)
        case .softmax:
            let axis = (try? normalizeAxis(op.attributes["axis"]?.intValue ?? -1, rank: outType.rank)) ?? (outType.rank - 1)
            emitSoftmax(ctx, axis: axis, out: out, x: ins[0], type: outType)
        case .transpose:
            let perm = op.attributes["perm"]?.intsValue ?? Array((0..<inTypes[0].rank).reversed())
            emitTranspose(ctx, perm: perm, out: out, x: ins[0], xType: inTypes[0], outType: outType)
        }
        gen.retVoid()
        return .kernel(fn.0, fn.1)
    }

    func unary(_ kind: OpKind, _ x: LLVMValueRef) -> LLVMValueRef {
        switch kind {
        case .neg: return gen.fneg(x)
        case .relu: return gen.select(gen.fcmp(LLVMRealOGT, x, gen.float(0)), x, gen.select(gen.fcmp(LLVMRealUNO, x, x), x, gen.float(0)))
        case .sigmoid: return gen.sigmoid(x)
        case .tanh: return gen.tanh(x)
        case .exp: return gen.exp(x)
        case .log: return gen.intrinsic("llvm.log", [x])
        case .sqrt: return gen.intrinsic("llvm.sqrt", [x])
        case .abs: return gen.intrinsic("llvm.fabs", [x])
        default: return x
        }
    }

    func binary(_ kind: OpKind, _ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef {
        switch kind {
        case .add: return gen.fadd(a, b)
        case .sub: return gen.fsub(a, b)
        case .mul: return gen.fmul(a, b)
        case .div: return gen.fdiv(a, b)
        case .maximum: return gen.fmax(a, b)
        case .minimum: return gen.select(gen.fcmp(LLVMRealUNO, a, a), a, gen.fmin(a, b))
        default: return a
        }
    }

    /// Numpy broadcasting as nested loops over the output; a broadcast dim has stride 0,
    /// so the innermost loop is unit-stride or invariant for each operand and vectorizes.
    func emitBroadcastBinary(_ kind: OpKind, _ ctx: KernelContext, out: LLVMValueRef, outType: TensorType,
                             a: LLVMValueRef, aType: TensorType, b: LLVMValueRef, bType: TensorType) {
        if aType.shape == outType.shape && bType.shape == outType.shape {
            let n = ctx.dim(outType.elementCount)
            gen.loop(gen.int(0), n) { i in gen.store(binary(kind, gen.load(a, i), gen.load(b, i)), out, i) }
            return
        }
        let rank = outType.rank
        let outDims = outType.shape.map(ctx.dim)
        func strides(_ t: TensorType) -> [LLVMValueRef] {
            let padded = [Dim](repeating: .constant(1), count: rank - t.rank) + t.shape
            var s = [LLVMValueRef](repeating: gen.int(0), count: rank)
            var running = gen.int(1)
            for i in stride(from: rank - 1, through: 0, by: -1) {
                let broadcast = padded[i] == .constant(1) && outType.shape[i] != .constant(1)
                s[i] = broadcast ? gen.int(0) : running
                running = gen.mul(running, ctx.dim(padded[i]))
            }
            return s
        }
        let sa = strides(aType), sb = strides(bType)
        func nest(_ d: Int, _ offOut: LLVMValueRef, _ offA: LLVMValueRef, _ offB: LLVMValueRef) {
            if d == rank {
                gen.store(binary(kind, gen.load(a, offA), gen.load(b, offB)), out, offOut)
                return
            }
            gen.loop(gen.int(0), outDims[d]) { i in
                nest(d + 1, gen.add(gen.mul(offOut, outDims[d]), i),
                     gen.add(offA, gen.mul(i, sa[d])), gen.add(offB, gen.mul(i, sb[d])))
            }
        }
        nest(0, gen.int(0), gen.int(0), gen.int(0))
    }
}

/// The symbol values a kernel reads its dims from.
struct KernelContext {
    let gen: IRGen
    let symbols: [String]
    let syms: LLVMValueRef
    func dim(_ d: Dim) -> LLVMValueRef { gen.dim(d, symbols: symbols, syms: syms) }
}
