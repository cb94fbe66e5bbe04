import Foundation
import GeoIO
import GeoTypes
import SoilMapKit
import Standards
import Testing

/// Small rasters and parcels built in the test, with every expected number worked out by
/// hand from GB 15618-2018 Table 1 (land use "other" unless stated, pH 7.0: Cd screening 0.3,
/// intervention 3.0; As 30 / 120; Cu 100 (orchard 200), no intervention value).
enum TinyWorld {
    static let minX = 500_000.0, maxY = 3_300_000.0, cell = 10.0

    static func grid(columns: Int = 3, rows: Int = 3) -> GridSpec {
        try! GridSpec(minX: minX, maxY: maxY, cellWidth: cell, cellHeight: cell, columns: columns, rows: rows)
    }

    /// Writes a Float64 GeoTIFF (EPSG:4547, nodata −9999) with `values` row-major, north first.
    static func writeSurface(_ path: String, _ values: [Double], columns: Int = 3, rows: Int = 3,
                             grid: GridSpec? = nil, crs: CRS? = try! CRS(epsg: 4547)) throws {
        let w = try RasterWriter(path: path, spec: RasterSpec(grid: grid ?? Self.grid(columns: columns, rows: rows),
                                                              pixelType: .float64, crs: crs, nodata: -9999,
                                                              cloudOptimized: false))
        try w.write(rows: values)
        try w.close()
    }

    /// A closed ring from offsets (metres) relative to the grid's top-left corner (x right, y down).
    static func ring(_ offsets: [(Double, Double)]) -> LinearRing {
        LinearRing(closing: offsets.map { Coordinate(minX + $0.0, maxY - $0.1) })
    }

    /// Writes polygons with `name`, `dl` (land use) and `town` fields to a GeoPackage layer "parcels".
    static func writeParcels(_ path: String, _ parcels: [(name: String, landUse: String, town: String, geometry: Geometry)],
                             crs: CRS? = try! CRS(epsg: 4547)) throws {
        let w = try VectorWriter(path: path, format: .geoPackage)
        let l = try w.createLayer(name: "parcels", geometryType: .unknown, crs: crs,
                                  fields: [FieldDefinition("name", .string), FieldDefinition("dl", .string), FieldDefinition("town", .string)])
        for p in parcels { try l.append(geometry: p.geometry, values: [.string(p.name), .string(p.landUse), .string(p.town)]) }
        try w.close()
    }

    // Cd, As, Cu per cell (mg/kg), row-major, north first:
    //   Cd  0.1 0.2 0.5     As 10 10 10     Cu 20  20  20
    //       0.2 4.0 0.2        10 10 10        20  20 150
    //       0.1 0.5 0.1        10 10 50        20  20  20
    // Cell classes (other, pH 7): 1 1 2(Cd) / 1 3(Cd) 1(Cu 150 > 100 → 2 for "other") / 1 2(Cd) 2(As)
    static let cd: [Double] = [0.1, 0.2, 0.5, 0.2, 4.0, 0.2, 0.1, 0.5, 0.1]
    static let arsenic: [Double] = [10, 10, 10, 10, 10, 10, 10, 10, 50]
    static let cu: [Double] = [20, 20, 20, 20, 20, 150, 20, 20, 20]

    static func polygon(_ o: [(Double, Double)]) -> Geometry { .polygon(Polygon(exterior: ring(o))) }

    /// The parcels (offsets in metres from the top-left corner, y down):
    static let parcels: [(name: String, landUse: String, town: String, geometry: Geometry)] = [
        // A: exactly cells (0,0) (0,1) (1,0) (1,1): 400 m².
        ("A", "旱地", "T1", polygon([(0, 0), (20, 0), (20, 20), (0, 20)])),
        // B: the north halves of cells (0,1) and (0,2), paddy: 100 m².
        ("B", "水田", "T1", polygon([(10, 0), (30, 0), (30, 5), (10, 5)])),
        // C: right triangle with legs of 20 m from the SW corner: (2,0) whole, (2,1) and (1,0) halves: 200 m².
        ("C", "旱地", "T1", polygon([(0, 30), (20, 30), (0, 10)])),
        // B2: as B, land use other.
        ("B2", "水浇地", "T2", polygon([(10, 0), (30, 0), (30, 5), (10, 5)])),
        // D: cell (2,2) and as much again east of the raster: 200 m², half without data.
        ("D", "旱地", "T2", polygon([(20, 20), (40, 20), (40, 30), (20, 30)])),
        // E: cell (1,2) exactly, orchard (Cu 150 ≤ 200).
        ("E", "果园", "T2", polygon([(20, 10), (30, 10), (30, 20), (20, 20)])),
        // E2: cell (1,2) exactly, other (Cu 150 > 100).
        ("E2", "旱地", "T2", polygon([(20, 10), (30, 10), (30, 20), (20, 20)])),
    ]

