import Foundation
import GeostatKernels

/// One structure of a variogram model, in gstat's parameterisation (`vgm()`).
///
/// With partial sill c, range parameter a and h the (anisotropic) lag distance:
///
/// | kind | γ(h), h > 0 | effective (practical) range |
/// | --- | --- | --- |
/// | `.nugget` | c | — |
/// | `.spherical` | c(1.5 h/a − 0.5 (h/a)³) for h < a, else c | a |
/// | `.exponential` | c(1 − exp(−h/a)) | ≈ 3a (95 % of c) |
/// | `.gaussian` | c(1 − exp(−(h/a)²)) | ≈ √3 a |
/// | `.matern(kappa:)` | c(1 − 2^{1−κ}/Γ(κ) (h/a)^κ K_κ(h/a)) | numeric, see ``VariogramModel/effectiveRange`` |
///
/// γ(0) = 0 for every kind (so a nugget is a discontinuity at the origin).
/// - Units: c in squared value units, a in CRS units (metres).
/// - References: gstat `vgm()` and `variogramLine()`, Pebesma (2004) Computers &
///   Geosciences 30:683–691; Matérn: Stein (1999) *Interpolation of Spatial Data*
///   §2.7 (gstat's "Mat", not the "Ste" parameterisation); κ = 0.5 equals `.exponential`.
public struct VariogramComponent: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable, Codable {
        case nugget, spherical, exponential, gaussian
        /// Matérn with smoothness κ > 0.
        case matern(kappa: Double)

        /// gstat's short name (`"Nug"`, `"Sph"`, `"Exp"`, `"Gau"`, `"Mat"`).
        public var gstatName: String {
            switch self {
            case .nugget: return "Nug"
            case .spherical: return "Sph"
            case .exponential: return "Exp"
            case .gaussian: return "Gau"
            case .matern: return "Mat"
            }
        }
    }

    public var kind: Kind
    /// Partial sill c ≥ 0.
    public var partialSill: Double
    /// Range parameter a > 0 (ignored for `.nugget`).
    public var range: Double

    public init(_ kind: Kind, partialSill: Double, range: Double = 0) {
        self.kind = kind
        self.partialSill = partialSill
        self.range = range
    }

    /// The structure's γ at lag `h ≥ 0`.
    @inlinable
    public func gamma(_ h: Double) -> Double {
        if h <= 0 { return 0 }
        let c = partialSill
        switch kind {
        case .nugget: return c
        case .spherical:
            if h >= range { return c }
            let r = h / range
            return c * (1.5 * r - 0.5 * r * r * r)
        case .exponential: return c * (1 - Exponential.exp(-h / range))
        case .gaussian: let r = h / range; return c * (1 - Exponential.exp(-r * r))
        case .matern(let k): return c * Self.maternCorrelationComplement(h / range, kappa: k)
        }
    }

    /// 1 − ρ(r) for the Matérn correlation ρ(r) = 2^{1−κ}/Γ(κ) r^κ K_κ(r).
    @usableFromInline
    static func maternCorrelationComplement(_ r: Double, kappa: Double) -> Double {
        if r > 600 { return 1 }  // as gstat: ρ underflows
        // Half-integer κ have closed forms (K_{n+1/2} is elementary; Abramowitz & Stegun
        // 10.2.17), equal to the Bessel form to rounding and far cheaper in kriging loops.
        switch kappa {
        case 0.5: return 1 - Exponential.exp(-r)
        case 1.5: return 1 - (1 + r) * Exponential.exp(-r)
        case 2.5: return 1 - (1 + r + r * r / 3) * Exponential.exp(-r)
        default: break
        }
        let rho = Foundation.pow(2, 1 - kappa) / Foundation.tgamma(kappa) * Foundation.pow(r, kappa)
            * SpecialFunctions.besselK(nu: kappa, x: r)
        return 1 - rho
    }

    public var description: String {
        switch kind {
        case .nugget: return "Nug(\(partialSill))"
        case .matern(let k): return "Mat(\(partialSill), \(range), κ=\(k))"
        default: return "\(kind.gstatName)(\(partialSill), \(range))"
        }
    }
}

/// A variogram model: a sum of ``VariogramComponent``s, optionally with a geometric
/// ``Anisotropy`` shared by all components.
///
/// Only bounded (transitive) models are supported, so the covariance
/// C(h) = sill − γ(h) exists and kriging is done in covariance form, as gstat does.
///
/// - Units: γ in squared value units; distances in CRS units.
/// - Example: gstat's `vgm(0.59, "Sph", 897, 0.0507)` is
///   `VariogramModel([.init(.nugget, partialSill: 0.0507), .init(.spherical, partialSill: 0.59, range: 897)])`.
/// - Note: gstat allows a different anisotropy per structure; here it is one for the model.
public struct VariogramModel: Hashable, Sendable, Codable, CustomStringConvertible {
    public var components: [VariogramComponent]
    public var anisotropy: Anisotropy?

    public init(_ components: [VariogramComponent], anisotropy: Anisotropy? = nil) {
        self.components = components
        self.anisotropy = anisotropy
    }

