// The covariances of a local kriging system's target, the loop that runs for every neighbour of
// every grid cell (about 10⁹ evaluations for a county's surfaces). Written once as
// `@_transparent` functions, compiled into Geostat for the baseline CPU and here, with AVX2, for
// the `…AVX2` wrappers (see GlobalIDWSums.swift); the structures that evaluate e^x have, in the
// AVX2 wrapper, a copy in AVX intrinsics (`addTermAVX2`, `Exponential.expAVX2`), which LLVM does
// not split into 128-bit and scalar pieces. All of them run the same IEEE-754 operations per lane
// (square root, division, ``Exponential``; no fused multiply-add), so the same bits as the scalar
// `VariogramModel.covariance(_:)`.

#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// One structure of a variogram model in the form ``addCovarianceTerm(_:lags:to:chunks:)`` evaluates.
///
/// With partial sill c, range a and lag h, the term added to the covariance is c − γ(h), where
/// γ(h) = 0 for h ≤ 0 and otherwise (gstat's `vgm()` models):
///
/// | shape | γ(h), h > 0 |
/// | --- | --- |
/// | `nugget` | c |
/// | `spherical` | c(1.5 r − 0.5 r³), r = h/a, for h < a; c beyond |
/// | `exponential` | c(1 − e^(−h/a)) |
/// | `gaussian` | c(1 − e^(−(h/a)²)) |
/// | `matern05`, `matern15`, `matern25` | c(1 − p(r) e^(−r)), r = h/a, p = 1, 1 + r, 1 + r + r²/3; c for r > 600 |
public struct CovarianceTerm: Sendable, Hashable {
    public enum Shape: Sendable, Hashable {
        case nugget, spherical, exponential, gaussian, matern05, matern15, matern25
    }
    public var shape: Shape
    /// Partial sill c (squared value units).
    public var partialSill: Double
    /// Range parameter a (CRS units; unused for `nugget`).
    public var range: Double

    public init(_ shape: Shape, partialSill: Double, range: Double) {
        self.shape = shape
        self.partialSill = partialSill
        self.range = range
    }
}

/// hᵢ = √xᵢ for `chunks` × 4 doubles, correctly rounded (as `Double.squareRoot()`), with the
/// vector square-root instruction on x86-64 (`sqrt4`: the caller's compilation of it).
@_transparent
public func squareRoots(_ x: UnsafeRawPointer, into h: UnsafeMutableRawPointer, chunks: Int,
                        sqrt4: (SIMD4<Double>) -> SIMD4<Double>) {
    for q in 0..<chunks {
        h.storeBytes(of: sqrt4(x.loadUnaligned(fromByteOffset: q * 32, as: SIMD4<Double>.self)), toByteOffset: q * 32,
                     as: SIMD4<Double>.self)
    }
}

/// √x lane by lane, correctly rounded: two SSE2 square roots on x86-64 (where the generic SIMD
/// method compiles to four scalar ones), `squareRoot()` elsewhere.
@_transparent
public func portableSquareRoot4(_ x: SIMD4<Double>) -> SIMD4<Double> {
    #if arch(x86_64)
    SIMD4(lowHalf: _mm_sqrt_pd(x.lowHalf), highHalf: _mm_sqrt_pd(x.highHalf))
    #else
    x.squareRoot()
    #endif
}

/// accᵢ += c − γ(hᵢ) for `chunks` × 4 lags h ≥ 0 (NaN lags take the h > 0 branch), each lane
/// with the operations, in the order, of the scalar formulas in ``CovarianceTerm``.
@_transparent
public func addCovarianceTerm(_ term: CovarianceTerm, lags h: UnsafeRawPointer, to acc: UnsafeMutableRawPointer, chunks: Int) {
    typealias V = SIMD4<Double>
    let c = term.partialSill, a = term.range
    let cv = V(repeating: c), one = V(repeating: 1)
    @inline(__always) func lag(_ q: Int) -> V { h.loadUnaligned(fromByteOffset: q * 32, as: V.self) }
    @inline(__always) func add(_ q: Int, _ g: V, _ hq: V) {
        let gamma = g.replacing(with: 0, where: hq .<= 0)
        acc.storeBytes(of: acc.loadUnaligned(fromByteOffset: q * 32, as: V.self) + (cv - gamma), toByteOffset: q * 32, as: V.self)
    }
    switch term.shape {
    case .nugget:
        for q in 0..<chunks { add(q, cv, lag(q)) }
    case .spherical:
        for q in 0..<chunks {
            let hq = lag(q)
            let r = hq / a
            add(q, (cv * (1.5 * r - 0.5 * r * r * r)).replacing(with: c, where: hq .>= a), hq)
        }
    case .exponential:
        for q in 0..<chunks {
            let hq = lag(q)
            add(q, cv * (1 - Exponential.exp(-hq / a)), hq)
        }
    case .gaussian:
        for q in 0..<chunks {
            let hq = lag(q)
            let r = hq / a
            add(q, cv * (1 - Exponential.exp(-r * r)), hq)
        }
    case .matern05, .matern15, .matern25:
        for q in 0..<chunks {
            let hq = lag(q)
            let r: V = hq / a
            let e: V = Exponential.exp(-r)
            var complement: V
            switch term.shape {
            case .matern05: complement = one - e
            case .matern15: complement = one - (one + r) * e
            default:
                let quadratic: V = one + r + r * r / 3
                complement = one - quadratic * e
            }
            complement.replace(with: 1, where: r .> 600)
            add(q, cv * complement, hq)
        }
    }
}

