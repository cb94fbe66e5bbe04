import Foundation
import GeoIO
import Standards

/// One file of lab results to add to a ``SurveyDatabase`` as (part of) a survey round.
public struct SurveyImport: Sendable {
    public var reader: SampleReader
    public var round: String
    /// Analytes and the columns holding them (`Cd` → `镉`); `pH` is the only one in pH units.
    public var analytes: [(name: String, column: String)]
    /// Units per analyte (default mg/kg; pH: "pH"). µg/kg (ug/kg) values are converted to
    /// mg/kg; other units (g/kg for organic matter …) are kept and the analyte's column is then
    /// named `NAME [unit]`, so no command reads it as mg/kg.
    public var units: [String: String] = [:]
    /// The laboratory's detection limit per analyte, recorded with every value of it.
    public var detectionLimits: [String: Double] = [:]
    /// Column with the sampling date (YYYY-MM-DD).
    public var dateColumn: String?
    public var description: String = ""
    /// Who imports (recorded): default the USER environment variable.
    public var importedBy: String = ProcessInfo.processInfo.environment["USER"] ?? "unknown"

    public init(reader: SampleReader, round: String, analytes: [(name: String, column: String)]) {
        self.reader = reader
        self.round = round
        self.analytes = analytes
    }
}

/// What an import added.
public struct ImportReport: Sendable {
    public var importId: Int
    public var samples: Int
    public var values: Int
    public var belowDetection: Int
    public var sha256: String
    public var warnings: [String]
}

extension SurveyDatabase {
    /// Adds a file of lab results as survey round `request.round`.
    ///
    /// Every row is checked before anything is written: coordinates (PROJ into the database
    /// CRS), sample ids (unique in the file and new to the round), values (a number ≥ 0, or
    /// `<limit` / `ND<limit` below the detection limit, or empty for not measured; pH within
    /// 0–14), dates. Any bad row stops the import; the error lists up to 20 bad rows by row
    /// and line. The same file (by SHA-256) is imported once. The rows are then written in one
    /// transaction with the round and the provenance (file, SHA-256, rows, time, who).
    ///
    /// - Throws: ``InputError`` naming the file and rows, or the database.
    @discardableResult
    public func importSamples(_ request: SurveyImport) throws -> ImportReport {
        let round = request.round.trimmingCharacters(in: .whitespaces)
        guard !round.isEmpty, !round.contains("/") else {
            throw InputError(.invalidArgument, path: path, "the round must be a non-empty name without '/' (e.g. 2024 or 2024-详查)")
        }
        guard !request.analytes.isEmpty else { throw InputError(.invalidArgument, path: path, "name the analyte columns to import (--values Cd,Pb,pH)") }
        if let (i, _) = firstRepeatedIdentifier(request.analytes.map { $0.name.lowercased() }) {
            throw InputError(.invalidArgument, path: path, "analyte '\(request.analytes[i].name)' is named twice in --values; each analyte comes from one column")
        }
        let analytes = try ImportAnalytes(request, stored: try self.analytes(), database: path)
        var reader = request.reader
        reader.allowUnknownCRS = false
        let table = try reader.read(targetCRS: crs)
        let file = table.path
        if table.ids == table.labels {
            throw InputError(.missingField, path: file, "has no sample id column I recognise (sample_id, id, 编号 …); name it with --id-field: the database keys every value by its sample id")
        }
        // The file's identity: its bytes, with a shapefile's parts (the values are in the .dbf).
        let parts = inputFiles(ofDataset: file)
        let sha = parts.count == 1 ? try SHA256.hex(file: file)
            : SHA256.hex(Data(try parts.map { try SHA256.hex(file: $0) }.joined(separator: "\n").utf8))
        if let same = try imports().first(where: { $0[3].text == sha }) {
            throw InputError(.badValue, path: file, "was already imported (import \(same[0].text), round \(same[1].text), on \(same[6].text) by \(same[7].text)); a file is imported once")
        }
        let rows = try checkedRows(table, round: round, dateColumn: request.dateColumn, analytes: analytes)
        let importId = try write(rows, table: table, round: round, sha: sha, analytes: analytes, request: request)
        return ImportReport(importId: importId, samples: table.ids.count, values: rows.values.count,
                            belowDetection: rows.values.filter { $0.value == nil }.count, sha256: sha, warnings: table.warnings)
    }

