import Foundation

/// A Cholesky-factorised ordinary-kriging system for one neighbour set.
///
/// With C the sample covariance matrix = L Lᵀ, it stores v = L⁻¹1, t = L⁻¹z, vᵀv and vᵀt,
/// so that a target's covariance vector c₀ needs one forward substitution y = L⁻¹c₀.
struct KrigingFactor {
    var n = 0
    var stride = 0
    var L: [Double] = []
    var v: [Double] = []
    var t: [Double] = []
    var vv = 0.0
    var vt = 0.0

    init(capacity: Int) {
        stride = capacity
        L = [Double](repeating: 0, count: capacity * capacity)
        v = [Double](repeating: 0, count: capacity)
        t = [Double](repeating: 0, count: capacity)
    }

    /// In-place Cholesky of the `n`×`n` leading block (row-major, lower triangle used).
    /// Fails on a pivot ≤ 1e-12 × the original diagonal.
    static func cholesky(_ a: UnsafeMutablePointer<Double>, n: Int, stride s: Int) -> Bool {
        for j in 0..<n {
            let rj = a + j * s
            var d = rj[j]
            let orig = d
            for k in 0..<j { d -= rj[k] * rj[k] }
            guard d > 1e-12 * orig, d.isFinite else { return false }
            let ljj = d.squareRoot()
            rj[j] = ljj
            var i = j + 1
            while i < n {
                let ri = a + i * s
                var sum = ri[j]
                for k in 0..<j { sum -= ri[k] * rj[k] }
                ri[j] = sum / ljj
                i += 1
            }
        }
        return true
    }

    /// Solves L y = b in place (forward substitution).
    @inline(__always)
    static func forward(_ L: UnsafePointer<Double>, n: Int, stride s: Int, _ b: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            let ri = L + i * s
            var sum = b[i]
            for k in 0..<i { sum -= ri[k] * b[k] }
            b[i] = sum / ri[i]
        }
    }

    /// Builds and factorises the system for samples `idx[0..<n]` (transformed coordinates px, py, values z).
    /// Retries with a growing diagonal regularisation (1e-12 … 1e-6 × sill) when the matrix is
    /// numerically singular; returns false if all attempts fail.
    mutating func factorise(idx: UnsafePointer<Int32>?, n: Int, px: UnsafePointer<Double>, py: UnsafePointer<Double>,
                            z: UnsafePointer<Double>, model: VariogramModel) -> Bool {
        self.n = n
        let s = stride
        let sill = model.sill
        var jitter = 0.0
        for attempt in 0..<8 {
            if attempt > 0 { jitter = sill * Foundation.pow(10, Double(-14 + 2 * attempt)) }
            let ok: Bool = L.withUnsafeMutableBufferPointer { Lb in
                let a = Lb.baseAddress!
                for i in 0..<n {
                    let ii = idx.map { Int($0[i]) } ?? i
                    let xi = px[ii], yi = py[ii]
                    let ri = a + i * s
                    for j in 0..<i {
                        let jj = idx.map { Int($0[j]) } ?? j
                        let dx = xi - px[jj], dy = yi - py[jj]
                        ri[j] = model.covariance((dx * dx + dy * dy).squareRoot())
                    }
                    ri[i] = sill + jitter
                }
                return Self.cholesky(a, n: n, stride: s)
            }
            if ok { break }
            if attempt == 7 { return false }
        }
        L.withUnsafeBufferPointer { Lb in
            v.withUnsafeMutableBufferPointer { vb in
                t.withUnsafeMutableBufferPointer { tb in
                    for i in 0..<n {
                        vb[i] = 1
                        tb[i] = z[idx.map { Int($0[i]) } ?? i]
                    }
                    Self.forward(Lb.baseAddress!, n: n, stride: s, vb.baseAddress!)
                    Self.forward(Lb.baseAddress!, n: n, stride: s, tb.baseAddress!)
                    var a = 0.0, b = 0.0
                    for i in 0..<n { a += vb[i] * vb[i]; b += vb[i] * tb[i] }
                    vv = a; vt = b
                }
            }
        }
        return true
    }

    /// Given c₀ in `c` (overwritten by L⁻¹c₀): (prediction, variance, Lagrange multiplier m).
    ///
    /// With y = L⁻¹c₀: m = (1 − vᵀy)/vᵀv, Ŷ = yᵀt + m vᵀt, σ² = C(0) − yᵀy + m² vᵀv.
    @inline(__always)
    func solve(_ c: UnsafeMutablePointer<Double>, sill: Double) -> (Double, Double, Double) {
        L.withUnsafeBufferPointer { Lb in
            v.withUnsafeBufferPointer { vb in
                t.withUnsafeBufferPointer { tb in
                    Self.forward(Lb.baseAddress!, n: n, stride: stride, c)
                    var yy = 0.0, vy = 0.0, yt = 0.0
                    for i in 0..<n {
                        let y = c[i]
                        yy += y * y; vy += vb[i] * y; yt += y * tb[i]
                    }
                    let m = (1 - vy) / vv
                    let pred = yt + m * vt
                    let variance = Swift.max(0, sill - yy + m * m * vv)
                    return (pred, variance, m)
                }
            }
        }
    }
}

