import Foundation

/// Exact k-nearest-neighbour sets for a sequence of nearby targets (a row of grid cells),
/// sharing the tree search between adjacent targets.
///
/// The targets are cut into segments of S consecutive targets. For a segment with anchor a
/// (its middle target) and ℓ = the largest distance from a to a target of the segment, every
/// k-nearest neighbour (within `radius`) of every target of the segment lies within
///
///     ρ = min(d_k(a) + 2ℓ, radius + ℓ)
///
/// of a (triangle inequality: d_k(q) ≤ d_k(a) + ℓ, so a neighbour p of q has
/// d(a, p) ≤ d(q, p) + ℓ ≤ d_k(a) + 2ℓ; and d(a, p) ≤ radius + ℓ). Any k samples bound d_k(a)
/// by their largest distance from a, so when the previous target had k neighbours that bound
/// replaces d_k(a) and no tree query is needed (the tree answers only at the start of a row and
/// where fewer than k samples lie within the radius). Those candidates are
/// fetched once per segment (with a relative margin of 1e-9 against rounding); each target
/// then selects its k nearest candidates by (squared distance, sample index), the same total
/// order as ``KDTree/nearest(x:y:k:radius:into:)``, with the same squared-distance expression,
/// so the set is exactly the tree's. The previous target's set is usually still valid; that is
/// checked in O(candidates) (largest selected d² < smallest unselected d², all within the radius)
/// before any re-selection, also across a segment boundary when all of its samples are candidates
/// of the new segment; ties re-select.
///
/// - Determinism: the set of each target depends only on that target (not on segmentation,
///   row length, or history).
/// - Units: those of the (possibly anisotropy-transformed) coordinates.
struct RowNeighbours {
    let k: Int
    let r2: Double
    let radius: Double
    /// When set, near-ties at the k-th neighbour (equal squared distances in float) are decided as
    /// gstat decides them (see ``GstatNeighbourOrder``); otherwise by the smaller sample index.
    let order: GstatNeighbourOrder?
    /// Segment length is chosen so that ℓ ≈ `spanFraction` × d_k.
    static let spanFraction = 0.15
    static let maxSegment = 256

    /// Scratch memory (owned; a copied `RowNeighbours` shares it, which is harmless because every
    /// row starts with ``reset()`` and is finished within one call).
    final class Storage {
        var capacity = 0
        var cand: UnsafeMutablePointer<Int32>
        var cx: UnsafeMutablePointer<Double>, cy: UnsafeMutablePointer<Double>, cd2: UnsafeMutablePointer<Double>
        var flag: UnsafeMutablePointer<Bool>
        /// Coordinates of the unselected candidates (compact), and of the selected ones (`k` slots).
        var ux: UnsafeMutablePointer<Double>, uy: UnsafeMutablePointer<Double>, ud: UnsafeMutablePointer<Double>
        var uidx: UnsafeMutablePointer<Int32>
        let sx: UnsafeMutablePointer<Double>, sy: UnsafeMutablePointer<Double>
        let heap: UnsafeMutablePointer<Int32>
        let outIdx: UnsafeMutablePointer<Int32>, outD2: UnsafeMutablePointer<Double>
        var candList: [Int32] = []

        init(k: Int) {
            let kk = max(k, 1)
            sx = .allocate(capacity: kk); sy = .allocate(capacity: kk); heap = .allocate(capacity: kk)
            // outD2 is padded to a multiple of 4 (zeros) for the SIMD covariance loop.
            outIdx = .allocate(capacity: kk); outD2 = .allocate(capacity: (kk + 3) & ~3)
            outD2.initialize(repeating: 0, count: (kk + 3) & ~3)
            cand = .allocate(capacity: 1); cx = .allocate(capacity: 1); cy = .allocate(capacity: 1); cd2 = .allocate(capacity: 1)
            flag = .allocate(capacity: 1); ux = .allocate(capacity: 1); uy = .allocate(capacity: 1)
            ud = .allocate(capacity: 1); uidx = .allocate(capacity: 1)
            capacity = 1
        }

