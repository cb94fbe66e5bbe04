import Foundation
import GeoIO
import GeoTypes
import Logging
import Testing
import Zonal
@testable import SoilMapKit

/// End-to-end runs of a reduced sample project (issue 5).
@Suite("soilmap run, end to end", .serialized)
struct RunProjectTests {
    /// Copies the test project into a scratch folder (so outputs go there) and loads it.
    func project(in dir: ScratchFolder, edit: (String) -> String = { $0 }, editSamples: (String) -> String = { $0 }) throws -> Project {
        try FileManager.default.copyItem(atPath: fixture("small/gaoping_small.gpkg"), toPath: dir.file("gaoping_small.gpkg"))
        let samples = try String(contentsOfFile: fixture("small/samples.csv"), encoding: .utf8)
        try editSamples(samples).write(toFile: dir.file("samples.csv"), atomically: true, encoding: .utf8)
        let text = try String(contentsOfFile: fixture("project/project.yaml"), encoding: .utf8)
        try edit(text).write(toFile: dir.file("project.yaml"), atomically: true, encoding: .utf8)
        return try Project.load(path: dir.file("project.yaml"))
    }

    static let quiet = ProgressReporter(style: .quiet, logger: Logger(label: "test"))

    static let expectedFiles = [
        "Cd.tif", "Cu.tif", "Pb.tif", "Pb_variance.tif", "class.tif", "controlling.tif", "pH.tif", "parcels.gpkg",
        "report.html", "run.json", "township_summary.csv", "township_summary.json", "township_summary.xlsx",
    ]

    @Test("outputs.compress: zstd writes ZSTD COGs with the cells of the DEFLATE ones; another value is a project error")
    func zstdSurfaces() throws {
        let dir = ScratchFolder()
        let p = try project(in: dir)
        _ = try runProject(p, options: RunOptions(outputDir: dir.file("deflate")), progress: Self.quiet)
        let zdir = ScratchFolder()
        let z = try project(in: zdir, edit: { $0.replacingOccurrences(of: "outputs: {dir: out}", with: "outputs: {dir: out, compress: zstd}") })
        #expect(z.surfaceCompression == .zstd)
        _ = try runProject(z, options: RunOptions(outputDir: dir.file("zstd")), progress: Self.quiet)
        for name in ["Cd.tif", "Pb.tif", "Pb_variance.tif", "pH.tif"] {
            let a = try RasterDataset(path: dir.file("deflate/" + name)), b = try RasterDataset(path: dir.file("zstd/" + name))
            #expect(a.compression == "DEFLATE" && b.compression == "ZSTD" && b.layout == "COG", "\(name): \(a.compression ?? "-") \(b.compression ?? "-")")
            #expect(try readRaster(dir.file("deflate/" + name)).values.map(\.bitPattern) == readRaster(dir.file("zstd/" + name)).values.map(\.bitPattern))
        }
        let bad = ScratchFolder()
        var message = ""
        do {
            _ = try project(in: bad, edit: { $0.replacingOccurrences(of: "outputs: {dir: out}", with: "outputs: {dir: out, compress: lzma}") })
        } catch {
            message = "\(error)"
        }
        #expect(message.contains("'lzma' is not deflate"), "\(message)")
    }