    /// Writes the three surfaces and the parcels into `dir`; returns (surfaces, parcels path).
    static func build(in dir: ScratchFolder) throws -> ([(name: String, path: String)], String) {
        let s = [("Cd", cd), ("As", arsenic), ("Cu", cu)].map { (name: $0.0, path: dir.file("\($0.0).tif"), values: $0.1) }
        for x in s { try writeSurface(x.path, x.values) }
        let p = dir.file("parcels.gpkg")
        try writeParcels(p, parcels)
        return (s.map { ($0.name, $0.path) }, p)
    }

    static func settings(rule: ParcelRule) -> ParcelSettings {
        var st = ParcelSettings()
        st.areaMode = .planar
        st.rule = rule
        st.landUseField = "dl"
        st.zones = .field("town")
        st.idField = "name"
        return st
    }
}

@Suite("Hand-computed parcels and class boundaries")
struct HandComputedTests {
    struct Expected {
        var area: Double
        var shares: [Double]
        var mean: SoilClass, majority: SoilClass, worst: SoilClass
        var landUse: LandUse
        var controllingByMean: String?
    }

    static let expected: [String: Expected] = [
        "A": Expected(area: 400, shares: [0.75, 0, 0.25], mean: .safeUtilization, majority: .priorityProtection, worst: .strictControl, landUse: .other, controllingByMean: "Cd"),
        "B": Expected(area: 100, shares: [1, 0, 0], mean: .priorityProtection, majority: .priorityProtection, worst: .priorityProtection, landUse: .paddy, controllingByMean: nil),
        "C": Expected(area: 200, shares: [0.75, 0.25, 0], mean: .priorityProtection, majority: .priorityProtection, worst: .safeUtilization, landUse: .other, controllingByMean: nil),
        "B2": Expected(area: 100, shares: [0.5, 0.5, 0], mean: .safeUtilization, majority: .safeUtilization, worst: .safeUtilization, landUse: .other, controllingByMean: "Cd"),
        "D": Expected(area: 200, shares: [0, 0.5, 0], mean: .safeUtilization, majority: .safeUtilization, worst: .safeUtilization, landUse: .other, controllingByMean: "As"),
        "E": Expected(area: 100, shares: [1, 0, 0], mean: .priorityProtection, majority: .priorityProtection, worst: .priorityProtection, landUse: .orchard, controllingByMean: nil),
        "E2": Expected(area: 100, shares: [0, 1, 0], mean: .safeUtilization, majority: .safeUtilization, worst: .safeUtilization, landUse: .other, controllingByMean: "Cu"),
    ]

    @Test("Two parcels with one id: an error naming both features")
    func duplicateParcelIds() throws {
        let dir = ScratchFolder()
        let (surfaces, _) = try TinyWorld.build(in: dir)
        var ps = TinyWorld.parcels
        ps[4].name = "B"
        let path = dir.file("dup.gpkg")
        try TinyWorld.writeParcels(path, ps)
        #expect { _ = try analyseParcels(parcelsPath: path, surfaces: surfaces, phPath: nil, phValue: 7.0, settings: TinyWorld.settings(rule: .mean)) }
            throws: { "\($0)".contains("feature 5, field 'name': parcel id 'B' is used again (first by feature 2)") }
    }

