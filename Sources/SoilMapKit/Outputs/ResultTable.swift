import Foundation
import GeoIO

/// A table of results (no geometry) to write as CSV, XLSX or JSON.
public struct ResultTable: Sendable {
    public var fields: [FieldDefinition]
    public var rows: [[AttributeValue]]

    public init(fields: [FieldDefinition], rows: [[AttributeValue]] = []) {
        self.fields = fields
        self.rows = rows
    }

    /// Writes the table as CSV through GDAL's CSV driver, UTF-8 with a byte-order mark so
    /// Excel shows Chinese text (`WRITE_BOM=YES`).
    public func writeCSV(to path: String) throws {
        try write(path: path, format: .csv, options: ["WRITE_BOM": "YES", "STRING_QUOTING": "IF_NEEDED"])
    }

    /// Writes the table as an Excel workbook through GDAL's XLSX driver (sheet `sheet`).
    public func writeXLSX(to path: String, sheet: String) throws {
        try write(path: path, format: .xlsx, layerName: sheet)
    }

    private func write(path: String, format: VectorFormat, layerName: String? = nil, options: [String: String] = [:]) throws {
        let w = try VectorWriter(path: path, format: format)
        let name = layerName ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let l = try w.createLayer(name: name, geometryType: .none, crs: nil, fields: fields, options: options)
        try l.inTransaction {
            for r in rows { try l.append(geometry: nil, values: r) }
        }
        try w.close()
    }

    /// The rows as JSON objects keyed by field name (numbers as numbers, null as null).
    public func jsonObjects() -> [[String: JSONValue]] {
        rows.map { r in
            var o: [String: JSONValue] = [:]
            for (f, v) in zip(fields, r) { o[f.name] = JSONValue(v) }
            return o
        }
    }
}
