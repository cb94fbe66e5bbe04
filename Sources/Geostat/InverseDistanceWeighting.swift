import Foundation

/// Inverse-distance-weighted interpolation: Ẑ(x₀) = Σ wᵢ zᵢ / Σ wᵢ with
/// wᵢ = 1 / (dᵢ² + s²)^(p/2).
///
/// - Global (``Neighbourhood/global``): all samples, as gdal_grid
///   `invdist:power=p:smoothing=s` without search ellipse or `max_points`, and as gstat
///   `idw(..., idp = p)` when `s == 0`.
/// - Local: the `maxPoints` nearest within `radius`, NaN when fewer than `minPoints`, as
///   gdal_grid `invdistnn:power=p:smoothing=s:max_points=…:radius=…:min_points=…`.
///
/// Differences from gdal_grid, documented: gdal_grid's `invdist` with a `radius1/radius2/angle`
/// ellipse and `max_points` takes the *first* points found in its search order, not the
/// nearest; here the nearest are always taken (use an ``Anisotropy`` with
/// `ratio = radius2/radius1` for an elliptical search, whose angle is clockwise from north,
/// whereas gdal_grid's `angle` is counter-clockwise from the x axis). gdal_grid's float32
/// SSE/AVX kernels (used for power 2, no smoothing) round differently; this type always
/// computes in `Double`.
///
/// - Units: `power` and `smoothing` as gdal_grid (`smoothing` in CRS units); the prediction
///   has the units of the values.
/// - Edge behaviour: when dᵢ² + s² < 1e-13 (squared CRS units, gdal_grid's threshold) the
///   prediction is zᵢ exactly (the first such sample in nearest-then-index order), so IDW without
///   smoothing is exact at samples; with `s > 0` it is not exact (it smooths). The prediction always
///   lies within [min zᵢ, max zᵢ] of the samples used. No neighbours → NaN.
/// - References: Shepard (1968), Proc. 23rd ACM National Conference; GDAL `gdal_grid`
///   documentation (algorithms `invdist`, `invdistnn`); gstat `idw`.
public struct InverseDistanceWeighting: PointInterpolator {
    public let samples: SampleSet
    public let power: Double
    public let smoothing: Double
    public let neighbourhood: Neighbourhood
    public let anisotropy: Anisotropy?
    let points: TransformedPoints
    let tree: KDTree?
    let isGlobal: Bool

    /// - Throws: ``GeostatError/noSamples``, ``GeostatError/tooFewSamples(required:available:)``
    ///   when there are fewer samples than `minPoints`, ``GeostatError/invalidParameter(name:value:expected:)``
    ///   for power ≤ 0 or smoothing < 0.
    /// - Parameter tree: an existing ``KDTree`` over `samples` (only used without anisotropy).
    public init(samples: SampleSet, power: Double = 2, smoothing: Double = 0,
                neighbourhood: Neighbourhood = .global, anisotropy: Anisotropy? = nil, tree: KDTree? = nil) throws(GeostatError) {
        guard !samples.isEmpty else { throw .noSamples }
        guard power.isFinite, power > 0 else { throw .invalidParameter(name: "power", value: power, expected: "> 0") }
        guard smoothing.isFinite, smoothing >= 0 else { throw .invalidParameter(name: "smoothing", value: smoothing, expected: "≥ 0") }
        guard samples.count >= neighbourhood.minPoints else {
            throw .tooFewSamples(required: neighbourhood.minPoints, available: samples.count)
        }
        self.samples = samples
        self.power = power
        self.smoothing = smoothing
        self.neighbourhood = neighbourhood
        self.anisotropy = anisotropy
        points = TransformedPoints(x: samples.x, y: samples.y, anisotropy: anisotropy)
        isGlobal = neighbourhood.isGlobal(sampleCount: samples.count)
        if isGlobal {
            self.tree = nil
        } else if let tree, anisotropy == nil, tree.count == samples.count {
            self.tree = tree
        } else {
            self.tree = KDTree(x: points.x, y: points.y)
        }
    }

    public var outputs: InterpolatorOutputs { InterpolatorOutputs(variance: false, exceedance: false) }