    /// The rows of an import, every one checked: sample ids new to the round, dates, values.
    struct CheckedRows {
        struct Value { var sample: Int; var analyte: String; var value: Double?; var limit: Double? }
        var dates: [String]
        var values: [Value]
    }

    /// Checks every row of `table` and collects the problems; throws them all at once (the first 20).
    func checkedRows(_ table: SampleTable, round: String, dateColumn: String?, analytes: ImportAnalytes) throws -> CheckedRows {
        let file = table.path
        var problems: [String] = []
        func problem(_ i: Int, _ column: String, _ message: String) { problems.append("\(table.labels[i]), column '\(column)': \(message)") }
        let existing = Set(try storedSamples().filter { $0.round == round }.map(\.id))
        for (i, id) in table.ids.enumerated() where existing.contains(id) {
            problem(i, "id", "sample '\(id)' is already in round \(round) of the database; a round's samples are imported once (correct a value with a new round or remove the row)")
        }
        var dates = [String](repeating: "", count: table.ids.count)
        if let dc = dateColumn {
            guard let di = table.source.fieldIndex(dc) else {
                throw InputError(.missingField, path: file, "has no column '\(dc)'; columns are: \(table.source.fields.map(\.name).joined(separator: ", "))")
            }
            for i in dates.indices {
                let d = table.source.rows[i][di].text.trimmingCharacters(in: .whitespaces)
                if d.isEmpty { continue }
                let parts = d.split(whereSeparator: { $0 == "-" || $0 == "/" }).compactMap { Int($0) }
                let valid = parts.count == 3 && (1900...2200).contains(parts[0])
                    && DateComponents(calendar: Calendar(identifier: .gregorian), year: parts[0], month: parts[1], day: parts[2]).isValidDate
                guard valid else {
                    problem(i, dc, "'\(d)' is not a date (YYYY-MM-DD)")
                    continue
                }
                dates[i] = String(format: "%04d-%02d-%02d", parts[0], parts[1], parts[2])
            }
        }
        var values: [CheckedRows.Value] = []
        for (name, column) in analytes.columns {
            guard let ci = table.source.fieldIndex(column) else {
                throw InputError(.missingField, path: file, "has no column '\(column)'; columns are: \(table.source.fields.map(\.name).joined(separator: ", "))\(table.encodingNote)")
            }
            let isPH = Analyte(name).isPH
            let k = analytes.scale[name] ?? 1
            for i in table.ids.indices {
                let raw = table.source.rows[i][ci]
                let text = raw.text.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { continue }
                if let v = raw.number {
                    if !v.isFinite { problem(i, column, "'\(text)' is not a finite number"); continue }
                    if v < 0 { problem(i, column, "negative value \(text)"); continue }
                    if isPH && v > 14 { problem(i, column, "pH \(text) is outside 0–14"); continue }
                    values.append(.init(sample: i, analyte: name, value: v * k, limit: analytes.limits[name].map { $0 * k }))
                } else if let limit = SampleTable.detectionLimit(text) {
                    values.append(.init(sample: i, analyte: name, value: nil, limit: limit * k))
                } else {
                    problem(i, column, "'\(text)' is not a number, nor a value below the detection limit written <limit (e.g. <0.05)")
                }
            }
        }
        if !problems.isEmpty {
            throw InputError(.badValue, path: file, "\(problems.count) bad value(s); nothing was imported. Fix them and import the file again:\n  "
                             + problems.prefix(20).joined(separator: "\n  ") + (problems.count > 20 ? "\n  … and \(problems.count - 20) more" : ""))
        }
        return CheckedRows(dates: dates, values: values)
    }

