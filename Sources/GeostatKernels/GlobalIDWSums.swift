// The inner sums of global power-2 inverse-distance weighting, the hot loop of SoilMap that
// is bound by the CPU's floating-point divider rather than by memory or branching.
//
// Each kernel is written once, as a `@_transparent` function (always inlined, at every
// optimisation level, into the module that calls it). Geostat calls it directly, so it is
// compiled there for the baseline CPU of the build (SSE2 on x86-64); the `…AVX2` wrappers below
// call it from this module, which Package.swift compiles with `-target-cpu haswell` on x86-64
// (AVX2 and FMA), so the same lanes run in 256-bit registers. Both compilations perform the same
// IEEE-754 operations in the same order per lane, so they give identical bits: Swift never fuses
// a multiply and an add by itself, and where a kernel wants a fused multiply-add it says so
// (``FusedMultiplyAdd8``): a hardware FMA instruction in the AVX2 wrapper, the correctly rounded
// `addingProduct` (the C library's `fmaf`) in the baseline compilation — one rounding either way.
// Geostat (`KernelDispatch`) calls an AVX2 wrapper only after a run-time check that the CPU and
// the OS support AVX2 and FMA.
//
// Nothing in this module may run before that check: it holds the kernels and their wrappers only.

#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// A fused multiply-add of eight float lanes, a·b + c with one rounding per lane (IEEE-754
/// fusedMultiplyAdd), as the kernels' callers provide it: ``portableFusedMultiplyAdd8(_:_:_:)``
/// anywhere, the FMA instruction inside the AVX2 wrappers.
public typealias FusedMultiplyAdd8 = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>

/// a·b + c rounded once per lane with the FMA instruction (x86-64; for this module's AVX2
/// wrappers only), elsewhere ``portableFusedMultiplyAdd8(_:_:_:)``.
@_transparent
func avx2FusedMultiplyAdd8(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
    #if arch(x86_64)
    _mm256_fmadd_ps(a, b, c)
    #else
    c.addingProduct(a, b)
    #endif
}

/// a·b + c rounded once per lane, with the standard library's `addingProduct` (on a CPU without
/// FMA instructions, the C library's correctly rounded software `fmaf`: slow, same bits).
@_transparent
public func portableFusedMultiplyAdd8(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
    c.addingProduct(a, b)
}

/// Global power-2 IDW sums in `Double` for targets on one line y = const.
///
/// For each target t with abscissa q = `targets[t]`, over the samples i = 0 ..< n in ascending order:
///
///     rᵢ = (xᵢ − q)² + eᵢ,   num[t] = Σ zᵢ / rᵢ,   den[t] = Σ 1 / rᵢ
///
/// computed per target as `d = x[i] − q; r = d * d + e[i]; w = 1 / r; num += w * z[i]; den += w`,
/// each step rounded once (a division per sample and target). The caller sets eᵢ = (y − yᵢ)² + s²
/// and divides num by den.
///
/// - Units: x, q and e in (squared) CRS units; z in the values' units.
/// - Lanes: targets go eight at a time through two 4-lane vectors; a target's sums depend only on
///   its own q, not on its lane or its neighbours (a short last group repeats the last target), so
///   a target gets the same bits alone or in any row.
/// - Edge cases: rᵢ = 0 gives w = +∞ and NaN sums; rᵢ beyond ~1e308 gives w = 0. The caller
///   handles exact hits and checks the sums (Geostat's `InverseDistanceWeighting`).
/// - Preconditions: n ≥ 0; `targets`, `num`, `den` hold `count` elements.
@_transparent
public func idwPower2SumsDouble(
    x: UnsafePointer<Double>, e: UnsafePointer<Double>, z: UnsafePointer<Double>, n: Int,
    targets q: UnsafePointer<Double>, count: Int,
    num: UnsafeMutablePointer<Double>, den: UnsafeMutablePointer<Double>
) {
    var j = 0
    while j < count {
        var qa = SIMD4<Double>(), qb = SIMD4<Double>()
        for l in 0..<4 {
            qa[l] = q[Swift.min(j + l, count - 1)]
            qb[l] = q[Swift.min(j + 4 + l, count - 1)]
        }
        var na = SIMD4<Double>(repeating: 0), da = SIMD4<Double>(repeating: 0)
        var nb = SIMD4<Double>(repeating: 0), db = SIMD4<Double>(repeating: 0)
        var i = 0
        while i < n {
            let xi = x[i], ei = e[i], zi = z[i]
            let dxa = xi - qa, dxb = xi - qb
            let wa = 1 / (dxa * dxa + ei), wb = 1 / (dxb * dxb + ei)
            na += wa * zi; da += wa
            nb += wb * zi; db += wb
            i += 1
        }
        for l in 0..<Swift.min(4, count - j) { num[j + l] = na[l]; den[j + l] = da[l] }
        for l in 0..<Swift.max(0, Swift.min(4, count - j - 4)) { num[j + 4 + l] = nb[l]; den[j + 4 + l] = db[l] }
        j += 8
    }
}

