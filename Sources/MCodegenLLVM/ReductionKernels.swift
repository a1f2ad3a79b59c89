internal import CLLVM
import MIR

/// Reductions, arg-reductions, scans, top-k and softmax.
extension KernelEmitter {
    /// Input offset of a multi-index, given which dims are kept (outer) and reduced (inner).
    struct Split {
        var kept: [Int], reduced: [Int]
    }

    func split(_ rank: Int, reduced: [Int]) -> Split {
        Split(kept: (0..<rank).filter { !reduced.contains($0) }, reduced: reduced)
    }

    /// Visits every output position (kept dims) and calls `body(outIndex, inputBaseOffset)`;
    /// `reducedStrides` are the input strides of the reduced dims.
    func forEachKept(_ s: Split, dims: [LLVMValueRef], _ body: (LLVMValueRef, LLVMValueRef) -> Void) {
        let strides = gen.strides(dims)
        let keptDims = s.kept.map { dims[$0] }
        gen.nest(keptDims, parallel: true) { idx in
            var base = gen.int(0)
            for (k, d) in s.kept.enumerated() { base = gen.add(base, gen.mul(idx[k], strides[d])) }
            body(gen.linear(idx, keptDims), base)
        }
    }

    func forEachReduced(_ s: Split, dims: [LLVMValueRef], base: LLVMValueRef, vectorize: Bool = false,
                        _ body: (LLVMValueRef) -> Void) {
        let strides = gen.strides(dims)
        let reducedDims = s.reduced.map { dims[$0] }
        if vectorize && reducedDims.count == 1 {
            // A single reduced axis: one loop the vectorizer may reorder.
            gen.reductionLoop(gen.int(0), reducedDims[0]) { i in body(gen.add(base, gen.mul(i, strides[s.reduced[0]]))) }
            return
        }
        // Reduced axes that end the input ([n, c, h, w] over 0, 2, 3: h and w) are one contiguous
        // run: a single vectorizable loop over h * w per outer index, instead of a scalar nest
        // with a 28-long inner loop (a conv bias gradient).
        var run = 0
        while run < s.reduced.count && s.reduced[s.reduced.count - 1 - run] == dims.count - 1 - run { run += 1 }
        if vectorize && run >= 2 {
            let outer = Array(s.reduced.dropLast(run))
            let length = s.reduced.suffix(run).reduce(gen.int(1)) { gen.mul($0, dims[$1]) }
            gen.nest(outer.map { dims[$0] }) { idx in
                var off = base
                for (k, d) in outer.enumerated() { off = gen.add(off, gen.mul(idx[k], strides[d])) }
                gen.reductionLoop(gen.int(0), length) { i in body(gen.add(off, i)) }
            }
            return
        }
        gen.nest(reducedDims) { idx in
            var off = base
            for (k, d) in s.reduced.enumerated() { off = gen.add(off, gen.mul(idx[k], strides[d])) }
            body(off)
        }
    }