    /// Validates the model for kriging: at least one component, sills ≥ 0 and finite,
    /// ranges > 0 for non-nugget structures, κ > 0, total sill > 0.
    public func validate() throws(GeostatError) {
        guard !components.isEmpty else { throw .invalidParameter(name: "variogram components", value: 0, expected: "at least one structure") }
        for c in components {
            guard c.partialSill.isFinite, c.partialSill >= 0 else {
                throw .invalidParameter(name: "\(c.kind.gstatName) partial sill", value: c.partialSill, expected: "a finite value ≥ 0")
            }
            if c.kind != .nugget {
                guard c.range.isFinite, c.range > 0 else {
                    throw .invalidParameter(name: "\(c.kind.gstatName) range", value: c.range, expected: "a finite range > 0")
                }
            }
            if case .matern(let k) = c.kind, !(k > 0 && k.isFinite) {
                throw .invalidParameter(name: "Matérn kappa", value: k, expected: "κ > 0")
            }
        }
        guard sill > 0 else { throw .invalidParameter(name: "total sill", value: sill, expected: "> 0") }
    }

    /// Total sill (sum of partial sills, nugget included) = C(0).
    public var sill: Double { components.reduce(0) { $0 + $1.partialSill } }
    /// The nugget (sum of nugget partial sills).
    public var nugget: Double { components.filter { $0.kind == .nugget }.reduce(0) { $0 + $1.partialSill } }

    /// γ at an isotropic (or already anisotropy-transformed) distance `h`.
    @inlinable
    public func gamma(_ h: Double) -> Double {
        var g = 0.0
        for c in components { g += c.gamma(h) }
        return g
    }

    /// γ of the lag (dx, dy), applying the anisotropy.
    public func gamma(dx: Double, dy: Double) -> Double {
        let h = anisotropy.map { $0.distance(dx: dx, dy: dy) } ?? (dx * dx + dy * dy).squareRoot()
        return gamma(h)
    }

    /// Covariance C(h) = sill − γ(h); C(0) = sill.
    @inlinable
    public func covariance(_ h: Double) -> Double {
        var c = 0.0
        for comp in components { c += comp.partialSill - comp.gamma(h) }
        return c
    }

    /// The distance at which γ first reaches 95 % of the sill (the practical range), by
    /// bisection; for a pure nugget 0; for `.spherical` alone it is `0.95`-level, not a.
    public var effectiveRange: Double {
        let target = 0.95 * sill
        if gamma(Double.leastNonzeroMagnitude) >= target { return 0 }
        var hi = max(components.map(\.range).max() ?? 1, 1)
        while gamma(hi) < target && hi < 1e300 { hi *= 2 }
        var lo = 0.0
        for _ in 0..<200 {
            let m = (lo + hi) / 2
            if gamma(m) < target { lo = m } else { hi = m }
            if hi - lo <= 1e-12 * hi { break }
        }
        return hi
    }

    public var description: String {
        components.map(\.description).joined(separator: " + ") + (anisotropy.map { " \($0)" } ?? "")
    }
}

extension VariogramComponent {
    /// The structure as a GeostatKernels ``CovarianceTerm`` (same formulas, same bits), or nil for
    /// a Matérn κ without a closed form (evaluated lane by lane).
    var kernelTerm: CovarianceTerm? {
        let shape: CovarianceTerm.Shape
        switch kind {
        case .nugget: shape = .nugget
        case .spherical: shape = .spherical
        case .exponential: shape = .exponential
        case .gaussian: shape = .gaussian
        case .matern(let k) where k == 0.5: shape = .matern05
        case .matern(let k) where k == 1.5: shape = .matern15
        case .matern(let k) where k == 2.5: shape = .matern25
        case .matern: return nil
        }
        return CovarianceTerm(shape, partialSill: partialSill, range: range)
    }
}

extension VariogramModel {
    /// `out[a] = covariance(√d2[a])` for `a < count`, with the same bits as ``covariance(_:)`` per
    /// element (each component's term is added in the same order).
    ///
    /// Four elements at a time, one component at a time (GeostatKernels' ``addCovarianceTerm(_:lags:to:chunks:)``:
    /// the same IEEE-754 operations per lane as the scalar code, square root, division and
    /// ``Exponential`` included), its AVX2 compilation when `kernels` says so (the same bits); Matérn
    /// κ without a closed form lane by lane. `h` is scratch for the lags. All three buffers must
    /// hold `count` rounded up to a multiple of 4 elements (the padding of `d2` is read, that of
    /// `out` overwritten).
    @inline(__always)
    func covariances(squaredDistances d2: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, count n: Int,
                     lags h: UnsafeMutablePointer<Double>, kernels: KernelSet = .portable) {
        let chunks = (n + 3) >> 2
        let avx = kernels == .avx2
        out.update(repeating: 0, count: chunks * 4)
        if avx { squareRootsAVX2(d2, into: h, chunks: chunks) } else { squareRoots(d2, into: h, chunks: chunks, sqrt4: portableSquareRoot4) }
        for comp in components {
            if let term = comp.kernelTerm {
                if avx { addCovarianceTermAVX2(term, lags: h, to: out, chunks: chunks) } else { addCovarianceTerm(term, lags: h, to: out, chunks: chunks) }
            } else {
                let c = comp.partialSill
                for a in 0..<chunks * 4 { out[a] += c - comp.gamma(h[a]) }
            }
        }
    }
}
