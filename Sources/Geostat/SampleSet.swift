import GeoTypes

/// Point samples of one variable: coordinates in a projected CRS and a value per point.
///
/// Stored as struct-of-arrays for tight numerical loops. Several variables
/// measured at the same points can share one ``KDTree`` (build it once from
/// `x`, `y` and pass it to each interpolator).
///
/// - Units: CRS units (metres) for `x`, `y`; any unit for `values`.
/// - Assumptions: planar coordinates; geographic (degree) coordinates give
///   meaningless distances and must be projected first.
/// - Edge behaviour: the initialiser rejects NaN/infinite coordinates or values
///   (drop nodata before building a set); coincident points are allowed here, see
///   ``mergingDuplicates(tolerance:)``.
public struct SampleSet: Sendable, Hashable {
    public private(set) var x: [Double]
    public private(set) var y: [Double]
    public private(set) var values: [Double]
    /// Optional sample identifiers (for messages); `nil` means "use the index".
    public private(set) var ids: [String]?

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }

    /// Creates a validated sample set.
    /// - Throws: ``GeostatError/mismatchedLengths(x:y:values:ids:)``, ``GeostatError/nonFiniteSample(index:id:)``.
    public init(x: [Double], y: [Double], values: [Double], ids: [String]? = nil) throws(GeostatError) {
        guard x.count == y.count, x.count == values.count, ids.map({ $0.count == x.count }) ?? true else {
            throw .mismatchedLengths(x: x.count, y: y.count, values: values.count, ids: ids?.count)
        }
        for i in x.indices where !(x[i].isFinite && y[i].isFinite && values[i].isFinite) {
            throw .nonFiniteSample(index: i, id: ids?[i])
        }
        self.x = x; self.y = y; self.values = values; self.ids = ids
    }

    /// Creates a validated sample set from coordinates.
    public init(coordinates: [Coordinate], values: [Double], ids: [String]? = nil) throws(GeostatError) {
        try self.init(x: coordinates.map(\.x), y: coordinates.map(\.y), values: values, ids: ids)
    }

    /// The identifier of sample `i`: its id, or `#i`.
    public func id(_ i: Int) -> String { ids?[i] ?? "#\(i)" }

    public func coordinate(_ i: Int) -> Coordinate { Coordinate(x: x[i], y: y[i]) }

    /// The same points with other values (e.g. another metal), validated.
    public func withValues(_ v: [Double]) throws(GeostatError) -> SampleSet {
        try SampleSet(x: x, y: y, values: v, ids: ids)
    }

    /// The subset at `indices` (in that order).
    public func subset(_ indices: [Int]) -> SampleSet {
        var s = self
        s.x = indices.map { x[$0] }; s.y = indices.map { y[$0] }; s.values = indices.map { values[$0] }
        s.ids = ids.map { ids in indices.map { ids[$0] } }
        return s
    }

    /// Every sample but the `i`-th, in order (leave-one-out): ``subset(_:)`` of all other indices,
    /// copied as two slices (a cross-validation makes one per sample).
    ///
    /// - Parameter keepingIDs: false drops the identifiers (``id(_:)`` then gives indices of the
    ///   subset). For a cross-validation's refits: their samples were validated as part of the
    ///   whole set, so no refit error names one, and a run's method choice makes about 10⁵ refits,
    ///   each of which would copy and free every identifier string.
    public func leavingOut(_ i: Int, keepingIDs: Bool = true) -> SampleSet {
        precondition(i >= 0 && i < count, "leavingOut: index \(i) outside 0..<\(count)")
        // Two copies each, non-generic for the coordinates and values (a generic helper here
        // looked up Array's metadata at run time on every call).
        func without(_ a: [Double]) -> [Double] {
            guard a.count > 1 else { return [] }
            return [Double](unsafeUninitializedCapacity: a.count - 1) { out, n in
                a.withUnsafeBufferPointer { src in
                    out.baseAddress!.initialize(from: src.baseAddress!, count: i)
                    (out.baseAddress! + i).initialize(from: src.baseAddress! + i + 1, count: a.count - 1 - i)
                }
                n = a.count - 1
            }
        }
        var s = self
        s.x = without(x); s.y = without(y); s.values = without(values)
        s.ids = keepingIDs ? ids.map { Array($0[..<i] + $0[(i + 1)...]) } : nil
        return s
    }

    /// Mean and (population) variance of the values.
    public var meanAndVariance: (mean: Double, variance: Double) {
        guard !values.isEmpty else { return (.nan, .nan) }
        let m = values.reduce(0, +) / Double(count)
        let v = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(count)
        return (m, v)
    }

    /// Bounding box of the sample locations, or `nil` when empty.
    public var extent: Extent? {
        guard !x.isEmpty else { return nil }
        return Extent(minX: x.min()!, minY: y.min()!, maxX: x.max()!, maxY: y.max()!)
    }

    /// A group of coincident samples replaced by one.
    public struct MergedGroup: Hashable, Sendable {
        /// Indices (into the original set, ascending) of the samples merged; the first one's location is kept.
        public var indices: [Int]
        /// Their ids (or `#index`), for a warning message.
        public var ids: [String]
        /// The mean value that replaced them.
        public var meanValue: Double
    }

    /// Replaces each group of samples closer than `tolerance` (inclusive; 0 = identical
    /// coordinates) by one sample at the first one's location with the mean value.
    ///
    /// Kriging with coincident samples gives a singular system (gstat stops with
    /// "covariance matrix singular"); merge them first and warn the user naming the
    /// returned groups. Groups are formed greedily in index order (sample i absorbs every
    /// not-yet-merged sample within `tolerance` of it), so the result is deterministic.
    ///
    /// - Returns: the merged set (original order, merged samples at their first index) and the groups.
    public func mergingDuplicates(tolerance: Double = 0) -> (samples: SampleSet, merged: [MergedGroup]) {
        let groups = tolerance > 0 ? groupsWithin(tolerance) : groupsOfIdentical()
        guard !groups.isEmpty else { return (self, []) }
        var members: [Int: [Int]] = [:]
        var skip = [Bool](repeating: false, count: count)
        for g in groups {
            members[g[0]] = g
            for j in g.dropFirst() { skip[j] = true }
        }
        var keep: [Int] = []
        var newValues: [Double] = []
        var merged: [MergedGroup] = []
        for i in 0..<count where !skip[i] {
            keep.append(i)
            if let near = members[i] {
                let m = near.reduce(0.0) { $0 + values[$1] } / Double(near.count)
                newValues.append(m)
                merged.append(MergedGroup(indices: near, ids: near.map { id($0) }, meanValue: m))
            } else {
                newValues.append(values[i])
            }
        }
        var s = subset(keep)
        s.values = newValues
        return (s, merged)
    }

    /// Groups of two or more samples within `tolerance` (> 0), formed greedily in index order;
    /// members ascending, the first being the group's smallest index.
    private func groupsWithin(_ tolerance: Double) -> [[Int]] {
        let tree = KDTree(x: x, y: y)
        var taken = [Bool](repeating: false, count: count)
        var groups: [[Int]] = []
        for i in 0..<count where !taken[i] {
            let near = tree.within(x: x[i], y: y[i], radius: tolerance).filter { !taken[$0] }
            for j in near { taken[j] = true }
            if near.count > 1 { groups.append(near) }
        }
        return groups
    }

    /// Groups of samples at identical coordinates (x == x′ and y == y′, so 0 and −0 match), by
    /// sorting (x, y, index) instead of a tree search per sample: cross-validation merges once
    /// per fold. Members ascending. (A radius-0 tree search would also join points whose squared
    /// separation underflows to 0, closer than 1e-162 units.)
    private func groupsOfIdentical() -> [[Int]] {
        let order = (0..<count).sorted { (x[$0], y[$0], $0) < (x[$1], y[$1], $1) }
        var groups: [[Int]] = []
        var a = 0
        while a < order.count {
            var b = a + 1
            while b < order.count && x[order[b]] == x[order[a]] && y[order[b]] == y[order[a]] { b += 1 }
            if b - a > 1 { groups.append(Array(order[a..<b])) }
            a = b
        }
        return groups
    }
}
