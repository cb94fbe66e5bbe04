import Foundation
import GeoIO
import GeoTypes
import Geostat
import Zonal

/// Interpolation methods offered to users.
public enum InterpolationMethod: String, Sendable, CaseIterable, Codable {
    /// Inverse distance weighting.
    case idw
    /// Ordinary kriging.
    case ok
    /// Lognormal (ordinary) kriging with the unbiased back-transform.
    case lok
}

/// The structures `auto` tries: Sph, Exp, Gau and Matérn with κ = 1.5 and 2.5, whose closed
/// forms keep kriging fast (κ = 0.5 is Exp). Other κ: `--model mat --kappa K`.
public let autoModelKinds: [VariogramComponent.Kind] = [
    .spherical, .exponential, .gaussian, .matern(kappa: 1.5), .matern(kappa: 2.5),
]

/// Which variogram model to use for kriging.
public enum ModelChoice: Sendable, Equatable, Codable {
    /// Fit nugget + each of ``autoModelKinds`` and keep the smallest weighted SSE.
    case auto
    /// Fit nugget + this structure.
    case fit(VariogramComponent.Kind)
    /// Use this model as given (no fitting).
    case fixed(VariogramModel)

    /// Parses `sph`, `exp`, `gau`, `mat` (with `kappa`) or `auto`.
    public static func parse(_ s: String, kappa: Double?) throws -> ModelChoice {
        switch s.lowercased() {
        case "auto": return .auto
        case "sph", "spherical": return .fit(.spherical)
        case "exp", "exponential": return .fit(.exponential)
        case "gau", "gaussian": return .fit(.gaussian)
        case "mat", "matern", "matérn": return .fit(.matern(kappa: kappa ?? 0.5))
        default:
            throw InputError(.invalidArgument, path: nil, "unknown variogram model '\(s)'; choose sph, exp, gau, mat or auto")
        }
    }
}

/// Everything that defines how one variable is interpolated.
public struct InterpolationSettings: Sendable, Equatable, Codable {
    public var method: InterpolationMethod
    public var power: Double = 2
    public var smoothing: Double = 0
    public var maxPoints: Int?
    public var minPoints: Int = 1
    public var radius: Double?
    public var model: ModelChoice = .auto
    public var anisotropy: Anisotropy?
    /// Empirical-variogram cutoff and lag width (gstat defaults when nil).
    public var cutoff: Double?
    public var width: Double?
    /// IDW with all samples, power 2, no smoothing or anisotropy: use Geostat's float32 kernel
    /// (``IDWPrecision/single``, like gdal_grid's AVX kernel; faster, ~1e-6 relative). Other IDW
    /// settings and kriging ignore it (double precision).
    public var singlePrecision: Bool = false

    public init(method: InterpolationMethod) { self.method = method }

    public func neighbourhood() throws -> Neighbourhood {
        try Neighbourhood(maxPoints: maxPoints, radius: radius ?? .infinity, minPoints: minPoints)
    }
}

/// A fitted variogram with the sample variogram it was fitted to.
public struct FittedVariogram: Sendable, Codable {
    public var empirical: EmpiricalVariogram
    public var model: VariogramModel
    /// Weighted SSE of the fit (nil for a model given by the user).
    public var weightedSSE: Double?
    /// Every candidate tried by `auto`, with its weighted SSE.
    public var candidates: [VariogramFit.Result]
    /// Whether the values were log-transformed (lognormal kriging).
    public var logScale: Bool
}

/// Sample values of one variable, ready for Geostat.
public struct VariableSamples: Sendable {
    public var name: String
    public var samples: SampleSet
    /// Row indices (into the sample table) of each sample used.
    public var rows: [Int]
}

/// Builds the sample set of `field`: parsed values, below-detection rule, duplicates merged.
///
/// - Throws: ``InputError`` for bad values (naming row and column); for `lok`, a value ≤ 0
///   names the sample and suggests a positive replacement.
public func variableSamples(_ table: SampleTable, field: String, method: InterpolationMethod,
                            rule: BelowDetectionRule = .half, allowNegative: Bool = false,
                            warnings: inout [String]) throws -> VariableSamples {
    let (rows, values) = try table.values(of: field, rule: rule, allowNegative: allowNegative, warnings: &warnings)
    guard !rows.isEmpty else {
        throw InputError(.badValue, path: table.path, "column '\(field)' has no values")
    }
    if method == .lok, let i = values.firstIndex(where: { !($0 > 0) }) {
        throw InputError(.badValue, path: table.path, location: "\(table.labels[rows[i]]), column '\(field)'",
                         "value \(values[i]) ≤ 0 cannot be log-transformed for lognormal kriging; use --method ok, or write non-detects as <DL so they get a positive value")
    }
    var set = try SampleSet(coordinates: rows.map { table.coordinates[$0] }, values: values, ids: rows.map { table.ids[$0] })
    let (merged, groups) = set.mergingDuplicates()
    var keptRows = rows
    if !groups.isEmpty {
        let dropped = Set(groups.flatMap { $0.indices.dropFirst() })
        keptRows = rows.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
        let names = groups.prefix(5).map { "\($0.ids.joined(separator: "+")) → mean \(String(format: "%g", $0.meanValue))" }
        warnings.append("\(field): \(groups.count) group(s) of samples at the same location were merged by their mean: \(names.joined(separator: "; "))\(groups.count > 5 ? "; …" : "")")
        set = merged
    }
    return VariableSamples(name: field, samples: set, rows: keptRows)
}

