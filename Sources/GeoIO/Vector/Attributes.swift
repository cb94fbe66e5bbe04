/// The type of an attribute field.
///
/// Each case corresponds to an OGR field type: `integer` is `OFTInteger`,
/// `integer64` `OFTInteger64`, `real` `OFTReal`, `string` `OFTString`, `date`
/// `OFTDate`, `dateTime` `OFTDateTime`, `time` `OFTTime`; list and binary types are
/// `other` and read as text.
@frozen
public enum FieldType: String, Sendable, Hashable, CaseIterable {
    case integer, integer64, real, string, date, dateTime, time, other
}

/// A field of a layer's schema.
public struct FieldDefinition: Sendable, Hashable {
    public var name: String
    public var type: FieldType
    /// Width for fixed-width formats (Shapefile); 0 means the driver's default.
    public var width: Int
    /// Decimal places for reals in fixed-width formats; 0 means the driver's default.
    public var precision: Int

    public init(_ name: String, _ type: FieldType, width: Int = 0, precision: Int = 0) {
        self.name = name
        self.type = type
        self.width = width
        self.precision = precision
    }
}

/// A calendar date and optional time of day, as stored (no time-zone conversion).
public struct DateTimeValue: Sendable, Hashable, CustomStringConvertible {
    public var year: Int, month: Int, day: Int
    public var hour: Int, minute: Int, second: Double
    public var hasTime: Bool

    public var description: String {
        let d = String(format: "%04d-%02d-%02d", year, month, day)
        guard hasTime else { return d }
        return d + String(format: "T%02d:%02d:%06.3f", hour, minute, second)
    }
}

/// One attribute value of a feature.
public enum AttributeValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case string(String)
    case date(DateTimeValue)

    /// The value as a number: integers and reals as they are, strings parsed as decimal
    /// numbers (surrounding spaces allowed); `nil` for null, dates and other text.
    public var number: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        case .string(let s): return Double(s.trimmingWhitespace())
        default: return nil
        }
    }

    /// The value as text ("" for null).
    public var text: String {
        switch self {
        case .null: return ""
        case .integer(let i): return String(i)
        case .real(let d): return d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : String(d)
        case .string(let s): return s
        case .date(let d): return d.description
        }
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var description: String { isNull ? "NULL" : text }
}

/// A feature read from a layer: its id, geometry and attribute values.
public struct Feature: Sendable, Hashable {
    /// The feature id the driver assigned (for CSV and Shapefile, the row number from 1 or 0).
    public var fid: Int64
    /// `nil` for features without geometry (attribute-only rows).
    public var geometry: Geometry?
    /// Values in the order of the layer's fields.
    public var values: [AttributeValue]

    public init(fid: Int64, geometry: Geometry?, values: [AttributeValue]) {
        self.fid = fid
        self.geometry = geometry
        self.values = values
    }
}

extension StringProtocol {
    /// The text without leading and trailing white space (`Character.isWhitespace`: spaces,
    /// tabs, line breaks, ideographic space U+3000 …). Pure Swift: Foundation's
    /// `trimmingCharacters(in:)` bridges through NSString and cost more than the rest of
    /// parsing a sample table.
    package func trimmingWhitespace() -> SubSequence {
        var lo = startIndex, hi = endIndex
        while lo < hi, self[lo].isWhitespace { lo = index(after: lo) }
        while lo < hi {
            let p = index(before: hi)
            guard self[p].isWhitespace else { break }
            hi = p
        }
        return self[lo..<hi]
    }
}
