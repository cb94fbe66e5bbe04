import Foundation

/// One maximum level of a contaminant in a crop (GB 2762 食品中污染物限量), mg/kg as the
/// standard states it (fresh weight for vegetables and fruit, as sold for grains).
public struct FoodLimit: Hashable, Sendable {
    public var pollutant: Pollutant
    /// The crop as the table names it (`稻谷`, `小麦`, `叶菜类蔬菜` …).
    public var crop: String
    /// The maximum level (mg/kg).
    public var limit: Double
    /// `total` or `inorganic` (GB 2762 sets inorganic As for rice; a total As at or below the
    /// inorganic limit complies, its footnote says, so total As can be graded against it).
    public var basis: String
    /// The clause and table of the standard (`4.2 表2`).
    public var clause: String
    /// The food category as the standard writes it.
    public var category: String
    public var note: String
    /// The line in the table's CSV.
    public var line: Int
}

/// Maximum levels by contaminant and crop, as data: built-in ``gb2762()`` (GB 2762-2022, whose crop
/// values GB 2762-2025 keeps), or a user CSV with the same columns (``init(csv:source:)``).
///
/// Crops are looked up by the table's names, then by the usual other names (``aliases``:
/// `水稻` → `稻谷`, `rice` → `稻谷`, `蔬菜` → `新鲜蔬菜` …), whitespace-trimmed and
/// case-insensitively.
public struct FoodLimitTable: Hashable, Sendable {
    public var source: String
    public var rows: [FoodLimit]

    static let columns = ["pollutant", "crop", "limit_mg_per_kg", "basis", "clause", "category_in_standard", "note"]

    /// Parses a CSV with the columns of `gb2762-2022.csv`:
    /// `pollutant,crop,limit_mg_per_kg,basis,clause,category_in_standard,note` (the last four may
    /// be empty); one row per contaminant and crop.
    ///
    /// - Throws: ``StandardsError`` naming the line: a missing column or value, a limit that is
    ///   not a positive number, the same contaminant and crop twice, no rows.
    public init(csv: String, source: String) throws(StandardsError) {
        let (header, records) = CSV.parse(csv)
        let idx = try CSV.columnIndices(header, required: Array(Self.columns.prefix(3)), source: source)
        var rows: [FoodLimit] = []
        var seen: [String: Int] = [:]
        for (line, f) in records {
            guard f.count >= header.count else {
                throw .wrongFieldCount(line: line, expected: header.count, found: f.count, source: source)
            }
            func field(_ c: String) -> String { header.firstIndex(of: c).map { f[$0] } ?? "" }
            let name = f[idx["pollutant"]!], crop = f[idx["crop"]!], text = f[idx["limit_mg_per_kg"]!]
            guard !name.isEmpty else { throw .missingValue(column: "pollutant", line: line, source: source) }
            guard !crop.isEmpty else { throw .missingValue(column: "crop", line: line, source: source) }
            guard !text.isEmpty else { throw .missingValue(column: "limit_mg_per_kg", line: line, source: source) }
            guard let limit = Double(text), limit.isFinite, limit > 0 else {
                throw .invalidNumber(text, column: "limit_mg_per_kg", line: line, source: source)
            }
            let key = Pollutant(name).name.lowercased() + "|" + Self.key(crop)
            if let first = seen[key] { throw .duplicateFoodLimit(pollutant: name, crop: crop, line: line, first: first, source: source) }
            seen[key] = line
            rows.append(FoodLimit(pollutant: Pollutant(name), crop: crop, limit: limit, basis: field("basis").isEmpty ? "total" : field("basis"),
                                  clause: field("clause"), category: field("category_in_standard"), note: field("note"), line: line))
        }
        guard !rows.isEmpty else { throw .emptyTable(source: source) }
        self.rows = rows
        self.source = source
    }

    /// GB 2762-2022 食品安全国家标准 食品中污染物限量: Pb (4.1 表1), Cd (4.2 表2), Hg (4.3 表3),
    /// As (4.4 表4), Cr (4.7 表7) for the crops a farmland survey co-monitors.
    ///
    /// - References: `gb2762-2022.csv` and `Resources/SOURCES.md` (values read from the
    ///   standard's tables; GB 2762-2025 keeps every crop value).
    public static func gb2762() -> FoodLimitTable { ThresholdTable.BuiltIn.gb2762 }

