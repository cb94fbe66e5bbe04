import Foundation
import GeostatKernels

/// A Cholesky-factorised ordinary-kriging system for one neighbour set.
///
/// With C the sample covariance matrix = L Lᵀ, it stores v = L⁻¹1, t = L⁻¹z, vᵀv and vᵀt,
/// so that a target's covariance vector c₀ needs y = L⁻¹c₀: for small (local) systems as a
/// product with the explicit triangular inverse W = L⁻¹ (computed once per neighbour set; SIMD
/// over rows, yᵢ = Σ_{k≤i} Wᵢₖ c₀ₖ in ascending k), for large (global) ones by forward
/// substitution yᵢ = (c₀ᵢ − Σ_{k<i} Lᵢₖ yₖ) / Lᵢᵢ (which keeps global kriging exact to the bit at
/// sample locations in simple cases).
///
/// For local systems (`idx` given) the unfactored C of the previous neighbour set is kept and
/// entries for sample pairs present in both sets are copied rather than recomputed; an entry is
/// always C(‖p_a − p_b‖) with a the larger sample index, so the copy has the same bits.
struct KrigingFactor {
    var n = 0
    var stride = 0
    var L: [Double] = []
    /// For `stride` ≤ ``smallLimit``: W = L⁻¹ by columns (column k at k·paddedStride, rows padded
    /// with zeros to a multiple of 4), else empty.
    var WT: [Double] = []
    var paddedStride = 0
    var invDiag: [Double] = []
    var v: [Double] = []
    var t: [Double] = []
    var vv = 0.0
    var vt = 0.0
    /// Unfactored covariance matrix (lower triangle) of the set `key[0..<keyCount]`, and a scratch copy.
    var C: [Double] = []
    var Cnew: [Double] = []
    var key: [Int32] = []
    var keyCount = -1
    var map: [Int] = []
    /// The covariances a local factorisation computes (pairs not in the previous set): their squared
    /// distances, positions in `C`, values and lags, evaluated together by `VariogramModel.covariances`.
    var pairD2: [Double] = []
    var pairPosition: [Int32] = []
    var pairCovariance: [Double] = []
    var pairLag: [Double] = []
    static let smallLimit = 64

    /// - Parameter local: a local system (neighbour subsets: covariance reuse and, when small, W = L⁻¹);
    ///   a global one is solved by forward substitution.
    init(capacity: Int, local: Bool) {
        stride = capacity
        L = [Double](repeating: 0, count: capacity * capacity)
        paddedStride = (capacity + 3) & ~3
        if local && capacity <= Self.smallLimit {
            WT = [Double](repeating: 0, count: paddedStride * capacity)
            C = L; Cnew = L
            key = [Int32](repeating: -1, count: capacity)
            map = [Int](repeating: -1, count: capacity)
            let pairs = (capacity * (capacity - 1) / 2 + 3) & ~3
            pairD2 = [Double](repeating: 0, count: pairs)
            pairPosition = [Int32](repeating: 0, count: pairs)
            pairCovariance = pairD2
            pairLag = pairD2
        }
        invDiag = [Double](repeating: 0, count: capacity)
        v = [Double](repeating: 0, count: paddedStride)
        t = [Double](repeating: 0, count: paddedStride)
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

    /// Solves L y = b in place (forward substitution, row by row; `inv` unused, kept for symmetry).
    @inline(__always)
    static func forward(_ L: UnsafePointer<Double>, _ inv: UnsafePointer<Double>, n: Int, stride s: Int, _ b: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            let ri = L + i * s
            var sum = b[i]
            for k in 0..<i { sum -= ri[k] * b[k] }
            b[i] = sum / ri[i]
        }
    }

