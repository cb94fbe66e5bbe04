import Foundation
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// e^x for variogram models, one lane or four at a time with the same bits.
///
/// The covariances of local kriging evaluate e^x for every neighbour of every cell (about 10⁹
/// times for a county's surfaces), where the C library's `exp`, one call per value, cost a
/// quarter of a run. This evaluates four values with the same IEEE-754 operations per lane as
/// the scalar version, so a model's covariances and its scalar ``VariogramModel/covariance(_:)``
/// agree bit for bit (the factorised systems, cross-validation and the grid all use the same
/// numbers) on any CPU: no fused multiply-add (Swift does not contract `a * b + c`).
///
/// - Method: x = n·ln 2 + r with n = x / ln 2 rounded to the nearest integer and |r| ≤ ln 2 / 2 (Cody–Waite: ln 2 split as
///   fdlibm's `ln2_hi + ln2_lo`, `ln2_hi` with trailing zero bits so n·ln2_hi is exact), e^r by its
///   Taylor polynomial to degree 13, its terms from r² on by Estrin's scheme (truncation < 5e-18
///   relative), scaled by
///   2ⁿ through the exponent bits.
/// - Accuracy: within 1 ulp of the correctly rounded e^x (measured over 10⁶ arguments in
///   [−708, 709] by `ExponentialTests`; the C library's is within 1 ulp too), so results move by
///   at most a few units in the last place compared with `Foundation.exp`.
/// - Edge cases: outside [−708, 709] (underflow to subnormals, overflow), NaN and infinities,
///   `Foundation.exp` is used, lane by lane.
public enum Exponential {
    @usableFromInline static var invLn2: Double { 1.4426950408889634 }
    @usableFromInline static var ln2Hi: Double { 6.93147180369123816490e-01 }
    @usableFromInline static var ln2Lo: Double { 1.90821492927058770002e-10 }
    /// 1.5·2⁵²: adding it rounds a Double of magnitude < 2⁵¹ to an integer.
    @usableFromInline static var magic: Double { 6_755_399_441_055_744.0 }

    /// e^x.
    @inlinable
    public static func exp(_ x: Double) -> Double {
        guard x >= -708.0 && x <= 709.0 else { return Foundation.exp(x) }
        // n = x / ln 2 rounded to the nearest integer (ties to even) by adding 1.5·2⁵²: the sum's
        // low mantissa bits then hold n, which gives 2ⁿ without any float-to-integer conversion.
        let t = x * invLn2 + magic
        let n = t - magic
        let r = (x - n * ln2Hi) - n * ln2Lo
        let p = polynomial(r)
        let k = Int64(bitPattern: t.bitPattern &- magic.bitPattern)
        return p * Double(bitPattern: UInt64(bitPattern: (k &+ 1023) &<< 52))
    }

    /// e^x lane by lane, each lane with the bits of ``exp(_:)-swift.type.method``.
    @inlinable @inline(__always)
    public static func exp(_ x: SIMD4<Double>) -> SIMD4<Double> {
        // NaN compares false: the C library's too.
        guard all((x .>= SIMD4(repeating: -708.0)) .& (x .<= SIMD4(repeating: 709.0))) else {
            return SIMD4(exp(x[0]), exp(x[1]), exp(x[2]), exp(x[3]))
        }
        let t = x * invLn2 + magic
        let n = t - magic
        let r = (x - n * ln2Hi) - n * ln2Lo
        let p = polynomial(r)
        // 2ⁿ: n + 1023 in the exponent field (n is an integer in [−1022, 1023]).
        let k = unsafeBitCast(t, to: SIMD4<Int64>.self) &- Int64(bitPattern: magic.bitPattern)
        return p * unsafeBitCast((k &+ 1023) &<< 52, to: SIMD4<Double>.self)
    }

