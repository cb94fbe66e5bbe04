import Foundation
import GeoIO
import GeoTypes
import Standards
import Zonal

/// A safe-use or control measure taken on an evaluation unit (受污染耕地安全利用率).
enum Measure: String, CaseIterable {
    case none
    /// 安全利用类措施 (农艺调控, 替代种植, 低积累品种 …).
    case safeUse = "safe_use"
    /// 治理修复类措施.
    case remediation
    /// 严格管控类措施 (种植结构调整, 退耕还林还草, 休耕, 特定农产品禁止生产区 …).
    case strictControl = "strict_control"

    /// The words a measures field may hold for each measure (matched trimmed, case-insensitively).
    static let spellings: [Measure: [String]] = [
        .none: ["", "无", "none", "no", "-"],
        .safeUse: ["安全利用", "安全利用类", "安全利用措施", "农艺调控", "替代种植", "低积累品种", "safe_use", "safe use"],
        .remediation: ["治理修复", "修复", "治理", "remediation"],
        .strictControl: ["严格管控", "严格管控类", "严格管控措施", "种植结构调整", "退耕还林", "退耕还林还草", "休耕", "特定农产品禁止生产",
                         "strict_control", "strict control"],
    ]

    init?(text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let m = Measure.allCases.first(where: { Measure.spellings[$0]!.contains(t) }) else { return nil }
        self = m
    }

    var label: String {
        switch self {
        case .none: return "无 none"
        case .safeUse: return "安全利用 safe use"
        case .remediation: return "治理修复 remediation"
        case .strictControl: return "严格管控 strict control"
        }
    }

    /// Whether a yes/no field says the unit's crops met the standard (nil: empty).
    static func met(_ text: String) -> Bool?? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "": return .some(nil)
        case "是", "达标", "合格", "yes", "y", "true", "1": return .some(true)
        case "否", "不达标", "超标", "不合格", "no", "n", "false", "0": return .some(false)
        default: return nil
        }
    }
}

/// One evaluation unit of the official classification: one 图斑 (or the parcels sharing a
/// `classification.unit_field` value), its areas, soil class, crop samples and final class.
struct EvaluationUnit {
    var id: String
    /// Indices of its parcels in the run's parcel layer, in layer order.
    var parcels: [Int]
    var township: String
    var townshipCode: String
    var village: String
    var villageCode: String
    /// 地类: the land survey's code and name where the land-use value is one, else the value.
    var landClass: String
    var group: FarmlandGroup
    /// The official area (the area field, else the geometry area) and the geometry area, m².
    var officialArea: Double
    var geometryArea: Double
    /// The class from the surfaces (parcel rule; the worst parcel of a group) and from the soil
    /// samples inside the unit (the worst), with their controlling pollutants.
    var surfaceClass: SoilClass
    var surfaceControlling: String?
    var pointClass: SoilClass
    var pointControlling: String?
    var soilSamples: Int
    /// The soil class the crops adjust, and where it came from.
    var soilClass: SoilClass
    var controlling: String?
    var soilSource: String
    /// The crop samples in the unit (indices into ``CropSamples``).
    var cropSamples: [Int]
    var decision: UnitClassDecision
    var measure: Measure
    var cropsMet: Bool?
    var finalClass: SoilClass { decision.finalClass }

    /// Whether the unit is polluted farmland (受污染耕地: 安全利用类 or 严格管控类, 耕地 only).
    var isPolluted: Bool { group == .cultivated && (finalClass == .safeUtilization || finalClass == .strictControl) }

    /// Whether the polluted unit is safely used: 安全利用类 with a safe-use or remediation measure
    /// whose crops met the standard (C of the 核算方法), or 严格管控类 under strict-control
    /// measures (D).
    var isSafelyUsed: Bool {
        guard isPolluted else { return false }
        if finalClass == .safeUtilization { return (measure == .safeUse || measure == .remediation) && cropsMet == true }
        return measure == .strictControl
    }

    /// Why the unit has its class, in words (Chinese, then English).
    func reason(kind: StandardKind) -> String {
        var s = "土壤 soil: \(soilClass.label(kind)) (\(soilSource)\(controlling.map { ", \($0)" } ?? ""))"
        let n = decision.cropSamples
        if n > 0 {
            let c = decision.cropCounts
            s += "; 农产品 crops: \(n) (不超标 \(c[0]), 轻微超标 \(c[1]), 严重超标 \(c[2]))"
        }
        return s + " → \(finalClass.label(kind)): \(decision.rule.explanation)"
    }
}

