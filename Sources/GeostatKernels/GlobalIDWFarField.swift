// The far field of global power-2 IDW in float32: for a block of targets on one row, the samples
// far from the block contribute weights that are smooth functions of the target's position, so
// their sums are summed once per block as a short power series instead of once per target. Like
// the kernels in GlobalIDWSums.swift, written once (`@_transparent`) and compiled into Geostat for
// the baseline CPU and here, for AVX2 with FMA, with the same bits.

/// Far-field moments of global power-2 IDW in `Float` for one block of targets on a line y = const.
///
/// The block is the interval [c − h, c + h] of abscissae (relative to the same origin x₀ as the
/// samples: xᵢ − x₀ ≈ xhᵢ + xlᵢ). Per sample, in `Float`:
///
///     aᵢ = (xhᵢ − c) + xlᵢ,   Rᵢ = fma(aᵢ, aᵢ, eᵢ)          (squared distance to the block centre)
///
/// A sample is *near* when Rᵢ < D² (`nearSquared`, D ≥ h / ρ); its index is listed in `near`
/// (ascending) for the caller to sum directly. For every *far* sample, with gᵢ = 1/Rᵢ, the weight
/// at a target q = c + t·h (|t| ≤ 1) is the series
///
///     1 / ((xᵢ − q)² + eᵢ) = gᵢ / (1 − 2 (aᵢ/√Rᵢ)(t h/√Rᵢ) + (t h/√Rᵢ)²)
///                         = gᵢ Σₖ Uₖ(aᵢ/√Rᵢ) (h/√Rᵢ)ᵏ tᵏ = gᵢ Σₖ Pₖ tᵏ,
///
/// by the generating function of the Chebyshev polynomials of the second kind,
/// 1/(1 − 2xs + s²) = Σ Uₖ(x) sᵏ for |s| < 1 (Abramowitz & Stegun 22.9.10; |x| ≤ 1 because eᵢ ≥ 0).
/// Their recurrence Uₖ₊₁ = 2x Uₖ − Uₖ₋₁ gives, without square roots,
///
///     P₀ = 1,   P₁ = b,   Pₖ₊₁ = fma(b, Pₖ, (−g') Pₖ₋₁),   b = (aᵢ gᵢ)·2h,   −g' = gᵢ·(−h²)   (Float)
///
/// and the moments, k = 0 … K (`terms` = K + 1):
///
///     Aₖ = Σ_far zᵢ gᵢ Pₖ,   Bₖ = Σ_far gᵢ Pₖ
///
/// summed per lane in `Float` over chunks of 64 samples (eight vectors in order; fused
/// multiply-adds for k ≥ 1), then in `Double`;
/// `moments[2k]` = Aₖ, `moments[2k + 1]` = Bₖ. The caller evaluates Σ Aₖ tᵏ and Σ Bₖ tᵏ per target.
///
/// - Accuracy: |Uₖ| ≤ k + 1, so truncating after K drops at most gᵢ ρᴷ⁺¹ ((K + 2)/(1 − ρ) + ρ/(1 − ρ)²)
///   of each weight, where ρ = h/D, while the weight is at least gᵢ/(1 + ρ)²: with ρ = 0.1 and
///   K = 8, 1.4e-8 relative (a quarter of a float's unit roundoff).
/// - Units: c, h and x in CRS units relative to x₀; e = (y − yᵢ)² in squared CRS units; z the
///   centred values (as ``idwPower2SumsSingle(xh:xl:e:z:n:block:qh:ql:count:num:den:fma:)``).
/// - Padding: `xh`, `xl`, `e`, `z` must be readable up to n rounded up to a multiple of 8 (lanes
///   past n are ignored: neither far nor listed).
/// - Scratch: `scratch` and `accumulators` hold 2·`terms` vectors each, `moments` 2·`terms`
///   doubles, `near` n indices.
/// - Returns: the number of near samples listed.
/// - Preconditions: terms ≥ 2; D² > 0 (then Rᵢ ≥ D² > 0 for far samples).
@_transparent
public func idwPower2FarFieldSingle(
    xh: UnsafePointer<Float>, xl: UnsafePointer<Float>, e: UnsafePointer<Float>, z: UnsafePointer<Float>, n: Int,
    centre c: Float, halfWidth h: Float, nearSquared d2: Float, terms: Int,
    moments: UnsafeMutablePointer<Double>, near: UnsafeMutablePointer<Int32>,
    scratch: UnsafeMutablePointer<SIMD8<Float>>, accumulators acc: UnsafeMutablePointer<SIMD8<Double>>,
    fma: FusedMultiplyAdd8
) -> Int {
    typealias V = SIMD8<Float>
    var nearCount = 0
    for k in 0..<(2 * terms) { acc[k] = SIMD8<Double>(repeating: 0) }
    let cv = V(repeating: c), dv = V(repeating: d2)
    let twoH = V(repeating: 2 * h), negHH = V(repeating: -(h * h))
    let laneBits = SIMD8<UInt32>(1, 2, 4, 8, 16, 32, 64, 128), laneIndex = SIMD8<UInt32>(0, 1, 2, 3, 4, 5, 6, 7)
    // The chunk's Float sums of zg·Pₖ and g·Pₖ, k = 0 ..< terms.
    let sums = scratch
    /// g, zg, −g' and b of the vector at sample o; lists its near samples.
    @inline(__always) func prepare(_ o: Int) -> (g: V, gz: V, gq: V, b: V) {
        let x = UnsafeRawPointer(xh + o).loadUnaligned(as: V.self)
        let l = UnsafeRawPointer(xl + o).loadUnaligned(as: V.self)
        let ev = UnsafeRawPointer(e + o).loadUnaligned(as: V.self)
        let zv = UnsafeRawPointer(z + o).loadUnaligned(as: V.self)
        let a = (x - cv) + l
        let r = fma(a, a, ev)
        // r < D² exactly when r − D² < 0 (two different floats never differ by zero): the sign
        // bits mark the near lanes; lanes at or past n are neither near nor far. (Integer lane
        // arithmetic: SIMDMask operations compile lane by lane.)
        let diff: V = r - dv
        let isNear = unsafeBitCast(diff, to: SIMD8<UInt32>.self) &>> 31
        let inRange = (laneIndex &- SIMD8<UInt32>(repeating: UInt32(truncatingIfNeeded: Swift.min(8, n - o)))) &>> 31
        var listed = ((isNear & inRange) &* laneBits).wrappedSum()
        while listed != 0 {
            near[nearCount] = Int32(truncatingIfNeeded: o + listed.trailingZeroBitCount); nearCount += 1
            listed &= listed - 1
        }
        let keep = 0 &- ((isNear ^ 1) & inRange)
        let g = unsafeBitCast(unsafeBitCast(1 / r, to: SIMD8<UInt32>.self) & keep, to: V.self)
        return (g, g * zv, g * negHH, (a * g) * twoH)
    }
    var i = 0
    while i < n {
        var k0 = 0
        while k0 < 2 * terms { sums[k0] = V(repeating: 0); k0 += 1 }
        let end = Swift.min(i + 64, n)
        while i < end {
            // Two vectors at a time (their recurrences interleave); the sums take vector o's
            // terms before vector o + 8's, as one vector at a time does. A chunk's odd last
            // vector is paired with zeros, which change no sum (fma(0, p, s) = s: the sums start
            // at +0 and never become −0).
            let (g0, gz0, gq0, b0) = prepare(i)
            let zero = V(repeating: 0)
            let (g1, gz1, gq1, b1) = i + 8 < end ? prepare(i + 8) : (zero, zero, zero, zero)
            sums[0] = (sums[0] + gz0) + gz1; sums[1] = (sums[1] + g0) + g1
            sums[2] = fma(gz1, b1, fma(gz0, b0, sums[2])); sums[3] = fma(g1, b1, fma(g0, b0, sums[3]))
            var pp0 = V(repeating: 1), pc0 = b0, pp1 = pp0, pc1 = b1
            var k = 2
            while k < terms {
                let p0 = fma(b0, pc0, gq0 * pp0), p1 = fma(b1, pc1, gq1 * pp1)
                pp0 = pc0; pc0 = p0; pp1 = pc1; pc1 = p1
                sums[2 * k] = fma(gz1, p1, fma(gz0, p0, sums[2 * k]))
                sums[2 * k + 1] = fma(g1, p1, fma(g0, p0, sums[2 * k + 1]))
                k += 1
            }
            i = Swift.min(i + 16, end)
        }
        for k in 0..<(2 * terms) { acc[k] += SIMD8<Double>(sums[k]) }
    }
    for k in 0..<(2 * terms) { moments[k] = acc[k].sum() }
    return nearCount
}

/// ``idwPower2FarFieldSingle(xh:xl:e:z:n:centre:halfWidth:nearSquared:terms:moments:near:scratch:accumulators:fma:)``
/// compiled for AVX2, with the FMA instruction as its fused multiply-add (on x86-64; elsewhere the
/// portable one).
///
/// - Important: call only when the CPU and the OS support AVX2 and FMA (Geostat's `KernelDispatch`).
public func idwPower2FarFieldSingleAVX2(
    xh: UnsafePointer<Float>, xl: UnsafePointer<Float>, e: UnsafePointer<Float>, z: UnsafePointer<Float>, n: Int,
    centre c: Float, halfWidth h: Float, nearSquared d2: Float, terms: Int,
    moments: UnsafeMutablePointer<Double>, near: UnsafeMutablePointer<Int32>,
    scratch: UnsafeMutablePointer<SIMD8<Float>>, accumulators acc: UnsafeMutablePointer<SIMD8<Double>>
) -> Int {
    idwPower2FarFieldSingle(xh: xh, xl: xl, e: e, z: z, n: n, centre: c, halfWidth: h, nearSquared: d2, terms: terms,
                            moments: moments, near: near, scratch: scratch, accumulators: acc, fma: avx2FusedMultiplyAdd8)
}
