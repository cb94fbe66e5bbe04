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