/// Global power-2 IDW sums in `Float` for targets on one line y = const, accumulated in `Double`
/// per block of samples (the arithmetic of gdal_grid's float32 AVX kernel, with an exact division
/// instead of its approximate reciprocal, and fused multiply-adds).
///
/// Coordinates are float pairs relative to a common origin x₀: xᵢ − x₀ ≈ xhᵢ + xlᵢ and
/// q − x₀ ≈ qh + ql. For each target, over samples i = 0 ..< n in ascending order, in blocks of
/// `block` samples:
///
///     dᵢ = (xhᵢ − qh) + (xlᵢ − ql),   rᵢ = fma(dᵢ, dᵢ, eᵢ),   wᵢ = 1 / rᵢ      (Float)
///     numF = fma(wᵢ, zᵢ, numF),   denF += wᵢ                                  (Float, per block)
///     num += Double(numF),   den += Double(denF)                               (Double, after each block)
///
/// where fma(a, b, c) = a·b + c rounded once (`fma`, ``portableFusedMultiplyAdd8(_:_:_:)`` or
/// the FMA instruction: the same bits).
///
/// - Units: as ``idwPower2SumsDouble(x:e:z:n:targets:count:num:den:)``; the caller passes
///   eᵢ = Float((y − yᵢ)²) and zᵢ = Float(valueᵢ − z̄) (values centred for precision).
/// - Lanes: sixteen targets at a time in two 8-lane vectors; a target's sums depend only on its
///   own (qh, ql) (a short last group repeats the last target).
/// - Edge cases: as the double kernel; squared distances outside the Float range give infinities
///   or zeros, which the caller must detect (Geostat falls back to the double sums).
/// - Exact targets: pass `ql` = nil when every target is a float exactly (all qₗ = 0, as for grid
///   cells at multiples of a round cell size from a round origin): dᵢ = (xhᵢ − qh) + xlᵢ, one
///   subtraction fewer per sample and target, the same bits (xₗ − 0 = xₗ).
/// - Preconditions: block ≥ 1; `qh`, `num`, `den` (and `ql` if given) hold `count` elements.
@_transparent
public func idwPower2SumsSingle(
    xh: UnsafePointer<Float>, xl: UnsafePointer<Float>, e: UnsafePointer<Float>, z: UnsafePointer<Float>,
    n: Int, block: Int, qh: UnsafePointer<Float>, ql: UnsafePointer<Float>?, count: Int,
    num: UnsafeMutablePointer<Double>, den: UnsafeMutablePointer<Double>, fma: FusedMultiplyAdd8
) {
    if let ql {
        idwPower2SumsSingleLoop(xh: xh, xl: xl, e: e, z: z, n: n, block: block, qh: qh, ql: ql, exactTargets: false,
                                count: count, num: num, den: den, fma: fma)
    } else {
        idwPower2SumsSingleLoop(xh: xh, xl: xl, e: e, z: z, n: n, block: block, qh: qh, ql: qh, exactTargets: true,
                                count: count, num: num, den: den, fma: fma)
    }
}

