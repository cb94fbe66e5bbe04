/// Which part of the farmland a land-survey class belongs to (GB/T 21010-2017, 第三次全国国土调查).
public enum FarmlandGroup: String, Hashable, Sendable, CaseIterable {
    /// 耕地 (01: 水田, 水浇地, 旱地): what the farmland classification covers by default.
    case cultivated
    /// 园地 (02: 果园, 茶园, 橡胶园, 其他园地, and 三调's 可调整 codes): reported separately.
    case garden
    /// Every other land class (林地, 草地, construction land, water …): left out of farmland tables.
    case other

    public var chineseName: String {
        switch self {
        case .cultivated: return "耕地"
        case .garden: return "园地"
        case .other: return "其他土地"
        }
    }
}

/// One class of GB/T 21010-2017 土地利用现状分类 (with 三调's 可调整 and 细化 codes).
public struct LandSurveyClass: Hashable, Sendable {
    /// 地类编码 DLBM (`0101`, `0201K`, `1104A` …).
    public var code: String
    /// 地类名称 DLMC (`水田` …).
    public var name: String
    public var group: FarmlandGroup
    /// The GB 15618 land use of farmland classes: 水田 → paddy; 果园 → orchard (the Cu row);
    /// 水浇地, 旱地, 茶园, 橡胶园, 其他园地 → other. Nil for other land.
    public var landUse: LandUse?
}

/// The land-use codes and names of the land survey, so that a 三调 地类图斑 layer's DLBM or DLMC
/// values map to GB 15618 land uses without a hand-written map (`gbt21010-2017.csv`).
public enum LandSurveyCodes {
    /// Every class, first-level classes included.
    public static var classes: [LandSurveyClass] { table }

    /// The class of a DLBM code (`0101`, `101`, `0201K`; a numeric field's `101.0` too) or a DLMC
    /// name (`水田`), or nil when neither matches.
    public static func lookup(_ value: String) -> LandSurveyClass? {
        let v = value.trimmingWhitespace()
        if let c = byCode[normalisedCode(v)] { return c }
        return byName[v]
    }

    /// `101` and `101.0` (a code stored as a number) → `0101`; letters kept upper case.
    static func normalisedCode(_ v: String) -> String {
        var s = v.uppercased()
        if s.hasSuffix(".0") { s.removeLast(2) }
        if s.count == 3, s.first?.isNumber == true { s = "0" + s }
        return s
    }

    private static let table: [LandSurveyClass] = {
        guard let text = ThresholdTable.bundledCSV(named: "gbt21010-2017") else { fatalError("Standards resource gbt21010-2017.csv is missing from the bundle") }
        let (header, records) = CSV.parse(text)
        let i = { (c: String) in header.firstIndex(of: c)! }
        return records.map { _, f in
            LandSurveyClass(code: f[i("code")], name: f[i("name")], group: FarmlandGroup(rawValue: f[i("group")]) ?? .other,
                            landUse: LandUse(rawValue: f[i("land_use")]))
        }
    }()
    private static let byCode: [String: LandSurveyClass] = Dictionary(table.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    private static let byName: [String: LandSurveyClass] = Dictionary(table.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
}