/// Ordinary (point) kriging with a fixed variogram model, global or local neighbourhood.
///
/// Solves, for the weights λ and the Lagrange multiplier m, the system in covariance form
/// C λ − m 1 = c₀, 1ᵀλ = 1 — equivalently Γλ + m1 = γ₀ in variogram form, the sign
/// convention of Cressie (1993, eq. 3.2.12) — with C(h) = sill − γ(h). The prediction is
/// Ŷ = λᵀz and the ordinary-kriging variance σ² = C(0) − λᵀc₀ + m (= λᵀγ₀ + m), as gstat's
/// `krige` reports for point support.
///
/// - Global neighbourhood: C is factorised once (Cholesky) at initialisation; each target needs
///   one forward substitution, O(n²). Local: the k nearest samples, sorted by index, form the
///   system; the factor is cached per worker and reused while the neighbour *set* is unchanged
///   (the factor depends only on the set, so results are bit-identical with or without reuse).
/// - Units: prediction in value units, variance in squared value units; coordinates in CRS units.
/// - Assumptions: a bounded (sill) variogram model; coincident samples are merged at initialisation
///   (mean value, see ``mergedDuplicates``) because they make C singular.
/// - Edge behaviour: exact at sample locations (distance 0 → γ(0) = 0, including with a nugget,
///   as gstat); variance clamped at ≥ 0 against rounding; fewer than `minPoints` neighbours within
///   the radius → all-NaN ``Estimate``; a numerically singular local system (e.g. Gaussian model
///   without nugget and near-coincident points) is regularised with a tiny diagonal term
///   (≤ 1e-6 × sill) and NaN is returned only if that fails too.
/// - References: Cressie (1993) *Statistics for Spatial Data* §3.2; Journel & Huijbregts (1978);
///   gstat `krige` (Pebesma 2004).
public struct OrdinaryKriging: PointInterpolator {
    public let samples: SampleSet
    public let model: VariogramModel
    public let neighbourhood: Neighbourhood
    /// Groups of coincident input samples that were merged (mean value) before kriging; warn naming them.
    public let mergedDuplicates: [SampleSet.MergedGroup]
    let points: TransformedPoints
    let tree: KDTree?
    let isGlobal: Bool
    let globalFactor: KrigingFactor?
    let sill: Double

    /// - Throws: ``GeostatError/noSamples``, ``GeostatError/tooFewSamples(required:available:)``,
    ///   model validation errors, ``GeostatError/singularKrigingMatrix(neighbours:)`` (global only).
    public init(samples: SampleSet, model: VariogramModel, neighbourhood: Neighbourhood = .global) throws(GeostatError) {
        guard !samples.isEmpty else { throw .noSamples }
        try model.validate()
        let (merged, groups) = samples.mergingDuplicates()
        guard merged.count >= max(neighbourhood.minPoints, 1) else {
            throw .tooFewSamples(required: neighbourhood.minPoints, available: merged.count)
        }
        self.samples = merged
        self.model = model
        self.neighbourhood = neighbourhood
        self.mergedDuplicates = groups
        self.sill = model.sill
        let pts = TransformedPoints(x: merged.x, y: merged.y, anisotropy: model.anisotropy)
        points = pts
        let global = neighbourhood.isGlobal(sampleCount: merged.count)
        isGlobal = global
        if global {
            tree = nil
            var f = KrigingFactor(capacity: merged.count)
            let ok = pts.x.withUnsafeBufferPointer { X in
                pts.y.withUnsafeBufferPointer { Y in
                    merged.values.withUnsafeBufferPointer { Z in
                        f.factorise(idx: nil, n: merged.count, px: X.baseAddress!, py: Y.baseAddress!, z: Z.baseAddress!, model: model)
                    }
                }
            }
            guard ok else { throw .singularKrigingMatrix(neighbours: merged.count) }
            globalFactor = f
        } else {
            tree = KDTree(x: pts.x, y: pts.y)
            globalFactor = nil
        }
    }

