import Foundation

/// Arithmetic of ``InverseDistanceWeighting``.
///
/// - `double`: everything in `Double` (the default; matches gstat / gdal_grid's plain C code to ~1e-15).
/// - `single`: a float32 kernel like gdal_grid's SSE/AVX `invdist:power=2` kernel, used only for
///   power 2, smoothing 0, no anisotropy and the global neighbourhood (all other settings fall back
///   to the `double` kernel, with identical results). See ``InverseDistanceWeighting`` for its error.
public enum IDWPrecision: String, Sendable, Hashable, CaseIterable {
    case double
    case single
}

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
/// SSE/AVX kernels (used for power 2, no smoothing) round differently; this type computes in
/// `Double` unless ``IDWPrecision/single`` is chosen.
///
/// - Single precision (opt-in, `precision: .single`; only global, power 2, smoothing 0, no
///   anisotropy, otherwise the `double` kernel runs): like gdal_grid's float32 AVX kernel, but
///   more accurate. Sample coordinates are stored relative to the centre of their bounding box
///   as a float pair (hi + lo, ~48 bits), so dx = (xₕᵢ − qₕ) + (xₗₒ − qₗₒ) keeps ~1e-7 relative
///   accuracy even in large CRS coordinates (gdal_grid rounds raw coordinates to float32: 0.25 m
///   at 4e6 m); (y − yᵢ)² is computed per row in Double and rounded once. Weights 1/d² (a float
///   division per sample), w·(zᵢ − z̄) and Σw are summed in Float over
///   blocks of 64 samples (in index order) and the block sums are accumulated in Double; the
///   prediction is z̄ + Σw(z − z̄)/Σw with z̄ the midrange of the values, clamped to
///   [min zᵢ, max zᵢ]. Error: about 1e-7…1e-6 of (max zᵢ − min zᵢ) (tested < 1e-5 relative to
///   gdal_grid's double results and < 1e-4 to the double kernel, see GeostatTests); assumes squared
///   distances within the Float range (1e-38…1e38 CRS units², i.e. no two points closer than
///   1e-19 or farther than 1e19 apart; else the cell falls back to the double sums). Exact
///   sample hits (d² < 1e-13, decided in Double) return zᵢ exactly, the first by index, as the
///   double kernel. Deterministic: every cell does the same float operations in the same
///   order whatever its position in a row, so grids are bit-identical for any thread count and
///   block size, and equal ``PointInterpolator/predict(at:)`` at the cell centre.
///
/// - Units: `power` and `smoothing` as gdal_grid (`smoothing` in CRS units); the prediction
///   has the units of the values.
/// - Summation: over the neighbours (or all samples) in ascending sample index; for the global
///   power-2 isotropic case two weights share one division (see `globalRowPower2`), a few ulps
///   from 1/r² each. Grid rows share the neighbour search (`RowNeighbours`) and per-row terms,
///   with the same bits as per-point estimates.
/// - Edge behaviour: when dᵢ² + s² < 1e-13 (squared CRS units, gdal_grid's threshold) the
///   prediction is zᵢ exactly (local: the first such sample in nearest-then-index order; global:
///   the first by index), so IDW without
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
    /// The requested arithmetic (``IDWPrecision/single`` only takes effect for global power-2 IDW
    /// without smoothing or anisotropy; see ``usesSinglePrecisionKernel``).
    public let precision: IDWPrecision
    let points: TransformedPoints
    /// Float data of the single-precision kernel (nil when it is not used).
    let single: SingleData?
    let tree: KDTree?
    let isGlobal: Bool

    /// - Throws: ``GeostatError/noSamples``, ``GeostatError/tooFewSamples(required:available:)``
    ///   when there are fewer samples than `minPoints`, ``GeostatError/invalidParameter(name:value:expected:)``
    ///   for power ≤ 0 or smoothing < 0.
    /// - Parameter tree: an existing ``KDTree`` over `samples` (only used without anisotropy).
    public init(samples: SampleSet, power: Double = 2, smoothing: Double = 0,
                neighbourhood: Neighbourhood = .global, anisotropy: Anisotropy? = nil, precision: IDWPrecision = .double,
                tree: KDTree? = nil) throws(GeostatError) {
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
        self.precision = precision
        points = TransformedPoints(x: samples.x, y: samples.y, anisotropy: anisotropy)
        isGlobal = neighbourhood.isGlobal(sampleCount: samples.count)
        if precision == .single && isGlobal && anisotropy == nil && power == 2 && smoothing == 0 {
            single = SingleData(x: samples.x, values: samples.values)
        } else {
            single = nil
        }
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
                                     neighbourhood: neighbourhood, anisotropy: anisotropy, precision: precision)
    }

    /// Whether predictions use the float32 kernel (``IDWPrecision/single`` requested and the
    /// settings are global, power 2, smoothing 0, no anisotropy).
    public var usesSinglePrecisionKernel: Bool { single != nil }

    /// Per-worker scratch memory. Not thread safe.
    public struct Workspace {
        var neighbours: KDTree.Neighbours
        var row: RowNeighbours
        /// Global: (y − yᵢ)² + s² per sample for the current row.
        var e: [Double]
        /// Targets in the (possibly anisotropy-transformed) search space.
        var tx: [Double] = []
        var ty: [Double] = []
        /// Single-precision kernel: Float((y − yᵢ)²) for the current row.
        var ef: [Float] = []
    }

    public func makeWorkspace() -> Workspace {
        let k = isGlobal ? 0 : min(neighbourhood.maxPoints ?? samples.count, samples.count)
        return Workspace(neighbours: KDTree.Neighbours(capacity: k), row: RowNeighbours(k: k, radius: neighbourhood.radius),
                         e: [Double](repeating: 0, count: isGlobal ? samples.count : 0),
                         ef: [Float](repeating: 0, count: single?.xh.count ?? 0))
    }

    static let exactThreshold = 1e-13

    public func estimate(x: Double, y: Double, workspace ws: inout Workspace) -> Estimate {
        var out = Estimate.missing
        withUnsafeMutablePointer(to: &out) { o in
            var xv = x
            withUnsafePointer(to: &xv) { xp in
                estimateRow(xs: UnsafeBufferPointer(start: xp, count: 1), y: y,
                            into: UnsafeMutableBufferPointer(start: o, count: 1), workspace: &ws)
            }
        }
        return out
    }

    /// Same results as ``estimate(x:y:workspace:)`` per target (see ``PointInterpolator``): the global
    /// power-2 isotropic case evaluates SIMD lanes of targets against the samples in index order; local
    /// neighbourhoods reuse the search between adjacent targets (`RowNeighbours`).
    public func estimateRow(xs: UnsafeBufferPointer<Double>, y: Double, into out: UnsafeMutableBufferPointer<Estimate>,
                            workspace ws: inout Workspace) {
        let count = xs.count
        guard count > 0 else { return }
        if let single {
            globalRowPower2Single(single, xs: xs, y: y, out: out, e: &ws.e, ef: &ws.ef)
            return
        }
        if isGlobal && anisotropy == nil && power == 2 {
            globalRowPower2(xs: xs, y: y, out: out, e: &ws.e)
            return
        }
        if ws.tx.count < count {
            ws.tx = [Double](repeating: 0, count: count); ws.ty = ws.tx
        }
        for j in 0..<count { (ws.tx[j], ws.ty[j]) = points.map(xs[j], y) }
        if isGlobal {
            for j in 0..<count { out[j] = Estimate(prediction: globalEstimate(ws.tx[j], ws.ty[j])) }
            return
        }
        ws.row.reset()
        let tree = self.tree!
        points.x.withUnsafeBufferPointer { PX in
        points.y.withUnsafeBufferPointer { PY in
        samples.values.withUnsafeBufferPointer { Z in
        ws.tx.withUnsafeBufferPointer { TX in
        ws.ty.withUnsafeBufferPointer { TY in
            let qx = UnsafeBufferPointer(rebasing: TX[0..<count]), qy = UnsafeBufferPointer(rebasing: TY[0..<count])
            for j in 0..<count {
                let m = ws.row.next(j, tree: tree, px: PX.baseAddress!, py: PY.baseAddress!, qx: qx, qy: qy)
                out[j] = localEstimate(m: m, idx: ws.row.outIdx, d2: ws.row.outD2, z: Z)
            }
        }}}}}
    }

    /// IDW over neighbours given in ascending sample index (squared distances in step); sums in that order.
    @inline(__always)
    private func localEstimate(m: Int, idx: UnsafePointer<Int32>, d2: UnsafePointer<Double>,
                               z: UnsafeBufferPointer<Double>) -> Estimate {
        guard m > 0, m >= neighbourhood.minPoints else { return .missing }
        let s2 = smoothing * smoothing
        // Exact hit: the nearest (then smallest index) sample with d² + s² below the threshold.
        var hit = -1, hitD = Double.infinity
        for a in 0..<m where d2[a] + s2 < Self.exactThreshold && d2[a] < hitD { hit = a; hitD = d2[a] }
        if hit >= 0 { return Estimate(prediction: z[Int(idx[hit])]) }
        var num = 0.0, den = 0.0
        if power == 2 {
            // Two weights per division, as the global kernel: wₐ = r_b/(rₐr_b), w_b = rₐ/(rₐr_b).
            var a = 0
            while a + 2 <= m {
                let ra = d2[a] + s2, rb = d2[a + 1] + s2
                let inv = 1 / (ra * rb)
                let wa = rb * inv, wb = ra * inv
                num += wa * z[Int(idx[a])] + wb * z[Int(idx[a + 1])]
                den += wa + wb
                a += 2
            }
            if a < m {
                let w = 1 / (d2[a] + s2)
                num += w * z[Int(idx[a])]
                den += w
            }
        } else {
            let half = power / 2
            for a in 0..<m {
                let w = 1 / Foundation.pow(d2[a] + s2, half)
                num += w * z[Int(idx[a])]
                den += w
            }
        }
        return Estimate(prediction: num / den)
    }

    typealias Lanes = SIMD4<Double>

    /// Global power-2 IDW, isotropic: targets (xs[j], y) in SIMD lanes, samples in index order.
    ///
    /// Per lane (target) and pair of samples a, b with squared distances rₐ, r_b (+ s²): one
    /// division gives both weights, wₐ = r_b/(rₐr_b), w_b = rₐ/(rₐr_b) (≤ 2 ulps from 1/r);
    /// num and den add each pair's sum. (Pairs measured faster than groups of four, whose longer
    /// dependency chain through the division stalls.) The arithmetic of a lane
    /// does not depend on the other lanes, so a target gets the same bits in any row position.
    /// Guarded: a target within the exact threshold of a sample gets that sample's value (the first
    /// by index, as before); a non-finite or non-positive weight sum (r² products beyond the
    /// Double range, |r²| ≳ 1e154) falls back to 1/r² per sample.
    private func globalRowPower2(xs: UnsafeBufferPointer<Double>, y qy: Double, out: UnsafeMutableBufferPointer<Estimate>,
                                 e: inout [Double]) {
        let n = samples.count
        let count = xs.count
        let s2 = smoothing * smoothing
        let thr = Self.exactThreshold
        points.x.withUnsafeBufferPointer { X in
        points.y.withUnsafeBufferPointer { Y in
        samples.values.withUnsafeBufferPointer { Z in
        e.withUnsafeMutableBufferPointer { E in
            var nearRow = false
            for i in 0..<n {
                let dy = Y[i] - qy
                let v = dy * dy + s2
                E[i] = v
                if v < thr { nearRow = true }
            }
            let L = Lanes.scalarCount
            var j = 0
            while j < count {
                var qxv = Lanes()
                for l in 0..<L { qxv[l] = xs[Swift.min(j + l, count - 1)] }
                var num = Lanes(repeating: 0), den = Lanes(repeating: 0)
                var i = 0
                while i + 2 <= n {
                    let dxa: Lanes = X[i] - qxv, dxb: Lanes = X[i + 1] - qxv
                    let ra: Lanes = dxa * dxa + E[i], rb: Lanes = dxb * dxb + E[i + 1]
                    let inv = 1 / (ra * rb)
                    let wa = rb * inv, wb = ra * inv
                    num += wa * Z[i] + wb * Z[i + 1]
                    den += wa + wb
                    i += 2
                }
                while i < n {
                    let dx = X[i] - qxv
                    let w = 1 / (dx * dx + E[i])
                    num += w * Z[i]
                    den += w
                    i += 1
                }
                let res = num / den
                for l in 0..<Swift.min(L, count - j) {
                    var p = res[l]
                    let qx = qxv[l]
                    if nearRow {
                        var hit = false
                        for t in 0..<n where E[t] < thr {
                            let dx = X[t] - qx
                            if dx * dx + E[t] < thr { p = Z[t]; hit = true; break }
                        }
                        if hit { out[j + l] = Estimate(prediction: p); continue }
                    }
                    if !(den[l] > 0 && den[l].isFinite && p.isFinite) {
                        var nu = 0.0, de = 0.0
                        for t in 0..<n {
                            let dx = X[t] - qx
                            let w = 1 / (dx * dx + E[t])
                            nu += w * Z[t]; de += w
                        }
                        p = nu / de
                    }
                    out[j + l] = Estimate(prediction: p)
                }
                j += L
            }
        }}}}
    }

    /// All-points IDW at a transformed target (any power, any anisotropy), samples in index order.
    private func globalEstimate(_ qx: Double, _ qy: Double) -> Double {
        let n = samples.count
        let s2 = smoothing * smoothing
        let half = power / 2
        let p2 = power == 2
        return points.x.withUnsafeBufferPointer { X in
            points.y.withUnsafeBufferPointer { Y in
                samples.values.withUnsafeBufferPointer { Z in
                    var num = 0.0, den = 0.0
                    for i in 0..<n {
                        let dx = X[i] - qx, dy = Y[i] - qy
                        let r2 = dx * dx + (dy * dy + s2)
                        if r2 < Self.exactThreshold { return Z[i] }
                        let w = p2 ? 1 / r2 : 1 / Foundation.pow(r2, half)
                        num += w * Z[i]
                        den += w
                    }
                    return num / den
                }
            }
        }
    }
}
