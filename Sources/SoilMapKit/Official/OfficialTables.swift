import Foundation
import GeoIO
import GeoTypes
import Standards

/// Rounding as bureaus report: 亩 and m² to 2 decimals, hectares to 4.
enum ReportedArea {
    static func mu(_ m2: Double) -> Double { round(AreaUnit.mu.fromSquareMetres(m2), 2) }
    static func ha(_ m2: Double) -> Double { round(AreaUnit.hectare.fromSquareMetres(m2), 4) }
    static func m2(_ m2: Double) -> Double { round(m2, 2) }
    static func round(_ v: Double, _ digits: Int) -> Double {
        let s = pow(10, Double(digits))
        return (v * s).rounded() / s
    }
}

/// The class areas of a set of units, summed from the unit list's reported (rounded) areas, so
/// that the tables add up to the list exactly.
struct ClassAreaTotals {
    var units = 0
    /// 亩, hectares, m² per final class 1…3, and without a class.
    var mu = [Double](repeating: 0, count: 4), ha = [Double](repeating: 0, count: 4), m2 = [Double](repeating: 0, count: 4)
    var review = 0
    /// Polluted and safely used 耕地 (m² as listed).
    var pollutedMu = 0.0, safelyUsedMu = 0.0

    mutating func add(_ u: EvaluationUnit) {
        units += 1
        let k = u.finalClass == .nodata ? 3 : Int(u.finalClass.rawValue) - 1
        mu[k] += ReportedArea.mu(u.officialArea)
        ha[k] += ReportedArea.ha(u.officialArea)
        m2[k] += ReportedArea.m2(u.officialArea)
        if u.decision.needsReview { review += 1 }
        if u.isPolluted { pollutedMu += ReportedArea.mu(u.officialArea) }
        if u.isSafelyUsed { safelyUsedMu += ReportedArea.mu(u.officialArea) }
    }

    /// Sums of rounded values, rounded again to drop the binary noise of the additions.
    var totalMu: Double { ReportedArea.round(mu.reduce(0, +), 2) }
    var totalHa: Double { ReportedArea.round(ha.reduce(0, +), 4) }
    var totalM2: Double { ReportedArea.round(m2.reduce(0, +), 2) }
    /// The safe-utilization rate (%, to 2 decimals as reported, and compared with the targets so),
    /// nil without polluted land.
    var rate: Double? { pollutedMu > 0 ? ReportedArea.round(safelyUsedMu / pollutedMu * 100, 2) : nil }
}

extension EvaluationUnits {
    /// The safe-utilization targets (%): 2020 (农科教发〔2017〕3号, about 90 %), 2025 (“十四五”土壤
    /// 生态环境保护规划, about 93 %), 2030 (土壤污染防治行动计划, 95 % and above).
    static let targets: [(year: Int, rate: Double)] = [(2020, 90), (2025, 93), (2030, 95)]

    /// The 图斑 class list (图斑类别清单), one row per unit, Chinese headers with English beside.
    func unitTable(kind: StandardKind) -> ResultTable {
        let f: [(String, FieldType)] = [
            ("图斑编号 unit_id", .string), ("乡镇 township", .string), ("坐落单位代码 village_code", .string), ("坐落单位名称 village", .string),
            ("地类 land_class", .string), ("地类组 group", .string), ("面积(亩) area_mu", .real), ("面积(公顷) area_ha", .real),
            ("面积(平方米) area_m2", .real), ("土壤类别 soil_class", .string), ("土壤类别来源 soil_from", .string),
            ("主要超标元素 controlling", .string), ("土壤样点数 soil_samples", .integer), ("农产品样品数 crop_samples", .integer),
            ("不超标 compliant", .integer), ("轻微超标 slight", .integer), ("严重超标 severe", .integer),
            ("最终类别 final_class", .string), ("待复核 review", .string), ("安全利用措施 measure", .string),
            ("农产品达标 crops_met", .string), ("依据 reason", .string),
        ]
        var t = ResultTable(fields: f.map { FieldDefinition($0.0, $0.1) })
        for u in units {
            let c = u.decision.cropCounts
            t.rows.append([.string(u.id), .string(u.township), .string(u.villageCode), .string(u.village), .string(u.landClass),
                           .string(u.group.chineseName), .real(ReportedArea.mu(u.officialArea)), .real(ReportedArea.ha(u.officialArea)),
                           .real(ReportedArea.m2(u.officialArea)), .string(u.soilClass.label(kind)), .string(u.soilSource),
                           .string(u.controlling ?? ""), .integer(Int64(u.soilSamples)), .integer(Int64(u.decision.cropSamples)),
                           .integer(Int64(c[0])), .integer(Int64(c[1])), .integer(Int64(c[2])), .string(u.finalClass.label(kind)),
                           .string(u.decision.needsReview ? "是 yes" : ""), .string(u.measure == .none ? "" : u.measure.label),
                           .string(u.cropsMet.map { $0 ? "是 yes" : "否 no" } ?? ""), .string(u.reason(kind: kind))])
        }
        return t
    }

