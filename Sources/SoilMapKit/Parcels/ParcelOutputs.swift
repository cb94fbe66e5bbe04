import Foundation
import GeoIO
import Standards

/// Per-zone totals of a parcel analysis (the township summary).
public struct ZoneSummary: Sendable, Equatable {
    public var zone: String
    public var parcels: Int
    /// Parcels whose class (by the rule) is 1, 2, 3, and those without class.
    public var parcelsByClass: [Int]
    public var parcelsUnclassified: Int
    /// Total parcel area (m²).
    public var area: Double
    /// Coverage-weighted class areas 1…3 (m²), and the area without data.
    public var classAreas: [Double]
    public var unclassifiedArea: Double

    static func empty(_ zone: String) -> ZoneSummary {
        ZoneSummary(zone: zone, parcels: 0, parcelsByClass: [0, 0, 0], parcelsUnclassified: 0, area: 0,
                    classAreas: [0, 0, 0], unclassifiedArea: 0)
    }

    mutating func add(_ p: ParcelResult) {
        parcels += 1
        if p.soilClass == .nodata { parcelsUnclassified += 1 } else { parcelsByClass[Int(p.soilClass.rawValue) - 1] += 1 }
        area += p.area
        let ca = p.classAreas
        for k in 0..<3 { classAreas[k] += ca[k] }
        unclassifiedArea += p.unclassifiedArea
    }

    mutating func add(_ z: ZoneSummary) {
        parcels += z.parcels
        parcelsUnclassified += z.parcelsUnclassified
        area += z.area
        unclassifiedArea += z.unclassifiedArea
        for k in 0..<3 { parcelsByClass[k] += z.parcelsByClass[k]; classAreas[k] += z.classAreas[k] }
    }
}

extension ParcelAnalysis {
    /// Summaries per zone in order of first appearance, and the total.
    public var zoneSummaries: (zones: [ZoneSummary], total: ZoneSummary) {
        var byZone: [String: ZoneSummary] = [:]
        for p in parcels { byZone[p.zone, default: .empty(p.zone)].add(p) }
        let zones = zoneOrder.map { byZone[$0]! }
        var total = ZoneSummary.empty("合计 Total")
        for z in zones { total.add(z) }
        return (zones, total)
    }

    /// The township summary table: zone, parcels, areas per class in 亩 and ha, parcel counts per class.
    public func summaryTable(zoneColumn: String = "township") -> ResultTable {
        var fields = [FieldDefinition(zoneColumn, .string), FieldDefinition("parcels", .integer),
                      FieldDefinition("area_mu", .real), FieldDefinition("area_ha", .real)]
        for k in 1...3 { fields += [FieldDefinition("class\(k)_mu", .real), FieldDefinition("class\(k)_ha", .real)] }
        fields += [FieldDefinition("no_data_mu", .real), FieldDefinition("no_data_ha", .real)]
        for k in 1...3 { fields.append(FieldDefinition("parcels_class\(k)", .integer)) }
        fields.append(FieldDefinition("parcels_no_class", .integer))
        let (zones, total) = zoneSummaries
        func row(_ z: ZoneSummary) -> [AttributeValue] {
            func mu(_ a: Double) -> AttributeValue { .real(AreaUnit.mu.fromSquareMetres(a)) }
            func ha(_ a: Double) -> AttributeValue { .real(AreaUnit.hectare.fromSquareMetres(a)) }
            var r: [AttributeValue] = [.string(z.zone), .integer(Int64(z.parcels)), mu(z.area), ha(z.area)]
            for k in 0..<3 { r += [mu(z.classAreas[k]), ha(z.classAreas[k])] }
            r += [mu(z.unclassifiedArea), ha(z.unclassifiedArea)]
            r += z.parcelsByClass.map { .integer(Int64($0)) } + [.integer(Int64(z.parcelsUnclassified))]
            return r
        }
        return ResultTable(fields: fields, rows: zones.map(row) + [row(total)])
    }

