/// Sample points read from any point layer or from a CSV table with coordinate columns.
///
/// Coordinates are given in the source's CRS (`crs`), x = easting or longitude.
public struct PointTable: Sendable {
    public var path: String
    public var layerName: String
    public var fields: [FieldDefinition]
    public var fids: [Int64]
    public var coordinates: [Coordinate]
    /// Attribute values per point, in the order of `fields`.
    public var rows: [[AttributeValue]]
    /// The CRS declared by the source, `nil` when it declares none (CSV).
    public var crs: CRS?
    /// The coordinate columns used, for CSV tables.
    public var coordinateColumns: (x: String, y: String)?
    /// Whether the coordinate columns are named like longitude/latitude.
    public var looksGeographic: Bool
    /// For CSV: the line each row starts on (blank lines and quoted line breaks counted).
    public var lines: [Int]? = nil

    /// A table built in memory (e.g. from a database query); `labels` name the rows in messages.
    public init(path: String, layerName: String, fields: [FieldDefinition], fids: [Int64], coordinates: [Coordinate],
                rows: [[AttributeValue]], crs: CRS?) {
        self.path = path
        self.layerName = layerName
        self.fields = fields
        self.fids = fids
        self.coordinates = coordinates
        self.rows = rows
        self.crs = crs
        self.coordinateColumns = nil
        self.looksGeographic = crs?.isGeographic ?? false
    }

    /// Where a point came from, for messages: "row 12 (line 13)" for CSV, "feature 12" otherwise.
    public func label(_ i: Int) -> String {
        if let lines { return "row \(i + 1) (line \(lines[i]))" }
        return coordinateColumns != nil ? "row \(fids[i]) (line \(fids[i] + 1))" : "feature \(fids[i])"
    }

    /// Index of the field called `name` (exact, then case-insensitive).
    public func fieldIndex(_ name: String) -> Int? {
        fields.firstIndex { $0.name == name } ?? fields.firstIndex { $0.name.lowercased() == name.lowercased() }
    }

    /// Coordinate column pairs guessed when none are given, in order of preference.
    public static let guessedColumnPairs: [(String, String)] = [
        ("x", "y"), ("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"), ("long", "lat"),
        ("经度", "纬度"), ("easting", "northing"), ("east", "north"), ("point_x", "point_y"), ("x坐标", "y坐标"),
    ]

