internal import CLLVM
import MIR

/// One LLVM context + module + builder, with the few helpers every kernel needs
/// (loops, index math, float constants). All LLVM handles stay inside this target.
final class IRGen {
    let context: LLVMContextRef
    let module: LLVMModuleRef
    let builder: LLVMBuilderRef
    let target: TargetMachine
    let preferWide: Bool

    let i1, i8, i32, i64, f32, void: LLVMTypeRef
    /// While emitting a kernel that runs split across threads: this call's part and the
    /// part count. `parallelLoop` gives each part a contiguous share of its range.
    var partition: (part: LLVMValueRef, parts: LLVMValueRef)?
    let i8Ptr, f32Ptr, i64Ptr: LLVMTypeRef
    /// Parameters packed for mcc's GEMM at compile time, by name (see GemmPrepack.swift).
    var prepacked: [String: PrepackedWeight] = [:]

    init(moduleName: String, target: TargetMachine, preferWide: Bool) {
        context = LLVMContextCreate()
        // Optimization remarks and warnings (e.g. a vectorization hint not taken) are not the
        // user's concern; errors still surface through the verifier and emit calls.
        LLVMContextSetDiagnosticHandler(context, { info, _ in
            guard let info else { return }
            _ = LLVMGetDiagInfoSeverity(info)
        }, nil)
        module = LLVMModuleCreateWithNameInContext(moduleName, context)
        builder = LLVMCreateBuilderInContext(context)
        self.target = target
        self.preferWide = preferWide
        i1 = LLVMInt1TypeInContext(context); i8 = LLVMInt8TypeInContext(context)
        i32 = LLVMInt32TypeInContext(context); i64 = LLVMInt64TypeInContext(context)
        f32 = LLVMFloatTypeInContext(context); void = LLVMVoidTypeInContext(context)
        i8Ptr = LLVMPointerType(i8, 0); f32Ptr = LLVMPointerType(f32, 0); i64Ptr = LLVMPointerType(i64, 0)
        LLVMSetTarget(module, target.triple)
        let layout = LLVMCreateTargetDataLayout(target.ref)
        LLVMSetModuleDataLayout(module, layout)
        LLVMDisposeTargetData(layout)
    }

    deinit {
        LLVMDisposeBuilder(builder)
        LLVMDisposeModule(module)
        LLVMContextDispose(context)
    }

    // MARK: functions

    /// Declares a function; `internal` ones get the target's CPU attributes and, for kernels,
    /// a 512-bit preferred vector width where the target has it.
    func function(_ name: String, returns: LLVMTypeRef, params: [LLVMTypeRef], isInternal: Bool,
                  noAliasParams: Bool = false, noInline: Bool = false) -> (LLVMValueRef, LLVMTypeRef) {
        var ps: [LLVMTypeRef?] = params
        let type = ps.withUnsafeMutableBufferPointer { LLVMFunctionType(returns, $0.baseAddress, UInt32($0.count), 0)! }
        let fn = LLVMAddFunction(module, name, type)!
        LLVMSetLinkage(fn, isInternal ? LLVMInternalLinkage : LLVMExternalLinkage)
        if !isInternal { LLVMSetVisibility(fn, LLVMHiddenVisibility) }
        addStringAttribute(fn, "target-cpu", target.cpu)
        if !target.features.isEmpty { addStringAttribute(fn, "target-features", target.features) }
        if preferWide { addStringAttribute(fn, "prefer-vector-width", "512") }
        addEnumAttribute(fn, index: LLVMAttributeIndex(bitPattern: -1), "nounwind")
        if noInline { addEnumAttribute(fn, index: LLVMAttributeIndex(bitPattern: -1), "noinline") }
        if noAliasParams {
            for (i, p) in params.enumerated() where LLVMGetTypeKind(p) == LLVMPointerTypeKind {
                addEnumAttribute(fn, index: UInt32(i + 1), "noalias")
            }
        }
        return (fn, type)
    }

    func declareExternal(_ name: String, returns: LLVMTypeRef, params: [LLVMTypeRef]) -> (LLVMValueRef, LLVMTypeRef) {
        var ps: [LLVMTypeRef?] = params
        let type = ps.withUnsafeMutableBufferPointer { LLVMFunctionType(returns, $0.baseAddress, UInt32($0.count), 0)! }
        if let existing = LLVMGetNamedFunction(module, name) { return (existing, type) }
        let fn = LLVMAddFunction(module, name, type)!
        return (fn, type)
    }