/// The evaluation units of a run and the notes made while forming them.
struct EvaluationUnits {
    var units: [EvaluationUnit]
    var warnings: [String]
    /// Townships (name, code) and villages in report order.
    var townshipOrder: [String]

    /// The problems of the parcels' own attributes for the official classification, each naming
    /// the feature: an official area (`area: field:NAME`) that is empty, negative or not a number,
    /// an empty unit id (`classification.unit_field`), a measure or a met value the tool does not
    /// know. A run checks them right after reading its inputs.
    static func attributeProblems(_ inputs: RunInputs) throws -> [String] {
        let project = inputs.project, settings = project.classification, layer = inputs.parcels
        func field(_ name: String?, _ key: String) throws -> Int? { try name.map { try layer.requireField($0, option: key) } }
        var problems: [String] = []
        if let f = try field(project.officialAreaField, "area") {
            let name = layer.fields[f].name
            for item in layer.items {
                let v = item.values[f], t = v.text.trimmingCharacters(in: .whitespaces)
                guard let a = v.number, a.isFinite, a >= 0, !t.isEmpty else {
                    problems.append("feature \(item.fid), field '\(name)': official area '\(v.text)' is \(t.isEmpty ? "empty" : "not a number ≥ 0"); give every 图斑 its area in m² (area: field:\(name))")
                    continue
                }
            }
        }
        if let f = try field(settings.unitField, "classification.unit_field") {
            for item in layer.items where item.values[f].text.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("feature \(item.fid), field '\(layer.fields[f].name)': the evaluation unit is empty; give every 图斑 its unit (classification.unit_field)")
            }
        }
        if let f = try field(settings.measureField, "classification.measure_field") {
            for item in layer.items where Measure(text: item.values[f].text) == nil {
                problems.append("feature \(item.fid), field '\(layer.fields[f].name)': measure '\(item.values[f].text)' is not one of 安全利用 (农艺调控, 替代种植, 低积累品种), 治理修复, 严格管控 (种植结构调整, 退耕还林还草, 休耕) or 无")
            }
        }
        if let f = try field(settings.measureMetField, "classification.measure_met_field") {
            for item in layer.items where Measure.met(item.values[f].text) == nil {
                problems.append("feature \(item.fid), field '\(layer.fields[f].name)': '\(item.values[f].text)' is not 是/达标/yes/1 or 否/不达标/no/0")
            }
        }
        return problems
    }

    /// Throws the attribute problems (``attributeProblems(_:)``) of `inputs` at once, before any computing.
    static func checkAttributes(_ inputs: RunInputs) throws {
        let problems = try attributeProblems(inputs)
        guard problems.isEmpty else { throw unitProblems(problems, path: inputs.parcels.path) }
    }

    static func unitProblems(_ problems: [String], path: String) -> InputError {
        InputError(.badValue, path: path, "\(problems.count) problem(s) in the evaluation units; nothing was written. Fix them and run again:\n  "
                   + problems.prefix(20).joined(separator: "\n  ") + (problems.count > 20 ? "\n  … and \(problems.count - 20) more" : ""))
    }

    /// Forms the units of `inputs`' parcels (``ParcelAnalysis`` in the same order), gives each its
    /// soil class, adjusts it by its crop samples, and reads its official area and measures.
    ///
    /// - Throws: ``InputError`` listing every problem at once (the first 20): an official area
    ///   that is empty, negative or not a number, a measure the tool does not know, a unit with
    ///   crop samples but no soil data.
    static func form(_ inputs: RunInputs, analysis: ParcelAnalysis, points: PointEvaluation, crops: CropSamples?,
                     parcelIndex: ZoneIndex) throws -> EvaluationUnits {
        let project = inputs.project, settings = project.classification, layer = inputs.parcels
        func field(_ name: String?, _ key: String) throws -> Int? { try name.map { try layer.requireField($0, option: key) } }
        let unitField = try field(settings.unitField, "classification.unit_field")
        let villageField = try field(settings.villageField, "classification.village_field")
        let villageCodeField = try field(settings.villageCodeField, "classification.village_code_field")
        let townshipCodeField = try field(settings.townshipCodeField, "classification.township_code_field")
        let areaField = try field(project.officialAreaField, "area")
        let measureField = try field(settings.measureField, "classification.measure_field")
        let metField = try field(settings.measureMetField, "classification.measure_met_field")
        let landUseField = try field(project.parcels.landUseField, SettingNames.projectFile.landUseField)
        let idField = try field(project.parcels.idField, SettingNames.projectFile.parcelIdField)
        var problems: [String] = []
        func text(_ i: Int, _ f: Int?) -> String { f.map { layer.items[i].values[$0].text.trimmingCharacters(in: .whitespaces) } ?? "" }

        // Official areas, unit ids and measures were checked right after the inputs were read
        // (``checkAttributes(_:)``).
        var official = analysis.parcels.map(\.area)
        if let areaField { for i in layer.items.indices { official[i] = layer.items[i].values[areaField].number ?? official[i] } }
        // Units: parcels grouped by the unit field, in order of first appearance.
        var order: [String] = [], members: [String: [Int]] = [:]
        for i in layer.items.indices {
            let key = unitField.map { text(i, $0) } ?? (idField.map { text(i, $0) } ?? String(layer.items[i].fid))
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(i)
        }
        var unitOfParcel = [Int](repeating: 0, count: layer.items.count)
        for (u, key) in order.enumerated() { for i in members[key]! { unitOfParcel[i] = u } }
        // Soil samples inside each unit; crop samples in it (or with their paired soil sample's).
        var pointsOfUnit = [[Int]](repeating: [], count: order.count)
        for (r, row) in points.rows.enumerated() where row.landUseSource == .inside { pointsOfUnit[unitOfParcel[row.parcel!]].append(r) }
        var cropsOfUnit = [[Int]](repeating: [], count: order.count)
        var unplaced: [String] = []
        if let crops {
            let soilRow = Dictionary(points.rows.enumerated().map { (points.samples.ids[$0.element.sample], $0.offset) }, uniquingKeysWith: { a, _ in a })
            for j in 0..<crops.count {
                if let p = parcelIndex.zone(containing: crops.table.coordinates[j]) { cropsOfUnit[unitOfParcel[p]].append(j); continue }
                if let pair = crops.pairs[j], let r = soilRow[pair], let p = points.rows[r].parcel { cropsOfUnit[unitOfParcel[p]].append(j); continue }
                unplaced.append(crops.table.ids[j])
            }
        }
        var units: [EvaluationUnit] = []
        for (u, key) in order.enumerated() {
            let ps = members[key]!, first = ps[0]
            let results = ps.map { analysis.parcels[$0] }
            let worstParcel = results.max { $0.soilClass < $1.soilClass }!
            let surfaceControlling = worstParcel.controlling.map { analysis.pollutants[$0] }
            let pts = pointsOfUnit[u].map { points.rows[$0] }
            let worstPoint = pts.max { $0.soilClass < $1.soilClass }
            let pointClass = worstPoint?.soilClass ?? .nodata
            let pointControlling = worstPoint?.controlling.map { points.pollutants[$0] }
            // A unit of several 图斑 takes its worst 图斑's class (从严).
            let surfaceSource = "插值 surfaces, \(project.rule.rawValue)" + (ps.count > 1 ? ", worst of \(ps.count) 图斑" : "")
            var soil: SoilClass, controlling: String?, source: String
            switch settings.soilClassFrom {
            case .surfaces:
                (soil, controlling, source) = (worstParcel.soilClass, surfaceControlling, surfaceSource)
            case .points:
                (soil, controlling, source) = (pointClass, pointControlling, "样点 \(pts.count) soil samples")
            case .both:
                if pointClass > worstParcel.soilClass {
                    (soil, controlling, source) = (pointClass, pointControlling, "样点 \(pts.count) soil samples (worse than the surfaces)")
                } else {
                    (soil, controlling, source) = (worstParcel.soilClass, surfaceControlling, surfaceSource)
                }
            }
            let cropIdx = cropsOfUnit[u]
            let grades = cropIdx.compactMap { crops!.grades[$0].grade }
            let decision = settings.rules.decide(soil: soil, grades: grades)
            if soil == .nodata && !cropIdx.isEmpty {
                problems.append("unit '\(key)' (feature \(layer.items[first].fid)) holds \(cropIdx.count) crop sample(s) (\(cropIdx.prefix(3).map { crops!.table.ids[$0] }.joined(separator: ", "))) but has no soil data (\(source)); make sure the surfaces cover it (grid.margin) or that soil samples lie in it (classification.soil_class_from)")
            }
            let rawLandUse = text(first, landUseField)
            let survey = LandSurveyCodes.lookup(rawLandUse)
            let measure = measureField.flatMap { Measure(text: text(first, $0)) } ?? .none
            let met = metField.flatMap { Measure.met(text(first, $0)) } ?? nil
            units.append(EvaluationUnit(
                id: key, parcels: ps, township: results[0].zone, townshipCode: text(first, townshipCodeField),
                village: text(first, villageField), villageCode: text(first, villageCodeField),
                landClass: survey.map { $0.code == rawLandUse || $0.name == rawLandUse ? "\($0.code) \($0.name)" : rawLandUse } ?? rawLandUse,
                group: survey?.group ?? .cultivated,
                officialArea: ps.reduce(0) { $0 + official[$1] }, geometryArea: results.reduce(0) { $0 + $1.area },
                surfaceClass: worstParcel.soilClass, surfaceControlling: surfaceControlling, pointClass: pointClass,
                pointControlling: pointControlling, soilSamples: pts.count, soilClass: soil, controlling: controlling, soilSource: source,
                cropSamples: cropIdx, decision: decision, measure: measure, cropsMet: met))
        }
        if !problems.isEmpty { throw unitProblems(problems, path: layer.path) }
        var warnings: [String] = []
        if !unplaced.isEmpty {
            warnings.append("\(crops!.path): \(unplaced.count) crop sample(s) lie in no parcel and have no paired soil sample in one; they adjust no unit (\(unplaced.prefix(5).joined(separator: ", "))\(unplaced.count > 5 ? ", …" : ""))")
        }
        if let areaField {
            // The 图斑's whole area (三调 TBMJ) when the layer has it, since TBDLMJ is net of 田坎 by
            // design; else the official area itself.
            let checked = layer.fieldIndex("TBMJ") ?? areaField
            let area = units.map { u in checked == areaField ? u.officialArea : u.parcels.reduce(0.0) { $0 + (layer.items[$1].values[checked].number ?? 0) } }
            let off = units.indices.filter { units[$0].geometryArea > 0 && abs(area[$0] - units[$0].geometryArea) / units[$0].geometryArea > settings.areaDifference }
            if !off.isEmpty {
                warnings.append("\(off.count) unit(s) whose area field \(layer.fields[checked].name) differs from their geometry area by more than \(shortNumber(settings.areaDifference * 100)) % (classification.area_difference): " + off.prefix(10).map { "\(units[$0].id) (\(shortNumber((area[$0] - units[$0].geometryArea) / units[$0].geometryArea * 100)) %)" }.joined(separator: ", ") + (off.count > 10 ? ", …" : ""))
            }
        }
        let mixed = units.filter { u in
            u.parcels.contains { text($0, villageField) != u.village || (LandSurveyCodes.lookup(text($0, landUseField))?.group ?? .cultivated) != u.group }
        }
        if !mixed.isEmpty {
            warnings.append("\(mixed.count) evaluation unit(s) span several villages or both 耕地 and 园地; each is listed under its first 图斑's village and group: \(mixed.prefix(10).map(\.id).joined(separator: ", "))\(mixed.count > 10 ? ", …" : "")")
        }
        let review = units.filter { $0.decision.needsReview }
        if !review.isEmpty {
            warnings.append("\(review.count) unit(s) are 优先保护类 by their soil but their crops exceed the food limits; they are flagged for review (待复核): \(review.prefix(10).map(\.id).joined(separator: ", "))\(review.count > 10 ? ", …" : "")")
        }
        // Townships in code order when codes are given, else in order of first appearance.
        var seen = Set<String>(), townships: [String] = []
        let sorted = townshipCodeField == nil ? units : units.enumerated().sorted {
            ($0.element.townshipCode, $0.offset) < ($1.element.townshipCode, $1.offset)
        }.map(\.element)
        for u in sorted where seen.insert(u.township).inserted { townships.append(u.township) }
        return EvaluationUnits(units: units, warnings: warnings, townshipOrder: townships)
    }
}