    /// Totals per township (with `villages`, per township and village), 耕地 and 园地 apart, then
    /// a total row per group.
    func classTable(villages: Bool) -> ResultTable {
        var f: [(String, FieldType)] = [("乡镇 township", .string)]
        if villages { f += [("坐落单位代码 village_code", .string), ("坐落单位名称 village", .string)] }
        f += [("地类组 group", .string), ("图斑数 units", .integer), ("面积(亩) area_mu", .real),
              ("优先保护类(亩) class1_mu", .real), ("安全利用类(亩) class2_mu", .real), ("严格管控类(亩) class3_mu", .real),
              ("无数据(亩) no_data_mu", .real), ("面积(公顷) area_ha", .real), ("优先保护类(公顷) class1_ha", .real),
              ("安全利用类(公顷) class2_ha", .real), ("严格管控类(公顷) class3_ha", .real), ("无数据(公顷) no_data_ha", .real),
              ("面积(平方米) area_m2", .real), ("优先保护类(平方米) class1_m2", .real), ("安全利用类(平方米) class2_m2", .real),
              ("严格管控类(平方米) class3_m2", .real), ("无数据(平方米) no_data_m2", .real), ("待复核图斑 review_units", .integer)]
        var t = ResultTable(fields: f.map { FieldDefinition($0.0, $0.1) })
        for group in [FarmlandGroup.cultivated, .garden] {
            let mine = units.filter { $0.group == group }
            guard !mine.isEmpty else { continue }
            var keys: [[String]] = [], totals: [[String]: ClassAreaTotals] = [:]
            for town in townshipOrder {
                var seen: [[String]] = []
                for u in mine where u.township == town {
                    let key = villages ? [town, u.villageCode, u.village] : [town]
                    if totals[key] == nil { seen.append(key) }
                    totals[key, default: ClassAreaTotals()].add(u)
                }
                keys += villages && !seen.contains(where: { $0[1].isEmpty }) ? seen.sorted { $0[1] < $1[1] } : seen
            }
            var all = ClassAreaTotals()
            for u in mine { all.add(u) }
            for key in keys { t.rows.append(row(key, group, totals[key]!)) }
            t.rows.append(row(["合计 Total"] + (villages ? ["", ""] : []), group, all))
        }
        return t
    }

    private func row(_ key: [String], _ group: FarmlandGroup, _ s: ClassAreaTotals) -> [AttributeValue] {
        let r2 = { (v: Double) in AttributeValue.real(ReportedArea.round(v, 2)) }, r4 = { (v: Double) in AttributeValue.real(ReportedArea.round(v, 4)) }
        return key.map { .string($0) } + [.string(group.chineseName), .integer(Int64(s.units)), .real(s.totalMu),
                                          r2(s.mu[0]), r2(s.mu[1]), r2(s.mu[2]), r2(s.mu[3]), .real(s.totalHa),
                                          r4(s.ha[0]), r4(s.ha[1]), r4(s.ha[2]), r4(s.ha[3]), .real(s.totalM2),
                                          r2(s.m2[0]), r2(s.m2[1]), r2(s.m2[2]), r2(s.m2[3]), .integer(Int64(s.review))]
    }

    /// The safe-utilization rate (受污染耕地安全利用率) per township and for the whole run, 耕地 only.
    func safeUtilizationTable() -> ResultTable {
        var f: [(String, FieldType)] = [("乡镇 township", .string), ("受污染耕地(亩) polluted_mu", .real),
                                         ("安全利用(亩) safely_used_mu", .real), ("安全利用率(%) rate_percent", .real)]
        for t in Self.targets { f.append(("达到\(t.year)年目标\(shortNumber(t.rate))% meets_\(t.year)_\(shortNumber(t.rate))", .string)) }
        var t = ResultTable(fields: f.map { FieldDefinition($0.0, $0.1) })
        func row(_ name: String, _ s: ClassAreaTotals) -> [AttributeValue] {
            [.string(name), .real(ReportedArea.round(s.pollutedMu, 2)), .real(ReportedArea.round(s.safelyUsedMu, 2)),
             s.rate.map { .real($0) } ?? .null]
                + Self.targets.map { target in s.rate.map { .string($0 >= target.rate ? "是 yes" : "否 no") } ?? .string("") }
        }
        var all = ClassAreaTotals()
        for town in townshipOrder {
            var s = ClassAreaTotals()
            for u in units where u.township == town && u.group == .cultivated { s.add(u); all.add(u) }
            if s.units > 0 { t.rows.append(row(town, s)) }
        }
        t.rows.append(row("全部 All", all))
        return t
    }

