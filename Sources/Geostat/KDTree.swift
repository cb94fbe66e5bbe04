/// A static two-dimensional k-d tree over a sample set's coordinates.
///
/// Built once per sample set (O(n log n)) and shared, read-only, by every
/// variable and thread. Queries never allocate: results go into a caller-owned
/// ``KDTree/Neighbours`` buffer.
///
/// - Units: those of the coordinates (projected CRS units; distances are planar Euclidean).
/// - Determinism: ties in distance are broken by the smaller sample index, so the
///   k nearest of a point are a well-defined set whatever the build or query order.
/// - Edge behaviour: an empty tree returns no neighbours; a radius of `.infinity` means
///   "no radius limit"; points at exactly the radius are included (d ≤ r).
public struct KDTree: Sendable {
    @usableFromInline let px: [Double]
    @usableFromInline let py: [Double]
    @usableFromInline let index: [Int32]
    /// Split axis of the node whose median is at each position (0 = x, 1 = y).
    @usableFromInline let axis: [UInt8]
    @usableFromInline static let leafSize = 8
    /// Points in the tree (one fewer than stored after ``removing(_:)``).
    @usableFromInline let pointCount: Int

    /// Number of points in the tree.
    public var count: Int { pointCount }

    /// The tree of the other points, renumbered as `SampleSet.subset` of all indices but
    /// `removed` numbers them: the removed point stays in the layout but is skipped by every
    /// query (its index is −1), and indices above it go down by one.
    ///
    /// Every query gives what a tree built from the other points gives: the k nearest by
    /// (d², index) and the points within a radius do not depend on the tree's shape. O(n)
    /// instead of O(n log n); made for leave-one-out cross-validation.
    public func removing(_ removed: Int) -> KDTree {
        precondition(removed >= 0 && removed < pointCount, "KDTree.removing: no point \(removed)")
        let r = Int32(removed)
        // A branch-free loop (LLVM vectorises it): a cross-validation renumbers once per sample.
        let renumbered = [Int32](unsafeUninitializedCapacity: index.count) { out, count in
            index.withUnsafeBufferPointer { src in
                for k in 0..<src.count {
                    let v = src[k]
                    out[k] = v == r ? -1 : v &- (v > r ? 1 : 0)
                }
            }
            count = index.count
        }
        return KDTree(px: px, py: py, index: renumbered, axis: axis, pointCount: pointCount - 1)
    }

    private init(px: [Double], py: [Double], index: [Int32], axis: [UInt8], pointCount: Int) {
        self.px = px
        self.py = py
        self.index = index
        self.axis = axis
        self.pointCount = pointCount
    }

    /// Builds the tree over points `(x[i], y[i])`; the arrays must have equal length.
    public init(x: [Double], y: [Double]) {
        precondition(x.count == y.count, "KDTree: x and y lengths differ")
        precondition(x.count < Int(Int32.max))
        var idx = (0..<x.count).map { Int32($0) }
        var ax = [UInt8](repeating: 0, count: x.count)
        idx.withUnsafeMutableBufferPointer { I in
            ax.withUnsafeMutableBufferPointer { A in
                x.withUnsafeBufferPointer { X in
                    y.withUnsafeBufferPointer { Y in
                        Self.build(I.baseAddress!, A.baseAddress!, X.baseAddress!, Y.baseAddress!, 0, x.count)
                    }
                }
            }
        }
        px = idx.map { x[Int($0)] }
        py = idx.map { y[Int($0)] }
        index = idx
        axis = ax
        pointCount = x.count
    }

    /// Splits `idx[lo..<hi]` at its median by (coordinate on the wider axis, index) and recurses.
    /// Each node range is only partitioned around its median (quickselect, O(n) per level); a
    /// child range of at most `leafSize` points is sorted by the parent's key — the layout a full
    /// sort of every node range gives, in O(n log n) instead of O(n log² n).
    private static func build(_ idx: UnsafeMutablePointer<Int32>, _ ax: UnsafeMutablePointer<UInt8>,
                              _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ lo: Int, _ hi: Int) {
        guard hi - lo > leafSize else { return }
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for k in lo..<hi {
            let i = Int(idx[k])
            minX = min(minX, x[i]); maxX = max(maxX, x[i]); minY = min(minY, y[i]); maxY = max(maxY, y[i])
        }
        let a: UInt8 = (maxX - minX) >= (maxY - minY) ? 0 : 1
        let c = a == 0 ? x : y
        let mid = (lo + hi) >> 1
        select(idx, c, lo, hi, mid)
        ax[mid] = a
        if mid - lo <= leafSize { sortByKey(idx, c, lo, mid) }
        if hi - (mid + 1) <= leafSize { sortByKey(idx, c, mid + 1, hi) }
        build(idx, ax, x, y, lo, mid)
        build(idx, ax, x, y, mid + 1, hi)
    }

