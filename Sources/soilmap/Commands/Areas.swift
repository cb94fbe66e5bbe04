import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit
import Standards

struct Areas: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Area of each zone, or of each class of a class raster inside each zone (m², ha, 亩).")

    @Argument(help: "Zone polygons.")
    var zones: String

    @Option(help: "Layer name.")
    var layer: String?

    @Option(name: .customLong("zone-field"), help: "Field naming the zone.")
    var zoneField: String

    @Option(help: "Class raster: areas per zone and class (exact coverage × cell area).")
    var raster: String?

    @Option(help: "geodesic (ellipsoid, default) or planar (CRS plane).")
    var area: AreaMode = .geodesic

    @Option(help: "Attribute encoding of a shapefile without .cpg (GBK …).")
    var encoding: String?

    @Option(name: .shortAndLong, help: "Output CSV (UTF-8 with BOM): zone, class, area_m2, area_ha, area_mu.")
    var output: String

    @OptionGroup var overwriteOption: OverwriteOption
    var overwrite: Bool { overwriteOption.overwrite }

    func run() throws {
        try runReportingErrors {
            var warnings: [String] = []
            let rows = try zoneAreas(zonesPath: zones, layer: layer, zoneField: zoneField, rasterPath: raster,
                                     mode: area, encoding: encoding, warnings: &warnings)
            printWarnings(warnings)
            let files = OutputFiles(overwrite: overwrite)
            try rows.table().writeCSV(to: try files.temporaryPath(for: output))
            try files.commit()
            let total = rows.reduce(0) { $0 + $1.areaM2 }
            print(String(format: "%d rows, total %.3f m² (%.4f ha, %.4f mu) → %@", rows.count, total,
                         AreaUnit.hectare.fromSquareMetres(total), AreaUnit.mu.fromSquareMetres(total), output))
        }
    }
}