/// Computes the sample variogram and fits (or takes) the model, on log values for `lok`.
public func fitVariogram(_ v: VariableSamples, settings: InterpolationSettings) throws -> FittedVariogram {
    let log = settings.method == .lok
    let s = log ? try v.samples.withValues(v.samples.values.map { Foundation.log($0) }) : v.samples
    let emp = try EmpiricalVariogram.compute(s, cutoff: settings.cutoff, width: settings.width,
                                             direction: nil)
    switch settings.model {
    case .fixed(let m):
        return FittedVariogram(empirical: emp, model: m, weightedSSE: nil, candidates: [], logScale: log)
    case .auto:
        let r = try VariogramFit.auto(emp, kinds: autoModelKinds, anisotropy: settings.anisotropy)
        return FittedVariogram(empirical: emp, model: r.best.model, weightedSSE: r.best.weightedSSE, candidates: r.candidates, logScale: log)
    case .fit(let kind):
        let r = try VariogramFit.auto(emp, kinds: [kind], anisotropy: settings.anisotropy)
        return FittedVariogram(empirical: emp, model: r.best.model, weightedSSE: r.best.weightedSSE, candidates: r.candidates, logScale: log)
    }
}

/// The interpolator for a variable; `variogram` is required for kriging.
///
/// - Parameter neighbourCache: shared with the other variables of a run: those with the same
///   samples and neighbourhood search each row's neighbours once (the same bits).
public func makeInterpolator(_ v: VariableSamples, settings: InterpolationSettings, variogram: VariogramModel?,
                             threshold: Double? = nil, neighbourCache: NeighbourSetCache? = nil) throws -> any PointInterpolator {
    let nb = try settings.neighbourhood()
    switch settings.method {
    case .idw:
        var idw = try InverseDistanceWeighting(samples: v.samples, power: settings.power, smoothing: settings.smoothing,
                                               neighbourhood: nb, anisotropy: settings.anisotropy,
                                               precision: settings.singlePrecision ? .single : .double)
        idw.neighbourCache = neighbourCache
        return idw
    case .ok:
        guard let variogram else { preconditionFailure("kriging needs a variogram model") }
        var ok = try OrdinaryKriging(samples: v.samples, model: variogram, neighbourhood: nb)
        ok.neighbourCache = neighbourCache
        return ok
    case .lok:
        guard let variogram else { preconditionFailure("kriging needs a variogram model") }
        var lok = try LognormalKriging(samples: v.samples, logModel: variogram, neighbourhood: nb, threshold: threshold)
        lok.neighbourCache = neighbourCache
        return lok
    }
}

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

/// The cells of `grid` (in `crs`) touched by the polygons of the layer at `path` (transformed from
/// the layer's CRS when both are known), row-major; repair notes go to `warnings`.
func polygonMask(path: String, grid: GridSpec, crs: CRS?, warnings: inout [String]) throws -> [Bool] {
    let polys = try PolygonLayer.read(path: path)
    warnings += polys.warnings
    return coverageMask(of: try polys.geometries(in: crs).flatMap(\.polygons), on: grid)
}

/// Cells of `grid` touched by any of `polygons` (exact coverage > 0), row-major.
public func coverageMask(of polygons: [Polygon], on grid: GridSpec) -> [Bool] {
    coverageMask(of: polygons, on: grid, window: GridWindow(grid: grid))
}

/// The cells of `window` (row-major, window size) that the polygons touch, with coverage computed
/// on the whole `grid`, so that a tile's mask equals the whole grid's in its cells.
public func coverageMask(of polygons: [Polygon], on grid: GridSpec, window: GridWindow) -> [Bool] {
    var mask = [Bool](repeating: false, count: window.cellCount)
    let area = grid.subgrid(window).extent
    for p in polygons {
        guard let e = Extent(enclosing: p.exterior.coordinates), e.intersects(area) else { continue }
        ExactCoverage.coverage(of: p, on: grid).forEachCoveredCell { r, c, f in
            if f > 0 && window.contains(row: r, column: c) {
                mask[(r - window.firstRow) * window.columns + c - window.firstColumn] = true
            }
        }
    }
    return mask
}