    #if arch(x86_64)
    /// ``exp(_:)-(SIMD4<Double>)`` in AVX intrinsics, for the AVX2 compilation: the same
    /// operations, one 256-bit instruction each. (Written through SIMD4's operators, LLVM splits
    /// the polynomial into scalar and 128-bit pieces, at about twice the instructions.)
    ///
    /// - Important: call only where AVX2 runs (GeostatKernels' `…AVX2` functions).
    @inline(__always)
    static func expAVX2(_ x: SIMD4<Double>) -> SIMD4<Double> {
        guard all((x .>= SIMD4(repeating: -708.0)) .& (x .<= SIMD4(repeating: 709.0))) else { return exp(x) }
        @inline(__always) func k(_ v: Double) -> SIMD4<Double> { _mm256_set1_pd(v) }
        @inline(__always) func mul(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> { _mm256_mul_pd(a, b) }
        @inline(__always) func add(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> { _mm256_add_pd(a, b) }
        @inline(__always) func sub(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> { _mm256_sub_pd(a, b) }
        let t = add(mul(x, k(invLn2)), k(magic))
        let n = sub(t, k(magic))
        let r = sub(sub(x, mul(n, k(ln2Hi))), mul(n, k(ln2Lo)))
        // polynomial(r), operation by operation
        let r2 = mul(r, r)
        let r4 = mul(r2, r2)
        let r8 = mul(r4, r4)
        let q0 = add(mul(r, k(c3)), k(0.5)), q1 = add(mul(r, k(c5)), k(c4))
        let q2 = add(mul(r, k(c7)), k(c6)), q3 = add(mul(r, k(c9)), k(c8))
        let q4 = add(mul(r, k(c11)), k(c10)), q5 = add(mul(r, k(c13)), k(c12))
        let s0 = add(mul(q1, r2), q0), s1 = add(mul(q3, r2), q2), s2 = add(mul(q5, r2), q4)
        let tail = add(mul(s2, r8), add(mul(s1, r4), s0))
        let p = add(add(mul(tail, r2), r), k(1))
        let bits = _mm256_sub_epi64(_mm256_castpd_si256(t), _mm256_set1_epi64x(Int64(bitPattern: magic.bitPattern)))
        let scale = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(bits, _mm256_set1_epi64x(1023)), 52))
        return mul(p, scale)
    }
    #endif

    /// Σ r^k / k! for k = 0…13 as 1 + (r + r²·T(r)), T by Estrin's scheme (pairs, then powers
    /// r², r⁴, r⁸: four levels of dependent operations instead of Horner's thirteen, so the lanes'
    /// work overlaps). T's rounding errors are scaled by r²/2 ≤ 0.06, so the result is about as
    /// accurate as Horner's. The scalar and vector forms run the same operations.
    @inlinable @inline(__always)
    static func polynomial(_ r: SIMD4<Double>) -> SIMD4<Double> {
        let r2 = r * r
        let r4 = r2 * r2
        let r8 = r4 * r4
        let q0 = r * c3 + 0.5, q1 = r * c5 + c4, q2 = r * c7 + c6, q3 = r * c9 + c8
        let q4 = r * c11 + c10, q5 = r * c13 + c12
        let s0 = q1 * r2 + q0, s1 = q3 * r2 + q2, s2 = q5 * r2 + q4
        let tail = s2 * r8 + (s1 * r4 + s0)
        return (tail * r2 + r) + 1
    }

    @inlinable @inline(__always)
    static func polynomial(_ r: Double) -> Double {
        let r2 = r * r
        let r4 = r2 * r2
        let r8 = r4 * r4
        let q0 = r * c3 + 0.5, q1 = r * c5 + c4, q2 = r * c7 + c6, q3 = r * c9 + c8
        let q4 = r * c11 + c10, q5 = r * c13 + c12
        let s0 = q1 * r2 + q0, s1 = q3 * r2 + q2, s2 = q5 * r2 + q4
        let tail = s2 * r8 + (s1 * r4 + s0)
        return (tail * r2 + r) + 1
    }

    // 1/k!, rounded to Double (computed properties: constants the optimiser folds, no lazy globals).
    @usableFromInline static var c13: Double { 1.0 / 6_227_020_800 }
    @usableFromInline static var c12: Double { 1.0 / 479_001_600 }
    @usableFromInline static var c11: Double { 1.0 / 39_916_800 }
    @usableFromInline static var c10: Double { 1.0 / 3_628_800 }
    @usableFromInline static var c9: Double { 1.0 / 362_880 }
    @usableFromInline static var c8: Double { 1.0 / 40_320 }
    @usableFromInline static var c7: Double { 1.0 / 5_040 }
    @usableFromInline static var c6: Double { 1.0 / 720 }
    @usableFromInline static var c5: Double { 1.0 / 120 }
    @usableFromInline static var c4: Double { 1.0 / 24 }
    @usableFromInline static var c3: Double { 1.0 / 6 }
}
