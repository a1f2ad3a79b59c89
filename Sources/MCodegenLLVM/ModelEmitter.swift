internal import CLLVM
import MIR

/// Where a value lives while the forward function runs.
enum Storage {
    case input(Int)
    case output(Int)
    case parameter(byteOffset: Int)
    case workspace(slot: Int)
    case alias(ValueID)
    /// A contiguous part of another value's buffer (a slice that needs no copy).
    case view(ValueID, elementOffset: Dim)
}

/// Emits, for one MIR function (one model): its kernels, the forward entry point, the
/// workspace-size and dims functions the runtime calls, and its descriptor constant.
/// A sum with like terms combined (`c1 * batch + c2 * batch` -> `(c1 + c2) * batch`).
/// `d` as coefficient x factor (`batch * 64` -> (64, batch); a constant's factor is 1).
func splitCoefficient(_ d: Dim) -> (Int, Dim) {
    switch d {
    case .constant(let k): return (k, .constant(1))
    case .mul(.constant(let k), let rest), .mul(let rest, .constant(let k)): return (k, rest)
    default: return (1, d)
    }
}

func sumOfTerms(_ terms: [Dim]) -> Dim {
    var order: [String] = []
    var coefficient: [String: Int] = [:], factor: [String: Dim] = [:]
    for t in terms {
        let (c, f) = splitCoefficient(t)
        let key = f.description
        if coefficient[key] == nil { order.append(key); factor[key] = f }
        coefficient[key, default: 0] += c
    }
    return order.reduce(Dim.constant(0)) { $0 + .constant(coefficient[$1] ?? 0) * (factor[$1] ?? .constant(1)) }
}

/// What the static memory plan achieved for one model (reported by `mcc --stats`).
public struct MemoryPlanStats: Sendable {
    public var model: String
    /// Intermediate tensors that need memory, and the buffers they share.
    public var buffers = 0, slots = 0
    /// Workspace bytes with reuse, and without (one buffer per tensor), as expressions of the symbols.
    public var plannedBytes = Dim.constant(0), unplannedBytes = Dim.constant(0)
    init(model: String) { self.model = model }
}

struct ModelEmitter {
    let gen: IRGen
    let function: Function
    let parameterOffsets: [String: Int]
    let blas: BLAS
    var memoryStats: MemoryPlanStats?

    var symbols: [String] { function.symbols }

