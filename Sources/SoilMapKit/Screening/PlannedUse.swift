import Foundation
import GeoIO
import Standards

/// Which GB 36600-2018 land class a plot's planned use falls in.
///
/// Clause 3.3/3.4 of the standard: class 1 (第一类用地) is residential land, schools
/// (中小学用地), hospitals (医疗卫生用地), social welfare land (社会福利设施用地) and community
/// parks and children's parks in public green land; class 2 (第二类用地) is industrial land,
/// logistics and storage, commercial and business facilities, roads and transport, public
/// utilities, public administration except the above, and green land except community and
/// children's parks. Clause 5.3.1 ("规划用途不明确的，适用第一类用地"): a plot whose
/// planned use is unclear is screened as class 1; here that is an empty value. A value the
/// mapping does not know is an error (it may be a typo).
public struct PlannedUseMapping: Sendable, Hashable {
    public var entries: [String: ConstructionLandClass]

    public init(_ entries: [String: ConstructionLandClass]) { self.entries = entries }

    /// The usual Chinese land-use names (GB 50137 / GB/T 21010 spellings) and English words.
    public static let standard = PlannedUseMapping([
        "住宅": .class1, "住宅用地": .class1, "居住": .class1, "居住用地": .class1, "城镇住宅用地": .class1, "农村宅基地": .class1,
        "学校": .class1, "中小学": .class1, "中小学用地": .class1, "幼儿园": .class1, "教育用地": .class1,
        "医院": .class1, "医疗卫生用地": .class1, "社会福利": .class1, "社会福利设施用地": .class1, "养老": .class1,
        "社区公园": .class1, "儿童公园": .class1, "第一类用地": .class1,
        "工业": .class2, "工业用地": .class2, "物流仓储": .class2, "物流仓储用地": .class2, "仓储用地": .class2,
        "商业": .class2, "商服用地": .class2, "商业服务业设施用地": .class2, "道路": .class2, "道路与交通设施用地": .class2,
        "交通运输用地": .class2, "公用设施": .class2, "公用设施用地": .class2, "绿地": .class2, "广场用地": .class2,
        "第二类用地": .class2,
        "residential": .class1, "school": .class1, "hospital": .class1, "kindergarten": .class1, "park": .class1,
        "industrial": .class2, "logistics": .class2, "storage": .class2, "commercial": .class2, "road": .class2,
        "utilities": .class2, "green": .class2,
        "1": .class1, "class1": .class1, "class 1": .class1, "2": .class2, "class2": .class2, "class 2": .class2,
    ])

    /// `standard` with the pairs of `"用途=class1,其他=class2"` added or replacing (`:` also
    /// accepted; values `class1`/`1`/`class2`/`2`).
    ///
    /// - Throws: ``InputError`` (`invalidArgument`) naming the item.
    public init(adding spec: String, option: String = "--use-map") throws {
        var e = Self.standard.entries
        for item in spec.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == ";" }) {
            let t = String(item).trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let eq = t.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw InputError(.invalidArgument, path: nil, "\(option): '\(t)' is not USE=class1 or USE=class2")
            }
            let key = t[..<eq].trimmingCharacters(in: .whitespaces), value = t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, let c = Self.landClass(named: value) else {
                throw InputError(.invalidArgument, path: nil, "\(option): '\(t)' is not USE=class1 or USE=class2")
            }
            e[key] = c
        }
        entries = e
    }

    static func landClass(named s: String) -> ConstructionLandClass? {
        switch s.lowercased().replacingOccurrences(of: " ", with: "") {
        case "class1", "1", "第一类用地", "第一类": return .class1
        case "class2", "2", "第二类用地", "第二类": return .class2
        default: return nil
        }
    }

    /// The land class of a planned use: `nil` for a value the mapping does not know; class 1
    /// for an empty value (use unclear, clause 5.3.1).
    public func landClass(for value: String) -> ConstructionLandClass? {
        let v = value.trimmingCharacters(in: .whitespaces)
        if v.isEmpty { return .class1 }
        if let c = entries[v] { return c }
        return entries.first { $0.key.lowercased() == v.lowercased() }?.value
    }
}