        func reserve(_ n: Int) {
            guard n > capacity else { return }
            let c = max(n, 2 * capacity)
            cand.deallocate(); cx.deallocate(); cy.deallocate(); cd2.deallocate(); flag.deallocate(); ux.deallocate(); uy.deallocate()
            ud.deallocate(); uidx.deallocate()
            ud = .allocate(capacity: c); uidx = .allocate(capacity: c)
            cand = .allocate(capacity: c); cx = .allocate(capacity: c); cy = .allocate(capacity: c); cd2 = .allocate(capacity: c)
            flag = .allocate(capacity: c); ux = .allocate(capacity: c); uy = .allocate(capacity: c)
            capacity = c
        }

        deinit {
            sx.deallocate(); sy.deallocate(); heap.deallocate(); outIdx.deallocate(); outD2.deallocate()
            cand.deallocate(); cx.deallocate(); cy.deallocate(); cd2.deallocate(); flag.deallocate(); ux.deallocate(); uy.deallocate()
            ud.deallocate(); uidx.deallocate()
        }
    }

    let st: Storage
    var nb: KDTree.Neighbours
    var nCand = 0
    var nSel = 0
    var nUn = 0
    var selValid = false
    var segEnd = 0
    var lastDk = Double.nan
    /// Neighbour count of the last ``next(_:tree:px:py:qx:qy:)``.
    var m = 0
    /// The row's sets as another pass recorded them (``NeighbourSetCache``), replayed instead of searched.
    var replay: NeighbourSetCache.Runs?
    /// Where this row's sets are recorded as they are searched, if anywhere.
    var recording: NeighbourSetCache.Runs?
    /// The replayed run of the current target, and where its set starts in the recorded indices.
    var run = -1
    var runOffset = 0
    /// After ``next(_:tree:px:py:qx:qy:)``: the neighbours' sample indices, ascending, and their squared
    /// distances (readable up to `m` rounded up to a multiple of 4).
    var outIdx: UnsafePointer<Int32> { UnsafePointer(st.outIdx) }
    var outD2: UnsafePointer<Double> { UnsafePointer(st.outD2) }

    init(k: Int, radius: Double, order: GstatNeighbourOrder? = nil) {
        self.k = k
        self.radius = radius
        self.order = order
        r2 = radius.isFinite ? radius * radius : .infinity
        nb = KDTree.Neighbours(capacity: k + 1)
        st = Storage(k: k)
    }

    /// Whether gstat's float keys make the k-th and the next neighbour a tie.
    @inline(__always)
    func floatTie(_ a: Double, _ b: Double) -> Bool { order != nil && Float(a) == Float(b) }

    /// Makes `list` (sample indices) the selection of target (qx, qy): outputs sorted by index.
    mutating func adopt(_ list: [Int32], px: UnsafePointer<Double>, py: UnsafePointer<Double>, qx: Double, qy: Double) {
        let oi = st.outIdx, od = st.outD2
        for (a, i) in list.sorted().enumerated() {
            let dx = px[Int(i)] - qx, dy = py[Int(i)] - qy
            oi[a] = i; od[a] = dx * dx + dy * dy
            st.sx[a] = px[Int(i)]; st.sy[a] = py[Int(i)]
        }
        nSel = list.count
        m = list.count
    }

    /// Starts a new sequence of targets (forgets the current segment); with `replaying`, the
    /// targets' sets are those recorded (for the same targets and search), with `recording` they
    /// are recorded there.
    mutating func reset(replaying: NeighbourSetCache.Runs? = nil, recording: NeighbourSetCache.Runs? = nil) {
        segEnd = 0
        selValid = false
        lastDk = .nan
        replay = replaying
        self.recording = recording
        run = -1
        runOffset = 0
    }

    /// Computes the neighbours of target `j` (targets must be visited j = 0, 1, 2, … after ``reset(replaying:recording:)``).
    /// Returns the neighbour count `m`; `outIdx[0..<m]` ascending, `outD2` in step (each
    /// (pxᵢ − qx)² + (pyᵢ − qy)², as the search computes it, so a replayed set has the same bits).
    /// `px`, `py`: the tree's points by sample index.
    @discardableResult
    mutating func next(_ j: Int, tree: KDTree, px: UnsafePointer<Double>, py: UnsafePointer<Double>,
                       qx: UnsafeBufferPointer<Double>, qy: UnsafeBufferPointer<Double>) -> Int {
        if let r = replay {
            if run + 1 < r.starts.count && Int(r.starts[run + 1]) == j {
                if run >= 0 { runOffset += Int(r.counts[run]) }
                run += 1
                m = Int(r.counts[run])
                r.copySet(from: runOffset, count: m, into: st.outIdx)
            }
            let qxj = qx[j], qyj = qy[j]
            for a in 0..<m {
                let i = Int(st.outIdx[a])
                let dx = px[i] - qxj, dy = py[i] - qyj
                st.outD2[a] = dx * dx + dy * dy
            }
            return m
        }
        let found = search(j, tree: tree, px: px, py: py, qx: qx, qy: qy)
        if let r = recording { r.append(target: j, indices: st.outIdx, count: found) }
        return found
    }

