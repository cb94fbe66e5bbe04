import Foundation
import GeoIO
import Standards

extension ScreeningResult {
    static let verdictKind = StandardKind.constructionLand(.class1)

    /// One row per plot and pollutant: thresholds, samples, surface areas, verdict.
    public var findingsTable: ResultTable {
        var t = ResultTable(fields: [
            FieldDefinition("plot_id", .string), FieldDefinition("planned_use", .string), FieldDefinition("land_class", .string),
            FieldDefinition("pollutant", .string), FieldDefinition("screening_mg_kg", .real), FieldDefinition("intervention_mg_kg", .real),
            FieldDefinition("samples", .integer), FieldDefinition("samples_over_screening", .integer),
            FieldDefinition("samples_over_intervention", .integer), FieldDefinition("sample_max_mg_kg", .real),
            FieldDefinition("sample_max_id", .string), FieldDefinition("surface_max_mg_kg", .real), FieldDefinition("surface_area_m2", .real),
            FieldDefinition("area_over_screening_m2", .real), FieldDefinition("area_over_intervention_m2", .real),
            FieldDefinition("verdict", .string),
        ])
        func num(_ d: Double?) -> AttributeValue { d.map { $0.isFinite ? .real($0) : .null } ?? .null }
        for p in plots {
            for f in p.findings {
                t.rows.append([.string(p.id), .string(p.plannedUse), .string(p.landClass.rawValue), .string(f.pollutant),
                               .real(f.threshold.screening), num(f.threshold.intervention), .integer(Int64(f.samples)),
                               .integer(Int64(f.samplesOverScreening)), .integer(Int64(f.samplesOverIntervention)), num(f.sampleMax),
                               f.sampleMaxId.map { .string($0) } ?? .null, num(f.surfaceMax), .real(f.surfaceArea),
                               .real(f.areaOverScreening), .real(f.areaOverIntervention),
                               .string(f.verdict.englishName(Self.verdictKind))])
            }
        }
        return t
    }

    /// The plots that need detailed investigation (a value above a screening value) or a
    /// survey (no data), worst first, then in layer order.
    public var investigationList: ResultTable {
        var t = ResultTable(fields: [
            FieldDefinition("plot_id", .string), FieldDefinition("planned_use", .string), FieldDefinition("land_class", .string),
            FieldDefinition("area_m2", .real), FieldDefinition("verdict", .string), FieldDefinition("verdict_zh", .string),
            FieldDefinition("over_screening", .string), FieldDefinition("over_intervention", .string), FieldDefinition("reasons", .string),
        ])
        let listed = plots.enumerated().filter { $0.element.needsInvestigation }
            .sorted { ($0.element.verdict.rawValue, -$0.offset) > ($1.element.verdict.rawValue, -$1.offset) }
        for (_, p) in listed {
            let verdict = p.verdict == .nodata ? "Not surveyed" : p.verdict.englishName(Self.verdictKind)
            let zh = p.verdict == .nodata ? "未调查" : p.verdict.chineseName(Self.verdictKind)
            t.rows.append([.string(p.id), .string(p.plannedUse), .string(p.landClass.rawValue), .real(p.area), .string(verdict),
                           .string(zh), .string(p.overScreening.joined(separator: ", ")),
                           .string(p.overIntervention.joined(separator: ", ")), .string(p.reasons)])
        }
        return t
    }

    /// Writes the plots with their attributes and `sm_*` results to a GeoPackage layer styled
    /// for QGIS by verdict.
    public func writeGeoPackage(to path: String, layerName: String = "plots") throws {
        let w = try VectorWriter(path: path, format: .geoPackage)
        let srcFields = source.fields.filter { !$0.name.lowercased().hasPrefix("sm_") && $0.name.lowercased() != "fid" }
        let srcIdx = srcFields.map { f in source.fields.firstIndex(of: f)! }
        var fields = srcFields + [FieldDefinition("sm_land_class", .string), FieldDefinition("sm_area_m2", .real),
                                  FieldDefinition("sm_samples", .integer), FieldDefinition("sm_verdict", .integer),
                                  FieldDefinition("sm_verdict_name", .string), FieldDefinition("sm_over_screening", .string),
                                  FieldDefinition("sm_over_intervention", .string), FieldDefinition("sm_reasons", .string)]
        for n in pollutants {
            fields += [FieldDefinition("sm_max_\(n)", .real), FieldDefinition("sm_area_over_screening_\(n)", .real)]
        }
        let l = try w.createLayer(name: layerName, geometryType: .multiPolygon, crs: source.crs, fields: fields)
        try l.inTransaction {
            for (p, item) in zip(plots, source.items) {
                var v = srcIdx.map { item.values[$0] }
                v += [.string(p.landClass.rawValue), .real(p.area), .integer(Int64(p.samples)), .integer(Int64(p.verdict.rawValue)),
                      .string(p.verdict == .nodata ? "Not surveyed" : p.verdict.englishName(Self.verdictKind)),
                      .string(p.overScreening.joined(separator: ", ")), .string(p.overIntervention.joined(separator: ", ")),
                      .string(p.needsInvestigation ? p.reasons : "")]
                for f in p.findings {
                    let m = [f.sampleMax, f.surfaceMax].compactMap { $0 }.max()
                    v += [m.map { .real($0) } ?? .null, f.surfaceArea > 0 ? .real(f.areaOverScreening) : .null]
                }
                try l.append(geometry: .multiPolygon(MultiPolygon(item.geometry.polygons)), values: v)
            }
        }
        try w.executeSQLStatements(QGISStyle.layerStylesSQL(layer: layerName, field: "sm_verdict", standard: Self.verdictKind))
        try w.close()
    }
}
