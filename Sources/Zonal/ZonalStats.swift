import GeoTypes

/// Coverage-weighted statistics of one raster band over one zone, mergeable across blocks.
///
/// Accumulate one ``CoverageWindow`` against one or more ``RasterWindow`` blocks (for
/// example the row blocks GeoIO reads), then ``combine(_:)`` partial results from other
/// blocks or tasks. Only cells inside both the coverage window and the raster window
/// count, so blocks that partition the raster give each cell exactly once.
///
/// | statistic | formula (over cells with coverage `c > 0`) |
/// | --- | --- |
/// | ``coverage`` | Σ c (cells with and without data) |
/// | ``dataCoverage`` | Σ c over cells with data |
/// | ``weightedSum`` | Σ c·v over cells with data |
/// | ``mean`` | Σ c·v / Σ c over cells with data (exactextract `mean`) |
/// | ``min`` / ``max`` | min / max of v over cells with data and c > 0 |
/// | ``dataFraction`` | ``dataCoverage`` / ``coverage`` — the covered fraction that has data |
///
/// - Units: coverages in cells (multiply by the cell area for an area); values in the band's units.
/// - Edge behaviour: nodata cells (the band's nodata value, and NaN for floating-point
///   bands) are excluded from every statistic except ``coverage``. With no data, ``mean``,
///   ``min`` and ``max`` are `nil`.
/// - Important: floating-point sums depend on the order of ``combine(_:)``; merge in a
///   fixed order (e.g. block order) for reproducible output.
public struct ZonalStats: Hashable, Sendable {
    public var coverage: Double = 0
    public var dataCoverage: Double = 0
    public var weightedSum: Double = 0
    public var min: Double? = nil
    public var max: Double? = nil
    /// Number of cells with coverage > 0 (with or without data).
    public var cellCount: Int = 0
    /// Number of cells with coverage > 0 and data.
    public var dataCellCount: Int = 0

    public init() {}

    public var mean: Double? { dataCoverage > 0 ? weightedSum / dataCoverage : nil }
    public var dataFraction: Double? { coverage > 0 ? dataCoverage / coverage : nil }

    /// Adds one cell with coverage `fraction` and `value` (`nil` for nodata).
    @inlinable
    public mutating func add(fraction: Double, value: Double?) {
        guard fraction > 0 else { return }
        coverage += fraction
        cellCount += 1
        guard let v = value else { return }
        dataCoverage += fraction
        weightedSum += fraction * v
        dataCellCount += 1
        if let m = min { if v < m { min = v } } else { min = v }
        if let m = max { if v > m { max = v } } else { max = v }
    }

    /// Merges statistics of disjoint cell sets (split → compute → merge).
    public mutating func combine(_ o: ZonalStats) {
        coverage += o.coverage
        dataCoverage += o.dataCoverage
        weightedSum += o.weightedSum
        cellCount += o.cellCount
        dataCellCount += o.dataCellCount
        if let m = o.min { min = Swift.min(min ?? m, m) }
        if let m = o.max { max = Swift.max(max ?? m, m) }
    }

    public func combined(with o: ZonalStats) -> ZonalStats {
        var s = self
        s.combine(o)
        return s
    }

    /// Accumulates the cells common to `coverage` and `raster`; `value` maps a raw value
    /// to a number, or to `nil` for nodata.
    @inlinable
    public mutating func accumulate<V>(_ coverage: CoverageWindow, _ raster: RasterWindow<V>,
                                       value: (V) -> Double?) {
        let common = coverage.window.intersection(raster.window)
        guard !common.isEmpty else { return }
        let cw = coverage.window, rw = raster.window
        for r in common.firstRow..<common.endRow {
            let ci = (r - cw.firstRow) * cw.columns - cw.firstColumn
            let ri = (r - rw.firstRow) * rw.columns - rw.firstColumn
            for c in common.firstColumn..<common.endColumn {
                let f = coverage.fractions[ci + c]
                if f > 0 { add(fraction: f, value: value(raster.values[ri + c])) }
            }
        }
    }

    /// Accumulates a floating-point band; NaN and `nodata` (when given) are nodata.
    @inlinable
    public mutating func accumulate<F: BinaryFloatingPoint>(_ coverage: CoverageWindow, _ raster: RasterWindow<F>,
                                                            nodata: F? = nil) {
        accumulate(coverage, raster) { v in
            (v.isNaN || v == nodata) ? nil : Double(v)
        }
    }

    /// Accumulates an integer band; `nodata` (when given) is nodata.
    @inlinable
    public mutating func accumulate<I: BinaryInteger>(_ coverage: CoverageWindow, _ raster: RasterWindow<I>,
                                                      nodata: I? = nil) {
        accumulate(coverage, raster) { v in v == nodata ? nil : Double(v) }
    }
}
