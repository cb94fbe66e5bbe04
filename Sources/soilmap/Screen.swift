import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit
import Standards

struct Screen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Screen plots before a change of use against GB 36600-2018: which exceed the screening or intervention values, by samples and surfaces.",
        discussion: """
        Each plot gets the land class of its planned use (class 1: residential, schools, hospitals, community parks; \
        class 2: industrial, logistics, commercial, roads, utilities, green land; an empty use is class 1, clause 5.3.1). \
        Every pollutant sampled inside the plot, and every surface over it, is compared with that class's screening \
        and intervention values. Plots above a screening value, and plots with no data at all, go on the \
        "needs detailed investigation" list.
        """)

    @Argument(help: "Plot polygons (any layer GDAL reads).")
    var plots: String

    @Option(help: "Layer of the plots, for sources with several layers.")
    var layer: String?

    @Option(name: .customLong("use-field"), help: "Field with the planned use (住宅, 学校, 工业用地 … or class1/class2).")
    var useField: String?

    @Option(name: .customLong("use-map"), help: "More planned uses, e.g. '商住=class1,仓库=class2' (added to the built-in names).")
    var useMap: String?

    @Option(name: .customLong("land-class"), help: "Land class of every plot when there is no --use-field: class1 or class2.")
    var landClass: String = "class1"

    @Option(name: .customLong("id-field"), help: "Plot identifier field.")
    var idField: String?

    @Option(help: "Attribute encoding of the plots or samples when not UTF-8 and undeclared (GBK …).")
    var encoding: String?

    @Option(help: "Sample points (CSV with coordinate columns, or any point layer).")
    var samples: String?

    @Option(help: "Sample columns to screen, comma-separated: GB 36600 names (Cd,Pb,As,Hg) or NAME=COLUMN (Pb=lead,Cd=镉).")
    var fields: String?

    @Option(name: .customLong("x-field"), help: "Column of x / longitude in the samples.")
    var xField: String?

    @Option(name: .customLong("y-field"), help: "Column of y / latitude in the samples.")
    var yField: String?

    @Option(name: [.customLong("s-srs"), .customLong("s_srs", withSingleDash: true)], help: "CRS of the samples when they declare none.")
    var sSrs: String?

    @Option(name: .customLong("sample-id-field"), help: "Column with sample ids (guessed: sample_id, id, 编号 …).")
    var sampleIdField: String?

    @Option(help: "Interpolated surface NAME=FILE (repeatable), NAME a GB 36600 pollutant, e.g. Pb=Pb.tif.")
    var surface: [String] = []

    @Option(name: .shortAndLong, help: "Plots with results (GeoPackage, styled by verdict for QGIS).")
    var output: String

    @Option(help: "Findings per plot and pollutant: CSV (UTF-8 with BOM) or XLSX by extension.")
    var table: String?

    @Option(help: "The plots needing detailed investigation or a survey: CSV or XLSX by extension.")
    var list: String?

    @Flag(help: "Replace existing outputs.")
    var overwrite = false

    func validate() throws {
        guard samples != nil || !surface.isEmpty else { throw ValidationError("give --samples with --fields, or --surface NAME=FILE, or both") }
        if samples != nil && fields == nil { throw ValidationError("--samples needs --fields (the pollutant columns to screen)") }
        guard ["class1", "class2", "1", "2"].contains(landClass) else { throw ValidationError("--land-class is class1 or class2") }
    }

    func run() throws {
        try runReportingErrors {
            var s = ScreenSettings()
            s.useField = useField
            if let useMap { s.useMapping = try PlannedUseMapping(adding: useMap) }
            s.defaultClass = landClass.hasSuffix("2") ? .class2 : .class1
            s.idField = idField
            s.encoding = encoding
            let columns = (fields ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .map { item -> (name: String, column: String) in
                    let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    return parts.count == 2 ? (parts[0], parts[1]) : (item, item)
                }
            var table: SampleTable? = nil
            if let samples {
                let reader = SampleReader(path: samples, xField: xField, yField: yField, sourceCRS: try sSrs.map(CRS.init),
                                          idField: sampleIdField, allowUnknownCRS: false, encoding: encoding)
                table = try reader.read()
            }
            let r = try screenPlots(plotsPath: plots, layer: layer, samples: table, samplePollutants: columns,
                                    surfaces: try namedPaths(surface, option: "--surface"), settings: s)
            printWarnings((table?.warnings ?? []) + r.warnings)
            let files = OutputFiles(overwrite: overwrite)
            try r.writeGeoPackage(to: try files.temporaryPath(for: output))
            for (path, t, sheet) in [(self.table, r.findingsTable, "findings"), (list, r.investigationList, "investigate")] {
                guard let path else { continue }
                let tmp = try files.temporaryPath(for: path)
                if path.lowercased().hasSuffix(".xlsx") { try t.writeXLSX(to: tmp, sheet: sheet) } else { try t.writeCSV(to: tmp) }
            }
            try files.commit()
            let counts = Dictionary(grouping: r.plots, by: \.verdict).mapValues(\.count)
            print("\(r.plots.count) plots: \(counts[.priorityProtection] ?? 0) below the screening values, "
                  + "\(counts[.safeUtilization] ?? 0) above a screening value (detailed investigation), "
                  + "\(counts[.strictControl] ?? 0) above an intervention value, \(counts[.nodata] ?? 0) without data (survey needed)")
        }
    }
}