    /// Key order of the build: by coordinate, ties by index (a total order on distinct indices).
    @inline(__always)
    private static func less(_ a: Int32, _ b: Int32, _ c: UnsafePointer<Double>) -> Bool {
        let ca = c[Int(a)], cb = c[Int(b)]
        return ca < cb || (ca == cb && a < b)
    }

    /// Reorders `idx[lo..<hi]` so that position `k` holds the element of rank k − lo by key, with
    /// smaller keys before it and larger after (quickselect with a median-of-three pivot; after
    /// 2 log₂ n rounds without converging it sorts the remaining range instead).
    private static func select(_ idx: UnsafeMutablePointer<Int32>, _ c: UnsafePointer<Double>, _ lo: Int, _ hi: Int, _ k: Int) {
        var l = lo, r = hi - 1
        var budget = 2 * (Int.bitWidth - (hi - lo).leadingZeroBitCount)
        while r > l {
            if budget == 0 { sortByKey(idx, c, l, r + 1); return }
            budget -= 1
            // Median of three to idx[r] as the pivot.
            let m = l + (r - l) / 2
            if less(idx[m], idx[l], c) { swap(idx, m, l) }
            if less(idx[r], idx[l], c) { swap(idx, r, l) }
            if less(idx[m], idx[r], c) { swap(idx, m, r) }
            let pivot = idx[r]
            var store = l
            for t in l..<r where less(idx[t], pivot, c) {
                swap(idx, t, store); store += 1
            }
            swap(idx, store, r)
            if store == k { return }
            if k < store { r = store - 1 } else { l = store + 1 }
        }
    }

    /// Sorts `idx[lo..<hi]` by key (insertion sort; used on ranges of at most `leafSize` points
    /// and as the rare fallback of `select`).
    private static func sortByKey(_ idx: UnsafeMutablePointer<Int32>, _ c: UnsafePointer<Double>, _ lo: Int, _ hi: Int) {
        guard hi - lo > 1 else { return }
        if hi - lo > 64 {
            var range = UnsafeMutableBufferPointer(start: idx + lo, count: hi - lo)
            range.sort { less($0, $1, c) }
            return
        }
        for t in (lo + 1)..<hi {
            let v = idx[t]
            var u = t
            while u > lo && less(v, idx[u - 1], c) { idx[u] = idx[u - 1]; u -= 1 }
            idx[u] = v
        }
    }

    @inline(__always)
    private static func swap(_ idx: UnsafeMutablePointer<Int32>, _ a: Int, _ b: Int) {
        let t = idx[a]; idx[a] = idx[b]; idx[b] = t
    }

    /// A reusable result buffer: after a query, `count` neighbours sorted by
    /// increasing squared distance (ties: smaller index first).
    ///
    /// - Important: not thread safe; give each worker its own buffer.
    public struct Neighbours: Sendable {
        public private(set) var capacity: Int
        /// Number of neighbours found by the last query.
        public internal(set) var count: Int = 0
        /// Sample indices of the neighbours (first `count` entries are valid).
        public internal(set) var indices: [Int32]
        /// Squared distances of the neighbours (first `count` entries are valid).
        public internal(set) var squaredDistances: [Double]

        public init(capacity: Int) {
            precondition(capacity >= 0)
            self.capacity = capacity
            indices = [Int32](repeating: 0, count: max(capacity, 1))
            squaredDistances = [Double](repeating: 0, count: max(capacity, 1))
        }
    }

