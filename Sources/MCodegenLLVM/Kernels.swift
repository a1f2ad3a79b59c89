internal import CLLVM
import MIR

/// How an op is realized at run time.
enum Lowering {
    /// No code: the result shares its operand's buffer (reshape, flatten) or is a parameter.
    case alias
    /// A kernel `void k(T *out, const U *in..., const int64_t *syms, int64_t part, int64_t parts)`
    /// and its entry `void e(void **args, const int64_t *syms, int64_t part, int64_t parts)` that
    /// the runtime's thread pool calls; `parallel` kernels may run split into parts.
    case kernel(entry: LLVMValueRef, parallel: Bool)
}

/// Emits one kernel per op. Shapes are symbolic: every kernel computes its dims from the
/// run-time symbol values, so one library serves every batch size.
struct KernelEmitter {
    let gen: IRGen
    let function: Function
    let symbols: [String]
    let blas: BLAS

    func lower(_ op: Operation, index: Int, scratch: Bool = false) throws(CodegenError) -> Lowering {
        switch op.kind {
        case .param, .reshape, .flatten: return .alias
        case .slice where KernelEmitter.sliceViewOffset(op, function) != nil: return .alias
        default: break
        }
        // bf16 is storage only (its bits in an i16): ops that move bits or cast are safe, arithmetic is not.
        let movesBits: Set<OpKind> = [.cast, .transpose, .concat, .slice, .gather, .gatherElements, .expand, .tile]
        if !movesBits.contains(op.kind), ([op.result] + op.operands).contains(where: { function.type(of: $0).dtype == .bf16 }) {
            throw .unsupported("'\(op.kind.rawValue)' on bf16 tensors (bf16 is a storage type here: cast to f32 to compute)")
        }
        let name = "mcc_kernel_\(function.name)_\(index)_\(op.kind.rawValue)"
        let values = [op.result] + op.operands
        var params: [LLVMTypeRef] = []
        for v in values { params.append(LLVMPointerType(try gen.storageType(function.type(of: v).dtype), 0)) }
        if scratch { params.append(LLVMPointerType(try gen.storageType(function.type(of: op.result).dtype), 0)) }
        let pool = KernelEmitter.takesPool(op)
        if pool { params.append(gen.i8Ptr) }
        params.append(gen.i64Ptr)
        params += [gen.i64, gen.i64]
        let fn = gen.function(name, returns: gen.void, params: params, isInternal: true, noAliasParams: !aliasesAllowed(op),
                              noInline: true)
        gen.entry(fn.0)
        let out = gen.param(fn.0, 0)
        let ins = (0..<op.operands.count).map { gen.param(fn.0, $0 + 1) }
        let extra = (scratch ? 1 : 0) + (pool ? 1 : 0)
        let ctx = KernelContext(gen: gen, symbols: symbols, syms: gen.param(fn.0, op.operands.count + 1 + extra))
        let gemmConv = op.kind == .conv2d && KernelEmitter.usesGEMM(op, function)
        // GEMM-based kernels (matmul, im2col conv, the conv gradients) split rows, columns or
        // disjoint buffer parts across the parts, each calling a single-threaded BLAS; the int8
        // kernels split by row tiles (qmatmul) or images (qconv2d).
        let gemmGradient = KernelEmitter.filterGradientUsesGEMM(op, function)
        let gemmTranspose = scratch && KernelEmitter.transposeUsesGEMM(op, function)
        let parallel = op.kind.splits
        gen.partition = parallel ? (gen.param(fn.0, op.operands.count + 2 + extra), gen.param(fn.0, op.operands.count + 3 + extra)) : nil
        defer { gen.partition = nil }
        let outType = function.type(of: op.result)
        let inTypes = op.operands.map(function.type(of:))
        switch op.kind {
        case .param, .reshape, .flatten: break
        case .neg, .abs, .sign, .relu, .sigmoid, .tanh, .exp, .log, .sqrt, .erf, .floor, .ceil, .round, .reciprocal,
             .sin, .cos, .tan, .asin, .acos, .atan, .sinh, .cosh, .asinh, .acosh, .atanh, .softplus, .softsign,
             .leakyRelu, .elu, .celu, .selu, .hardSigmoid, .hardSwish, .thresholdedRelu, .gelu, .clip,
             .isNaN, .isInf, .logicalNot, .cast:
            let n = ctx.dim(outType.elementCount)
            var failure: CodegenError?
            gen.parallelLoop(gen.int(0), n) { i in
                do { gen.store(try gen.unary(op.kind, gen.load(ins[0], i), op.attributes, from: inTypes[0].dtype, to: outType.dtype), out, i) }
                catch { failure = error as? CodegenError ?? .unsupported("\(error)") }
            }
            if let failure { throw failure }
        case .add, .sub, .mul, .div, .pow, .maximum, .minimum, .mod, .equal, .less, .lessEqual, .greater, .greaterEqual,
             .logicalAnd, .logicalOr, .logicalXor, .shiftLeft, .shiftRight, .select, .fused:
            try emitBroadcast(op, ctx, out: out, outType: outType, ins: ins, inTypes: inTypes)
        case .matmul:
            try emitMatmul(ctx, out: out, outType: outType, a: ins[0], aType: inTypes[0], b: ins[1], bType: inTypes[1],
                           bias: ins.count > 2 ? ins[2] : nil, residual: ins.count > 3 ? ins[3] : nil,
                           act: try activation(op), attributes: op.attributes, prepacked: prepackedWeight(op.operands[1]))
        case .conv2d:
            if gemmConv {
                try emitConv2dGEMM(ctx, op: op, out: out, ins: ins, inTypes: inTypes, outType: outType,
                                   scratch: scratch ? gen.param(fn.0, op.operands.count + 1) : nil)
            } else {
                try emitConv2d(ctx, op: op, out: out, ins: ins, inTypes: inTypes, outType: outType)
            }
        case .qmatmul, .qconv2d:
            try emitQuantized(ctx, op: op, out: out, ins: ins, inTypes: inTypes, outType: outType,
                              scratch: scratch ? gen.param(fn.0, op.operands.count + 1) : nil)
        case .sparseMatmul:
            try emitSparseMatmul(ctx, out: out, ins: ins, inTypes: inTypes, outType: outType,
                                 scratch: scratch ? gen.param(fn.0, op.operands.count + 1) : nil)
        case .convTranspose2d:
            if gemmTranspose {
                try emitConvTranspose2dGEMM(ctx, op: op, out: out, ins: ins, inTypes: inTypes, outType: outType,
                                            scratch: gen.param(fn.0, op.operands.count + 1))
            } else {
                try emitConvTranspose2d(ctx, op: op, out: out, ins: ins, inTypes: inTypes, outType: outType)
            }
        case .maxPool2dIndices:
            try emitMaxPoolIndices(ctx, attrs: op.attributes, out: out, x: ins[0], xType: inTypes[0], outType: outType)
        case .maxPool2d, .avgPool2d:
            try emitPool(ctx, isMax: op.kind == .maxPool2d, attrs: op.attributes, out: out, x: ins[0], xType: inTypes[0], outType: outType)
        case .layerNorm:
            try emitLayerNorm(op, ctx, out: out, ins: ins, type: outType)
        case .softmax, .logSoftmax:
            let axis = (try? normalizeAxis(op.attributes["axis"]?.intValue ?? -1, rank: outType.rank)) ?? (outType.rank - 1)
            emitSoftmax(ctx, axis: axis, log: op.kind == .logSoftmax, out: out, x: ins[0], type: outType)
        case .reduceSum, .reduceMean, .reduceMax, .reduceMin, .reduceProd, .reduceSumSquare, .reduceL1, .reduceL2,
             .reduceLogSum, .reduceLogSumExp:
            try emitReduce(op, ctx, out: out, x: ins[0], xType: inTypes[0])
        case .argmax, .argmin:
            try emitArgReduce(op, ctx, out: out, x: ins[0], xType: inTypes[0])
        case .cumsum:
            try emitCumsum(op, ctx, out: out, x: ins[0], xType: inTypes[0], axisOperand: ins.count > 1 ? ins[1] : nil)
        case .tfidfVectorizer:
            try emitTfIdf(op, ctx, out: out, x: ins[0], xType: inTypes[0])
        case .nonzero:
            emitNonzero(ctx, out: out, x: ins[0], xType: inTypes[0], outType: outType)
        case .unique:
            emitUnique(op, ctx, out: out, x: ins[0], xType: inTypes[0], outType: outType)
        case .nonMaxSuppression:
            emitNonMaxSuppression(op, ctx, out: out, ins: ins, inTypes: inTypes, outType: outType)
        case .topkValues, .topkIndices:
            try emitTopK(op, ctx, out: out, x: ins[0], xType: inTypes[0], outType: outType)
        case .transpose:
            let perm = op.attributes["perm"]?.intsValue ?? Array((0..<inTypes[0].rank).reversed())
            emitTranspose(ctx, perm: perm, out: out, x: ins[0], xType: inTypes[0], outType: outType)
        case .concat, .slice, .gather, .gatherElements, .expand, .tile, .pad, .resize:
            try emitMovement(op, ctx, out: out, ins: ins, inTypes: inTypes, outType: outType)
        case .gridSample:
            try emitGridSample(op, ctx, out: out, ins: ins, inTypes: inTypes, outType: outType)
        case .roiAlign:
            try emitRoiAlign(op, ctx, out: out, ins: ins, inTypes: inTypes, outType: outType)
        case .dropout:
            emitDropout(ctx, op: op, out: out, ins: ins, outType: outType)
        case .batchNorm:
            throw .unsupported("'batch_norm' reached codegen: run the lower-inference pass first (it is first in the default pipeline)")
        case .conv2dBackwardFilter:
            if gemmGradient {
                try emitConv2dBackwardFilterGEMM(ctx, op: op, out: out, ins: ins, inTypes: inTypes, outType: outType,
                                                 scratch: scratch ? gen.param(fn.0, op.operands.count + 1) : nil)
            } else {
                try emitConv2dBackwardFilter(ctx, op: op, out: out, ins: ins, inTypes: inTypes, outType: outType)
            }
        case .maxPool2dBackward, .avgPool2dBackward:
            try emitPoolBackward(ctx, isMax: op.kind == .maxPool2dBackward, attrs: op.attributes, out: out, x: ins[0], dy: ins[1],
                                 xType: inTypes[0], dyType: inTypes[1])
        case .scatterAdd:
            emitScatterAdd(ctx, op: op, out: out, ins: ins, inTypes: inTypes, outType: outType)
        case .toNCHWc:
            emitToNCHWc(ctx, out: out, x: ins[0], xType: inTypes[0], outType: outType)
        case .fromNCHWc:
            emitFromNCHWc(ctx, out: out, x: ins[0], xType: inTypes[0], outType: outType)
        case .conv2dNCHWc:
            try emitConv2dNCHWc(ctx, op: op, out: out, ins: ins, inTypes: inTypes, outType: outType)
        case .maxPool2dNCHWc, .avgPool2dNCHWc:
            try emitPoolNCHWc(ctx, isMax: op.kind == .maxPool2dNCHWc, attrs: op.attributes, out: out, x: ins[0], xType: inTypes[0], outType: outType)
        case .attention:
            try emitAttention(ctx, op: op, out: out, ins: ins, inTypes: inTypes, outType: outType)
        case .lstmSequence:
            guard scratch else { throw .unsupported("'lstm_sequence' needs its scratch buffer") }
            try emitLSTMSequence(ctx, op: op, name: name, out: out, ins: ins, inTypes: inTypes,
                                 scratch: gen.param(fn.0, op.operands.count + 1), pool: gen.param(fn.0, op.operands.count + 2))
        }
        gen.retVoid()
        gen.partition = nil
        return .kernel(entry: try entryPoint(fn, name: name, values: values, scratch: scratch, pool: pool), parallel: parallel)
    }