    /// The search behind ``next(_:tree:px:py:qx:qy:)``.
    private mutating func search(_ j: Int, tree: KDTree, px: UnsafePointer<Double>, py: UnsafePointer<Double>,
                       qx: UnsafeBufferPointer<Double>, qy: UnsafeBufferPointer<Double>) -> Int {
        let count = qx.count
        let st = self.st
        let k = self.k, r2 = self.r2
        if j >= segEnd {
            // The previous target's k neighbours (if it had k) bound d_k of any point: see below.
            let prevFull = selValid && nSel == k && k > 0
            selValid = false
            var S = 1
            if j + 3 < count {
                let x0 = qx[j], y0 = qy[j]
                if !lastDk.isFinite {
                    tree.nearest(x: x0, y: y0, k: k, radius: radius, into: &nb)
                    lastDk = nb.count == k ? nb.squaredDistances[k - 1].squareRoot() : radius
                }
                let sx = qx[j + 1] - x0, sy = qy[j + 1] - y0
                let step = (sx * sx + sy * sy).squareRoot()
                let reach = Self.spanFraction * 2 * lastDk / step  // ℓ ≈ spanFraction·d_k each side of the anchor
                S = reach.isFinite ? Int(Swift.min(reach, Double(Self.maxSegment))) + 1 : Self.maxSegment
                S = Swift.min(S, count - j, Self.maxSegment)
            }
            if S <= 3 {
                // Sparse targets: the tree's answer for this target directly.
                segEnd = j + 1
                tree.nearest(x: qx[j], y: qy[j], k: order == nil ? k : k + 1, radius: radius, into: &nb)
                lastDk = nb.count >= k ? nb.squaredDistances[k - 1].squareRoot() : radius
                if let order, nb.count > k, floatTie(nb.squaredDistances[k - 1], nb.squaredDistances[k]) {
                    adopt(order.nearest(x: qx[j], y: qy[j], k: k, radius: radius), px: px, py: py, qx: qx[j], qy: qy[j])
                    return m
                }
                let mm = Swift.min(nb.count, k)
                let oi = st.outIdx, od = st.outD2
                for a in 0..<mm {
                    let i = nb.indices[a], d = nb.squaredDistances[a]
                    var b = a - 1
                    while b >= 0 && oi[b] > i { oi[b + 1] = oi[b]; od[b + 1] = od[b]; b -= 1 }
                    oi[b + 1] = i; od[b + 1] = d
                }
                m = mm
                return mm
            }
            segEnd = j + S
            let a = j + S / 2
            let ax = qx[a], ay = qy[a]
            var ell = 0.0
            for t in j..<segEnd {
                let dx = qx[t] - ax, dy = qy[t] - ay
                ell = Swift.max(ell, (dx * dx + dy * dy).squareRoot())
            }
            var rho = radius + ell
            if prevFull {
                // Any k samples bound d_k(a) by their largest distance from a, so the previous
                // target's neighbours (near the anchor) give the bound without a tree query.
                var b2 = 0.0
                for t in 0..<k {
                    let dx = st.sx[t] - ax, dy = st.sy[t] - ay
                    b2 = Swift.max(b2, dx * dx + dy * dy)
                }
                let dk = b2.squareRoot()
                lastDk = Swift.min(dk, radius)
                rho = Swift.min(rho, dk + 2 * ell)
            } else {
                tree.nearest(x: ax, y: ay, k: k, radius: radius, into: &nb)
                if nb.count == k {
                    let dk = nb.squaredDistances[k - 1].squareRoot()
                    lastDk = dk
                    rho = Swift.min(rho, dk + 2 * ell)
                } else {
                    lastDk = radius
                }
            }
            rho *= 1 + 1e-9
            let rho2 = rho.isFinite ? rho * rho : Double.infinity
            var nc = 0
            tree.collect(x: ax, y: ay, r2: rho2, into: &st.candList, count: &nc)
            st.reserve(nc)
            st.candList.withUnsafeMutableBufferPointer { b in
                let c = b.baseAddress!
                // Insertion sort by index (a few dozen entries, mostly in runs).
                for t in 1..<Swift.max(nc, 1) {
                    let v = c[t]
                    var u = t - 1
                    while u >= 0 && c[u] > v { c[u + 1] = c[u]; u -= 1 }
                    c[u + 1] = v
                }
                for t in 0..<nc {
                    let i = Int(c[t])
                    st.cand[t] = c[t]; st.cx[t] = px[i]; st.cy[t] = py[i]
                }
            }
            nCand = nc
            if prevFull {
                // Carry the previous target's set into the new segment when all its samples are
                // candidates here: the others become the unselected list, and the usual check
                // below decides (a merge of two index-sorted lists instead of a fresh selection).
                var a = 0, u = 0, complete = true
                for t in 0..<nc {
                    let ci = st.cand[t]
                    while a < nSel && st.outIdx[a] < ci { complete = false; a += 1 }
                    if a < nSel && st.outIdx[a] == ci { a += 1; continue }
                    st.ux[u] = st.cx[t]; st.uy[u] = st.cy[t]; st.uidx[u] = ci; u += 1
                }
                if complete && a == nSel {
                    nUn = u
                    selValid = true
                }
            }
        }
        let qxj = qx[j], qyj = qy[j]
        let n = nCand
        var ok = false
        if selValid {
            // Is the previous selection still the k smallest (d², index) within the radius? Checked with
            // strict inequalities; while a farther selected candidate is beaten by a nearer unselected one
            // they are swapped; a tie on d² (or anything else) re-selects from scratch.
            let SX = st.sx, SY = st.sy, OD = st.outD2, OI = st.outIdx, UX = st.ux, UY = st.uy, UD = st.ud, UI = st.uidx
            var maxD = -Double.infinity, minD = Double.infinity, maxA = 0, minB = 0
            for a in 0..<nSel {
                let dx = SX[a] - qxj, dy = SY[a] - qyj
                let d = dx * dx + dy * dy
                OD[a] = d
                if d > maxD { maxD = d; maxA = a }
            }
            for b in 0..<nUn {
                let dx = UX[b] - qxj, dy = UY[b] - qyj
                let d = dx * dx + dy * dy
                UD[b] = d
                if d < minD { minD = d; minB = b }
            }
            var swapped = false
            for _ in 0..<4 {
                if maxD <= r2 && (nSel == k ? maxD < minD && !floatTie(maxD, minD) : !(minD <= r2)) { ok = true; break }
                guard nSel == k, minD < maxD else { break }
                swap(&SX[maxA], &UX[minB]); swap(&SY[maxA], &UY[minB]); swap(&OD[maxA], &UD[minB]); swap(&OI[maxA], &UI[minB])
                swapped = true
                maxD = -Double.infinity; minD = Double.infinity
                for a in 0..<nSel where OD[a] > maxD { maxD = OD[a]; maxA = a }
                for b in 0..<nUn where UD[b] < minD { minD = UD[b]; minB = b }
            }
            if ok && swapped {
                // Back to ascending sample index.
                for a in 1..<Swift.max(nSel, 1) {
                    let i = OI[a], d = OD[a], x = SX[a], y = SY[a]
                    var b = a - 1
                    while b >= 0 && OI[b] > i { OI[b + 1] = OI[b]; OD[b + 1] = OD[b]; SX[b + 1] = SX[b]; SY[b + 1] = SY[b]; b -= 1 }
                    OI[b + 1] = i; OD[b + 1] = d; SX[b + 1] = x; SY[b + 1] = y
                }
            }
        }
        if !ok {
            let X = st.cx, Y = st.cy, D = st.cd2, F = st.flag, H = st.heap
            for t in 0..<n {
                let dx = X[t] - qxj, dy = Y[t] - qyj
                D[t] = dx * dx + dy * dy
            }
            // Bounded max-heap of the k smallest (d², position) among candidates within the radius.
            var hn = 0
            for t in 0..<n {
                F[t] = false
                let d = D[t]
                guard d <= r2 else { continue }
                let ti = Int32(t)
                if hn < k {
                    var c = hn
                    hn += 1
                    while c > 0 {
                        let p = (c - 1) >> 1
                        let hp = Int(H[p])
                        if D[hp] > d || (D[hp] == d && H[p] > ti) { break }
                        H[c] = H[p]; c = p
                    }
                    H[c] = ti
                } else {
                    let h0 = Int(H[0])
                    if d > D[h0] || (d == D[h0] && ti > H[0]) { continue }
                    var c = 0
                    while true {
                        var mi = 2 * c + 1
                        if mi >= hn { break }
                        if mi + 1 < hn {
                            let a = Int(H[mi + 1]), b = Int(H[mi])
                            if D[a] > D[b] || (D[a] == D[b] && a > b) { mi += 1 }
                        }
                        let hm = Int(H[mi])
                        if D[hm] < d || (D[hm] == d && H[mi] < ti) { break }
                        H[c] = H[mi]; c = mi
                    }
                    H[c] = ti
                }
            }
            for h in 0..<hn { F[Int(H[h])] = true }
            if let order, hn == k, k > 0 {
                let dk = D[Int(H[0])]
                var tie = false
                for t in 0..<n where !F[t] && D[t] <= r2 && floatTie(dk, D[t]) { tie = true; break }
                if tie {
                    // gstat's choice among the tied samples; every one of them is a candidate (they lie
                    // within d_k·(1 + 3e-8) of the target, inside the candidate radius).
                    let list = order.nearest(x: qxj, y: qyj, k: k, radius: radius)
                    for t in 0..<n { F[t] = false }
                    var found = 0
                    for i in list {
                        var lo = 0, hi = n
                        while lo < hi { let mid = (lo + hi) >> 1; if st.cand[mid] < i { lo = mid + 1 } else { hi = mid } }
                        if lo < n && st.cand[lo] == i { F[lo] = true; found += 1 }
                    }
                    if found != list.count {
                        adopt(list, px: px, py: py, qx: qxj, qy: qyj)
                        selValid = false
                        return m
                    }
                }
            }
            var s = 0, u = 0
            for t in 0..<n {
                if F[t] {
                    st.sx[s] = X[t]; st.sy[s] = Y[t]; st.outIdx[s] = st.cand[t]; st.outD2[s] = D[t]; s += 1
                } else {
                    st.ux[u] = X[t]; st.uy[u] = Y[t]; st.uidx[u] = st.cand[t]; u += 1
                }
            }
            nSel = s; nUn = u
        }
        selValid = true
        m = nSel
        return nSel
    }
}