    /// Builds and factorises the system for samples `idx[0..<n]` (ascending sample indices; nil = all samples
    /// in order; transformed coordinates px, py, values z).
    /// Retries with a growing diagonal regularisation (1e-12 … 1e-6 × sill) when the matrix is
    /// numerically singular; returns false if all attempts fail.
    @inline(never)
    mutating func factorise(idx: UnsafePointer<Int32>?, n: Int, px: UnsafePointer<Double>, py: UnsafePointer<Double>,
                            z: UnsafePointer<Double>, model: VariogramModel, kernels: KernelSet = .portable) -> Bool {
        self.n = n
        let s = stride
        let sill = model.sill
        let cached = idx != nil && !C.isEmpty
        if cached, let idx {
            // Covariances of pairs shared with the previous set are copied (same bits as recomputing).
            let kc = keyCount
            map.withUnsafeMutableBufferPointer { mp in
                key.withUnsafeMutableBufferPointer { kp in
                    var b = 0
                    for a in 0..<n {
                        let i = idx[a]
                        while b < kc && kp[b] < i { b += 1 }
                        mp[a] = b < kc && kp[b] == i ? b : -1
                    }
                    for a in 0..<n { kp[a] = idx[a] }
                }
                C.withUnsafeBufferPointer { oldC in
                Cnew.withUnsafeMutableBufferPointer { nc in
                pairD2.withUnsafeMutableBufferPointer { pd in
                pairPosition.withUnsafeMutableBufferPointer { pp in
                    // Pairs of both sets are copied; the others' squared distances are gathered and
                    // their covariances evaluated four at a time (the bits of `model.covariance(h)`).
                    var pending = 0
                    for i in 0..<n {
                        let ii = Int(idx[i])
                        let xi = px[ii], yi = py[ii]
                        let ri = nc.baseAddress! + i * s
                        let mi = mp[i]
                        for j in 0..<i {
                            let mj = mp[j]
                            if mi >= 0 && mj >= 0 {
                                ri[j] = oldC[mi * s + mj]
                            } else {
                                let jj = Int(idx[j])
                                let dx = xi - px[jj], dy = yi - py[jj]
                                pd[pending] = dx * dx + dy * dy
                                pp[pending] = Int32(i * s + j)
                                pending += 1
                            }
                        }
                    }
                    guard pending > 0 else { return }
                    for a in pending..<((pending + 3) & ~3) { pd[a] = 0 }
                    pairCovariance.withUnsafeMutableBufferPointer { pc in
                        pairLag.withUnsafeMutableBufferPointer { pl in
                            model.covariances(squaredDistances: pd.baseAddress!, into: pc.baseAddress!, count: pending,
                                              lags: pl.baseAddress!, kernels: kernels)
                            for a in 0..<pending { nc[Int(pp[a])] = pc[a] }
                        }
                    }
                }
                }
                }
                }
            }
            swap(&C, &Cnew)
            keyCount = n
        }
        var jitter = 0.0
        for attempt in 0..<8 {
            if attempt > 0 { jitter = sill * Foundation.pow(10, Double(-14 + 2 * attempt)) }
            let ok: Bool = L.withUnsafeMutableBufferPointer { Lb in
                let a = Lb.baseAddress!
                if cached {
                    C.withUnsafeBufferPointer { cb in
                        for i in 0..<n {
                            let ri = a + i * s, ci = cb.baseAddress! + i * s
                            for j in 0..<i { ri[j] = ci[j] }
                            ri[i] = sill + jitter
                        }
                    }
                } else {
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
                }
                return Self.cholesky(a, n: n, stride: s)
            }
            if ok { break }
            if attempt == 7 { return false }
        }
        L.withUnsafeBufferPointer { Lb in
            invDiag.withUnsafeMutableBufferPointer { ib in
                for i in 0..<n { ib[i] = 1 / Lb[i * s + i] }
                if !WT.isEmpty {
                    // Columns of W = L⁻¹: L w = e_k.
                    let ps = paddedStride
                    WT.withUnsafeMutableBufferPointer { wb in
                        for k in 0..<n {
                            let w = wb.baseAddress! + k * ps
                            for i in 0..<k { w[i] = 0 }
                            w[k] = ib[k]
                            var i = k + 1
                            while i < n {
                                let ri = Lb.baseAddress! + i * s
                                var sum = 0.0
                                for j in k..<i { sum -= ri[j] * w[j] }
                                w[i] = sum * ib[i]
                                i += 1
                            }
                            for i in n..<ps { w[i] = 0 }
                        }
                    }
                }
                v.withUnsafeMutableBufferPointer { vb in
                    t.withUnsafeMutableBufferPointer { tb in
                        for i in 0..<n {
                            vb[i] = 1
                            tb[i] = z[idx.map { Int($0[i]) } ?? i]
                        }
                        Self.forward(Lb.baseAddress!, ib.baseAddress!, n: n, stride: s, vb.baseAddress!)
                        Self.forward(Lb.baseAddress!, ib.baseAddress!, n: n, stride: s, tb.baseAddress!)
                        var a = 0.0, b = 0.0
                        for i in 0..<n { a += vb[i] * vb[i]; b += vb[i] * tb[i] }
                        vv = a; vt = b
                        for i in n..<vb.count { vb[i] = 0; tb[i] = 0 }
                    }
                }
            }
        }
        return true
    }

