import Foundation
import GeoIO
import GeoTypes
import SoilMapKit
import Standards
import Testing

/// The small synthetic Gaoping project (Fixtures/small, a copy of SampleData/small): six
/// surfaces interpolated by IDW onto a 20 m grid over the parcels, then parcels classified.
/// Built once per test process; the folder is removed at exit.
final class SmallProject: Sendable {
    /// Built on first use; a failure is reported by each test instead of crashing the run.
    static let shared = Result { try SmallProject() }

    let folder: String
    let surfaces: [(name: String, path: String)]
    let ph: String
    let grid: GridSpec
    /// The working CRS the samples were brought into.
    let crs: CRS?

    static let pollutants = ["Cd", "Hg", "As", "Pb", "Cr"]

    private init() throws {
        folder = NSTemporaryDirectory() + "soilmapkit-small-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "soilmapkit-small-\(getpid())") }
        // Parcels' extent (401211.72, 3950016.59)–(406151.70, 3955001.18), snapped outwards to 20 m.
        let extent = Extent(minX: 401_200, minY: 3_950_000, maxX: 406_160, maxY: 3_955_020)
        var s = InterpolationSettings(method: .idw)
        s.maxPoints = 16
        var paths: [(String, String)] = []
        var g: GridSpec? = nil
        var c: CRS? = nil
        for v in Self.pollutants + ["pH"] {
            let out = folder + "/\(v).tif"
            let r = try runInterpolate(source: SampleSource(path: fixture("small/samples.csv"), field: v), settings: s,
                                       target: .grid(extent: extent, resolution: (20, 20), size: nil,
                                                     outputs: GridOutputs(prediction: out, variance: nil, exceedance: nil), mask: nil),
                                       threads: 2)
            g = r.grid
            c = r.crs
            paths.append((v, out))
        }
        surfaces = Array(paths.prefix(5))
        ph = paths[5].1
        grid = g!
        crs = c
        geoPackageAnalysis = try analyseParcels(parcelsPath: fixture("small/gaoping_small.gpkg"), layer: "parcels",
                                                surfaces: surfaces, phPath: ph, phValue: nil, settings: Self.settings())
    }

    /// The analysis of the GeoPackage parcels (computed once).
    let geoPackageAnalysis: ParcelAnalysis

    static func settings(encoding: String? = nil) -> ParcelSettings {
        var st = ParcelSettings()
        st.landUseField = "land_use"
        st.zones = .field("town_name")
        st.idField = "parcel_id"
        st.encoding = encoding
        return st
    }

    func analyse(_ path: String, encoding: String? = nil) throws -> ParcelAnalysis {
        try analyseParcels(parcelsPath: path, layer: path.hasSuffix(".gpkg") ? "parcels" : nil, surfaces: surfaces,
                           phPath: ph, phValue: nil, settings: Self.settings(encoding: encoding))
    }
}

@Suite("Invariants on the small sample project")
struct SmallProjectTests {

    @Test("Shares sum to 1 for covered parcels; township class areas + no data = township area; total = Σ rows")
    func areaInvariants() throws {
        let project = try SmallProject.shared.get()
        let a = project.geoPackageAnalysis
        #expect(project.crs?.epsg == 4547, "samples in lon/lat go to the Gauss-Krüger zone of CM 114E (EPSG:4547)")
        #expect(a.parcels.count == 300)
        let gridExtent = project.grid.extent
        var worstShare = 0.0, covered = 0
        for (p, item) in zip(a.parcels, a.source.items) {
            let e = try #require(item.geometry.extent)
            if e.minX >= gridExtent.minX && e.maxX <= gridExtent.maxX && e.minY >= gridExtent.minY && e.maxY <= gridExtent.maxY {
                covered += 1
                worstShare = max(worstShare, abs(p.shares.reduce(0, +) - 1))
                #expect(p.unclassifiedArea == 0, "\(p.id)")
                #expect(p.soilClass != .nodata, "\(p.id)")
            }
        }
        #expect(covered == 300)
        #expect(worstShare < 1e-9, "worst |Σ shares − 1| = \(worstShare)")

        let (zones, total) = a.zoneSummaries
        #expect(zones.count == 3)
        var worstZone = 0.0
        for z in zones {
            let parcelArea = a.parcels.filter { $0.zone == z.zone }.reduce(0) { $0 + $1.area }
            #expect(relativeDifference(z.area, parcelArea) < 1e-12)
            let d = relativeDifference(z.classAreas.reduce(0, +) + z.unclassifiedArea, z.area)
            worstZone = max(worstZone, d)
            #expect(z.parcels == z.parcelsByClass.reduce(0, +) + z.parcelsUnclassified)
        }
        #expect(worstZone < 1e-6, "\(worstZone)")
        print("small project: worst |Σ shares − 1| \(worstShare), worst township area closure \(worstZone)")

        // The total row of the table equals the sum of the township rows, column by column.
        let t = a.summaryTable()
        #expect(t.rows.count == zones.count + 1)
        #expect(t.rows.last![0] == .string(total.zone))
        for (j, f) in t.fields.enumerated() where f.type != .string {
            let sum = t.rows.dropLast().reduce(0.0) { $0 + $1[j].number! }
            #expect(relativeDifference(t.rows.last![j].number!, sum) < 1e-12, "column \(f.name)")
        }
    }