    /// `void entry(void **args, const int64_t *syms, int64_t part, int64_t parts)`: unpacks
    /// the argument array and calls the typed kernel, whose noalias parameters keep it vectorizable.
    func entryPoint(_ kernel: (LLVMValueRef, LLVMTypeRef), name: String, values: [ValueID], scratch: Bool,
                    pool: Bool = false) throws(CodegenError) -> LLVMValueRef {
        let argsType = LLVMPointerType(gen.i8Ptr, 0)!
        let fn = gen.function("mcc_entry_" + name.dropFirst("mcc_kernel_".count), returns: gen.void, params: [argsType, gen.i64Ptr, gen.i64, gen.i64], isInternal: true)
        gen.entry(fn.0)
        var args: [LLVMValueRef] = []
        for (i, v) in values.enumerated() {
            let raw = LLVMBuildLoad2(gen.builder, gen.i8Ptr, gen.gep(gen.param(fn.0, 0), gen.int(i), element: gen.i8Ptr), "")!
            args.append(gen.bitcast(raw, LLVMPointerType(try gen.storageType(function.type(of: v).dtype), 0)))
        }
        if scratch, let first = values.first {
            let raw = LLVMBuildLoad2(gen.builder, gen.i8Ptr, gen.gep(gen.param(fn.0, 0), gen.int(values.count), element: gen.i8Ptr), "")!
            args.append(gen.bitcast(raw, LLVMPointerType(try gen.storageType(function.type(of: first).dtype), 0)))
        }
        if pool {
            args.append(LLVMBuildLoad2(gen.builder, gen.i8Ptr, gen.gep(gen.param(fn.0, 0), gen.int(values.count + (scratch ? 1 : 0)), element: gen.i8Ptr), "")!)
        }
        _ = gen.call(kernel, args + [gen.param(fn.0, 1), gen.param(fn.0, 2), gen.param(fn.0, 3)])
        gen.retVoid()
        return fn.0
    }

