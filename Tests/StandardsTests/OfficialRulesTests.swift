import Testing
@testable import Standards

/// GB 2762 limits, crop grades and the crop adjustment of a unit's class, every rule and
/// boundary worked out by hand (issue 24). Limits used (GB 2762-2022): 稻谷 Cd 0.2 (4.2 表2),
/// Pb 0.2 (4.1 表1), Hg 0.02 (4.3 表3), inorganic As 0.35 (4.4 表4), Cr 1.0 (4.7 表7).
@Suite("GB 2762 limits, crop grades, crop adjustment")
struct OfficialRulesTests {
    let gb = FoodLimitTable.gb2762()

    @Test("The built-in GB 2762-2022 table: values with their clauses, crop names and aliases")
    func table() throws {
        #expect(gb.limit(for: .cadmium, crop: "稻谷")?.limit == 0.2)
        #expect(gb.limit(for: .cadmium, crop: "稻谷")?.clause == "4.2 表2")
        #expect(gb.limit(for: .cadmium, crop: "小麦")?.limit == 0.1)
        #expect(gb.limit(for: .cadmium, crop: "叶菜类蔬菜")?.limit == 0.2)
        #expect(gb.limit(for: .lead, crop: "叶菜类蔬菜")?.limit == 0.3)
        #expect(gb.limit(for: .mercury, crop: "玉米")?.limit == 0.02)
        #expect(gb.limit(for: .arsenic, crop: "稻谷")?.limit == 0.35 && gb.limit(for: .arsenic, crop: "稻谷")?.basis == "inorganic")
        #expect(gb.limit(for: .arsenic, crop: "大米")?.limit == 0.2)
        #expect(gb.limit(for: .chromium, crop: "稻谷")?.clause == "4.7 表7")
        // The standard sets no Hg for beans and no Cr for fruit: no row, no grade.
        #expect(gb.limit(for: .mercury, crop: "豆类") == nil && gb.limit(for: .chromium, crop: "水果") == nil)
        #expect(gb.crop(named: "水稻") == "稻谷" && gb.crop(named: " Rice ") == "稻谷" && gb.crop(named: "菠菜") == "叶菜类蔬菜")
        #expect(gb.crop(named: "小麦") == "小麦" && gb.crop(named: "香蕉树") == nil)
        #expect(Set(gb.pollutants) == Set([Pollutant.lead, .cadmium, .mercury, .arsenic, .chromium]))
    }

