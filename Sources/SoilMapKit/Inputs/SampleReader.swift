import Foundation
import GeoIO

/// Reads sample points and brings them into a working CRS.
public struct SampleReader: Sendable {
    public var path: String
    public var layer: String?
    public var xField: String?
    public var yField: String?
    /// CRS of the coordinates when the source declares none (`--s-srs`).
    public var sourceCRS: CRS?
    /// Column with sample identifiers; guessed (`id`, `sample_id`, `编号`, …) when nil.
    public var idField: String?
    /// Whether samples without any CRS are accepted as planar coordinates in unstated units.
    public var allowUnknownCRS: Bool
    /// Whether points without any CRS are taken to be in `targetCRS` when one is given
    /// (prediction locations, whose coordinates are in the working CRS like `--te`).
    public var unknownCRSIsTarget = false
    /// Text encoding of a CSV or shapefile that is not UTF-8 and declares none (GBK …).
    public var encoding: String?
    /// How the user names the settings, for messages.
    public var names: SettingNames = .commandLine
    /// When `path` is a SoilMap survey database (``SurveyDatabase``): the round to read
    /// (`nil`: every round, ids then being `round/sample_id`).
    public var round: String?
    /// Whether a database with several rounds needs `round` (interpolation, screening: mixing
    /// rounds would mix surveys). Monitoring reads every round and tells them apart.
    public var requiresRound = true

    public init(path: String, layer: String? = nil, xField: String? = nil, yField: String? = nil,
                sourceCRS: CRS? = nil, idField: String? = nil, allowUnknownCRS: Bool = true, encoding: String? = nil,
                names: SettingNames = .commandLine) {
        self.path = path
        self.layer = layer
        self.xField = xField
        self.yField = yField
        self.sourceCRS = sourceCRS
        self.idField = idField
        self.allowUnknownCRS = allowUnknownCRS
        self.encoding = encoding
        self.names = names
    }

    static let idCandidates = ["sample_id", "id", "sampleid", "sample", "code", "编号", "样品编号", "点位编号", "name"]

