import ArgumentParser
import Foundation
import GeoIO
import Geostat
import SoilMapKit

/// How to read coordinates and text from a samples file (shared by every command that reads samples).
struct SampleColumnOptions: ParsableArguments {
    @Option(name: .customLong("x-field"), help: "Column of x / easting / longitude (guessed: x, lon, longitude, 经度 …).")
    var xField: String?

    @Option(name: .customLong("y-field"), help: "Column of y / northing / latitude (guessed: y, lat, latitude, 纬度 …).")
    var yField: String?

    @Option(name: [.customLong("s-srs"), .customLong("s_srs", withSingleDash: true)],
            help: "CRS of the samples when the source declares none (EPSG:4326, EPSG:4547, WKT, PROJ string, .prj).")
    var sSrs: String?

    @Option(help: "Text encoding of a CSV or shapefile that is not UTF-8 and declares none (GBK, GB18030 …).")
    var encoding: String?

    /// A reader of `path` with these columns, CRS and encoding.
    func reader(_ path: String, idField: String?, round: String? = nil) throws -> SampleReader {
        var r = SampleReader(path: path, xField: xField, yField: yField, sourceCRS: try sSrs.map(CRS.init), idField: idField,
                             allowUnknownCRS: false, encoding: encoding)
        r.round = round
        return r
    }
}

/// Where the samples are and which variable to use.
struct SampleOptions: ParsableArguments {
    @Argument(help: "Sample points: any point layer GDAL reads, or a CSV with coordinate columns.")
    var samples: String

    @Option(help: "The column holding the variable (e.g. Cd).")
    var field: String

    @Option(help: "Layer name, for sources with several layers.")
    var layer: String?

    @OptionGroup var columns: SampleColumnOptions

    @Option(name: [.customLong("t-srs"), .customLong("t_srs", withSingleDash: true)],
            help: "Working (projected) CRS: samples are transformed into it; the grid extent is in it. Default: the samples' CRS, or for lon/lat samples the CGCS2000 Gauss-Krüger zone of their centre.")
    var tSrs: String?

    @Option(name: .customLong("id-field"), help: "Column with sample ids (guessed: sample_id, id, 编号 …).")
    var idField: String?

    @Option(help: "The survey round, when SAMPLES is a SoilMap survey database (soilmap db).")
    var round: String?

    @Option(name: .customLong("below-detection"),
            help: "How values written <DL become numbers: half (default), limit, zero, drop.")
    var belowDetection: BelowDetectionRule = .half

    @Flag(name: .customLong("allow-negative"), help: "Accept negative values (signed variables such as log values); concentrations must be ≥ 0 otherwise.")
    var allowNegative = false

    var source: SampleSource {
        var s = SampleSource(path: samples, field: field)
        s.layer = layer
        s.xField = columns.xField
        s.yField = columns.yField
        s.sourceCRS = columns.sSrs
        s.targetCRS = tSrs
        s.idField = idField
        s.encoding = columns.encoding
        s.round = round
        s.belowDetection = belowDetection
        s.allowNegative = allowNegative
        return s
    }
}

/// Sample points with several pollutant columns (screen, monitor).
struct PointSampleOptions: ParsableArguments {
    @Option(help: "Sample points (CSV with coordinate columns, or any point layer).")
    var samples: String?

    @Option(help: "Pollutant columns, comma-separated: standard names (Cd,Pb,As) or NAME=COLUMN (Pb=lead,Cd=镉).")
    var fields: String?

    @OptionGroup var columns: SampleColumnOptions

    @Option(name: .customLong("sample-id-field"), help: "Column with sample ids (guessed: sample_id, id, 编号 …).")
    var sampleIdField: String?

    @Option(help: "The survey round, when --samples is a SoilMap survey database (default: every round).")
    var round: String?

    /// The reader of `--samples`, or nil without it.
    func reader() throws -> SampleReader? {
        guard let samples else { return nil }
        return try columns.reader(samples, idField: sampleIdField, round: round)
    }

    /// `--fields`: `Cd,Pb` or `Cd=镉,Pb=lead` as pollutant names and the columns holding them.
    var fieldList: [(name: String, column: String)] { Self.parseFields(fields ?? "") }

    static func parseFields(_ s: String) -> [(name: String, column: String)] {
        s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { item in
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.count == 2 ? (parts[0], parts[1]) : (item, item)
        }
    }
}

