import Foundation
import GeoIO

/// How a value reported below the detection limit (written `<0.05`, `＜0.05` or `ND<0.05`)
/// becomes a number.
///
/// - `half`: half the limit (the default; common practice in soil surveys, e.g. US EPA
///   guidance for data sets with few non-detects).
/// - `limit`: the limit itself (conservative for classification).
/// - `zero`: zero.
/// - `drop`: the sample is left out for that variable.
public enum BelowDetectionRule: String, Sendable, CaseIterable, Codable {
    case half, limit, zero, drop
}

/// Sample points of one survey, in a working CRS, with parsed numeric variables.
public struct SampleTable: Sendable {
    public var path: String
    /// Identifiers (the id column, or "row N").
    public var ids: [String]
    /// Human labels of the source rows for messages ("row 12 (line 13)").
    public var labels: [String]
    /// Coordinates in `crs` (the working CRS), or as read when `crs` is nil.
    public var coordinates: [Coordinate]
    /// The CRS of `coordinates`; `nil` for planar coordinates in unstated units.
    public var crs: CRS?
    /// The source table as read.
    public var source: PointTable
    /// How the user names the settings, for messages.
    public var names: SettingNames = .commandLine
    /// Warnings collected while reading (below-detection values, notes on the CRS).
    public var warnings: [String]
    /// Appended to messages about column names when the file was read in a declared encoding.
    public var encodingNote = ""

    /// Parses the numeric values of `field`.
    ///
    /// Empty cells are left out (reported in `warnings`); `<DL` strings follow `rule`.
    /// - Returns: the indices of the samples that have a value, and the values.
    /// - Throws: ``InputError`` naming the file, row and column for text that is not a
    ///   number, or a negative value when `allowNegative` is false.
    public func values(of field: String, rule: BelowDetectionRule = .half, allowNegative: Bool = false,
                       warnings: inout [String]) throws -> (indices: [Int], values: [Double]) {
        guard let fi = source.fieldIndex(field) else {
            throw InputError(.missingField, path: path,
                             "has no column '\(field)'; columns are: \(source.fields.map(\.name).joined(separator: ", "))\(encodingNote)")
        }
        let name = source.fields[fi].name
        var idx: [Int] = [], vals: [Double] = []
        var belowDL = 0, empty = 0, dropped = 0
        for i in 0..<coordinates.count {
            let raw = source.rows[i][fi]
            if raw.isNull { empty += 1; continue }
            if let v = raw.number {
                guard v.isFinite else {
                    throw InputError(.badValue, path: path, location: "\(labels[i]), column '\(name)'", "'\(raw.text)' is not a finite number")
                }
                if v < 0 && !allowNegative {
                    throw InputError(.badValue, path: path, location: "\(labels[i]), column '\(name)'",
                                     "negative concentration \(raw.text); concentrations must be ≥ 0 (write values below the detection limit as <DL, e.g. <0.05"
                                     + (names.allowNegative.map { "; for a signed variable pass \($0))" } ?? ")"))
                }
                idx.append(i); vals.append(v)
                continue
            }
            if raw.text.trimmingWhitespace().isEmpty { empty += 1; continue }
            if let limit = Self.detectionLimit(raw.text) {
                belowDL += 1
                switch rule {
                case .half: idx.append(i); vals.append(limit / 2)
                case .limit: idx.append(i); vals.append(limit)
                case .zero: idx.append(i); vals.append(0)
                case .drop: dropped += 1
                }
                continue
            }
            throw InputError(.badValue, path: path, location: "\(labels[i]), column '\(name)'",
                             "'\(raw.text)' is not a number; fix the value, leave the cell empty, or write values below the detection limit as <DL (e.g. <0.05)")
        }
        if belowDL > 0 {
            warnings.append("\(name): \(belowDL) value(s) below the detection limit were set by the rule '\(rule.rawValue)'"
                            + (rule == .drop ? " (left out)" : ""))
        }
        if empty > 0 { warnings.append("\(name): \(empty) sample(s) with an empty value were left out") }
        return (idx, vals)
    }

    /// The limit in a below-detection-limit text such as `<0.05`, `＜0.05`, `ND<0.05`, `< 0.05`.
    public static func detectionLimit(_ text: String) -> Double? {
        var t = text.trimmingWhitespace().uppercased()
        if t.hasPrefix("ND") { t.removeFirst(2) }
        guard let first = t.first, first == "<" || first == "＜" else { return nil }
        t.removeFirst()
        guard let v = Double(t.trimmingWhitespace()), v.isFinite, v > 0 else { return nil }
        return v
    }
}
