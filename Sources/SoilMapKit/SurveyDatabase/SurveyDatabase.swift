import Foundation
import GeoIO

/// The survey database shared between departments (action plan items 1 and 3): one
/// GeoPackage holding every survey round's sample points and lab values, with units,
/// detection limits and where each value came from.
///
/// Layers (all registered GeoPackage contents, so QGIS and any GDAL tool open them):
/// - `samples` (points in the database CRS): `round`, `sample_id`, `sampled_on`, `import_id`;
///   one sample id once per round (a unique index);
/// - `measurements` (table): `round`, `sample_id`, `analyte`, `value` (mg/kg, or pH; empty when
///   below the detection limit), `below_detection` (0/1), `detection_limit`, `unit`,
///   `import_id`; one value per sample and analyte (a unique index);
/// - `rounds`: `round`, `description`, `created`;
/// - `imports`: `import_id`, `round`, `file`, `sha256`, `rows`, `analytes`, `imported_at` (UTC),
///   `imported_by`, `soilmap_version`;
/// - `soilmap_meta`: `key`, `value` (`schema_version` = 1).
///
/// An import checks every row first and writes nothing when any is bad (the error lists the
/// bad rows by row and line); it then writes in one transaction, so a failure half-way (a
/// full disk, a killed process, another department's import of the same samples) leaves
/// the database as it was.
public struct SurveyDatabase: Sendable {
    public let path: String
    /// The CRS the sample points are stored in.
    public let crs: CRS
    static let schemaVersion = "1"

    /// Creates an empty database at `path` (which must not exist).
    ///
    /// - Parameter crs: the CRS of the stored points; default CGCS2000 geographic (EPSG:4490).
    public static func create(path: String, crs: CRS) throws -> SurveyDatabase {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw InputError(.outputExists, path: path, "already exists; a survey database is created once (soilmap db import adds to it)")
        }
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".partial-\(getpid())-0.gpkg"
        do {
            let w = try VectorWriter(path: tmp, format: .geoPackage)
            _ = try w.createLayer(name: "samples", geometryType: .point, crs: crs, fields: [
                FieldDefinition("round", .string), FieldDefinition("sample_id", .string), FieldDefinition("sampled_on", .string),
                FieldDefinition("import_id", .integer)])
            _ = try w.createLayer(name: "measurements", geometryType: .none, crs: nil, fields: [
                FieldDefinition("round", .string), FieldDefinition("sample_id", .string), FieldDefinition("analyte", .string),
                FieldDefinition("value", .real), FieldDefinition("below_detection", .integer), FieldDefinition("detection_limit", .real),
                FieldDefinition("unit", .string), FieldDefinition("import_id", .integer)])
            _ = try w.createLayer(name: "rounds", geometryType: .none, crs: nil, fields: [
                FieldDefinition("round", .string), FieldDefinition("description", .string), FieldDefinition("created", .string)])
            _ = try w.createLayer(name: "imports", geometryType: .none, crs: nil, fields: [
                FieldDefinition("import_id", .integer), FieldDefinition("round", .string), FieldDefinition("file", .string),
                FieldDefinition("sha256", .string), FieldDefinition("rows", .integer), FieldDefinition("analytes", .string),
                FieldDefinition("imported_at", .string), FieldDefinition("imported_by", .string), FieldDefinition("soilmap_version", .string)])
            let meta = try w.createLayer(name: "soilmap_meta", geometryType: .none, crs: nil,
                                         fields: [FieldDefinition("key", .string), FieldDefinition("value", .string)])
            try meta.append(geometry: nil, values: [.string("schema_version"), .string(schemaVersion)])
            try w.executeSQLStatements([
                "CREATE UNIQUE INDEX samples_round_sample ON samples(round, sample_id)",
                "CREATE UNIQUE INDEX measurements_round_sample_analyte ON measurements(round, sample_id, analyte)",
                "CREATE UNIQUE INDEX rounds_round ON rounds(round)",
                "CREATE UNIQUE INDEX imports_id ON imports(import_id)",
            ])
            try w.close()
            try FileManager.default.moveItem(atPath: tmp, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw error
        }
        return try SurveyDatabase(path: path)
    }

    /// Opens an existing database.
    ///
    /// - Throws: ``InputError`` when the file is not a SoilMap survey database (or of a newer schema).
    public init(path: String) throws {
        self.path = path
        let ds = try VectorDataset(path: path)
        guard ds.driverName == "GPKG", let meta = try? ds.layer(named: "soilmap_meta") else {
            throw InputError(.badValue, path: path, "is not a SoilMap survey database (no soilmap_meta table); create one with soilmap db init")
        }
        let version = try meta.readFeatures().first { $0.values.first?.text == "schema_version" }?.values[1].text
        guard version == Self.schemaVersion else {
            throw InputError(.unsupported, path: path, "has survey schema version \(version ?? "?"); this SoilMap reads version \(Self.schemaVersion)")
        }
        guard let c = try ds.layer(named: "samples").crs else { throw InputError(.badValue, path: path, "its samples layer has no CRS") }
        crs = c
    }

