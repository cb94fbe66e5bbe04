import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit
import Standards

extension LandUse: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
extension ParcelRule: ExpressibleByArgument {}
extension AreaMode: ExpressibleByArgument {}

/// Parses repeated `name=path` options.
func namedPaths(_ items: [String], option: String) throws -> [(name: String, path: String)] {
    try items.map { s in
        guard let eq = s.firstIndex(of: "="), eq != s.startIndex, s.index(after: eq) != s.endIndex else {
            throw ValidationError("\(option) takes NAME=PATH, e.g. \(option) cd=CD.tif (got '\(s)')")
        }
        return (String(s[..<eq]), String(s[s.index(after: eq)...]))
    }
}

struct StandardOptions: ParsableArguments {
    @Option(help: "gb15618 (farmland), gb36600-1, gb36600-2 (construction land classes 1/2), or a threshold CSV with gb15618's columns.")
    var standard: String = "gb15618"

    @Option(name: .customLong("surface"), help: "A pollutant surface NAME=RASTER (repeat for each pollutant counted).")
    var surfaces: [String] = []

    @Option(help: "pH raster on the same grid.")
    var ph: String?

    @Option(name: .customLong("ph-value"), help: "A constant pH for all cells.")
    var phValue: Double?

    func validate() throws {
        guard !surfaces.isEmpty else { throw ValidationError("give at least one --surface NAME=RASTER") }
        _ = try namedPaths(surfaces, option: "--surface")
        guard ph == nil || phValue == nil else { throw ValidationError("give --ph or --ph-value, not both") }
        if let v = phValue, !(0...14).contains(v) { throw ValidationError("--ph-value \(v) is outside 0–14") }
    }
}

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify cells by a standard: class raster (1 优先保护类, 2 安全利用类, 3 严格管控类, 0 nodata) and controlling pollutant.")

    @OptionGroup var standardOptions: StandardOptions

    @Option(name: .customLong("land-use"), help: "Land use for the thresholds: paddy, other, orchard, rotation.")
    var landUse: LandUse = .other

    @Option(name: .shortAndLong, help: "Class raster (UInt8 COG with colours and category names).")
    var output: String

    @Option(help: "Controlling-pollutant raster.")
    var controlling: String?

    @Option(help: "Polygons of the study area (townships, parcels): cells they do not touch become nodata.")
    var mask: String?

    @Flag(help: "Replace existing outputs.")
    var overwrite = false

    func run() throws {
        try runReportingErrors {
            let r = try runClassify(surfaces: try namedPaths(standardOptions.surfaces, option: "--surface"),
                                    phPath: standardOptions.ph, phValue: standardOptions.phValue,
                                    standard: StandardChoice(standardOptions.standard), landUse: landUse,
                                    output: output, controllingOutput: controlling, overwrite: overwrite, maskPath: mask)
            printWarnings(r.warnings)
            let total = max(r.cellCounts.reduce(0, +), 1)
            for k in 1...3 {
                print(String(format: "%@: %d cells (%.2f %%)", SoilClass(rawValue: UInt8(k))!.label(), r.cellCounts[k],
                             100 * Double(r.cellCounts[k]) / Double(total)))
            }
            print("nodata: \(r.cellCounts[0]) cells → \(output)")
        }
    }
}

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

    @Flag(help: "Replace existing outputs.")
    var overwrite = false

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

    @Flag(help: "Replace existing outputs.")
    var overwrite = false

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