    /// Writes the units as a GeoPackage layer (each unit its parcels' polygons), styled in QGIS by
    /// final class. Field names have at most 10 characters, so a shapefile export keeps them.
    func writeGeoPackage(to path: String, source: PolygonLayer, kind: StandardKind) throws {
        let w = try VectorWriter(path: path, format: .geoPackage)
        let names: [(String, FieldType)] = [("unit_id", .string), ("township", .string), ("vill_code", .string), ("village", .string),
                                            ("land_class", .string), ("land_grp", .string), ("area_mu", .real), ("area_ha", .real),
                                            ("area_m2", .real), ("soil_cls", .integer), ("soil_from", .string), ("ctrl", .string),
                                            ("n_soil", .integer), ("n_crop", .integer), ("n_ok", .integer), ("n_slight", .integer),
                                            ("n_severe", .integer), ("final_cls", .integer), ("final_name", .string), ("review", .integer),
                                            ("rule", .string), ("measure", .string), ("safe_used", .integer), ("reason", .string)]
        // Each unit one 图斑: the 图斑's own attributes (BSM, TBBH, DLBM, TBDLMJ …) come first, as delivered.
        let single = units.allSatisfy { $0.parcels.count == 1 }
        let own = single ? source.fields.indices.filter { i in
            let n = source.fields[i].name.lowercased()
            return n != "fid" && !n.hasPrefix("sm_") && !names.contains { $0.0.lowercased() == n }
        } : []
        let l = try w.createLayer(name: "units", geometryType: .multiPolygon, crs: source.crs,
                                  fields: own.map { source.fields[$0] } + names.map { FieldDefinition($0.0, $0.1) })
        try l.inTransaction {
            for u in units {
                let c = u.decision.cropCounts
                let geometry = MultiPolygon(u.parcels.flatMap { source.items[$0].geometry.polygons })
                try l.append(geometry: .multiPolygon(geometry), values: own.map { source.items[u.parcels[0]].values[$0] } + [
                    .string(u.id), .string(u.township), .string(u.villageCode), .string(u.village), .string(u.landClass),
                    .string(u.group.chineseName), .real(ReportedArea.mu(u.officialArea)), .real(ReportedArea.ha(u.officialArea)),
                    .real(ReportedArea.m2(u.officialArea)), .integer(Int64(u.soilClass.rawValue)), .string(u.soilSource),
                    .string(u.controlling ?? ""), .integer(Int64(u.soilSamples)), .integer(Int64(u.decision.cropSamples)),
                    .integer(Int64(c[0])), .integer(Int64(c[1])), .integer(Int64(c[2])), .integer(Int64(u.finalClass.rawValue)),
                    .string(u.finalClass.label(kind)), .integer(u.decision.needsReview ? 1 : 0), .string(u.decision.rule.rawValue),
                    .string(u.measure.rawValue), .integer(u.isSafelyUsed ? 1 : 0), .string(u.reason(kind: kind))])
            }
        }
        try w.executeSQLStatements(QGISStyle.layerStylesSQL(layer: "units", field: "final_cls", standard: kind))
        try w.close()
    }
}