/// The loop of ``idwPower2SumsSingle(xh:xl:e:z:n:block:qh:ql:count:num:den:fma:)``; with
/// `exactTargets` (constant at each call, so the compiler drops the other branch) qₗ = 0 and ql
/// is not read.
@_transparent
public func idwPower2SumsSingleLoop(
    xh: UnsafePointer<Float>, xl: UnsafePointer<Float>, e: UnsafePointer<Float>, z: UnsafePointer<Float>,
    n: Int, block: Int, qh: UnsafePointer<Float>, ql: UnsafePointer<Float>, exactTargets: Bool, count: Int,
    num: UnsafeMutablePointer<Double>, den: UnsafeMutablePointer<Double>, fma: FusedMultiplyAdd8
) {
    var j = 0
    while j < count {
        var ha = SIMD8<Float>(), la = SIMD8<Float>(), hb = SIMD8<Float>(), lb = SIMD8<Float>()
        for l in 0..<8 {
            let a = Swift.min(j + l, count - 1), b = Swift.min(j + 8 + l, count - 1)
            ha[l] = qh[a]; hb[l] = qh[b]
            if !exactTargets { la[l] = ql[a]; lb[l] = ql[b] }
        }
        var nda = SIMD8<Double>(repeating: 0), dda = SIMD8<Double>(repeating: 0)
        var ndb = SIMD8<Double>(repeating: 0), ddb = SIMD8<Double>(repeating: 0)
        var i = 0
        while i < n {
            let end = Swift.min(i + block, n)
            var nfa = SIMD8<Float>(repeating: 0), dfa = SIMD8<Float>(repeating: 0)
            var nfb = SIMD8<Float>(repeating: 0), dfb = SIMD8<Float>(repeating: 0)
            while i < end {
                let xhi = xh[i], xli = xl[i]
                let ei = SIMD8<Float>(repeating: e[i]), zi = SIMD8<Float>(repeating: z[i])
                // xₗ − 0 is xₗ exactly, so both forms give the same bits when qₗ = 0.
                let dxa = exactTargets ? (xhi - ha) + xli : (xhi - ha) + (xli - la)
                let dxb = exactTargets ? (xhi - hb) + xli : (xhi - hb) + (xli - lb)
                let wa = 1 / fma(dxa, dxa, ei), wb = 1 / fma(dxb, dxb, ei)
                nfa = fma(wa, zi, nfa); dfa += wa
                nfb = fma(wb, zi, nfb); dfb += wb
                i += 1
            }
            nda += SIMD8<Double>(nfa); dda += SIMD8<Double>(dfa)
            ndb += SIMD8<Double>(nfb); ddb += SIMD8<Double>(dfb)
        }
        for l in 0..<Swift.min(8, count - j) { num[j + l] = nda[l]; den[j + l] = dda[l] }
        for l in 0..<Swift.max(0, Swift.min(8, count - j - 8)) { num[j + 8 + l] = ndb[l]; den[j + 8 + l] = ddb[l] }
        j += 16
    }
}

/// ``idwPower2SumsDouble(x:e:z:n:targets:count:num:den:)`` compiled for AVX2 (on x86-64).
///
/// - Important: call only when the CPU and the OS support AVX2 and FMA (Geostat's `KernelDispatch`).
public func idwPower2SumsDoubleAVX2(
    x: UnsafePointer<Double>, e: UnsafePointer<Double>, z: UnsafePointer<Double>, n: Int,
    targets q: UnsafePointer<Double>, count: Int,
    num: UnsafeMutablePointer<Double>, den: UnsafeMutablePointer<Double>
) {
    idwPower2SumsDouble(x: x, e: e, z: z, n: n, targets: q, count: count, num: num, den: den)
}

/// ``idwPower2SumsSingle(xh:xl:e:z:n:block:qh:ql:count:num:den:fma:)`` compiled for AVX2, with the
/// FMA instruction as its fused multiply-add (on x86-64; elsewhere the portable one).
///
/// - Important: call only when the CPU and the OS support AVX2 and FMA (Geostat's `KernelDispatch`).
public func idwPower2SumsSingleAVX2(
    xh: UnsafePointer<Float>, xl: UnsafePointer<Float>, e: UnsafePointer<Float>, z: UnsafePointer<Float>,
    n: Int, block: Int, qh: UnsafePointer<Float>, ql: UnsafePointer<Float>?, count: Int,
    num: UnsafeMutablePointer<Double>, den: UnsafeMutablePointer<Double>
) {
    idwPower2SumsSingle(xh: xh, xl: xl, e: e, z: z, n: n, block: block, qh: qh, ql: ql, count: count, num: num, den: den,
                        fma: avx2FusedMultiplyAdd8)
}