/// ``squareRoots(_:into:chunks:sqrt4:)`` compiled for AVX2 (on x86-64).
///
/// - Important: call only when the CPU and the OS support AVX2 and FMA (Geostat's `KernelDispatch`).
public func squareRootsAVX2(_ x: UnsafeRawPointer, into h: UnsafeMutableRawPointer, chunks: Int) {
    #if arch(x86_64)
    squareRoots(x, into: h, chunks: chunks, sqrt4: { _mm256_sqrt_pd($0) })
    #else
    squareRoots(x, into: h, chunks: chunks, sqrt4: portableSquareRoot4)
    #endif
}

/// ``addCovarianceTerm(_:lags:to:chunks:)`` compiled for AVX2 (on x86-64), the structures that
/// evaluate e^x written in AVX intrinsics (`addTermAVX2`): the same bits.
///
/// - Important: call only when the CPU and the OS support AVX2 and FMA (Geostat's `KernelDispatch`).
public func addCovarianceTermAVX2(_ term: CovarianceTerm, lags h: UnsafeRawPointer, to acc: UnsafeMutableRawPointer, chunks: Int) {
    #if arch(x86_64)
    typealias V = SIMD4<Double>
    let a = _mm256_set1_pd(term.range), zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1)
    switch term.shape {
    case .exponential:
        addTermAVX2(term.partialSill, lags: h, to: acc, chunks: chunks) { hq in
            _mm256_sub_pd(one, Exponential.expAVX2(_mm256_div_pd(_mm256_sub_pd(zero, hq), a)))
        }
        return
    case .gaussian:
        addTermAVX2(term.partialSill, lags: h, to: acc, chunks: chunks) { hq in
            let r = _mm256_div_pd(hq, a)
            return _mm256_sub_pd(one, Exponential.expAVX2(_mm256_mul_pd(_mm256_sub_pd(zero, r), r)))
        }
        return
    case .matern05, .matern15, .matern25:
        let shape = term.shape, three = _mm256_set1_pd(3)
        addTermAVX2(term.partialSill, lags: h, to: acc, chunks: chunks) { hq in
            let r = _mm256_div_pd(hq, a)
            let e = Exponential.expAVX2(_mm256_sub_pd(zero, r))
            let complement: V
            switch shape {
            case .matern05: complement = _mm256_sub_pd(one, e)
            case .matern15: complement = _mm256_sub_pd(one, _mm256_mul_pd(_mm256_add_pd(one, r), e))
            default:
                let quadratic = _mm256_add_pd(_mm256_add_pd(one, r), _mm256_div_pd(_mm256_mul_pd(r, r), three))
                complement = _mm256_sub_pd(one, _mm256_mul_pd(quadratic, e))
            }
            return complement.replacing(with: 1, where: r .> 600)
        }
        return
    case .nugget, .spherical:
        break
    }
    #endif
    addCovarianceTerm(term, lags: h, to: acc, chunks: chunks)
}

#if arch(x86_64)
/// accᵢ += c − γ(hᵢ) with γ(h) = c · `complement`(h) for h > 0 (0 for h ≤ 0), in AVX
/// intrinsics: the shapes of ``addCovarianceTerm(_:lags:to:chunks:)`` that evaluate e^x, with
/// the same operations lane by lane (−x as 0 − x, as SIMD4's prefix minus; e^x by
/// `Exponential.expAVX2`). Through SIMD4's operators LLVM splits divisions, negations and the
/// exponential's polynomial into 128-bit and scalar pieces, at about twice the instructions.
@inline(__always)
func addTermAVX2(_ c: Double, lags h: UnsafeRawPointer, to acc: UnsafeMutableRawPointer, chunks: Int,
                 _ complement: (SIMD4<Double>) -> SIMD4<Double>) {
    typealias V = SIMD4<Double>
    let cv = _mm256_set1_pd(c)
    for q in 0..<chunks {
        let hq = h.loadUnaligned(fromByteOffset: q * 32, as: V.self)
        let gamma = _mm256_mul_pd(cv, complement(hq)).replacing(with: 0, where: hq .<= 0)
        let sum = _mm256_add_pd(acc.loadUnaligned(fromByteOffset: q * 32, as: V.self), _mm256_sub_pd(cv, gamma))
        acc.storeBytes(of: sum, toByteOffset: q * 32, as: V.self)
    }
}
#endif
