internal import CLLVM
import MIR

/// lstm_sequence (RecurrentShapes.swift): the whole recurrence in one kernel, threaded two ways.
/// From `KernelCost.recurrentRowSplitBatch` rows, one pool task whose parts each run every step
/// of their own batch rows (rows never read each other's state). Below it, the time loop runs
/// on the calling thread and each step is one pool task (its join is the step's only barrier)
/// whose parts own disjoint hidden units. A part computes the 4 gate blocks of its
/// units with mcc's GEMM (h_{t-1} x r's columns, from the compile-time packed r, with xw[t] as
/// the epilogue's residual), then the cell update of those units while the gate block is in
/// cache. A hidden unit's gates and state live in one part, so no other barrier is needed; h
/// alternates between two scratch buffers because every part reads all of h_{t-1}.
///
/// Scratch: gates [b, 4h], then the two h buffers [b, h] each.
extension KernelEmitter {
    /// The gate block [b, 4h] plus two [b, h] buffers of f32: b * 6h * 4 bytes.
    static func lstmScratchBytes(_ op: Operation, _ f: Function) -> Dim {
        let xw = f.type(of: op.operands[0])
        return xw.shape[1] * xw.shape[2] * .constant(6)
    }

    /// Emits the serial driver (this kernel) and the per-step task it hands to the pool.
    func emitLSTMSequence(_ ctx: KernelContext, op: Operation, name: String, out: LLVMValueRef, ins: [LLVMValueRef],
                          inTypes: [TensorType], scratch: LLVMValueRef, pool: LLVMValueRef) throws(CodegenError) {
        guard let hidden = inTypes[1].shape[0].constantValue else { throw .unsupported("'lstm_sequence' with a symbolic hidden size") }
        let peepholes = op.attributes["peepholes"]?.intValue == 1
        let lensType: TensorType? = op.operands.count == 4 + (peepholes ? 1 : 0) + 1 ? inTypes.last : nil
        let reverse = op.attributes["direction"]?.stringValue == "reverse"
        let step = try lstmStep(op, name: name, hidden: hidden, lensType: lensType, reverse: reverse)

        let seq = ctx.dim(inTypes[0].shape[0]), batch = ctx.dim(inTypes[0].shape[1])
        let h = gen.int(hidden), stateSize = gen.mul(batch, h)
        let gates = gen.bitcast(scratch, gen.f32Ptr)
        let hBuffers = [gen.gep(gates, gen.mul(stateSize, gen.int(4))), gen.gep(gates, gen.mul(stateSize, gen.int(5)))]
        let hFinal = gen.gep(out, gen.mul(seq, stateSize)), cState = gen.gep(out, gen.mul(gen.add(seq, gen.int(1)), stateSize))
        gen.loop(gen.int(0), stateSize) { i in
            gen.store(gen.load(ins[2], i), hBuffers[0], i)
            gen.store(gen.load(ins[3], i), cState, i)
        }
        // The task's arguments: 9 pointers, then a pointer to [t, batch] (per step) or [seq, batch] (rows).
        let args = try stackArray(gen.i8Ptr, count: 10)
        let scalars = try stackArray(gen.i64, count: 2)
        gen.store(batch, scalars, gen.int(1))
        func setArg(_ i: Int, _ v: LLVMValueRef) { gen.store(gen.bitcast(v, gen.i8Ptr), args, gen.int(i)) }
        setArg(9, scalars)
        // Split a step only when a pool exists and its GEMM is worth waking it (KernelCost).
        let work = gen.mul(gen.mul(batch, gen.int(4 * hidden)), h)
        let split = LLVMBuildAnd(gen.builder, LLVMBuildIsNotNull(gen.builder, pool, "")!,
                                 gen.icmp(LLVMIntSGE, work, gen.int(KernelCost.recurrentStepGrain)), "")!
        let runParallel = gen.declareExternal("mcc_rt_parallel", returns: gen.void,
                                              params: [gen.i8Ptr, LLVMTypeOf(step.entry)!, LLVMPointerType(gen.i8Ptr, 0), gen.i64Ptr])
        // Enough rows: batch rows are independent recurrences, so each part runs every step of
        // its own rows (one pool task for the whole sequence, no per-step barrier).
        let byRows = LLVMBuildAnd(gen.builder, LLVMBuildIsNotNull(gen.builder, pool, "")!,
                                  gen.icmp(LLVMIntSGE, batch, gen.int(KernelCost.recurrentRowSplitBatch)), "")!
        gen.ifThen(byRows) {
            let rowArgs = [out, cState, hBuffers[0], hBuffers[1], gates, ins[0], ins[1], peepholes ? ins[4] : LLVMConstNull(gen.f32Ptr)!,
                           lensType != nil ? ins[op.operands.count - 1] : LLVMConstNull(gen.i8Ptr)!]
            for (i, v) in rowArgs.enumerated() { setArg(i, v) }
            gen.store(seq, scalars, gen.int(0))
            _ = gen.call(runParallel, [pool, step.rowsEntry, args, ctx.syms])
        }
        gen.ifThen(LLVMBuildNot(gen.builder, byRows, "")!) {
        setArg(1, cState); setArg(4, gates); setArg(6, ins[1])
        setArg(7, peepholes ? ins[4] : LLVMConstNull(gen.f32Ptr)!)
        setArg(8, lensType != nil ? ins[op.operands.count - 1] : LLVMConstNull(gen.i8Ptr)!)
        gen.loop(gen.int(0), seq) { s in
            let t = reverse ? gen.sub(gen.sub(seq, gen.int(1)), s) : s
            gen.store(t, scalars, gen.int(0))
            let odd = gen.icmp(LLVMIntNE, LLVMBuildAnd(gen.builder, s, gen.int(1), "")!, gen.int(0))
            setArg(0, gen.gep(out, gen.mul(t, stateSize)))
            setArg(2, gen.select(odd, hBuffers[1], hBuffers[0]))
            setArg(3, gen.select(odd, hBuffers[0], hBuffers[1]))
            setArg(5, gen.gep(ins[0], gen.mul(t, gen.mul(stateSize, gen.int(4)))))
            gen.ifThen(split) { _ = gen.call(runParallel, [pool, step.entry, args, ctx.syms]) }
            gen.ifThen(LLVMBuildNot(gen.builder, split, "")!) { _ = gen.call((step.entry, step.entryType), [args, ctx.syms, gen.int(0), gen.int(1)]) }
        }
        }
        let last = gen.select(gen.icmp(LLVMIntNE, LLVMBuildAnd(gen.builder, seq, gen.int(1), "")!, gen.int(0)), hBuffers[1], hBuffers[0])
        gen.loop(gen.int(0), stateSize) { i in gen.store(gen.load(last, i), hFinal, i) }
    }

