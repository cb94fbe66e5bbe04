import Foundation
import GeoIO
import GeoTypes
import Standards
import Testing
@testable import SoilMapKit

/// `soilmap monitor`: soil around key supervised enterprises (issue 14).
///
/// GB 15618-2018 Cd, land use "other" (mg/kg): pH ≤ 5.5 screening 0.3, intervention 1.5;
/// 5.5–6.5: 0.3 / 2.0; 6.5–7.5: 0.3 / 3.0; > 7.5: 0.6 / 4.0.
@Suite("Monitoring around enterprises")
struct MonitoringTests {
    static let x0 = 500_000.0, y0 = 3_300_000.0
    /// Area of the regular polygon GEOS makes of a circle of radius r with 32 segments per quarter.
    static func ngon(_ r: Double) -> Double { 64 * r * r * sin(2 * Double.pi / 128) }

    static func enterprises(_ dir: ScratchFolder, site: Geometry = .point(Coordinate(x: x0, y: y0))) throws {
        let w = try VectorWriter(path: dir.file("ent.gpkg"), format: .geoPackage)
        let l = try w.createLayer(name: "enterprises", geometryType: .unknown, crs: try CRS(epsg: 4547),
                                  fields: [FieldDefinition("eid", .string), FieldDefinition("name", .string)])
        try l.append(geometry: site, values: [.string("E1"), .string("焦化厂")])
        try w.close()
    }

    static let samples: [(id: String, dx: Double, dy: Double, cd: String, ph: String, round: String)] = [
        ("S1", 50, 0, "0.2", "7.0", "2020"), ("S2", 0, 60, "0.5", "7.0", "2020"), ("S3", -150, 0, "4.0", "7.0", "2020"),
        ("S4", 0, -250, "9", "7.0", "2020"), ("S5", 30, 30, "0.4", "6.0", "2024"), ("S6", -20, 10, "0.1", "5.0", "2024"),
        ("S7", 120, 0, "1.0", "7.5", "2024"),
    ]

    static func writeSamples(_ dir: ScratchFolder) throws {
        let csv = "sample_id,x,y,Cd,pH,round\n" + samples.map { "\($0.id),\(x0 + $0.dx),\(y0 + $0.dy),\($0.cd),\($0.ph),\($0.round)" }.joined(separator: "\n") + "\n"
        try csv.write(toFile: dir.file("s.csv"), atomically: true, encoding: .utf8)
    }

    static func reader(_ dir: ScratchFolder) -> SampleReader {
        SampleReader(path: dir.file("s.csv"), sourceCRS: try! CRS(epsg: 4547), allowUnknownCRS: false)
    }

    static func settings() -> MonitorSettings {
        var s = MonitorSettings(rings: [0, 100, 200])
        s.idField = "eid"
        s.nameField = "name"
        s.phColumn = "pH"
        s.roundColumn = "round"
        return s
    }