    @Test("A user limits CSV: bad rows are refused with their line")
    func userCSV() throws {
        let t = try FoodLimitTable(csv: "pollutant,crop,limit_mg_per_kg\nCd,水稻,0.2\nPb,水稻,0.2\n", source: "my.csv")
        #expect(t.limit(for: .cadmium, crop: "水稻")?.limit == 0.2 && t.limit(for: .cadmium, crop: "水稻")?.basis == "total")
        #expect(throws: StandardsError.duplicateFoodLimit(pollutant: "cd", crop: "水稻", line: 3, first: 2, source: "my.csv")) {
            try FoodLimitTable(csv: "pollutant,crop,limit_mg_per_kg\nCd,水稻,0.2\ncd,水稻,0.3\n", source: "my.csv")
        }
        #expect(throws: StandardsError.invalidNumber("-1", column: "limit_mg_per_kg", line: 2, source: "my.csv")) {
            try FoodLimitTable(csv: "pollutant,crop,limit_mg_per_kg\nCd,水稻,-1\n", source: "my.csv")
        }
        #expect(throws: StandardsError.missingColumn("crop", source: "my.csv")) {
            try FoodLimitTable(csv: "pollutant,limit_mg_per_kg\nCd,0.2\n", source: "my.csv")
        }
    }

    @Test("Grades: at the limit compliant, at twice the limit slight, above it severe")
    func grades() {
        #expect(CropGrade.of(0.2, limit: 0.2) == .compliant)
        #expect(CropGrade.of(0.2000001, limit: 0.2) == .slight)
        #expect(CropGrade.of(0.4, limit: 0.2) == .slight)
        #expect(CropGrade.of(0.4000001, limit: 0.2) == .severe)
        #expect(CropGrade.of(0.5, limit: 0.2, severeFactor: 3) == .slight)
    }

    @Test("A sample takes its worst contaminant; unmeasured or unlimited contaminants are not graded")
    func sampleGrade() {
        let ps: [Pollutant] = [.cadmium, .lead, .mercury]
        // Cd 0.3 / 0.2 = 1.5 (slight), Pb 0.5 / 0.2 = 2.5 (severe), Hg not measured.
        var g = gb.grade(crop: "稻谷", pollutants: ps, values: [0.3, 0.5, .nan])
        #expect(g.grade == .severe && g.worst == 1 && g.perPollutant[2].grade == nil)
        // Equal grades: the higher ratio (Pb 0.39 / 0.2 = 1.95 over Cd 0.35 / 0.2 = 1.75).
        g = gb.grade(crop: "稻谷", pollutants: ps, values: [0.35, 0.39, 0.01])
        #expect(g.grade == .slight && g.worst == 1)
        // Beans have no Hg limit: only Cd and Pb count.
        g = gb.grade(crop: "豆类", pollutants: [.mercury], values: [5])
        #expect(g.grade == nil && g.worst == nil)
    }

    @Test("Adjustment rules, each with its boundary")
    func rules() {
        let r = CropAdjustmentRules()  // 3 samples, 65 %, severe above 2 ×
        let ok = CropGrade.compliant, slight = CropGrade.slight, severe = CropGrade.severe
        // No crops, too few crops: the soil class stands.
        #expect(r.decide(soil: .safeUtilization, grades: []).rule == .noCropSamples)
        #expect(r.decide(soil: .safeUtilization, grades: [ok, ok]).finalClass == .safeUtilization)
        #expect(r.decide(soil: .safeUtilization, grades: [ok, ok]).rule == .tooFewCropSamples)
        // Exactly 3 samples, none above: 安全利用类 → 优先保护类.
        #expect(r.decide(soil: .safeUtilization, grades: [ok, ok, ok]).finalClass == .priorityProtection)
        #expect(r.decide(soil: .safeUtilization, grades: [ok, ok, ok]).rule == .safeToPriority)
        #expect(r.decide(soil: .safeUtilization, grades: [ok, ok, slight]).rule == .safeKept)
        // 严格管控类: all compliant → 安全利用类.
        #expect(r.decide(soil: .strictControl, grades: [ok, ok, ok]).rule == .strictToSafeAllCompliant)
        // Exactly 65 % compliant (13 of 20), none severe → 安全利用类; 12 of 20 (60 %) → kept.
        let thirteen = [CropGrade](repeating: ok, count: 13) + [CropGrade](repeating: slight, count: 7)
        #expect(r.decide(soil: .strictControl, grades: thirteen).finalClass == .safeUtilization)
        #expect(r.decide(soil: .strictControl, grades: thirteen).rule == .strictToSafeShare)
        let twelve = [CropGrade](repeating: ok, count: 12) + [CropGrade](repeating: slight, count: 8)
        #expect(r.decide(soil: .strictControl, grades: twelve).rule == .strictKept)
        // 65 % or more compliant but one severe → kept.
        let oneSevere = [CropGrade](repeating: ok, count: 19) + [severe]
        #expect(r.decide(soil: .strictControl, grades: oneSevere).finalClass == .strictControl)
        // 优先保护类 is never lowered by crops: exceeding crops flag the unit for review, even below the minimum count.
        let review = r.decide(soil: .priorityProtection, grades: [severe])
        #expect(review.finalClass == .priorityProtection && review.needsReview && review.rule == .priorityCropsExceed)
        #expect(r.decide(soil: .priorityProtection, grades: [ok, ok, ok]).rule == .priorityConfirmed)
        #expect(!r.decide(soil: .priorityProtection, grades: [ok, ok, ok]).needsReview)
        // No soil data: no class.
        #expect(r.decide(soil: .nodata, grades: [ok, ok, ok]).finalClass == .nodata)
        // Counts by grade.
        #expect(r.decide(soil: .strictControl, grades: thirteen).cropCounts == [13, 7, 0])
        // A stricter minimum: 4 samples needed, 3 are too few.
        #expect(CropAdjustmentRules(minimumSamples: 4).decide(soil: .safeUtilization, grades: [ok, ok, ok]).rule == .tooFewCropSamples)
    }

    @Test("三调 land-use codes and names: farmland to GB 15618 land uses, other land apart")
    func landSurvey() {
        #expect(LandSurveyCodes.lookup("0101")?.landUse == .paddy && LandSurveyCodes.lookup("0101")?.group == .cultivated)
        #expect(LandSurveyCodes.lookup("101")?.code == "0101" && LandSurveyCodes.lookup("101.0")?.code == "0101")
        #expect(LandSurveyCodes.lookup("0102")?.landUse == .other && LandSurveyCodes.lookup("0103")?.landUse == .other)
        #expect(LandSurveyCodes.lookup("0201")?.landUse == .orchard && LandSurveyCodes.lookup("0201")?.group == .garden)
        #expect(LandSurveyCodes.lookup("0201k")?.landUse == .orchard)
        #expect(LandSurveyCodes.lookup("0202")?.landUse == .other && LandSurveyCodes.lookup("茶园")?.group == .garden)
        #expect(LandSurveyCodes.lookup("0301")?.group == .other && LandSurveyCodes.lookup("0301")?.landUse == nil)
        #expect(LandSurveyCodes.lookup("水田")?.code == "0101" && LandSurveyCodes.lookup("乔木林地")?.group == .other)
        #expect(LandSurveyCodes.lookup("9999") == nil)
        // The default mapping knows the codes: no hand-written map needed.
        #expect(LandUseMapping.chineseDefault.landUse(for: "0101") == .paddy)
        #expect(LandUseMapping.chineseDefault.landUse(for: "0201K") == .orchard)
        #expect(LandUseMapping.chineseDefault.landUse(for: "0301") == nil)
    }

    @Test("A value at a threshold is not above it at its stored precision (Float32 0.3 vs 0.3)")
    func storedPrecision() throws {
        let f32 = Double(Float(0.3))
        #expect(f32 > 0.3)
        let double = try Classifier(table: .gb15618(), landUse: .other, pollutants: [.cadmium])
        let float = try Classifier(table: .gb15618(), landUse: .other, pollutants: [.cadmium], precisions: [.float32])
        // Cd, other land, pH 5.0: screening 0.3.
        #expect(try double.classify([f32], pH: 5.0).soilClass == .safeUtilization)
        #expect(try float.classify([f32], pH: 5.0).soilClass == .priorityProtection)
        #expect(try float.classify([0.30000004], pH: 5.0).soilClass == .safeUtilization)
        #expect(try float.threshold(of: 0, pH: 5.0)!.screening == f32)
        // The block path agrees.
        let block = try float.classify(block: [[Float(0.3), Float(0.31)]], pH: .constant(5.0))
        #expect(block.classes == [1, 2])
        #expect(Threshold(screening: 0.3, intervention: 1.5).at(.float32).isExceeded(by: f32) == false)
    }
}
