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