    /// Reads points from `path`.
    ///
    /// For a layer with point geometries, the geometries are used. For a table without
    /// geometry (CSV), the coordinate columns are `xField`/`yField` when given, else the
    /// first pair of `guessedColumnPairs` present (case-insensitive).
    ///
    /// A CSV row with more or fewer fields than the header is refused (OGR would drop extra
    /// fields and leave missing ones empty, shifting or losing values without a word).
    ///
    /// - Parameter columnOptions: how the user names the coordinate columns (`--x-field`,
    ///   `samples.x`), for messages.
    /// - Throws: ``InputError`` naming the file and row for a missing or non-numeric
    ///   coordinate, a ragged CSV row, a non-point geometry, or missing coordinate columns.
    public static func read(path: String, layer: String? = nil, xField: String? = nil, yField: String? = nil,
                            options: VectorOpenOptions = .init(detectCSVTypes: false),
                            columnOptions: (x: String, y: String) = ("--x-field", "--y-field")) throws -> PointTable {
        let ds = try VectorDataset(path: path, options: options)
        let lyr = try ds.layer(named: layer)
        let fields = lyr.fields
        func find(_ n: String) -> Int? { lyr.fieldIndex(n) }
        var xi: Int? = nil, yi: Int? = nil
        if let xField, let yField {
            guard let a = find(xField) else {
                throw InputError(.missingField, path: path, "has no column '\(xField)'; columns are: \(fields.map(\.name).joined(separator: ", "))")
            }
            guard let b = find(yField) else {
                throw InputError(.missingField, path: path, "has no column '\(yField)'; columns are: \(fields.map(\.name).joined(separator: ", "))")
            }
            xi = a; yi = b
        } else if xField != nil || yField != nil {
            throw InputError(.invalidArgument, path: path, "give both the x and the y column (\(columnOptions.x) and \(columnOptions.y))")
        } else if !lyr.hasGeometry || ds.driverName == "CSV" {
            for (a, b) in guessedColumnPairs {
                if let i = find(a), let j = find(b) { xi = i; yi = j; break }
            }
            if xi == nil && !lyr.hasGeometry {
                throw InputError(.missingField, path: path,
                                 "has no point geometry and no coordinate columns I recognise (x/y, lon/lat, longitude/latitude, 经度/纬度); name them with \(columnOptions.x) and \(columnOptions.y). Columns are: \(fields.map(\.name).joined(separator: ", "))")
            }
        }
        var table = PointTable(path: path, layerName: lyr.name, fields: fields, fids: [], coordinates: [], rows: [], crs: lyr.crs)
        table.looksGeographic = false
        if let xi, let yi {
            table.coordinateColumns = (fields[xi].name, fields[yi].name)
            let geoNames = ["lon", "longitude", "lng", "long", "经度"]
            table.looksGeographic = geoNames.contains(fields[xi].name.lowercased())
        } else {
            table.looksGeographic = lyr.crs?.isGeographic ?? false
        }
        // The record shape, used only when its records are the driver's features one to one.
        let shape = try (ds.driverName == "CSV" ? CSVRecords.read(path: ds.readPath) : nil)
            .flatMap { $0.records.count == lyr.featureCount ? $0 : nil }
        table.lines = shape?.records.map(\.line)
        try lyr.forEachFeature { f in
            let c: Coordinate
            let row = table.fids.count
            if let shape, row < shape.records.count, shape.records[row].fieldCount != shape.headerFieldCount {
                let r = shape.records[row]
                let d = shape.delimiter == "\t" ? "tab" : "'\(shape.delimiter)'"
                throw InputError(.badValue, path: path, location: "row \(row + 1) (line \(r.line))",
                                 "has \(r.fieldCount) fields but the header has \(shape.headerFieldCount) (separated by \(d)); "
                                 + (r.fieldCount > shape.headerFieldCount
                                    ? "quote values that contain the separator (a decimal comma as \"0,25\", or better 0.25) or remove the extra fields"
                                    : "add the missing fields (an empty field for a missing value, e.g. ',,')"))
            }
            if let xi, let yi {
                let rowLabel = table.lines.map { "row \(row + 1) (line \($0[row]))" } ?? "row \(f.fid) (line \(f.fid + 1))"
                guard let x = f.values[xi].number, x.isFinite else {
                    throw InputError(.badValue, path: path, location: "\(rowLabel), column '\(fields[xi].name)'",
                                     f.values[xi].isNull ? "the coordinate is empty; fill it in or remove the row"
                                         : "'\(f.values[xi].text)' is not a number; coordinates must be decimal numbers (degrees as 112.9, not 112°54′)")
                }
                guard let y = f.values[yi].number, y.isFinite else {
                    throw InputError(.badValue, path: path, location: "\(rowLabel), column '\(fields[yi].name)'",
                                     f.values[yi].isNull ? "the coordinate is empty; fill it in or remove the row"
                                         : "'\(f.values[yi].text)' is not a number; coordinates must be decimal numbers (degrees as 35.8, not 35°48′)")
                }
                c = Coordinate(x: x, y: y)
            } else {
                guard let g = f.geometry else {
                    throw InputError(.badValue, path: path, location: "feature \(f.fid)", "has no geometry; every sample needs a location")
                }
                guard case .point(let p) = g else {
                    throw InputError(.unsupported, path: path, location: "feature \(f.fid)", "is not a point; samples must be points")
                }
                c = p
            }
            table.fids.append(f.fid)
            table.coordinates.append(c)
            table.rows.append(f.values)
        }
        return table
    }
}