    func addStringAttribute(_ fn: LLVMValueRef, _ key: String, _ value: String) {
        let attr = LLVMCreateStringAttribute(context, key, UInt32(key.utf8.count), value, UInt32(value.utf8.count))
        LLVMAddAttributeAtIndex(fn, LLVMAttributeIndex(bitPattern: -1), attr)
    }

    func addEnumAttribute(_ fn: LLVMValueRef, index: LLVMAttributeIndex, _ name: String) {
        let kind = LLVMGetEnumAttributeKindForName(name, name.utf8.count)
        LLVMAddAttributeAtIndex(fn, index, LLVMCreateEnumAttribute(context, kind, 0))
    }

    func entry(_ fn: LLVMValueRef) {
        let bb = LLVMAppendBasicBlockInContext(context, fn, "entry")
        LLVMPositionBuilderAtEnd(builder, bb)
    }

    func param(_ fn: LLVMValueRef, _ i: Int) -> LLVMValueRef { LLVMGetParam(fn, UInt32(i))! }

    func call(_ fn: (LLVMValueRef, LLVMTypeRef), _ args: [LLVMValueRef], _ name: String = "") -> LLVMValueRef {
        var a: [LLVMValueRef?] = args
        return a.withUnsafeMutableBufferPointer { LLVMBuildCall2(builder, fn.1, fn.0, $0.baseAddress, UInt32($0.count), name)! }
    }

    // MARK: constants and arithmetic

    func int(_ v: Int) -> LLVMValueRef { LLVMConstInt(i64, UInt64(bitPattern: Int64(v)), 1) }
    func int32(_ v: Int) -> LLVMValueRef { LLVMConstInt(i32, UInt64(bitPattern: Int64(v)), 1) }
    func float(_ v: Double) -> LLVMValueRef { LLVMConstReal(f32, v) }
    /// A float constant of the same type as `like` (float or double).
    func float(_ v: Double, like: LLVMValueRef) -> LLVMValueRef { LLVMConstReal(LLVMTypeOf(like), v) }

