import Foundation
import GeoIO
import Geostat
import Zonal

/// Where samples come from and how to read them (shared by interpolate, variogram, cv).
public struct SampleSource: Sendable {
    public var path: String
    public var field: String
    public var layer: String?
    public var xField: String?
    public var yField: String?
    public var sourceCRS: String?
    public var targetCRS: String?
    public var idField: String?
    /// Text encoding of a CSV or shapefile without a declared one (GBK, GB18030 …).
    public var encoding: String?
    /// The round, when the samples are a SoilMap survey database.
    public var round: String?
    public var belowDetection: BelowDetectionRule = .half
    /// Accept negative values (signed variables such as log values or residuals); off for
    /// concentrations, where a negative value is an error.
    public var allowNegative = false

    public init(path: String, field: String) {
        self.path = path
        self.field = field
    }

    /// Reads the table and the variable's samples, collecting warnings.
    public func load(method: InterpolationMethod, warnings: inout [String]) throws -> (SampleTable, VariableSamples) {
        var reader = SampleReader(path: path, layer: layer, xField: xField, yField: yField,
                                  sourceCRS: try sourceCRS.map(CRS.init), idField: idField, encoding: encoding)
        reader.round = round
        let table = try reader.read(targetCRS: try targetCRS.map(CRS.init))
        warnings += table.warnings
        let v = try variableSamples(table, field: field, method: method, rule: belowDetection, allowNegative: allowNegative,
                                    warnings: &warnings)
        return (table, v)
    }
}

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

/// Wall-clock time of consecutive stages (monotonic clock).
struct StageClock {
    private var start = DispatchTime.now().uptimeNanoseconds
    var laps: [(stage: String, seconds: Double)] = []
    /// Records the time since the previous lap (or the start) as `stage`.
    mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((stage, Double(now - start) / 1e9))
        start = now
    }
    /// Restarts the current lap (after stages timed elsewhere).
    mutating func reset() { start = DispatchTime.now().uptimeNanoseconds }
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
        var md = ["SOILMAP_VERSION": SoilMapVersion.string, "SOILMAP_FIELD": source.field,
                  "SOILMAP_METHOD": settings.method.rawValue, "SOILMAP_SAMPLES": String(v.samples.count)]
        if let model { md["SOILMAP_VARIOGRAM"] = model.description + (settings.method == .lok ? " (log scale)" : "") }
        if settings.method == .idw { md["SOILMAP_IDW_POWER"] = String(settings.power) }
        if let t = threshold { md["SOILMAP_THRESHOLD"] = String(t) }
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

/// `soilmap cv`: cross-validation of a method on the samples of one variable.
public struct CVReport: Sendable {
    public var variable: VariableSamples
    public var result: CrossValidation.Result
    public var variogram: FittedVariogram?
    public var warnings: [String]

    /// Residuals table: id, x, y, observed, predicted, variance, residual, zscore, fold.
    public var residualTable: ResultTable {
        var t = ResultTable(fields: ["id", "x", "y"].map { FieldDefinition($0, $0 == "id" ? .string : .real) }
                            + ["observed", "predicted", "variance", "residual", "zscore"].map { FieldDefinition($0, .real) }
                            + [FieldDefinition("fold", .integer)])
        let s = variable.samples
        for i in 0..<s.count {
            let r = result
            let z = r.variance[i] > 0 ? r.residuals[i] / r.variance[i].squareRoot() : .nan
            func num(_ d: Double) -> AttributeValue { d.isFinite ? .real(d) : .null }
            t.rows.append([.string(s.id(i)), .real(s.x[i]), .real(s.y[i]), num(r.observed[i]), num(r.predicted[i]),
                           num(r.variance[i]), num(r.residuals[i]), num(z), .integer(Int64(r.folds[i]))])
        }
        return t
    }

    /// The statistics as JSON: n, me, mae, rmse, msdr (kriging), correlation, method.
    public func statisticsJSON(method: InterpolationMethod) -> [String: JSONValue] {
        let st = result.statistics
        var o: [String: JSONValue] = [
            "n": .int(Int64(st.count)), "missing": .int(Int64(st.missingCount)),
            "me": .number(st.meanError), "mae": .number(st.meanAbsoluteError), "rmse": .number(st.rootMeanSquaredError),
            "correlation": st.correlation.isFinite ? .number(st.correlation) : .null, "method": .string(method.rawValue),
        ]
        if method != .idw { o["msdr"] = st.meanSquaredDeviationRatio.isFinite ? .number(st.meanSquaredDeviationRatio) : .null }
        if let m = variogram?.model { o["variogram"] = .string(m.description) }
        return o
    }
}

public func runCrossValidation(source: SampleSource, settings: InterpolationSettings, folds: CrossValidation.Folds,
                               threads: Int) throws -> CVReport {
    var warnings: [String] = []
    let (_, v) = try source.load(method: settings.method, warnings: &warnings)
    var fitted: FittedVariogram? = nil
    if settings.method != .idw { fitted = try fitVariogram(v, settings: settings) }
    let interp = try makeInterpolator(v, settings: settings, variogram: fitted?.model)
    let result = try CrossValidation.run(interp, folds: folds, threads: threads)
    return CVReport(variable: v, result: result, variogram: fitted, warnings: warnings)
}