    /// Finds the `k` nearest points to `(qx, qy)` within distance `radius`.
    ///
    /// - Parameters:
    ///   - k: at most this many neighbours; must not exceed `result.capacity`.
    ///   - radius: search radius (inclusive), `.infinity` for none.
    /// - Complexity: O(log n + k log k) expected.
    public func nearest(x qx: Double, y qy: Double, k: Int, radius: Double = .infinity, into result: inout Neighbours) {
        precondition(k <= result.capacity, "KDTree.nearest: k exceeds the buffer capacity")
        result.count = 0
        guard k > 0, pointCount > 0 else { return }
        let r2 = radius.isFinite ? radius * radius : Double.infinity
        var n = 0
        result.indices.withUnsafeMutableBufferPointer { hi in
            result.squaredDistances.withUnsafeMutableBufferPointer { hd in
                px.withUnsafeBufferPointer { X in
                    py.withUnsafeBufferPointer { Y in
                        index.withUnsafeBufferPointer { I in
                            axis.withUnsafeBufferPointer { A in
                                var s = Search(X: X, Y: Y, I: I, A: A, hd: hd, hi: hi, k: k, r2: r2, qx: qx, qy: qy, n: 0)
                                s.visit(0, X.count)
                                n = s.n
                                // Heap → ascending (d², index) by insertion sort (k is small).
                                if n > 1 {
                                    for a in 1..<n {
                                        let d = hd[a], i = hi[a]
                                        var b = a - 1
                                        while b >= 0 && (hd[b] > d || (hd[b] == d && hi[b] > i)) {
                                            hd[b + 1] = hd[b]; hi[b + 1] = hi[b]; b -= 1
                                        }
                                        hd[b + 1] = d; hi[b + 1] = i
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        result.count = n
    }

    /// Indices of all points within `radius` (inclusive) of `(qx, qy)`, ascending by index.
    public func within(x qx: Double, y qy: Double, radius: Double) -> [Int] {
        var out: [Int] = []
        let r2 = radius * radius
        func visit(_ lo: Int, _ hi: Int) {
            if hi - lo <= KDTree.leafSize {
                for k in lo..<hi {
                    let dx = px[k] - qx, dy = py[k] - qy
                    if dx * dx + dy * dy <= r2 && index[k] >= 0 { out.append(Int(index[k])) }
                }
                return
            }
            let mid = (lo + hi) >> 1
            let dx = px[mid] - qx, dy = py[mid] - qy
            if dx * dx + dy * dy <= r2 && index[mid] >= 0 { out.append(Int(index[mid])) }
            let diff = axis[mid] == 0 ? qx - px[mid] : qy - py[mid]
            if diff <= 0 || diff * diff <= r2 { visit(lo, mid) }
            if diff >= 0 || diff * diff <= r2 { visit(mid + 1, hi) }
        }
        visit(0, px.count)
        return out.sorted()
    }
}

/// The k-nearest search state: a bounded max-heap keyed by (d², index).
private struct Search {
    let X: UnsafeBufferPointer<Double>, Y: UnsafeBufferPointer<Double>
    let I: UnsafeBufferPointer<Int32>, A: UnsafeBufferPointer<UInt8>
    let hd: UnsafeMutableBufferPointer<Double>, hi: UnsafeMutableBufferPointer<Int32>
    let k: Int, r2: Double, qx: Double, qy: Double
    var n: Int

    @inline(__always)
    mutating func offer(_ d: Double, _ i: Int32) {
        guard d <= r2, i >= 0 else { return }  // i < 0: a point removed by `removing(_:)`
        if n < k {
            var c = n
            n += 1
            while c > 0 {
                let p = (c - 1) >> 1
                if hd[p] > d || (hd[p] == d && hi[p] > i) { break }
                hd[c] = hd[p]; hi[c] = hi[p]; c = p
            }
            hd[c] = d; hi[c] = i
        } else {
            if d > hd[0] || (d == hd[0] && i > hi[0]) { return }
            var c = 0
            while true {
                var m = 2 * c + 1
                if m >= n { break }
                if m + 1 < n && (hd[m + 1] > hd[m] || (hd[m + 1] == hd[m] && hi[m + 1] > hi[m])) { m += 1 }
                if hd[m] < d || (hd[m] == d && hi[m] < i) { break }
                hd[c] = hd[m]; hi[c] = hi[m]; c = m
            }
            hd[c] = d; hi[c] = i
        }
    }

    @inline(__always)
    var bound: Double { n < k ? r2 : hd[0] }

    mutating func visit(_ lo: Int, _ hi: Int) {
        if hi - lo <= KDTree.leafSize {
            for j in lo..<hi {
                let dx = X[j] - qx, dy = Y[j] - qy
                offer(dx * dx + dy * dy, I[j])
            }
            return
        }
        let mid = (lo + hi) >> 1
        let diff = A[mid] == 0 ? qx - X[mid] : qy - Y[mid]
        let dx = X[mid] - qx, dy = Y[mid] - qy
        offer(dx * dx + dy * dy, I[mid])
        if diff <= 0 {
            visit(lo, mid)
            if diff * diff <= bound { visit(mid + 1, hi) }
        } else {
            visit(mid + 1, hi)
            if diff * diff <= bound { visit(lo, mid) }
        }
    }
}

extension KDTree.Neighbours {
    /// Sorts the first `count` indices ascending (insertion sort; distances are not kept in step).
    mutating func sortIndicesAscending() {
        let m = count
        guard m > 1 else { return }
        indices.withUnsafeMutableBufferPointer { ib in
            for a in 1..<m {
                let v = ib[a]
                var b = a - 1
                while b >= 0 && ib[b] > v { ib[b + 1] = ib[b]; b -= 1 }
                ib[b + 1] = v
            }
        }
    }
}
