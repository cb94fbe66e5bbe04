import Foundation
import GeoIO

/// A JSON value for result files, encoded with stable key order.
public enum JSONValue: Codable, Sendable, Equatable {
    case null, bool(Bool), number(Double), int(Int64), string(String)
    case array([JSONValue]), object([String: JSONValue])

    init(_ v: AttributeValue) {
        switch v {
        case .null: self = .null
        case .integer(let i): self = .int(i)
        case .real(let d): self = d.isFinite ? .number(d) : .null
        case .string(let s): self = .string(s)
        case .date(let d): self = .string(d.description)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): try c.encode(d)
        case .int(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// Pretty, key-sorted JSON text.
    public static func encodeJSON<T: Encodable>(_ v: T) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(v)
    }
}