    /// Storage for every value. Outputs are written in place when their producer is a
    /// kernel; results that are inputs, parameters or shared get a copy at the end.
    func plan() -> (storage: [Storage], slotBytes: [Dim], scratch: [Int: Int], copies: [(Int, ValueID)], stats: MemoryPlanStats) {
        var planStats = MemoryPlanStats(model: function.name)
        var storage = [Storage](repeating: .input(0), count: function.valueCount)
        for i in function.arguments.indices { storage[i] = .input(i) }
        for op in function.ops {
            switch op.kind {
            case .param:
                storage[op.result.raw] = .parameter(byteOffset: parameterOffsets[op.attributes["name"]?.stringValue ?? ""] ?? 0)
            case .reshape, .flatten:
                storage[op.result.raw] = .alias(op.operands[0])
            case .slice where KernelEmitter.sliceViewOffset(op, function) != nil:
                storage[op.result.raw] = .view(op.operands[0], elementOffset: KernelEmitter.sliceViewOffset(op, function)!)
            default:
                storage[op.result.raw] = .workspace(slot: -1)   // a slot is chosen by the plan below
            }
        }
        func root(_ v: ValueID) -> ValueID {
            switch storage[v.raw] {
            case .alias(let of), .view(let of, _): return root(of)
            default: return v
            }
        }
        /// Whether v is (through reshapes) a part of a larger buffer.
        func viewed(_ v: ValueID) -> Bool {
            switch storage[v.raw] {
            case .alias(let of): return viewed(of)
            case .view: return true
            default: return false
            }
        }
        var copies: [(Int, ValueID)] = []
        for (i, r) in function.results.enumerated() {
            let producer = root(r.value)
            if !viewed(r.value), case .workspace = storage[producer.raw] { storage[producer.raw] = .output(i) }
            else { copies.append((i, r.value)) }
        }
        // Static memory plan: a buffer whose last reader has run is reused by a later value
        // whose byte size is a multiple of the same symbolic factor (e.g. batch * c), so the
        // plan is valid for every batch size. Three greedy rules, and the plan with the smaller
        // workspace wins (first with every symbol = 64, then = 1): `exact` reuses a buffer of
        // exactly the size, `fit` the smallest that holds the value, `grow` that or else the
        // largest free one, grown (a free buffer has no contents, and offsets come from the
        // final sizes). Growing wins on MobileNetV2 (18.9 -> 8.4 MB per image) but loses on
        // BERT, where one grown buffer per layer replaced a shared one. Outputs live in the
        // caller-visible output buffers.
        var lastUse = [Int](repeating: -1, count: function.valueCount)
        for (i, op) in function.ops.enumerated() { for v in op.operands { lastUse[root(v).raw] = i } }
        for r in function.results { lastUse[root(r.value).raw] = Int.max }
        func bytes(_ v: ValueID) -> Dim { function.type(of: v).elementCount * .constant(function.type(of: v).dtype.byteSize) }
        enum Reuse: CaseIterable { case exact, fit, grow }
        let unassigned = storage
        func assign(_ reuse: Reuse) -> (storage: [Storage], slots: [Dim], scratch: [Int: Int]) {
            var storage = unassigned
            var slots: [Dim] = []
            var scratch: [Int: Int] = [:]
            var free: [Int] = []
            func take(_ size: Dim) -> Int {
                let (c, factor) = splitCoefficient(size)
                let key = factor.description
                var fits: (index: Int, c: Int)?, grows: (index: Int, c: Int)?
                for (k, s) in free.enumerated() {
                    let (sc, sf) = splitCoefficient(slots[s])
                    guard sf.description == key, reuse != .exact || sc == c else { continue }
                    if sc >= c { if fits == nil || sc < fits!.c { fits = (k, sc) } }
                    else if grows == nil || sc > grows!.c { grows = (k, sc) }
                }
                guard let k = (fits ?? (reuse == .grow ? grows : nil))?.index else {
                    slots.append(size)
                    return slots.count - 1
                }
                let s = free.remove(at: k)
                if fits == nil { slots[s] = size }
                return s
            }
            for (i, op) in function.ops.enumerated() {
                let v = op.result
                // Elementwise ops may write over an operand of their own shape and element size
                // that dies here (each element is read before it is written; a cast bool -> f32
                // would overwrite elements it has not read yet).
                let elementwise = op.kind.info.category == .elementwiseUnary || op.kind.info.category == .elementwiseBinary
                var released = Set<Int>()
                if elementwise {
                    for operand in op.operands where function.type(of: operand).shape == function.type(of: v).shape
                        && function.type(of: operand).dtype.byteSize == function.type(of: v).dtype.byteSize {
                        let r = root(operand)
                        guard lastUse[r.raw] == i, case .workspace(let s) = storage[r.raw], !released.contains(s) else { continue }
                        released.insert(s)
                        free.append(s)
                    }
                }
                if case .workspace = storage[v.raw] {
                    let s = take(bytes(v))
                    storage[v.raw] = .workspace(slot: s)
                    if lastUse[v.raw] < 0 { free.append(s) }
                }
                // Kernel scratch (im2col) lives only during its op.
                var scratchSlot: Int?
                if let need = KernelEmitter.scratchBytes(op, function) {
                    scratchSlot = take(need)
                    scratch[i] = scratchSlot
                }
                for operand in op.operands {
                    let r = root(operand)
                    guard lastUse[r.raw] == i, case .workspace(let s) = storage[r.raw], !released.contains(s) else { continue }
                    released.insert(s)
                    free.append(s)
                }
                if let scratchSlot { free.append(scratchSlot) }
            }
            return (storage, slots, scratch)
        }
        func cost(_ slots: [Dim]) -> [Int] {
            let total = sumOfTerms(slots)
            return [64, 1].map { n in total.evaluate(Dictionary(symbols.map { ($0, n) }, uniquingKeysWith: { a, _ in a })) ?? Int.max }
        }
        let plans = Reuse.allCases.map(assign)
        let best = plans.min { cost($0.slots).lexicographicallyPrecedes(cost($1.slots)) }!
        storage = best.storage
        let (slots, scratch) = (best.slots, best.scratch)
        planStats.buffers = function.ops.filter { if case .workspace = storage[$0.result.raw] { return true }; return false }.count
        planStats.slots = slots.count
        planStats.plannedBytes = sumOfTerms(slots)
        // Without reuse: one buffer per intermediate tensor plus one per kernel scratch.
        planStats.unplannedBytes = sumOfTerms(function.ops.compactMap { op -> Dim? in
            if case .workspace = storage[op.result.raw] { return bytes(op.result) }; return nil }
            + function.ops.compactMap { KernelEmitter.scratchBytes($0, function) })
        return (storage, slots, scratch, copies, planStats)
    }

