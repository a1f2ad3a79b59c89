internal import CLLVM
import MIR

/// Where a value lives while the forward function runs.
enum Storage {
    case input(Int)
    case output(Int)
    case parameter(byteOffset: Int)
    case workspace(slot: Int)
    case alias(ValueID)
}

/// Emits, for one MIR function (one model): its kernels, the forward entry point, the
/// workspace-size and dims functions the runtime calls, and its descriptor constant.
struct ModelEmitter {
    let gen: IRGen
    let function: Function
    let parameterOffsets: [String: Int]
    let blas: BLAS

    var symbols: [String] { function.symbols }

    /// Storage for every value. Outputs are written in place when their producer is a
    /// kernel; results that are inputs, parameters or shared get a copy at the end.
    func plan() -> (storage: [Storage], workspaceValues: [ValueID], copies: [(Int, ValueID)]) {
        var storage = [Storage](repeating: .input(0), count: function.valueCount)
        for i in function.arguments.indices { storage[i] = .input(i) }
        var workspaceValues: [ValueID] = []
        for op in function.ops {
            switch op.kind {
            case .param:
                storage[op.result.raw] = .parameter(byteOffset: parameterOffsets[op.attributes["name"]?.stringValue ?? ""] ?? 0)
            case .reshape, .flatten:
                storage[op.result.raw] = .alias(op.operands[0])
            default:
                storage[op.result.raw] = .workspace(slot: workspaceValues.count)
                workspaceValues.append(op.result)
            }
        }
        func root(_ v: ValueID) -> ValueID {
            if case .alias(let of) = storage[v.raw] { return root(of) }
            return v
        }
        var copies: [(Int, ValueID)] = []
        for (i, r) in function.results.enumerated() {
            let producer = root(r.value)
            if case .workspace = storage[producer.raw] { storage[producer.raw] = .output(i) }
            else { copies.append((i, r.value)) }
        }
        workspaceValues.removeAll { if case .output = storage[$0.raw] { return true }; return false }
        for (slot, v) in workspaceValues.enumerated() { storage[v.raw] = .workspace(slot: slot) }
        return (storage, workspaceValues, copies)
    }

    /// Bytes of a value, rounded up to 64 so every buffer is cache-line aligned.
    func alignedBytes(_ v: ValueID, _ ctx: KernelContext) -> LLVMValueRef {
        let bytes = gen.mul(ctx.dim(function.type(of: v).elementCount), gen.int(function.type(of: v).dtype.byteSize))
        return LLVMBuildAnd(gen.builder, gen.add(bytes, gen.int(63)), gen.int(-64), "")!
    }