    /// The crops of the table, in row order.
    public var crops: [String] {
        var seen = Set<String>(), out: [String] = []
        for r in rows where seen.insert(Self.key(r.crop)).inserted { out.append(r.crop) }
        return out
    }

    /// The contaminants of the table, in row order.
    public var pollutants: [Pollutant] {
        var seen = Set<Pollutant>(), out: [Pollutant] = []
        for r in rows where seen.insert(r.pollutant).inserted { out.append(r.pollutant) }
        return out
    }

    /// Other names of the built-in crops (the key is matched trimmed and case-insensitively).
    public static let aliases: [String: String] = [
        "水稻": "稻谷", "早稻": "稻谷", "中稻": "稻谷", "晚稻": "稻谷", "稻": "稻谷", "rice": "稻谷", "paddy rice": "稻谷",
        "brown rice": "糙米", "milled rice": "大米", "米": "大米",
        "麦": "小麦", "冬小麦": "小麦", "wheat": "小麦", "wheat flour": "小麦粉", "面粉": "小麦粉",
        "玉米粒": "玉米", "maize": "玉米", "corn": "玉米", "玉米粉": "玉米面", "玉米糁": "玉米面",
        "谷物": "其他谷物", "杂粮": "其他谷物", "高粱": "其他谷物", "小米": "其他谷物", "谷子": "其他谷物",
        "大豆": "豆类", "黄豆": "豆类", "绿豆": "豆类", "红豆": "豆类", "soybean": "豆类",
        "叶菜": "叶菜类蔬菜", "叶菜蔬菜": "叶菜类蔬菜", "青菜": "叶菜类蔬菜", "白菜": "叶菜类蔬菜", "菠菜": "叶菜类蔬菜",
        "小白菜": "叶菜类蔬菜", "生菜": "叶菜类蔬菜", "leafy vegetables": "叶菜类蔬菜",
        "甘蓝": "芸薹类蔬菜", "卷心菜": "芸薹类蔬菜", "花椰菜": "芸薹类蔬菜", "西兰花": "芸薹类蔬菜",
        "蔬菜": "新鲜蔬菜", "vegetables": "新鲜蔬菜", "瓜类蔬菜": "新鲜蔬菜", "鳞茎类蔬菜": "新鲜蔬菜",
        "块根和块茎蔬菜": "根茎类蔬菜", "萝卜": "根茎类蔬菜", "胡萝卜": "根茎类蔬菜",
        "马铃薯": "薯类", "土豆": "薯类", "红薯": "薯类", "甘薯": "薯类",
        "茄果类": "茄果类蔬菜", "番茄": "茄果类蔬菜", "西红柿": "茄果类蔬菜", "辣椒": "茄果类蔬菜", "茄子": "茄果类蔬菜",
        "豇豆": "豆类蔬菜", "菜豆": "豆类蔬菜", "四季豆": "豆类蔬菜",
        "新鲜水果": "水果", "fruit": "水果", "苹果": "水果", "梨": "水果", "桃": "水果", "葡萄": "水果",
        "peanut": "花生", "tea": "茶叶",
    ]

    static func key(_ s: String) -> String { s.trimmingWhitespace().lowercased() }

    /// The table's name of a crop written `value` (the name itself, or an alias), or nil.
    public func crop(named value: String) -> String? {
        let k = Self.key(value)
        if let hit = crops.first(where: { Self.key($0) == k }) { return hit }
        if let alias = Self.aliases.first(where: { Self.key($0.key) == k })?.value {
            return crops.first { Self.key($0) == Self.key(alias) }
        }
        return nil
    }

    /// The limit of `pollutant` for `crop` (a table name, see ``crop(named:)``), or nil when the
    /// standard sets none for that crop.
    public func limit(for pollutant: Pollutant, crop: String) -> FoodLimit? {
        let k = Self.key(crop)
        return rows.first { $0.pollutant == pollutant && Self.key($0.crop) == k }
    }
}

