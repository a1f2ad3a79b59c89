internal import CLLVM
import MIR

/// Per-element semantics of elementwise ops, for every dtype the backend stores.
/// Integer division and modulo by zero yield 0 instead of trapping (bad data must not
/// crash the caller's process).
extension IRGen {
    func attr(_ attrs: Attributes, _ key: String, _ fallback: Double) -> Double { attrs[key]?.floatValue ?? fallback }

    func unary(_ kind: OpKind, _ x: LLVMValueRef, _ attrs: Attributes, from: DType, to: DType) throws(CodegenError) -> LLVMValueRef {
        let t = LLVMTypeOf(x)!
        let isFloat = isFloatType(t)
        func c(_ v: Double) -> LLVMValueRef { constant(v, t) }
        func math(_ name: String) -> LLVMValueRef { intrinsic(name, [x]) }
        func where_(_ cond: LLVMValueRef, _ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { select(cond, a, b) }
        func gt(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef {
            isFloat ? fcmp(LLVMRealOGT, a, b) : icmp(from.isSigned ? LLVMIntSGT : LLVMIntUGT, a, b)
        }
        func lt(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef {
            isFloat ? fcmp(LLVMRealOLT, a, b) : icmp(from.isSigned ? LLVMIntSLT : LLVMIntULT, a, b)
        }
        switch kind {
        case .neg: return isFloat ? fneg(x) : sub(c(0), x)
        case .abs: return isFloat ? math("llvm.fabs") : (from.isSigned ? where_(lt(x, c(0)), sub(c(0), x), x) : x)
        case .sign: return where_(gt(x, c(0)), c(1), where_(lt(x, c(0)), c(-1), isFloat ? fmul(x, c(0)) : c(0)))
        case .relu: return where_(fcmp(LLVMRealOGT, x, c(0)), x, where_(fcmp(LLVMRealUNO, x, x), x, c(0)))
        case .sigmoid: return sigmoid(x)
        case .tanh: return tanh(x)
        case .exp: return exp(x)
        case .log: return log(x)
        case .sqrt: return math("llvm.sqrt")
        case .erf: return erf(x)
        case .floor: return math("llvm.floor")
        case .ceil: return math("llvm.ceil")
        case .round: return math("llvm.rint")   // default rounding mode: half to even, as ONNX requires
        case .reciprocal: return fdiv(c(1), x)
        case .sin: return math("llvm.sin")
        case .cos: return math("llvm.cos")
        case .tan, .asin, .acos, .atan, .sinh, .cosh, .asinh, .acosh, .atanh: return libm(kind.rawValue, [x])
        case .softplus:
            // log(1 + e^x), exact for large x where e^x overflows.
            return where_(fcmp(LLVMRealOGT, x, c(30)), x, log(fadd(c(1), exp(x))))
        case .softsign: return fdiv(x, fadd(c(1), math("llvm.fabs")))
        case .leakyRelu: return where_(fcmp(LLVMRealOGE, x, c(0)), x, fmul(c(attr(attrs, "alpha", 0.01)), x))
        case .elu:
            return where_(fcmp(LLVMRealOGT, x, c(0)), x, fmul(c(attr(attrs, "alpha", 1)), fsub(exp(x), c(1))))
        case .celu:
            let a = attr(attrs, "alpha", 1)
            let neg = fmul(c(a), fsub(exp(fdiv(x, c(a))), c(1)))
            return fadd(fmax(x, c(0)), fmin(neg, c(0)))
        case .selu:
            let a = attr(attrs, "alpha", 1.67326319217681884765625), g = attr(attrs, "gamma", 1.05070102214813232421875)
            return fmul(c(g), where_(fcmp(LLVMRealOGT, x, c(0)), x, fmul(c(a), fsub(exp(x), c(1)))))
        case .hardSigmoid:
            let y = fadd(fmul(c(attr(attrs, "alpha", 0.2)), x), c(attr(attrs, "beta", 0.5)))
            return fmax(c(0), fmin(c(1), y))
        case .hardSwish: return fmul(x, fmax(c(0), fmin(c(1), fadd(fmul(c(1.0 / 6.0), x), c(0.5)))))
        case .thresholdedRelu: return where_(fcmp(LLVMRealOGT, x, c(attr(attrs, "alpha", 1))), x, c(0))
        case .gelu:
            if attrs["approximate"]?.stringValue == "tanh" {
                let inner = fmul(c(0.7978845608028654), fadd(x, fmul(c(0.044715), fmul(x, fmul(x, x)))))
                return fmul(fmul(c(0.5), x), fadd(c(1), tanh(inner)))
            }
            return fmul(fmul(c(0.5), x), fadd(c(1), erf(fmul(x, c(0.7071067811865476)))))
        case .clip:
            var y = x
            if let lo = attrs["min"]?.floatValue { y = where_(lt(y, c(lo)), c(lo), y) }
            if let hi = attrs["max"]?.floatValue { y = where_(gt(y, c(hi)), c(hi), y) }
            return y
        case .isNaN: return boolValue(fcmp(LLVMRealUNO, x, x))
        case .isInf: return boolValue(fcmp(LLVMRealOEQ, math("llvm.fabs"), c(.infinity)))
        case .logicalNot: return boolValue(icmp(LLVMIntEQ, x, c(0)))
        case .cast: return try convert(x, from: from, to: to)
        default: throw .unsupported("internal error: '\(kind.rawValue)' is not a unary op")
        }
    }

    /// f32 -> bf16 bits, rounding to nearest even; NaN stays a (quiet) NaN.
    func bfloat16(_ x: LLVMValueRef) -> LLVMValueRef {
        func c(_ v: UInt64) -> LLVMValueRef { LLVMConstInt(i32, v, 0) }
        let bits = LLVMBuildBitCast(builder, x, i32, "")!
        let lsb = LLVMBuildAnd(builder, LLVMBuildLShr(builder, bits, c(16), "")!, c(1), "")!
        let rounded = LLVMBuildLShr(builder, add(bits, add(c(0x7FFF), lsb)), c(16), "")!
        let nan = LLVMBuildOr(builder, LLVMBuildLShr(builder, bits, c(16), "")!, c(0x40), "")!
        return LLVMBuildTrunc(builder, select(fcmp(LLVMRealUNO, x, x), nan, rounded), LLVMInt16TypeInContext(context), "")!
    }

    func boolValue(_ i1v: LLVMValueRef) -> LLVMValueRef { LLVMBuildZExt(builder, i1v, i8, "")! }

    func convert(_ x: LLVMValueRef, from: DType, to: DType) throws(CodegenError) -> LLVMValueRef {
        let target = try storageType(to)
        if from == to { return x }
        // bf16 goes through f32: its bits are f32's upper half.
        if from == .bf16 {
            let wide = LLVMBuildShl(builder, LLVMBuildZExt(builder, x, i32, "")!, LLVMConstInt(i32, 16, 0), "")!
            return try convert(LLVMBuildBitCast(builder, wide, f32, "")!, from: .f32, to: to)
        }
        if to == .bf16 { return bfloat16(from == .f32 ? x : try convert(x, from: from, to: .f32)) }
        if to == .bool {
            return boolValue(from.isFloat ? fcmp(LLVMRealUNE, x, constant(0, LLVMTypeOf(x))) : icmp(LLVMIntNE, x, constant(0, LLVMTypeOf(x))))
        }
        let unsignedSource = !from.isSigned
        switch (from.isFloat, to.isFloat) {
        case (true, true):
            if from == .f64 && to == .f16 && LLVMGetTypeKind(LLVMTypeOf(x)) == LLVMDoubleTypeKind { return doubleToHalf(x) }
            return LLVMBuildFPCast(builder, x, target, "")!
        case (true, false):
            // Out-of-range float-to-int is undefined in LLVM: saturate first (NaN becomes 0).
            // The top is pulled in below 2^bits so that it stays representable after rounding to the float type.
            let lo = to.integerRange.lowerBound, hi = to.bits >= 32 ? to.integerRange.upperBound - 1024 : to.integerRange.upperBound
            let t = LLVMTypeOf(x)!
            let clamped = fmin(fmax(x, constant(lo, t)), constant(hi, t))
            let safe = select(fcmp(LLVMRealUNO, x, x), constant(0, t), clamped)
            return to.isUnsigned ? LLVMBuildFPToUI(builder, safe, target, "")! : LLVMBuildFPToSI(builder, safe, target, "")!
        case (false, true):
            return unsignedSource ? LLVMBuildUIToFP(builder, x, target, "")! : LLVMBuildSIToFP(builder, x, target, "")!
        case (false, false):
            return LLVMBuildIntCast2(builder, x, target, unsignedSource ? 0 : 1, "")!
        }
    }

    /// f64 -> f16 without LLVM 14's `__truncdfhf2` libcall, whose half return convention disagrees with
    /// the libgcc it links against (the results come back as garbage). Rounds to f32 with round-to-odd
    /// (truncate toward zero, set the last bit when inexact): f32 keeps 13 more bits than f16, so the
    /// second, hardware rounding to f16 then equals a single correct rounding.
    func doubleToHalf(_ x: LLVMValueRef) -> LLVMValueRef {
        let single = LLVMBuildFPTrunc(builder, x, f32, "")!
        let back = LLVMBuildFPExt(builder, single, LLVMTypeOf(x), "")!
        let bits = LLVMBuildBitCast(builder, single, i32, "")!
        let roundedAway = fcmp(LLVMRealOGT, intrinsic("llvm.fabs", [back]), intrinsic("llvm.fabs", [x]))
        let truncated = select(roundedAway, LLVMBuildSub(builder, bits, constant(1, i32), "")!, bits)
        let odd = LLVMBuildOr(builder, truncated, constant(1, i32), "")!
        let inexact = fcmp(LLVMRealONE, back, x)   // false for NaN, which passes through unchanged
        let single2 = LLVMBuildBitCast(builder, select(inexact, odd, bits), f32, "")!
        return LLVMBuildFPTrunc(builder, single2, LLVMHalfTypeInContext(context), "")!
    }

    func binary(_ kind: OpKind, _ a: LLVMValueRef, _ b: LLVMValueRef, _ attrs: Attributes, dtype: DType) throws(CodegenError) -> LLVMValueRef {
        let t = LLVMTypeOf(a)!
        let isFloat = isFloatType(t)
        let signed = dtype.isSigned
        func c(_ v: Double) -> LLVMValueRef { constant(v, t) }
        func cmp(_ fp: LLVMRealPredicate, _ sp: LLVMIntPredicate, _ up: LLVMIntPredicate) -> LLVMValueRef {
            boolValue(isFloat ? fcmp(fp, a, b) : icmp(signed ? sp : up, a, b))
        }
        switch kind {
        case .add: return isFloat ? fadd(a, b) : LLVMBuildAdd(builder, a, b, "")!
        case .sub: return isFloat ? fsub(a, b) : LLVMBuildSub(builder, a, b, "")!
        case .mul: return isFloat ? fmul(a, b) : LLVMBuildMul(builder, a, b, "")!
        case .div:
            if isFloat { return fdiv(a, b) }
            let zero = icmp(LLVMIntEQ, b, c(0))
            if !signed { return select(zero, c(0), LLVMBuildUDiv(builder, a, select(zero, c(1), b), "")!) }
            let minusOne = icmp(LLVMIntEQ, b, c(-1))
            let q = LLVMBuildSDiv(builder, a, select(LLVMBuildOr(builder, zero, minusOne, "")!, c(1), b), "")!
            return select(zero, c(0), select(minusOne, LLVMBuildSub(builder, c(0), a, "")!, q))
        case .mod:
            let cMod = (attrs["fmod"]?.intValue ?? 0) != 0
            if isFloat {
                let r = LLVMBuildFRem(builder, a, b, "")!
                if cMod { return r }
                let fix = LLVMBuildAnd(builder, fcmp(LLVMRealONE, r, c(0)), icmp(LLVMIntNE, fcmp(LLVMRealOLT, r, c(0)), fcmp(LLVMRealOLT, b, c(0))), "")!
                return select(fix, fadd(r, b), r)
            }
            let zero = icmp(LLVMIntEQ, b, c(0))
            let safeB = select(LLVMBuildOr(builder, zero, icmp(LLVMIntEQ, b, c(-1)), "")!, c(1), b)
            var r = signed ? LLVMBuildSRem(builder, a, safeB, "")! : LLVMBuildURem(builder, a, safeB, "")!
            r = select(icmp(LLVMIntEQ, b, c(-1)), c(0), r)
            if !cMod && signed {
                let fix = LLVMBuildAnd(builder, icmp(LLVMIntNE, r, c(0)), icmp(LLVMIntNE, icmp(LLVMIntSLT, r, c(0)), icmp(LLVMIntSLT, b, c(0))), "")!
                r = select(fix, LLVMBuildAdd(builder, r, b, "")!, r)
            }
            return select(zero, c(0), r)
        case .pow:
            if isFloat { return intrinsic("llvm.pow", [a, b]) }
            let d = LLVMDoubleTypeInContext(context)!
            let p = intrinsic("llvm.pow", [try convert(a, from: dtype, to: .f64), try convert(b, from: dtype, to: .f64)])
            _ = d
            return try convert(p, from: .f64, to: dtype)
        case .maximum:
            if isFloat { return fmax(a, b) }
            return select(icmp(signed ? LLVMIntSGT : LLVMIntUGT, a, b), a, b)
        case .minimum:
            if isFloat { return select(fcmp(LLVMRealUNO, a, a), a, select(fcmp(LLVMRealULT, b, a), b, a)) }
            return select(icmp(signed ? LLVMIntSLT : LLVMIntULT, a, b), a, b)
        case .equal: return cmp(LLVMRealOEQ, LLVMIntEQ, LLVMIntEQ)
        case .less: return cmp(LLVMRealOLT, LLVMIntSLT, LLVMIntULT)
        case .lessEqual: return cmp(LLVMRealOLE, LLVMIntSLE, LLVMIntULE)
        case .greater: return cmp(LLVMRealOGT, LLVMIntSGT, LLVMIntUGT)
        case .greaterEqual: return cmp(LLVMRealOGE, LLVMIntSGE, LLVMIntUGE)
        case .shiftLeft, .shiftRight:
            // LLVM shifts by >= the width are poison; ONNX/numpy give 0 (or the sign fill for arithmetic right shifts).
            let width = c(Double(dtype.bits))
            let inRange = icmp(LLVMIntULT, b, width)
            let amount = select(inRange, b, c(0))
            if kind == .shiftLeft { return select(inRange, LLVMBuildShl(builder, a, amount, "")!, c(0)) }
            if !signed { return select(inRange, LLVMBuildLShr(builder, a, amount, "")!, c(0)) }
            return LLVMBuildAShr(builder, a, select(inRange, b, c(Double(dtype.bits - 1))), "")!
        case .logicalAnd: return LLVMBuildAnd(builder, a, b, "")!
        case .logicalOr: return LLVMBuildOr(builder, a, b, "")!
        case .logicalXor: return LLVMBuildXor(builder, a, b, "")!
        default: throw .unsupported("internal error: '\(kind.rawValue)' is not a binary op")
        }
    }
}

/// 2^n as a Double (exact), for integer range limits.
func twoPow(_ n: Int) -> Double { Double(sign: .plus, exponent: n, significand: 1) }
