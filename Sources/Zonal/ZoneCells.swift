import GeoTypes

/// The cells of one zone: each cell's exact coverage and the values of several aligned bands
/// over the zone's window, read once.
///
/// This is "cells of a polygon → coverage → window read" in one place for every zonal job
/// (parcels, monitoring rings, screened plots): ``read(_:on:read:)`` computes the coverage and
/// calls `read` (GeoIO's window read, so no I/O happens here) once with the zone's window.
///
/// - Units: coverage in fractions of a cell; values in the bands' units, NaN for nodata.
/// - Edge behaviour: a zone missing the grid has an empty window, no values, and `read` is not
///   called.
public struct ZoneCells: Sendable {
    public let coverage: CoverageWindow
    /// Per band, the window's values row-major (``CoverageWindow/fractions``' order).
    public let bands: [[Double]]

    public var isEmpty: Bool { coverage.isEmpty }
    /// The number of cells of the window (covered or not).
    public var count: Int { coverage.fractions.count }

    /// Coverage and band values of `geometry`'s polygons on `grid`.
    public static func read<E: Error>(_ geometry: Geometry, on grid: GridSpec,
                                      read: (GridWindow) throws(E) -> [[Double]]) throws(E) -> ZoneCells {
        let cov = ExactCoverage.coverage(of: geometry, on: grid)
        guard !cov.isEmpty else { return ZoneCells(coverage: cov, bands: []) }
        return ZoneCells(coverage: cov, bands: try read(cov.window))
    }

    /// The grid row and column of window cell `k` (for messages naming a cell).
    public func position(_ k: Int) -> (row: Int, column: Int) {
        let w = coverage.window
        return (w.firstRow + k / w.columns, w.firstColumn + k % w.columns)
    }
}

/// The indices of points inside one zone, for counting samples per parcel, plot or ring.
public enum PointsInZone {
    /// The indices (ascending) of `points` inside `zone` (same CRS): a bounding-box test, then
    /// point in polygon. A point exactly on a boundary counts for neither side (rare and
    /// ambiguous for samples on a shared edge).
    public static func indices(of points: [Coordinate], in zone: Geometry) -> [Int] {
        guard let ext = zone.extent else { return [] }
        return points.indices.filter { ext.contains(points[$0]) && zone.contains(points[$0]) }
    }
}

/// Which of many zones holds a point (the first in order where zones overlap), for many points:
/// zones are bucketed on a coarse grid of their bounding boxes, so a query tests only the zones
/// whose boxes meet the point's bucket, then point in polygon as ``PointsInZone`` does.
///
/// - Edge behaviour: a point on a zone's boundary is in neither side (point in polygon's rule);
///   zones without coordinates hold nothing.
public struct ZoneIndex: Sendable {
    public let zones: [Geometry]
    private let extents: [Extent?]
    private let bounds: Extent?
    private let columns: Int, rows: Int
    /// Per bucket, the zones whose boxes meet it, in zone order.
    private let buckets: [[Int32]]

    public init(_ zones: [Geometry]) {
        self.zones = zones
        extents = zones.map(\.extent)
        let all = extents.compactMap { $0 }
        bounds = all.isEmpty ? nil : Extent(minX: all.map(\.minX).min()!, minY: all.map(\.minY).min()!,
                                            maxX: all.map(\.maxX).max()!, maxY: all.map(\.maxY).max()!)
        let side = max(1, Int(Double(max(all.count, 1)).squareRoot()))
        columns = side; rows = side
        var b = [[Int32]](repeating: [], count: side * side)
        if let bounds {
            for (k, e) in extents.enumerated() {
                guard let e else { continue }
                let (c0, r0) = Self.bucket(Coordinate(e.minX, e.minY), bounds, side, side)
                let (c1, r1) = Self.bucket(Coordinate(e.maxX, e.maxY), bounds, side, side)
                for r in min(r0, r1)...max(r0, r1) { for c in c0...c1 { b[r * side + c].append(Int32(k)) } }
            }
        }
        buckets = b
    }

    private static func bucket(_ p: Coordinate, _ e: Extent, _ columns: Int, _ rows: Int) -> (Int, Int) {
        let fx = e.width > 0 ? (p.x - e.minX) / e.width : 0, fy = e.height > 0 ? (p.y - e.minY) / e.height : 0
        return (min(columns - 1, max(0, Int(fx * Double(columns)))), min(rows - 1, max(0, Int(fy * Double(rows)))))
    }

    /// The indices (ascending) of the zones whose bounding boxes come within `distance` of `p`:
    /// the candidates for the zone nearest `p`.
    public func zones(near p: Coordinate, within distance: Double) -> [Int] {
        guard let bounds else { return [] }
        let (c0, r0) = Self.bucket(Coordinate(p.x - distance, p.y - distance), bounds, columns, rows)
        let (c1, r1) = Self.bucket(Coordinate(p.x + distance, p.y + distance), bounds, columns, rows)
        var found = Set<Int32>()
        for r in r0...r1 { for c in c0...c1 { found.formUnion(buckets[r * columns + c]) } }
        return found.map(Int.init).sorted().filter { k in
            let e = extents[k]!
            return p.x >= e.minX - distance && p.x <= e.maxX + distance && p.y >= e.minY - distance && p.y <= e.maxY + distance
        }
    }

    /// The index of the first zone holding `p`, or nil.
    public func zone(containing p: Coordinate) -> Int? {
        guard let bounds, bounds.contains(p) else { return nil }
        let (c, r) = Self.bucket(p, bounds, columns, rows)
        for k in buckets[r * columns + c] where extents[Int(k)]!.contains(p) && zones[Int(k)].contains(p) { return Int(k) }
        return nil
    }
}