    public func refitted(to samples: SampleSet) throws(GeostatError) -> InverseDistanceWeighting {
        try InverseDistanceWeighting(samples: samples, power: power, smoothing: smoothing,
                                     neighbourhood: neighbourhood, anisotropy: anisotropy)
    }

    public struct Workspace {
        var neighbours: KDTree.Neighbours
    }

    public func makeWorkspace() -> Workspace {
        Workspace(neighbours: KDTree.Neighbours(capacity: isGlobal ? 0 : min(neighbourhood.maxPoints ?? samples.count, samples.count)))
    }

    static let exactThreshold = 1e-13

    public func estimate(x: Double, y: Double, workspace: inout Workspace) -> Estimate {
        let (qx, qy) = points.map(x, y)
        if isGlobal { return Estimate(prediction: globalEstimate(qx, qy)) }
        let k = workspace.neighbours.capacity
        tree!.nearest(x: qx, y: qy, k: k, radius: neighbourhood.radius, into: &workspace.neighbours)
        let m = workspace.neighbours.count
        guard m > 0, m >= neighbourhood.minPoints else { return .missing }
        let s2 = smoothing * smoothing
        let half = power / 2
        var num = 0.0, den = 0.0
        let z = samples.values
        for j in 0..<m {
            let r2 = workspace.neighbours.squaredDistances[j] + s2
            let i = Int(workspace.neighbours.indices[j])
            if r2 < Self.exactThreshold { return Estimate(prediction: z[i]) }
            let w = power == 2 ? 1 / r2 : 1 / Foundation.pow(r2, half)
            num += w * z[i]
            den += w
        }
        return Estimate(prediction: num / den)
    }

    /// All-points sum in SIMD lanes of 4 (fixed summation order → deterministic).
    private func globalEstimate(_ qx: Double, _ qy: Double) -> Double {
        let n = samples.count
        let s2 = smoothing * smoothing
        let half = power / 2
        let p2 = power == 2
        return points.x.withUnsafeBufferPointer { X in
            points.y.withUnsafeBufferPointer { Y in
                samples.values.withUnsafeBufferPointer { Z in
                    var num4 = SIMD4<Double>(repeating: 0), den4 = SIMD4<Double>(repeating: 0)
                    var min4 = SIMD4<Double>(repeating: .infinity)
                    let qx4 = SIMD4<Double>(repeating: qx), qy4 = SIMD4<Double>(repeating: qy)
                    let s24 = SIMD4<Double>(repeating: s2)
                    var i = 0
                    while i + 4 <= n {
                        let dx = SIMD4<Double>(X[i], X[i + 1], X[i + 2], X[i + 3]) - qx4
                        let dy = SIMD4<Double>(Y[i], Y[i + 1], Y[i + 2], Y[i + 3]) - qy4
                        let r2 = dx * dx + dy * dy + s24
                        min4 = pointwiseMin(min4, r2)
                        var w: SIMD4<Double>
                        if p2 {
                            w = 1 / r2
                        } else {
                            w = SIMD4(1 / Foundation.pow(r2[0], half), 1 / Foundation.pow(r2[1], half),
                                      1 / Foundation.pow(r2[2], half), 1 / Foundation.pow(r2[3], half))
                        }
                        num4 += w * SIMD4<Double>(Z[i], Z[i + 1], Z[i + 2], Z[i + 3])
                        den4 += w
                        i += 4
                    }
                    var num = num4.sum(), den = den4.sum(), minR2 = min4.min()
                    while i < n {
                        let dx = X[i] - qx, dy = Y[i] - qy
                        let r2 = dx * dx + dy * dy + s2
                        minR2 = Swift.min(minR2, r2)
                        let w = p2 ? 1 / r2 : 1 / Foundation.pow(r2, half)
                        num += w * Z[i]
                        den += w
                        i += 1
                    }
                    if minR2 < Self.exactThreshold {
                        for j in 0..<n {
                            let dx = X[j] - qx, dy = Y[j] - qy
                            if dx * dx + dy * dy + s2 < Self.exactThreshold { return Z[j] }
                        }
                    }
                    return num / den
                }
            }
        }
    }
}