    func add(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildAdd(builder, a, b, "")! }
    func sub(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildSub(builder, a, b, "")! }
    func mul(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildMul(builder, a, b, "")! }
    func sdiv(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildSDiv(builder, a, b, "")! }
    func icmp(_ p: LLVMIntPredicate, _ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildICmp(builder, p, a, b, "")! }
    func select(_ c: LLVMValueRef, _ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildSelect(builder, c, a, b, "")! }
    func imax(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { select(icmp(LLVMIntSGT, a, b), a, b) }
    func imin(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { select(icmp(LLVMIntSLT, a, b), a, b) }

    func fadd(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildFAdd(builder, a, b, "")! }
    func fsub(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildFSub(builder, a, b, "")! }
    func fmul(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildFMul(builder, a, b, "")! }
    func fdiv(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildFDiv(builder, a, b, "")! }
    func fneg(_ a: LLVMValueRef) -> LLVMValueRef { LLVMBuildFNeg(builder, a, "")! }
    func fcmp(_ p: LLVMRealPredicate, _ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildFCmp(builder, p, a, b, "")! }
    /// max/min that propagate NaN like numpy's maximum/minimum.
    func fmax(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef {
        select(fcmp(LLVMRealOGE, a, b), a, select(fcmp(LLVMRealUNO, a, a), a, b))
    }
    func fmin(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef {
        select(fcmp(LLVMRealOLE, a, b), a, select(fcmp(LLVMRealUNO, a, a), a, b))
    }

    func intrinsic(_ name: String, _ args: [LLVMValueRef]) -> LLVMValueRef {
        let id = LLVMLookupIntrinsicID(name, name.utf8.count)
        var types: [LLVMTypeRef?] = [LLVMTypeOf(args[0])]
        let decl = types.withUnsafeMutableBufferPointer { LLVMGetIntrinsicDeclaration(module, id, $0.baseAddress, 1)! }
        let type = types.withUnsafeMutableBufferPointer { LLVMIntrinsicGetType(context, id, $0.baseAddress, 1)! }
        return call((decl, type), args)
    }

    // MARK: memory

    func gep(_ base: LLVMValueRef, _ index: LLVMValueRef, element: LLVMTypeRef? = nil) -> LLVMValueRef {
        var idx: [LLVMValueRef?] = [index]
        return idx.withUnsafeMutableBufferPointer { LLVMBuildInBoundsGEP2(builder, element ?? f32, base, $0.baseAddress, 1, "")! }
    }
    /// Loads element `index` of a typed pointer (its element type is taken from the pointer).
    func load(_ base: LLVMValueRef, _ index: LLVMValueRef) -> LLVMValueRef {
        let element = LLVMGetElementType(LLVMTypeOf(base))!
        return LLVMBuildLoad2(builder, element, gep(base, index, element: element), "")!
    }
    func store(_ value: LLVMValueRef, _ base: LLVMValueRef, _ index: LLVMValueRef) {
        LLVMBuildStore(builder, value, gep(base, index, element: LLVMGetElementType(LLVMTypeOf(base))!))
    }

    /// The in-memory element type of a dtype (bool is one byte holding 0 or 1).
    func storageType(_ d: DType) throws(CodegenError) -> LLVMTypeRef {
        switch d {
        case .f32: return f32
        case .f64: return LLVMDoubleTypeInContext(context)
        case .i8, .u8, .bool: return i8
        case .i16, .u16: return LLVMInt16TypeInContext(context)
        case .i32, .u32: return i32
        case .i64, .u64: return i64
        case .f16: return LLVMHalfTypeInContext(context)
        case .bf16: return LLVMInt16TypeInContext(context)   // storage only: the bits, converted by cast
        }
    }

    /// A constant of an LLVM scalar type (float, double or integer).
    func constant(_ v: Double, _ type: LLVMTypeRef) -> LLVMValueRef {
        switch LLVMGetTypeKind(type) {
        case LLVMFloatTypeKind, LLVMDoubleTypeKind, LLVMHalfTypeKind: return LLVMConstReal(type, v)
        default:
            let clamped = v.isNaN ? 0 : max(min(v, 9.2e18), -9.2e18)
            return LLVMConstInt(type, UInt64(bitPattern: Int64(clamped)), 1)
        }
    }
    func isFloatType(_ t: LLVMTypeRef) -> Bool {
        let k = LLVMGetTypeKind(t)
        return k == LLVMFloatTypeKind || k == LLVMDoubleTypeKind || k == LLVMHalfTypeKind
    }

    /// Nested canonical loops over `dims` (outermost first); `body` gets the index of each.
    /// Nested loops; with `parallel`, the outermost one is split across threads.
    func nest(_ dims: [LLVMValueRef], parallel: Bool = false, _ body: ([LLVMValueRef]) -> Void) {
        func level(_ d: Int, _ acc: [LLVMValueRef]) {
            if d == dims.count { body(acc); return }
            if d == 0 && parallel { parallelLoop(int(0), dims[d]) { i in level(d + 1, acc + [i]) } }
            else { loop(int(0), dims[d]) { i in level(d + 1, acc + [i]) } }
        }
        level(0, [])
    }

    /// Row-major linear offset of `index` in a tensor of `dims`.
    func linear(_ index: [LLVMValueRef], _ dims: [LLVMValueRef]) -> LLVMValueRef {
        var off = int(0)
        for (i, d) in zip(index, dims) { off = add(mul(off, d), i) }
        return off
    }

    /// Row-major strides of `dims`.
    func strides(_ dims: [LLVMValueRef]) -> [LLVMValueRef] {
        var out = [LLVMValueRef](repeating: int(1), count: dims.count)
        var running = int(1)
        for i in stride(from: dims.count - 1, through: 0, by: -1) { out[i] = running; running = mul(running, dims[i]) }
        return out
    }

    /// Calls a libm function of one or two float/double arguments (e.g. "erf" -> erff for float).
    func libm(_ name: String, _ args: [LLVMValueRef]) -> LLVMValueRef {
        let t = LLVMTypeOf(args[0])!
        if LLVMGetTypeKind(t) == LLVMHalfTypeKind {
            // No half-precision libm: compute in float and round back.
            let widened = args.map { LLVMBuildFPExt(builder, $0, f32, "")! }
            return LLVMBuildFPTrunc(builder, libm(name, widened), t, "")!
        }
        let symbol = LLVMGetTypeKind(t) == LLVMFloatTypeKind ? name + "f" : name
        return call(declareExternal(symbol, returns: t, params: args.map { _ in t }), args)
    }
    func loadI64(_ base: LLVMValueRef, _ index: Int) -> LLVMValueRef {
        LLVMBuildLoad2(builder, i64, gep(base, int(index), element: i64), "")!
    }
    func bitcast(_ v: LLVMValueRef, _ t: LLVMTypeRef) -> LLVMValueRef { LLVMBuildBitCast(builder, v, t, "")! }

    // MARK: control flow

    /// A loop whose floating-point reduction may be reordered: `llvm.loop.vectorize.enable`
    /// lets the vectorizer split a sum into lanes (LLVM only reorders FP math when asked).
    func reductionLoop(_ start: LLVMValueRef, _ end: LLVMValueRef, _ body: (LLVMValueRef) -> Void) {
        loop(start, end, vectorize: true, body)
    }

    /// Emits `for i in start..<end { body(i) }` as a canonical loop the vectorizer recognizes.
    func loop(_ start: LLVMValueRef, _ end: LLVMValueRef, vectorize: Bool = false, width: Int? = nil,
              _ body: (LLVMValueRef) -> Void) {
        let fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(builder))
        let preheader = LLVMGetInsertBlock(builder)!
        let header = LLVMAppendBasicBlockInContext(context, fn, "loop")!
        let bodyBlock = LLVMAppendBasicBlockInContext(context, fn, "body")!
        let exit = LLVMAppendBasicBlockInContext(context, fn, "exit")!
        LLVMBuildCondBr(builder, icmp(LLVMIntSLT, start, end), header, exit)
        LLVMPositionBuilderAtEnd(builder, header)
        let iv = LLVMBuildPhi(builder, i64, "i")!
        LLVMBuildBr(builder, bodyBlock)
        LLVMPositionBuilderAtEnd(builder, bodyBlock)
        body(iv)
        let next = LLVMBuildNUWAdd(builder, iv, int(1), "")!
        let latch = LLVMGetInsertBlock(builder)!
        let branch = LLVMBuildCondBr(builder, icmp(LLVMIntSLT, next, end), header, exit)!
        if vectorize { LLVMSetMetadata(branch, LLVMGetMDKindIDInContext(context, "llvm.loop", 9), loopVectorizeMetadata(width: width)) }
        var vals: [LLVMValueRef?] = [start, next]
        var blocks: [LLVMBasicBlockRef?] = [preheader, latch]
        vals.withUnsafeMutableBufferPointer { v in
            blocks.withUnsafeMutableBufferPointer { b in LLVMAddIncoming(iv, v.baseAddress, b.baseAddress, 2) }
        }
        LLVMPositionBuilderAtEnd(builder, exit)
    }

    /// A loop whose range is split evenly across the kernel's parts (a plain loop when the
    /// kernel is not partitioned). A kernel uses it at exactly one nesting level.
    func parallelLoop(_ start: LLVMValueRef, _ end: LLVMValueRef, _ body: (LLVMValueRef) -> Void) {
        let (lo, hi) = partRange(start, end)
        loop(lo, hi, body)
    }

    /// This part's contiguous share of [start, end) (all of it when the kernel is not partitioned).
    func partRange(_ start: LLVMValueRef, _ end: LLVMValueRef) -> (LLVMValueRef, LLVMValueRef) {
        guard let (part, parts) = partition else { return (start, end) }
        let total = imax(sub(end, start), int(0))
        let chunk = sdiv(add(total, sub(parts, int(1))), parts)
        return (add(start, imin(mul(part, chunk), total)), add(start, imin(add(mul(part, chunk), chunk), total)))
    }

    /// This part's share of [start, end) with every boundary but the last a multiple of
    /// `align` past `start` (so SIMD-wide column blocks are not split between threads).
    func partRange(_ start: LLVMValueRef, _ end: LLVMValueRef, align: Int) -> (LLVMValueRef, LLVMValueRef) {
        guard let (part, parts) = partition else { return (start, end) }
        let total = imax(sub(end, start), int(0))
        let even = sdiv(add(total, sub(parts, int(1))), parts)
        let chunk = mul(sdiv(add(even, int(align - 1)), int(align)), int(align))
        return (add(start, imin(mul(part, chunk), total)), add(start, imin(add(mul(part, chunk), chunk), total)))
    }

    /// `distinct !{self, !{"llvm.loop.vectorize.enable", i1 true}}`, built with a temporary
    /// node because loop metadata refers to itself.
    /// `width` (optional) fixes the vector width and turns interleaving off, for loops whose
    /// trip counts are too short for the cost model's wide, interleaved choice to leave the
    /// scalar remainder loop.
    func loopVectorizeMetadata(width: Int? = nil) -> LLVMValueRef {
        func hint(_ key: String, _ value: LLVMValueRef) -> LLVMMetadataRef? {
            var pair: [LLVMMetadataRef?] = [LLVMMDStringInContext2(context, key, key.utf8.count), LLVMValueAsMetadata(value)]
            return pair.withUnsafeMutableBufferPointer { LLVMMDNodeInContext2(context, $0.baseAddress, 2)! }
        }
        let temporary = LLVMTemporaryMDNode(context, nil, 0)!
        var fields: [LLVMMetadataRef?] = [temporary, hint("llvm.loop.vectorize.enable", LLVMConstInt(i1, 1, 0))]
        if let width {
            fields.append(hint("llvm.loop.vectorize.width", LLVMConstInt(i32, UInt64(width), 0)))
            fields.append(hint("llvm.loop.interleave.count", LLVMConstInt(i32, 1, 0)))
        }
        let count = fields.count
        let node = fields.withUnsafeMutableBufferPointer { LLVMMDNodeInContext2(context, $0.baseAddress, count)! }
        LLVMMetadataReplaceAllUsesWith(temporary, node)
        return LLVMMetadataAsValue(context, node)
    }

    /// Emits `if cond { body() }`.
    func ifThen(_ cond: LLVMValueRef, _ body: () -> Void) {
        let fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(builder))
        let then = LLVMAppendBasicBlockInContext(context, fn, "then")!
        let merge = LLVMAppendBasicBlockInContext(context, fn, "merge")!
        LLVMBuildCondBr(builder, cond, then, merge)
        LLVMPositionBuilderAtEnd(builder, then)
        body()
        LLVMBuildBr(builder, merge)
        LLVMPositionBuilderAtEnd(builder, merge)
    }

    /// A stack slot holding a float (mem2reg turns it into SSA).
    /// The alloca goes in the entry block: allocas inside loops would grow the stack on
    /// every iteration and are not promoted to registers.
    func floatSlot(_ initial: LLVMValueRef) -> LLVMValueRef { slot(initial) }
    func slot(_ initial: LLVMValueRef) -> LLVMValueRef {
        let current = LLVMGetInsertBlock(builder)!
        let entry = LLVMGetEntryBasicBlock(LLVMGetBasicBlockParent(current))!
        if let first = LLVMGetFirstInstruction(entry) { LLVMPositionBuilderBefore(builder, first) }
        else { LLVMPositionBuilderAtEnd(builder, entry) }
        let slot = LLVMBuildAlloca(builder, LLVMTypeOf(initial), "acc")!
        LLVMPositionBuilderAtEnd(builder, current)
        LLVMBuildStore(builder, initial, slot)
        return slot
    }
    func read(_ slot: LLVMValueRef) -> LLVMValueRef { LLVMBuildLoad2(builder, LLVMGetAllocatedType(slot), slot, "")! }
    func write(_ slot: LLVMValueRef, _ v: LLVMValueRef) { LLVMBuildStore(builder, v, slot) }
    func retVoid() { LLVMBuildRetVoid(builder) }
    func ret(_ v: LLVMValueRef) { LLVMBuildRet(builder, v) }

    // MARK: symbolic dims

    /// Computes a dim at run time from the symbol values array `syms`.
    func dim(_ d: Dim, symbols: [String], syms: LLVMValueRef) -> LLVMValueRef {
        switch d {
        case .constant(let v): return int(v)
        case .symbol(let s):
            // The front end guarantees every symbol is bound; index 0 keeps this total.
            return loadI64(syms, symbols.firstIndex(of: s) ?? 0)
        case .add(let a, let b): return add(dim(a, symbols: symbols, syms: syms), dim(b, symbols: symbols, syms: syms))
        case .mul(let a, let b): return mul(dim(a, symbols: symbols, syms: syms), dim(b, symbols: symbols, syms: syms))
        case .floorDiv(let a, let b):
            let x = dim(a, symbols: symbols, syms: syms), y = dim(b, symbols: symbols, syms: syms)
            let safeY = select(icmp(LLVMIntEQ, y, int(0)), int(1), y)
            let q = sdiv(x, safeY), r = LLVMBuildSRem(builder, x, safeY, "")!
            let adjust = LLVMBuildAnd(builder, icmp(LLVMIntNE, r, int(0)),
                                      icmp(LLVMIntNE, icmp(LLVMIntSLT, r, int(0)), icmp(LLVMIntSLT, safeY, int(0))), "")!
            return sub(q, LLVMBuildZExt(builder, adjust, i64, "")!)
        }
    }
}
