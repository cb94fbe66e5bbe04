import Foundation
import GeoIO
import Logging
import Testing
@testable import SoilMapKit

/// The reliability battery (issue 15): bad and hostile inputs to `soilmap run` on the reduced
/// test project: samples CSV, vector layers and project files. Every case either fails with a
/// message that names the file (and the row, feature or key) and says what to do, leaving
/// nothing in the output folder, or, where the input is legitimate but unusual, succeeds with
/// a note saying what was done.
struct HostileCase: Sendable, CustomStringConvertible {
    enum Outcome: Sendable {
        /// Fails; the message names `file` and contains every fragment.
        case error(file: String, [String])
        /// Succeeds; a warning contains the fragment (`nil`: any outcome text).
        case succeeds(note: String?)
    }
    var name: String
    var project: @Sendable (String) -> String = { $0 }
    var samples: @Sendable (String) -> String = { $0 }
    /// The samples' bytes in GBK instead of UTF-8.
    var gbkSamples = false
    /// Changes to the scratch folder after the inputs were copied (vector edits with GDAL's tools).
    var prepare: (@Sendable (HostileInputTests.Folder) throws -> Void)? = nil
    var outcome: Outcome
    var description: String { name }
}

/// Helpers for the table.
enum Edit {
    /// Replaces one text; the case is broken if the text is absent (checked).
    static func replace(_ a: String, _ b: String) -> @Sendable (String) -> String {
        { s in
            if !s.contains(a) { Issue.record("fixture text '\(a)' not found: the case tests nothing") }
            return s.replacingOccurrences(of: a, with: b)
        }
    }
    /// Replaces the Cd value of sample SM002 (data row 2, line 3).
    static func cd2(_ v: String) -> @Sendable (String) -> String {
        replace("SM002,112.914135,35.717188,0.343,", "SM002,112.914135,35.717188,\(v),")
    }
    /// Keeps the header and the first `n` rows.
    static func firstRows(_ n: Int) -> @Sendable (String) -> String {
        { $0.split(separator: "\n").prefix(n + 1).joined(separator: "\n") + "\n" }
    }
    /// Changes line `i` (0 = header) with `f`.
    static func line(_ i: Int, _ f: @escaping @Sendable (String) -> String) -> @Sendable (String) -> String {
        { s in
            var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines[i] = f(lines[i])
            return lines.joined(separator: "\n")
        }
    }
    /// Runs `ogrinfo FILE -sql SQL` (SQLite dialect on a GeoPackage) in the folder.
    static func sql(_ q: String) -> @Sendable (HostileInputTests.Folder) throws -> Void {
        { try $0.tool("ogrinfo", ["gaoping_small.gpkg", "-sql", q]) }
    }
    /// The parcels as a shapefile `parcels.shp` (the project pointed at it), in `encoding`.
    static func shapefile(encoding: String = "UTF-8") -> @Sendable (HostileInputTests.Folder) throws -> Void {
        { try $0.tool("ogr2ogr", ["-f", "ESRI Shapefile", "parcels.shp", "gaoping_small.gpkg", "parcels", "-lco", "ENCODING=\(encoding)"]) }
    }
    static let parcelsAsShapefile = replace("  path: gaoping_small.gpkg\n  layer: parcels\n", "  path: parcels.shp\n")
}