    /// A `[count x type]` alloca in the current function's entry block, as a pointer to its first element.
    private func stackArray(_ type: LLVMTypeRef, count: Int) throws(CodegenError) -> LLVMValueRef {
        let current = LLVMGetInsertBlock(gen.builder)!
        let entry = LLVMGetEntryBasicBlock(LLVMGetBasicBlockParent(current))!
        if let first = LLVMGetFirstInstruction(entry) { LLVMPositionBuilderBefore(gen.builder, first) }
        else { LLVMPositionBuilderAtEnd(gen.builder, entry) }
        let array = LLVMBuildAlloca(gen.builder, LLVMArrayType(type, UInt32(count)), "")!
        LLVMPositionBuilderAtEnd(gen.builder, current)
        return gen.bitcast(array, LLVMPointerType(type, 0))
    }

    /// gates[b, k*h + u] = xw_t[b, k*h + u] + sum_p h_prev[b, p] r[p, k*h + u] for this part's
    /// units u and the 4 gates k, row by row. The GEMM's 1-row microkernel keeps only NR/W
    /// accumulators, one FMA latency chain each (measured: most of a batch-1 step); here a
    /// chunk of 32 units keeps 4 gates x 2 vectors = 8 chains in flight, reading r's rows in place.
    private func recurrentGemv(batch: LLVMValueRef, hPrev: LLVMValueRef, r: LLVMValueRef, xw: LLVMValueRef, gates: LLVMValueRef,
                               hidden: Int, units: (LLVMValueRef, LLVMValueRef)) {
        let w = 16, h = gen.int(hidden), width = gen.int(4 * hidden)
        gen.loop(gen.int(0), batch) { b in
            let hRow = gen.gep(hPrev, gen.mul(b, h)), xwRow = gen.gep(xw, gen.mul(b, width)), gRow = gen.gep(gates, gen.mul(b, width))
            var start = units.0
            for vectors in [2, 1] {
                let span = vectors * w, from = start
                let chunks = gen.sdiv(gen.sub(units.1, from), gen.int(span))
                gen.loop(gen.int(0), chunks) { chunk in
                    let u = gen.add(from, gen.mul(chunk, gen.int(span)))
                    let acc = (0..<4 * vectors).map { _ in gen.slot(zeroVector(w)) }
                    gen.loop(gen.int(0), h) { p in
                        let a = splat(gen.load(hRow, p), w)
                        let rRow = gen.gep(r, gen.add(gen.mul(p, width), u))
                        for k in 0..<4 {
                            for v in 0..<vectors {
                                let x = loadVector(rRow, offset: k * hidden + v * w, w, align: 4)
                                gen.write(acc[k * vectors + v], gen.intrinsic("llvm.fma", [a, x, gen.read(acc[k * vectors + v])]))
                            }
                        }
                    }
                    for k in 0..<4 {
                        let column = gen.add(u, gen.int(k * hidden))
                        for v in 0..<vectors {
                            let sum = gen.fadd(gen.read(acc[k * vectors + v]), loadVector(gen.gep(xwRow, column), offset: v * w, w, align: 4))
                            storeVector(sum, gen.gep(gRow, column), offset: v * w, align: 4)
                        }
                    }
                }
                start = gen.add(from, gen.mul(chunks, gen.int(span)))
            }
            // The last units of a hidden size that is not a multiple of 16.
            gen.loop(start, units.1) { u in
                for k in 0..<4 {
                    let column = gen.add(u, gen.int(k * hidden))
                    let acc = gen.slot(gen.load(xwRow, column))
                    gen.loop(gen.int(0), h) { p in
                        gen.write(acc, gen.intrinsic("llvm.fma", [gen.load(hRow, p), gen.load(r, gen.add(gen.mul(p, width), column)), gen.read(acc)]))
                    }
                    gen.store(gen.read(acc), gRow, column)
                }
            }
        }
    }