    /// The summary as JSON: `{"townships": [...], "total": {...}, "standard", "rule", "area", "units"}`.
    public func summaryJSON(zoneColumn: String = "township") -> [String: JSONValue] {
        let t = summaryTable(zoneColumn: zoneColumn).jsonObjects()
        return [
            "townships": .array(t.dropLast().map { .object($0) }),
            "total": .object(t.last!),
            "standard": .string(standardName),
            "rule": .string(rule.rawValue),
            "area": .string(areaMode.rawValue),
            "units": .string("mu = 亩 (10000/15 m²), ha = hectare"),
        ]
    }

    /// Field definitions added to the parcel layer.
    var resultFields: [FieldDefinition] {
        var f = [FieldDefinition("sm_zone", .string), FieldDefinition("sm_land_use", .string),
                 FieldDefinition("sm_area_m2", .real), FieldDefinition("sm_area_mu", .real),
                 FieldDefinition("sm_class", .integer), FieldDefinition("sm_class_name", .string),
                 FieldDefinition("sm_controlling", .string)]
        for k in 1...3 { f += [FieldDefinition("sm_share\(k)", .real), FieldDefinition("sm_class\(k)_mu", .real)] }
        f.append(FieldDefinition("sm_data_fraction", .real))
        let names = pollutants + (hasPH ? [Analyte.pHName] : [])
        for n in names { f += [FieldDefinition("sm_mean_\(n)", .real), FieldDefinition("sm_max_\(n)", .real)] }
        for n in exceedanceNames { f.append(FieldDefinition("sm_pexceed_\(n)", .real)) }
        return f
    }

    /// Writes the parcels with their original attributes and geometry plus the results to a
    /// GeoPackage layer (`layerName`), optionally with a QGIS style that colours them by class.
    public func writeGeoPackage(to path: String, layerName: String = "parcels", qgisStyle: Bool = true) throws {
        let w = try VectorWriter(path: path, format: .geoPackage)
        let srcFields = source.fields.filter { !$0.name.lowercased().hasPrefix("sm_") && $0.name.lowercased() != "fid" }
        let srcIdx = srcFields.map { f in source.fields.firstIndex(of: f)! }
        let fields = srcFields + resultFields
        let l = try w.createLayer(name: layerName, geometryType: .multiPolygon, crs: source.crs, fields: fields)
        let classNames = SoilClass.allCases.map { $0.label(standardKind) }
        try l.inTransaction {
            for (p, item) in zip(parcels, source.items) {
                func num(_ d: Double) -> AttributeValue { d.isFinite ? .real(d) : .null }
                var v = srcIdx.map { item.values[$0] }
                v += [.string(p.zone), .string(p.landUse.rawValue), .real(p.area), .real(AreaUnit.mu.fromSquareMetres(p.area)),
                      .integer(Int64(p.soilClass.rawValue)), .string(classNames[Int(p.soilClass.rawValue)]),
                      p.controlling.map { .string(pollutants[$0]) } ?? .null]
                for k in 0..<3 { v += [num(p.shares[k]), num(AreaUnit.mu.fromSquareMetres(p.classAreas[k]))] }
                v.append(num(p.dataFraction))
                for s in 0..<p.means.count { v += [num(p.means[s]), num(p.maxima[s])] }
                v += p.exceedance.map(num)
                try l.append(geometry: .multiPolygon(MultiPolygon(item.geometry.polygons)), values: v)
            }
        }
        if qgisStyle { try w.executeSQLStatements(QGISStyle.layerStylesSQL(layer: layerName, field: "sm_class", standard: standardKind)) }
        try w.close()
    }

    /// Writes the township summary as CSV (UTF-8 with BOM), XLSX and JSON, each when a path is given.
    public func writeSummaries(csv: String?, xlsx: String?, json: String?, files: OutputFiles, zoneColumn: String = "township") throws {
        let t = summaryTable(zoneColumn: zoneColumn)
        if let csv { try t.writeCSV(to: try files.temporaryPath(for: csv)) }
        if let xlsx { try t.writeXLSX(to: try files.temporaryPath(for: xlsx), sheet: "township_summary") }
        if let json { try files.write(try JSONValue.encodeJSON(summaryJSON(zoneColumn: zoneColumn)), to: json) }
    }
}