/// The neighbour sets of rows of targets, recorded by one interpolator's pass over a grid and
/// replayed by the next ones with the same search, so that a run's variables (same samples, same
/// neighbourhood) search the k-d tree once per row instead of once per variable.
///
/// A row is keyed by its targets (y, first and last x, count) and by the search (``searchKey(px:py:k:radius:gstatTies:)``:
/// the points, k, radius and tie rule); a set is a pure function of its target and the search,
/// so a replayed row gets the bits of a searched one. Thread safe; a row is recorded by one
/// worker and read only after it is stored.
public final class NeighbourSetCache: @unchecked Sendable {
    struct Key: Hashable {
        var search: UInt64, y: UInt64, first: UInt64, last: UInt64, count: Int
    }

    /// The sets of one row as runs of targets with the same set (the sets one after another in
    /// the indices); sample indices in 16 bits when there are at most 65,536 samples.
    final class Runs {
        var starts: [Int32] = [], counts: [Int32] = []
        var narrow: [UInt16] = [], wide: [Int32] = []
        let isWide: Bool

        init(samples: Int) { isWide = samples > 65_536 }

        var indexCount: Int { isWide ? wide.count : narrow.count }

        @inline(__always)
        func index(_ k: Int) -> Int32 { isWide ? wide[k] : Int32(narrow[k]) }