    @Test("""
        outputs.surfaces: the default study_area leaves the surfaces nodata outside the townships, the parcels and the \
        monitoring rings, with the cells of the whole-grid surfaces inside; classes, parcels, tables and rings are \
        byte-identical to those of surfaces: grid; another value is a project error
        """)
    func studyAreaSurfaces() throws {
        let dir = ScratchFolder()
        // An enterprise near the north-west corner of the parcels' extent (the grid's), outside the
        // townships: its rings reach cells of the grid beyond the study area.
        let parcels = try PolygonLayer.read(path: fixture("small/gaoping_small.gpkg"), layer: "parcels")
        let e = Extent(enclosing: parcels.items.flatMap { $0.geometry.allCoordinates })!
        let corner = Coordinate(x: e.minX + 100, y: e.maxY - 100)
        let w = try VectorWriter(path: dir.file("ent.gpkg"), format: .geoPackage)
        let l = try w.createLayer(name: "enterprises", geometryType: .point, crs: parcels.crs, fields: [FieldDefinition("eid", .string)])
        try l.append(geometry: .point(corner), values: [.string("E1")])
        try w.close()
        let monitoring = "monitoring: {path: ent.gpkg, id_field: eid, rings: [0, 200, 500]}\n"
        let a = try project(in: dir, edit: { $0 + monitoring })
        #expect(a.surfaceExtent == .studyArea)
        _ = try runProject(a, options: RunOptions(outputDir: dir.file("area")), progress: Self.quiet)
        let gdir = ScratchFolder()
        try FileManager.default.copyItem(atPath: dir.file("ent.gpkg"), toPath: gdir.file("ent.gpkg"))
        let g = try project(in: gdir, edit: { $0.replacingOccurrences(of: "outputs: {dir: out}", with: "outputs: {dir: out, surfaces: grid}") + monitoring })
        #expect(g.surfaceExtent == .grid)
        _ = try runProject(g, options: RunOptions(outputDir: dir.file("grid")), progress: Self.quiet)
        for name in ["class.tif", "controlling.tif", "parcels.gpkg", "township_summary.csv", "township_summary.json",
                     "township_summary.xlsx", "monitoring.csv", "rings.gpkg"] {
            let x = try Data(contentsOf: URL(fileURLWithPath: dir.file("area/" + name)))
            let y = try Data(contentsOf: URL(fileURLWithPath: dir.file("grid/" + name)))
            #expect(x == y, "\(name) differs between the study-area and the whole-grid surfaces")
        }
        let classes = try readRaster(dir.file("area/class.tif"))
        var outsideTownships = 0
        for name in ["Cd.tif", "Pb.tif", "Pb_variance.tif", "Cu.tif", "pH.tif"] {
            let part = try readRaster(dir.file("area/" + name)), whole = try readRaster(dir.file("grid/" + name))
            let nodata = part.nodata!
            #expect(whole.values.allSatisfy { $0 != nodata }, "\(name): the whole-grid surface has nodata cells")
            var differ = 0, missing = 0, left = 0
            for k in part.values.indices {
                if part.values[k] == nodata {
                    left += 1
                    if classes.values[k] != classes.nodata { missing += 1 }
                } else {
                    if part.values[k].bitPattern != whole.values[k].bitPattern { differ += 1 }
                    if classes.values[k] == classes.nodata { outsideTownships += 1 }
                }
            }
            #expect(differ == 0, "\(name): \(differ) cells differ from the whole-grid surface")
            #expect(missing == 0, "\(name): \(missing) classified cells are nodata")
            #expect(left > 0, "\(name): no cell left out (the test grid has no cells outside the study area)")
        }
        #expect(outsideTownships > 0, "no cell outside the townships was kept (the rings' and parcels' reach)")
        // Every cell a ring touches has its value, and some of them are outside the townships.
        let cd = try readRaster(dir.file("area/Cd.tif"))
        var ringCells = 0, ringCellsOutside = 0, ringCellsMissing = 0
        for f in try VectorDataset(path: dir.file("area/rings.gpkg")).layer(named: "rings").readFeatures() {
            for polygon in f.geometry!.polygons {
                ExactCoverage.coverage(of: polygon, on: cd.grid).forEachCoveredCell { r, c, fraction in
                    guard fraction > 0, r >= 0, c >= 0, r < cd.grid.rows, c < cd.grid.columns else { return }
                    let k = r * cd.grid.columns + c
                    ringCells += 1
                    if classes.values[k] == classes.nodata { ringCellsOutside += 1 }
                    if cd.values[k] == cd.nodata { ringCellsMissing += 1 }
                }
            }
        }
        #expect(ringCellsOutside > 0 && ringCellsMissing == 0, "\(ringCells) ring cells, \(ringCellsOutside) outside the townships, \(ringCellsMissing) nodata")
        let bad = ScratchFolder()
        #expect { _ = try project(in: bad, edit: { $0.replacingOccurrences(of: "outputs: {dir: out}", with: "outputs: {dir: out, surfaces: county}") }) }
            throws: { "\($0)".contains("'county' is not study_area") }
    }