    /// The activation fuse-epilogue folded into a conv2d or matmul, as a scalar function.
    func activation(_ op: Operation) throws(CodegenError) -> ((LLVMValueRef) -> LLVMValueRef)? {
        guard let name = op.attributes["activation"]?.stringValue else { return nil }
        let kind: OpKind
        var attrs: Attributes = [:]
        switch name {
        case "relu": kind = .relu
        case "clip": kind = .clip
        case "gelu", "gelu_tanh" where op.kind == .matmul:
            kind = .gelu
            if name == "gelu_tanh" { attrs["approximate"] = .string("tanh") }
        default: throw .unsupported("'\(op.kind.rawValue)' with activation '\(name)' (expected relu or clip\(op.kind == .matmul ? ", gelu, gelu_tanh" : ""))")
        }
        let dt = function.type(of: op.result).dtype
        guard dt == .f32 || dt == .f64 else { throw .unsupported("'\(op.kind.rawValue)' with an activation on \(dt)") }
        if let lo = op.attributes["activation_min"] { attrs["min"] = lo }
        if let hi = op.attributes["activation_max"] { attrs["max"] = hi }
        let g = gen
        return { x in (try? g.unary(kind, x, attrs, from: dt, to: dt)) ?? x }
    }

    /// The compile-time packed copy of a parameter operand, if Codegen made one.
    func prepackedWeight(_ v: ValueID) -> PrepackedWeight? {
        guard let op = function.ops.first(where: { $0.result.raw == v.raw }), op.kind == .param,
              let name = op.attributes["name"]?.stringValue else { return nil }
        return gen.prepacked[name]
    }

