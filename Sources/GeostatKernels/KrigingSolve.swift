// The per-cell solve of local ordinary kriging with up to 16 neighbours, the other SIMD loop that
// runs for every grid cell. Written once as a `@_transparent` function, compiled into Geostat for
// the baseline CPU and here, with AVX2, for the `…AVX2` wrapper (see GlobalIDWSums.swift): the same
// IEEE-754 operations per lane, so the same bits.

/// y = W c, and (yᵀy, vᵀy, yᵀt), for a factorised 16-slot kriging system.
///
/// `W` is L⁻¹ (L L ᵀ the neighbours' covariance matrix) stored by columns of 16 doubles (column k
/// at offset 16k; rows ≥ n and above the diagonal zero), `v` = L⁻¹1 and `t` = L⁻¹z zero-padded
/// to 16, `c` the target's covariances c₀ (`n` ≤ 16 read). Column k contributes to the 4-lane
/// chunks at or below its diagonal only (the others are zero in W), in ascending k per chunk.
///
/// - Returns: (yᵀy, vᵀy, yᵀt), each summed as (y₀ op + y₁ op + y₂ op + y₃ op) over 4-lane chunks,
///   then across lanes.
/// - Preconditions: n ≤ 16; `W` holds 256 doubles, `v` and `t` 16 each.
@_transparent
public func krigingProducts16(
    W: UnsafeRawPointer, v: UnsafeRawPointer, t: UnsafeRawPointer, c: UnsafePointer<Double>, n: Int
) -> (yy: Double, vy: Double, yt: Double) {
    typealias V4 = SIMD4<Double>
    var y0 = V4(repeating: 0), y1 = y0, y2 = y0, y3 = y0
    let n1 = Swift.min(n, 4), n2 = Swift.min(n, 8), n3 = Swift.min(n, 12)
    for k in 0..<n1 {
        let ck = c[k], col = W + k * 128
        y0 += col.loadUnaligned(as: V4.self) * ck
        y1 += col.loadUnaligned(fromByteOffset: 32, as: V4.self) * ck
        y2 += col.loadUnaligned(fromByteOffset: 64, as: V4.self) * ck
        y3 += col.loadUnaligned(fromByteOffset: 96, as: V4.self) * ck
    }
    for k in n1..<n2 {
        let ck = c[k], col = W + k * 128
        y1 += col.loadUnaligned(fromByteOffset: 32, as: V4.self) * ck
        y2 += col.loadUnaligned(fromByteOffset: 64, as: V4.self) * ck
        y3 += col.loadUnaligned(fromByteOffset: 96, as: V4.self) * ck
    }
    for k in n2..<n3 {
        let ck = c[k], col = W + k * 128
        y2 += col.loadUnaligned(fromByteOffset: 64, as: V4.self) * ck
        y3 += col.loadUnaligned(fromByteOffset: 96, as: V4.self) * ck
    }
    for k in n3..<n {
        y3 += (W + k * 128).loadUnaligned(fromByteOffset: 96, as: V4.self) * c[k]
    }
    @inline(__always) func ld(_ p: UnsafeRawPointer, _ q: Int) -> V4 { p.loadUnaligned(fromByteOffset: q * 32, as: V4.self) }
    let syy: V4 = y0 * y0 + y1 * y1 + y2 * y2 + y3 * y3
    let svy: V4 = ld(v, 0) * y0 + ld(v, 1) * y1 + ld(v, 2) * y2 + ld(v, 3) * y3
    let syt: V4 = ld(t, 0) * y0 + ld(t, 1) * y1 + ld(t, 2) * y2 + ld(t, 3) * y3
    return (syy.sum(), svy.sum(), syt.sum())
}

/// ``krigingProducts16(W:v:t:c:n:)`` compiled for AVX2 (on x86-64).
///
/// - Important: call only when the CPU and the OS support AVX2 and FMA (Geostat's `KernelDispatch`).
public func krigingProducts16AVX2(
    W: UnsafeRawPointer, v: UnsafeRawPointer, t: UnsafeRawPointer, c: UnsafePointer<Double>, n: Int
) -> (yy: Double, vy: Double, yt: Double) {
    krigingProducts16(W: W, v: v, t: t, c: c, n: n)
}
