import Foundation
import GeoIO
import GeoTypes
import Testing
@testable import SoilMapKit

/// The survey database (`soilmap db`, issue 14): schema, checked imports in one transaction,
/// provenance, export, and feeding `run` and `monitor`.
@Suite("Survey database")
struct SurveyDatabaseTests {
    /// The rows of a database layer as read by GDAL (independent of SurveyDatabase's reading).
    func rows(_ db: String, _ layer: String) throws -> [[String]] {
        try VectorDataset(path: db).layer(named: layer).readFeatures().map { $0.values.map(\.text) }
    }

    func write(_ text: String, _ path: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }

    static let labCSV = """
    编号,lon,lat,Cd,Pb,pH,date
    A1,112.91,35.71,0.2,30,6.5,2024-05-03
    A2,112.92,35.72,<0.05,41.5,7.1,2024/5/4
    A3,112.93,35.73,,ND<1,8.0,
    """

    @Test("Hand-made lab file: values, below-detection limits, units, dates, provenance")
    func importHand() throws {
        let dir = ScratchFolder()
        let db = try SurveyDatabase.create(path: dir.file("s.gpkg"), crs: try CRS(epsg: 4490))
        try write(Self.labCSV, dir.file("lab.csv"))
        var req = SurveyImport(reader: SampleReader(path: dir.file("lab.csv"), sourceCRS: try CRS(epsg: 4326), idField: "编号"),
                               round: "2024", analytes: [("Cd", "Cd"), ("Pb", "Pb"), ("pH", "pH")])
        req.dateColumn = "date"
        req.importedBy = "环保局 张三"
        req.detectionLimits = ["Cd": 0.05]
        let r = try db.importSamples(req)
        #expect((r.importId, r.samples, r.values, r.belowDetection) == (1, 3, 8, 2))
        let stored = try rows(dir.file("s.gpkg"), "samples").map { Array($0.prefix(4)) }
        #expect(stored == [["2024", "A1", "2024-05-03", "1"], ["2024", "A2", "2024-05-04", "1"], ["2024", "A3", "", "1"]])
        let m = try rows(dir.file("s.gpkg"), "measurements")
        // round, sample, analyte, value, below, limit, unit, import
        #expect(m.contains(["2024", "A1", "Cd", "0.2", "0", "0.05", "mg/kg", "1"]))
        #expect(m.contains(["2024", "A2", "Cd", "", "1", "0.05", "mg/kg", "1"]))
        #expect(m.contains(["2024", "A3", "Pb", "", "1", "1.0", "mg/kg", "1"]))
        #expect(m.contains(["2024", "A3", "pH", "8.0", "0", "", "pH", "1"]))
        #expect(!m.contains { $0[1] == "A3" && $0[2] == "Cd" })  // empty = not measured
        let imp = try rows(dir.file("s.gpkg"), "imports")
        let labBytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("lab.csv")))
        #expect(imp.count == 1 && imp[0][3] == SHA256.hex(labBytes))
        #expect(imp[0][4] == "3" && imp[0][5] == "Cd,Pb,pH" && imp[0][7] == "环保局 张三" && imp[0][6].hasSuffix("Z"))
        let rounds = try rows(dir.file("s.gpkg"), "rounds").map { $0[0] }
        #expect(rounds == ["2024"])
        // The wide table: values and <limit text, as the samples readers take them.
        let t = try db.table(round: "2024")
        #expect(t.fields.map(\.name) == ["sample_key", "round", "sample_id", "sampled_on", "Cd", "Pb", "pH"])
        #expect(t.rows[1][4] == .string("<0.05") && t.rows[2][5] == .string("<1.0") && t.rows[0][4] == .real(0.2))
        #expect(t.coordinates[0] == Coordinate(x: 112.91, y: 35.71))
    }

    @Test("Bad rows: every one listed by row and line, nothing imported; a file twice; a sample twice in a round")
    func badRows() throws {
        let dir = ScratchFolder()
        let db = try SurveyDatabase.create(path: dir.file("s.gpkg"), crs: try CRS(epsg: 4490))
        try write(Self.labCSV.replacingOccurrences(of: "A2,112.92,35.72,<0.05,41.5", with: "A2,112.92,35.72,abc,-3")
                    .replacingOccurrences(of: "8.0,", with: "15,2024-13-01"), dir.file("bad.csv"))
        var req = SurveyImport(reader: SampleReader(path: dir.file("bad.csv"), sourceCRS: try CRS(epsg: 4326), idField: "编号"),
                               round: "2024", analytes: [("Cd", "Cd"), ("Pb", "Pb"), ("pH", "pH")])
        req.dateColumn = "date"
        #expect { try db.importSamples(req) } throws: { e in
            let s = "\(e)"
            return s.contains("bad.csv: 4 bad value(s); nothing was imported") && s.contains("row 2 (line 3), column 'Cd': 'abc' is not a number")
                && s.contains("row 2 (line 3), column 'Pb': negative value -3") && s.contains("row 3 (line 4), column 'pH': pH 15 is outside 0–14")
                && s.contains("row 3 (line 4), column 'date': '2024-13-01' is not a date")
        }
        for layer in ["samples", "measurements", "imports", "rounds"] { #expect(try rows(dir.file("s.gpkg"), layer).isEmpty, "\(layer)") }
        // A good file, then the same file again, then its samples again under another file name.
        try write(Self.labCSV, dir.file("lab.csv"))
        req.reader = SampleReader(path: dir.file("lab.csv"), sourceCRS: try CRS(epsg: 4326), idField: "编号")
        try db.importSamples(req)
        #expect { try db.importSamples(req) } throws: { "\($0)".contains("lab.csv: was already imported (import 1, round 2024") }
        try write(Self.labCSV + "\n", dir.file("lab2.csv"))
        req.reader = SampleReader(path: dir.file("lab2.csv"), sourceCRS: try CRS(epsg: 4326), idField: "编号")
        #expect { try db.importSamples(req) } throws: { "\($0)".contains("row 1 (line 2), column 'id': sample 'A1' is already in round 2024") }
        // The same samples as another round are fine.
        req.round = "2025"
        #expect(try db.importSamples(req).importId == 2)
        #expect(try db.rounds().map(\.round) == ["2024", "2025"])
    }

    @Test("A write that fails inside the transaction (another import added a value meanwhile) leaves nothing of this one")
    func rollback() throws {
        let dir = ScratchFolder()
        let db = try SurveyDatabase.create(path: dir.file("s.gpkg"), crs: try CRS(epsg: 4490))
        try write(Self.labCSV, dir.file("lab.csv"))
        // A value of A2's Cd in round 2024 that arrived after the checks: the samples are
        // written, then the unique index on measurements refuses A2's Cd.
        let other = try VectorWriter(updating: dir.file("s.gpkg"))
        try other.layer(named: "measurements").append(geometry: nil, values: [.string("2024"), .string("A2"), .string("Cd"), .real(1),
                                                                             .integer(0), .null, .string("mg/kg"), .integer(99)])
        try other.close()
        let req = SurveyImport(reader: SampleReader(path: dir.file("lab.csv"), sourceCRS: try CRS(epsg: 4326), idField: "编号"),
                               round: "2024", analytes: [("Cd", "Cd"), ("Pb", "Pb")])
        #expect { try db.importSamples(req) } throws: { "\($0)".contains("the database refused a row, so nothing of") && "\($0)".contains("UNIQUE constraint") }
        for layer in ["samples", "imports", "rounds"] { #expect(try rows(dir.file("s.gpkg"), layer).isEmpty, "\(layer)") }
        #expect(try rows(dir.file("s.gpkg"), "measurements").count == 1)
        #expect { try db.importSamples(SurveyImport(reader: req.reader, round: "2024", analytes: [("Cd", "Cd"), ("cd", "Pb")])) }
            throws: { "\($0)".contains("analyte 'cd' is named twice") }
        #expect(throws: InputError.self) { _ = try SurveyDatabase.create(path: dir.file("s.gpkg"), crs: try CRS(epsg: 4490)) }
        try write("not a database", dir.file("x.gpkg"))
        #expect(throws: InputError.self) { _ = try SurveyDatabase(path: dir.file("x.gpkg")) }
    }

    @Test("Export to CSV, XLSX, GeoJSON and GeoPackage; the CSV read back gives the same values")
    func export() throws {
        let dir = ScratchFolder()
        let db = try SurveyDatabase.create(path: dir.file("s.gpkg"), crs: try CRS(epsg: 4490))
        try write(Self.labCSV, dir.file("lab.csv"))
        try db.importSamples(SurveyImport(reader: SampleReader(path: dir.file("lab.csv"), sourceCRS: try CRS(epsg: 4326), idField: "编号"),
                                          round: "2024", analytes: [("Cd", "Cd"), ("Pb", "Pb"), ("pH", "pH")]))
        let files = OutputFiles(overwrite: false)
        for ext in ["csv", "xlsx", "geojson", "gpkg"] { #expect(try db.export(round: "2024", to: dir.file("e.\(ext)"), files: files) == 3) }
        try files.commit()
        let csv = try CSVText(path: dir.file("e.csv"))
        #expect(csv.header == ["sample_key", "round", "sample_id", "lon", "lat", "sampled_on", "Cd", "Pb", "pH"])
        #expect(csv.rows[1][6] == "<0.05" && csv.rows[0][6] == "0.2" && csv.rows[2][7] == "<1.0" && csv.rows[0][3] == "112.91")
        let back = try SampleReader(path: dir.file("e.csv"), sourceCRS: try CRS(epsg: 4490), idField: "sample_id").read()
        var w: [String] = []
        #expect(try back.values(of: "Cd", rule: .limit, warnings: &w).values == [0.2, 0.05])
        let gj = try VectorDataset(path: dir.file("e.geojson")).layer(named: nil)
        #expect(gj.featureCount == 3 && gj.crs?.shortName == "EPSG:4326")
        // GeoPackage and XLSX: numbers, with the limits of non-detects in NAME_dl.
        let gp = try VectorDataset(path: dir.file("e.gpkg")).layer(named: "samples")
        #expect(gp.featureCount == 3 && gp.fields.first { $0.name == "Cd" }?.type == .real)
        let f = try gp.readFeatures()
        let (cd, cdl) = (gp.fieldIndex("Cd")!, gp.fieldIndex("Cd_dl")!)
        #expect(f[0].values[cd] == .real(0.2) && f[0].values[cdl] == .null && f[1].values[cd] == .null && f[1].values[cdl] == .real(0.05))
    }

    @Test("The database feeds monitor (Meuse) and run (the test project) exactly as the original files do")
    func feedsMonitorAndRun() throws {
        let dir = ScratchFolder()
        // Meuse into a CGCS2000 database (RD New → EPSG:4490 with PROJ), then monitored from it.
        let db = try SurveyDatabase.create(path: dir.file("s.gpkg"), crs: try CRS(epsg: 4490))
        let meuse = dir.file("meuse.csv")
        let text = try String(contentsOfFile: fixture("meuse/meuse.csv"), encoding: .utf8).split(separator: "\n")
        try (["\"id\"," + text[0]] + text.dropFirst().enumerated().map { "M\($0.offset + 1)," + $0.element }).joined(separator: "\n")
            .write(toFile: meuse, atomically: true, encoding: .utf8)
        try db.importSamples(SurveyImport(reader: SampleReader(path: meuse, sourceCRS: try CRS(epsg: 28992)), round: "1991",
                                          analytes: [("Cd", "cadmium"), ("Zn", "zinc"), ("Pb", "lead")]))
        let w = try VectorWriter(path: dir.file("ent.gpkg"), format: .geoPackage)
        let l = try w.createLayer(name: "e", geometryType: .point, crs: try CRS(epsg: 28992), fields: [FieldDefinition("eid", .string)])
        try l.append(geometry: .point(Coordinate(x: 179_300, y: 331_000)), values: [.string("M")])
        try w.close()
        var s = MonitorSettings(rings: [0, 250, 500, 1000])
        s.phValue = 7
        var fromDB = SampleReader(path: dir.file("s.gpkg"))
        fromDB.round = "1991"
        let a = try monitorEnterprises(path: dir.file("ent.gpkg"), samples: fromDB, pollutants: [("Cd", "Cd"), ("Zn", "Zn")],
                                       surfaces: [], phSurface: nil, settings: s)
        let b = try monitorEnterprises(path: dir.file("ent.gpkg"), samples: SampleReader(path: meuse, sourceCRS: try CRS(epsg: 28992)),
                                       pollutants: [("Cd", "cadmium"), ("Zn", "zinc")], surfaces: [], phSurface: nil, settings: s)
        #expect(a.rings.map(\.stats) == b.rings.map(\.stats))
        #expect(a.rings.map { $0.stats[0][0].samples }.reduce(0, +) > 20)
        // Screening a residential plot over the floodplain: the same findings from the database and from the CSV.
        let pw = try VectorWriter(path: dir.file("plots.gpkg"), format: .geoPackage)
        let pl = try pw.createLayer(name: "plots", geometryType: .polygon, crs: try CRS(epsg: 28992), fields: [FieldDefinition("use", .string)])
        try pl.append(geometry: .polygon(Polygon(exterior: LinearRing(closing: [Coordinate(x: 178_600, y: 330_000), Coordinate(x: 179_400, y: 330_000),
                                                                                Coordinate(x: 179_400, y: 331_000), Coordinate(x: 178_600, y: 331_000)]))),
                      values: [.string("住宅")])
        try pw.close()
        var screen = ScreenSettings()
        screen.useField = "use"
        let sa = try screenPlots(plotsPath: dir.file("plots.gpkg"), samples: try fromDB.read(targetCRS: try CRS(epsg: 28992)), samplePollutants: [("Pb", "Pb"), ("Cd", "Cd")],
                                 surfaces: [], settings: screen)
        let sb = try screenPlots(plotsPath: dir.file("plots.gpkg"), samples: try SampleReader(path: meuse, sourceCRS: try CRS(epsg: 28992)).read(),
                                 samplePollutants: [("Pb", "lead"), ("Cd", "cadmium")], surfaces: [], settings: screen)
        #expect(sa.plots[0].findings.map(\.samples) == sb.plots[0].findings.map(\.samples) && sa.plots[0].findings[0].samples > 10)
        #expect(sa.plots[0].findings.map(\.sampleMax) == sb.plots[0].findings.map(\.sampleMax))
        #expect(sa.plots[0].findings[0].sampleMaxId == sb.plots[0].findings[0].sampleMaxId)
        // The test project's samples into a WGS 84 database; the run from it writes the same surfaces.
        let p = try HostileInputTests.setUp(HostileCase(name: "db run", outcome: .succeeds(note: nil)))
        let db2 = try SurveyDatabase.create(path: p.file("survey.gpkg"), crs: try CRS(epsg: 4326))
        try db2.importSamples(SurveyImport(reader: SampleReader(path: p.file("samples.csv"), sourceCRS: try CRS(epsg: 4326)),
                                           round: "2024", analytes: [("Cd", "Cd"), ("Pb", "Pb"), ("Cu", "Cu"), ("pH", "pH")]))
        let yaml = try String(contentsOfFile: p.file("project.yaml"), encoding: .utf8)
        let dbYAML = yaml.replacingOccurrences(of: "samples: {path: samples.csv, x: lon, y: lat, crs: EPSG:4326, id: sample_id}",
                                               with: "samples: {path: survey.gpkg, round: \"2024\"}")
        #expect(dbYAML != yaml, "the project's samples line changed; this test would compare two CSV runs")
        try dbYAML.write(toFile: p.file("db.yaml"), atomically: true, encoding: .utf8)
        _ = try runProject(try Project.load(path: p.file("project.yaml")), options: RunOptions(outputDir: p.file("csv")), progress: RunProjectTests.quiet)
        _ = try runProject(try Project.load(path: p.file("db.yaml")), options: RunOptions(outputDir: p.file("db")), progress: RunProjectTests.quiet)
        for f in ["Cd.tif", "Pb.tif", "Pb_variance.tif", "Cu.tif", "pH.tif", "class.tif", "township_summary.csv"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: p.file("csv/" + f))) == Data(contentsOf: URL(fileURLWithPath: p.file("db/" + f))), "\(f)")
        }
    }

    @Test("One spelling per analyte across imports; µg/kg converted; other units kept apart; option keys checked; impossible dates; several rounds")
    func namesUnitsRounds() throws {
        let dir = ScratchFolder()
        let db = try SurveyDatabase.create(path: dir.file("s.gpkg"), crs: try CRS(epsg: 4490))
        try write("id,lon,lat,Cd,Hg,OM\nB1,112.9,35.7,0.2,300,25\nB2,112.91,35.71,0.3,<10,30\n", dir.file("a.csv"))
        var req = SurveyImport(reader: SampleReader(path: dir.file("a.csv"), sourceCRS: try CRS(epsg: 4326)), round: "2020",
                               analytes: [("cd", "Cd"), ("HG", "Hg"), ("OM", "OM")])
        req.units = ["hg": "µg/kg", "OM": "g/kg"]
        try db.importSamples(req)
        let m = try rows(dir.file("s.gpkg"), "measurements")
        #expect(m.contains(["2020", "B1", "Hg", "0.3", "0", "", "mg/kg", "1"]))   // 300 µg/kg
        #expect(m.contains(["2020", "B2", "Hg", "", "1", "0.01", "mg/kg", "1"]))  // <10 µg/kg
        #expect(m.contains(["2020", "B1", "OM", "25.0", "0", "", "g/kg", "1"]))
        #expect(try db.table(round: "2020").fields.map(\.name) == ["sample_key", "round", "sample_id", "sampled_on", "Cd", "Hg", "OM [g/kg]"])
        // A later round spelled differently lands in the same column; an unknown option key is refused.
        try write("id,lon,lat,CD\nB1,112.9,35.7,0.25\n", dir.file("b.csv"))
        var later = SurveyImport(reader: SampleReader(path: dir.file("b.csv"), sourceCRS: try CRS(epsg: 4326)), round: "2024", analytes: [("CD", "CD")])
        later.detectionLimits = ["Pb": 1]
        #expect { try db.importSamples(later) } throws: { "\($0)".contains("--detection-limit: 'Pb' is not one of the analytes imported (Cd)") }
        later.detectionLimits = [:]
        later.units = ["cd": "g/kg"]
        #expect { try db.importSamples(later) } throws: { "\($0)".contains("analyte Cd is stored in mg/kg but this import gives g/kg") }
        later.units = [:]
        try db.importSamples(later)
        #expect(try db.table(round: nil).fields.filter { $0.name.lowercased() == "cd" }.count == 1)
        // Two rounds: reading samples for a surface needs the round; monitoring reads both.
        #expect { _ = try SampleReader(path: dir.file("s.gpkg")).read(targetCRS: try CRS(epsg: 4547)) }
            throws: { "\($0)".contains("holds survey rounds 2020, 2024; give the round to use (--round)") }
        var r2024 = SampleReader(path: dir.file("s.gpkg"))
        r2024.round = "2024"
        #expect(try r2024.read(targetCRS: try CRS(epsg: 4547)).ids == ["B1"])
        // Impossible dates.
        try write("id,lon,lat,Cd,d\nC1,112.9,35.7,0.2,2024-02-31\n", dir.file("c.csv"))
        var dated = SurveyImport(reader: SampleReader(path: dir.file("c.csv"), sourceCRS: try CRS(epsg: 4326)), round: "2025", analytes: [("Cd", "Cd")])
        dated.dateColumn = "d"
        #expect { try db.importSamples(dated) } throws: { "\($0)".contains("row 1 (line 2), column 'd': '2024-02-31' is not a date") }
    }

    @Test("db init with a bare file name creates it in the current folder", .enabled(if: soilmapBinary != nil))
    func initBareName() throws {
        let dir = ScratchFolder()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: soilmapBinary!)
        p.arguments = ["db", "init", "survey.gpkg"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(dir.contents == ["survey.gpkg"])
    }
}