    @Test("Every output exists and opens; class raster styled; areas add up; JSON equals CSV; hashes recorded; rerun identical")
    func wholeRun() throws {
        let dir = ScratchFolder()
        // One Cd value reported below the detection limit: half the limit by default, counted in a warning.
        let p = try project(in: dir, editSamples: { $0.replacingOccurrences(of: "SM001,112.910498,35.716765,0.249,", with: "SM001,112.910498,35.716765,<0.05,") })
        let r = try runProject(p, options: RunOptions(outputDir: dir.file("out")), progress: Self.quiet)
        #expect(r.warnings.contains { $0.contains("Cd: 1 value(s) below the detection limit") })
        let out = dir.file("out")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out))
        for f in Self.expectedFiles { #expect(names.contains(f), "missing \(f)") }
        #expect(!names.contains { $0.contains(".partial-") })
        // Rasters open with GDAL, as COGs in the working CRS.
        for f in names where f.hasSuffix(".tif") {
            let ds = try RasterDataset(path: out + "/" + f)
            #expect(ds.layout == "COG", "\(f) is not a COG")
            #expect(ds.crs?.epsg == 4547)
        }
        let classBand = try RasterDataset(path: out + "/class.tif").band(1)
        #expect(classBand.colorTable[1] == RGBA(0, 176, 80))
        #expect(classBand.colorTable[3] == RGBA(255, 0, 0))
        #expect(classBand.categoryNames[2]?.contains("安全利用类") == true)
        #expect(try RasterDataset(path: out + "/controlling.tif").band(1).categoryNames[1] == "Cd")
        // The class raster covers the study area (the townships) only: a cell with its centre in a
        // township is classified; a cell none of whose corners, edge midpoints or centre lies in a
        // township is nodata (point-in-polygon, independent of the exact coverage used for the mask).
        let townLayer = try PolygonLayer.read(path: dir.file("gaoping_small.gpkg"), layer: "townships")
        let toGrid = try Transformer(from: townLayer.crs!, to: try CRS(epsg: 4547))
        let areas = try townLayer.items.map { try toGrid.transform($0.geometry) }
        let (_, cgrid, classes, _) = try readRaster(out + "/class.tif")
        var inside = 0, outside = 0
        for r in 0..<cgrid.rows {
            for c in 0..<cgrid.columns {
                let x = cgrid.centerX(column: c), y = cgrid.centerY(row: r)
                let v = classes[r * cgrid.columns + c]
                if areas.contains(where: { $0.contains(Coordinate(x: x, y: y)) }) {
                    inside += 1
                    #expect(v != 0, "cell \(r), \(c) is in a township but has no class")
                    continue
                }
                let hw = cgrid.cellWidth / 2, hh = cgrid.cellHeight / 2
                let probes = [-1.0, 0, 1].flatMap { i in [-1.0, 0, 1].map { j in Coordinate(x: x + i * hw, y: y + j * hh) } }
                if !probes.contains(where: { p in areas.contains { $0.contains(p) } }) {
                    outside += 1
                    #expect(v == 0, "cell \(r), \(c) is outside every township but has class \(v)")
                }
            }
        }
        #expect(inside > 0 && outside > 0, "the test grid has cells inside (\(inside)) and outside (\(outside)) the townships")
        // Vectors and tables open with GDAL.
        let gpkg = try VectorDataset(path: out + "/parcels.gpkg")
        #expect(try gpkg.layer(named: "parcels").featureCount == 300)
        #expect(try gpkg.layer(named: "layer_styles").featureCount == 1)
        #expect(try VectorDataset(path: out + "/township_summary.xlsx").layerCount == 1)
        // Township areas add up to the total parcel area; the total row is the sum of the rows.
        let csv = try CSVText(path: out + "/township_summary.csv")
        let col = { (n: String) in csv.header.firstIndex(of: n)! }
        let rows = csv.rows.dropLast(), total = csv.rows.last!
        for row in rows {
            let parts = ["class1_mu", "class2_mu", "class3_mu", "no_data_mu"].map { Double(row[col($0)])! }
            #expect(abs(parts.reduce(0, +) - Double(row[col("area_mu")])!) < 1e-6 * Double(row[col("area_mu")])!)
        }
        for c in ["parcels", "area_mu", "class1_mu", "class2_mu", "class3_mu"] {
            let sum = rows.reduce(0.0) { $0 + Double($1[col(c)])! }
            #expect(abs(sum - Double(total[col(c)])!) <= 1e-9 * max(1, sum), "total \(c)")
        }
        // Parcel areas from PROJ's geodesic area: the total equals the sum over the parcels.
        #expect(abs(Double(total[col("area_mu")])! - r.analysis.parcels.reduce(0) { $0 + $1.area } * 15 / 10_000) < 1e-6)
        // The JSON summary holds the same numbers as the CSV.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/township_summary.json"))) as! [String: Any]
        let towns = json["townships"] as! [[String: Any]]
        #expect(towns.count == rows.count)
        for (t, row) in zip(towns, rows) {
            #expect(t["township"] as? String == row[col("township")])
            for c in ["area_mu", "class1_mu", "class2_mu", "class3_mu"] {
                #expect(abs((t[c] as! Double) - Double(row[col(c)])!) <= 1e-9 * max(1, abs(t[c] as! Double)))
            }
        }
        // Provenance: versions, input hashes (checked against our own SHA-256 of the bytes).
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json"))) as! [String: Any]
        #expect(run["gdal"] as? String == LibraryVersions.gdal)
        // The project file, the samples and the GeoPackage (parcels and townships), each with its SHA-256.
        let inputs = run["inputs"] as! [[String: String]]
        #expect(inputs.map { URL(fileURLWithPath: $0["path"]!).lastPathComponent } == ["project.yaml", "samples.csv", "gaoping_small.gpkg"])
        for i in inputs {
            #expect(i["sha256"] == SHA256.hex(try Data(contentsOf: URL(fileURLWithPath: i["path"]!))), "\(i)")
        }
        // The report stands alone: no URL of any kind (not even an SVG namespace name), every
        // township named, the tables present.
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        for bad in ["http://", "https://", "src=\"//", "href=\"//", "url("] { #expect(!html.contains(bad), "report.html contains \(bad)") }
        let nameField = try townLayer.requireField("name", option: "name_field")
        for t in townLayer.items { #expect(html.contains(t.values[nameField].text), "report.html lacks township \(t.values[nameField].text)") }
        #expect(rows.count >= 2, "township_summary.csv has \(rows.count) township rows")
        try screenshotInChromium(out + "/report.html", dir: dir)
        // A rerun into another folder gives byte-identical files (run.json differs in timings and paths only).
        _ = try runProject(p, options: RunOptions(outputDir: dir.file("again"), threads: 1), progress: Self.quiet)
        for f in Self.expectedFiles where f != "run.json" {
            let a = try Data(contentsOf: URL(fileURLWithPath: out + "/" + f))
            let b = try Data(contentsOf: URL(fileURLWithPath: dir.file("again/" + f)))
            #expect(a == b, "\(f) differs between runs")
        }
    }

    @Test("The output folder is a file, or another run holds it: a clear error, nothing written")
    func outputFolderRefused() throws {
        let dir = ScratchFolder()
        let p = try project(in: dir)
        try "not a folder".write(toFile: dir.file("out"), atomically: true, encoding: .utf8)
        #expect { _ = try runProject(p, options: RunOptions(outputDir: dir.file("out")), progress: Self.quiet) } throws: {
            "\($0)".contains("the output folder (-o/--output) is a file")
        }
        #expect(try String(contentsOfFile: dir.file("out"), encoding: .utf8) == "not a folder")
        // A second run into a folder another run is writing into stops at once.
        let held = try OutputFolder(dir.file("busy"), key: "outputs.dir")
        #expect { _ = try runProject(p, options: RunOptions(outputDir: dir.file("busy")), progress: Self.quiet) } throws: {
            "\($0)".contains("another soilmap run is writing into this output folder")
        }
        let busy = try FileManager.default.contentsOfDirectory(atPath: dir.file("busy"))
        #expect(busy == [".soilmap.lock"], "\(busy)")
        held.release()
        #expect { _ = try runProject(p, options: RunOptions(outputDir: "/proc/soilmap-test-out"), progress: Self.quiet) } throws: {
            "\($0)".contains("cannot create the output folder (-o/--output)")
        }
        _ = try runProject(p, options: RunOptions(outputDir: dir.file("busy")), progress: Self.quiet)
        #expect(!FileManager.default.fileExists(atPath: dir.file("busy/.soilmap.lock")))
        #expect(FileManager.default.fileExists(atPath: dir.file("busy/report.html")))
    }

    @Test("SHA-256 of known vectors (FIPS 180-4 examples)")
    func sha256() {
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}