    @Test("summaryJSON equals the summary CSV and JSON written (read back through GeoIO and JSONSerialization)")
    func summaryFilesAgree() throws {
        let project = try SmallProject.shared.get()
        let a = project.geoPackageAnalysis
        let dir = ScratchFolder()
        let files = OutputFiles(overwrite: false)
        try a.writeSummaries(csv: dir.file("summary.csv"), xlsx: nil, json: dir.file("summary.json"), files: files)
        try files.commit()
        #expect(dir.contents == ["summary.csv", "summary.json"])
        let expected = a.summaryJSON()
        guard case .array(let towns)? = expected["townships"], case .object(let totalRow)? = expected["total"] else {
            Issue.record("summaryJSON has no townships/total"); return
        }
        let rows = towns.compactMap { if case .object(let o) = $0 { o } else { nil } } + [totalRow]

        // The CSV through GDAL (values may come back as strings).
        let ds = try VectorDataset(path: dir.file("summary.csv"))
        let features = try ds.layer(named: nil).readFeatures()
        let fields = try ds.layer(named: nil).fields.map(\.name)
        #expect(features.count == rows.count)
        #expect(Set(fields) == Set(rows[0].keys))
        // The JSON file as written, decoded with JSONDecoder (exact; Linux JSONSerialization
        // can be 1 ulp off when parsing doubles).
        let file = try JSONDecoder().decode([String: JSONValue].self, from: Data(contentsOf: URL(fileURLWithPath: dir.file("summary.json"))))
        #expect(Self.numericallyEqual(.object(file), .object(expected)), "summary.json differs from summaryJSON()")
        var worst = 0.0
        for (i, (f, r)) in zip(features, rows).enumerated() {
            for (j, name) in fields.enumerated() {
                let csv = f.values[j]
                switch r[name] {
                case .string(let s)?:
                    #expect(csv.text == s, "row \(i) \(name)")
                case .number(let d)?:
                    worst = max(worst, relativeDifference(try #require(csv.number), d))
                case .int(let n)?:
                    #expect(csv.number == Double(n), "row \(i) \(name)")
                default:
                    Issue.record("row \(i) field \(name): \(String(describing: r[name]))")
                }
            }
        }
        #expect(worst < 1e-14, "CSV number vs JSON: \(worst)")
        #expect(file["standard"] == .string("GB 15618-2018"))
    }

    /// Equality of JSON values where an integral number may come back as an int.
    static func numericallyEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        func num(_ v: JSONValue) -> Double? {
            switch v { case .number(let d): return d; case .int(let i): return Double(i); default: return nil }
        }
        switch (a, b) {
        case let (.object(x), .object(y)):
            return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { numericallyEqual(x[$0]!, y[$0]!) }
        case let (.array(x), .array(y)):
            return x.count == y.count && zip(x, y).allSatisfy { numericallyEqual($0, $1) }
        default:
            if let p = num(a), let q = num(b) { return p == q }
            return a == b
        }
    }

    @Test("Class raster from runClassify carries the colour table and category names")
    func classRasterStyle() throws {
        let project = try SmallProject.shared.get()
        let dir = ScratchFolder()
        let r = try runClassify(surfaces: project.surfaces, phPath: project.ph, phValue: nil, standard: .gb15618,
                                landUse: .other, output: dir.file("class.tif"), controllingOutput: dir.file("ctrl.tif"))
        #expect(r.cellCounts.reduce(0, +) == project.grid.cellCount)
        #expect(r.cellCounts[0] == 0, "IDW leaves no cell without data")
        let (ds, grid, values, nodata) = try readRaster(dir.file("class.tif"))
        #expect(grid == project.grid)
        #expect(nodata == 0)
        #expect(ds.layout == "COG")
        let band = try ds.band(1)
        #expect(band.pixelType == .uint8)
        for e in SoilClass.legend(.farmland) {
            #expect(band.colorTable[Int(e.code)] == RGBA(e.colour.red, e.colour.green, e.colour.blue, e.colour.alpha), "colour \(e.code)")
            #expect(band.categoryNames[Int(e.code)] == e.label, "name \(e.code)")
        }
        // The counts reported are the counts in the file.
        for k in 0...3 { #expect(values.filter { Int($0) == k }.count == r.cellCounts[k], "class \(k)") }
        let ctrl = try RasterDataset(path: dir.file("ctrl.tif")).band(1)
        #expect(ctrl.categoryNames[1] == "Cd" && ctrl.categoryNames[5] == "Cr")
    }

    @Test("A mask limits the class raster: cells the polygons touch keep their classes, the others are nodata")
    func classRasterMask() throws {
        let project = try SmallProject.shared.get()
        let dir = ScratchFolder()
        let g = project.grid
        // A rectangle over the left part of the grid, its right edge inside a column of cells.
        let xEdge = g.minX + (Double(g.columns / 2) + 0.3) * g.cellWidth
        let geojson = """
        {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4547"}},
         "features": [{"type": "Feature", "properties": {"name": "west"}, "geometry": {"type": "Polygon", "coordinates":
           [[[\(g.minX - 100), \(g.minY - 100)], [\(xEdge), \(g.minY - 100)], [\(xEdge), \(g.maxY + 100)],
             [\(g.minX - 100), \(g.maxY + 100)], [\(g.minX - 100), \(g.minY - 100)]]]}}]}
        """
        try geojson.write(toFile: dir.file("west.geojson"), atomically: true, encoding: .utf8)
        let full = try runClassify(surfaces: project.surfaces, phPath: project.ph, phValue: nil, standard: .gb15618,
                                   landUse: .other, output: dir.file("full.tif"), controllingOutput: nil)
        let masked = try runClassify(surfaces: project.surfaces, phPath: project.ph, phValue: nil, standard: .gb15618,
                                     landUse: .other, output: dir.file("west.tif"), controllingOutput: dir.file("west_ctrl.tif"),
                                     maskPath: dir.file("west.geojson"))
        let a = try readRaster(dir.file("full.tif")).values, b = try readRaster(dir.file("west.tif")).values
        let ctrl = try readRaster(dir.file("west_ctrl.tif")).values
        let kept = g.columns / 2 + 1  // columns 0 … columns/2 are touched by the rectangle
        for r in 0..<g.rows {
            for c in 0..<g.columns {
                let k = r * g.columns + c
                if c < kept { #expect(b[k] == a[k], "cell \(r), \(c)") } else { #expect(b[k] == 0 && ctrl[k] == 0, "cell \(r), \(c)") }
            }
        }
        #expect(masked.cellCounts[0] == g.rows * (g.columns - kept))
        #expect(masked.cellCounts.reduce(0, +) == full.cellCounts.reduce(0, +))
    }

    @Test("Parcel GeoPackage keeps the original attributes and has a layer_styles row for QGIS")
    func parcelGeoPackage() throws {
        let project = try SmallProject.shared.get()
        let a = project.geoPackageAnalysis
        let dir = ScratchFolder()
        let out = dir.file("parcels_out.gpkg")
        try a.writeGeoPackage(to: out)
        let ds = try VectorDataset(path: out)
        let l = try ds.layer(named: "parcels")
        let src = try VectorDataset(path: fixture("small/gaoping_small.gpkg")).layer(named: "parcels")
        let outFields = l.fields.map(\.name)
        for f in src.fields { #expect(outFields.contains(f.name), "field \(f.name) kept") }
        for f in ["sm_class", "sm_area_m2", "sm_share1", "sm_mean_Cd", "sm_mean_pH"] { #expect(outFields.contains(f)) }
        let inF = try src.readFeatures(), outF = try l.readFeatures()
        #expect(inF.count == outF.count)
        for (i, o) in zip(inF, outF) {
            for (k, f) in src.fields.enumerated() {
                #expect(o.values[outFields.firstIndex(of: f.name)!] == i.values[k], "feature \(i.fid) field \(f.name)")
            }
        }
        let ci = outFields.firstIndex(of: "sm_class")!
        #expect(outF.map { Int($0.values[ci].number!) } == a.parcels.map { Int($0.soilClass.rawValue) })
        let styles = try ds.layer(named: "layer_styles").readFeatures()
        #expect(styles.count == 1)
        let sl = try ds.layer(named: "layer_styles")
        let qml = styles.first?.values[sl.fieldIndex("styleQML")!].text ?? ""
        #expect(qml.contains("attr=\"sm_class\""))
        #expect(styles.first?.values[sl.fieldIndex("f_table_name")!].text == "parcels")
    }

    @Test("The GBK shapefile and the GeoPackage give the same classes and areas")
    func shapefileEqualsGeoPackage() throws {
        let project = try SmallProject.shared.get()
        let g = project.geoPackageAnalysis
        let s = try project.analyse(fixture("small/gaoping_small_parcels_gbk.shp"))
        #expect(g.parcels.count == s.parcels.count)
        #expect(Set(g.parcels.map(\.zone)) == Set(s.parcels.map(\.zone)))
        #expect(g.parcels.contains { $0.zone.contains("镇") || $0.zone.contains("乡") || $0.zone.contains("街道") })
        var worst = 0.0
        for (a, b) in zip(g.parcels, s.parcels) {
            #expect(a.id == b.id && a.zone == b.zone && a.landUse == b.landUse)
            #expect(a.soilClass == b.soilClass, "\(a.id)")
            worst = max(worst, relativeDifference(b.area, a.area))
            for k in 0..<3 { #expect(abs(a.shares[k] - b.shares[k]) < 1e-9, "\(a.id) share \(k + 1)") }
        }
        #expect(worst < 1e-9, "area rel diff \(worst)")
        let (gz, gt) = g.zoneSummaries, (sz, st) = s.zoneSummaries
        #expect(gz.map(\.zone) == sz.map(\.zone))
        for k in 0..<3 { #expect(relativeDifference(st.classAreas[k], gt.classAreas[k]) < 1e-9) }
    }

    @Test("Predictions at locations given in the working CRS (x/y without a CRS) equal the grid's cells there")
    func locationsInWorkingCRS() throws {
        let project = try SmallProject.shared.get()
        // Cell centres of the Cd surface (IDW, 16 neighbours) as a CSV with x/y in EPSG:4547
        // and no CRS of its own: like --te, such coordinates are in the working CRS.
        let g = project.grid
        let cells = [(0, 0), (10, 37), (120, 200), (g.rows - 1, g.columns - 1)]
        let dir = ScratchFolder()
        try writeCSV(dir.file("at.csv"), header: ["name", "x", "y"], rows: cells.map { r, c in
            ["r\(r)c\(c)", String(g.centerX(column: c)), String(g.centerY(row: r))]
        })
        var s = InterpolationSettings(method: .idw)
        s.maxPoints = 16
        _ = try runInterpolate(source: SampleSource(path: fixture("small/samples.csv"), field: "Cd"), settings: s,
                               target: .locations(path: dir.file("at.csv"), output: dir.file("pred.csv")), threads: 1)
        let got = try CSVText(path: dir.file("pred.csv"))
        #expect(got.strings("name") == cells.map { "r\($0.0)c\($0.1)" })
        let surface = try readRaster(project.surfaces[0].path).values
        for ((r, c), p) in zip(cells, got.numbers("prediction")) {
            #expect(relativeDifference(surface[r * g.columns + c], p) < 2e-7, "cell (\(r), \(c)): grid \(surface[r * g.columns + c]), location \(p)")
        }
    }
}
