import Foundation
import GeostatKernels

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
///   [min zᵢ, max zᵢ]. With 512 samples or more, a row is cut into blocks of width W (a power of
///   two near the mean sample spacing, fixed by the samples: `FarFieldLayout`); samples farther
///   than 5W from a block's centre contribute through a 9-term series in the target's offset,
///   summed once per block (truncation ≤ 1.4e-8 relative per weight, below float rounding), the
///   others directly as above — 2× faster on the benchmark grid, as accurate. Error: about
///   1e-7…1e-6 of (max zᵢ − min zᵢ) (tested < 1e-5 relative to gdal_grid's double results and
///   to the double kernel, see GeostatTests); a cell whose
///   largest squared distance to a sample exceeds 1e30 CRS units² falls back to the double sums.
///   Exact sample hits (d² < 1e-13, decided in Double) return zᵢ exactly, the first by index, as
///   the double kernel. Deterministic: every cell does the same float operations in the same
///   order whatever its position in a row or grid, so grids are bit-identical for any thread
///   count or block size, a window of a grid (a tile) gets the bits of the same cells in the
///   whole grid (when its cell centres are the same numbers), and every cell equals
///   ``PointInterpolator/predict(at:)`` at its centre.
///
/// - Units: `power` and `smoothing` as gdal_grid (`smoothing` in CRS units); the prediction
///   has the units of the values.
/// - Summation: over the neighbours (or all samples) in ascending sample index. Global power-2
///   isotropic sums: a division per sample, in SIMD lanes of targets (module GeostatKernels, in
///   an AVX compilation where the CPU has it, see ``kernels``; the same bits either way). Local
///   power-2 sums: two weights share one division (wₐ = r_b/(rₐr_b)), a few ulps from 1/r each.
///   Grid rows share the neighbour search (`RowNeighbours`) and per-row terms, with the same bits
///   as per-point estimates.
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
    /// The compilation of the global power-2 kernels that runs (``KernelSet/detected`` by default;
    /// every set gives the same bits).
    public let kernels: KernelSet
    let points: TransformedPoints
    /// Float data of the single-precision kernel (nil when it is not used).
    let single: SingleData?
    let tree: KDTree?
    let isGlobal: Bool
    /// Rows' neighbour sets shared with other interpolators of the same samples and neighbourhood
    /// (local neighbourhoods; the same bits with or without).
    public var neighbourCache: NeighbourSetCache? {
        didSet {
            guard neighbourCache != nil, !isGlobal else { return }
            searchKey = NeighbourSetCache.searchKey(px: points.x, py: points.y, k: localCount, radius: neighbourhood.radius,
                                                    gstatTies: false)
        }
    }
    /// The fingerprint of this local search in ``neighbourCache`` (taken when a cache is attached,
    /// not by the refits of a cross-validation).
    private(set) var searchKey: UInt64 = 0
    /// The neighbours of a local search (k).
    var localCount: Int { min(neighbourhood.maxPoints ?? samples.count, samples.count) }

    /// - Throws: ``GeostatError/noSamples``, ``GeostatError/tooFewSamples(required:available:)``
    ///   when there are fewer samples than `minPoints`, ``GeostatError/invalidParameter(name:value:expected:)``
    ///   for power ≤ 0 or smoothing < 0.
    /// - Parameter tree: an existing ``KDTree`` over `samples` (only used without anisotropy).
    public init(samples: SampleSet, power: Double = 2, smoothing: Double = 0,
                neighbourhood: Neighbourhood = .global, anisotropy: Anisotropy? = nil, precision: IDWPrecision = .double,
                tree: KDTree? = nil, kernels: KernelSet = .detected) throws(GeostatError) {
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
        self.kernels = kernels.isSupported ? kernels : .portable
        points = TransformedPoints(x: samples.x, y: samples.y, anisotropy: anisotropy)
        isGlobal = neighbourhood.isGlobal(sampleCount: samples.count)
        if precision == .single && isGlobal && anisotropy == nil && power == 2 && smoothing == 0 {
            single = SingleData(x: samples.x, y: samples.y, values: samples.values)
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
                                     neighbourhood: neighbourhood, anisotropy: anisotropy, precision: precision,
                                     kernels: kernels)
    }

    public func refittedLeavingOut(_ i: Int) throws(GeostatError) -> InverseDistanceWeighting {
        try InverseDistanceWeighting(samples: samples.leavingOut(i, keepingIDs: false), power: power,
                                     smoothing: smoothing, neighbourhood: neighbourhood, anisotropy: anisotropy, precision: precision,
                                     tree: tree?.removing(i), kernels: kernels)
    }

    /// Whether predictions use the float32 kernel (``IDWPrecision/single`` requested and the
    /// settings are global, power 2, smoothing 0, no anisotropy).
    public var usesSinglePrecisionKernel: Bool { single != nil }

    /// Per-worker scratch memory. Not thread safe.
    public struct Workspace {
        var neighbours: KDTree.Neighbours
        var row: RowNeighbours
        /// Targets in the (possibly anisotropy-transformed) search space.
        var tx: [Double] = []
        var ty: [Double] = []
        /// Scratch of the global power-2 kernels (a copied workspace shares it, which is harmless:
        /// every row fills what it reads).
        let rows: GlobalRowBuffers
    }

    /// Scratch memory of the global power-2 kernels, owned: per sample, e = (y − yᵢ)² + s² of the
    /// current row (and Float(e) for the single kernel); per target, the sums Σ wz and Σ w and
    /// (single) the targets as float pairs, grown as rows need.
    final class GlobalRowBuffers {
        let samples: Int
        let e: UnsafeMutablePointer<Double>, ef: UnsafeMutablePointer<Float>
        private(set) var capacity = 0
        private(set) var num: UnsafeMutablePointer<Double>, den: UnsafeMutablePointer<Double>
        private(set) var qh: UnsafeMutablePointer<Float>, ql: UnsafeMutablePointer<Float>

        /// Scratch of the far-field blocks (float32 kernel), made on first use.
        private(set) lazy var far = FarFieldScratch(samples: samples, terms: FarFieldLayout.terms)

        init(samples n: Int) {
            samples = n
            e = .allocate(capacity: max(n, 1)); e.initialize(repeating: 0, count: max(n, 1))
            // Padded to whole vectors for the far-field kernel (the padding stays 0).
            let padded = max(FarFieldLayout.paddedCount(n), 1)
            ef = .allocate(capacity: padded); ef.initialize(repeating: 0, count: padded)
            num = .allocate(capacity: 1); den = .allocate(capacity: 1); qh = .allocate(capacity: 1); ql = .allocate(capacity: 1)
        }

        /// Room for `count` targets.
        func reserve(_ count: Int) {
            guard count > capacity else { return }
            num.deallocate(); den.deallocate(); qh.deallocate(); ql.deallocate()
            num = .allocate(capacity: count); den = .allocate(capacity: count)
            qh = .allocate(capacity: count); ql = .allocate(capacity: count)
            capacity = count
        }

        var eBuffer: UnsafeMutableBufferPointer<Double> { UnsafeMutableBufferPointer(start: e, count: samples) }
        var efBuffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: ef, count: samples) }

        deinit { e.deallocate(); ef.deallocate(); num.deallocate(); den.deallocate(); qh.deallocate(); ql.deallocate() }
    }

    /// Scratch of ``singleSumsByBlock``: the near samples' indices and data, the kernel's vectors
    /// and accumulators, the moments.
    final class FarFieldScratch {
        let near: UnsafeMutablePointer<Int32>
        let xh: UnsafeMutablePointer<Float>, xl: UnsafeMutablePointer<Float>, e: UnsafeMutablePointer<Float>, z: UnsafeMutablePointer<Float>
        let vectors: UnsafeMutablePointer<SIMD8<Float>>
        let accumulators: UnsafeMutablePointer<SIMD8<Double>>
        let moments: UnsafeMutablePointer<Double>

        init(samples n: Int, terms: Int) {
            let m = max(n, 1)
            near = .allocate(capacity: m)
            xh = .allocate(capacity: m); xl = .allocate(capacity: m); e = .allocate(capacity: m); z = .allocate(capacity: m)
            vectors = .allocate(capacity: 2 * terms)
            accumulators = .allocate(capacity: 2 * terms)
            moments = .allocate(capacity: 2 * terms)
        }

        deinit {
            near.deallocate(); xh.deallocate(); xl.deallocate(); e.deallocate(); z.deallocate()
            vectors.deallocate(); accumulators.deallocate(); moments.deallocate()
        }
    }

    public func makeWorkspace() -> Workspace {
        let k = isGlobal ? 0 : localCount
        return Workspace(neighbours: KDTree.Neighbours(capacity: k), row: RowNeighbours(k: k, radius: neighbourhood.radius),
                         rows: GlobalRowBuffers(samples: isGlobal ? samples.count : 0))
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
            globalRowPower2Single(single, xs: xs, y: y, out: out, ws: &ws)
            return
        }
        if isGlobal && anisotropy == nil && power == 2 {
            globalRowPower2(xs: xs, y: y, out: out, ws: &ws)
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
        let recording = NeighbourSetCache.begin(neighbourCache, search: searchKey, samples: samples.count, xs: xs, y: y,
                                                  row: &ws.row)
        defer { neighbourCache?.finish(recording) }
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

    /// Global power-2 IDW, isotropic, in Double: the sums come from `idwPower2SumsDouble`
    /// (GeostatKernels; a division per sample and target, samples in index order, the same
    /// operations as ``globalEstimate(_:_:)``, so a cell gets the bits of a single estimate), then
    /// exact hits are resolved here: a target within the exact threshold of a sample gets that
    /// sample's value (the first by index).
    private func globalRowPower2(xs: UnsafeBufferPointer<Double>, y qy: Double, out: UnsafeMutableBufferPointer<Estimate>,
                                 ws: inout Workspace) {
        let n = samples.count
        let count = xs.count
        let s2 = smoothing * smoothing
        let thr = Self.exactThreshold
        let b = ws.rows
        b.reserve(count)
        let kernels = self.kernels
        points.x.withUnsafeBufferPointer { X in
        points.y.withUnsafeBufferPointer { Y in
        samples.values.withUnsafeBufferPointer { Z in
            let nearRow = Self.rowTerms(y: qy, ys: Y, s2: s2, e: b.eBuffer, ef: nil).nearRow
            let x = X.baseAddress!, z = Z.baseAddress!, q = xs.baseAddress!
            if kernels == .avx2 {
                idwPower2SumsDoubleAVX2(x: x, e: b.e, z: z, n: n, targets: q, count: count, num: b.num, den: b.den)
            } else {
                idwPower2SumsDouble(x: x, e: b.e, z: z, n: n, targets: q, count: count, num: b.num, den: b.den)
            }
            for j in 0..<count {
                if nearRow, let hit = Self.exactHit(qx: xs[j], x: X, e: UnsafeBufferPointer(b.eBuffer), threshold: thr) {
                    out[j] = Estimate(prediction: Z[hit]); continue
                }
                out[j] = Estimate(prediction: b.num[j] / b.den[j])
            }
        }}}
    }

    /// Per-row terms of the global kernels: e[i] = (y − yᵢ)² + s² (and `ef[i]` = Float(e[i])).
    /// Returns whether some sample may lie within the exact threshold of the row, and the largest e.
    @inline(__always)
    static func rowTerms(y: Double, ys: UnsafeBufferPointer<Double>, s2: Double, e: UnsafeMutableBufferPointer<Double>,
                         ef: UnsafeMutableBufferPointer<Float>?) -> (nearRow: Bool, eMax: Double) {
        var nearRow = false
        var eMax = 0.0
        for i in 0..<ys.count {
            let dy = ys[i] - y
            let v = dy * dy + s2
            e[i] = v
            ef?[i] = Float(v)
            if v < exactThreshold { nearRow = true }
            eMax = Swift.max(eMax, v)
        }
        return (nearRow, eMax)
    }

    /// The first sample (by index) whose squared distance (x − q)² + e from the target is below
    /// `threshold`, given e = (y − yᵢ)² (+ s²) for the target's row.
    @inline(__always)
    static func exactHit(qx: Double, x: UnsafeBufferPointer<Double>, e: UnsafeBufferPointer<Double>, threshold: Double) -> Int? {
        for t in 0..<x.count where e[t] < threshold {
            let dx = x[t] - qx
            if dx * dx + e[t] < threshold { return t }
        }
        return nil
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
