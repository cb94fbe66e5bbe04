import Foundation
import GeoIO
import Standards

extension ReportBuilder {
    /// The official classification: the final class map (soil and crops), the rules applied, the
    /// class areas per township, the safe-utilization rate and the crop grades.
    func officialSection(outlines: [(name: String, geometry: Geometry)]) throws -> String {
        guard let official, let finalClassRaster else { return "" }
        let kind = result.analysis.standardKind, units = official.units.units, settings = project.classification
        var body = Self.h2("Official classification 耕地土壤环境质量类别划分（土壤与农产品协同）")
        let png = try RasterRendering.palettedPNG(try RasterDataset(path: finalClassRaster), width: Self.mapWidth)
        let legend = SoilClass.legend(kind).filter { $0.code > 0 }.map { e in
            (String(format: "#%02x%02x%02x", e.colour.red, e.colour.green, e.colour.blue), e.label)
        }
        body += "<figure>" + mapSVG(png: png, legend: legend, title: "最终类别 Final class", outlines: outlines) + "</figure>\n"
        let counts = (1...3).map { k in units.filter { $0.finalClass.rawValue == UInt8(k) }.count }
        let adjusted = units.filter { $0.finalClass != $0.soilClass }.count, review = units.filter(\.decision.needsReview).count
        let rules = settings.rules
        body += Self.p("\(units.count) evaluation units (图斑\(settings.unitField.map { " grouped by \(xmlEscape($0))" } ?? "")): "
                       + "\(counts[0]) 优先保护类, \(counts[1]) 安全利用类, \(counts[2]) 严格管控类; \(adjusted) adjusted by their crops, \(review) flagged for review (土壤优先保护类但农产品超标). "
                       + "Soil class from \(settings.soilClassFrom.rawValue); areas: \(project.officialAreaField.map { "field \(xmlEscape($0)) (official 图斑 areas)" } ?? "\(project.area.rawValue) geometry areas").")
        body += Self.p("Crop adjustment (农用地土壤环境质量类别划分技术指南（试行）, 2019, as county practice applies it): a unit needs at least \(rules.minimumSamples) crop samples; "
                       + "安全利用类 → 优先保护类 when no crop sample exceeds its GB 2762 limit; 严格管控类 → 安全利用类 when none exceeds, or when at least \(shortNumber(rules.compliantShare * 100)) % do not exceed and none exceeds \(shortNumber(rules.severeFactor)) × its limit (严重超标); "
                       + "优先保护类 units whose crops exceed keep their class and are flagged for review.")
        body += "<h3>Areas per township 各乡镇类别面积</h3>" + htmlTable(official.units.classTable(villages: false))
        if official.hasVillages {
            body += "<h3>Areas per village 各村（坐落单位）类别面积</h3>" + htmlTable(official.units.classTable(villages: true))
        }
        if official.hasMeasures {
            body += "<h3>Safe-utilization rate 受污染耕地安全利用率</h3>" + htmlTable(official.units.safeUtilizationTable())
            body += Self.p("Polluted farmland: 耕地 units of 安全利用类 and 严格管控类. Safely used: 安全利用类 units under safe-use or remediation measures whose crops met the standard, and 严格管控类 units under strict-control measures (受污染耕地安全利用率核算方法（试行）, C and D). Targets: about 90 % by 2020, about 93 % by 2025, 95 % and above by 2030.")
        }
        if let crops = official.crops {
            let graded = crops.grades.compactMap(\.grade)
            let byGrade = CropGrade.allCases.map { g in graded.filter { $0 == g }.count }
            body += Self.p("Crop samples 农产品样品: \(crops.count) (\(xmlEscape(crops.limits.source))); 不超标 \(byGrade[0]), 轻微超标 \(byGrade[1]), 严重超标 \(byGrade[2])"
                           + (graded.count < crops.count ? "; \(crops.count - graded.count) not graded (no limit for their crop and contaminants)" : "") + ".")
        }
        let pts = official.points.rows
        let pointCounts = (1...3).map { k in pts.filter { $0.soilClass.rawValue == UInt8(k) }.count }
        body += Self.p("Soil point evaluation 点位评价: \(pts.count) samples at their own pH and the land use of their 图斑: \(pointCounts[0]) / \(pointCounts[1]) / \(pointCounts[2]) in classes 1 / 2 / 3 (points.xlsx).")
        return body
    }

    /// A result table as HTML: areas in 亩 and m² with 2 decimals, hectares with 4.
    func htmlTable(_ t: ResultTable) -> String {
        var s = "<table><tr>" + t.fields.map { "<th>\(xmlEscape($0.name))</th>" }.joined() + "</tr>"
        for row in t.rows {
            s += "<tr\(row.first.map { $0.text.hasPrefix("合计") || $0.text.hasPrefix("全部") } == true ? " class=\"total\"" : "")>"
            for (f, v) in zip(t.fields, row) {
                switch v {
                case .real(let d): s += "<td>\(String(format: f.name.contains("公顷") ? "%.4f" : "%.2f", d))</td>"
                case .null: s += "<td>–</td>"
                default: s += "<td>\(xmlEscape(v.text))</td>"
                }
            }
            s += "</tr>"
        }
        return s + "</table>\n"
    }
}