        func copySet(from o: Int, count m: Int, into out: UnsafeMutablePointer<Int32>) {
            for a in 0..<m { out[a] = index(o + a) }
        }

        /// Records target `j`'s set (`count` ascending indices), starting a run if it differs from the last.
        func append(target j: Int, indices idx: UnsafePointer<Int32>, count m: Int) {
            if let last = counts.last, Int(last) == m {
                let o = indexCount - m
                var same = true
                for a in 0..<m where index(o + a) != idx[a] { same = false; break }
                if same { return }
            }
            starts.append(Int32(j)); counts.append(Int32(m))
            if isWide {
                wide.append(contentsOf: UnsafeBufferPointer(start: idx, count: m))
            } else {
                for a in 0..<m { narrow.append(UInt16(truncatingIfNeeded: idx[a])) }
            }
        }

        /// The memory the runs take (bytes, approximately).
        var bytes: Int { (isWide ? 4 : 2) * indexCount + 8 * starts.count + 64 }
    }

    private let lock = NSLock()
    private var rows: [Key: Runs] = [:]
    private var bytes = 0
    /// The most memory the recorded rows may take; rows beyond it are searched, not recorded.
    public let budgetBytes: Int

    /// - Parameter budgetBytes: the memory the recorded rows may take (about 60 MB for the two
    ///   searches of the sample county's 9.4 million cells); a larger grid replays the rows that fit.
    public init(budgetBytes: Int = 128 << 20) { self.budgetBytes = budgetBytes }

