import Foundation
import GeoIO
import GeoTypes
import Standards
import Testing
@testable import SoilMapKit

/// `soilmap screen`: plots before a change of use against GB 36600-2018 (issue 14).
///
/// Thresholds used (GB 36600-2018 Table 1, mg/kg): Pb class 1 screening 400, intervention 800;
/// class 2 screening 800, intervention 2500. Cd class 1 screening 20, intervention 47.
@Suite("GB 36600 screening of plots")
struct ScreeningTests {
    static let x0 = 500_000.0, y0 = 3_300_000.0
    static func square(_ dx: Double, _ dy: Double, _ size: Double = 20) -> Geometry {
        .polygon(Polygon(exterior: LinearRing(closing: [
            Coordinate(x0 + dx, y0 - dy), Coordinate(x0 + dx + size, y0 - dy),
            Coordinate(x0 + dx + size, y0 - dy - size), Coordinate(x0 + dx, y0 - dy - size)])))
    }

    /// Plots A–E (offsets in metres from (500000, 3300000), y down), planned uses, and the samples.
    static func world(_ dir: ScratchFolder, uses: [String] = ["住宅", "工业用地", "", "住宅", "住宅"]) throws {
        let w = try VectorWriter(path: dir.file("plots.gpkg"), format: .geoPackage)
        let l = try w.createLayer(name: "plots", geometryType: .polygon, crs: try CRS(epsg: 4547),
                                  fields: [FieldDefinition("pid", .string), FieldDefinition("use", .string)])
        let squares = [square(0, 0), square(20, 0), square(40, 0), square(0, 20), square(100, 100)]
        for (i, g) in squares.enumerated() {
            try l.append(geometry: g, values: [.string(["A", "B", "C", "D", "E"][i]), .string(uses[i])])
        }
        try w.close()
        // S1, S2 in A; S3, S4 in B; S5 in C (Pb exactly at the class-1 screening value; Cd above 47).
        let rows = [("S1", 5.0, 5.0, "350", "1"), ("S2", 15, 15, "450", "2"), ("S3", 25, 5, "450", "3"), ("S4", 35, 15, "900", ""),
                    ("S5", 45, 5, "400", "47.5"), ("S6", 300, 300, "5000", "100")]
        let csv = "sample_id,x,y,Pb,Cd\n" + rows.map { "\($0.0),\(x0 + $0.1),\(y0 - $0.2),\($0.3),\($0.4)" }.joined(separator: "\n") + "\n"
        try csv.write(toFile: dir.file("samples.csv"), atomically: true, encoding: .utf8)
        // A Pb surface over D exactly: 2 × 2 cells of 10 m, values 100 500 / 900 nodata.
        let grid = try GridSpec(minX: x0, maxY: y0 - 20, cellWidth: 10, cellHeight: 10, columns: 2, rows: 2)
        try TinyWorld.writeSurface(dir.file("pb.tif"), [100, 500, 900, -9999], grid: grid)
    }

    static func samples(_ dir: ScratchFolder) throws -> SampleTable {
        try SampleReader(path: dir.file("samples.csv"), sourceCRS: try CRS(epsg: 4547), allowUnknownCRS: false).read()
    }

    static func settings() -> ScreenSettings {
        var s = ScreenSettings()
        s.useField = "use"
        s.idField = "pid"
        return s
    }

