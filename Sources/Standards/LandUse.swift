/// The land-use columns of GB 15618-2018 that a threshold depends on.
///
/// - `paddy` 水田; `other` 其他 (every non-paddy farmland: 旱地, 水浇地, 茶园, grassland …);
///   `orchard` 果园 — only Cu has an orchard row, other pollutants use `other`;
///   `rotation` 水旱轮作 — Table 1 note ②: the stricter of the paddy and `other` values,
///   taken as `min(paddy, other)` per pollutant and pH band (the stricter side is `other`
///   for Cd, Pb and Cr).
/// - For Cu a paddy uses the `other` row (the standard has no Cu paddy row); Ni, Zn and
///   the Table 2 items have one `any` row for every land use.
public enum LandUse: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case paddy
    case other
    case orchard
    case rotation

    /// Parses `paddy`, `other`, `orchard`, `rotation` (case-insensitive).
    public init?(name: String) {
        self.init(rawValue: name.trimmingWhitespace().lowercased())
    }

    public var description: String { rawValue }

    /// The Chinese name used in land-use surveys.
    public var chineseName: String {
        switch self {
        case .paddy: return "水田"
        case .other: return "其他"
        case .orchard: return "果园"
        case .rotation: return "水旱轮作"
        }
    }
}

/// Maps the values of a parcel attribute (e.g. a land-use survey's 地类名称) to ``LandUse``.
///
/// Lookup trims whitespace, tries the value as written, then case-insensitively, then the
/// canonical names (`paddy`, `other`, `orchard`, `rotation`), so `"Paddy"` always works.
public struct LandUseMapping: Hashable, Sendable {
    public var entries: [String: LandUse]
    /// Whether values the entries do not know are looked up among the land survey's farmland
    /// codes and names (``LandSurveyCodes``): true for ``chineseDefault``, false for a mapping the
    /// user wrote (whose values outside it are errors, as the user listed what they mean).
    public var knowsLandSurvey: Bool

    public init(_ entries: [String: LandUse], knowsLandSurvey: Bool = false) {
        self.entries = entries
        self.knowsLandSurvey = knowsLandSurvey
    }

    /// 水田→paddy; 水浇地, 旱地, 茶园, 其他园地, 草地, 其他→other; 果园→orchard;
    /// 水旱轮作, 水旱轮作地→rotation.
    public static let chineseDefault = LandUseMapping([
        "水田": .paddy,
        "水浇地": .other, "旱地": .other, "茶园": .other, "其他园地": .other, "草地": .other, "其他": .other,
        "果园": .orchard,
        "水旱轮作": .rotation, "水旱轮作地": .rotation,
    ], knowsLandSurvey: true)

    /// Parses `"水田=paddy,旱地=other,果园=orchard"` (`:` also accepted; spaces ignored).
    public init(parse spec: String) throws(StandardsError) {
        var e: [String: LandUse] = [:]
        for item in spec.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == ";" }) {
            let t = String(item).trimmingWhitespace()
            if t.isEmpty { continue }
            guard let eq = t.firstIndex(where: { $0 == "=" || $0 == ":" }) else { throw .invalidLandUseMapping(t) }
            let key = String(t[..<eq]).trimmingWhitespace(), value = String(t[t.index(after: eq)...]).trimmingWhitespace()
            guard !key.isEmpty else { throw .invalidLandUseMapping(t) }
            guard let lu = LandUse(name: value) else { throw .unknownLandUse(value, line: nil, source: "land-use mapping") }
            e[key] = lu
        }
        self.entries = e
        self.knowsLandSurvey = false
    }

    /// The land use for an attribute value, or `nil` when the mapping does not know it: the
    /// mapping's entries (as written, then case-insensitively), the canonical names, then — for
    /// the default mapping (``knowsLandSurvey``) — the land survey's farmland codes and names
    /// (GB/T 21010: `0101`/水田 → paddy, `0201`/果园 → orchard, `0102` 水浇地, `0103` 旱地,
    /// `0202`–`0204` 园地 → other; ``LandSurveyCodes``).
    public func landUse(for value: String) -> LandUse? {
        let v = value.trimmingWhitespace()
        if let lu = entries[v] { return lu }
        let lower = v.lowercased()
        if let hit = entries.first(where: { $0.key.lowercased() == lower }) { return hit.value }
        return LandUse(name: v) ?? (knowsLandSurvey ? LandSurveyCodes.lookup(v)?.landUse : nil)
    }
}