    func emit() throws(CodegenError) -> LLVMValueRef {
        let (storage, workspaceValues, copies) = plan()
        let emitter = KernelEmitter(gen: gen, function: function, symbols: symbols, blas: blas)
        var lowerings: [Lowering] = []
        for (i, op) in function.ops.enumerated() { lowerings.append(try emitter.lower(op, index: i)) }

        // int64_t workspace_size(const int64_t *syms)
        let wsFn = gen.function("mcc_model_\(function.name)_workspace_size", returns: gen.i64, params: [gen.i64Ptr], isInternal: true)
        gen.entry(wsFn.0)
        do {
            let ctx = KernelContext(gen: gen, symbols: symbols, syms: gen.param(wsFn.0, 0))
            var total = gen.int(0)
            for v in workspaceValues { total = gen.add(total, alignedBytes(v, ctx)) }
            gen.ret(total)
        }

        // int32_t compute_dims(const int64_t *syms, int64_t *dims): inputs' then outputs' dims,
        // and a check that no intermediate dim is negative (input too small for a window).
        let dimsFn = gen.function("mcc_model_\(function.name)_dims", returns: gen.i32, params: [gen.i64Ptr, gen.i64Ptr], isInternal: true)
        gen.entry(dimsFn.0)
        do {
            let ctx = KernelContext(gen: gen, symbols: symbols, syms: gen.param(dimsFn.0, 0))
            let out = gen.param(dimsFn.0, 1)
            var k = 0
            let signature = function.arguments.map(\.type) + function.results.map { function.type(of: $0.value) }
            for t in signature {
                for d in t.shape {
                    LLVMBuildStore(gen.builder, ctx.dim(d), gen.gep(out, gen.int(k), element: gen.i64)); k += 1
                }
            }
            var bad = gen.int32(0)
            for (i, op) in function.ops.enumerated().reversed() {
                for d in function.type(of: op.result).shape where !d.isStatic {
                    bad = gen.select(gen.icmp(LLVMIntSLT, ctx.dim(d), gen.int(0)), gen.int32(i + 1), bad)
                }
            }
            gen.ret(bad)
        }

        // void forward(const int64_t *syms, void **inputs, void **outputs, const void *params, void *workspace, void *pool)
        let fwd = gen.function("mcc_model_\(function.name)_forward", returns: gen.void,
                               params: [gen.i64Ptr, LLVMPointerType(gen.i8Ptr, 0), LLVMPointerType(gen.i8Ptr, 0), gen.i8Ptr, gen.i8Ptr, gen.i8Ptr],
                               isInternal: true)
        gen.entry(fwd.0)
        let syms = gen.param(fwd.0, 0)
        let ctx = KernelContext(gen: gen, symbols: symbols, syms: syms)
        var slotOffsets: [LLVMValueRef] = []
        var running = gen.int(0)
        for v in workspaceValues { slotOffsets.append(running); running = gen.add(running, alignedBytes(v, ctx)) }
        var pointers = [LLVMValueRef?](repeating: nil, count: function.valueCount)
        func bytePointer(_ base: LLVMValueRef, _ offset: LLVMValueRef) -> LLVMValueRef {
            gen.bitcast(gen.gep(base, offset, element: gen.i8), gen.f32Ptr)
        }
        func loadSlot(_ array: LLVMValueRef, _ i: Int) -> LLVMValueRef {
            gen.bitcast(LLVMBuildLoad2(gen.builder, gen.i8Ptr, gen.gep(array, gen.int(i), element: gen.i8Ptr), "")!, gen.f32Ptr)
        }
        func pointer(_ v: ValueID) -> LLVMValueRef {
            if let p = pointers[v.raw] { return p }
            let p: LLVMValueRef
            switch storage[v.raw] {
            case .input(let i): p = loadSlot(gen.param(fwd.0, 1), i)
            case .output(let i): p = loadSlot(gen.param(fwd.0, 2), i)
            case .parameter(let offset): p = bytePointer(gen.param(fwd.0, 3), gen.int(offset))
            case .workspace(let slot): p = bytePointer(gen.param(fwd.0, 4), slotOffsets[slot])
            case .alias(let of): p = pointer(of)
            }
            pointers[v.raw] = p
            return p
        }
        var entryParams: [LLVMTypeRef?] = [LLVMPointerType(gen.i8Ptr, 0), gen.i64Ptr, gen.i64, gen.i64]
        let entryType = LLVMPointerType(entryParams.withUnsafeMutableBufferPointer { LLVMFunctionType(gen.void, $0.baseAddress, 4, 0)! }, 0)!
        let runParallel = gen.declareExternal("mcc_rt_parallel", returns: gen.void,
                                              params: [gen.i8Ptr, entryType, LLVMPointerType(gen.i8Ptr, 0), gen.i64Ptr])
        let maxArgs = function.ops.map { $0.operands.count + 1 }.max() ?? 1
        let argsSlot = try argumentArray(count: maxArgs, in: fwd.0)
        for (op, lowering) in zip(function.ops, lowerings) {
            guard case .kernel(let entry, let parallel) = lowering else { continue }
            for (i, v) in ([op.result] + op.operands).enumerated() {
                LLVMBuildStore(gen.builder, gen.bitcast(pointer(v), gen.i8Ptr), gen.gep(argsSlot, gen.int(i), element: gen.i8Ptr))
            }
            let entryFn = (entry, LLVMGetElementType(LLVMTypeOf(entry))!)
            if parallel {
                // Small tensors run on the calling thread: waking the pool costs more than they do.
                let big = gen.icmp(LLVMIntSGE, ctx.dim(function.type(of: op.result).elementCount), gen.int(16384))
                gen.ifThen(big) { _ = gen.call(runParallel, [gen.param(fwd.0, 5), entry, argsSlot, syms]) }
                gen.ifThen(LLVMBuildNot(gen.builder, big, "")!) { _ = gen.call(entryFn, [argsSlot, syms, gen.int(0), gen.int(1)]) }
            } else {
                _ = gen.call(entryFn, [argsSlot, syms, gen.int(0), gen.int(1)])
            }
        }
        for (i, v) in copies {
            let typed = LLVMPointerType(try gen.storageType(function.type(of: v).dtype), 0)!
            let dst = gen.bitcast(loadSlot(gen.param(fwd.0, 2), i), typed), src = gen.bitcast(pointer(v), typed)
            gen.loop(gen.int(0), ctx.dim(function.type(of: v).elementCount)) { j in gen.store(gen.load(src, j), dst, j) }
        }
        gen.retVoid()
        return try descriptor(workspaceSize: wsFn.0, dims: dimsFn.0, forward: fwd.0)
    }

    /// A `void *[count]` stack array in the entry block of `fn`, reused by every kernel call.
    func argumentArray(count: Int, in fn: LLVMValueRef) throws(CodegenError) -> LLVMValueRef {
        let current = LLVMGetInsertBlock(gen.builder)!
        let entry = LLVMGetEntryBasicBlock(fn)!
        if let first = LLVMGetFirstInstruction(entry) { LLVMPositionBuilderBefore(gen.builder, first) }
        else { LLVMPositionBuilderAtEnd(gen.builder, entry) }
        let array = LLVMBuildAlloca(gen.builder, LLVMArrayType(gen.i8Ptr, UInt32(max(count, 1))), "args")!
        LLVMPositionBuilderAtEnd(gen.builder, current)
        return gen.bitcast(array, LLVMPointerType(gen.i8Ptr, 0))
    }
}
