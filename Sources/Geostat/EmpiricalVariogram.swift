import Foundation

/// A sample (experimental) semivariogram, computed as gstat's `variogram()`.
///
/// Lag bin j covers distances (j·w, (j+1)·w] (the first bin also holds zero distances),
/// pairs farther than the cutoff are ignored, and empty bins are omitted, as in gstat.
/// Each lag reports the pair count N_j, the mean pair distance h̄_j (gstat's `dist`) and
///
/// - Matheron: γ̂_j = 1/(2N_j) Σ (z_a − z_b)²
/// - Cressie–Hawkins: γ̂_j = ½ [(1/N_j) Σ |z_a − z_b|^½]⁴ / (0.457 + 0.494/N_j)
///
/// Directional variograms keep the pairs whose direction (clockwise from north, modulo 180°)
/// is within `tolerance` degrees of `angle`, as gstat's `alpha` and `tol.hor`.
///
/// - Units: distances in CRS units, γ in squared value units.
/// - Defaults (gstat): cutoff = ⅓ of the bounding-box diagonal, width = cutoff / 15.
/// - Complexity: O(n²) pairs (about 2 million for 2,000 samples).
/// - References: Matheron (1962); Cressie & Hawkins (1980) Math. Geol. 12:115–125;
///   Cressie (1993) eq. (2.4.12); gstat `variogram` (Pebesma 2004).
public struct EmpiricalVariogram: Hashable, Sendable, Codable {
    public enum Estimator: Hashable, Sendable, Codable { case matheron, cressieHawkins }

    /// A direction filter: `angle` (degrees clockwise from north) ± `tolerance` degrees.
    public struct Direction: Hashable, Sendable, Codable {
        public var angle: Double
        public var tolerance: Double
        public init(angle: Double, tolerance: Double = 22.5) { self.angle = angle; self.tolerance = tolerance }
    }

    public struct Lag: Hashable, Sendable, Codable {
        /// Bin bounds (lower exclusive except for the first bin, upper inclusive), CRS units.
        public var lowerBound: Double
        public var upperBound: Double
        /// Number of point pairs N_j.
        public var pairCount: Int
        /// Mean distance of the pairs h̄_j.
        public var meanDistance: Double
        /// Semivariance estimate γ̂_j.
        public var gamma: Double
    }

    public var lags: [Lag]
    public var cutoff: Double
    public var width: Double
    public var estimator: Estimator
    public var direction: Direction?

    /// Computes the sample variogram of `samples`.
    ///
    /// - Parameters:
    ///   - cutoff: maximum pair distance; default ⅓ of the bounding-box diagonal (gstat).
    ///   - width: lag width; default cutoff / 15 (gstat).
    /// - Throws: ``GeostatError/tooFewSamples(required:available:)`` (< 2 samples),
    ///   ``GeostatError/zeroVariance(value:)`` (all values equal: nothing to fit),
    ///   ``GeostatError/invalidParameter(name:value:expected:)``, ``GeostatError/emptyVariogram(cutoff:)``.
    public static func compute(_ samples: SampleSet, cutoff: Double? = nil, width: Double? = nil,
                               estimator: Estimator = .matheron, direction: Direction? = nil) throws(GeostatError) -> EmpiricalVariogram {
        guard samples.count >= 2 else { throw .tooFewSamples(required: 2, available: samples.count) }
        if let v0 = samples.values.first, samples.values.allSatisfy({ $0 == v0 }) { throw .zeroVariance(value: v0) }
        let cut = cutoff ?? samples.extent!.diagonal / 3
        guard cut > 0, cut.isFinite else { throw .invalidParameter(name: "cutoff", value: cut, expected: "> 0 (samples may all coincide)") }
        let w = width ?? cut / 15
        guard w > 0, w.isFinite else { throw .invalidParameter(name: "width", value: w, expected: "> 0") }
        if let d = direction, !(d.tolerance >= 0 && d.angle.isFinite) {
            throw .invalidParameter(name: "direction tolerance", value: d.tolerance, expected: "≥ 0 degrees")
        }
        let nBins = Int((cut / w).rounded(.up))
        var np = [Int](repeating: 0, count: nBins)
        var sumD = [Double](repeating: 0, count: nBins)
        var sumG = [Double](repeating: 0, count: nBins)
        let x = samples.x, y = samples.y, z = samples.values
        let dirAngle = direction.map { $0.angle.truncatingRemainder(dividingBy: 180) + ($0.angle < 0 ? 180 : 0) }
        for i in 0..<samples.count {
            for j in 0..<i {
                let dx = x[i] - x[j], dy = y[i] - y[j]
                let d = (dx * dx + dy * dy).squareRoot()
                if d > cut { continue }
                if let a = dirAngle, d > 0 {
                    var t = Foundation.atan2(dx, dy) * 180 / .pi  // clockwise from north
                    if t < 0 { t += 180 }
                    if t >= 180 { t -= 180 }
                    var diff = abs(t - a)
                    diff = min(diff, 180 - diff)
                    if diff > direction!.tolerance { continue }
                }
                let f = d / w
                var b = Int(f.rounded(.down))
                if d > 0 && f == f.rounded(.down) { b -= 1 }
                if b >= nBins { b = nBins - 1 }
                if b < 0 { b = 0 }
                np[b] += 1
                sumD[b] += d
                let dz = z[i] - z[j]
                sumG[b] += estimator == .matheron ? dz * dz : abs(dz).squareRoot()
            }
        }
        var lags: [Lag] = []
        for b in 0..<nBins where np[b] > 0 {
            let n = Double(np[b])
            let g: Double
            switch estimator {
            case .matheron: g = sumG[b] / (2 * n)
            case .cressieHawkins: g = 0.5 * Foundation.pow(sumG[b] / n, 4) / (0.457 + 0.494 / n)
            }
            lags.append(Lag(lowerBound: Double(b) * w, upperBound: min(Double(b + 1) * w, cut),
                            pairCount: np[b], meanDistance: sumD[b] / n, gamma: g))
        }
        guard !lags.isEmpty else { throw .emptyVariogram(cutoff: cut) }
        return EmpiricalVariogram(lags: lags, cutoff: cut, width: w, estimator: estimator, direction: direction)
    }
}