    /// Kernels that take the instance's thread pool (the argument after the scratch) and
    /// dispatch their own tasks: lstm_sequence runs one pool task per time step.
    static func takesPool(_ op: Operation) -> Bool { op.kind == .lstmSequence }

    /// Ops whose operands may share one buffer (the same value passed twice).
    func aliasesAllowed(_ op: Operation) -> Bool { Set(op.operands).count != op.operands.count }

    /// Numpy broadcasting as nested loops over the output; a broadcast dim has stride 0,
    /// so the innermost loop is unit-stride or invariant for each operand and vectorizes.
    func emitBroadcast(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, outType: TensorType,
                       ins: [LLVMValueRef], inTypes: [TensorType]) throws(CodegenError) {
        let dtype = op.kind == .select ? inTypes[1].dtype : inTypes[0].dtype
        var failure: CodegenError?
        var program: FusedProgram?
        if op.kind == .fused {
            do { program = try FusedProgram(parsing: op.attributes["program"]?.stringValue ?? "", operandCount: ins.count) }
            catch { throw .unsupported(error.message) }
        }
        func compute(_ vs: [LLVMValueRef]) -> LLVMValueRef {
            do {
                if op.kind == .select { return gen.select(gen.icmp(LLVMIntNE, vs[0], gen.constant(0, gen.i8)), vs[1], vs[2]) }
                if let program {
                    var stack: [LLVMValueRef] = []
                    for step in program.steps {
                        switch step {
                        case .operand(let i): stack.append(vs[i])
                        case .op(.select):
                            let b = stack.removeLast(), a = stack.removeLast(), cond = stack.removeLast()
                            stack.append(gen.select(gen.icmp(LLVMIntNE, cond, gen.constant(0, gen.i8)), a, b))
                        case .op(let kind):
                            if kind.info.arity.lowerBound == 1 {
                                let x = stack.removeLast()
                                stack.append(try gen.unary(kind, x, [:], from: dtype, to: dtype))
                            } else {
                                let b = stack.removeLast(), a = stack.removeLast()
                                stack.append(try gen.binary(kind, a, b, [:], dtype: dtype))
                            }
                        }
                    }
                    return stack.last ?? vs[0]
                }
                return try gen.binary(op.kind, vs[0], vs[1], op.attributes, dtype: dtype)
            } catch { failure = error; return vs[0] }
        }
        if inTypes.allSatisfy({ $0.shape == outType.shape }) {
            gen.parallelLoop(gen.int(0), ctx.dim(outType.elementCount)) { i in gen.store(compute(ins.map { gen.load($0, i) }), out, i) }
        } else {
            let rank = outType.rank
            let outDims = outType.shape.map(ctx.dim)
            let strides = inTypes.map { broadcastStrides($0, to: outType, ctx) }
            func nest(_ d: Int, _ offOut: LLVMValueRef, _ offs: [LLVMValueRef]) {
                if d == rank {
                    gen.store(compute(zip(ins, offs).map { gen.load($0.0, $0.1) }), out, offOut)
                    return
                }
                let body = { (i: LLVMValueRef) in
                    nest(d + 1, gen.add(gen.mul(offOut, outDims[d]), i), zip(offs, strides).map { gen.add($0.0, gen.mul(i, $0.1[d])) })
                }
                if d == 0 { gen.parallelLoop(gen.int(0), outDims[d], body) } else { gen.loop(gen.int(0), outDims[d], body) }
            }
            nest(0, gen.int(0), ins.map { _ in gen.int(0) })
        }
        if let failure { throw failure }
    }

    /// Strides of `t` read as if broadcast to `out` (0 along broadcast dims).
    func broadcastStrides(_ t: TensorType, to out: TensorType, _ ctx: KernelContext) -> [LLVMValueRef] {
        let rank = out.rank
        let padded = [Dim](repeating: .constant(1), count: rank - t.rank) + t.shape
        var s = [LLVMValueRef](repeating: gen.int(0), count: rank)
        var running = gen.int(1)
        for i in stride(from: rank - 1, through: 0, by: -1) {
            let broadcast = padded[i] == .constant(1) && out.shape[i] != .constant(1)
            s[i] = broadcast ? gen.int(0) : running
            running = gen.mul(running, ctx.dim(padded[i]))
        }
        return s
    }
}

/// The symbol values a kernel reads its dims from.
struct KernelContext {
    let gen: IRGen
    let symbols: [String]
    let syms: LLVMValueRef
    func dim(_ d: Dim) -> LLVMValueRef { gen.dim(d, symbols: symbols, syms: syms) }
}
