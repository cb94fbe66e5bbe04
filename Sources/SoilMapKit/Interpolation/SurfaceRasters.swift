import Foundation
import GeoIO
import GeoTypes
import Geostat
import Zonal

/// File layout of surface rasters.
public enum SurfaceLayout: String, Sendable, CaseIterable {
    /// Cloud-Optimized GeoTIFF with average overviews (the default: what QGIS and web maps read best).
    case cog = "COG"
    /// A tiled GeoTIFF without overviews (what gdal_grid writes; quicker to write, slower to browse).
    case gtiff = "GTiff"
}

/// Raster outputs of a grid interpolation.
public struct GridOutputs: Sendable {
    public var prediction: String
    public var variance: String?
    public var exceedance: String?
    public var layout: SurfaceLayout
    public var compression: Compression
    public init(prediction: String, variance: String? = nil, exceedance: String? = nil,
                layout: SurfaceLayout = .cog, compression: Compression = .deflate) {
        self.prediction = prediction
        self.variance = variance
        self.exceedance = exceedance
        self.layout = layout
        self.compression = compression
    }
}

/// Nodata value of every surface raster SoilMap writes.
let surfaceNodata: Float = -9999

/// The raster specification of a surface: Float32, 512-pixel tiles, nodata −9999, with `quantity`
/// recorded as `SOILMAP_QUANTITY` and in the band description; by default a DEFLATE COG with
/// average overviews. DEFLATE and ZSTD run at level 1 (with the floating-point predictor):
/// measured on a kriging surface, half the CPU time of GDAL's default level 6 for a file 4 %
/// larger, which is what a surface written once and read in QGIS wants.
func surfaceRasterSpec(grid: GridSpec, crs: CRS?, metadata: [String: String], quantity: String,
                       description: String, layout: SurfaceLayout = .cog, compression: Compression = .deflate) -> RasterSpec {
    var md = metadata
    md["SOILMAP_QUANTITY"] = quantity
    return RasterSpec(grid: grid, pixelType: .float32, crs: crs, nodata: Double(surfaceNodata), compression: compression,
                      tileSize: 512, cloudOptimized: layout == .cog, overviewResampling: layout == .cog ? .average : nil,
                      metadata: md, bandDescription: "\(description) \(quantity)", compressionLevel: 1)
}

/// Interpolates onto `grid` and streams the blocks into Float32 rasters (nodata −9999; COGs unless
/// `outputs.layout` says otherwise). Returns the wall-clock seconds spent interpolating (rows
/// streamed into the files) and finishing the files (COG compression and overviews).
///
/// - Parameters:
///   - window: the cells to compute (default the whole grid); the files hold just those cells
///     (``GridSpec/subgrid(_:)``) and their values equal the whole grid's.
///   - mask: cells to compute (row-major, window size); the others are not computed and are
///     nodata. Nil computes all.
///   - predictionRows: sees each block of predictions as written (nodata −9999), in row order.
///   - keepStaging: a COG prediction's staging copy is kept for reading back (``RasterWriter/keepsStaging``).
///   - metadata: written into every raster (units, method, variogram …).
@discardableResult
public func interpolateToRasters(_ interpolator: any PointInterpolator, grid: GridSpec, window: GridWindow? = nil, crs: CRS?,
                                 outputs: GridOutputs, mask: [Bool]? = nil, threads: Int, metadata: [String: String] = [:],
                                 description: String, predictionRows: ([Float]) -> Void = { _ in }, keepStaging: Bool = false,
                                 rowsDone: (Int) -> Void = { _ in }) throws -> (compute: Double, write: Double) {
    var clock = StageClock()
    let nodata = surfaceNodata
    let window = window ?? GridWindow(grid: grid)
    let local = grid.subgrid(window)
    func spec(_ what: String) -> RasterSpec {
        surfaceRasterSpec(grid: local, crs: crs, metadata: metadata, quantity: what, description: description,
                          layout: outputs.layout, compression: outputs.compression)
    }
    let pw = try RasterWriter(path: outputs.prediction, spec: spec("prediction"))
    pw.keepsStaging = keepStaging
    let vw = try outputs.variance.map { try RasterWriter(path: $0, spec: spec("kriging variance")) }
    let ew = try outputs.exceedance.map { try RasterWriter(path: $0, spec: spec("exceedance probability")) }
    func clean(_ a: [Float]) -> [Float] {
        var out = a
        for i in out.indices where !out[i].isFinite { out[i] = nodata }
        return out
    }
    // Cells outside the mask are not computed (NaN, then nodata).
    try GridInterpolation.run(interpolator, grid: grid, as: Float.self, threads: threads, blockRows: 64, window: window,
                              mask: mask) { (b: RowBlock<Float>) in
        let prediction = clean(b.prediction)
        try pw.write(rows: prediction)
        predictionRows(prediction)
        if let vw {
            guard let v = b.variance else { throw InputError(.invalidArgument, path: outputs.variance, "this method gives no variance (kriging only)") }
            try vw.write(rows: clean(v))
        }
        if let ew {
            guard let e = b.exceedance else { throw InputError(.invalidArgument, path: outputs.exceedance, "exceedance needs --method lok and --threshold") }
            try ew.write(rows: clean(e))
        }
        rowsDone(b.firstRow + b.rowCount)
    }
    clock.lap("compute")
    try RasterWriter.closeAll([pw] + [vw, ew].compactMap { $0 })
    clock.lap("write")
    return (clock.laps[0].seconds, clock.laps[1].seconds)
}