    @Test("Hand-computed rings: samples, mean, max, P90, exceedances at each sample's pH, rounds and changes, areas")
    func handComputed() throws {
        let dir = ScratchFolder()
        try Self.enterprises(dir)
        try Self.writeSamples(dir)
        let r = try monitorEnterprises(path: dir.file("ent.gpkg"), samples: Self.reader(dir), pollutants: [("Cd", "Cd")],
                                       surfaces: [], phSurface: nil, settings: Self.settings())
        #expect(r.rounds == ["2020", "2024"] && r.rings.count == 2)
        let (r1, r2) = (r.rings[0], r.rings[1])
        #expect(r1.label == "0–100 m" && r2.label == "100–200 m" && r1.enterpriseName == "焦化厂")
        // 0–100 m, 2020: S1 0.2, S2 0.5 → mean 0.35, P90 0.2 + 0.9 × 0.3 = 0.47; S2 above 0.3.
        let a = r1.stats[0][0]
        #expect(a.samples == 2 && abs(a.mean! - 0.35) < 1e-12 && a.max == 0.5 && abs(a.p90! - 0.47) < 1e-12)
        #expect(a.overScreening == 1 && a.overIntervention == 0)
        // 0–100 m, 2024: S5 0.4 at pH 6.0 (above 0.3), S6 0.1.
        let b = r1.stats[1][0]
        #expect(b.samples == 2 && abs(b.mean! - 0.25) < 1e-12 && b.overScreening == 1)
        // 100–200 m: 2020 S3 4.0 at pH 7 (above the intervention value 3.0); 2024 S7 1.0 at pH 7.5.
        #expect(r2.stats[0][0].samples == 1 && r2.stats[0][0].overIntervention == 1 && r2.stats[0][0].p90 == 4)
        #expect(r2.stats[1][0].samples == 1 && r2.stats[1][0].overScreening == 1 && r2.stats[1][0].overIntervention == 0)
        // S4 at 250 m is in no ring.
        #expect(r.rings.map { $0.stats[0][0].samples + $0.stats[1][0].samples }.reduce(0, +) == 6)
        #expect(r1.worstClass(round: 0) == .safeUtilization && r2.worstClass(round: 0) == .strictControl)
        // Changes of the mean: 0.35 → 0.25 and 4.0 → 1.0.
        let ch = r.changesTable.rows
        #expect(ch.count == 2)
        if case .real(let d) = ch[0][9], case .real(let pct) = ch[0][10] { #expect(abs(d + 0.1) < 1e-12 && abs(pct + 100.0 / 3.5) < 1e-9) } else { Issue.record("no change") }
        if case .real(let d) = ch[1][9] { #expect(abs(d + 3) < 1e-12) } else { Issue.record("no change") }
        // Areas: the 128-gons of GEOS, on the central meridian of the GK zone (scale 1).
        #expect(abs(r1.area - Self.ngon(100)) / Self.ngon(100) < 1e-6)
        #expect(abs(r2.area - (Self.ngon(200) - Self.ngon(100))) / Self.ngon(200) < 1e-6)
        #expect(r.statisticsTable.rows.count == 4)
    }

    @Test("A site polygon: rings start at its boundary; surface shares: half the ring above the values")
    func polygonAndSurface() throws {
        let dir = ScratchFolder()
        let square = Geometry.polygon(Polygon(exterior: LinearRing(closing: [
            Coordinate(x: Self.x0 - 10, y: Self.y0 - 10), Coordinate(x: Self.x0 + 10, y: Self.y0 - 10),
            Coordinate(x: Self.x0 + 10, y: Self.y0 + 10), Coordinate(x: Self.x0 - 10, y: Self.y0 + 10)])))
        try Self.enterprises(dir, site: square)
        try Self.writeSamples(dir)
        // A Cd surface over 600 m × 600 m centred on the site: west half 5.0, east half 0.1 (10 m cells).
        let grid = try GridSpec(minX: Self.x0 - 300, maxY: Self.y0 + 300, cellWidth: 10, cellHeight: 10, columns: 60, rows: 60)
        let cd = (0..<3600).map { $0 % 60 < 30 ? 5.0 : 0.1 }
        try TinyWorld.writeSurface(dir.file("cd.tif"), cd, grid: grid)
        var s = Self.settings()
        s.phColumn = nil
        s.phValue = 7.0
        s.roundColumn = nil
        let r = try monitorEnterprises(path: dir.file("ent.gpkg"), samples: Self.reader(dir), pollutants: [("Cd", "Cd")],
                                       surfaces: [("Cd", dir.file("cd.tif"))], phSurface: nil, settings: s)
        // buffer(100) of a 20 m square minus the square: 4 × 20 × 100 of sides + the four rounded corners (one 128-gon).
        let ring1 = 4 * 20 * 100 + Self.ngon(100)
        #expect(abs(r.rings[0].area - ring1) / ring1 < 1e-6)
        #expect(r.rounds == [""])
        // The site is symmetric about the split at x0: exactly half of each ring is west of it.
        for ring in r.rings {
            #expect(abs(ring.shareOverScreening[0]! - 0.5) < 1e-9 && abs(ring.shareOverIntervention[0]! - 0.5) < 1e-9, "\(ring.label)")
        }
        // S1 (50 m east of the centre, 40 m from the site) is in 0–100 m; S3 (140 m from the site) in 100–200 m.
        #expect(r.rings[0].stats[0][0].samples == 4 && r.rings[1].stats[0][0].samples == 2)
    }

    @Test("Meuse as a monitored site: ring statistics against distances and statistics computed here from the CSV")
    func meuse() throws {
        let dir = ScratchFolder()
        let (ex, ey) = (179_300.0, 331_000.0)
        let w = try VectorWriter(path: dir.file("ent.gpkg"), format: .geoPackage)
        let l = try w.createLayer(name: "e", geometryType: .point, crs: try CRS(epsg: 28992), fields: [FieldDefinition("eid", .string)])
        try l.append(geometry: .point(Coordinate(x: ex, y: ey)), values: [.string("M")])
        try w.close()
        var s = MonitorSettings(rings: [0, 250, 500, 1000])
        s.idField = "eid"
        s.phValue = 7.0
        let reader = SampleReader(path: fixture("meuse/meuse.csv"), sourceCRS: try CRS(epsg: 28992), allowUnknownCRS: false)
        let r = try monitorEnterprises(path: dir.file("ent.gpkg"), samples: reader, pollutants: [("Cd", "cadmium"), ("Zn", "zinc")],
                                       surfaces: [], phSurface: nil, settings: s)
        let csv = try CSVText(path: fixture("meuse/meuse.csv"))
        let col = { (n: String) in csv.header.firstIndex(of: n)! }
        func p90(_ v: [Double]) -> Double { let s = v.sorted(); let h = Double(s.count - 1) * 0.9; let i = Int(h); return s[i] + (h - Double(i)) * (s[min(i + 1, s.count - 1)] - s[i]) }
        var total = 0
        for (k, ring) in r.rings.enumerated() {
            let (a, b) = ([0.0, 250, 500][k], [250.0, 500, 1000][k])
            let inside = csv.rows.filter { row in
                let d = hypot(Double(row[col("x")])! - ex, Double(row[col("y")])! - ey)
                return d >= a && d < b
            }
            total += inside.count
            // Screening values at pH 7 (other): Cd 0.3, Zn 250.
            for (j, (name, screening)) in [("cadmium", 0.3), ("zinc", 250.0)].enumerated() {
                let v = inside.map { Double($0[col(name)])! }
                let st = ring.stats[0][j]
                #expect(st.samples == v.count, "\(ring.label) \(name)")
                guard !v.isEmpty else { continue }
                #expect(abs(st.mean! - v.reduce(0, +) / Double(v.count)) < 1e-9 * st.mean!)
                #expect(st.max == v.max() && abs(st.p90! - p90(v)) < 1e-9 * st.p90!)
                #expect(st.overScreening == v.filter { $0 > screening }.count)
            }
        }
        #expect(total > 20, "the rings were placed where Meuse has samples (\(total))")
    }

    @Test("Samples without a pH: counted when above the value of every band, else unclassified; --ph-value fills in")
    func samplesWithoutPH() throws {
        let dir = ScratchFolder()
        try Self.enterprises(dir)
        // In 0–100 m: Cd 5.0 and 0.5 without pH, 0.2 at pH 7. Cd's largest values over every row of
        // GB 15618 (paddy included): screening 0.8, intervention 4.0.
        try "sample_id,x,y,Cd,pH\nN1,\(Self.x0 + 10),\(Self.y0),5.0,\nN2,\(Self.x0 + 20),\(Self.y0),0.5,\nN3,\(Self.x0 + 30),\(Self.y0),0.2,7\n"
            .write(toFile: dir.file("s.csv"), atomically: true, encoding: .utf8)
        var s = Self.settings()
        s.roundColumn = nil
        let r = try monitorEnterprises(path: dir.file("ent.gpkg"), samples: Self.reader(dir), pollutants: [("Cd", "Cd")],
                                       surfaces: [], phSurface: nil, settings: s)
        let st = r.rings[0].stats[0][0]
        #expect(st.samples == 3 && st.overScreening == 1 && st.overIntervention == 1 && st.unclassified == 1)
        #expect(r.warnings.contains { $0.contains("2 sample(s) have no pH in column 'pH' and no --ph-value") && $0.contains("N1, N2") })
        #expect(r.rings[0].worstClass(round: 0) == .strictControl)
        // With only the undecided sample, the ring is not called class 1.
        try "sample_id,x,y,Cd,pH\nN2,\(Self.x0 + 20),\(Self.y0),0.5,\n".write(toFile: dir.file("s.csv"), atomically: true, encoding: .utf8)
        let u = try monitorEnterprises(path: dir.file("ent.gpkg"), samples: Self.reader(dir), pollutants: [("Cd", "Cd")],
                                       surfaces: [], phSurface: nil, settings: s)
        #expect(u.rings[0].worstClass(round: 0) == .nodata)
        s.phValue = 7
        let v = try monitorEnterprises(path: dir.file("ent.gpkg"), samples: Self.reader(dir), pollutants: [("Cd", "Cd")],
                                       surfaces: [], phSurface: nil, settings: s)
        #expect(v.rings[0].stats[0][0].overScreening == 1 && v.rings[0].stats[0][0].unclassified == 0)
    }

    @Test("Bad input: rings, missing pH, lines as enterprises")
    func badInput() throws {
        let dir = ScratchFolder()
        try Self.enterprises(dir)
        try Self.writeSamples(dir)
        var s = Self.settings()
        s.rings = [0, 200, 100]
        #expect { _ = try monitorEnterprises(path: dir.file("ent.gpkg"), samples: Self.reader(dir), pollutants: [("Cd", "Cd")], surfaces: [], phSurface: nil, settings: s) }
            throws: { "\($0)".contains("--rings needs at least two distances") }
        s = Self.settings()
        s.phColumn = nil
        #expect { _ = try monitorEnterprises(path: dir.file("ent.gpkg"), samples: Self.reader(dir), pollutants: [("Cd", "Cd")], surfaces: [], phSurface: nil, settings: s) }
            throws: { "\($0)".contains("thresholds depend on pH: give the samples' pH column (--ph-field)") }
        try Self.enterprises(dir, site: .lineString(LineString([Coordinate(x: Self.x0, y: Self.y0), Coordinate(x: Self.x0 + 5, y: Self.y0)])))
        #expect { _ = try monitorEnterprises(path: dir.file("ent.gpkg"), samples: Self.reader(dir), pollutants: [("Cd", "Cd")], surfaces: [], phSurface: nil, settings: Self.settings()) }
            throws: { "\($0)".contains("ent.gpkg, feature 1: is neither a point nor a polygon") }
    }

    @Test("The command line writes its four outputs", .enabled(if: soilmapBinary != nil))
    func commandLine() throws {
        let dir = ScratchFolder()
        try Self.writeSamples(dir)
        try Self.enterprises(dir)
        let run = try CLITests.run(["monitor", dir.file("ent.gpkg"), "--id-field", "eid", "--rings", "0,100,200", "--samples", dir.file("s.csv"),
                                    "--s-srs", "EPSG:4547", "--fields", "Cd", "--ph-field", "pH", "--round-field", "round",
                                    "-o", dir.file("rings.gpkg"), "--table", dir.file("t.csv"), "--changes", dir.file("c.xlsx"),
                                    "--report", dir.file("m.html")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1 enterprises, 2 rings, 2 round(s)"))
        let html = try String(contentsOfFile: dir.file("m.html"), encoding: .utf8)
        #expect(html.contains("E1") && html.contains("<svg") && html.contains("Changes between rounds") && !html.contains("http"))
        let rings = try VectorDataset(path: dir.file("rings.gpkg")).layer(named: "rings").readFeatures()
        #expect(rings.count == 2)
        #expect(try CSVText(path: dir.file("t.csv")).rows.count == 4)
    }
}

/// Monitoring inside `soilmap run` (a `monitoring:` section in the project).
@Suite("Monitoring in a project run")
struct MonitoringInRunTests {
    @Test("rings.gpkg, monitoring.csv and a report section; the numbers are those of monitorEnterprises on the run's own surfaces")
    func monitoringSection() throws {
        let f = try HostileInputTests.setUp(HostileCase(name: "monitoring run", outcome: .succeeds(note: nil)))
        // Two enterprises at parcels of the test project.
        let parcels = try PolygonLayer.read(path: f.file("gaoping_small.gpkg"), layer: "parcels")
        let w = try VectorWriter(path: f.file("ent.gpkg"), format: .geoPackage)
        let l = try w.createLayer(name: "enterprises", geometryType: .point, crs: parcels.crs,
                                  fields: [FieldDefinition("eid", .string), FieldDefinition("name", .string)])
        for (k, i) in [0, 150].enumerated() {
            try l.append(geometry: .point(try GeometryOps.pointOnSurface(parcels.items[i].geometry)), values: [.string("E\(k + 1)"), .string("厂\(k + 1)")])
        }
        try w.close()
        let yaml = try String(contentsOfFile: f.file("project.yaml"), encoding: .utf8)
            + "monitoring: {path: ent.gpkg, id_field: eid, name_field: name, rings: [0, 300, 800]}\n"
        try yaml.write(toFile: f.file("project.yaml"), atomically: true, encoding: .utf8)
        let p = try Project.load(path: f.file("project.yaml"))
        let r = try runProject(p, options: RunOptions(), progress: RunProjectTests.quiet)
        let out = r.outputDir
        #expect(r.files.contains { $0.hasSuffix("rings.gpkg") } && r.timings.contains { $0.0 == "monitoring" })
        let rings = try VectorDataset(path: out + "/rings.gpkg").layer(named: "rings").readFeatures()
        #expect(rings.count == 4)
        // The same monitoring on the run's written surfaces, called directly.
        var s = MonitorSettings(rings: [0, 300, 800])
        s.idField = "eid"
        s.nameField = "name"
        s.phColumn = "pH"
        let reader = SampleReader(path: f.file("samples.csv"), xField: "lon", yField: "lat", sourceCRS: try CRS(epsg: 4326), idField: "sample_id")
        let direct = try monitorEnterprises(path: f.file("ent.gpkg"), samples: reader, pollutants: [("Cd", "Cd"), ("Pb", "Pb"), ("Cu", "Cu")],
                                            surfaces: [("Cd", out + "/Cd.tif"), ("Pb", out + "/Pb.tif"), ("Cu", out + "/Cu.tif")],
                                            phSurface: out + "/pH.tif", settings: s)
        let csv = try CSVText(path: out + "/monitoring.csv")
        #expect(csv.rows.count == direct.statisticsTable.rows.count && csv.rows.count == 12)
        let col = { (n: String) in csv.header.firstIndex(of: n)! }
        for (row, d) in zip(csv.rows, direct.statisticsTable.rows) {
            #expect(row[col("enterprise_id")] == d[0].text && row[col("ring")] == d[2].text && row[col("pollutant")] == d[7].text)
            #expect(row[col("samples")] == d[8].text && row[col("over_screening")] == d[12].text)
            for (name, k) in [("mean_mg_kg", 9), ("area_share_over_screening", 15)] {
                if case .real(let v) = d[k] { #expect(abs(Double(row[col(name)])! - v) <= 1e-12 * max(1, abs(v)), "\(name)") }
            }
        }
        #expect(direct.rings.contains { $0.stats[0][0].samples > 0 }, "the enterprises were placed among samples")
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("重点监管企业周边土壤") && html.contains("E1 厂1") && html.contains("E2 厂2"))
        // The enterprises file is hashed with the other inputs.
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/run.json"))) as! [String: Any]
        #expect((run["inputs"] as! [[String: String]]).contains { $0["path"]!.hasSuffix("ent.gpkg") })
        // A bad ring list is a project error with its line.
        try (yaml.replacingOccurrences(of: "rings: [0, 300, 800]", with: "rings: [300, 0]")).write(toFile: f.file("bad.yaml"), atomically: true, encoding: .utf8)
        #expect { _ = try Project.load(path: f.file("bad.yaml")) } throws: { "\($0)".contains("'monitoring.rings': needs at least two distances") }
    }
}
