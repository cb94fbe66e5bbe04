import Foundation
import GeoIO
import Geostat
import Zonal

/// What `soilmap interpolate` did, for the caller to print.
public struct InterpolateReport: Sendable {
    public var sampleCount: Int
    public var crs: CRS?
    public var grid: GridSpec?
    /// The fitted variogram (nil for IDW and for a model given in full).
    public var variogram: FittedVariogram?
    /// The variogram model used by kriging (log scale for lognormal kriging).
    public var model: VariogramModel?
    public var warnings: [String]
    /// Wall-clock seconds per stage, in order.
    public var timings: [(stage: String, seconds: Double)] = []
}

/// The target of an interpolation: a grid (extent + resolution or size) or point locations.
public enum InterpolationTarget: Sendable {
    case grid(extent: Extent, resolution: (Double, Double)?, size: (Int, Int)?, outputs: GridOutputs, mask: String?)
    case locations(path: String, output: String)
}

/// `soilmap interpolate`: samples → surface rasters (or predictions at locations).
///
/// Outputs are written under temporary names and renamed only when all succeeded.
public func runInterpolate(source: SampleSource, settings: InterpolationSettings, target: InterpolationTarget,
                           threshold: Double? = nil, assignCRS: String? = nil, threads: Int,
                           overwrite: Bool = true) throws -> InterpolateReport {
    var warnings: [String] = []
    var clock = StageClock()
    let (table, v) = try source.load(method: settings.method, warnings: &warnings)
    clock.lap("read samples")
    var fitted: FittedVariogram? = nil
    var model: VariogramModel? = nil
    if settings.method != .idw {
        if case .fixed(let m) = settings.model {
            model = m  // given in full: no empirical variogram needed
        } else {
            let f = try fitVariogram(v, settings: settings)
            fitted = f
            model = f.model
        }
    }
    let interp = try makeInterpolator(v, settings: settings, variogram: model, threshold: threshold)
    clock.lap("model")
    let crs = try table.crs ?? assignCRS.map(CRS.init)
    let files = OutputFiles(overwrite: overwrite)
    var report = InterpolateReport(sampleCount: v.samples.count, crs: crs, grid: nil, variogram: fitted, model: model,
                                   warnings: warnings)
    switch target {
    case let .grid(extent, resolution, size, outputs, maskPath):
        let grid: GridSpec
        if let (w, h) = resolution {
            grid = try GridSpec(extent: extent, cellWidth: w, cellHeight: h)
        } else if let (c, r) = size {
            grid = try GridSpec(extent: extent, columns: c, rows: r)
        } else {
            throw InputError(.invalidArgument, path: nil, "give the grid resolution (--tr XRES YRES) or size (--outsize COLS ROWS)")
        }
        report.grid = grid
        var mask: [Bool]? = nil
        if let maskPath { mask = try polygonMask(path: maskPath, grid: grid, crs: crs, warnings: &report.warnings) }
        let tmp = GridOutputs(prediction: try files.temporaryPath(for: outputs.prediction),
                              variance: try outputs.variance.map(files.temporaryPath),
                              exceedance: try outputs.exceedance.map(files.temporaryPath),
                              layout: outputs.layout, compression: outputs.compression)
        let md = RasterMetadata.surface(field: source.field, settings: settings, sampleCount: v.samples.count, variogram: model,
                                        threshold: threshold)
        clock.lap("prepare grid")
        let t = try interpolateToRasters(interp, grid: grid, crs: crs, outputs: tmp, mask: mask, threads: threads,
                                         metadata: md, description: source.field)
        clock.laps += [("interpolate", t.compute), ("write rasters", t.write)]
        clock.reset()
    case let .locations(path, output):
        var locReader = SampleReader(path: path, sourceCRS: nil)
        locReader.unknownCRSIsTarget = true  // x/y without a CRS are in the working CRS, like --te
        let locs = try locReader.read(targetCRS: table.crs)
        report.warnings += locs.warnings
        let est = interp.predict(at: locs.coordinates)
        var t = ResultTable(fields: locs.source.fields + [FieldDefinition("prediction", .real)]
                            + (settings.method == .idw ? [] : [FieldDefinition("variance", .real)]))
        for (i, e) in est.enumerated() {
            var row = locs.source.rows[i]
            row.append(e.prediction.isFinite ? .real(e.prediction) : .null)
            if settings.method != .idw { row.append(e.variance.isFinite ? .real(e.variance) : .null) }
            t.rows.append(row)
        }
        try t.writeCSV(to: try files.temporaryPath(for: output))
        clock.lap("predict and write")
    }
    try files.commit()
    clock.lap("commit outputs")
    report.timings = clock.laps
    return report
}