@Suite("Hostile inputs to soilmap run (issue 15)")
struct HostileInputTests {
    /// A scratch copy of the test project.
    struct Folder: Sendable {
        let dir: ScratchFolder
        func file(_ n: String) -> String { dir.file(n) }
        /// Runs a GDAL command-line tool in the folder; throws with its stderr on failure.
        func tool(_ name: String, _ args: [String]) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [name] + args
            p.currentDirectoryURL = URL(fileURLWithPath: dir.path)
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else {
                throw InputError(.invalidArgument, path: name, "failed: \(String(decoding: e, as: UTF8.self))")
            }
        }
        func remove(_ n: String) throws { try FileManager.default.removeItem(atPath: file(n)) }
        func write(_ n: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: file(n))) }
    }

    static let shift = "SM003,112.920657,35.718510,"

    static let cases: [HostileCase] = [
        // MARK: Samples CSV
        HostileCase(name: "text in a numeric column", samples: Edit.cd2("n.d."),
                    outcome: .error(file: "samples.csv", ["row 2 (line 3), column 'Cd': 'n.d.' is not a number"])),
        HostileCase(name: "'<DL' without a limit", samples: Edit.cd2("<DL"), outcome: .error(file: "samples.csv", ["column 'Cd': '<DL' is not a number", "<0.05"])),
        HostileCase(name: "ND", samples: Edit.cd2("ND"), outcome: .error(file: "samples.csv", ["row 2 (line 3), column 'Cd': 'ND' is not a number"])),
        HostileCase(name: "未检出", samples: Edit.cd2("未检出"), outcome: .error(file: "samples.csv", ["'未检出' is not a number"])),
        HostileCase(name: "NaN", samples: Edit.cd2("NaN"), outcome: .error(file: "samples.csv", ["row 2 (line 3), column 'Cd': 'NaN' is not a finite number"])),
        HostileCase(name: "inf", samples: Edit.cd2("inf"), outcome: .error(file: "samples.csv", ["'inf' is not a finite number"])),
        HostileCase(name: "negative concentration", samples: Edit.cd2("-0.343"),
                    outcome: .error(file: "samples.csv", ["row 2 (line 3), column 'Cd': negative concentration -0.343"])),
        HostileCase(name: "quoted decimal comma", samples: Edit.cd2("\"0,343\""), outcome: .error(file: "samples.csv", ["'0,343' is not a number"])),
        HostileCase(name: "unquoted decimal comma", samples: Edit.cd2("0,343"),
                    outcome: .error(file: "samples.csv", ["row 2 (line 3): has 13 fields but the header has 12", "quote values"])),
        HostileCase(name: "row with fields missing", samples: Edit.line(3, { $0.split(separator: ",").prefix(5).joined(separator: ",") }),
                    outcome: .error(file: "samples.csv", ["row 3 (line 4): has 5 fields but the header has 12", "add the missing fields"])),
        HostileCase(name: "blank lines: the line number still right",
                    samples: { Edit.cd2("n.d.")($0).replacingOccurrences(of: "\nSM002,", with: "\n\n\nSM002,") },
                    outcome: .error(file: "samples.csv", ["row 2 (line 5), column 'Cd'"])),
        HostileCase(name: "duplicate sample ids", samples: Edit.replace("SM002,", "SM001,"),
                    outcome: .error(file: "samples.csv", ["row 2 (line 3), column 'sample_id': sample id 'SM001' is used again (first at row 1 (line 2))"])),
        HostileCase(name: "empty sample id", samples: Edit.replace("SM002,", ","),
                    outcome: .error(file: "samples.csv", ["row 2 (line 3), column 'sample_id': the sample id is empty"])),
        HostileCase(name: "a single sample", samples: Edit.firstRows(1),
                    outcome: .error(file: "samples.csv", ["column 'pH': pH: 1 sample(s) available but at least 3 needed"])),
        HostileCase(name: "two samples", samples: Edit.firstRows(2), outcome: .error(file: "samples.csv", ["2 sample(s) available but at least 3 needed"])),
        HostileCase(name: "lon/lat swapped in the project", project: Edit.replace("x: lon, y: lat", "x: lat, y: lon"),
                    outcome: .error(file: "samples.csv", ["row 1 (line 2), sample 'SM001'", "longitude and latitude look swapped"])),
        HostileCase(name: "latitude 95", samples: Edit.replace(shift, "SM003,112.920657,95.718510,"),
                    outcome: .error(file: "samples.csv", ["row 3 (line 4), sample 'SM003'", "latitude within ±90"])),
        HostileCase(name: "lon/lat declared as a projected CRS", project: Edit.replace("crs: EPSG:4326", "crs: EPSG:4547"),
                    outcome: .error(file: "samples.csv", ["do not overlap", "samples.crs"])),
        HostileCase(name: "samples and parcels do not overlap", samples: Edit.replace(",112.9", ",113.9"),
                    outcome: .error(file: "samples.csv", ["do not overlap"])),
        HostileCase(name: "samples without CRS",
                    project: { Edit.replace("x: lon, y: lat", "x: x, y: y")(Edit.replace(", crs: EPSG:4326", "")($0)) },
                    samples: Edit.replace("sample_id,lon,lat", "sample_id,x,y"),
                    outcome: .error(file: "samples.csv", ["no CRS", "set the samples' crs"])),
        HostileCase(name: "GBK CSV, no encoding given", project: Edit.replace("id: sample_id", "id: 编号"),
                    samples: Edit.replace("sample_id", "编号"), gbkSamples: true,
                    outcome: .error(file: "samples.csv", ["not valid UTF-8", "samples.encoding"])),
        HostileCase(name: "UTF-8 CSV declared GBK", project: Edit.replace("id: sample_id", "id: 编号, encoding: GBK"),
                    samples: Edit.replace("sample_id", "编号"),
                    outcome: .error(file: "samples.csv", ["has no id column '编号'", "read as CP936, from samples.encoding"])),
        HostileCase(name: "empty file", samples: { _ in "" }, outcome: .error(file: "samples.csv", ["not a vector file GDAL can read"])),
        HostileCase(name: "header only", samples: Edit.firstRows(0), outcome: .error(file: "samples.csv", ["has no sample rows"])),
        HostileCase(name: "garbage bytes", prepare: { try $0.write("samples.csv", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }) },
                    outcome: .error(file: "samples.csv", ["not a vector file GDAL can read"])),
        HostileCase(name: "missing column", project: Edit.replace("{name: Cu, method: idw", "{name: Cu2, method: idw"),
                    outcome: .error(file: "samples.csv", ["has no column 'Cu2'; columns are: sample_id"])),
        HostileCase(name: "missing samples file", project: Edit.replace("path: samples.csv", "path: nosuch.csv"),
                    outcome: .error(file: "nosuch.csv", ["no such file"])),
        HostileCase(name: "empty coordinate", samples: Edit.replace(shift, "SM003,,35.718510,"),
                    outcome: .error(file: "samples.csv", ["row 3 (line 4), column 'lon': the coordinate is empty"])),
        HostileCase(name: "degrees-minutes coordinate", samples: Edit.replace(shift, "SM003,112°55′,35.718510,"),
                    outcome: .error(file: "samples.csv", ["row 3 (line 4), column 'lon'", "coordinates must be decimal numbers"])),
        HostileCase(name: "below-detection value <0.05", samples: Edit.cd2("<0.05"), outcome: .succeeds(note: "1 value(s) below the detection limit")),
        HostileCase(name: "an empty cell", samples: Edit.cd2(""), outcome: .succeeds(note: "Cd: 1 sample(s) with an empty value were left out")),
        HostileCase(name: "two samples at one place with different values",
                    samples: Edit.replace(shift, "SM003,112.914135,35.717188,"), outcome: .succeeds(note: "merged by their mean: SM002+SM003")),
        HostileCase(name: "zero variance", samples: { s in
            var lines = s.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            for i in 1..<lines.count { lines[i][3] = "0.2" }
            return lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
        }, outcome: .succeeds(note: "the variance is zero")),
        HostileCase(name: "byte-order mark", samples: { "\u{FEFF}" + $0 }, outcome: .succeeds(note: nil)),
        HostileCase(name: "GBK CSV with samples.encoding: GBK", project: Edit.replace("id: sample_id", "id: 编号, encoding: GBK"),
                    samples: Edit.replace("sample_id", "编号"), gbkSamples: true, outcome: .succeeds(note: nil)),
        HostileCase(name: "semicolon-separated CSV", samples: { $0.replacingOccurrences(of: ",", with: ";") }, outcome: .succeeds(note: nil)),

        // MARK: Vector layers
        HostileCase(name: "shapefile without .shx", project: Edit.parcelsAsShapefile,
                    prepare: { try Edit.shapefile()($0); try $0.remove("parcels.shx") }, outcome: .error(file: "parcels.shp", ["has no .shx index"])),
        HostileCase(name: "shapefile without .dbf", project: Edit.parcelsAsShapefile,
                    prepare: { try Edit.shapefile()($0); try $0.remove("parcels.dbf") }, outcome: .error(file: "parcels.shp", ["no .dbf attribute table"])),
        HostileCase(name: "shapefile without .prj", project: Edit.parcelsAsShapefile,
                    prepare: { try Edit.shapefile()($0); try $0.remove("parcels.prj") }, outcome: .error(file: "parcels.shp", ["the parcels have no CRS"])),
        HostileCase(name: "GBK shapefile without .cpg", project: Edit.parcelsAsShapefile,
                    prepare: { try Edit.shapefile(encoding: "CP936")($0); try $0.remove("parcels.cpg") },
                    outcome: .error(file: "parcels.shp", ["not valid UTF-8", "parcels.encoding", "add a .cpg file"])),
        HostileCase(name: "GBK shapefile without .cpg, parcels.encoding: GBK",
                    project: { Edit.parcelsAsShapefile($0).replacingOccurrences(of: "  path: parcels.shp\n", with: "  path: parcels.shp\n  encoding: GBK\n") },
                    prepare: { try Edit.shapefile(encoding: "CP936")($0); try $0.remove("parcels.cpg") }, outcome: .succeeds(note: nil)),
        HostileCase(name: "a parcel 400 km away",
                    prepare: Edit.sql("UPDATE parcels SET geom = ST_GeomFromText('POLYGON((112.91 35.71, 112.92 35.72, 112.92 35.71, 112.91 35.71))', 4547) WHERE fid = 5"),
                    outcome: .error(file: "project.yaml", ["million cells, which needs about", "(feature 5) lies", "km from the middle of the others"])),
        HostileCase(name: "bow-tie polygon",
                    prepare: Edit.sql("UPDATE parcels SET geom = ST_GeomFromText('POLYGON((402000 3951000, 402100 3951100, 402100 3951000, 402000 3951100, 402000 3951000))', 4547) WHERE fid = 5"),
                    outcome: .succeeds(note: "1 invalid polygon(s) repaired with OGR_G_MakeValid (features 5)")),
        HostileCase(name: "null geometry", prepare: Edit.sql("UPDATE parcels SET geom = NULL WHERE fid = 5"),
                    outcome: .succeeds(note: "1 feature(s) without polygon geometry left out (features 5)")),
        HostileCase(name: "empty geometry", prepare: Edit.sql("UPDATE parcels SET geom = ST_GeomFromText('POLYGON EMPTY', 4547) WHERE fid = 6"),
                    outcome: .succeeds(note: "without polygon geometry left out (features 6)")),
        HostileCase(name: "points instead of polygons", project: Edit.replace("  path: gaoping_small.gpkg\n  layer: parcels\n", "  path: pts.gpkg\n  layer: parcels\n"),
                    prepare: { try $0.tool("ogr2ogr", ["-f", "GPKG", "pts.gpkg", "gaoping_small.gpkg", "-nlt", "POINT", "-dialect", "sqlite",
                                                       "-sql", "SELECT ST_Centroid(geom) AS geom, * FROM parcels", "-nln", "parcels"]) },
                    outcome: .error(file: "pts.gpkg", ["has 300 feature(s) but no polygon (its geometry type is Point)"])),
        HostileCase(name: "no features", prepare: Edit.sql("DELETE FROM parcels"), outcome: .error(file: "gaoping_small.gpkg", ["layer 'parcels' has no features"])),
        HostileCase(name: "parcels declared in a wrong CRS", project: Edit.replace("  path: gaoping_small.gpkg\n  layer: parcels\n", "  path: p3857.gpkg\n"),
                    prepare: { try $0.tool("ogr2ogr", ["-f", "GPKG", "p3857.gpkg", "gaoping_small.gpkg", "parcels", "-a_srs", "EPSG:3857", "-nln", "parcels"]) },
                    outcome: .error(file: "samples.csv", ["do not overlap", "the parcels' CRS (EPSG:3857"])),
        HostileCase(name: "unknown land use", prepare: Edit.sql("UPDATE parcels SET land_use = '草莓地' WHERE fid = 5"),
                    outcome: .error(file: "gaoping_small.gpkg", ["feature 5, field 'land_use': land-use value '草莓地' is not in the mapping", "parcels.land_use_map"])),
        // A land-survey class that is not farmland (GB/T 21010 04 草地) is left out with a count, not refused.
        HostileCase(name: "other land in the land-use field", prepare: Edit.sql("UPDATE parcels SET land_use = '草地' WHERE fid = 5"),
                    outcome: .succeeds(note: "parcels that are not farmland are left out of the classification: 1 parcel(s) — 04 草地: 1")),
        HostileCase(name: "duplicate parcel ids", prepare: Edit.sql("UPDATE parcels SET parcel_id = (SELECT parcel_id FROM parcels WHERE fid = 1) WHERE fid = 5"),
                    outcome: .error(file: "gaoping_small.gpkg", ["feature 5, field 'parcel_id'", "is used again (first by feature 1)"])),
        HostileCase(name: "missing township field", project: Edit.replace("township_field: town_name", "township_field: town"),
                    outcome: .error(file: "gaoping_small.gpkg", ["has no field 'town' (parcels.township_field)"])),
        HostileCase(name: "missing township name field", project: Edit.replace("name_field: name", "name_field: nom"),
                    outcome: .error(file: "gaoping_small.gpkg", ["has no field 'nom' (townships.name_field)"])),
        HostileCase(name: "wrong layer name", project: Edit.replace("layer: parcels", "layer: parcel"),
                    outcome: .error(file: "gaoping_small.gpkg", ["has no layer 'parcel'; its layers are: parcels, townships"])),

        // MARK: Project files
        HostileCase(name: "unknown key", project: { $0 + "colour: red\n" }, outcome: .error(file: "project.yaml", ["line 21: 'colour': unknown key"])),
        // The official classification's keys (issue 24).
        HostileCase(name: "area field without a name", project: { $0 + "area: 'field:'\n" },
                    outcome: .error(file: "project.yaml", ["'area'", "names no field; write field:TBDLMJ"])),
        HostileCase(name: "compliant share above 1", project: { $0 + "classification: {compliant_share: 1.5}\n" },
                    outcome: .error(file: "project.yaml", ["classification.compliant_share", "must be a share in (0, 1]"])),
        HostileCase(name: "crops without a crop field", project: { $0 + "crops: {path: samples.csv}\n" },
                    outcome: .error(file: "project.yaml", ["crops.crop_field", "is required"])),
        HostileCase(name: "measure field missing from the parcels", project: { $0 + "classification: {measure_field: AQ}\n" },
                    outcome: .error(file: "gaoping_small.gpkg", ["has no field 'AQ' (classification.measure_field)"])),
        HostileCase(name: "misspelled key", project: Edit.replace("land_use_field:", "landuse_field:"),
                    outcome: .error(file: "project.yaml", ["line 9: 'parcels.landuse_field': unknown key"])),
        HostileCase(name: "wrong type", project: Edit.replace("resolution: 50", "resolution: fifty"),
                    outcome: .error(file: "project.yaml", ["line 19: 'grid.resolution': expected a number, found 'fifty'"])),
        HostileCase(name: "grid too large for memory", project: Edit.replace("resolution: 50", "resolution: 0.01"),
                    outcome: .error(file: "project.yaml", ["million cells, which needs about", "use a coarser grid.resolution"])),
        HostileCase(name: "output folder cannot be created", project: Edit.replace("dir: out", "dir: /proc/soilmap-test-out"),
                    outcome: .error(file: "/proc/soilmap-test-out", ["cannot create the output folder (outputs.dir)"])),
        HostileCase(name: "output folder is a file", prepare: { try $0.write("out", Array("x".utf8)) },
                    outcome: .error(file: "out", ["the output folder (outputs.dir) is a file"])),
        HostileCase(name: "YAML syntax error", project: Edit.replace("standard: gb15618", "standard: [gb15618"),
                    outcome: .error(file: "project.yaml", ["line 13: not valid YAML"])),
        HostileCase(name: "empty project file", project: { _ in "" }, outcome: .error(file: "project.yaml", ["the project file is empty"])),
        HostileCase(name: "binary project file", prepare: { try $0.write("project.yaml", (0..<256).map(UInt8.init)) },
                    outcome: .error(file: "project.yaml", ["cannot read the project file (missing, or not UTF-8 text)"])),
        HostileCase(name: "no samples key", project: Edit.replace("samples: {path: samples.csv, x: lon, y: lat, crs: EPSG:4326, id: sample_id}\n", ""),
                    outcome: .error(file: "project.yaml", ["'samples': is required"])),
        HostileCase(name: "negative resolution", project: Edit.replace("resolution: 50", "resolution: -50"),
                    outcome: .error(file: "project.yaml", ["'grid.resolution': must be positive"])),
        HostileCase(name: "unknown standard", project: Edit.replace("standard: gb15618", "standard: gb9999"),
                    outcome: .error(file: "project.yaml", ["line 12: 'standard': 'gb9999' is neither a standard"])),
        HostileCase(name: "max_points 0", project: Edit.replace("max_points: 12", "max_points: 0"),
                    outcome: .error(file: "project.yaml", ["'interpolation.max_points': must be ≥ 1"])),
        HostileCase(name: "negative margin", project: Edit.replace("margin: 50", "margin: -50"),
                    outcome: .error(file: "project.yaml", ["'grid.margin': must be ≥ 0"])),
        HostileCase(name: "pollutant listed twice", project: Edit.replace("{name: Cu, method: idw", "{name: Cd, method: idw"),
                    outcome: .error(file: "project.yaml", ["'pollutants': 'Cd' is listed twice"])),
        HostileCase(name: "unknown method", project: Edit.replace("{name: Pb, method: ok}", "{name: Pb, method: kriging}"),
                    outcome: .error(file: "project.yaml", ["'pollutants[1].method': 'kriging' is not one of auto, idw, ok, lok"])),
        HostileCase(name: "samples path is a folder", project: Edit.replace("path: samples.csv", "path: samples.d"),
                    prepare: { try FileManager.default.createDirectory(atPath: $0.file("samples.d"), withIntermediateDirectories: false) },
                    outcome: .error(file: "samples.d", ["is a folder GDAL cannot read as vector data", "give the file itself"])),
    ]

    /// Copies the test project into a scratch folder with the case's edits.
    static func setUp(_ c: HostileCase) throws -> Folder {
        let f = Folder(dir: ScratchFolder("hostile-" + c.name))
        try FileManager.default.copyItem(atPath: fixture("small/gaoping_small.gpkg"), toPath: f.file("gaoping_small.gpkg"))
        let samples = c.samples(try String(contentsOfFile: fixture("small/samples.csv"), encoding: .utf8))
        try samples.write(toFile: f.file("samples.csv"), atomically: true, encoding: .utf8)
        if c.gbkSamples {
            // iconv(1) from glibc: independent of GDAL's recoding, which the reader uses.
            try f.tool("iconv", ["-f", "UTF-8", "-t", "GBK", "-o", "samples.gbk", "samples.csv"])
            try f.remove("samples.csv")
            try FileManager.default.moveItem(atPath: f.file("samples.gbk"), toPath: f.file("samples.csv"))
        }
        let text = try String(contentsOfFile: fixture("project/project.yaml"), encoding: .utf8)
        try c.project(text).write(toFile: f.file("project.yaml"), atomically: true, encoding: .utf8)
        try c.prepare?(f)
        return f
    }

    @Test("The battery holds at least 50 cases")
    func batterySize() {
        #expect(Self.cases.count >= 50)
    }

    @Test("A clear error naming the file and what to do, nothing left behind; or a note", arguments: cases)
    func hostile(_ c: HostileCase) throws {
        let f = try Self.setUp(c)
        let out = f.file("out")
        let before = try? Data(contentsOf: URL(fileURLWithPath: out))
        let result: Result<RunResult, any Error> = Result {
            try runProject(try Project.load(path: f.file("project.yaml")), options: RunOptions(), progress: RunProjectTests.quiet)
        }
        switch (c.outcome, result) {
        case let (.error(file, fragments), .failure(error)):
            let message = "\(error)"
            #expect(message.contains(file.hasPrefix("/") ? file : f.file(file)), "\(c.name): the message does not name \(file): \(message)")
            for fragment in fragments {
                #expect(message.contains(fragment), "\(c.name): '\(fragment)' not in: \(message)")
            }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isDir), isDir.boolValue {
                let left = try FileManager.default.contentsOfDirectory(atPath: out)
                #expect(left.isEmpty, "\(c.name): left in the output folder: \(left)")
            } else if let before {
                #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before, "\(c.name): the file in the way was changed")
            }
        case let (.succeeds(note), .success(r)):
            if let note {
                #expect(r.warnings.contains { $0.contains(note) }, "\(c.name): no note '\(note)' in \(r.warnings)")
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: out)
            #expect(left.contains("run.json") && left.contains("class.tif") && !left.contains { $0.hasPrefix(".") }, "\(c.name): \(left)")
        case let (.error, .success(r)):
            Issue.record("\(c.name): the run should fail; it succeeded with notes \(r.warnings)")
        case let (.succeeds, .failure(error)):
            Issue.record("\(c.name): the run should succeed; it failed: \(error)")
        }
    }
}