    /// Given c₀ in `c` (capacity ≥ the padded stride; overwritten by L⁻¹c₀ for large systems):
    /// (prediction, variance, Lagrange multiplier m).
    ///
    /// With y = L⁻¹c₀: m = (1 − vᵀy)/vᵀv, Ŷ = yᵀt + m vᵀt, σ² = C(0) − yᵀy + m² vᵀv.
    @inline(__always)
    func solve(_ c: UnsafeMutablePointer<Double>, sill: Double) -> (Double, Double, Double) {
        var yy = 0.0, vy = 0.0, yt = 0.0
        if WT.isEmpty {
            invDiag.withUnsafeBufferPointer { ib in
                v.withUnsafeBufferPointer { vb in
                    t.withUnsafeBufferPointer { tb in
                        L.withUnsafeBufferPointer { Self.forward($0.baseAddress!, ib.baseAddress!, n: n, stride: stride, c) }
                        for i in 0..<n {
                            let y = c[i]
                            yy += y * y; vy += vb[i] * y; yt += y * tb[i]
                        }
                    }
                }
            }
        } else {
            return WT.withUnsafeBufferPointer { wb in
                v.withUnsafeBufferPointer { vb in
                    t.withUnsafeBufferPointer { tb in
                        Self.solveSmall(W: wb.baseAddress!, V: vb.baseAddress!, T: tb.baseAddress!, vv: vv, vt: vt, n: n,
                                        paddedStride: paddedStride, c, sill: sill)
                    }
                }
            }
        }
        let m = (1 - vy) / vv
        let pred = yt + m * vt
        let variance = Swift.max(0, sill - yy + m * m * vv)
        return (pred, variance, m)
    }

    /// ``solve(_:sill:)`` for a small system given W = L⁻¹ by padded columns, v and t (zero-padded).
    /// Capacity 16 runs GeostatKernels' `krigingProducts16` (AVX where `kernels` says so; the same bits).
    @inline(__always)
    static func solveSmall(W wp: UnsafePointer<Double>, V vp: UnsafePointer<Double>, T tp: UnsafePointer<Double>, vv: Double, vt: Double,
                           n: Int, paddedStride ps: Int, _ c: UnsafeMutablePointer<Double>, sill: Double,
                           kernels: KernelSet = .portable) -> (Double, Double, Double) {
        let chunks = (n + 3) >> 2
        let W = UnsafeRawPointer(wp), V = UnsafeRawPointer(vp), T = UnsafeRawPointer(tp)
        var yy = 0.0, vy = 0.0, yt = 0.0
        if ps == 16 {
            (yy, vy, yt) = kernels == .avx2 ? krigingProducts16AVX2(W: W, v: V, t: T, c: c, n: n)
                                           : krigingProducts16(W: W, v: V, t: T, c: c, n: n)
        } else if chunks <= 4 {
            // n ≤ 16: y in registers; every column is applied to all chunks (the zeros of W above
            // the diagonal add nothing).
            typealias V4 = SIMD4<Double>
            var y0 = V4(repeating: 0), y1 = y0, y2 = y0, y3 = y0
            for k in 0..<n {
                let ck = c[k]
                let col = W + k * ps * 8
                y0 += col.loadUnaligned(as: V4.self) * ck
                if chunks > 1 { y1 += col.loadUnaligned(fromByteOffset: 32, as: V4.self) * ck }
                if chunks > 2 { y2 += col.loadUnaligned(fromByteOffset: 64, as: V4.self) * ck }
                if chunks > 3 { y3 += col.loadUnaligned(fromByteOffset: 96, as: V4.self) * ck }
            }
            @inline(__always) func ld(_ p: UnsafeRawPointer, _ q: Int) -> V4 {
                q < chunks ? p.loadUnaligned(fromByteOffset: q * 32, as: V4.self) : V4(repeating: 0)
            }
            let syy = y0 * y0 + y1 * y1 + y2 * y2 + y3 * y3
            let svy = ld(V, 0) * y0 + ld(V, 1) * y1 + ld(V, 2) * y2 + ld(V, 3) * y3
            let syt = ld(T, 0) * y0 + ld(T, 1) * y1 + ld(T, 2) * y2 + ld(T, 3) * y3
            yy = syy.sum(); vy = svy.sum(); yt = syt.sum()
        } else {
        withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: chunks) { yb in
            let Y = yb.baseAddress!
            for q in 0..<chunks { Y[q] = SIMD4(repeating: 0) }
            // y = Σ_k W[:, k] c_k (rows above the diagonal are zero in W).
            for k in 0..<n {
                let ck = c[k]
                let col = W + k * ps * 8
                var q = k >> 2
                while q < chunks {
                    Y[q] += col.loadUnaligned(fromByteOffset: q * 32, as: SIMD4<Double>.self) * ck
                    q += 1
                }
            }
            var syy = SIMD4<Double>(repeating: 0), svy = syy, syt = syy
            for q in 0..<chunks {
                let y = Y[q]
                syy += y * y
                svy += V.loadUnaligned(fromByteOffset: q * 32, as: SIMD4<Double>.self) * y
                syt += T.loadUnaligned(fromByteOffset: q * 32, as: SIMD4<Double>.self) * y
            }
            yy = syy.sum(); vy = svy.sum(); yt = syt.sum()
        }
        }
        let m = (1 - vy) / vv
        let pred = yt + m * vt
        let variance = Swift.max(0, sill - yy + m * m * vv)
        return (pred, variance, m)
    }

    /// Copies W, v, t, vv, vt of a small factor to `dst` in `FactorCache` entry layout.
    func store(into dst: UnsafeMutablePointer<Double>) {
        let ps = paddedStride
        WT.withUnsafeBufferPointer { dst.update(from: $0.baseAddress!, count: ps * n) }
        v.withUnsafeBufferPointer { (dst + ps * stride).update(from: $0.baseAddress!, count: ps) }
        t.withUnsafeBufferPointer { (dst + ps * stride + ps).update(from: $0.baseAddress!, count: ps) }
        dst[ps * stride + 2 * ps] = vv
        dst[ps * stride + 2 * ps + 1] = vt
    }
}

