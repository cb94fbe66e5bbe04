import Foundation
import GeoIO
import GeoTypes
import SoilMapKit
import Standards
import Testing

/// Bad input: each a clear error naming the file (and row, column or feature), and a failed
/// run leaves no output behind.
@Suite("Bad input through SoilMapKit")
struct BadInputKitTests {
    // MARK: Rasters

    @Test("Surfaces on different grids: the error names the file and says gdalwarp")
    func differentGrids() throws {
        let dir = ScratchFolder()
        try TinyWorld.writeSurface(dir.file("cd.tif"), TinyWorld.cd)
        let shifted = try GridSpec(minX: TinyWorld.minX + 5, maxY: TinyWorld.maxY, cellWidth: 10, cellHeight: 10, columns: 3, rows: 3)
        try TinyWorld.writeSurface(dir.file("pb.tif"), TinyWorld.arsenic, grid: shifted)
        let msg = errorText {
            _ = try runClassify(surfaces: [("Cd", dir.file("cd.tif")), ("Pb", dir.file("pb.tif"))], phPath: nil, phValue: 7,
                                standard: .gb15618, landUse: .other, output: dir.file("class.tif"), controllingOutput: nil)
        }
        let m = try #require(msg)
        #expect(m.contains(dir.file("pb.tif")) && m.contains("gdalwarp"), "\(m)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("class.tif")))
    }

    @Test("pH 15 in a pH raster: the error names the file, row and column; no class raster or partial file is left")
    func pHOutOfRange() throws {
        let dir = ScratchFolder()
        try TinyWorld.writeSurface(dir.file("cd.tif"), TinyWorld.cd)
        var ph = [Double](repeating: 7, count: 9)
        ph[5] = 15  // row 1, column 2
        try TinyWorld.writeSurface(dir.file("ph.tif"), ph)
        let before = dir.contents
        let msg = errorText {
            _ = try runClassify(surfaces: [("Cd", dir.file("cd.tif"))], phPath: dir.file("ph.tif"), phValue: nil,
                                standard: .gb15618, landUse: .other, output: dir.file("CLASS.tif"), controllingOutput: dir.file("CTRL.tif"))
        }
        let m = try #require(msg)
        #expect(m.contains(dir.file("ph.tif")) && m.contains("row 1, column 2") && m.contains("15"), "\(m)")
        #expect(dir.contents == before, "left behind: \(Set(dir.contents).subtracting(before))")
        #expect(!dir.contents.contains { $0.contains(".partial-") })
    }