    func emitReduce(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, x: LLVMValueRef, xType: TensorType) throws(CodegenError) {
        if op.attributes["to_shape"] != nil { return emitSumToShape(op, ctx, out: out, x: x, xType: xType) }
        let axes: [Int]
        do { axes = try OpKind.reductionAxes(op.attributes, rank: xType.rank) } catch { throw .unsupported(error.message) }
        let dims = xType.shape.map(ctx.dim)
        let s = split(xType.rank, reduced: axes)
        let t = elementType(out)
        let isFloat = gen.isFloatType(t)
        let dtype = xType.dtype
        let count = axes.reduce(gen.int(1)) { gen.mul($0, dims[$1]) }
        func add(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { isFloat ? gen.fadd(a, b) : LLVMBuildAdd(gen.builder, a, b, "")! }
        func mul(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { isFloat ? gen.fmul(a, b) : LLVMBuildMul(gen.builder, a, b, "")! }
        var failure: CodegenError?
        forEachKept(s, dims: dims) { outIndex, base in
            do {
                let kind = op.kind
                let initial: Double
                switch kind {
                case .reduceMax: initial = isFloat ? -Double.infinity : dtype.integerRange.lowerBound
                // All ones is the unsigned maximum at every width (gen.constant truncates -1's bit pattern).
                case .reduceMin: initial = isFloat ? Double.infinity : (dtype.isUnsigned ? -1 : dtype.integerRange.upperBound)
                case .reduceProd: initial = 1
                default: initial = 0
                }
                let acc = gen.slot(gen.constant(initial, t))
                var maxValue: LLVMValueRef?
                if kind == .reduceLogSumExp {
                    let m = gen.slot(gen.constant(-Double.infinity, t))
                    forEachReduced(s, dims: dims, base: base) { off in gen.write(m, gen.fmax(gen.read(m), gen.load(x, off))) }
                    let mv = gen.read(m)
                    // All -inf (or empty): use 0 so exp(x - m) stays defined.
                    maxValue = gen.select(gen.fcmp(LLVMRealOEQ, mv, gen.constant(-Double.infinity, t)), gen.constant(0, t), mv)
                }
                var inner: CodegenError?
                forEachReduced(s, dims: dims, base: base, vectorize: isFloat && kind != .reduceMax && kind != .reduceMin) { off in
                    let v = gen.load(x, off), a = gen.read(acc)
                    switch kind {
                    case .reduceSum, .reduceMean, .reduceLogSum: gen.write(acc, add(a, v))
                    case .reduceSumSquare, .reduceL2: gen.write(acc, add(a, mul(v, v)))
                    case .reduceProd: gen.write(acc, mul(a, v))
                    case .reduceL1:
                        do { gen.write(acc, add(a, try gen.unary(.abs, v, [:], from: dtype, to: dtype))) } catch { inner = error as? CodegenError ?? .unsupported("\(error)") }
                    case .reduceMax, .reduceMin:
                        do { gen.write(acc, try gen.binary(kind == .reduceMax ? .maximum : .minimum, a, v, [:], dtype: dtype)) } catch { inner = error as? CodegenError ?? .unsupported("\(error)") }
                    case .reduceLogSumExp: gen.write(acc, gen.fadd(a, gen.exp(gen.fsub(v, maxValue ?? v))))
                    default: break
                    }
                }
                if let inner { throw inner }
                var r = gen.read(acc)
                switch kind {
                case .reduceMean:
                    r = isFloat ? gen.fdiv(r, LLVMBuildSIToFP(gen.builder, count, t, "")!) : r
                case .reduceL2: r = gen.intrinsic("llvm.sqrt", [r])
                case .reduceLogSum: r = gen.log(r)
                case .reduceLogSumExp: r = gen.fadd(gen.log(r), maxValue ?? r)
                default: break
                }
                gen.store(r, out, outIndex)
            } catch { failure = error as? CodegenError ?? .unsupported("\(error)") }
        }
        if let failure { throw failure }
    }

    func emitArgReduce(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, x: LLVMValueRef, xType: TensorType) throws(CodegenError) {
        let axis = (try? normalizeAxis(op.attributes["axis"]?.intValue ?? 0, rank: xType.rank)) ?? 0
        let last = (op.attributes["select_last_index"]?.intValue ?? 0) != 0
        let dims = xType.shape.map(ctx.dim)
        let s = split(xType.rank, reduced: [axis])
        let stride = gen.strides(dims)[axis]
        let isMax = op.kind == .argmax
        let isFloat = gen.isFloatType(elementType(x))
        forEachKept(s, dims: dims) { outIndex, base in
            let best = gen.slot(gen.load(x, base))
            let bestIndex = gen.slot(gen.int(0))
            gen.loop(gen.int(1), dims[axis]) { i in
                let v = gen.load(x, gen.add(base, gen.mul(i, stride)))
                let b = gen.read(best)
                let better: LLVMValueRef
                if isFloat {
                    better = gen.fcmp(isMax ? (last ? LLVMRealOGE : LLVMRealOGT) : (last ? LLVMRealOLE : LLVMRealOLT), v, b)
                } else {
                    let signed = xType.dtype.isSigned
                    let pred: LLVMIntPredicate = isMax ? (last ? (signed ? LLVMIntSGE : LLVMIntUGE) : (signed ? LLVMIntSGT : LLVMIntUGT))
                                                       : (last ? (signed ? LLVMIntSLE : LLVMIntULE) : (signed ? LLVMIntSLT : LLVMIntULT))
                    better = gen.icmp(pred, v, b)
                }
                gen.write(best, gen.select(better, v, b))
                gen.write(bestIndex, gen.select(better, i, gen.read(bestIndex)))
            }
            gen.store(gen.read(bestIndex), out, outIndex)
        }
    }

    /// Prefix sums along one axis, viewed as [outer, n, inner]: row j of the output is row j-1
    /// plus x's row j (row j-1 when exclusive), so the inner loop runs over contiguous memory
    /// and vectorizes. With an axis operand the split is computed at run time; an out-of-range
    /// axis makes n = 1 (every element its own prefix), so no access leaves the buffers.
    func emitCumsum(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, x: LLVMValueRef, xType: TensorType,
                    axisOperand: LLVMValueRef? = nil) throws(CodegenError) {
        let exclusive = (op.attributes["exclusive"]?.intValue ?? 0) != 0
        let reverse = (op.attributes["reverse"]?.intValue ?? 0) != 0
        let dims = xType.shape.map(ctx.dim)
        var outer = gen.int(1), n = gen.int(1), inner = gen.int(1)
        if let axisOperand {
            var raw = gen.load(axisOperand, gen.int(0))
            if LLVMGetIntTypeWidth(LLVMTypeOf(raw)) < 64 { raw = LLVMBuildSExt(gen.builder, raw, gen.i64, "")! }
            let axis = gen.select(gen.icmp(LLVMIntSLT, raw, gen.int(0)), gen.add(raw, gen.int(xType.rank)), raw)
            for (d, size) in dims.enumerated() {
                let at = gen.int(d)
                outer = gen.mul(outer, gen.select(gen.icmp(LLVMIntSLT, at, axis), size, gen.int(1)))
                n = gen.select(gen.icmp(LLVMIntEQ, at, axis), size, n)
                inner = gen.mul(inner, gen.select(gen.icmp(LLVMIntSGT, at, axis), size, gen.int(1)))
            }
        } else {
            let axis = (try? normalizeAxis(op.attributes["axis"]?.intValue ?? 0, rank: xType.rank)) ?? 0
            for d in 0..<axis { outer = gen.mul(outer, dims[d]) }
            n = dims[axis]
            for d in (axis + 1)..<xType.rank { inner = gen.mul(inner, dims[d]) }
        }
        let t = elementType(out)
        let isFloat = gen.isFloatType(t)
        let zero = gen.constant(0, t)
        func add(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { isFloat ? gen.fadd(a, b) : gen.add(a, b) }
        let last = gen.sub(n, gen.int(1))
        gen.ifThen(gen.icmp(LLVMIntSGT, n, gen.int(0))) {
            gen.nest([outer], parallel: true) { o in
                let rowBase = gen.mul(o[0], gen.mul(n, inner))
                func row(_ j: LLVMValueRef) -> LLVMValueRef { gen.add(rowBase, gen.mul(reverse ? gen.sub(last, j) : j, inner)) }
                let first = row(gen.int(0))
                gen.loop(gen.int(0), inner, vectorize: true) { k in
                    let at = gen.add(first, k)
                    gen.store(exclusive ? zero : gen.load(x, at), out, at)
                }
                gen.loop(gen.int(1), n) { j in
                    let here = row(j), before = row(gen.sub(j, gen.int(1)))
                    gen.loop(gen.int(0), inner, vectorize: true) { k in
                        let at = gen.add(here, k), prev = gen.add(before, k)
                        gen.store(add(gen.load(out, prev), gen.load(x, exclusive ? prev : at)), out, at)
                    }
                }
            }
        }
    }

    /// Top-k by rank counting: element i lands at position rank(i) = number of elements that
    /// beat it (ties go to the lower index), so no scratch memory is needed. O(n^2) per row.
    func emitTopK(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, x: LLVMValueRef, xType: TensorType,
                  outType: TensorType) throws(CodegenError) {
        let axis = (try? normalizeAxis(op.attributes["axis"]?.intValue ?? -1, rank: xType.rank)) ?? 0
        let k = ctx.dim(OpKind.topkK(op.attributes) ?? .constant(1))
        let largest = (op.attributes["largest"]?.intValue ?? 1) != 0
        let dims = xType.shape.map(ctx.dim), outDims = outType.shape.map(ctx.dim)
        let inStride = gen.strides(dims)[axis], outStride = gen.strides(outDims)[axis]
        let isFloat = gen.isFloatType(elementType(x))
        let signed = xType.dtype.isSigned
        let s = split(xType.rank, reduced: [axis])
        let outStrides = gen.strides(outDims), inStrides = gen.strides(dims)
        gen.nest(s.kept.map { dims[$0] }, parallel: true) { idx in
            var inBase = gen.int(0), outBase = gen.int(0)
            for (j, d) in s.kept.enumerated() {
                inBase = gen.add(inBase, gen.mul(idx[j], inStrides[d])); outBase = gen.add(outBase, gen.mul(idx[j], outStrides[d]))
            }
            gen.loop(gen.int(0), dims[axis]) { i in
                let vi = gen.load(x, gen.add(inBase, gen.mul(i, inStride)))
                let rank = gen.slot(gen.int(0))
                gen.loop(gen.int(0), dims[axis]) { m in
                    let vm = gen.load(x, gen.add(inBase, gen.mul(m, inStride)))
                    let strictly: LLVMValueRef, equal: LLVMValueRef
                    if isFloat {
                        strictly = gen.fcmp(largest ? LLVMRealOGT : LLVMRealOLT, vm, vi); equal = gen.fcmp(LLVMRealOEQ, vm, vi)
                    } else {
                        strictly = gen.icmp(largest ? (signed ? LLVMIntSGT : LLVMIntUGT) : (signed ? LLVMIntSLT : LLVMIntULT), vm, vi)
                        equal = gen.icmp(LLVMIntEQ, vm, vi)
                    }
                    let beats = LLVMBuildOr(gen.builder, strictly, LLVMBuildAnd(gen.builder, equal, gen.icmp(LLVMIntSLT, m, i), "")!, "")!
                    gen.write(rank, gen.add(gen.read(rank), LLVMBuildZExt(gen.builder, beats, gen.i64, "")!))
                }
                let r = gen.read(rank)
                gen.ifThen(gen.icmp(LLVMIntSLT, r, k)) {
                    gen.store(op.kind == .topkValues ? vi : i, out, gen.add(outBase, gen.mul(r, outStride)))
                }
            }
        }
    }

    /// Softmax (or log-softmax) along `axis`, as [outer, axis, inner]: max, exp-sum, scale.
    func emitSoftmax(_ ctx: KernelContext, axis: Int, log: Bool, out: LLVMValueRef, x: LLVMValueRef, type: TensorType) {
        let t = elementType(out)
        let outer = ctx.dim(Array(type.shape[..<axis]).product)
        let len = ctx.dim(type.shape[axis])
        let inner = ctx.dim(Array(type.shape[(axis + 1)...]).product)
        gen.parallelLoop(gen.int(0), outer) { o in
            gen.loop(gen.int(0), inner) { j in
                let base = gen.add(gen.mul(gen.mul(o, len), inner), j)
                let at = { (i: LLVMValueRef) in gen.add(base, gen.mul(i, inner)) }
                // maxnum and forced vectorization let both reductions run 16 lanes wide.
                let maxSlot = gen.slot(gen.constant(-Double.infinity, t))
                gen.reductionLoop(gen.int(0), len) { i in gen.write(maxSlot, gen.intrinsic("llvm.maxnum", [gen.read(maxSlot), gen.load(x, at(i))])) }
                let m = gen.read(maxSlot)
                let sumSlot = gen.slot(gen.constant(0, t))
                gen.reductionLoop(gen.int(0), len) { i in
                    let shifted = gen.fsub(gen.load(x, at(i)), m)
                    let e = gen.exp(shifted)
                    gen.store(log ? shifted : e, out, at(i))
                    gen.write(sumSlot, gen.fadd(gen.read(sumSlot), e))
                }
                if log {
                    let logSum = gen.log(gen.read(sumSlot))
                    gen.loop(gen.int(0), len) { i in gen.store(gen.fsub(gen.load(out, at(i)), logSum), out, at(i)) }
                } else {
                    let scale = gen.fdiv(gen.constant(1, t), gen.read(sumSlot))
                    gen.loop(gen.int(0), len) { i in gen.store(gen.fmul(gen.load(out, at(i)), scale), out, at(i)) }
                }
            }
        }
    }
}

extension KernelEmitter {
    /// reduce_sum {to_shape}: each output element sums the input window that maps to it; an
    /// axis is reduced when, at run time, its output dim differs from the input's (it is 1).
    func emitSumToShape(_ op: Operation, _ ctx: KernelContext, out: LLVMValueRef, x: LLVMValueRef, xType: TensorType) {
        let outType = function.type(of: op.result)
        let xDims = xType.shape.map(ctx.dim), oDims = outType.shape.map(ctx.dim)
        let t = elementType(out)
        let isFloat = gen.isFloatType(t)
        gen.nest(oDims, parallel: true) { o in
            let acc = gen.slot(gen.constant(0, t))
            func level(_ d: Int, _ idx: [LLVMValueRef]) {
                if d == xDims.count {
                    let v = gen.load(x, gen.linear(idx, xDims)), a = gen.read(acc)
                    gen.write(acc, isFloat ? gen.fadd(a, v) : LLVMBuildAdd(gen.builder, a, v, "")!)
                    return
                }
                let kept = gen.icmp(LLVMIntEQ, oDims[d], xDims[d])
                let lo = gen.select(kept, o[d], gen.int(0)), hi = gen.select(kept, gen.add(o[d], gen.int(1)), xDims[d])
                gen.loop(lo, hi) { i in level(d + 1, idx + [i]) }
            }
            level(0, [])
            gen.store(gen.read(acc), out, gen.linear(o, oDims))
        }
    }
}