    /// One time step: `entry(args, syms, part, parts)` unpacks the arguments and calls the typed
    /// step `(y_t, c, h_prev, h_next, gates, xw_t, r, p, lens, t, batch, part, parts)`, whose
    /// noalias pointers let LLVM vectorize the cell update.
    private func lstmStep(_ op: Operation, name: String, hidden: Int, lensType: TensorType?, reverse: Bool)
        throws(CodegenError) -> (entry: LLVMValueRef, entryType: LLVMTypeRef, rowsEntry: LLVMValueRef) {
        let saved = LLVMGetInsertBlock(gen.builder)
        let savedPartition = gen.partition
        defer {
            gen.partition = savedPartition
            if let saved { LLVMPositionBuilderAtEnd(gen.builder, saved) }
        }
        let lensPtr = LLVMPointerType(lensType?.dtype == .i32 ? gen.i32 : gen.i64, 0)!
        let f = gen.f32Ptr, i64 = gen.i64
        let typed = gen.function(name + "_step", returns: gen.void, params: [f, f, f, f, f, f, f, f, lensPtr, i64, i64, i64, i64],
                                 isInternal: true, noAliasParams: true, noInline: true)
        gen.entry(typed.0)
        let p = { (i: Int) in gen.param(typed.0, i) }
        let (y, c, hPrev, hNext, gates, xw, r, peep, lens) = (p(0), p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8))
        let (t, batch) = (p(9), p(10))
        let peepholes = op.attributes["peepholes"]?.intValue == 1
        gen.partition = (p(11), p(12))
        let tiling = gemmTiling
        // The compile-time packed r serves a part's columns only from NR-aligned starts.
        let prepacked = hidden % tiling.nr == 0 ? prepackedWeight(op.operands[1]) : nil
        let (u0, u1) = gen.partRange(gen.int(0), gen.int(hidden), align: prepacked != nil ? tiling.nr : 16)
        let width = gen.int(4 * hidden), h = gen.int(hidden)
        var epilogue = GemmEpilogue.none
        epilogue.residual = (xw, width)
        let gemm = gemmFunction(tiling, epilogue)
        let null = LLVMConstNull(f)!
        gen.ifThen(gen.icmp(LLVMIntSLT, u0, u1)) {
            // gates[:, k*h + u0 ..< k*h + u1] = h_prev x r[:, same] + xw_t[:, same], per gate k:
            // a few rows run the register-blocked GEMV, more the GEMM (its tiles reuse r's panels).
            let few = gen.icmp(LLVMIntSLT, batch, gen.int(GemmTiling.minimumRows))
            gen.ifThen(few) { recurrentGemv(batch: batch, hPrev: hPrev, r: r, xw: xw, gates: gates, hidden: hidden, units: (u0, u1)) }
            gen.ifThen(LLVMBuildNot(gen.builder, few, "")!) {
                /// GEMM over `count` columns from `col` (NR-aligned when r is prepacked).
                func gemmColumns(_ col: LLVMValueRef, _ count: LLVMValueRef) {
                    var packed = null, npad = gen.int(0)
                    if let prepacked {
                        packed = gen.select(gen.icmp(LLVMIntEQ, r, prepacked.pristine), prepacked.packed, null)
                        npad = gen.int(prepacked.paddedColumns)
                    }
                    _ = gen.call(gemm, [batch, count, h, hPrev, h, gen.int(1), gen.gep(r, col), width, gen.int(1),
                                        gen.gep(gates, col), width, null, gen.gep(xw, col), width, packed, npad, col])
                }
                // A part with every unit (one thread) makes one call over all 4h columns: A is packed once.
                let whole = gen.icmp(LLVMIntEQ, gen.sub(u1, u0), h)
                gen.ifThen(whole) { gemmColumns(gen.int(0), width) }
                gen.ifThen(LLVMBuildNot(gen.builder, whole, "")!) {
                    for k in 0..<4 { gemmColumns(gen.add(gen.int(k * hidden), u0), gen.sub(u1, u0)) }
                }
            }
            let clip = op.attributes["clip"]?.floatValue
            func bounded(_ x: LLVMValueRef) -> LLVMValueRef {
                guard let clip else { return x }
                return gen.fmin(gen.fmax(x, gen.float(-clip)), gen.float(clip))
            }
            // The cell's own lean sigmoid/tanh (MathFunctions.swift): the general ones were ~30% of a batch-32 run.
            func sigmoid(_ x: LLVMValueRef) -> LLVMValueRef { gen.cellSigmoid(x) }
            func tanh(_ x: LLVMValueRef) -> LLVMValueRef { gen.cellTanh(x) }
            gen.loop(gen.int(0), batch) { b in
                let row = gen.mul(b, width), stateRow = gen.mul(b, h)
                let live = lensType.map { _ in
                    let n = gen.load(lens, b)
                    return gen.icmp(LLVMIntSLT, t, LLVMTypeOf(n) == gen.i64 ? n : LLVMBuildSExt(gen.builder, n, gen.i64, "")!)
                }
                gen.loop(u0, u1) { j in
                    func gate(_ k: Int) -> LLVMValueRef { gen.load(gates, gen.add(row, gen.add(j, gen.int(k * hidden)))) }
                    let s = gen.add(stateRow, j)
                    let cPrev = gen.load(c, s)
                    var (i, o, fg, g) = (gate(0), gate(1), gate(2), gate(3))
                    if peepholes {
                        i = gen.fadd(i, gen.fmul(gen.load(peep, j), cPrev))
                        fg = gen.fadd(fg, gen.fmul(gen.load(peep, gen.add(j, gen.int(2 * hidden))), cPrev))
                    }
                    var cNew = gen.fadd(gen.fmul(sigmoid(bounded(fg)), cPrev), gen.fmul(sigmoid(bounded(i)), tanh(bounded(g))))
                    if peepholes { o = gen.fadd(o, gen.fmul(gen.load(peep, gen.add(j, h)), cNew)) }
                    var hNew = gen.fmul(sigmoid(bounded(o)), tanh(cNew))
                    var yNew = hNew
                    if let live {
                        yNew = gen.select(live, hNew, gen.float(0))
                        hNew = gen.select(live, hNew, gen.load(hPrev, s))
                        cNew = gen.select(live, cNew, cPrev)
                    }
                    gen.store(yNew, y, s)
                    gen.store(hNew, hNext, s)
                    gen.store(cNew, c, s)
                }
            }
        }
        gen.retVoid()