    @Test("Hand-computed plots: samples and surface areas against the class 1 and class 2 values")
    func handComputed() throws {
        let dir = ScratchFolder()
        try Self.world(dir)
        let r = try screenPlots(plotsPath: dir.file("plots.gpkg"), samples: try Self.samples(dir),
                                samplePollutants: [("Pb", "Pb"), ("Cd", "Cd")], surfaces: [("Pb", dir.file("pb.tif"))],
                                settings: Self.settings())
        #expect(r.pollutants == ["Pb", "Cd"])
        let p = Dictionary(uniqueKeysWithValues: r.plots.map { ($0.id, $0) })
        // A (residential, class 1): Pb 350 and 450 → 1 of 2 above 400; Cd 1 and 2 below 20.
        let aPb = p["A"]!.findings[0]
        #expect(p["A"]!.landClass == .class1 && p["A"]!.samples == 2)
        #expect(aPb.threshold == Threshold(screening: 400, intervention: 800))
        #expect((aPb.samples, aPb.samplesOverScreening, aPb.samplesOverIntervention, aPb.sampleMax, aPb.sampleMaxId) == (2, 1, 0, 450, "S2"))
        #expect(p["A"]!.verdict == .safeUtilization && p["A"]!.overScreening == ["Pb"] && p["A"]!.overIntervention.isEmpty)
        // B (industrial, class 2: Pb 800 / 2500): 450 and 900 → 1 above 800; S4 has no Cd.
        let bPb = p["B"]!.findings[0], bCd = p["B"]!.findings[1]
        #expect(p["B"]!.landClass == .class2 && bPb.threshold == Threshold(screening: 800, intervention: 2500))
        #expect((bPb.samplesOverScreening, bPb.sampleMax) == (1, 900))
        #expect(bCd.samples == 1 && bCd.threshold.screening == 65)
        #expect(p["B"]!.verdict == .safeUtilization)
        // C (use empty → class 1, clause 5.3.1): Pb exactly 400 is not above; Cd 47.5 > 47 → intervention.
        let c = p["C"]!
        #expect(c.landClass == .class1)
        #expect(c.findings[0].samplesOverScreening == 0 && c.findings[0].verdict == .priorityProtection)
        #expect(c.findings[1].samplesOverIntervention == 1 && c.verdict == .strictControl && c.overIntervention == ["Cd"])
        // D: no samples; the surface: cells 500 and 900 above 400 (200 m²), 900 above 800 (100 m²), 300 m² with data.
        let dPb = p["D"]!.findings[0]
        #expect(dPb.samples == 0 && dPb.surfaceMax == 900)
        #expect(abs(dPb.surfaceArea - 300) < 1e-9 && abs(dPb.areaOverScreening - 200) < 1e-9 && abs(dPb.areaOverIntervention - 100) < 1e-9)
        #expect(p["D"]!.verdict == .strictControl)
        #expect(p["D"]!.findings[1].verdict == .nodata)  // no Cd data in D
        // E: nothing → not surveyed, on the list.
        #expect(p["E"]!.verdict == .nodata && p["E"]!.needsInvestigation && p["E"]!.reasons.contains("survey"))
        #expect(r.warnings.contains { $0.contains("1 plot(s) have no sample inside") })
        // Geodesic area of a 20 m square in GK CM 114E near x = 500 km (central meridian): 400 m² within 0.1 %.
        #expect(abs(p["A"]!.area - 400) < 0.4)
        // The list: worst first (C, D above an intervention value), then A, B, then E.
        let list = r.investigationList
        #expect(list.rows.map { $0[0].text } == ["C", "D", "A", "B", "E"])
        #expect(list.rows[2][8].text.contains("1 of 2 sample(s) above the screening value, highest 450 (S2)"))
        #expect(list.rows[1][8].text.contains("200 m² of the interpolated surface above the screening value"))
        // The table: one row per plot and pollutant.
        #expect(r.findingsTable.rows.count == 10)
    }