    /// Whether `path` is a SoilMap survey database (a GeoPackage with a `soilmap_meta` table).
    public static func isDatabase(_ path: String) -> Bool {
        guard path.lowercased().hasSuffix(".gpkg"), let ds = try? VectorDataset(path: path) else { return false }
        return (try? ds.layer(named: "soilmap_meta")) != nil
    }

    // MARK: Reading

    struct StoredSample { var fid: Int64; var round: String; var id: String; var sampledOn: String; var at: Coordinate }
    struct StoredValue { var round: String; var id: String; var analyte: String; var value: Double?; var belowDetection: Bool; var limit: Double?; var unit: String }

    func storedSamples() throws -> [StoredSample] {
        let l = try VectorDataset(path: path).layer(named: "samples")
        return try l.readFeatures().map { f in
            guard case .point(let c)? = f.geometry else {
                throw InputError(.badValue, path: path, location: "samples, feature \(f.fid)", "has no point geometry")
            }
            return StoredSample(fid: f.fid, round: f.values[0].text, id: f.values[1].text, sampledOn: f.values[2].text, at: c)
        }
    }

    func storedValues() throws -> [StoredValue] {
        try VectorDataset(path: path).layer(named: "measurements").readFeatures().map { f in
            StoredValue(round: f.values[0].text, id: f.values[1].text, analyte: f.values[2].text, value: f.values[3].number,
                        belowDetection: f.values[4].number == 1, limit: f.values[5].number, unit: f.values[6].text)
        }
    }

    func imports() throws -> [[AttributeValue]] {
        try VectorDataset(path: path).layer(named: "imports").readFeatures().map(\.values)
    }

    /// The rounds with their sample and value counts, in the order they were first imported.
    public func rounds() throws -> [(round: String, samples: Int, values: Int)] {
        let s = try storedSamples(), v = try storedValues()
        var order: [String] = []
        for x in s where !order.contains(x.round) { order.append(x.round) }
        return order.map { r in (r, s.filter { $0.round == r }.count, v.filter { $0.round == r }.count) }
    }

    /// The analytes stored so far, in the order they first came, with their units.
    public func analytes() throws -> [(name: String, unit: String)] {
        var out: [(String, String)] = []
        for v in try storedValues() where !out.contains(where: { $0.0 == v.analyte }) { out.append((v.analyte, v.unit)) }
        return out
    }

    /// The column name of an analyte in tables: the name for mg/kg and pH, else `NAME [unit]`
    /// (so a value in another unit is never read as mg/kg).
    static func columnName(_ analyte: String, unit: String) -> String {
        unit == "mg/kg" || unit == "pH" ? analyte : "\(analyte) [\(unit)]"
    }

    /// The samples of one round (or of all rounds) as a wide table: `sample_key` (`round/id`),
    /// `round`, `sample_id`, `sampled_on`, then one column per analyte holding the value or,
    /// below the detection limit, `<limit` (so the reader's below-detection rule applies).
    public func table(round: String?) throws -> PointTable {
        let samples = try storedSamples().filter { round == nil || $0.round == round }
        if let round, samples.isEmpty {
            let known = try rounds().map(\.round)
            throw InputError(.badValue, path: path, "has no round '\(round)'; its rounds are: \(known.isEmpty ? "none yet" : known.joined(separator: ", "))")
        }
        var analytes: [String] = []
        var byKey: [String: [String: AttributeValue]] = [:]
        for v in try storedValues() where round == nil || v.round == round {
            let column = Self.columnName(v.analyte, unit: v.unit)
            if !analytes.contains(column) { analytes.append(column) }
            let text: AttributeValue = v.belowDetection ? v.limit.map { .string("<\($0)") } ?? .null : v.value.map { .real($0) } ?? .null
            byKey[v.round + "/" + v.id, default: [:]][column] = text
        }
        let fields = ["sample_key", "round", "sample_id", "sampled_on"].map { FieldDefinition($0, .string) }
            + analytes.map { FieldDefinition($0, .real) }
        let rows: [[AttributeValue]] = samples.map { s in
            let key = s.round + "/" + s.id
            return [.string(key), .string(s.round), .string(s.id), .string(s.sampledOn)] + analytes.map { byKey[key]?[$0] ?? .null }
        }
        return PointTable(path: path, layerName: "samples", fields: fields, fids: samples.map(\.fid),
                          coordinates: samples.map(\.at), rows: rows, crs: crs)
    }
}
