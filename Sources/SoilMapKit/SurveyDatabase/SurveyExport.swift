import Foundation
import GeoIO
import Standards

extension SurveyDatabase {
    /// Writes the samples of a round (or all rounds) with one column per analyte, for other
    /// departments, by the extension of `output`:
    /// - CSV: coordinate columns (lon/lat, or x/y in a projected database CRS) and values as
    ///   text, `<limit` below the detection limit, so `soilmap run`, `monitor` and `screen` read
    ///   the file as samples;
    /// - XLSX, GeoJSON (points in WGS 84, as RFC 7946 asks), GeoPackage (points in the
    ///   database CRS): values as numbers, with a `NAME_dl` column holding the detection limit
    ///   of values below it (whose value is then empty).
    public func export(round: String?, to output: String, files: OutputFiles) throws -> Int {
        let t = try table(round: round)
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        guard let format = VectorFormat(pathExtension: ext), format != .shapefile else {
            throw InputError(.invalidArgument, path: output, "write .csv, .xlsx, .geojson or .gpkg")
        }
        let head = Array(t.fields.prefix(4)), analytes = Array(t.fields.dropFirst(4))
        let tmp = try files.temporaryPath(for: output)
        let (xn, yn) = crs.isGeographic ? ("lon", "lat") : ("x", "y")
        if format == .csv {
            var rt = ResultTable(fields: Array(head.prefix(3)) + [FieldDefinition(xn, .real), FieldDefinition(yn, .real), head[3]]
                                 + analytes.map { FieldDefinition($0.name, .string) })
            for (c, r) in zip(t.coordinates, t.rows) {
                let text = r.dropFirst(4).map { v -> AttributeValue in if case .real(let d) = v { return .string("\(d)") } else { return v } }
                rt.rows.append(Array(r.prefix(3)) + [.real(c.x), .real(c.y), r[3]] + text)
            }
            try rt.writeCSV(to: tmp)
            return t.rows.count
        }
        // Numbers, and the detection limits of values below them in NAME_dl.
        let fields = head + analytes.flatMap { [FieldDefinition($0.name, .real), FieldDefinition($0.name + "_dl", .real)] }
        let rows: [[AttributeValue]] = t.rows.map { r in
            Array(r.prefix(4)) + r.dropFirst(4).flatMap { v -> [AttributeValue] in
                switch v {
                case .real: return [v, .null]
                case .string(let s): return [.null, SampleTable.detectionLimit(s).map { .real($0) } ?? .null]
                default: return [.null, .null]
                }
            }
        }
        if format == .xlsx {
            var rt = ResultTable(fields: Array(head.prefix(3)) + [FieldDefinition(xn, .real), FieldDefinition(yn, .real)] + fields.dropFirst(3))
            for (c, r) in zip(t.coordinates, rows) { rt.rows.append(Array(r.prefix(3)) + [.real(c.x), .real(c.y)] + r.dropFirst(3)) }
            try rt.writeXLSX(to: tmp, sheet: "samples")
            return t.rows.count
        }
        let target = format == .geoJSON ? try CRS(epsg: 4326) : crs
        let coords = target.isEquivalent(to: crs) ? t.coordinates : try Transformer(from: crs, to: target).transform(t.coordinates)
        let w = try VectorWriter(path: tmp, format: format)
        let l = try w.createLayer(name: "samples", geometryType: .point, crs: target, fields: fields)
        try l.inTransaction {
            for (c, r) in zip(coords, rows) { try l.append(geometry: .point(c), values: r) }
        }
        try w.close()
        return t.rows.count
    }
}