    func runs(_ key: Key) -> Runs? { lock.withLock { rows[key] } }

    /// Whether a new row may be recorded.
    var hasRoom: Bool { lock.withLock { bytes < budgetBytes } }

    /// Stores the row a ``begin(_:search:samples:xs:y:row:)`` set out to record, once its targets are done.
    func finish(_ recording: (Key, Runs)?) {
        guard let (key, runs) = recording else { return }
        lock.withLock {
            rows[key] = runs
            bytes += runs.bytes
        }
    }

    /// The memory the recorded rows take (bytes, approximately).
    public var recordedBytes: Int { lock.withLock { bytes } }

    /// The number of rows held.
    public var count: Int { lock.withLock { rows.count } }

    /// A fingerprint of a search: the points' coordinates (bit patterns, in order), k, the radius
    /// and whether gstat's tie rule applies.
    static func searchKey(px: [Double], py: [Double], k: Int, radius: Double, gstatTies: Bool) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ v: UInt64) { h = (h ^ v) &* 0x0000_0100_0000_01b3; h ^= h >> 29 }
        mix(UInt64(px.count)); mix(UInt64(k)); mix(radius.bitPattern); mix(gstatTies ? 1 : 0)
        for i in px.indices { mix(px[i].bitPattern); mix(py[i].bitPattern) }
        return h
    }

    /// Prepares `row` for the targets (xs, y): replaying their recorded sets, or recording them
    /// (then the cache's ``finish(_:)`` stores them). Without a cache, for a single target, or
    /// when the cache is full, a plain reset.
    static func begin(_ cache: NeighbourSetCache?, search: UInt64, samples: Int, xs: UnsafeBufferPointer<Double>, y: Double,
                      row: inout RowNeighbours) -> (Key, Runs)? {
        guard let cache, xs.count > 1 else { row.reset(); return nil }
        let key = Key(search: search, y: y.bitPattern, first: xs[0].bitPattern, last: xs[xs.count - 1].bitPattern, count: xs.count)
        if let r = cache.runs(key) {
            row.reset(replaying: r)
            return nil
        }
        guard cache.hasRoom else { row.reset(); return nil }
        let r = Runs(samples: samples)
        row.reset(recording: r)
        return (key, r)
    }
}

extension KDTree {
    /// Appends the indices of all points with squared distance ≤ `r2` from (qx, qy) to `out[count...]`
    /// (growing `out` as needed), in tree order.
    func collect(x qx: Double, y qy: Double, r2: Double, into out: inout [Int32], count: inout Int) {
        func push(_ i: Int32, _ out: inout [Int32], _ count: inout Int) {
            if count == out.count { out.append(contentsOf: repeatElement(0, count: Swift.max(16, out.count))) }
            out[count] = i
            count += 1
        }
        func visit(_ lo: Int, _ hi: Int, _ out: inout [Int32], _ count: inout Int) {
            if hi - lo <= KDTree.leafSize {
                for t in lo..<hi {
                    let dx = px[t] - qx, dy = py[t] - qy
                    if dx * dx + dy * dy <= r2 { push(index[t], &out, &count) }
                }
                return
            }
            let mid = (lo + hi) >> 1
            let dx = px[mid] - qx, dy = py[mid] - qy
            if dx * dx + dy * dy <= r2 { push(index[mid], &out, &count) }
            let diff = axis[mid] == 0 ? qx - px[mid] : qy - py[mid]
            if diff <= 0 || diff * diff <= r2 { visit(lo, mid, &out, &count) }
            if diff >= 0 || diff * diff <= r2 { visit(mid + 1, hi, &out, &count) }
        }
        visit(0, px.count, &out, &count)
    }
}
