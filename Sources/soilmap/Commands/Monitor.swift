import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit
import Standards

struct Monitor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Soil around key supervised enterprises: per enterprise, ring and survey round, the samples, their statistics and exceedances.",
        discussion: """
        Rings are drawn at --rings distances around each enterprise (a point, or a site polygon: then they start at its \
        boundary). Per ring, round and pollutant: the samples inside, mean, maximum, P90, how many exceed the screening \
        and intervention values (GB 15618 at each sample's pH), and with --surface the share of the ring's area above \
        them; and the change of the mean between consecutive rounds.
        """)

    @Argument(help: "Enterprises: points or site polygons (any layer GDAL reads).")
    var enterprises: String

    @Option(help: "Layer of the enterprises, for sources with several layers.")
    var layer: String?

    @Option(name: .customLong("id-field"), help: "Enterprise identifier field (default: the feature id).")
    var idField: String?

    @Option(name: .customLong("name-field"), help: "Enterprise name field.")
    var nameField: String?

    @Option(help: "Ring limits in metres, comma-separated, e.g. 0,500,1000,2000.")
    var rings: String

    @OptionGroup var sampleOptions: PointSampleOptions

    @Option(name: .customLong("round-field"), help: "Sample column naming the survey round (e.g. 2020, 2024).")
    var roundField: String?

    @Option(name: .customLong("ph-field"), help: "Sample column with pH (GB 15618 thresholds depend on it).")
    var phField: String?

    @Option(name: .customLong("ph-value"), help: "One pH for every sample and cell.")
    var phValue: Double?

    @Option(help: "gb15618 (default), gb36600-1, gb36600-2 or a threshold CSV.")
    var standard: String = "gb15618"

    @Option(name: .customLong("land-use"), help: "Land use around the enterprises for GB 15618: paddy, other (default), orchard.")
    var landUse: LandUse = .other

    @Option(help: "Interpolated surface NAME=FILE (repeatable) for area shares above the values.")
    var surface: [String] = []

    @Option(name: .customLong("ph-surface"), help: "pH surface for the area shares (GB 15618).")
    var phSurface: String?

    @Option(name: .shortAndLong, help: "Rings with the latest round's statistics (GeoPackage, styled for QGIS).")
    var output: String

    @Option(help: "Statistics per enterprise, ring, round and pollutant: CSV or XLSX by extension.")
    var table: String?

    @Option(help: "Changes between consecutive rounds: CSV or XLSX by extension.")
    var changes: String?

    @Option(help: "A self-contained HTML report with a map per enterprise.")
    var report: String?

    @OptionGroup var overwriteOption: OverwriteOption
    var overwrite: Bool { overwriteOption.overwrite }

    func validate() throws {
        guard sampleOptions.samples != nil, sampleOptions.fields != nil else { throw ValidationError("give --samples and --fields") }
    }

    func run() throws {
        try runReportingErrors {
            let limits = try rings.split(separator: ",").map { item -> Double in
                guard let d = Double(item.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--rings: '\(item)' is not a distance in metres")
                }
                return d
            }
            var s = MonitorSettings(rings: limits)
            s.idField = idField
            s.nameField = nameField
            s.standard = StandardChoice(standard)
            s.landUse = landUse
            s.phColumn = phField
            s.phValue = phValue
            s.roundColumn = roundField
            s.encoding = sampleOptions.columns.encoding
            let r = try monitorEnterprises(path: enterprises, layer: layer, samples: try sampleOptions.reader()!, pollutants: sampleOptions.fieldList,
                                           surfaces: try namedPaths(surface, option: "--surface"), phSurface: phSurface, settings: s)
            printWarnings(r.warnings)
            let files = OutputFiles(overwrite: overwrite)
            try r.writeGeoPackage(to: try files.temporaryPath(for: output))
            if let table { try writeTable(r.statisticsTable, to: table, sheet: "statistics", files: files) }
            if let changes { try writeTable(r.changesTable, to: changes, sheet: "changes", files: files) }
            if let report { try files.write(Data(r.reportHTML(title: "Soil around key supervised enterprises").utf8), to: report) }
            try files.commit()
            let over = r.rings.filter { $0.worstClass(round: r.rounds.count - 1) >= .safeUtilization }.count
            print("\(r.rings.count / max(1, limits.count - 1)) enterprises, \(r.rings.count) rings, \(r.rounds.count) round(s): "
                  + "\(over) ring(s) with a sample above a screening value in the latest round")
        }
    }
}
