import GeoTypes

/// Coverage of each class of a `UInt8` class raster inside one zone, mergeable across blocks.
///
/// For class `k`, ``coverageByClass``[k] = Σ c over cells of class `k` (exactextract's
/// `frac` is this divided by ``dataCoverage``). Class areas follow with ``areas(_:)``.
///
/// - Units: cells (multiply by the cell area for an area).
/// - Edge behaviour: cells equal to the band's nodata value are counted in
///   ``nodataCoverage`` only. Class 0 is an ordinary class unless it is the nodata value.
/// - Important: floating-point sums depend on the order of ``combine(_:)``.
public struct ClassCoverage: Hashable, Sendable {
    /// Σ coverage per class present with coverage > 0.
    public var coverageByClass: [UInt8: Double] = [:]
    /// Σ coverage over nodata cells.
    public var nodataCoverage: Double = 0

    public init() {}

    /// Σ coverage over cells with data.
    public var dataCoverage: Double { coverageByClass.values.reduce(0, +) }
    /// Σ coverage over all cells, with or without data.
    public var coverage: Double { dataCoverage + nodataCoverage }
    /// The classes present, ascending.
    public var classes: [UInt8] { coverageByClass.keys.sorted() }

    /// What a class share is a fraction of.
    public enum ShareBasis: Hashable, Sendable {
        /// Shares of the covered cells that have data; they sum to 1 (nodata area is
        /// shared out in proportion). This is exactextract's `frac`.
        case dataCoverage
        /// Shares of all covered cells; they sum to ``ClassCoverage/dataCoverage`` /
        /// ``ClassCoverage/coverage`` and the rest is nodata.
        case totalCoverage
    }

    /// The coverage-weighted share of class `k`; 0 when nothing is covered.
    public func share(of k: UInt8, basis: ShareBasis = .dataCoverage) -> Double {
        let d = basis == .dataCoverage ? dataCoverage : coverage
        guard d > 0 else { return 0 }
        return (coverageByClass[k] ?? 0) / d
    }

    /// The share of every class present (see ``share(of:basis:)``).
    public func shares(basis: ShareBasis = .dataCoverage) -> [UInt8: Double] {
        let d = basis == .dataCoverage ? dataCoverage : coverage
        guard d > 0 else { return [:] }
        return coverageByClass.mapValues { $0 / d }
    }

    /// How class areas are obtained from coverages.
    public enum AreaModel: Hashable, Sendable {
        /// Σ coverage × `cellArea` (`--area planar`); use `GridSpec.cellArea` in a projected CRS.
        case planar(cellArea: Double)
        /// `parcelArea` × the class's share — for a parcel area computed elsewhere, e.g.
        /// geodesic area on the ellipsoid from PROJ. Areas sum to `parcelArea` with
        /// `.dataCoverage` shares.
        case scaled(parcelArea: Double, basis: ShareBasis)
    }

    /// Area of each class present, in the units of the model's area (m² in practice).
    public func areas(_ model: AreaModel) -> [UInt8: Double] {
        switch model {
        case .planar(let cellArea): return coverageByClass.mapValues { $0 * cellArea }
        case let .scaled(parcelArea, basis): return shares(basis: basis).mapValues { $0 * parcelArea }
        }
    }

    /// Adds one cell of class `k` (`nil` for nodata) with coverage `fraction`.
    @inlinable
    public mutating func add(fraction: Double, class k: UInt8?) {
        guard fraction > 0 else { return }
        if let k { coverageByClass[k, default: 0] += fraction } else { nodataCoverage += fraction }
    }

    /// Merges coverages of disjoint cell sets.
    public mutating func combine(_ o: ClassCoverage) {
        for (k, v) in o.coverageByClass { coverageByClass[k, default: 0] += v }
        nodataCoverage += o.nodataCoverage
    }

    public func combined(with o: ClassCoverage) -> ClassCoverage {
        var s = self
        s.combine(o)
        return s
    }

    /// Accumulates the cells common to `coverage` and `raster`; `classOf` maps a raw
    /// value to its class, or `nil` for nodata.
    @inlinable
    public mutating func accumulate<V>(_ coverage: CoverageWindow, _ raster: RasterWindow<V>,
                                       classOf: (V) -> UInt8?) {
        let common = coverage.window.intersection(raster.window)
        guard !common.isEmpty else { return }
        // Dense per-call tally: no hashing per cell.
        var tally = [Double](repeating: 0, count: 257)
        let cw = coverage.window, rw = raster.window
        for r in common.firstRow..<common.endRow {
            let ci = (r - cw.firstRow) * cw.columns - cw.firstColumn
            let ri = (r - rw.firstRow) * rw.columns - rw.firstColumn
            for c in common.firstColumn..<common.endColumn {
                let f = coverage.fractions[ci + c]
                guard f > 0 else { continue }
                if let k = classOf(raster.values[ri + c]) { tally[Int(k)] += f } else { tally[256] += f }
            }
        }
        for k in 0..<256 where tally[k] > 0 { coverageByClass[UInt8(k), default: 0] += tally[k] }
        nodataCoverage += tally[256]
    }

    /// Accumulates a `UInt8` class band; `nodata` (when given) is nodata.
    @inlinable
    public mutating func accumulate(_ coverage: CoverageWindow, _ raster: RasterWindow<UInt8>, nodata: UInt8? = nil) {
        accumulate(coverage, raster) { $0 == nodata ? nil : $0 }
    }
}
