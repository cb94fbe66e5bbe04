/// Why a threshold table, a mapping or a classification input was rejected.
///
/// Input problems only; misuse (arrays of different lengths) is a precondition failure.
/// `line` is the 1-based line in the CSV text (the header is line 1).
public enum StandardsError: Error, Hashable, Sendable, CustomStringConvertible {
    case missingColumn(String, source: String)
    case wrongFieldCount(line: Int, expected: Int, found: Int, source: String)
    case invalidNumber(String, column: String, line: Int, source: String)
    case missingValue(column: String, line: Int, source: String)
    case unknownLandUse(String, line: Int?, source: String)
    case interventionBelowScreening(pollutant: String, line: Int, source: String)
    case overlappingPHBands(pollutant: String, landUse: String, line: Int, source: String)
    case emptyTable(source: String)
    case invalidLandUseMapping(String)
    /// The table has no row for this pollutant (under the requested land use).
    case noThreshold(pollutant: String, landUse: String, source: String)
    /// No pH band of the table contains this pH.
    case noPHBand(pollutant: String, landUse: String, pH: Double, source: String)
    /// pH outside the accepted range (0–14 by default); `index` is the cell in the block.
    case pHOutOfRange(Double, index: Int?)
    /// The table depends on pH but no pH was given.
    case pHRequired(source: String)
    /// A food-limit table names the same contaminant and crop twice.
    case duplicateFoodLimit(pollutant: String, crop: String, line: Int, first: Int, source: String)

    public var description: String {
        switch self {
        case let .missingColumn(c, s): return "\(s): missing column '\(c)'"
        case let .wrongFieldCount(l, e, f, s): return "\(s):\(l): expected \(e) fields, found \(f)"
        case let .invalidNumber(v, c, l, s): return "\(s):\(l): column '\(c)': '\(v)' is not a number"
        case let .missingValue(c, l, s): return "\(s):\(l): column '\(c)' is empty"
        case let .unknownLandUse(v, l, s):
            return "\(s)\(l.map { ":\($0)" } ?? ""): unknown land use '\(v)' (expected paddy, other, orchard, rotation or any)"
        case let .interventionBelowScreening(p, l, s): return "\(s):\(l): \(p): intervention value below screening value"
        case let .overlappingPHBands(p, u, l, s): return "\(s):\(l): \(p) (\(u)): pH band overlaps an earlier row"
        case let .emptyTable(s): return "\(s): no threshold rows"
        case let .invalidLandUseMapping(t): return "land-use mapping item '\(t)' is not of the form value=paddy|other|orchard|rotation"
        case let .noThreshold(p, u, s): return "\(s): no threshold for \(p) (land use \(u))"
        case let .noPHBand(p, u, ph, s): return "\(s): no pH band for \(p) (land use \(u)) contains pH \(ph)"
        case let .pHOutOfRange(v, i): return "pH \(v) is outside 0–14\(i.map { " (cell \($0) of the block)" } ?? "")"
        case let .pHRequired(s): return "\(s): thresholds depend on pH but no pH was given"
        case let .duplicateFoodLimit(p, c, l, f, s): return "\(s):\(l): \(p) for \(c) is given again (first on line \(f)); give each contaminant and crop once"
        }
    }
}
