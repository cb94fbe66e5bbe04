import Foundation

/// A screening value and, where the standard sets one, an intervention value.
///
/// - Units: mg/kg dry soil.
public struct Threshold: Hashable, Sendable, CustomStringConvertible {
    public var screening: Double
    /// `nil` when the standard sets none (GB 15618: Cu, Ni, Zn and Table 2 items).
    public var intervention: Double?

    public init(screening: Double, intervention: Double?) {
        self.screening = screening
        self.intervention = intervention
    }

    /// The stricter of two thresholds, value by value (paddy–dryland rotation). A missing
    /// intervention value is the less strict one.
    public func stricter(_ o: Threshold) -> Threshold {
        let i: Double?
        switch (intervention, o.intervention) {
        case let (a?, b?): i = Swift.min(a, b)
        case let (a?, nil): i = a
        case let (nil, b): i = b
        }
        return Threshold(screening: Swift.min(screening, o.screening), intervention: i)
    }

    public var description: String { "screening \(screening)" + (intervention.map { ", intervention \($0)" } ?? "") + " mg/kg" }

    // The one comparison rule of SoilMap: "above" a value is strictly above it (the standards'
    // 超过; GB 15618 clauses 6.1–6.3, GB 36600 clause 5.3), so a value on a threshold gets the
    // better class. Every classification, tally and screening asks these.

    /// The threshold as a value stored at `precision` would meet it: each value rounded to that
    /// precision, so that a Float32 cell holding 0.3 (0.30000001…) is not above a screening
    /// value of 0.3 — the same Float32 number (issue 24: "exactly at a threshold is not above it,
    /// at the precision it is stored in").
    @inlinable public func at(_ precision: ValuePrecision) -> Threshold {
        precision == .double ? self : Threshold(screening: precision.round(screening), intervention: intervention.map(precision.round))
    }

    /// Whether `value` is above the screening value.
    @inlinable public func isExceeded(by value: Double) -> Bool { value > screening }

    /// Whether `value` is above the intervention value (never, where the standard sets none).
    @inlinable public func isInterventionExceeded(by value: Double) -> Bool { intervention.map { value > $0 } ?? false }

    /// The class of one value: 1 at or below the screening value, 3 above the intervention value,
    /// 2 between (at most 2 without an intervention value). NaN is class 2 (callers treat NaN as
    /// nodata before asking).
    @inlinable public func soilClass(of value: Double) -> SoilClass {
        if !isExceeded(by: value) && !value.isNaN { return .priorityProtection }
        return isInterventionExceeded(by: value) ? .strictControl : .safeUtilization
    }
}

/// Which standard a table belongs to; decides the class labels.
public enum StandardKind: Hashable, Sendable {
    /// GB 15618-2018 (farmland) or a user table with the same columns.
    case farmland
    /// GB 36600-2018 (construction land), first- or second-class land.
    case constructionLand(ConstructionLandClass)
}

/// GB 36600-2018 land classes: 第一类用地 (residential, schools, hospitals, social welfare,
/// community parks …) and 第二类用地 (industrial, logistics, commercial, roads, utilities,
/// green land …). Clause 5.3.1: use the planned use; class 1 when it is unclear.
public enum ConstructionLandClass: String, CaseIterable, Hashable, Sendable {
    case class1
    case class2
}

/// One row of a threshold table: `phMinExclusive < pH ≤ phMaxInclusive` (a `nil` bound is open).
public struct ThresholdRow: Hashable, Sendable {
    public var pollutant: Pollutant
    /// `nil` for the standard's `any` rows (valid for every land use).
    public var landUse: LandUse?
    public var phMinExclusive: Double?
    public var phMaxInclusive: Double?
    public var threshold: Threshold
    /// 1-based line in the source CSV (0 for rows made in code).
    public var line: Int

    public init(pollutant: Pollutant, landUse: LandUse?, phMinExclusive: Double?, phMaxInclusive: Double?,
                threshold: Threshold, line: Int = 0) {
        self.pollutant = pollutant
        self.landUse = landUse
        self.phMinExclusive = phMinExclusive
        self.phMaxInclusive = phMaxInclusive
        self.threshold = threshold
        self.line = line
    }

    /// Whether the row has no pH bound.
    public var isPHIndependent: Bool { phMinExclusive == nil && phMaxInclusive == nil }

    /// Whether `pH` lies in the row's band; a boundary value belongs to the lower band.
    @inlinable
    public func contains(pH: Double) -> Bool {
        (phMinExclusive.map { pH > $0 } ?? true) && (phMaxInclusive.map { pH <= $0 } ?? true)
    }
}

