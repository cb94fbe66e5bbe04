import Foundation
import GeoIO
import Logging
import GeoTypes
@testable import SoilMapKit
import Standards
import Testing

/// The official farmland classification (issue 24) on the small sample project with its 三调
/// fields (DLBM, ZLDWDM/ZLDWMC, TBDLMJ, AQLYCS, NCPDB) and co-monitored crops: the tables add
/// up to the 图斑 list exactly, every unit's class follows the rules from its own counts, the
/// points follow GB 15618 at their own pH and land use, and bad inputs are refused whole.
@Suite("Official classification: points, crops, units, areas, safe utilization")
struct OfficialClassificationTests {
    static let quiet = ProgressReporter(style: .quiet, logger: Logger(label: "test"))

    static let projectText = """
    name: official classification test
    samples: {path: samples.csv, x: lon, y: lat, crs: EPSG:4326, id: sample_id}
    parcels: {path: gaoping_small.gpkg, layer: parcels, id_field: parcel_id, township_field: town_name, land_use_field: DLBM}
    townships: {path: gaoping_small.gpkg, layer: townships, name_field: name}
    standard: gb15618
    pollutants:
      - {name: Cd, method: ok}
      - {name: Pb, method: idw}
      - {name: As, method: idw}
    ph: {field: pH, method: idw}
    interpolation: {max_points: 12, min_points: 3}
    grid: {resolution: 50, margin: 50}
    crops: {path: crops.csv, x: lon, y: lat, crs: EPSG:4326, id: sample_id, crop_field: crop, crop_map: {水稻: 稻谷}, pair_field: soil_sample}
    classification: {village_field: ZLDWMC, village_code_field: ZLDWDM, township_code_field: town_code, measure_field: AQLYCS, measure_met_field: NCPDB}
    area: field:TBDLMJ
    outputs: {dir: out}

    """