    /// Writes checked rows in one transaction; the import id and the round are read inside it,
    /// through the writer, so imports that follow one another cannot take the same id.
    func write(_ rows: CheckedRows, table: SampleTable, round: String, sha: String, analytes: ImportAnalytes,
               request: SurveyImport) throws -> Int {
        let file = table.path
        let now = ISO8601DateFormatter().string(from: Date())
        let w = try VectorWriter(updating: path)
        var importId = 0
        do { try w.inTransaction {
            importId = (try w.queryFirstColumn("SELECT MAX(import_id) FROM imports").first.flatMap { Int($0) } ?? 0) + 1
            if try w.queryFirstColumn("SELECT round FROM rounds WHERE round = \(QGISStyle.sqlQuote(round))").isEmpty {
                try w.layer(named: "rounds").append(geometry: nil, values: [.string(round), .string(request.description), .string(now)])
            }
            let s = try w.layer(named: "samples")
            for i in table.ids.indices {
                try s.append(geometry: .point(table.coordinates[i]),
                             values: [.string(round), .string(table.ids[i]), .string(rows.dates[i]), .integer(Int64(importId))])
            }
            let m = try w.layer(named: "measurements")
            for v in rows.values {
                let unit = analytes.units[v.analyte]!
                try m.append(geometry: nil, values: [
                    .string(round), .string(table.ids[v.sample]), .string(v.analyte), v.value.map { .real($0) } ?? .null,
                    .integer(v.value == nil ? 1 : 0), v.limit.map { .real($0) } ?? .null, .string(unit), .integer(Int64(importId))])
            }
            try w.layer(named: "imports").append(geometry: nil, values: [
                .integer(Int64(importId)), .string(round), .string(URL(fileURLWithPath: file).standardizedFileURL.path), .string(sha),
                .integer(Int64(table.ids.count)), .string(analytes.columns.map(\.name).joined(separator: ",")), .string(now),
                .string(request.importedBy), .string(SoilMapVersion.string)])
        } } catch let e as LibraryError {
            let locked = e.messages.contains { $0.contains("locked") || $0.contains("busy") }
            throw InputError(.badValue, path: path, locked
                ? "is being written by another program (another import?), so nothing of \(file) was imported; run the import again when it has finished"
                : "the database refused a row, so nothing of \(file) was imported (the transaction was rolled back); another import may have added the same samples meanwhile",
                             libraryMessages: e.messages)
        }
        try w.close()
        return importId
    }
}

/// The analytes of an import, spelled once across imports (the database's spelling, else the
/// standards'), with their detection limits, units and the factor to mg/kg (µg/kg → 0.001).
struct ImportAnalytes {
    var columns: [(name: String, column: String)]
    var limits: [String: Double]
    var units: [String: String]
    var scale: [String: Double] = [:]

    init(_ request: SurveyImport, stored: [(name: String, unit: String)], database path: String) throws {
        let standards = [ThresholdTable.gb15618(), ThresholdTable.gb36600(class: .class1)]
        func spelling(_ n: String) -> String {
            if let s = stored.first(where: { $0.name.lowercased() == n.lowercased() }) { return s.name }
            if Analyte(n).isPH { return Analyte.pHName }
            for t in standards { if let c = t.canonical(Pollutant(n)) { return c.name } }
            return n
        }
        let analytes = request.analytes.map { (name: spelling($0.name), column: $0.column) }
        func keyed<V>(_ d: [String: V], option: String) throws -> [String: V] {
            var out: [String: V] = [:]
            for (k, v) in d {
                guard let a = analytes.first(where: { $0.name.lowercased() == spelling(k).lowercased() }) else {
                    throw InputError(.invalidArgument, path: path, "\(option): '\(k)' is not one of the analytes imported (\(analytes.map(\.name).joined(separator: ", ")))")
                }
                out[a.name] = v
            }
            return out
        }
        columns = analytes
        limits = try keyed(request.detectionLimits, option: "--detection-limit")
        units = try keyed(request.units, option: "--units")
        for a in analytes {
            let u = units[a.name]?.trimmingCharacters(in: .whitespaces) ?? Analyte(a.name).unit
            switch u.lowercased().replacingOccurrences(of: "µ", with: "u").replacingOccurrences(of: "μ", with: "u") {
            case "mg/kg", "mg kg-1", "mg·kg-1": units[a.name] = "mg/kg"
            case "ug/kg", "ug kg-1", "ug·kg-1": units[a.name] = "mg/kg"; scale[a.name] = 0.001
            default: units[a.name] = u
            }
            if let old = stored.first(where: { $0.name == a.name }), old.unit != units[a.name]! {
                throw InputError(.invalidArgument, path: path, "analyte \(a.name) is stored in \(old.unit) but this import gives \(units[a.name]!); import it in the same unit")
            }
        }
    }
}
