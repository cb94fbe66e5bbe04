import GeoTypes

/// Which samples take part in each prediction.
///
/// - `maxPoints == nil` and `radius == .infinity` is the *global* neighbourhood (all
///   samples, as gstat's default and gdal_grid `invdist` without search ellipse).
/// - Otherwise the `maxPoints` nearest samples (all if `nil`) within `radius` (inclusive)
///   are used; a target with fewer than `minPoints` of them gets `NaN` (nodata), as
///   gdal_grid's `min_points` and gstat's `nmin` (without `force`).
///
/// - Units: `radius` in CRS units; with an ``Anisotropy`` it is measured in the
///   anisotropy-transformed space, i.e. along the major axis.
/// - Determinism: distance ties are broken by sample index (see ``KDTree``).
public struct Neighbourhood: Hashable, Sendable, CustomStringConvertible {
    public var maxPoints: Int?
    public var radius: Double
    public var minPoints: Int

    /// - Throws: ``GeostatError/invalidParameter(name:value:expected:)`` for maxPoints < 1,
    ///   radius ≤ 0 or NaN, minPoints < 0 or minPoints > maxPoints.
    public init(maxPoints: Int? = nil, radius: Double = .infinity, minPoints: Int = 1) throws(GeostatError) {
        if let m = maxPoints, m < 1 { throw .invalidParameter(name: "max-points", value: Double(m), expected: "≥ 1") }
        guard radius > 0 else { throw .invalidParameter(name: "radius", value: radius, expected: "> 0 (or infinity for none)") }
        guard minPoints >= 0 else { throw .invalidParameter(name: "min-points", value: Double(minPoints), expected: "≥ 0") }
        if let m = maxPoints, minPoints > m {
            throw .invalidParameter(name: "min-points", value: Double(minPoints), expected: "≤ max-points (\(m))")
        }
        self.maxPoints = maxPoints
        self.radius = radius
        self.minPoints = minPoints
    }

    /// All samples, no radius.
    public static let global = try! Neighbourhood()

    /// The `n` nearest samples, optionally within `radius`.
    public static func nearest(_ n: Int, radius: Double = .infinity, minPoints: Int = 1) throws(GeostatError) -> Neighbourhood {
        try Neighbourhood(maxPoints: n, radius: radius, minPoints: minPoints)
    }

    /// Whether every prediction uses all `sampleCount` samples.
    public func isGlobal(sampleCount: Int) -> Bool { radius == .infinity && (maxPoints ?? sampleCount) >= sampleCount }

    public var description: String {
        "nmax \(maxPoints.map(String.init) ?? "all"), radius \(radius), nmin \(minPoints)"
    }
}

/// The result of one prediction.
///
/// Absent quantities are `NaN`; a target with too few neighbours has every field `NaN`.
public struct Estimate: Hashable, Sendable {
    /// Predicted value, in the units of the sample values (back-transformed for lognormal kriging).
    public var prediction: Double
    /// Kriging variance (for lognormal kriging: the ordinary-kriging variance of the log values); NaN for IDW.
    public var variance: Double
    /// P(Z > threshold) for lognormal kriging with a threshold, else NaN.
    public var exceedance: Double
    /// The kriged log value Ŷ for lognormal kriging, else NaN.
    public var logPrediction: Double

    public init(prediction: Double, variance: Double = .nan, exceedance: Double = .nan, logPrediction: Double = .nan) {
        self.prediction = prediction
        self.variance = variance
        self.exceedance = exceedance
        self.logPrediction = logPrediction
    }

    public static let missing = Estimate(prediction: .nan)
}

/// Which rasters an interpolator produces besides the prediction.
public struct InterpolatorOutputs: Hashable, Sendable {
    public var variance: Bool
    public var exceedance: Bool
    public init(variance: Bool, exceedance: Bool) { self.variance = variance; self.exceedance = exceedance }
}

/// A method that predicts a value at any point from a fixed sample set.
///
/// Conforming types: ``InverseDistanceWeighting``, ``OrdinaryKriging``, ``LognormalKriging``.
/// The interpolator itself is immutable and `Sendable`; per-thread scratch memory is a
/// `Workspace` made by ``makeWorkspace()`` (not thread safe: one per worker).
/// ``estimate(x:y:workspace:)`` must be a pure function of its inputs (never of the
/// workspace's history), which is what makes grid results bit-identical for any thread
/// count and block size.
public protocol PointInterpolator: Sendable {
    associatedtype Workspace
    /// The samples predictions are made from (after any duplicate merging).
    var samples: SampleSet { get }
    var outputs: InterpolatorOutputs { get }
    func makeWorkspace() -> Workspace
    /// Prediction at (x, y) in the samples' CRS.
    func estimate(x: Double, y: Double, workspace: inout Workspace) -> Estimate
    /// Predictions at the targets (xs[j], y), j = 0..<xs.count, written to `out[j]`
    /// (`out.count` ≥ `xs.count`). Used by ``GridInterpolation`` for a row of cell centres.
    ///
    /// Must give, bit for bit, what ``estimate(x:y:workspace:)`` gives for each target (the
    /// default implementation calls it); implementations exist only to share work between
    /// neighbouring targets (neighbour search, per-row terms, SIMD across targets).
    func estimateRow(xs: UnsafeBufferPointer<Double>, y: Double, into out: UnsafeMutableBufferPointer<Estimate>,
                     workspace: inout Workspace)
    /// The same method with the same parameters (model kept fixed) on other samples; used by cross-validation.
    func refitted(to samples: SampleSet) throws(GeostatError) -> Self
    /// `refitted(to:)` of every sample but `i` (leave-one-out; without the samples' identifiers,
    /// ``SampleSet/leavingOut(_:keepingIDs:)``), bit for bit; implementations
    /// reuse what they built for all samples (the k-d tree) instead of building it again.
    func refittedLeavingOut(_ i: Int) throws(GeostatError) -> Self
    /// Squared standardised error of a cross-validation prediction, (obs − pred)²/variance
    /// on the scale the variance refers to; NaN when there is no variance.
    func squaredStandardizedError(observed: Double, estimate: Estimate) -> Double
}

extension PointInterpolator {
    public func refittedLeavingOut(_ i: Int) throws(GeostatError) -> Self {
        try refitted(to: samples.leavingOut(i, keepingIDs: false))
    }

    public func estimateRow(xs: UnsafeBufferPointer<Double>, y: Double, into out: UnsafeMutableBufferPointer<Estimate>,
                            workspace: inout Workspace) {
        for j in xs.indices { out[j] = estimate(x: xs[j], y: y, workspace: &workspace) }
    }

    public func squaredStandardizedError(observed: Double, estimate: Estimate) -> Double {
        let r = observed - estimate.prediction
        return r * r / estimate.variance
    }

    /// Predictions at arbitrary points (sequential; for grids use ``GridInterpolation``).
    public func predict(at points: [Coordinate]) -> [Estimate] {
        var ws = makeWorkspace()
        return points.map { estimate(x: $0.x, y: $0.y, workspace: &ws) }
    }

    /// One prediction (allocates a workspace; for many points use ``predict(at:)``).
    public func predict(at point: Coordinate) -> Estimate {
        var ws = makeWorkspace()
        return estimate(x: point.x, y: point.y, workspace: &ws)
    }
}