    /// A scratch folder with the small project; `crops` and `project` replace the files' text.
    static func folder(crops: String? = nil, project: String? = nil, _ label: String = #function) throws -> ScratchFolder {
        let dir = ScratchFolder(label)
        for f in ["gaoping_small.gpkg", "samples.csv", "crops.csv"] {
            try FileManager.default.copyItem(atPath: fixture("small/" + f), toPath: dir.file(f))
        }
        if let crops { try crops.write(toFile: dir.file("crops.csv"), atomically: true, encoding: .utf8) }
        try (project ?? projectText).write(toFile: dir.file("project.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    static func run(_ dir: ScratchFolder) throws -> RunResult {
        try runProject(try Project.load(path: dir.file("project.yaml")), options: RunOptions(threads: 2), progress: quiet)
    }

    @Test("The whole method: the list and the tables add up, classes follow the rules, points follow GB 15618")
    func wholeMethod() throws {
        let dir = try Self.folder()
        let r = try Self.run(dir)
        let out = dir.file("out")
        for f in ["points.csv", "points.xlsx", "points.gpkg", "crops.csv", "crops.xlsx", "units.csv", "units.xlsx", "units.gpkg",
                  "classes_by_township.csv", "classes_by_village.csv", "safe_utilization.csv", "final_class.tif"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + f), "\(f)")
        }
        // Other land (DLBM 0301, 0404, 1104) is left out with a note; 295 farmland 图斑 remain.
        #expect(r.warnings.contains { $0.contains("parcels that are not farmland are left out") && $0.contains("1104 坑塘水面: 2") })
        let units = try CSVText(path: out + "/units.csv")
        #expect(units.rows.count == 295)

        // Unit classes from the rules and each unit's own counts (min 3 samples, 65 %, severe > 2 ×).
        let soil = units.strings("土壤类别 soil_class"), final = units.strings("最终类别 final_class")
        let ok = units.numbers("不超标 compliant"), slight = units.numbers("轻微超标 slight"), severe = units.numbers("严重超标 severe")
        var adjusted = 0, reviewed = 0
        for i in units.rows.indices {
            let s = Int(soil[i].prefix(1))!, n = Int(ok[i] + slight[i] + severe[i])
            var expected = s
            if n >= 3 && s == 2 && ok[i] == Double(n) { expected = 1 }
            if n >= 3 && s == 3 && (ok[i] == Double(n) || (severe[i] == 0 && ok[i] / Double(n) >= 0.65)) { expected = 2 }
            #expect(Int(final[i].prefix(1))! == expected, "unit \(units.strings("图斑编号 unit_id")[i])")
            if expected != s { adjusted += 1 }
            if s == 1 && ok[i] < Double(n) { reviewed += 1; #expect(units.strings("待复核 review")[i] == "是 yes") }
        }
        #expect(adjusted > 0 && reviewed > 0, "the sample crops adjust some units and flag some for review")

        // The township table adds up to the list exactly (亩 with 2 decimals), per class and in total.
        let towns = try CSVText(path: out + "/classes_by_township.csv")
        let mu = units.numbers("面积(亩) area_mu"), group = units.strings("地类组 group"), town = units.strings("乡镇 township")
        func listSum(_ k: Int?, _ g: String, _ t: String?) -> Double {
            var s = 0.0
            for i in units.rows.indices where group[i] == g && (t == nil || town[i] == t!) && (k == nil || Int(final[i].prefix(1))! == k!) { s += mu[i] }
            return (s * 100).rounded() / 100
        }
        let columns = ["优先保护类(亩) class1_mu", "安全利用类(亩) class2_mu", "严格管控类(亩) class3_mu"]
        for (row, name) in zip(towns.rows, towns.strings("乡镇 township")) {
            let g = row[towns.column("地类组 group")]
            let t: String? = name.hasPrefix("合计") ? nil : name
            #expect(Double(row[towns.column("面积(亩) area_mu")])! == listSum(nil, g, t), "\(name) \(g)")
            for (k, c) in columns.enumerated() { #expect(Double(row[towns.column(c)])! == listSum(k + 1, g, t), "\(name) \(g) \(c)") }
        }
        // Village rows add up to their township's row exactly (2-decimal 亩), every class.
        let villages = try CSVText(path: out + "/classes_by_village.csv")
        for (row, name) in zip(towns.rows, towns.strings("乡镇 township")) where !name.hasPrefix("合计") {
            let g = row[towns.column("地类组 group")]
            let mine = villages.rows.filter { $0[villages.column("乡镇 township")] == name && $0[villages.column("地类组 group")] == g }
            for c in ["面积(亩) area_mu"] + columns {
                let sum = mine.reduce(0.0) { $0 + Double($1[villages.column(c)])! }
                #expect((sum * 100).rounded() / 100 == Double(row[towns.column(c)])!, "\(name) \(g) \(c)")
            }
        }

        // Crop grades recomputed from GB 2762-2022's values as printed (4.1–4.4, 4.7), not from the
        // tool's table: rice Cd 0.2, Pb 0.2, Hg 0.02, inorganic As 0.35 (a total above it is not
        // graded), Cr 1.0; wheat and maize Cd 0.1, Pb 0.2, Hg 0.02, As 0.5, Cr 1.0; fruit Cd 0.05, Pb 0.1.
        let limits: [String: [String: Double]] = [
            "稻谷": ["Cd": 0.2, "Pb": 0.2, "Hg": 0.02, "As": 0.35, "Cr": 1.0], "小麦": ["Cd": 0.1, "Pb": 0.2, "Hg": 0.02, "As": 0.5, "Cr": 1.0],
            "玉米": ["Cd": 0.1, "Pb": 0.2, "Hg": 0.02, "As": 0.5, "Cr": 1.0], "水果": ["Cd": 0.05, "Pb": 0.1],
        ]
        let crops = try CSVText(path: out + "/crops.csv"), input = try CSVText(path: dir.file("crops.csv"))
        var counts: [String: [Int]] = [:]
        for (i, row) in input.rows.enumerated() {
            let crop = row[input.column("crop")] == "水稻" ? "稻谷" : row[input.column("crop")]
            var worst = 0
            for (m, l) in limits[crop]! {
                let v = Double(row[input.column(m)])!
                let g = v <= l ? 1 : (v <= 2 * l ? 2 : 3)
                if crop == "稻谷" && m == "As" && g > 1 { continue }  // total As above the inorganic limit: not graded
                worst = max(worst, g)
            }
            let text = crops.rows[i][crops.column("评价等级 grade")]
            #expect(text.hasPrefix(["", "不超标", "轻微超标", "严重超标"][worst]), "\(row[0]): \(text)")
            let unit = crops.rows[i][crops.column("评价单元 unit_id")]
            if !unit.isEmpty { counts[unit, default: [0, 0, 0]][worst - 1] += 1 }
        }
        let ids = units.strings("图斑编号 unit_id")
        for i in units.rows.indices {
            #expect([ok[i], slight[i], severe[i]].map { Int($0) } == counts[ids[i]] ?? [0, 0, 0], "unit \(ids[i])")
        }

        // Safe utilization: polluted = 耕地 units of class 2 and 3; safely used as the 核算方法 counts them.
        let measure = units.strings("安全利用措施 measure"), met = units.strings("农产品达标 crops_met")
        var polluted = 0.0, safe = 0.0
        for i in units.rows.indices where group[i] == "耕地" {
            let k = Int(final[i].prefix(1))!
            guard k == 2 || k == 3 else { continue }
            polluted += mu[i]
            if k == 2 && (measure[i].hasPrefix("安全利用") || measure[i].hasPrefix("治理修复")) && met[i] == "是 yes" { safe += mu[i] }
            if k == 3 && measure[i].hasPrefix("严格管控") { safe += mu[i] }
        }
        let su = try CSVText(path: out + "/safe_utilization.csv")
        let all = su.rows.last!
        #expect(abs(Double(all[su.column("受污染耕地(亩) polluted_mu")])! - polluted) < 0.01)
        #expect(abs(Double(all[su.column("安全利用率(%) rate_percent")])! - safe / polluted * 100) < 0.01)

        // Points: the class at their own pH and land use, recomputed with the standard.
        let points = try CSVText(path: out + "/points.csv")
        let table = ThresholdTable.gb15618()
        for row in points.rows {
            let lu: LandUse = row[points.column("土地利用 land_use")].hasSuffix("paddy") ? .paddy
                : row[points.column("土地利用 land_use")].hasSuffix("orchard") ? .orchard : .other
            let c = try Classifier(table: table, landUse: lu, pollutants: [.cadmium, .lead, .arsenic])
            let v = ["Cd", "Pb", "As"].map { Double(row[points.column("\($0) (mg/kg)")]) ?? .nan }
            let ph = Double(row[points.column("pH")]) ?? .nan
            #expect(Int(row[points.column("综合类别 class")])! == Int(try c.classify(v, pH: ph).soilClass.rawValue), "\(row[0])")
        }
        // The final class raster holds only the classes of the list.
        let raster = try readRaster(out + "/final_class.tif")
        let used = Set(final.map { Double(Int($0.prefix(1))!) })
        #expect(Set(raster.values.filter { $0 != 0 }).isSubset(of: used))
    }

    @Test("Crop samples without a crop type, with an unknown one, in µg/kg: every problem at once, nothing written")
    func badCrops() throws {
        let header = "sample_id,lon,lat,crop,soil_sample,Cd,Pb,Hg,As,Cr\n"
        let rows = ["C1,112.910521,35.716767,,SM001,0.1,0.1,0.01,0.1,0.1", "C2,112.910521,35.716767,香蕉树,SM001,0.1,0.1,0.01,0.1,0.1",
                    "C3,112.910521,35.716767,小麦,SM001,0.1,0.1,0.01,0.1,0.1"].joined(separator: "\n")
        let dir = try Self.folder(crops: header + rows + "\n")
        let e = errorText { _ = try Self.run(dir) } ?? ""
        #expect(e.contains("crops.csv") && e.contains("2 problem(s)"))
        #expect(e.contains("row 1") && e.contains("no crop type"))
        #expect(e.contains("row 2") && e.contains("'香蕉树'") && e.contains("crops.crop_map"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("out/run.json")))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: dir.file("out"))) ?? []).filter { !$0.hasPrefix(".") }.isEmpty)
        // Values in µg/kg: the median Cd of 120 is far above any crop's limit.
        let ug = header + (1...5).map { "C\($0),112.910521,35.716767,小麦,SM001,120,80,5,90,300" }.joined(separator: "\n") + "\n"
        let dir2 = try Self.folder(crops: ug)
        #expect((errorText { _ = try Self.run(dir2) } ?? "").contains("look like µg/kg"))
    }

    @Test("Official areas that are empty, negative or not numbers are refused, naming every feature")
    func badAreas() throws {
        let dir = try Self.folder()
        // Break three TBDLMJ values with OGR's SQL.
        let w = try VectorWriter(updating: dir.file("gaoping_small.gpkg"))
        try w.executeSQLStatements(["UPDATE parcels SET TBDLMJ = NULL WHERE fid = 1", "UPDATE parcels SET TBDLMJ = -5 WHERE fid = 2"])
        try w.close()
        let e = errorText { _ = try Self.run(dir) } ?? ""
        #expect(e.contains("feature 1, field 'TBDLMJ'") && e.contains("empty"))
        #expect(e.contains("feature 2, field 'TBDLMJ'") && e.contains("not a number ≥ 0"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("out/run.json")))
    }

    @Test("No farmland at all (every DLBM other land) is an error naming the codes")
    func noFarmland() throws {
        let dir = try Self.folder()
        let w = try VectorWriter(updating: dir.file("gaoping_small.gpkg"))
        try w.executeSQLStatements(["UPDATE parcels SET DLBM = '0301'"])
        try w.close()
        let e = errorText { _ = try Self.run(dir) } ?? ""
        #expect(e.contains("no parcel is farmland") && e.contains("0301 乔木林地"))
    }

    @Test("A unit with crop samples but no soil data is refused, naming the unit")
    func cropsWithoutSoil() throws {
        // A crop sample on a parcel that holds no soil sample; soil classes from points only.
        let dir = try Self.folder(project: Self.projectText.replacingOccurrences(of: "measure_met_field: NCPDB}",
                                                                                    with: "measure_met_field: NCPDB, soil_class_from: points}"))
        let parcels = try PolygonLayer.read(path: dir.file("gaoping_small.gpkg"), layer: "parcels")
        let wgs = try CRS(epsg: 4326)
        let samples = try CSVText(path: dir.file("samples.csv"))
        let toWork = try Transformer(from: wgs, to: parcels.crs!)
        let soil = try zip(samples.numbers("lon"), samples.numbers("lat")).map { try toWork.transform(Coordinate($0, $1)) }
        let dlbm = parcels.fieldIndex("DLBM")!
        let empty = parcels.items.first { item in
            item.values[dlbm].text.hasPrefix("01") && !soil.contains { item.geometry.contains($0) }
        }!
        let p = try Transformer(from: parcels.crs!, to: wgs).transform(try GeometryOps.pointOnSurface(empty.geometry))
        try "sample_id,lon,lat,crop,soil_sample,Cd,Pb\nC1,\(p.x),\(p.y),小麦,,0.05,0.05\n".write(toFile: dir.file("crops.csv"), atomically: true, encoding: .utf8)
        let e = errorText { _ = try Self.run(dir) } ?? ""
        #expect(e.contains("holds 1 crop sample(s) (C1) but has no soil data") && e.contains("classification.soil_class_from"), "\(e)")
    }

    @Test("A Float32 surface holding 0.3 is at a screening value of 0.3, not above it (classify and parcels)")
    func float32Boundary() throws {
        let dir = ScratchFolder()
        for (name, type) in [("f32", PixelType.float32), ("f64", PixelType.float64)] {
            let w = try RasterWriter(path: dir.file("\(name).tif"), spec: RasterSpec(grid: TinyWorld.grid(), pixelType: type,
                                                                                    crs: try CRS(epsg: 4547), nodata: -9999, cloudOptimized: false))
            try w.write(rows: [Double](repeating: 0.3, count: 9))
            try w.close()
            // Cd, other land, pH 5.0: screening 0.3.
            let report = try runClassify(surfaces: [("Cd", dir.file("\(name).tif"))], phPath: nil, phValue: 5.0, standard: .gb15618,
                                         landUse: .other, output: dir.file("\(name)_class.tif"), controllingOutput: nil)
            #expect(report.cellCounts == [0, 9, 0, 0], "\(name)")
            try TinyWorld.writeParcels(dir.file("p.gpkg"), [TinyWorld.parcels[0]])
            var s = ParcelSettings()
            s.threads = 1
            let a = try analyseParcels(parcelsPath: dir.file("p.gpkg"), surfaces: [("Cd", dir.file("\(name).tif"))], phPath: nil,
                                       phValue: 5.0, settings: s)
            #expect(a.parcels[0].soilClass == .priorityProtection, "\(name)")
            try FileManager.default.removeItem(atPath: dir.file("p.gpkg"))
        }
    }

    @Test("Screening and monitoring meet a Float32 surface's values at its precision too")
    func float32ScreenAndMonitor() throws {
        let dir = ScratchFolder()
        func surface(_ name: String, _ value: Double, _ type: PixelType) throws -> String {
            let w = try RasterWriter(path: dir.file(name), spec: RasterSpec(grid: TinyWorld.grid(), pixelType: type, crs: try CRS(epsg: 4547),
                                                                         nodata: -9999, cloudOptimized: false))
            try w.write(rows: [Double](repeating: value, count: 9))
            try w.close()
            return dir.file(name)
        }
        try TinyWorld.writeParcels(dir.file("plots.gpkg"), [TinyWorld.parcels[0]])
        // GB 36600 benzo[a]pyrene, class 1 land: screening 0.55; a Float32 0.55 is at it, a Float32 0.56 above it.
        for (value, above) in [(0.55, 0.0), (0.56, 400.0)] {
            let r = try screenPlots(plotsPath: dir.file("plots.gpkg"), samples: nil, samplePollutants: [],
                                    surfaces: [("benzo[a]pyrene", try surface("bap.tif", value, .float32))], settings: ScreenSettings())
            #expect(r.plots[0].findings[0].areaOverScreening == above, "\(value)")
            try FileManager.default.removeItem(atPath: dir.file("bap.tif"))
        }
        // Monitoring: Cd 0.3 (Float32) at pH 5.0 around a point in the middle of the grid is at the screening value.
        let e = try VectorWriter(path: dir.file("e.gpkg"), format: .geoPackage)
        let l = try e.createLayer(name: "e", geometryType: .point, crs: try CRS(epsg: 4547), fields: [FieldDefinition("id", .string)])
        try l.append(geometry: .point(Coordinate(TinyWorld.minX + 15, TinyWorld.maxY - 15)), values: [.string("E1")])
        try e.close()
        try "sample_id,x,y,Cd\nS1,\(TinyWorld.minX + 14),\(TinyWorld.maxY - 14),0.1\n".write(toFile: dir.file("s.csv"), atomically: true, encoding: .utf8)
        var ms = MonitorSettings(rings: [0, 10, 20])
        ms.idField = "id"
        ms.phValue = 5.0
        let m = try monitorEnterprises(path: dir.file("e.gpkg"), samples: SampleReader(path: dir.file("s.csv"), sourceCRS: try CRS(epsg: 4547)),
                                       pollutants: [("Cd", "Cd")], surfaces: [("Cd", try surface("cd.tif", 0.3, .float32))], phSurface: nil,
                                       settings: ms)
        #expect(m.rings.allSatisfy { $0.shareOverScreening[0] == 0 }, "\(m.rings.map(\.shareOverScreening))")
    }

    @Test("Cells inside a parcel take its land use (水田 cells paddy values), other cells the default")
    func cellLandUses() throws {
        let dir = ScratchFolder()
        // Cd 0.5 at pH 7.0: paddy screening 0.6 → class 1; other 0.3 → class 2.
        try TinyWorld.writeSurface(dir.file("cd.tif"), [Double](repeating: 0.5, count: 9))
        let paddy = TinyWorld.polygon([(0, 0), (20, 0), (20, 20), (0, 20)])  // cells (0,0) (0,1) (1,0) (1,1)
        let uses = CellLandUses(parcels: [paddy], landUses: [.paddy], default: .other, grid: TinyWorld.grid(),
                                window: GridWindow(grid: TinyWorld.grid()))
        _ = try runClassify(surfaces: [("Cd", dir.file("cd.tif"))], phPath: nil, phValue: 7.0, standard: .gb15618, landUse: .other,
                            cellLandUses: uses, output: dir.file("class.tif"), controllingOutput: nil, overwrite: true, threads: 2,
                            mask: nil, maskPath: nil, layout: .gtiff)
        #expect(try readRaster(dir.file("class.tif")).values == [1, 1, 2, 1, 1, 2, 2, 2, 2])
    }
}