    @Test("Parcel shares, class areas and class by each rule, worked by hand (planar areas, pH 7)",
          arguments: ParcelRule.allCases)
    func parcels(rule: ParcelRule) throws {
        let dir = ScratchFolder()
        let (surfaces, parcels) = try TinyWorld.build(in: dir)
        let a = try analyseParcels(parcelsPath: parcels, surfaces: surfaces, phPath: nil, phValue: 7.0,
                                   settings: TinyWorld.settings(rule: rule))
        #expect(a.parcels.map(\.id) == ["A", "B", "C", "B2", "D", "E", "E2"])
        for p in a.parcels {
            let e = try #require(Self.expected[p.id])
            #expect(abs(p.area - e.area) < 1e-9, "\(p.id) area \(p.area) m²")
            #expect(p.landUse == e.landUse, "\(p.id)")
            for k in 0..<3 {
                #expect(abs(p.shares[k] - e.shares[k]) < 1e-12, "\(p.id) share of class \(k + 1): \(p.shares[k])")
                #expect(abs(p.classAreas[k] - e.shares[k] * e.area) < 1e-9, "\(p.id) class \(k + 1) area")
            }
            let unclassified = e.area * (1 - e.shares.reduce(0, +))
            #expect(abs(p.unclassifiedArea - unclassified) < 1e-9, "\(p.id) unclassified \(p.unclassifiedArea)")
            let want: SoilClass = rule == .mean ? e.mean : rule == .majority ? e.majority : e.worst
            #expect(p.soilClass == want, "\(p.id) by \(rule): \(p.soilClass)")
            if rule == .mean {
                #expect(p.controlling.map { a.pollutants[$0] } == e.controllingByMean, "\(p.id) controlling")
            }
        }
        // Coverage-weighted means (mg/kg): A's Cd (0.1 + 0.2 + 0.2 + 4.0) / 4, C's (0.1 + ½·0.5 + ½·0.2) / 2.
        let byID = Dictionary(uniqueKeysWithValues: a.parcels.map { ($0.id, $0) })
        #expect(abs(byID["A"]!.means[0] - 1.125) < 1e-12)
        #expect(abs(byID["C"]!.means[0] - 0.225) < 1e-12)
        #expect(abs(byID["B2"]!.means[0] - 0.35) < 1e-12)
        #expect(byID["A"]!.maxima[0] == 4.0)
        #expect(abs(byID["D"]!.means[1] - 50) < 1e-12)
        #expect(abs(byID["D"]!.dataFraction - 1) < 1e-12)  // the part outside the grid is not "covered"

        // Township totals: T1 = A + B + C, T2 = B2 + D + E + E2 (m²).
        let (zones, total) = a.zoneSummaries
        #expect(zones.map(\.zone) == ["T1", "T2"])
        let t1 = zones[0], t2 = zones[1]
        #expect(abs(t1.area - 700) < 1e-9 && abs(t2.area - 500) < 1e-9)
        for (got, want) in zip(t1.classAreas, [550.0, 50, 100]) { #expect(abs(got - want) < 1e-9, "T1 \(t1.classAreas)") }
        for (got, want) in zip(t2.classAreas, [150.0, 250, 0]) { #expect(abs(got - want) < 1e-9, "T2 \(t2.classAreas)") }
        #expect(abs(t1.unclassifiedArea) < 1e-9 && abs(t2.unclassifiedArea - 100) < 1e-9)
        #expect(total.parcels == 7 && abs(total.area - 1200) < 1e-9)
        // The table in 亩 (1 亩 = 10000/15 m²) and ha.
        let t = a.summaryTable()
        let i = t.fields.firstIndex { $0.name == "class1_mu" }!, j = t.fields.firstIndex { $0.name == "class1_ha" }!
        #expect(abs(t.rows[0][i].number! - 550 * 15 / 10_000) < 1e-12)
        #expect(abs(t.rows[0][j].number! - 550 / 10_000) < 1e-12)
    }

    /// A one-row Cd raster through `runClassify`; returns the class of each cell.
    func classify(cd: [Double], ph: [Double]?, phValue: Double?, landUse: LandUse = .other, in dir: ScratchFolder) throws -> [Int] {
        let g = TinyWorld.grid(columns: cd.count, rows: 1)
        try TinyWorld.writeSurface(dir.file("cd.tif"), cd, grid: g)
        if let ph { try TinyWorld.writeSurface(dir.file("ph.tif"), ph, grid: g) }
        let out = dir.file("class.tif")
        _ = try runClassify(surfaces: [("Cd", dir.file("cd.tif"))], phPath: ph == nil ? nil : dir.file("ph.tif"), phValue: phValue,
                            standard: .gb15618, landUse: landUse, output: out, controllingOutput: nil)
        return try readRaster(out).values.map { Int($0) }
    }

    @Test("Concentration exactly at the screening value → class 1, at the intervention value → class 2")
    func screeningAndInterventionBoundaries() throws {
        let dir = ScratchFolder()
        // other, pH 7.0: Cd screening 0.3, intervention 3.0.
        #expect(try classify(cd: [0.3, 0.30001, 3.0, 3.00001, 0], ph: nil, phValue: 7.0, in: dir) == [1, 2, 2, 3, 1])
    }

    /// Cd at the pH band edges (other): ≤5.5 → intervention 1.5; (5.5, 6.5] → 2.0; (6.5, 7.5] → 3.0; >7.5 → 4.0.
    /// A pH of exactly 5.5, 6.5 or 7.5 belongs to the band below it.
    static let phCases: [(ph: Double, cd: Double, expected: Int)] = [
        (5.5, 1.8, 3), (5.51, 1.8, 2), (6.5, 2.5, 3), (6.51, 2.5, 2), (7.5, 3.5, 3), (7.51, 3.5, 2),
    ]

    @Test("pH band edges 5.5 / 6.5 / 7.5 with a constant pH (--ph-value)", arguments: 0..<6)
    func constantPHEdges(_ i: Int) throws {
        let c = Self.phCases[i]
        let dir = ScratchFolder()
        #expect(try classify(cd: [c.cd], ph: nil, phValue: c.ph, in: dir) == [c.expected], "pH \(c.ph), Cd \(c.cd)")
    }

    @Test("pH band edges with a pH raster")
    func rasterPHEdges() throws {
        let dir = ScratchFolder()
        let got = try classify(cd: Self.phCases.map(\.cd), ph: Self.phCases.map(\.ph), phValue: nil, in: dir)
        #expect(got == Self.phCases.map(\.expected))
    }

    @Test("Land use changes the thresholds: paddy, other, orchard (Cd 0.5 at pH 7; Cu 150 at pH 7)")
    func landUseThresholds() throws {
        let dir = ScratchFolder()
        // Cd 0.5 at pH 7: paddy screening 0.6 → class 1; other 0.3 → class 2.
        #expect(try classify(cd: [0.5], ph: nil, phValue: 7, landUse: .paddy, in: dir) == [1])
        #expect(try classify(cd: [0.5], ph: nil, phValue: 7, landUse: .other, in: dir) == [2])
    }
}
