import Foundation

/// Two-dimensional geometric anisotropy in gstat's `anis = c(angle, ratio)` convention.
///
/// The range is largest along the *major* direction, `angle` degrees clockwise
/// from north (0 = north, 90 = east), and `ratio` times as large across it
/// (`ratio` = minor range / major range, 0 < ratio ≤ 1). A lag (dx, dy) is mapped to
/// `u = dx·sin α + dy·cos α` (along the major axis) and `v = (dx·cos α − dy·sin α) / ratio`,
/// and the isotropic model or IDW weight is evaluated at `√(u² + v²)`.
/// Distances are therefore expressed in *major-axis* units: a search radius or
/// variogram range is the one along the major direction.
///
/// - Units: degrees for `angle`, dimensionless `ratio`.
/// - Edge behaviour: `ratio == 1` is isotropic (the transform is then only a rotation).
/// - References: gstat `vgm(..., anis = c(p, s))` documentation (Pebesma 2004,
///   Computers & Geosciences 30:683–691); Isaaks & Srivastava (1989) ch. 16.
public struct Anisotropy: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Direction of the major range, degrees clockwise from north.
    public var angle: Double
    /// Minor range / major range, in (0, 1].
    public var ratio: Double

    public init(angle: Double, ratio: Double) throws(GeostatError) {
        guard angle.isFinite else { throw .invalidParameter(name: "anisotropy angle", value: angle, expected: "a finite angle in degrees") }
        guard ratio.isFinite, ratio > 0, ratio <= 1 else {
            throw .invalidParameter(name: "anisotropy ratio", value: ratio, expected: "0 < ratio ≤ 1 (minor/major range)")
        }
        self.angle = angle
        self.ratio = ratio
    }

    /// Maps a coordinate into the isotropic space (linear, so distances there are anisotropic distances here).
    @inlinable
    public func transform(x: Double, y: Double) -> (x: Double, y: Double) {
        let a = angle * .pi / 180
        let s = Foundation.sin(a), c = Foundation.cos(a)
        return (x * s + y * c, (x * c - y * s) / ratio)
    }

    /// The anisotropic distance of a lag (dx, dy), in major-axis units.
    @inlinable
    public func distance(dx: Double, dy: Double) -> Double {
        let t = transform(x: dx, y: dy)
        return (t.x * t.x + t.y * t.y).squareRoot()
    }

    public var description: String { "anis(angle \(angle)°, ratio \(ratio))" }
}

/// Coordinates in struct-of-arrays form, possibly mapped through an ``Anisotropy``.
struct TransformedPoints: Sendable {
    var x: [Double]
    var y: [Double]
    let anisotropy: Anisotropy?

    init(x: [Double], y: [Double], anisotropy: Anisotropy?) {
        self.anisotropy = anisotropy
        if let a = anisotropy {
            var tx = [Double](repeating: 0, count: x.count), ty = tx
            for i in x.indices { (tx[i], ty[i]) = a.transform(x: x[i], y: y[i]) }
            self.x = tx; self.y = ty
        } else {
            self.x = x; self.y = y
        }
    }

    @inline(__always)
    func map(_ x: Double, _ y: Double) -> (Double, Double) {
        if let a = anisotropy { let t = a.transform(x: x, y: y); return (t.x, t.y) }
        return (x, y)
    }
}
