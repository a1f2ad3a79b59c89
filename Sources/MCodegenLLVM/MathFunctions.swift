internal import CLLVM

/// Vectorizable float math. Calls to libm's expf would keep the loop vectorizer from
/// working, so for f32 exp and tanh are inlined as range reduction plus a Cephes-style
/// polynomial (max relative error ~2 ulp). f64 uses LLVM's intrinsics (libm).
extension IRGen {
    func polynomial(_ x: LLVMValueRef, _ coefficients: [Double]) -> LLVMValueRef {
        var acc = float(coefficients[0], like: x)
        for c in coefficients.dropFirst() { acc = fadd(fmul(acc, x), float(c, like: x)) }
        return acc
    }

    func isF32(_ x: LLVMValueRef) -> Bool { LLVMGetTypeKind(LLVMTypeOf(x)) == LLVMFloatTypeKind }

    func exp(_ x0: LLVMValueRef) -> LLVMValueRef {
        guard isF32(x0) else { return intrinsic("llvm.exp", [x0]) }
        // exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two for precision).
        let (er, n) = expReduced(fmin(fmax(x0, float(-87.33654)), float(88.72283)))
        // 2^n by building the float's exponent bits; n is within [-126, 128] after clamping.
        let ni = LLVMBuildFPToSI(builder, n, i32, "")!
        let clampedN = select(icmp(LLVMIntSLT, ni, int32(-126)), int32(-126), ni)
        let bits = LLVMBuildShl(builder, LLVMBuildAdd(builder, clampedN, int32(127), "")!, int32(23), "")!
        let pow2 = bitcast(bits, f32)
        let result = fmul(er, pow2)
        // Underflow to 0 like expf, overflow to inf; NaN propagates through fmax/fmin.
        let under = select(fcmp(LLVMRealOLT, x0, float(-87.33654)), float(0), result)
        return select(fcmp(LLVMRealOGT, x0, float(88.72283)), float(Double.infinity), under)
    }

    /// exp(r) and n for an f32 x already clamped to [-87.34, 88.72], with exp(x) = 2^n exp(r):
    /// n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two for precision), a degree-6 polynomial.
    private func expReduced(_ x: LLVMValueRef) -> (er: LLVMValueRef, n: LLVMValueRef) {
        let n = intrinsic("llvm.floor", [fadd(fmul(x, float(1.44269504088896341)), float(0.5))])
        var r = fsub(x, fmul(n, float(0.693359375)))
        r = fsub(r, fmul(n, float(-2.12194440e-4)))
        let p = polynomial(r, [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
                               1.6666665459e-1, 5.0000001201e-1])
        return (fadd(fadd(fmul(p, fmul(r, r)), r), float(1)), n)
    }

    func log(_ x: LLVMValueRef) -> LLVMValueRef { intrinsic("llvm.log", [x]) }

    /// erf without a libm call (so GELU loops vectorize): a Taylor series for |x| < 0.5 and
    /// Abramowitz-Stegun 7.1.26 beyond (absolute error < 1.5e-7, below f32 resolution there).
    func erf(_ x: LLVMValueRef) -> LLVMValueRef {
        guard isF32(x) else { return libm("erf", [x]) }
        let ax = intrinsic("llvm.fabs", [x])
        let z = fmul(x, x)
        let series = fmul(fmul(x, float(1.1283791670955126)),
                          polynomial(z, [1.0 / 216.0, -1.0 / 42.0, 1.0 / 10.0, -1.0 / 3.0, 1.0]))
        let t = fdiv(float(1), fadd(float(1), fmul(float(0.3275911), ax)))
        let poly = fmul(polynomial(t, [1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592]), t)
        let tail = intrinsic("llvm.copysign", [fsub(float(1), fmul(poly, exp(fneg(z)))), x])
        return select(fcmp(LLVMRealOLT, ax, float(0.5)), series, tail)
    }

    func sigmoid(_ x: LLVMValueRef) -> LLVMValueRef {
        fdiv(float(1, like: x), fadd(float(1, like: x), exp(fneg(x))))
    }

    /// x clamped to [lo, hi] with one ordered compare per bound (a NaN fails both and passes
    /// through): half the selects of fmin(fmax(...)), which must pick the NaN operand explicitly.
    private func clamp(_ x: LLVMValueRef, _ lo: Double, _ hi: Double) -> LLVMValueRef {
        let low = select(fcmp(LLVMRealOLT, x, float(lo)), float(lo), x)
        return select(fcmp(LLVMRealOGT, low, float(hi)), float(hi), low)
    }

    /// f32 sigmoid for a clamped-range hot loop (the LSTM cell): exp's range reduction and
    /// polynomial without its under/overflow selects, which the clamp makes unnecessary
    /// (e^88.7 is finite, so 1 / (1 + e^-x) is exact to ~2 ulp everywhere and 0 or 1 at the ends).
    func cellSigmoid(_ x0: LLVMValueRef) -> LLVMValueRef {
        guard isF32(x0) else { return sigmoid(x0) }
        let (er, n) = expReduced(clamp(fneg(x0), -87.33654, 88.72283))
        // n is in [-126, 128] after the clamp: 2^n straight from the exponent bits (2^128 -> inf, 1/inf = 0).
        let bits = LLVMBuildShl(builder, LLVMBuildAdd(builder, LLVMBuildFPToSI(builder, n, i32, "")!, int32(127), "")!, int32(23), "")!
        return fdiv(float(1), fadd(float(1), fmul(er, bitcast(bits, f32))))
    }

    /// f32 tanh for the LSTM cell: the same small-|x| odd polynomial as `tanh`, and beyond it
    /// 2 sigmoid(2|x|) - 1 through `cellSigmoid` (no under/overflow selects; sigmoid(2|x|) >= 0.77
    /// there, so the subtraction loses no relative accuracy). 2 tanh per unit per step were a
    /// quarter of a batch-32 step (perf on bench/models/lstm.onnx).
    func cellTanh(_ x: LLVMValueRef) -> LLVMValueRef {
        guard isF32(x) else { return tanh(x) }
        let ax = intrinsic("llvm.fabs", [x])
        let large = intrinsic("llvm.copysign", [fsub(fmul(float(2), cellSigmoid(fmul(ax, float(2)))), float(1)), x])
        return select(fcmp(LLVMRealOLT, ax, float(0.625)), tanhNearZero(x), large)
    }

    /// tanh for |x| < 0.625: an odd polynomial (no cancellation near 0).
    private func tanhNearZero(_ x: LLVMValueRef) -> LLVMValueRef {
        let z = fmul(x, x)
        return fadd(x, fmul(fmul(x, z), polynomial(z, [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2,
                                                       1.33314422036e-1, -3.33332819422e-1])))
    }

    func tanh(_ x: LLVMValueRef) -> LLVMValueRef {
        guard isF32(x) else { return libm("tanh", [x]) }
        // Small |x|: odd polynomial (no cancellation). Large |x|: (1 - e^-2|x|) / (1 + e^-2|x|).
        let ax = intrinsic("llvm.fabs", [x])
        let small = tanhNearZero(x)
        let t = exp(fmul(ax, float(-2)))
        let largeAbs = fdiv(fsub(float(1), t), fadd(float(1), t))
        let large = intrinsic("llvm.copysign", [largeAbs, x])
        return select(fcmp(LLVMRealOLT, ax, float(0.625)), small, large)
    }
}