    public var outputs: InterpolatorOutputs { InterpolatorOutputs(variance: true, exceedance: false) }

    public func refitted(to samples: SampleSet) throws(GeostatError) -> OrdinaryKriging {
        try OrdinaryKriging(samples: samples, model: model, neighbourhood: neighbourhood)
    }

    /// Per-worker scratch memory and the cached local factor. Not thread safe.
    public struct Workspace {
        var neighbours: KDTree.Neighbours
        var key: [Int32]
        var keyCount = -1
        var factor: KrigingFactor
        var c: [Double]
    }

    public func makeWorkspace() -> Workspace {
        let k = isGlobal ? 0 : min(neighbourhood.maxPoints ?? samples.count, samples.count)
        return Workspace(neighbours: KDTree.Neighbours(capacity: k), key: [Int32](repeating: -1, count: max(k, 1)),
                         factor: KrigingFactor(capacity: k), c: [Double](repeating: 0, count: isGlobal ? samples.count : max(k, 1)))
    }

    public func estimate(x: Double, y: Double, workspace: inout Workspace) -> Estimate {
        let r = krige(x: x, y: y, workspace: &workspace)
        return Estimate(prediction: r.prediction, variance: r.variance)
    }

    /// The kriging prediction, variance and Lagrange multiplier m (convention C λ − m1 = c₀) at (x, y).
    public func krige(x: Double, y: Double, workspace ws: inout Workspace) -> (prediction: Double, variance: Double, lagrangeMultiplier: Double) {
        let (qx, qy) = points.map(x, y)
        let model = self.model
        if let f = globalFactor {
            let n = samples.count
            return points.x.withUnsafeBufferPointer { X in
                points.y.withUnsafeBufferPointer { Y in
                    ws.c.withUnsafeMutableBufferPointer { cb in
                        let c = cb.baseAddress!
                        for i in 0..<n {
                            let dx = X[i] - qx, dy = Y[i] - qy
                            c[i] = model.covariance((dx * dx + dy * dy).squareRoot())
                        }
                        let r = f.solve(c, sill: sill)
                        return (r.0, r.1, r.2)
                    }
                }
            }
        }
        let k = ws.neighbours.capacity
        tree!.nearest(x: qx, y: qy, k: k, radius: neighbourhood.radius, into: &ws.neighbours)
        let m = ws.neighbours.count
        guard m > 0, m >= neighbourhood.minPoints else { return (.nan, .nan, .nan) }
        // Canonical order: ascending sample index, so the system depends only on the neighbour set.
        ws.neighbours.sortIndicesAscending()
        var same = m == ws.keyCount
        if same {
            for a in 0..<m where ws.key[a] != ws.neighbours.indices[a] { same = false; break }
        }
        if !same {
            for a in 0..<m { ws.key[a] = ws.neighbours.indices[a] }
            let key = ws.key
            let done: Bool = points.x.withUnsafeBufferPointer { X in
                points.y.withUnsafeBufferPointer { Y in
                    samples.values.withUnsafeBufferPointer { Z in
                        key.withUnsafeBufferPointer { kb in
                            ws.factor.factorise(idx: kb.baseAddress!, n: m, px: X.baseAddress!, py: Y.baseAddress!,
                                                z: Z.baseAddress!, model: model)
                        }
                    }
                }
            }
            ws.keyCount = done ? m : -1
            if !done { return (.nan, .nan, .nan) }
        }
        let key = ws.key
        points.x.withUnsafeBufferPointer { X in
            points.y.withUnsafeBufferPointer { Y in
                key.withUnsafeBufferPointer { kb in
                    ws.c.withUnsafeMutableBufferPointer { cb in
                        for a in 0..<m {
                            let i = Int(kb[a])
                            let dx = X[i] - qx, dy = Y[i] - qy
                            cb[a] = model.covariance((dx * dx + dy * dy).squareRoot())
                        }
                    }
                }
            }
        }
        let f = ws.factor
        return ws.c.withUnsafeMutableBufferPointer { cb in
            let r = f.solve(cb.baseAddress!, sill: sill)
            return (r.0, r.1, r.2)
        }
    }
}