        let argsType = LLVMPointerType(gen.i8Ptr, 0)!
        let entry = gen.function(name + "_step_entry", returns: gen.void, params: [argsType, gen.i64Ptr, i64, i64], isInternal: true)
        gen.entry(entry.0)
        func arg(_ i: Int, _ type: LLVMTypeRef) -> LLVMValueRef {
            gen.bitcast(LLVMBuildLoad2(gen.builder, gen.i8Ptr, gen.gep(gen.param(entry.0, 0), gen.int(i), element: gen.i8Ptr), "")!, type)
        }
        let scalars = arg(9, gen.i64Ptr)
        _ = gen.call(typed, (0..<8).map { arg($0, f) } + [arg(8, lensPtr), gen.load(scalars, gen.int(0)), gen.load(scalars, gen.int(1)),
                                                         gen.param(entry.0, 2), gen.param(entry.0, 3)])
        gen.retVoid()

        // `rows_entry(args, syms, part, parts)`: args [y, c, h buffer 0, h buffer 1, gates, xw, r,
        // p, lens, &[seq, batch]]; this part runs every step of its block of batch rows.
        let rows = gen.function(name + "_rows_entry", returns: gen.void, params: [argsType, gen.i64Ptr, i64, i64], isInternal: true)
        gen.entry(rows.0)
        do {
            func rowArg(_ i: Int, _ type: LLVMTypeRef) -> LLVMValueRef {
                gen.bitcast(LLVMBuildLoad2(gen.builder, gen.i8Ptr, gen.gep(gen.param(rows.0, 0), gen.int(i), element: gen.i8Ptr), "")!, type)
            }
            let pair = rowArg(9, gen.i64Ptr)
            let (seq, batch) = (gen.load(pair, gen.int(0)), gen.load(pair, gen.int(1)))
            let (y, c, gates, xw, r, peep, lens) = (rowArg(0, f), rowArg(1, f), rowArg(4, f), rowArg(5, f), rowArg(6, f), rowArg(7, f), rowArg(8, lensPtr))
            let hBuffers = [rowArg(2, f), rowArg(3, f)]
            gen.partition = (gen.param(rows.0, 2), gen.param(rows.0, 3))
            let (r0, r1) = gen.partRange(gen.int(0), batch)
            gen.partition = nil
            let h = gen.int(hidden), width = gen.int(4 * hidden), stateSize = gen.mul(batch, h)
            gen.ifThen(gen.icmp(LLVMIntSLT, r0, r1)) {
                let lensRows = lensType == nil ? lens : gen.gep(lens, r0, element: LLVMGetElementType(lensPtr)!)
                gen.loop(gen.int(0), seq) { s in
                    let t = reverse ? gen.sub(gen.sub(seq, gen.int(1)), s) : s
                    let odd = gen.icmp(LLVMIntNE, LLVMBuildAnd(gen.builder, s, gen.int(1), "")!, gen.int(0))
                    let (hPrev, hNext) = (gen.select(odd, hBuffers[1], hBuffers[0]), gen.select(odd, hBuffers[0], hBuffers[1]))
                    let stateRow = gen.mul(r0, h), gateRow = gen.mul(r0, width)
                    _ = gen.call(typed, [gen.gep(y, gen.add(gen.mul(t, stateSize), stateRow)), gen.gep(c, stateRow),
                                         gen.gep(hPrev, stateRow), gen.gep(hNext, stateRow), gen.gep(gates, gateRow),
                                         gen.gep(xw, gen.add(gen.mul(t, gen.mul(stateSize, gen.int(4))), gateRow)), r, peep, lensRows,
                                         t, gen.sub(r1, r0), gen.int(0), gen.int(1)])
                }
            }
            gen.retVoid()
        }
        return (entry.0, entry.1, rows.0)
    }
}