    /// A buffer's bytes, rounded up to 64 so every buffer is cache-line aligned.
    func alignedBytes(_ bytes: Dim, _ ctx: KernelContext) -> LLVMValueRef {
        LLVMBuildAnd(gen.builder, gen.add(ctx.dim(bytes), gen.int(63)), gen.int(-64), "")!
    }

    mutating func emit() throws(CodegenError) -> LLVMValueRef {
        let (storage, slotBytes, scratch, copies, stats) = plan()
        memoryStats = stats
        let emitter = KernelEmitter(gen: gen, function: function, symbols: symbols, blas: blas)
        var lowerings: [Lowering] = []
        for (i, op) in function.ops.enumerated() { lowerings.append(try emitter.lower(op, index: i, scratch: scratch[i] != nil)) }

        // int64_t workspace_size(const int64_t *syms)
        let wsFn = gen.function("mcc_model_\(function.name)_workspace_size", returns: gen.i64, params: [gen.i64Ptr], isInternal: true)
        gen.entry(wsFn.0)
        do {
            let ctx = KernelContext(gen: gen, symbols: symbols, syms: gen.param(wsFn.0, 0))
            var total = gen.int(0)
            for bytes in slotBytes { total = gen.add(total, alignedBytes(bytes, ctx)) }
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
            let valueSymbols = Set(function.valueSymbols.map(\.name))
            for (i, op) in function.ops.enumerated().reversed() {
                for d in function.type(of: op.result).shape where !d.isStatic {
                    bad = gen.select(gen.icmp(LLVMIntSLT, ctx.dim(d), gen.int(0)), gen.int32(i + 1), bad)
                }
                // A reshape to dims from data must keep the element count (-(i + 1)): the
                // producer's checks say why, this keeps hand-written MIR from reading past x.
                if op.kind == .reshape, function.type(of: op.result).shape.contains(where: { $0.symbols.contains(where: valueSymbols.contains) }) {
                    let same = gen.icmp(LLVMIntEQ, ctx.dim(function.type(of: op.result).elementCount),
                                        ctx.dim(function.type(of: op.operands[0]).elementCount))
                    bad = gen.select(same, bad, gen.int32(-(i + 1)))
                }
            }
            gen.ret(bad)
        }

        // int64_t flops(const int64_t *syms, int64_t *out): floating-point operations per kernel (profiles).
        let flopsFn = gen.function("mcc_model_\(function.name)_flops", returns: gen.void, params: [gen.i64Ptr, gen.i64Ptr], isInternal: true)
        gen.entry(flopsFn.0)
        var kernelNames: [String] = []
        do {
            let ctx = KernelContext(gen: gen, symbols: symbols, syms: gen.param(flopsFn.0, 0))
            for (i, (op, lowering)) in zip(function.ops, lowerings).enumerated() {
                guard case .kernel = lowering else { continue }
                let outType = function.type(of: op.result)
                var flops = ctx.dim(outType.elementCount)
                switch op.kind {
                case .matmul:
                    let a = function.type(of: op.operands[0])
                    flops = gen.mul(gen.mul(flops, ctx.dim(a.shape[a.rank - 1])), gen.int(2))
                case .conv2d, .convTranspose2d:
                    let w = function.type(of: op.operands[1])
                    let perOutput = op.kind == .conv2d ? w.shape[1] * w.shape[2] * w.shape[3] : w.shape[0] * w.shape[2] * w.shape[3]
                    flops = gen.mul(gen.mul(op.kind == .conv2d ? flops : ctx.dim(function.type(of: op.operands[0]).elementCount), ctx.dim(perOutput)), gen.int(2))
                case .conv2dNCHWc:
                    // Counted over the padded channels (the work the kernel does).
                    let w = function.type(of: op.operands[1]).shape
                    let perOutput = op.attributes["groups"]?.intValue ?? 1 != 1 ? w[1] * w[2] : w.count == 5 ? w[1] * w[2] * w[3] : w[1] * w[2] * w[3] * w[4]
                    flops = gen.mul(gen.mul(flops, ctx.dim(perOutput)), gen.int(2))
                case .qmatmul, .qconv2d:
                    // Integer multiply-adds, counted like float ones: 2 per MAC of the real reduction.
                    let x = function.type(of: op.operands[0])
                    let k = op.kind == .qmatmul ? x.shape[x.rank - 1]
                        : x.shape[1] * .constant((op.attributes["kernel"]?.intsValue ?? [1, 1]).reduce(1, *))
                    flops = gen.mul(gen.mul(flops, ctx.dim(k)), gen.int(2))
                default: break
                }
                LLVMBuildStore(gen.builder, flops, gen.gep(gen.param(flopsFn.0, 1), gen.int(kernelNames.count), element: gen.i64))
                kernelNames.append("\(op.kind.rawValue) #\(i) \(outType)")
            }
            gen.retVoid()
        }

        // void forward(const int64_t *syms, void **inputs, void **outputs, const void *params, void *workspace,
        //              void *pool, void *profile)
        let fwd = gen.function("mcc_model_\(function.name)_forward", returns: gen.void,
                               params: [gen.i64Ptr, LLVMPointerType(gen.i8Ptr, 0), LLVMPointerType(gen.i8Ptr, 0), gen.i8Ptr, gen.i8Ptr, gen.i8Ptr, gen.i8Ptr],
                               isInternal: true)
        gen.entry(fwd.0)
        let syms = gen.param(fwd.0, 0)
        let ctx = KernelContext(gen: gen, symbols: symbols, syms: syms)
        var slotOffsets: [LLVMValueRef] = []
        var running = gen.int(0)
        for bytes in slotBytes { slotOffsets.append(running); running = gen.add(running, alignedBytes(bytes, ctx)) }
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
            case .view(let of, let offset):
                let bytes = offset * .constant(function.type(of: v).dtype.byteSize)
                p = bytePointer(gen.bitcast(pointer(of), gen.i8Ptr), ctx.dim(bytes))
            }
            pointers[v.raw] = p
            return p
        }
        var entryParams: [LLVMTypeRef?] = [LLVMPointerType(gen.i8Ptr, 0), gen.i64Ptr, gen.i64, gen.i64]
        let entryType = LLVMPointerType(entryParams.withUnsafeMutableBufferPointer { LLVMFunctionType(gen.void, $0.baseAddress, 4, 0)! }, 0)!
        let runParallel = gen.declareExternal("mcc_rt_parallel", returns: gen.void,
                                              params: [gen.i8Ptr, entryType, LLVMPointerType(gen.i8Ptr, 0), gen.i64Ptr])
        // Result, operands, then the scratch and the pool pointers.
        let maxArgs = (function.ops.map { $0.operands.count + 1 }.max() ?? 1) + 2
        let argsSlot = try argumentArray(count: maxArgs, in: fwd.0)
        let profileBegin = gen.declareExternal("mcc_rt_profile_begin", returns: gen.i64, params: [gen.i8Ptr])
        let profileEnd = gen.declareExternal("mcc_rt_profile_end", returns: gen.void, params: [gen.i8Ptr, gen.i64, gen.i64, gen.i64Ptr])
        let profile = gen.param(fwd.0, 6)
        var kernelIndex = 0
        for (index, (op, lowering)) in zip(function.ops, lowerings).enumerated() {
            guard case .kernel(let entry, let parallel) = lowering else { continue }
            defer { kernelIndex += 1 }
            // Profiling costs one pointer test per kernel when off.
            let started = gen.call(profileBegin, [profile])
            for (i, v) in ([op.result] + op.operands).enumerated() {
                LLVMBuildStore(gen.builder, gen.bitcast(pointer(v), gen.i8Ptr), gen.gep(argsSlot, gen.int(i), element: gen.i8Ptr))
            }
            if let slot = scratch[index] {
                let p = gen.gep(gen.param(fwd.0, 4), slotOffsets[slot], element: gen.i8)
                LLVMBuildStore(gen.builder, p, gen.gep(argsSlot, gen.int(op.operands.count + 1), element: gen.i8Ptr))
            }
            if KernelEmitter.takesPool(op) {
                let at = op.operands.count + 1 + (scratch[index] != nil ? 1 : 0)
                LLVMBuildStore(gen.builder, gen.param(fwd.0, 5), gen.gep(argsSlot, gen.int(at), element: gen.i8Ptr))
            }
            let entryFn = (entry, LLVMGetElementType(LLVMTypeOf(entry))!)
            if parallel {
                // Small kernels run on the calling thread: waking the pool costs more than they
                // save. The split rule is the op table's cost model (MIR KernelCost).
                let cost = op.kernelCost(in: function)
                var big = cost.grain.map { gen.icmp(LLVMIntSGE, ctx.dim(cost.work), gen.int($0)) } ?? LLVMConstInt(gen.i1, 0, 0)!
                if let grain = cost.batchedGrain, let batch = function.type(of: op.result).shape.first {
                    let batched = LLVMBuildAnd(gen.builder, gen.icmp(LLVMIntSGE, ctx.dim(batch), gen.int(2)),
                                               gen.icmp(LLVMIntSGE, ctx.dim(cost.work), gen.int(grain)), "")!
                    big = LLVMBuildOr(gen.builder, big, batched, "")!
                }
                gen.ifThen(big) { _ = gen.call(runParallel, [gen.param(fwd.0, 5), entry, argsSlot, syms]) }
                gen.ifThen(LLVMBuildNot(gen.builder, big, "")!) { _ = gen.call(entryFn, [argsSlot, syms, gen.int(0), gen.int(1)]) }
            } else {
                _ = gen.call(entryFn, [argsSlot, syms, gen.int(0), gen.int(1)])
            }
            _ = gen.call(profileEnd, [profile, gen.int(kernelIndex), started, syms])
        }
        for (i, v) in copies {
            let typed = LLVMPointerType(try gen.storageType(function.type(of: v).dtype), 0)!
            let dst = gen.bitcast(loadSlot(gen.param(fwd.0, 2), i), typed), src = gen.bitcast(pointer(v), typed)
            gen.loop(gen.int(0), ctx.dim(function.type(of: v).elementCount)) { j in gen.store(gen.load(src, j), dst, j) }
        }
        gen.retVoid()
        return try descriptor(workspaceSize: wsFn.0, dims: dimsFn.0, forward: fwd.0, kernelNames: kernelNames, flops: flopsFn.0)
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