/// A heap buffer of Doubles owned by a workspace.
final class ScratchBuffer {
    let p: UnsafeMutablePointer<Double>
    init(count: Int) { p = .allocate(capacity: count); p.initialize(repeating: 0, count: count) }
    deinit { p.deallocate() }
}

/// A per-worker, two-way set-associative cache of small local kriging factors keyed by the
/// neighbour set (ascending sample indices), least recently used entry replaced. A factor is a
/// pure function of its set, so a hit gives the same bits as refactorising; it lets the next grid
/// row reuse the factors of the row above.
final class FactorCache {
    let k: Int, ps: Int, slots: Int, entrySize: Int
    let keys: UnsafeMutablePointer<Int32>
    let counts: UnsafeMutablePointer<Int>
    let stamps: UnsafeMutablePointer<UInt64>
    let data: UnsafeMutablePointer<Double>
    var clock: UInt64 = 0

    /// nil when the systems are too large to be worth caching.
    init?(k: Int) {
        guard k >= 1, k <= 32 else { return nil }
        self.k = k
        ps = (k + 3) & ~3
        entrySize = ps * k + 2 * ps + 2
        var sl = 64
        while sl * 2 * entrySize * 8 <= 6 << 20 && sl < 8192 { sl *= 2 }
        slots = sl
        keys = .allocate(capacity: sl * k)
        counts = .allocate(capacity: sl)
        counts.initialize(repeating: -1, count: sl)
        stamps = .allocate(capacity: sl)
        stamps.initialize(repeating: 0, count: sl)
        data = .allocate(capacity: sl * entrySize)
    }

    deinit { keys.deallocate(); counts.deallocate(); stamps.deallocate(); data.deallocate() }

    @inline(__always)
    private func matches(_ slot: Int, _ idx: UnsafePointer<Int32>, _ m: Int) -> Bool {
        guard counts[slot] == m else { return false }
        let key = keys + slot * k
        for a in 0..<m where key[a] != idx[a] { return false }
        return true
    }