    @Test("An existing output without overwrite is an error and the file is untouched")
    func outputExists() throws {
        let dir = ScratchFolder()
        try TinyWorld.writeSurface(dir.file("cd.tif"), TinyWorld.cd)
        let out = dir.file("class.tif")
        try Data("original".utf8).write(to: URL(fileURLWithPath: out))
        do {
            _ = try runClassify(surfaces: [("Cd", dir.file("cd.tif"))], phPath: nil, phValue: 7, standard: .gb15618,
                                landUse: .other, output: out, controllingOutput: nil, overwrite: false)
            Issue.record("no error")
        } catch let e as InputError {
            #expect(e.kind == .outputExists && e.path == out, "\(e)")
        }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "original")
        #expect(dir.contents == ["cd.tif", "class.tif"])
        // With overwrite the file is replaced by a class raster.
        _ = try runClassify(surfaces: [("Cd", dir.file("cd.tif"))], phPath: nil, phValue: 7, standard: .gb15618,
                            landUse: .other, output: out, controllingOutput: nil, overwrite: true)
        #expect(try readRaster(out).values == [1, 1, 2, 1, 3, 1, 1, 2, 1])
    }

    // MARK: Parcels

    static func parcels(_ extra: [(name: String, landUse: String, town: String, geometry: Geometry)], in dir: ScratchFolder) throws -> ([(name: String, path: String)], String) {
        let s = [("Cd", TinyWorld.cd)].map { (name: $0.0, path: dir.file("\($0.0).tif"), values: $0.1) }
        for x in s { try TinyWorld.writeSurface(x.path, x.values) }
        let p = dir.file("bad_parcels.gpkg")
        try TinyWorld.writeParcels(p, Array(TinyWorld.parcels.prefix(1)) + extra)
        return (s.map { ($0.name, $0.path) }, p)
    }

    @Test("A land-use value not in the mapping: the error names the file, the feature and the value")
    func unknownLandUse() throws {
        let dir = ScratchFolder()
        let (surfaces, path) = try Self.parcels([("X", "荒地", "T1", TinyWorld.polygon([(0, 0), (10, 0), (10, 10), (0, 10)]))], in: dir)
        let msg = errorText {
            _ = try analyseParcels(parcelsPath: path, surfaces: surfaces, phPath: nil, phValue: 7, settings: TinyWorld.settings(rule: .mean))
        }
        let m = try #require(msg)
        #expect(m.contains(path) && m.contains("feature 2") && m.contains("'荒地'") && m.contains("'dl'"), "\(m)")
    }

    @Test("A self-intersecting parcel is repaired and counted in the warnings")
    func selfIntersectingParcel() throws {
        let dir = ScratchFolder()
        // A bow-tie over cells (2,0) and (2,1): two triangles of 50 m² each after repair.
        let bowtie = TinyWorld.polygon([(0, 20), (20, 30), (20, 20), (0, 30)])
        let (surfaces, path) = try Self.parcels([("bow", "旱地", "T1", bowtie)], in: dir)
        let a = try analyseParcels(parcelsPath: path, surfaces: surfaces, phPath: nil, phValue: 7, settings: TinyWorld.settings(rule: .mean))
        #expect(a.source.repaired == [2])
        #expect(a.warnings.contains { $0.contains(path) && $0.contains("1 invalid polygon(s) repaired") && $0.contains("features 2") }, "\(a.warnings)")
        let bow = try #require(a.parcels.first { $0.id == "bow" })
        // Repaired: two triangles, each a quarter of the 20 × 10 rectangle: 2 × 50 m².
        #expect(abs(bow.area - 100) < 1e-9, "area \(bow.area)")
        // Cell (2,0) Cd 0.1 (class 1), cell (2,1) Cd 0.5 (class 2), each half covered by one triangle.
        #expect(abs(bow.shares[0] - 0.5) < 1e-12 && abs(bow.shares[1] - 0.5) < 1e-12, "\(bow.shares)")
    }

    @Test("A missing zone field: the error names the file and lists the fields")
    func missingZoneField() throws {
        let dir = ScratchFolder()
        let (surfaces, path) = try Self.parcels([], in: dir)
        var st = TinyWorld.settings(rule: .mean)
        st.zones = .field("township")
        let m = try #require(errorText {
            _ = try analyseParcels(parcelsPath: path, surfaces: surfaces, phPath: nil, phValue: 7, settings: st)
        })
        #expect(m.contains(path) && m.contains("'township'") && m.contains("name, dl, town"), "\(m)")
        // zoneAreas too.
        var w: [String] = []
        let m2 = try #require(errorText { _ = try zoneAreas(zonesPath: path, zoneField: "township", warnings: &w) })
        #expect(m2.contains(path) && m2.contains("name, dl, town"), "\(m2)")
    }

    // MARK: Samples

    static func samples(_ cd: [String], ids: [String]? = nil, in dir: ScratchFolder) throws -> String {
        let path = dir.file("samples.csv")
        let rows = cd.indices.map { i in [ids?[i] ?? "S\(i + 1)", String(500_000 + 10 * i), String(3_300_000 + 7 * i * i), cd[i]] }
        try writeCSV(path, header: ["sample_id", "x", "y", "Cd"], rows: rows)
        return path
    }

    static func load(_ path: String, method: InterpolationMethod = .idw, rule: BelowDetectionRule = .half) throws -> (VariableSamples, [String]) {
        var s = SampleSource(path: path, field: "Cd")
        s.sourceCRS = "EPSG:4547"
        s.belowDetection = rule
        var w: [String] = []
        let (_, v) = try s.load(method: method, warnings: &w)
        return (v, w)
    }

    @Test("Text in a numeric column: the error names the file, row and column")
    func textInNumericColumn() throws {
        let dir = ScratchFolder()
        let path = try Self.samples(["0.2", "0.3", "abc", "0.4"], in: dir)
        let m = try #require(errorText { _ = try Self.load(path) })
        #expect(m.contains(path) && m.contains("row 3 (line 4)") && m.contains("column 'Cd'") && m.contains("'abc'"), "\(m)")
    }

    @Test("Below the detection limit: <0.05 is halved by default (with a warning); the limit rule gives 0.05")
    func belowDetectionLimit() throws {
        let dir = ScratchFolder()
        let path = try Self.samples(["0.2", "<0.05", "0.3", "＜0.05"], in: dir)
        let (half, w) = try Self.load(path)
        #expect(half.samples.values == [0.2, 0.025, 0.3, 0.025])
        #expect(w.contains { $0.contains("2 value(s) below the detection limit") && $0.contains("'half'") }, "\(w)")
        let (limit, _) = try Self.load(path, rule: .limit)
        #expect(limit.samples.values == [0.2, 0.05, 0.3, 0.05])
        let (zero, _) = try Self.load(path, rule: .zero)
        #expect(zero.samples.values == [0.2, 0, 0.3, 0])
        let (drop, _) = try Self.load(path, rule: .drop)
        #expect(drop.samples.values == [0.2, 0.3])
    }

    @Test("A negative concentration is an error naming row and column")
    func negativeConcentration() throws {
        let dir = ScratchFolder()
        let path = try Self.samples(["0.2", "-0.1", "0.3"], in: dir)
        let m = try #require(errorText { _ = try Self.load(path) })
        #expect(m.contains(path) && m.contains("row 2 (line 3)") && m.contains("column 'Cd'") && m.contains("negative"), "\(m)")
    }

    @Test("Duplicate sample ids: the error names both rows")
    func duplicateIDs() throws {
        let dir = ScratchFolder()
        let path = try Self.samples(["0.2", "0.3", "0.4"], ids: ["A1", "B2", "A1"], in: dir)
        let m = try #require(errorText { _ = try Self.load(path) })
        #expect(m.contains(path) && m.contains("'A1'") && m.contains("row 3 (line 4)") && m.contains("row 1 (line 2)"), "\(m)")
    }

    @Test("Lognormal kriging of a zero value is an error naming the sample")
    func lognormalZero() throws {
        let dir = ScratchFolder()
        let path = try Self.samples(["0.2", "0", "0.3", "0.25"], in: dir)
        let m = try #require(errorText { _ = try Self.load(path, method: .lok) })
        #expect(m.contains(path) && m.contains("row 2 (line 3)") && m.contains("log"), "\(m)")
        #expect(try Self.load(path, method: .ok).0.samples.count == 4)
    }

    @Test("An interpolation that fails while writing leaves no output and no partial file")
    func failedInterpolationLeavesNothing() throws {
        let dir = ScratchFolder()
        let path = try Self.samples(["0.2", "0.1", "0.3", "0.25"], in: dir)
        let before = dir.contents
        var src = SampleSource(path: path, field: "Cd")
        src.sourceCRS = "EPSG:4547"
        // IDW has no variance: the error comes from inside the raster writing loop, after the
        // temporary files were created.
        let m = try #require(errorText {
            _ = try runInterpolate(source: src, settings: InterpolationSettings(method: .idw),
                                   target: .grid(extent: Extent(minX: 500_000, minY: 3_300_000, maxX: 500_100, maxY: 3_300_100),
                                                 resolution: (10, 10), size: nil,
                                                 outputs: GridOutputs(prediction: dir.file("cd.tif"), variance: dir.file("cd_var.tif")), mask: nil),
                                   threads: 1)
        })
        #expect(m.contains("variance"), "\(m)")
        #expect(dir.contents == before, "left behind: \(Set(dir.contents).subtracting(before))")
    }
}