/// Opens the report in headless Chromium (when installed) and checks that it renders a
/// screenshot without JavaScript or resource errors; the report must not need the network.
func screenshotInChromium(_ html: String, dir: ScratchFolder) throws {
    let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
    guard let exe = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        print("Chromium not installed: report screenshot check skipped")
        return
    }
    let png = dir.file("report.png")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1100,2400",
                   "--screenshot=\(png)", "file://\(html)"]
    let err = Pipe()
    p.standardError = err
    p.standardOutput = Pipe()
    try p.run()
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "chromium failed: \(text)")
    #expect(!text.contains("Uncaught") && !text.contains("net::ERR"), "the report has errors: \(text)")
    let size = (try? FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
    #expect(size > 10_000, "no screenshot written")
}

@Suite("Project files: errors name the key and the line")
struct ProjectFileTests {
    func load(_ yaml: String) throws -> Project {
        let dir = ScratchFolder()
        try yaml.write(toFile: dir.file("p.yaml"), atomically: true, encoding: .utf8)
        return try Project.load(path: dir.file("p.yaml"))
    }

    static let minimal = """
    samples: {path: s.csv, crs: EPSG:4326}
    parcels: {path: p.gpkg}
    pollutants: [Cd, Pb]
    """

    @Test func minimalProjectHasDefaults() throws {
        let p = try load(Self.minimal)
        #expect(p.pollutants.map(\.name) == ["Cd", "Pb"])
        #expect(p.resolution == 10 && p.rule == .mean && p.area == .geodesic && p.standard == .gb15618)
        #expect(p.ph.field == "pH")
    }