/// Thresholds by pollutant, land use and pH band, as data.
///
/// Built-in: ``gb15618()`` (GB 15618-2018 Tables 1–3) and ``gb36600(class:)``
/// (GB 36600-2018 inorganic items and benzo[a]pyrene), loaded from the CSV files in the
/// package resources (the project's standards tables; sources, agreement counts and rules in `Resources/SOURCES.md`). Other jurisdictions:
/// ``init(csv:source:)`` with the columns of `gb15618-2018.csv`.
///
/// ## Lookup (``threshold(for:landUse:pH:)``)
/// * rows of the requested land use if the pollutant has any; otherwise `paddy` and
///   `orchard` fall back to `other` (Cu paddy → `other`; Cd orchard → `other`), then to
///   `any`; `other` falls back to `any`;
/// * `rotation` uses `rotation` rows when a table has them, otherwise
///   `min(paddy, other)` value by value (``Threshold/stricter(_:)``) in the band of the pH;
/// * the band is the row with `ph_min_exclusive < pH ≤ ph_max_inclusive`, so 5.5, 6.5 and
///   7.5 belong to the lower band, as printed in the standard (pH≤5.5, 5.5＜pH≤6.5 …).
public struct ThresholdTable: Hashable, Sendable {
    public var source: String
    public var kind: StandardKind
    public var rows: [ThresholdRow]

    public init(rows: [ThresholdRow], source: String, kind: StandardKind = .farmland) {
        self.rows = rows
        self.source = source
        self.kind = kind
    }

    /// The pollutants of the table, in row order, spelled as in the table.
    public var pollutants: [Pollutant] {
        var seen = Set<Pollutant>(), out: [Pollutant] = []
        for r in rows where seen.insert(r.pollutant).inserted { out.append(r.pollutant) }
        return out
    }

    /// The table's own spelling of `p` (`cd` → `Cd`), or `nil` when it has no such pollutant.
    public func canonical(_ p: Pollutant) -> Pollutant? { rows.first { $0.pollutant == p }?.pollutant }

    /// The least strict screening and intervention values of `pollutant` over all its rows (every
    /// land use and pH band): a value above them is above whatever its pH and land use. Screening
    /// +∞ when the table has no row for it.
    public func loosestThreshold(for pollutant: Pollutant) -> Threshold {
        let mine = rows.filter { $0.pollutant == pollutant }
        return Threshold(screening: mine.map(\.threshold.screening).max() ?? .infinity,
                         intervention: mine.compactMap(\.threshold.intervention).max())
    }

    /// Whether any threshold depends on pH.
    public var dependsOnPH: Bool { rows.contains { !$0.isPHIndependent } }

    /// The rows applying to `pollutant` under `landUse` (before the pH band is chosen);
    /// for `rotation` without rotation rows, the two row sets whose minimum is taken.
    func rowSets(for pollutant: Pollutant, landUse: LandUse) -> [[ThresholdRow]] {
        let mine = self.rows.filter { $0.pollutant == pollutant }
        func rowsOf(_ lu: LandUse?) -> [ThresholdRow] { mine.filter { $0.landUse == lu } }
        func resolve(_ lu: LandUse) -> [ThresholdRow] {
            let exact = rowsOf(lu)
            if !exact.isEmpty { return exact }
            if lu == .paddy || lu == .orchard {
                let other = rowsOf(.other)
                if !other.isEmpty { return other }
            }
            return rowsOf(nil)
        }
        if landUse == .rotation {
            let exact = rowsOf(.rotation)
            if !exact.isEmpty { return [exact] }
            let p = resolve(.paddy), o = resolve(.other)
            return p == o ? [p] : [p, o].filter { !$0.isEmpty }
        }
        return [resolve(landUse)]
    }

    /// The threshold for `pollutant` under `landUse` at `pH` (`nil` only for pH-independent rows).
    ///
    /// - Edge behaviour: pH is used as given (no rounding; ``Classifier`` rounds).
    public func threshold(for pollutant: Pollutant, landUse: LandUse, pH: Double?) throws(StandardsError) -> Threshold {
        let sets = rowSets(for: pollutant, landUse: landUse)
        guard !sets.isEmpty, sets.allSatisfy({ !$0.isEmpty }) else {
            throw .noThreshold(pollutant: pollutant.name, landUse: landUse.rawValue, source: source)
        }
        var result: Threshold?
        for set in sets {
            let row: ThresholdRow?
            if let pH { row = set.first { $0.contains(pH: pH) } } else {
                guard set.allSatisfy(\.isPHIndependent) else { throw .pHRequired(source: source) }
                row = set.first
            }
            guard let row else {
                throw .noPHBand(pollutant: pollutant.name, landUse: landUse.rawValue, pH: pH ?? .nan, source: source)
            }
            result = result.map { $0.stricter(row.threshold) } ?? row.threshold
        }
        return result!
    }
}