    @Test("The GeoPackage carries the verdicts and a QGIS style; the command line writes all three outputs",
          .enabled(if: soilmapBinary != nil))
    func outputs() throws {
        let dir = ScratchFolder()
        try Self.world(dir)
        let run = try CLITests.run(["screen", dir.file("plots.gpkg"), "--use-field", "use", "--id-field", "pid",
                                    "--samples", dir.file("samples.csv"), "--s-srs", "EPSG:4547", "--fields", "Pb,Cd",
                                    "--surface", "Pb=" + dir.file("pb.tif"), "-o", dir.file("out.gpkg"),
                                    "--table", dir.file("t.xlsx"), "--list", dir.file("l.csv")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("5 plots: 0 below the screening values, 2 above a screening value (detailed investigation), 2 above an intervention value, 1 without data"))
        let layer = try VectorDataset(path: dir.file("out.gpkg")).layer(named: "plots")
        let vi = layer.fieldIndex("sm_verdict")!, pi = layer.fieldIndex("pid")!
        let verdicts = try layer.readFeatures().map { ($0.values[pi].text, $0.values[vi].text) }
        #expect(verdicts.map(\.0) == ["A", "B", "C", "D", "E"] && verdicts.map(\.1) == ["2", "2", "3", "3", "0"])
        let styles = try VectorDataset(path: dir.file("out.gpkg")).layer(named: "layer_styles").readFeatures()
        #expect(styles.count == 1)
        let list = try CSVText(path: dir.file("l.csv"))
        #expect(list.rows.map { $0[0] } == ["C", "D", "A", "B", "E"])
        #expect(FileManager.default.fileExists(atPath: dir.file("t.xlsx")))
    }

    @Test("Bad input: an unknown planned use names the feature and the option; a pollutant not in GB 36600")
    func badInput() throws {
        let dir = ScratchFolder()
        try Self.world(dir, uses: ["住宅", "商住", "", "住宅", "住宅"])
        #expect {
            _ = try screenPlots(plotsPath: dir.file("plots.gpkg"), samples: nil, samplePollutants: [],
                                surfaces: [("Pb", dir.file("pb.tif"))], settings: Self.settings())
        } throws: { e in
            "\(e)".contains("plots.gpkg, feature 2, field 'use': planned use '商住' is not in the mapping; add it with --use-map '商住=class1'")
        }
        var s = Self.settings()
        s.useMapping = try PlannedUseMapping(adding: "商住=class1")
        let r = try screenPlots(plotsPath: dir.file("plots.gpkg"), samples: nil, samplePollutants: [],
                                surfaces: [("Pb", dir.file("pb.tif"))], settings: s)
        #expect(r.plots[1].landClass == .class1)
        #expect(throws: InputError.self) { _ = try PlannedUseMapping(adding: "商住=class3") }
        #expect {
            _ = try screenPlots(plotsPath: dir.file("plots.gpkg"), samples: try Self.samples(dir), samplePollutants: [("Zn", "Pb")],
                                surfaces: [], settings: s)
        } throws: { e in "\(e)".contains("'Zn' is not a GB 36600-2018 pollutant") }
    }

    @Test("Meuse as plots of a change of use: lead samples per plot against a count made here from the CSV")
    func meuse() throws {
        let dir = ScratchFolder()
        // Four 800 m × 1000 m plots over the Meuse floodplain (RD New), residential and industrial.
        let rects: [(String, String, Double, Double)] = [("M1", "住宅", 178_600, 330_000), ("M2", "工业用地", 179_400, 330_000),
                                                          ("M3", "学校", 180_200, 330_000), ("M4", "住宅", 180_200, 331_000)]
        let w = try VectorWriter(path: dir.file("m.gpkg"), format: .geoPackage)
        let l = try w.createLayer(name: "plots", geometryType: .polygon, crs: try CRS(epsg: 28992),
                                  fields: [FieldDefinition("pid", .string), FieldDefinition("use", .string)])
        for (id, use, x, y) in rects {
            try l.append(geometry: .polygon(Polygon(exterior: LinearRing(closing: [
                Coordinate(x, y), Coordinate(x + 800, y), Coordinate(x + 800, y + 1000), Coordinate(x, y + 1000)]))),
                values: [.string(id), .string(use)])
        }
        try w.close()
        let csv = try CSVText(path: fixture("meuse/meuse.csv"))
        let xi = csv.header.firstIndex(of: "x")!, yi = csv.header.firstIndex(of: "y")!, pbi = csv.header.firstIndex(of: "lead")!
        let table = try SampleReader(path: fixture("meuse/meuse.csv"), sourceCRS: try CRS(epsg: 28992), allowUnknownCRS: false).read()
        let r = try screenPlots(plotsPath: dir.file("m.gpkg"), samples: table, samplePollutants: [("Pb", "lead")], surfaces: [],
                                settings: Self.settings())
        var anyOver = false
        for ((id, use, x, y), plot) in zip(rects, r.plots) {
            let inside = csv.rows.filter { row in
                let px = Double(row[xi])!, py = Double(row[yi])!
                return px > x && px < x + 800 && py > y && py < y + 1000
            }.map { Double($0[pbi])! }
            let screening = use == "工业用地" ? 800.0 : 400.0
            let f = plot.findings[0]
            #expect(plot.id == id && f.samples == inside.count, "\(id)")
            #expect(f.samplesOverScreening == inside.filter { $0 > screening }.count, "\(id)")
            #expect(f.sampleMax == inside.max(), "\(id)")
            anyOver = anyOver || f.samplesOverScreening > 0
        }
        #expect(anyOver, "the Meuse plots were chosen so that some lead exceeds 400 mg/kg")
    }
}