    /// The slot for a set and whether it already holds that set's factor (else the slot to fill).
    @inline(__always)
    func lookup(_ idx: UnsafePointer<Int32>, _ m: Int) -> (slot: Int, hit: Bool) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(m)
        for a in 0..<m { h = (h ^ UInt64(UInt32(bitPattern: idx[a]))) &* 0x0000_0100_0000_01b3 }
        h ^= h >> 29
        let s0 = (Int(truncatingIfNeeded: h) & (slots / 2 - 1)) * 2
        clock &+= 1
        if matches(s0, idx, m) { stamps[s0] = clock; return (s0, true) }
        if matches(s0 + 1, idx, m) { stamps[s0 + 1] = clock; return (s0 + 1, true) }
        let victim = stamps[s0] <= stamps[s0 + 1] ? s0 : s0 + 1
        stamps[victim] = clock
        return (victim, false)
    }

    @inline(__always)
    func entry(_ slot: Int) -> UnsafeMutablePointer<Double> { data + slot * entrySize }

    func fill(_ slot: Int, _ idx: UnsafePointer<Int32>, _ m: Int, from f: KrigingFactor) {
        counts[slot] = m
        (keys + slot * k).update(from: idx, count: m)
        f.store(into: entry(slot))
    }

    func invalidate(_ slot: Int) { counts[slot] = -1 }
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
///   system; the factor is reused while the neighbour *set* is unchanged, and along grid rows
///   (``estimateRow(xs:y:into:workspace:)``) the factors of recent sets are kept in a per-worker
///   cache (`FactorCache`) so the next row reuses those of the row above. The factor depends only
///   on the set, so results are bit-identical with or without reuse. Small local systems (k ≤ 64)
///   are solved with the explicit inverse W = L⁻¹ (a few ulps from forward substitution).
/// - Neighbour selection: the k nearest samples within the radius. Where the k-th and the next
///   squared distances are equal as C floats (ties on a regular sampling grid; near-ties within
///   ~6e-8 relative), the k are those gstat's quadtree search takes (``GstatNeighbourOrder``), so
///   results equal gstat's `krige(..., nmax = k)` there too; with anisotropy the search runs in
///   the rescaled space and ties go to the smaller sample index (gstat selects by plain Euclidean
///   distance, so anisotropic local results may differ from gstat's).
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
    /// gstat's neighbour order, consulted on near-ties (local, isotropic neighbourhoods).
    let searchOrder: GstatNeighbourOrder?
    let isGlobal: Bool
    let globalFactor: KrigingFactor?
    let sill: Double
    /// The compilation of the per-cell SIMD solve that runs (``KernelSet/detected`` by default; the
    /// same bits either way).
    public let kernels: KernelSet
    /// Rows' neighbour sets shared with other interpolators of the same samples and neighbourhood
    /// (local neighbourhoods; the same bits with or without).
    public var neighbourCache: NeighbourSetCache? {
        didSet {
            guard neighbourCache != nil, !isGlobal else { return }
            searchKey = NeighbourSetCache.searchKey(px: points.x, py: points.y, k: localCount, radius: neighbourhood.radius,
                                                    gstatTies: searchOrder != nil)
        }
    }
    /// The fingerprint of this local search in ``neighbourCache`` (taken when a cache is attached,
    /// not by the refits of a cross-validation).
    private(set) var searchKey: UInt64 = 0
    /// The neighbours of a local search (k).
    var localCount: Int { min(neighbourhood.maxPoints ?? samples.count, samples.count) }

    /// - Throws: ``GeostatError/noSamples``, ``GeostatError/tooFewSamples(required:available:)``,
    ///   model validation errors, ``GeostatError/singularKrigingMatrix(neighbours:)`` (global only).
    public init(samples: SampleSet, model: VariogramModel, neighbourhood: Neighbourhood = .global,
                kernels: KernelSet = .detected) throws(GeostatError) {
        try self.init(samples: samples, model: model, neighbourhood: neighbourhood, kernels: kernels, tree: nil)
    }

    /// - Parameters:
    ///   - tree: a k-d tree of the (merged, transformed) points to use instead of building one.
    ///   - distinct: the samples are known to have no duplicate locations (a subset of merged
    ///     samples), so merging, which sorts them, is skipped.
    init(samples: SampleSet, model: VariogramModel, neighbourhood: Neighbourhood, kernels: KernelSet,
         tree given: KDTree?, distinct: Bool = false) throws(GeostatError) {
        guard !samples.isEmpty else { throw .noSamples }
        try model.validate()
        let (merged, groups) = distinct ? (samples, []) : samples.mergingDuplicates()
        guard merged.count >= max(neighbourhood.minPoints, 1) else {
            throw .tooFewSamples(required: neighbourhood.minPoints, available: merged.count)
        }
        self.samples = merged
        self.model = model
        self.neighbourhood = neighbourhood
        self.mergedDuplicates = groups
        self.sill = model.sill
        self.kernels = kernels.isSupported ? kernels : .portable
        let pts = TransformedPoints(x: merged.x, y: merged.y, anisotropy: model.anisotropy)
        points = pts
        let global = neighbourhood.isGlobal(sampleCount: merged.count)
        isGlobal = global
        if global {
            tree = nil
            searchOrder = nil
            var f = KrigingFactor(capacity: merged.count, local: false)
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
            tree = given.flatMap { $0.count == merged.count ? $0 : nil } ?? KDTree(x: pts.x, y: pts.y)
            searchOrder = model.anisotropy == nil ? GstatNeighbourOrder(x: merged.x, y: merged.y) : nil
            globalFactor = nil
        }
    }

    public var outputs: InterpolatorOutputs { InterpolatorOutputs(variance: true, exceedance: false) }

    public func refitted(to samples: SampleSet) throws(GeostatError) -> OrdinaryKriging {
        try OrdinaryKriging(samples: samples, model: model, neighbourhood: neighbourhood, kernels: kernels)
    }

    public func refittedLeavingOut(_ i: Int) throws(GeostatError) -> OrdinaryKriging {
        // `samples` are merged, so the subset has no duplicates and the tree's numbering holds.
        try OrdinaryKriging(samples: samples.leavingOut(i, keepingIDs: false), model: model,
                            neighbourhood: neighbourhood, kernels: kernels, tree: tree?.removing(i), distinct: true)
    }

    /// Per-worker scratch memory and the cached local factor. Not thread safe.
    public struct Workspace {
        var neighbours: KDTree.Neighbours
        var key: [Int32]
        var keyCount = -1
        var factor: KrigingFactor
        var c: [Double]
        var row: RowNeighbours
        /// Factors of recent neighbour sets (allocated on the first multi-target row).
        var cache: FactorCache?
        var slot = -1
        var keyInCache = false
        let cbuf: ScratchBuffer
        /// Lags of the current target (scratch for the covariances).
        let hbuf: ScratchBuffer
        /// Targets in the (possibly anisotropy-transformed) search space.
        var tx: [Double] = []
        var ty: [Double] = []
    }

    public func makeWorkspace() -> Workspace {
        let k = isGlobal ? 0 : localCount
        return Workspace(neighbours: KDTree.Neighbours(capacity: k), key: [Int32](repeating: -1, count: max(k, 1)),
                         factor: KrigingFactor(capacity: k, local: true), c: [Double](repeating: 0, count: isGlobal ? samples.count : max(k, 4)),
                         row: RowNeighbours(k: k, radius: neighbourhood.radius, order: searchOrder), cbuf: ScratchBuffer(count: (max(k, 4) + 3) & ~3),
                         hbuf: ScratchBuffer(count: (max(k, 4) + 3) & ~3))
    }

    public func estimate(x: Double, y: Double, workspace: inout Workspace) -> Estimate {
        let r = krige(x: x, y: y, workspace: &workspace)
        return Estimate(prediction: r.prediction, variance: r.variance)
    }

    /// Same results as ``estimate(x:y:workspace:)`` per target; a local neighbourhood reuses the
    /// neighbour search between adjacent targets (`RowNeighbours`) and the factor while the set is unchanged.
    public func estimateRow(xs: UnsafeBufferPointer<Double>, y: Double, into out: UnsafeMutableBufferPointer<Estimate>,
                            workspace ws: inout Workspace) {
        krigeRow(xs: xs, y: y, workspace: &ws) { j, p, v, _ in out[j] = Estimate(prediction: p, variance: v) }
    }

    /// The kriging prediction, variance and Lagrange multiplier m (convention C λ − m1 = c₀) at (x, y).
    public func krige(x: Double, y: Double, workspace ws: inout Workspace) -> (prediction: Double, variance: Double, lagrangeMultiplier: Double) {
        var r = (prediction: Double.nan, variance: Double.nan, lagrangeMultiplier: Double.nan)
        var xv = x
        withUnsafePointer(to: &xv) { xp in
            krigeRow(xs: UnsafeBufferPointer(start: xp, count: 1), y: y, workspace: &ws) { _, p, v, m in r = (p, v, m) }
        }
        return r
    }

    /// ``krige(x:y:workspace:)`` at (xs[j], y) for every j, reported in order through `body(j, prediction, variance, m)`.
    @inline(__always)
    func krigeRow(xs: UnsafeBufferPointer<Double>, y: Double, workspace ws: inout Workspace,
                  _ body: (Int, Double, Double, Double) -> Void) {
        let count = xs.count
        guard count > 0 else { return }
        let model = self.model
        let kernels = self.kernels
        if let f = globalFactor {
            let n = samples.count
            points.x.withUnsafeBufferPointer { X in
                points.y.withUnsafeBufferPointer { Y in
                    ws.c.withUnsafeMutableBufferPointer { cb in
                        let c = cb.baseAddress!
                        for j in 0..<count {
                            let (qx, qy) = points.map(xs[j], y)
                            for i in 0..<n {
                                let dx = X[i] - qx, dy = Y[i] - qy
                                c[i] = model.covariance((dx * dx + dy * dy).squareRoot())
                            }
                            let r = f.solve(c, sill: sill)
                            body(j, r.0, r.1, r.2)
                        }
                    }
                }
            }
            return
        }
        if ws.tx.count < count {
            ws.tx = [Double](repeating: 0, count: count); ws.ty = ws.tx
        }
        for j in 0..<count { (ws.tx[j], ws.ty[j]) = points.map(xs[j], y) }
        let recording = NeighbourSetCache.begin(neighbourCache, search: searchKey, samples: samples.count, xs: xs, y: y,
                                                  row: &ws.row)
        defer { neighbourCache?.finish(recording) }
        let tree = self.tree!
        let minPoints = neighbourhood.minPoints
        if count > 1 && ws.cache == nil { ws.cache = FactorCache(k: ws.factor.stride) }
        let cache = count > 1 ? ws.cache : nil
        points.x.withUnsafeBufferPointer { PX in
        points.y.withUnsafeBufferPointer { PY in
        samples.values.withUnsafeBufferPointer { Z in
        ws.tx.withUnsafeBufferPointer { TX in
        ws.ty.withUnsafeBufferPointer { TY in
            let qx = UnsafeBufferPointer(rebasing: TX[0..<count]), qy = UnsafeBufferPointer(rebasing: TY[0..<count])
            let c = ws.cbuf.p
            // The current set's factor lives in the cache (row mode) or in ws.factor (single targets).
            if (cache != nil) != ws.keyInCache { ws.keyCount = -1; ws.keyInCache = cache != nil }
            for j in 0..<count {
                let m = ws.row.next(j, tree: tree, px: PX.baseAddress!, py: PY.baseAddress!, qx: qx, qy: qy)
                guard m > 0, m >= minPoints else { body(j, .nan, .nan, .nan); continue }
                // Canonical order: ascending sample index, so the system depends only on the neighbour set.
                let idx = ws.row.outIdx, d2 = ws.row.outD2
                var same = m == ws.keyCount
                if same {
                    for a in 0..<m where ws.key[a] != idx[a] { same = false; break }
                }
                if !same {
                    for a in 0..<m { ws.key[a] = idx[a] }
                    var hit = false
                    if let cache {
                        let (slot, h) = cache.lookup(idx, m)
                        ws.slot = slot
                        hit = h
                    }
                    if !hit {
                        let done = ws.factor.factorise(idx: idx, n: m, px: PX.baseAddress!, py: PY.baseAddress!,
                                                       z: Z.baseAddress!, model: model, kernels: kernels)
                        if let cache {
                            if done { cache.fill(ws.slot, idx, m, from: ws.factor) } else { cache.invalidate(ws.slot) }
                        }
                        if !done { ws.keyCount = -1; body(j, .nan, .nan, .nan); continue }
                    }
                    ws.keyCount = m
                }
                model.covariances(squaredDistances: d2, into: c, count: m, lags: ws.hbuf.p, kernels: kernels)
                let r: (Double, Double, Double)
                if let cache {
                    let e = UnsafePointer(cache.entry(ws.slot))
                    let ps = cache.ps, k = cache.k
                    r = KrigingFactor.solveSmall(W: e, V: e + ps * k, T: e + ps * k + ps, vv: e[ps * k + 2 * ps],
                                                 vt: e[ps * k + 2 * ps + 1], n: m, paddedStride: ps, c, sill: sill, kernels: kernels)
                } else {
                    r = ws.factor.solve(c, sill: sill)
                }
                body(j, r.0, r.1, r.2)
            }
        }}}}}
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
    public private(set) var kriging: OrdinaryKriging
    /// ``OrdinaryKriging/neighbourCache`` of the log-value kriging.
    public var neighbourCache: NeighbourSetCache? {
        get { kriging.neighbourCache }
        set { kriging.neighbourCache = newValue }
    }
    /// Threshold t for the exceedance probability (same units as the values), or nil.
    public let threshold: Double?
    public let originalSamples: SampleSet

    /// - Throws: ``GeostatError/nonPositiveValueForLognormal(index:id:value:)`` and the errors of ``OrdinaryKriging``.
    public init(samples: SampleSet, logModel: VariogramModel, neighbourhood: Neighbourhood = .global,
                threshold: Double? = nil) throws(GeostatError) {
        try self.init(samples: samples, logModel: logModel, neighbourhood: neighbourhood, threshold: threshold, tree: nil)
    }

    init(samples: SampleSet, logModel: VariogramModel, neighbourhood: Neighbourhood, threshold: Double?,
         tree: KDTree?, distinct: Bool = false) throws(GeostatError) {
        for (i, v) in samples.values.enumerated() where !(v > 0) {
            throw .nonPositiveValueForLognormal(index: i, id: samples.ids?[i], value: v)
        }
        if let t = threshold, !(t > 0 && t.isFinite) {
            throw .invalidParameter(name: "threshold", value: t, expected: "a finite value > 0")
        }
        let logs = try samples.withValues(samples.values.map { Foundation.log($0) })
        try self.init(samples: samples, logs: logs, logModel: logModel, neighbourhood: neighbourhood, threshold: threshold,
                      tree: tree, distinct: distinct)
    }

    /// With the log values already taken (`logs`: the points of `samples`, ln of its values).
    private init(samples: SampleSet, logs: SampleSet, logModel: VariogramModel, neighbourhood: Neighbourhood, threshold: Double?,
                 tree: KDTree?, distinct: Bool) throws(GeostatError) {
        kriging = try OrdinaryKriging(samples: logs, model: logModel, neighbourhood: neighbourhood, kernels: .detected, tree: tree,
                                      distinct: distinct)
        self.threshold = threshold
        originalSamples = samples
    }

    public var samples: SampleSet { originalSamples }
    public var outputs: InterpolatorOutputs { InterpolatorOutputs(variance: true, exceedance: threshold != nil) }
    public func makeWorkspace() -> OrdinaryKriging.Workspace { kriging.makeWorkspace() }

    public func refitted(to samples: SampleSet) throws(GeostatError) -> LognormalKriging {
        try LognormalKriging(samples: samples, logModel: kriging.model, neighbourhood: kriging.neighbourhood, threshold: threshold)
    }

    public func refittedLeavingOut(_ i: Int) throws(GeostatError) -> LognormalKriging {
        let rest = originalSamples.leavingOut(i, keepingIDs: false)
        // The kriging's tree numbers the merged samples: reusable only when nothing was merged;
        // then the kriging's samples are the log values in the same order, and leaving one out
        // gives the logs a refit would take (the same bits).
        guard kriging.samples.count == originalSamples.count, let tree = kriging.tree else { return try refitted(to: rest) }
        return try LognormalKriging(samples: rest, logs: kriging.samples.leavingOut(i, keepingIDs: false), logModel: kriging.model,
                                    neighbourhood: kriging.neighbourhood, threshold: threshold, tree: tree.removing(i), distinct: true)
    }

    public func estimate(x: Double, y: Double, workspace: inout OrdinaryKriging.Workspace) -> Estimate {
        let (yhat, v, m) = kriging.krige(x: x, y: y, workspace: &workspace)
        return backTransform(yhat, v, m)
    }

    /// ``estimate(x:y:workspace:)`` at every (xs[j], y), with the back-transform's e^x four cells
    /// at a time (``Exponential``'s vector form: the same bits).
    public func estimateRow(xs: UnsafeBufferPointer<Double>, y: Double, into out: UnsafeMutableBufferPointer<Estimate>,
                            workspace ws: inout OrdinaryKriging.Workspace) {
        // First the kriging, with the exponent Ŷ + σ²/2 − m in `prediction` (as backTransform forms it).
        kriging.krigeRow(xs: xs, y: y, workspace: &ws) { j, p, v, m in
            out[j] = Estimate(prediction: p + v / 2 - m, variance: v, logPrediction: p)
        }
        @inline(__always) func finish(_ j: Int, _ z: Double) {
            let e = out[j]
            out[j] = e.logPrediction.isFinite ? backTransform(e.logPrediction, e.variance, exponential: z) : .missing
        }
        let n = xs.count
        var j = 0
        while j + 4 <= n {
            let z = Exponential.exp(SIMD4(out[j].prediction, out[j + 1].prediction, out[j + 2].prediction, out[j + 3].prediction))
            for l in 0..<4 { finish(j + l, z[l]) }
            j += 4
        }
        while j < n {
            finish(j, Exponential.exp(out[j].prediction))
            j += 1
        }
    }

    @inline(__always)
    func backTransform(_ yhat: Double, _ v: Double, _ m: Double) -> Estimate {
        guard yhat.isFinite else { return .missing }
        return backTransform(yhat, v, exponential: Exponential.exp(yhat + v / 2 - m))
    }

    /// The estimate given z = exp(Ŷ + σ²/2 − m) (Ŷ finite).
    @inline(__always)
    func backTransform(_ yhat: Double, _ v: Double, exponential z: Double) -> Estimate {
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