// MARK: - Built-in tables

extension ThresholdTable {
    /// GB 15618-2018 土壤环境质量 农用地土壤污染风险管控标准（试行）: Table 1 screening
    /// values, Table 3 intervention values, Table 2 optional items.
    ///
    /// - References: `gb15618-2018.csv` and `Resources/SOURCES.md`, from the
    ///   MEE text as transcribed and cross-checked in four sources.
    public static func gb15618() -> ThresholdTable { BuiltIn.gb15618 }

    /// GB 36600-2018 土壤环境质量 建设用地土壤污染风险管控标准（试行） for first- or
    /// second-class land: inorganic items of Tables 1–2 and benzo[a]pyrene. No pH or land-use
    /// dependence. Cr here is Cr(VI), not total Cr.
    public static func gb36600(class landClass: ConstructionLandClass) -> ThresholdTable {
        landClass == .class1 ? BuiltIn.gb36600Class1 : BuiltIn.gb36600Class2
    }

    /// The CSV text of a built-in table (`gb15618-2018` or `gb36600-2018`), from the bundle.
    public static func bundledCSV(named name: String) -> String? {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: name, withExtension: "csv") else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }

    enum BuiltIn {
        static let gb15618: ThresholdTable = load { () throws(StandardsError) in
            try ThresholdTable(csv: text("gb15618-2018"), source: "GB 15618-2018")
        }
        static let gb36600Class1: ThresholdTable = load { () throws(StandardsError) in
            try ThresholdTable(gb36600CSV: text("gb36600-2018"), class: .class1, source: "GB 36600-2018 class 1")
        }
        static let gb36600Class2: ThresholdTable = load { () throws(StandardsError) in
            try ThresholdTable(gb36600CSV: text("gb36600-2018"), class: .class2, source: "GB 36600-2018 class 2")
        }
        static let gb2762: FoodLimitTable = {
            do { return try FoodLimitTable(csv: text("gb2762-2022"), source: "GB 2762-2022") } catch {
                fatalError("built-in table does not parse: \(error)")
            }
        }()
        static func text(_ name: String) -> String {
            guard let s = bundledCSV(named: name) else { fatalError("Standards resource \(name).csv is missing from the bundle") }
            return s
        }
        static func load(_ f: () throws(StandardsError) -> ThresholdTable) -> ThresholdTable {
            do { return try f() } catch { fatalError("built-in table does not parse: \(error)") }
        }
    }
}

// MARK: - CSV

extension ThresholdTable {
    static let farmlandColumns = ["pollutant", "land_use", "ph_min_exclusive", "ph_max_inclusive",
                                  "screening_mg_per_kg", "intervention_mg_per_kg"]

    /// Parses a table with the columns of `gb15618-2018.csv`:
    /// `pollutant,land_use,ph_min_exclusive,ph_max_inclusive,screening_mg_per_kg,intervention_mg_per_kg`.
    ///
    /// - Parameters:
    ///   - csv: the text; columns may come in any order, extra columns are ignored, a
    ///     UTF-8 BOM, CRLF line ends, blank lines and `#` comment lines are accepted, fields
    ///     may be double-quoted.
    ///   - source: a name for messages (usually the file path).
    /// - Edge behaviour: `land_use` is `paddy`, `other`, `orchard`, `rotation` or `any`
    ///   (case-insensitive); empty pH bounds are open; an empty intervention value means none.
    /// - Throws: ``StandardsError`` naming the column, the line and the offending text:
    ///   missing column, wrong field count, non-numeric or missing value, unknown land use,
    ///   intervention below screening, overlapping pH bands, no rows.
    public init(csv: String, source: String) throws(StandardsError) {
        let (header, records) = CSV.parse(csv)
        let idx = try CSV.columnIndices(header, required: Self.farmlandColumns, source: source)
        var rows: [ThresholdRow] = []
        for (line, f) in records {
            guard f.count >= header.count else {
                throw .wrongFieldCount(line: line, expected: header.count, found: f.count, source: source)
            }
            func field(_ c: String) -> String { f[idx[c]!] }
            func number(_ c: String, required: Bool) throws(StandardsError) -> Double? {
                let v = field(c)
                if v.isEmpty {
                    if required { throw .missingValue(column: c, line: line, source: source) }
                    return nil
                }
                guard let d = Double(v), d.isFinite else { throw .invalidNumber(v, column: c, line: line, source: source) }
                return d
            }
            let name = field("pollutant")
            guard !name.isEmpty else { throw .missingValue(column: "pollutant", line: line, source: source) }
            let luText = field("land_use")
            let lu: LandUse?
            if luText.lowercased() == "any" || luText.isEmpty { lu = nil } else {
                guard let l = LandUse(name: luText) else { throw .unknownLandUse(luText, line: line, source: source) }
                lu = l
            }
            let s = try number("screening_mg_per_kg", required: true)!
            let i = try number("intervention_mg_per_kg", required: false)
            if let i, i < s { throw .interventionBelowScreening(pollutant: name, line: line, source: source) }
            let row = ThresholdRow(pollutant: Pollutant(name), landUse: lu,
                                   phMinExclusive: try number("ph_min_exclusive", required: false),
                                   phMaxInclusive: try number("ph_max_inclusive", required: false),
                                   threshold: Threshold(screening: s, intervention: i), line: line)
            for r in rows where r.pollutant == row.pollutant && r.landUse == row.landUse && Self.overlap(r, row) {
                throw .overlappingPHBands(pollutant: name, landUse: lu?.rawValue ?? "any", line: line, source: source)
            }
            rows.append(row)
        }
        guard !rows.isEmpty else { throw .emptyTable(source: source) }
        self.init(rows: rows, source: source, kind: .farmland)
    }