/// How far a crop sample is above its food limit L (the grades of 农产品协同监测).
///
/// - ``compliant``: C ≤ L (不超标); ``slight``: L < C ≤ k·L (轻微超标); ``severe``: C > k·L
///   (严重超标), k = 2 by default. "Above" is strictly above, as for the soil standards.
public enum CropGrade: Int, Comparable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case compliant = 1
    case slight = 2
    case severe = 3

    public static func < (a: CropGrade, b: CropGrade) -> Bool { a.rawValue < b.rawValue }

    /// The grade of concentration `c` against limit `limit`, with severe above `severeFactor` × limit.
    public static func of(_ c: Double, limit: Double, severeFactor: Double = 2) -> CropGrade {
        if !(c > limit) { return .compliant }
        return c > severeFactor * limit ? .severe : .slight
    }

    public var chineseName: String {
        switch self {
        case .compliant: return "不超标"
        case .slight: return "轻微超标"
        case .severe: return "严重超标"
        }
    }

    public var englishName: String {
        switch self {
        case .compliant: return "compliant"
        case .slight: return "slightly above"
        case .severe: return "severely above"
        }
    }

    public var description: String { "\(chineseName) (\(englishName))" }
}

/// The grade of one crop sample: its worst contaminant (the first of equal grades by the
/// highest ratio C/L), with each contaminant's grade.
public struct CropSampleGrade: Hashable, Sendable {
    /// Nil when no measured contaminant has a limit for the crop.
    public var grade: CropGrade?
    /// Contaminants (indices) measured as a total above a limit set for the inorganic form (As in
    /// rice): GB 2762 lets a total at or below the limit comply, but above it only an inorganic
    /// measurement decides, so they are not graded.
    public var needsInorganic: [Int] = []
    /// Index into the graded contaminants of the worst one (highest C/L among the worst grade).
    public var worst: Int?
    /// Per contaminant: its grade (nil: not measured or no limit) and ratio C/L.
    public var perPollutant: [(grade: CropGrade?, ratio: Double?)]

    public static func == (a: CropSampleGrade, b: CropSampleGrade) -> Bool {
        a.grade == b.grade && a.worst == b.worst && a.needsInorganic == b.needsInorganic && a.perPollutant.count == b.perPollutant.count
            && zip(a.perPollutant, b.perPollutant).allSatisfy { $0.grade == $1.grade && $0.ratio == $1.ratio }
    }
    public func hash(into h: inout Hasher) { h.combine(grade); h.combine(worst) }
}

extension FoodLimitTable {
    /// Grades one crop sample of `crop` (a table name): `values` in the order of `pollutants`
    /// (NaN: not measured). Contaminants the standard sets no limit for under this crop are
    /// not graded (GB 2762 sets no Hg for beans, no Cr for fruit …).
    ///
    /// - Parameter inorganicMeasured: whether the values of limits set for the inorganic form
    ///   (As in rice) are inorganic measurements. When not (the lab measured total As), a total at
    ///   or below the limit complies (GB 2762 表4 footnote) and a total above it is not graded
    ///   (``CropSampleGrade/needsInorganic``).
    public func grade(crop: String, pollutants: [Pollutant], values: [Double], severeFactor: Double = 2,
                      inorganicMeasured: Bool = false) -> CropSampleGrade {
        precondition(values.count == pollutants.count, "\(values.count) values for \(pollutants.count) contaminants")
        var per: [(grade: CropGrade?, ratio: Double?)] = []
        var worst: Int? = nil, needsInorganic: [Int] = []
        for (i, p) in pollutants.enumerated() {
            let v = values[i]
            guard !v.isNaN, let l = limit(for: p, crop: crop) else { per.append((nil, nil)); continue }
            let g = CropGrade.of(v, limit: l.limit, severeFactor: severeFactor), r = v / l.limit
            if l.basis == "inorganic" && !inorganicMeasured && g != .compliant {
                needsInorganic.append(i)
                per.append((nil, r))
                continue
            }
            per.append((g, r))
            if let w = worst, let wg = per[w].grade, let wr = per[w].ratio {
                if g > wg || (g == wg && r > wr) { worst = i }
            } else {
                worst = i
            }
        }
        return CropSampleGrade(grade: worst.flatMap { per[$0].grade }, needsInorganic: needsInorganic, worst: worst, perPollutant: per)
    }
}
