import GeoTypes

/// One-call zonal statistics: coverage, one window read through a closure, accumulation.
///
/// The closure stands for GeoIO's window read, so no I/O happens here. For row-block
/// processing, compute ``ExactCoverage`` once and call the accumulators per block instead.
public enum ZonalExtraction {

    /// Statistics of a floating-point band over `polygons` (one zone).
    ///
    /// `read` is called once with the zone's window (never with an empty one) and must
    /// return values for exactly that window.
    /// - Edge behaviour: a zone missing the grid gives empty statistics without a read.
    public static func stats<F: BinaryFloatingPoint, E: Error>(
        of polygons: [Polygon], on grid: GridSpec, nodata: F? = nil,
        read: (GridWindow) throws(E) -> RasterWindow<F>
    ) throws(E) -> ZonalStats {
        let cov = ExactCoverage.coverage(of: polygons, on: grid)
        var s = ZonalStats()
        guard !cov.isEmpty else { return s }
        s.accumulate(cov, try read(cov.window), nodata: nodata)
        return s
    }

    /// Class coverages of a `UInt8` class band over `polygons` (one zone).
    public static func classCoverage<E: Error>(
        of polygons: [Polygon], on grid: GridSpec, nodata: UInt8? = nil,
        read: (GridWindow) throws(E) -> RasterWindow<UInt8>
    ) throws(E) -> ClassCoverage {
        let cov = ExactCoverage.coverage(of: polygons, on: grid)
        var s = ClassCoverage()
        guard !cov.isEmpty else { return s }
        s.accumulate(cov, try read(cov.window), nodata: nodata)
        return s
    }
}