    /// Parses `gb36600-2018.csv` (`pollutant,cas,class1_screening,class2_screening,
    /// class1_intervention,class2_intervention`) for one land class.
    public init(gb36600CSV csv: String, class landClass: ConstructionLandClass, source: String) throws(StandardsError) {
        let (header, records) = CSV.parse(csv)
        let s = landClass == .class1 ? "class1_screening" : "class2_screening"
        let iv = landClass == .class1 ? "class1_intervention" : "class2_intervention"
        let idx = try CSV.columnIndices(header, required: ["pollutant", s, iv], source: source)
        var rows: [ThresholdRow] = []
        for (line, f) in records {
            guard f.count >= header.count else {
                throw .wrongFieldCount(line: line, expected: header.count, found: f.count, source: source)
            }
            func number(_ c: String) throws(StandardsError) -> Double? {
                let v = f[idx[c]!]
                if v.isEmpty { return nil }
                guard let d = Double(v), d.isFinite else { throw .invalidNumber(v, column: c, line: line, source: source) }
                return d
            }
            guard let sv = try number(s) else { throw .missingValue(column: s, line: line, source: source) }
            let i = try number(iv)
            if let i, i < sv { throw .interventionBelowScreening(pollutant: f[idx["pollutant"]!], line: line, source: source) }
            rows.append(ThresholdRow(pollutant: Pollutant(f[idx["pollutant"]!]), landUse: nil, phMinExclusive: nil,
                                     phMaxInclusive: nil, threshold: Threshold(screening: sv, intervention: i), line: line))
        }
        guard !rows.isEmpty else { throw .emptyTable(source: source) }
        self.init(rows: rows, source: source, kind: .constructionLand(landClass))
    }

    static func overlap(_ a: ThresholdRow, _ b: ThresholdRow) -> Bool {
        let lo = Swift.max(a.phMinExclusive ?? -.infinity, b.phMinExclusive ?? -.infinity)
        let hi = Swift.min(a.phMaxInclusive ?? .infinity, b.phMaxInclusive ?? .infinity)
        return lo < hi
    }
}

/// A small CSV reader: RFC 4180 quoting, CRLF, BOM, blank and `#` lines skipped.
enum CSV {
    /// Header fields (trimmed, lower-cased) and records with their 1-based line numbers.
    static func parse(_ text: String) -> (header: [String], records: [(line: Int, fields: [String])]) {
        var header: [String]? = nil
        var records: [(Int, [String])] = []
        var lineNo = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNo += 1
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            if lineNo == 1, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = split(line).map { $0.trimmingWhitespace() }
            if header == nil { header = fields.map { $0.lowercased() } } else { records.append((lineNo, fields)) }
        }
        return (header ?? [], records)
    }

    static func split(_ line: String) -> [String] {
        var out: [String] = [], cur = "", quoted = false
        var it = Array(line)[...]
        while let ch = it.popFirst() {
            if quoted {
                if ch == "\"" {
                    if it.first == "\"" { cur.append("\""); it.removeFirst() } else { quoted = false }
                } else { cur.append(ch) }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                out.append(cur); cur = ""
            } else { cur.append(ch) }
        }
        out.append(cur)
        return out
    }

    static func columnIndices(_ header: [String], required: [String], source: String) throws(StandardsError) -> [String: Int] {
        var idx: [String: Int] = [:]
        for c in required {
            guard let i = header.firstIndex(of: c) else { throw .missingColumn(c, source: source) }
            idx[c] = i
        }
        return idx
    }
}