/// Lognormal ordinary kriging: ordinary kriging of Y = ln Z, back-transformed without bias.
///
/// The back-transform for *ordinary* kriging is
///
///     Ẑ = exp(Ŷ + σ²_OK / 2 − m)
///
/// where Ŷ and σ²_OK are the OK prediction and variance of the log values and m is the
/// Lagrange multiplier in the convention Γλ + m1 = γ₀ (equivalently C λ − m1 = c₀; m ≥ 0 far
/// from data, where it is the variance of the estimated mean). With the opposite sign
/// convention (Γλ − μ1 = γ₀) the formula reads exp(Ŷ + σ²/2 + μ).
/// The exceedance probability of a threshold t > 0 is taken from the conditional lognormal
/// distribution: P(Z > t) = 1 − Φ((ln t − Ŷ)/σ_OK).
///
/// - Units: predictions in the units of the (positive) sample values; ``Estimate/variance`` is
///   σ²_OK of the *log* values; ``Estimate/logPrediction`` is Ŷ; ``Estimate/exceedance`` in [0, 1].
/// - Assumptions: the variogram model is that of ln Z (fit it to the log values).
/// - Edge behaviour: zero, negative or NaN values are rejected at initialisation; where σ_OK = 0
///   (at a sample, no nugget) the exceedance is 1 if Ŷ > ln t else 0.
/// - References: Journel (1980) Math. Geol. 12:285–303; Cressie (1993) §3.2.2, eq. (3.2.40);
///   Webster & Oliver (2007) *Geostatistics for Environmental Scientists* §8.9.
public struct LognormalKriging: PointInterpolator {
    public let kriging: OrdinaryKriging
    /// Threshold t for the exceedance probability (same units as the values), or nil.
    public let threshold: Double?
    public let originalSamples: SampleSet

    /// - Throws: ``GeostatError/nonPositiveValueForLognormal(index:id:value:)`` and the errors of ``OrdinaryKriging``.
    public init(samples: SampleSet, logModel: VariogramModel, neighbourhood: Neighbourhood = .global,
                threshold: Double? = nil) throws(GeostatError) {
        for (i, v) in samples.values.enumerated() where !(v > 0) {
            throw .nonPositiveValueForLognormal(index: i, id: samples.ids?[i], value: v)
        }
        if let t = threshold, !(t > 0 && t.isFinite) {
            throw .invalidParameter(name: "threshold", value: t, expected: "a finite value > 0")
        }
        let logs = try samples.withValues(samples.values.map { Foundation.log($0) })
        kriging = try OrdinaryKriging(samples: logs, model: logModel, neighbourhood: neighbourhood)
        self.threshold = threshold
        originalSamples = samples
    }

    public var samples: SampleSet { originalSamples }
    public var outputs: InterpolatorOutputs { InterpolatorOutputs(variance: true, exceedance: threshold != nil) }
    public func makeWorkspace() -> OrdinaryKriging.Workspace { kriging.makeWorkspace() }

    public func refitted(to samples: SampleSet) throws(GeostatError) -> LognormalKriging {
        try LognormalKriging(samples: samples, logModel: kriging.model, neighbourhood: kriging.neighbourhood, threshold: threshold)
    }

    public func estimate(x: Double, y: Double, workspace: inout OrdinaryKriging.Workspace) -> Estimate {
        let (yhat, v, m) = kriging.krige(x: x, y: y, workspace: &workspace)
        guard yhat.isFinite else { return .missing }
        let z = Foundation.exp(yhat + v / 2 - m)
        var p = Double.nan
        if let t = threshold {
            let s = v.squareRoot()
            let lt = Foundation.log(t)
            p = s > 0 ? SpecialFunctions.normalSurvival((lt - yhat) / s) : (yhat > lt ? 1 : 0)
        }
        return Estimate(prediction: z, variance: v, exceedance: p, logPrediction: yhat)
    }

    /// On the log scale: (ln obs − Ŷ)² / σ²_OK.
    public func squaredStandardizedError(observed: Double, estimate: Estimate) -> Double {
        let r = Foundation.log(observed) - estimate.logPrediction
        return r * r / estimate.variance
    }
}