    @Test("A misspelled key is named with its line and the nearest known key")
    func misspelledKey() {
        #expect {
            _ = try load(Self.minimal + "\nparcel_rul: worst\n")
        } throws: { e in
            guard let e = e as? ProjectError else { return false }
            return e.key == "parcel_rul" && e.line == 4 && e.message.contains("parcel_rule")
        }
        #expect {
            _ = try load("samples: {path: s.csv, crs: EPSG:4326, x_field: lon}\nparcels: {path: p.gpkg}\npollutants: [Cd]\n")
        } throws: { e in (e as? ProjectError)?.key == "samples.x_field" && (e as? ProjectError)?.line == 1 }
    }

    @Test("Wrong types and values name the key")
    func wrongTypes() {
        #expect { _ = try load(Self.minimal + "\ngrid: {resolution: ten}\n") } throws: { e in
            (e as? ProjectError)?.key == "grid.resolution" && (e as? ProjectError)?.message.contains("ten") == true
        }
        #expect { _ = try load(Self.minimal + "\nparcel_rule: best\n") } throws: { e in (e as? ProjectError)?.key == "parcel_rule" }
        #expect { _ = try load("samples: {path: s.csv}\nparcels: {path: p.gpkg}\npollutants:\n  - {name: Cd, method: kriging}\n") } throws: { e in
            (e as? ProjectError)?.key == "pollutants[0].method" && (e as? ProjectError)?.line == 4
        }
        #expect { _ = try load("parcels: {path: p.gpkg}\npollutants: [Cd]\n") } throws: { e in (e as? ProjectError)?.key == "samples" }
    }

    @Test("The template from soilmap init is a valid project")
    func template() throws {
        let p = try load(Project.template)
        #expect(p.pollutants.count == 6)
        #expect(p.pollutants.last?.classify == false)
    }
}