/// Writes a result table as XLSX when `path` ends in .xlsx, else as CSV (UTF-8 with BOM).
func writeTable(_ t: ResultTable, to path: String, sheet: String, files: OutputFiles) throws {
    let tmp = try files.temporaryPath(for: path)
    if path.lowercased().hasSuffix(".xlsx") { try t.writeXLSX(to: tmp, sheet: sheet) } else { try t.writeCSV(to: tmp) }
}

extension BelowDetectionRule: ExpressibleByArgument {}
extension InterpolationMethod: ExpressibleByArgument {}

/// How to interpolate.
struct MethodOptions: ParsableArguments {
    @Option(help: "idw, ok (ordinary kriging) or lok (lognormal kriging).")
    var method: InterpolationMethod = .idw

    @Option(help: "IDW power (default 2).")
    var power: Double = 2

    @Option(help: "IDW smoothing (added as smoothing² to squared distances, as gdal_grid).")
    var smoothing: Double = 0

    @Flag(name: .customLong("single-precision"), help: "IDW with all samples in float32 like gdal_grid's AVX kernel (~1e-6 relative; 4× faster on CPUs with FMA, x86-64 since 2013, slower than the default without).")
    var singlePrecision = false

    @Option(name: .customLong("max-points"), help: "Use only the N nearest samples (local neighbourhood).")
    var maxPoints: Int?

    @Option(name: .customLong("min-points"), help: "Cells with fewer samples in the neighbourhood become nodata.")
    var minPoints: Int = 1

    @Option(help: "Search radius in working-CRS units (metres).")
    var radius: Double?

    @Option(help: "Variogram model: sph, exp, gau, mat or auto (fit all, keep the best).")
    var model: String = "auto"

    @Option(help: "Nugget of a given model (with --psill and --range: no fitting).")
    var nugget: Double?

    @Option(help: "Partial sill of a given model.")
    var psill: Double?

    @Option(help: "Range parameter of a given model (gstat's parameterisation).")
    var range: Double?

    @Option(help: "Matérn smoothness κ.")
    var kappa: Double?

    @Option(help: "Geometric anisotropy ANGLE,RATIO (gstat's anis: angle of the major axis clockwise from north, minor/major ratio).")
    var anisotropy: String?

    @Option(help: "Empirical variogram cutoff (default: one third of the bounding-box diagonal).")
    var cutoff: Double?

    @Option(help: "Empirical variogram lag width (default: cutoff / 15).")
    var width: Double?

    /// Checks the model options before running, so a bad combination is a usage error (exit 64).
    func validate() throws {
        do { _ = try settings() } catch let e as ValidationError { throw e } catch { throw ValidationError("\(error)") }
    }

    func settings() throws -> InterpolationSettings {
        var s = InterpolationSettings(method: method)
        s.power = power
        s.smoothing = smoothing
        s.singlePrecision = singlePrecision
        s.maxPoints = maxPoints
        s.minPoints = minPoints
        s.radius = radius
        s.cutoff = cutoff
        s.width = width
        if let a = anisotropy {
            let parts = a.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2 else { throw ValidationError("--anisotropy takes ANGLE,RATIO, e.g. 45,0.5") }
            s.anisotropy = try Anisotropy(angle: parts[0], ratio: parts[1])
        }
        let given = [nugget, psill, range].compactMap { $0 }.count
        if given > 0 {
            guard given == 3 || (psill != nil && range != nil) else {
                throw ValidationError("a given model needs --psill and --range (and optionally --nugget)")
            }
            guard model.lowercased() != "auto" else { throw ValidationError("with --psill/--range, name the model type with --model sph|exp|gau|mat") }
            guard case .fit(let kind) = try ModelChoice.parse(model, kappa: kappa) else { throw ValidationError("bad --model") }
            var comps = [VariogramComponent(kind, partialSill: psill!, range: range!)]
            if let n = nugget, n > 0 { comps.insert(VariogramComponent(.nugget, partialSill: n), at: 0) }
            s.model = .fixed(VariogramModel(comps, anisotropy: s.anisotropy))
        } else {
            s.model = try ModelChoice.parse(model, kappa: kappa)
        }
        return s
    }
}

/// Shared output of the commands that print one line per warning.
func printWarnings(_ warnings: [String]) {
    for w in warnings { FileHandle.standardError.write(Data("soilmap: note: \(w)\n".utf8)) }
}

func threadCount(_ n: Int?) -> Int { max(n ?? ProcessInfo.processInfo.activeProcessorCount, 1) }
