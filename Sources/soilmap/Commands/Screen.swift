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

    @OptionGroup var sampleOptions: PointSampleOptions

    @Option(help: "Interpolated surface NAME=FILE (repeatable), NAME a GB 36600 pollutant, e.g. Pb=Pb.tif.")
    var surface: [String] = []

    @Option(name: .shortAndLong, help: "Plots with results (GeoPackage, styled by verdict for QGIS).")
    var output: String

    @Option(help: "Findings per plot and pollutant: CSV (UTF-8 with BOM) or XLSX by extension.")
    var table: String?

    @Option(help: "The plots needing detailed investigation or a survey: CSV or XLSX by extension.")
    var list: String?

    @OptionGroup var overwriteOption: OverwriteOption
    var overwrite: Bool { overwriteOption.overwrite }

    func validate() throws {
        guard sampleOptions.samples != nil || !surface.isEmpty else { throw ValidationError("give --samples with --fields, or --surface NAME=FILE, or both") }
        if sampleOptions.samples != nil && sampleOptions.fields == nil { throw ValidationError("--samples needs --fields (the pollutant columns to screen)") }
        guard ["class1", "class2", "1", "2"].contains(landClass) else { throw ValidationError("--land-class is class1 or class2") }
    }

    func run() throws {
        try runReportingErrors {
            var s = ScreenSettings()
            s.useField = useField
            if let useMap { s.useMapping = try PlannedUseMapping(adding: useMap) }
            s.defaultClass = landClass.hasSuffix("2") ? .class2 : .class1
            s.idField = idField
            s.encoding = sampleOptions.columns.encoding
            let table = try sampleOptions.reader()?.read()
            let r = try screenPlots(plotsPath: plots, layer: layer, samples: table, samplePollutants: sampleOptions.fieldList,
                                    surfaces: try namedPaths(surface, option: "--surface"), settings: s)
            printWarnings((table?.warnings ?? []) + r.warnings)
            let files = OutputFiles(overwrite: overwrite)
            try r.writeGeoPackage(to: try files.temporaryPath(for: output))
            if let path = self.table { try writeTable(r.findingsTable, to: path, sheet: "findings", files: files) }
            if let list { try writeTable(r.investigationList, to: list, sheet: "investigate", files: files) }
            try files.commit()
            let counts = Dictionary(grouping: r.plots, by: \.verdict).mapValues(\.count)
            print("\(r.plots.count) plots: \(counts[.priorityProtection] ?? 0) below the screening values, "
                  + "\(counts[.safeUtilization] ?? 0) above a screening value (detailed investigation), "
                  + "\(counts[.strictControl] ?? 0) above an intervention value, \(counts[.nodata] ?? 0) without data (survey needed)")
        }
    }
}
