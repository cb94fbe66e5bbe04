/// The rules by which co-monitored crops (农产品协同监测) adjust an evaluation unit's soil class.
///
/// The defaults follow the MEE/MARA 农用地土壤环境质量类别划分技术指南（试行） (环办土壤〔2019〕53号)
/// as county tools implement it (see `Resources/SOURCES.md` §4 for what was found in which
/// source, and what could not be read):
/// - no adjustment with fewer than ``minimumSamples`` crop samples in the unit (default 3);
/// - 安全利用类 → 优先保护类 when no crop sample exceeds its limit;
/// - 严格管控类 → 安全利用类 when no crop sample exceeds, or when at least ``compliantShare``
///   of them (default 65 %) do not exceed and none exceeds severely (> ``severeFactor`` × the limit);
/// - 优先保护类 is never lowered by crops: a unit whose soil is 优先保护类 but whose crops exceed is
///   kept and flagged for review (加密调查 or cause analysis: irrigation water, deposition, variety).
public struct CropAdjustmentRules: Hashable, Sendable {
    /// Fewest crop samples in a unit for any adjustment (default 3).
    public var minimumSamples: Int
    /// The share of compliant samples that lets 严格管控类 become 安全利用类 when none is severe (default 0.65).
    public var compliantShare: Double
    /// A crop sample is severely above its limit above this multiple of it (default 2).
    public var severeFactor: Double

    public init(minimumSamples: Int = 3, compliantShare: Double = 0.65, severeFactor: Double = 2) {
        self.minimumSamples = minimumSamples
        self.compliantShare = compliantShare
        self.severeFactor = severeFactor
    }
}

/// Which rule gave an evaluation unit its final class.
public enum AdjustmentRule: String, Hashable, Sendable, CaseIterable {
    /// The unit has no soil data: no class.
    case noSoilData = "no_soil_data"
    /// No crop sample in the unit: the soil class stands.
    case noCropSamples = "no_crop_samples"
    /// Fewer crop samples than the minimum: the soil class stands.
    case tooFewCropSamples = "too_few_crop_samples"
    /// 安全利用类 → 优先保护类: no crop sample exceeds.
    case safeToPriority = "safe_to_priority"
    /// 安全利用类 kept: some crop sample exceeds.
    case safeKept = "safe_kept"
    /// 严格管控类 → 安全利用类: no crop sample exceeds.
    case strictToSafeAllCompliant = "strict_to_safe_all_compliant"
    /// 严格管控类 → 安全利用类: enough compliant samples and none severe.
    case strictToSafeShare = "strict_to_safe_share"
    /// 严格管控类 kept: too few compliant samples, or one severe.
    case strictKept = "strict_kept"
    /// 优先保护类 confirmed: no crop sample exceeds.
    case priorityConfirmed = "priority_confirmed"
    /// 优先保护类 kept, crops exceed: flagged for review.
    case priorityCropsExceed = "priority_crops_exceed_review"

    /// The rule in words, Chinese then English.
    public var explanation: String {
        switch self {
        case .noSoilData: return "无土壤数据 no soil data"
        case .noCropSamples: return "无农产品样品，按土壤类别 no crop sample: soil class"
        case .tooFewCropSamples: return "农产品样品不足，按土壤类别 too few crop samples: soil class"
        case .safeToPriority: return "农产品均不超标：安全利用类调为优先保护类 no crop sample exceeds: safe use → priority protection"
        case .safeKept: return "农产品有超标：维持安全利用类 crops exceed: safe use kept"
        case .strictToSafeAllCompliant: return "农产品均不超标：严格管控类调为安全利用类 no crop sample exceeds: strict control → safe use"
        case .strictToSafeShare: return "农产品不超标比例达到要求且无严重超标：严格管控类调为安全利用类 enough compliant crops, none severe: strict control → safe use"
        case .strictKept: return "农产品超标：维持严格管控类 crops exceed: strict control kept"
        case .priorityConfirmed: return "农产品均不超标：维持优先保护类 no crop sample exceeds: priority protection kept"
        case .priorityCropsExceed: return "土壤优先保护类但农产品超标：待复核 soil priority protection but crops exceed: review"
        }
    }
}

/// An evaluation unit's class: from its soil, adjusted by its crops.
public struct UnitClassDecision: Hashable, Sendable {
    public var soilClass: SoilClass
    public var finalClass: SoilClass
    public var rule: AdjustmentRule
    /// Crop samples by grade: compliant, slight, severe.
    public var cropCounts: [Int]
    /// Whether the class needs a second look before it is handed in (soil 优先保护类, crops exceed).
    public var needsReview: Bool { rule == .priorityCropsExceed }
    public var cropSamples: Int { cropCounts.reduce(0, +) }
}

extension CropAdjustmentRules {
    /// The final class of a unit of soil class `soil` whose crop samples have `grades`.
    ///
    /// - Edge behaviour: exactly ``minimumSamples`` samples adjust; a compliant share exactly
    ///   equal to ``compliantShare`` adjusts (at least); a unit without soil data keeps no class.
    public func decide(soil: SoilClass, grades: [CropGrade]) -> UnitClassDecision {
        let counts = CropGrade.allCases.map { g in grades.filter { $0 == g }.count }
        func decision(_ c: SoilClass, _ r: AdjustmentRule) -> UnitClassDecision {
            UnitClassDecision(soilClass: soil, finalClass: c, rule: r, cropCounts: counts)
        }
        let n = grades.count, compliant = counts[0], severe = counts[2]
        let anyExceeds = compliant < n
        switch soil {
        case .nodata: return decision(.nodata, .noSoilData)
        case .priorityProtection:
            if n == 0 { return decision(soil, .noCropSamples) }
            return decision(soil, anyExceeds ? .priorityCropsExceed : (n < minimumSamples ? .tooFewCropSamples : .priorityConfirmed))
        case .safeUtilization, .strictControl:
            if n == 0 { return decision(soil, .noCropSamples) }
            if n < minimumSamples { return decision(soil, .tooFewCropSamples) }
            if soil == .safeUtilization { return anyExceeds ? decision(soil, .safeKept) : decision(.priorityProtection, .safeToPriority) }
            if !anyExceeds { return decision(.safeUtilization, .strictToSafeAllCompliant) }
            if severe == 0 && Double(compliant) / Double(n) >= compliantShare { return decision(.safeUtilization, .strictToSafeShare) }
            return decision(soil, .strictKept)
        }
    }
}