    /// Reads the samples; transforms them to `targetCRS` when given, else to the
    /// source CRS itself, or (for geographic sources) to the CGCS2000 Gauss-Krüger zone of
    /// their centre (distances need a projected CRS).
    ///
    /// - Throws: ``InputError`` for unreadable files and bad coordinates, and when the
    ///   samples have no CRS and `allowUnknownCRS` is false, and when PROJ cannot transform a
    ///   point (naming its row and id).
    public func read(targetCRS: CRS? = nil) throws -> SampleTable {
        let options = VectorOpenOptions(encoding: encoding.map(TextEncoding.init), detectCSVTypes: false,
                                        encodingOption: names.samplesEncoding)
        let database = SurveyDatabase.isDatabase(path) ? try SurveyDatabase(path: path) : nil
        let isDatabase = database != nil
        if round != nil && !isDatabase {
            throw InputError(.invalidArgument, path: path, "a round (\(names.samplesRound)) is read from a SoilMap survey database; this file is not one")
        }
        let table = try database.map { try $0.table(round: round) }
            ?? PointTable.read(path: path, layer: layer, xField: xField, yField: yField, options: options,
                               columnOptions: (names.samplesX, names.samplesY))
        if isDatabase, round == nil, requiresRound {
            var rounds: [String] = []
            for r in table.rows where !rounds.contains(r[1].text) { rounds.append(r[1].text) }  // column `round`
            if rounds.count > 1 {
                throw InputError(.invalidArgument, path: path,
                                 "holds survey rounds \(rounds.joined(separator: ", ")); give the round to use (\(names.samplesRound)), as mixing rounds would mix surveys")
            }
        }
        let idField = self.idField ?? (isDatabase ? (round == nil ? "sample_key" : "sample_id") : nil)
        var warnings: [String] = []
        guard !table.coordinates.isEmpty else {
            throw InputError(.badValue, path: path, "has no sample rows")
        }
        var crs = sourceCRS ?? table.crs
        if crs == nil && table.looksGeographic {
            let inRange = table.coordinates.allSatisfy { abs($0.x) <= 180 && abs($0.y) <= 90 }
            if inRange {
                crs = try CRS(epsg: 4326)
                warnings.append("\(path): coordinate columns \(table.coordinateColumns!.x)/\(table.coordinateColumns!.y) taken as WGS 84 longitude/latitude (EPSG:4326); give \(names.samplesCRS) if they are not")
            }
        }
        var coords = table.coordinates
        var working: CRS? = nil
        if let crs {
            let target = try targetCRS ?? (crs.isGeographic ? WorkingCRS.gaussKruger(forLongitude: Extent(enclosing: coords)!.center.x) : crs)
            if !target.isEquivalent(to: crs) {
                do {
                    coords = try Transformer(from: crs, to: target).transform(coords)
                } catch let e as TransformError {
                    throw transformFailure(e, table: table)
                }
            }
            working = target
        } else if unknownCRSIsTarget, let targetCRS {
            working = targetCRS
        } else {
            guard allowUnknownCRS else {
                throw InputError(.badValue, path: path,
                                 "the samples have no CRS (a CSV declares none) and none was given; set the samples' crs (e.g. EPSG:4326 for lon/lat, EPSG:4547 for CGCS2000 GK CM 114E)")
            }
            if let targetCRS {
                throw InputError(.badValue, path: path,
                                 "the samples have no CRS, so they cannot be brought into \(targetCRS.shortName); give their CRS with \(names.samplesCRS)")
            }
            warnings.append("\(path): no CRS declared; coordinates are taken as planar in unstated units (give \(names.samplesCRS) to declare one)")
        }
        // Identifiers, and duplicate identifiers are an error.
        var ids: [String]
        let encodingNote = encoding.map(TextEncoding.init).map {
            $0.isUTF8 ? "" : " (read as \($0.name), from \(names.samplesEncoding); if these names look garbled, the file is in another encoding)"
        } ?? ""
        let idIndex = idField.flatMap(table.fieldIndex) ?? Self.idCandidates.lazy.compactMap(table.fieldIndex).first
        if let idField, table.fieldIndex(idField) == nil {
            throw InputError(.missingField, path: path, "has no id column '\(idField)'; columns are: \(table.fields.map(\.name).joined(separator: ", "))\(encodingNote)")
        }
        let labels = (0..<coords.count).map(table.label)
        if let idIndex {
            ids = table.rows.map { $0[idIndex].text }
            let column = "column '\(table.fields[idIndex].name)'"
            if let i = ids.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw InputError(.badValue, path: path, location: "\(labels[i]), \(column)", "the sample id is empty; give every sample its own id")
            }
            if let (i, j) = firstRepeatedIdentifier(ids) {
                throw InputError(.badValue, path: path, location: "\(labels[i]), \(column)",
                                 "sample id '\(ids[i])' is used again (first at \(labels[j])); give every sample its own id")
            }
        } else {
            ids = labels
        }
        return SampleTable(path: path, ids: ids, labels: labels, coordinates: coords, crs: working, source: table,
                           names: names, warnings: warnings, encodingNote: encodingNote)
    }

    /// A point PROJ could not transform, as an input error naming the row, its id and the columns.
    private func transformFailure(_ e: TransformError, table: PointTable) -> InputError {
        let idIndex = idField.flatMap(table.fieldIndex) ?? Self.idCandidates.lazy.compactMap(table.fieldIndex).first
        let id = idIndex.map { ", sample '\(table.rows[e.index][$0].text)'" } ?? ""
        let columns = table.coordinateColumns.map { " (columns \($0.x), \($0.y))" } ?? ""
        var hint = "check the coordinates and the samples' CRS (\(names.samplesCRS))"
        if e.source.contains("4326") || e.source.contains("4490") {
            hint += abs(e.y) > 90 && abs(e.x) <= 90 ? "; longitude and latitude look swapped: x must be the longitude"
                                                     : "; longitude must be within ±180 and latitude within ±90"
        }
        return InputError(.badValue, path: path, location: table.label(e.index) + id,
                          "coordinates x = \(e.x), y = \(e.y)\(columns) could not be transformed from \(e.source) to \(e.target) (\(e.message)); \(hint)")
    }
}
