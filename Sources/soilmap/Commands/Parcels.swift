import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit
import Standards

struct Parcels: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per-parcel statistics, class shares, class and areas; township summary as CSV, XLSX and JSON.")

    @Argument(help: "Parcel polygons (Shapefile, GeoPackage …).")
    var parcels: String

    @Option(help: "Parcel layer name.")
    var layer: String?

    @OptionGroup var standardOptions: StandardOptions

    @Option(name: .customLong("exceedance"), help: "Exceedance-probability raster NAME=RASTER (from lognormal kriging), averaged per parcel.")
    var exceedance: [String] = []

    @Option(name: .customLong("land-use-field"), help: "Parcel field holding the land use.")
    var landUseField: String?

    @Option(name: .customLong("land-use-map"), help: "Value mapping, e.g. '水田=paddy,旱地=other,水浇地=other,果园=orchard' (default: those Chinese names).")
    var landUseMap: String?

    @Option(name: .customLong("land-use"), help: "Land use of every parcel when there is no field.")
    var landUse: LandUse = .other

    @Option(name: .customLong("zone-field"), help: "Parcel field naming the township (zone).")
    var zoneField: String?

    @Option(help: "Township (zone) polygons, when parcels carry no township field.")
    var zones: String?

    @Option(name: .customLong("zones-layer"), help: "Layer of the zone polygons, for sources with several layers.")
    var zonesLayer: String?

    @Option(name: .customLong("zone-name-field"), help: "Name field of the zone polygons.")
    var zoneNameField: String?

    @Option(name: .customLong("id-field"), help: "Parcel identifier field.")
    var idField: String?

    @Option(help: "Parcel class rule: mean (class of the mean concentrations at the mean pH), majority (largest share) or worst (worst cell).")
    var rule: ParcelRule = .mean

    @Option(help: "Areas: geodesic (ellipsoid, default) or planar (raster CRS).")
    var area: AreaMode = .geodesic

    @Option(help: "Attribute encoding of a shapefile without .cpg (GBK …).")
    var encoding: String?

    @Option(name: .shortAndLong, help: "Parcels with results (GeoPackage).")
    var output: String

    @Option(help: "Township summary CSV (UTF-8 with BOM).")
    var summary: String

    @Option(help: "Township summary as XLSX.")
    var xlsx: String?

    @Option(help: "Township summary as JSON.")
    var json: String?

    @OptionGroup var overwriteOption: OverwriteOption
    var overwrite: Bool { overwriteOption.overwrite }

    func validate() throws {
        _ = try namedPaths(exceedance, option: "--exceedance")
        guard zones == nil || zoneField == nil else { throw ValidationError("give --zone-field or --zones, not both") }
        if zones != nil && zoneNameField == nil { throw ValidationError("--zones needs --zone-name-field") }
    }

    func run() throws {
        try runReportingErrors {
            var s = ParcelSettings()
            s.standard = StandardChoice(standardOptions.standard)
            s.landUseField = landUseField
            if let landUseMap { s.landUseMapping = try LandUseMapping(parse: landUseMap) }
            s.defaultLandUse = landUse
            if let zoneField { s.zones = .field(zoneField) }
            if let zones, let zoneNameField { s.zones = .polygons(path: zones, layer: zonesLayer, nameField: zoneNameField) }
            s.rule = rule
            s.areaMode = area
            s.idField = idField
            s.encoding = encoding
            let a = try analyseParcels(parcelsPath: parcels, layer: layer,
                                       surfaces: try namedPaths(standardOptions.surfaces, option: "--surface"),
                                       phPath: standardOptions.ph, phValue: standardOptions.phValue,
                                       exceedance: try namedPaths(exceedance, option: "--exceedance"), settings: s)
            printWarnings(a.warnings)
            let files = OutputFiles(overwrite: overwrite)
            try a.writeGeoPackage(to: try files.temporaryPath(for: output))
            try a.writeSummaries(csv: summary, xlsx: xlsx, json: json, files: files)
            try files.commit()
            let (_, total) = a.zoneSummaries
            print(String(format: "%d parcels, %.1f mu: class 1 %.1f mu, class 2 %.1f mu, class 3 %.1f mu, no data %.1f mu → %@",
                         total.parcels, AreaUnit.mu.fromSquareMetres(total.area),
                         AreaUnit.mu.fromSquareMetres(total.classAreas[0]), AreaUnit.mu.fromSquareMetres(total.classAreas[1]),
                         AreaUnit.mu.fromSquareMetres(total.classAreas[2]), AreaUnit.mu.fromSquareMetres(total.unclassifiedArea), summary))
        }
    }
}