extension PointEvaluation {
    /// The soil point evaluation table (点位评价表): per sample its land use and where it came
    /// from, pH, and per pollutant the value, the screening and intervention values, the ratios to
    /// them and the class; then the class over the counted pollutants and the controlling one.
    func table(parcelIDs: [String], lonLat: [Coordinate]) -> ResultTable {
        var f: [(String, FieldType)] = [("样品编号 sample_id", .string), ("经度 lon", .real), ("纬度 lat", .real),
                                         ("图斑编号 parcel_id", .string), ("土地利用 land_use", .string), ("土地利用来源 land_use_from", .string),
                                         ("pH", .real)]
        for p in pollutants {
            f += [("\(p) (mg/kg)", .real), ("\(p) 筛选值 screening", .real), ("\(p) 管制值 intervention", .real),
                  ("\(p) 比值(筛选) ratio_s", .real), ("\(p) 比值(管制) ratio_i", .real), ("\(p) 类别 class", .integer)]
        }
        f += [("综合类别 class", .integer), ("类别名称 class_name", .string), ("主要超标元素 controlling", .string)]
        var t = ResultTable(fields: f.map { FieldDefinition($0.0, $0.1) })
        func num(_ d: Double?) -> AttributeValue { d.map { $0.isFinite ? .real($0) : .null } ?? .null }
        for r in rows {
            var v: [AttributeValue] = [.string(samples.ids[r.sample]), num(lonLat[r.sample].x), num(lonLat[r.sample].y),
                                       .string(r.parcel.map { parcelIDs[$0] } ?? ""), .string("\(r.landUse.chineseName) \(r.landUse.rawValue)"),
                                       .string(r.landUseSource.label), num(r.pH)]
            for k in pollutants.indices {
                let x = r.values[k], th = r.thresholds[k]
                v += [num(x), num(th?.screening), num(th?.intervention), num(th.map { x / $0.screening }),
                      num(th?.intervention.map { x / $0 }), r.values[k].isNaN ? .null : .integer(Int64(r.classes[k].rawValue))]
            }
            v += [.integer(Int64(r.soilClass.rawValue)), .string(r.soilClass.label(standardKind)), .string(r.controlling.map { pollutants[$0] } ?? "")]
            t.rows.append(v)
        }
        return t
    }

    /// Writes the evaluated samples as a point layer (working CRS), styled in QGIS by class.
    func writeGeoPackage(to path: String, crs: CRS, parcelIDs: [String]) throws {
        let w = try VectorWriter(path: path, format: .geoPackage)
        var fields = ["sample_id", "parcel_id", "land_use", "lu_from"].map { FieldDefinition($0, .string) } + [FieldDefinition("ph", .real)]
        for p in pollutants { fields += [FieldDefinition(p, .real), FieldDefinition("\(p)_cls", .integer)] }
        fields += [FieldDefinition("soil_cls", .integer), FieldDefinition("soil_name", .string), FieldDefinition("ctrl", .string)]
        let l = try w.createLayer(name: "points", geometryType: .point, crs: crs, fields: fields)
        try l.inTransaction {
            for r in rows {
                var v: [AttributeValue] = [.string(samples.ids[r.sample]), .string(r.parcel.map { parcelIDs[$0] } ?? ""),
                                           .string(r.landUse.rawValue), .string(r.landUseSource.label), r.pH.isNaN ? .null : .real(r.pH)]
                for k in pollutants.indices {
                    v += [r.values[k].isNaN ? .null : .real(r.values[k]), r.values[k].isNaN ? .null : .integer(Int64(r.classes[k].rawValue))]
                }
                v += [.integer(Int64(r.soilClass.rawValue)), .string(r.soilClass.label(standardKind)), .string(r.controlling.map { pollutants[$0] } ?? "")]
                try l.append(geometry: .point(samples.coordinates[r.sample]), values: v)
            }
        }
        try w.executeSQLStatements(QGISStyle.layerStylesSQL(layer: "points", field: "soil_cls", standard: standardKind, points: true))
        try w.close()
    }
}

extension CropSamples {
    /// The crop evaluation table: per sample its crop, the unit it adjusts, and per contaminant the
    /// value, the limit, the ratio and the grade; then the sample's grade.
    func table(unitOf: [String?]) -> ResultTable {
        var f: [(String, FieldType)] = [("样品编号 sample_id", .string), ("作物 crop_as_written", .string), ("限量类别 crop", .string),
                                         ("配对土壤样品 paired_soil_sample", .string), ("评价单元 unit_id", .string)]
        for p in pollutants {
            f += [("\(p.name) (mg/kg)", .real), ("\(p.name) 限量 limit", .real), ("\(p.name) 比值 ratio", .real), ("\(p.name) 等级 grade", .string)]
        }
        f += [("评价等级 grade", .string), ("最大超标元素 worst", .string)]
        var t = ResultTable(fields: f.map { FieldDefinition($0.0, $0.1) })
        for i in 0..<count {
            let g = grades[i]
            var v: [AttributeValue] = [.string(table.ids[i]), .string(writtenCrops[i]), .string(crops[i]), .string(pairs[i] ?? ""),
                                       .string(unitOf[i] ?? "")]
            for (k, p) in pollutants.enumerated() {
                let l = limits.limit(for: p, crop: crops[i])
                v += [values[i][k].isNaN ? .null : .real(values[i][k]), l.map { .real($0.limit) } ?? .null,
                      g.perPollutant[k].ratio.map { .real($0) } ?? .null, .string(g.perPollutant[k].grade?.description ?? "")]
            }
            v += [.string(g.grade?.description ?? "未评价 not graded"), .string(g.worst.map { pollutants[$0].name } ?? "")]
            t.rows.append(v)
        }
        return t
    }
}
