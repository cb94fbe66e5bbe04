import Foundation
import Testing
@testable import GeoIO

@Suite("Reading vector sources")
struct VectorReadTests {
    @Test("North Carolina: 100 counties, NAD27 (EPSG:4267), known extent")
    func northCarolina() throws {
        let ds = try VectorDataset(path: Fixture.path("nc/nc.shp"))
        #expect(ds.driverName == "ESRI Shapefile")
        let layer = try ds.layer(named: nil)
        #expect(layer.featureCount == 100)
        #expect(layer.crs?.epsg == 4267)
        #expect(layer.crs?.isGeographic == true)
        let e = try #require(layer.extent)
        // ogrinfo -so nc.shp: Extent: (-84.323853, 33.881992) - (-75.456978, 36.589649)
        #expect(abs(e.minX - -84.323853) < 1e-6 && abs(e.minY - 33.881992) < 1e-6)
        #expect(abs(e.maxX - -75.456978) < 1e-6 && abs(e.maxY - 36.589649) < 1e-6)
        let features = try layer.readFeatures()
        #expect(features.count == 100)
        let nameIndex = try #require(layer.fieldIndex("NAME"))
        #expect(features[0].values[nameIndex] == .string("Ashe"))
        // Currituck has 3 parts (sf's README for nc.shp).
        let currituck = try #require(features.first { $0.values[nameIndex] == .string("Currituck") })
        #expect(currituck.geometry?.polygons.count == 3)
        #expect(layer.fields[try #require(layer.fieldIndex("CRESS_ID"))].type == .integer)
    }

    static let expectedNames = ["米山镇", "三甲镇", "陈区镇（测试）"]

    func names(_ path: String, encoding: String? = nil) throws -> [String] {
        let ds = try VectorDataset(path: path, options: .init(encoding: encoding.map(TextEncoding.init)))
        let l = try ds.layer(named: nil)
        let i = try #require(l.fieldIndex("name"))
        return try l.readFeatures().map { $0.values[i].text }
    }

    @Test("GBK shapefile with .cpg decodes to the right Chinese text", arguments: ["CP936", "GBK", "936", "gbk", "GB18030"])
    func gbkWithCPG(spelling: String) throws {
        let dir = Fixture.scratch()
        let shp = Fixture.copyShapefile("text/gbk_cpg", to: dir)
        try spelling.write(toFile: dir + "/gbk_cpg.cpg", atomically: true, encoding: .ascii)
        #expect(try names(shp) == Self.expectedNames)
    }

    @Test("GBK shapefile without .cpg: an error naming file and field, unless the encoding is given")
    func gbkWithoutCPG() throws {
        let path = Fixture.path("text/gbk_nocpg.shp")
        do {
            _ = try names(path)
            Issue.record("expected an encoding error")
        } catch let e as InputError {
            #expect(e.kind == .encoding)
            #expect(e.path == path)
            #expect(e.location?.contains("field 'name'") == true)
            #expect(e.message.contains("--encoding"))
        }
        #expect(try names(path, encoding: "GBK") == Self.expectedNames)
    }

    @Test("UTF-8 shapefile and GeoPackage read Chinese text and typed attributes")
    func utf8Sources() throws {
        #expect(try names(Fixture.path("text/utf8.shp")) == Self.expectedNames)
        let ds = try VectorDataset(path: Fixture.path("text/townships.gpkg"))
        #expect(ds.driverName == "GPKG")
        let l = try ds.layer(named: "townships")
        #expect(l.crs?.epsg == 4547)
        let f = try l.readFeatures()
        let area = try #require(l.fieldIndex("area_mu"))
        #expect(f[0].values[area] == .real(1234.5))
        #expect(f[2].values[area] == .null)
        guard case .polygon(let p)? = f[0].geometry else { Issue.record("polygon expected"); return }
        #expect(p.holes.count == 1)
        #expect(p.planarArea == 1_000_000 - 40_000)
        guard case .multiPolygon(let m)? = f[1].geometry else { Issue.record("multipolygon expected"); return }
        #expect(m.polygons.count == 2)
    }

    @Test("CSV points: coordinate columns guessed (lon/lat, 经度/纬度, x/y) or given")
    func csvPoints() throws {
        let dir = Fixture.scratch()
        let a = dir + "/a.csv"
        try "id,lon,lat,Cd\nS1,112.9,35.8,0.21\nS2,112.95,35.79,<0.05\n".write(toFile: a, atomically: true, encoding: .utf8)
        let t = try PointTable.read(path: a)
        #expect(t.coordinates == [Coordinate(x: 112.9, y: 35.8), Coordinate(x: 112.95, y: 35.79)])
        #expect(t.looksGeographic)
        #expect(t.crs == nil)
        #expect(t.rows[1][t.fieldIndex("Cd")!] == .string("<0.05"))
        let b = dir + "/b.csv"
        try "编号,经度,纬度,镉\nS1,112.9,35.8,0.21\n".write(toFile: b, atomically: true, encoding: .utf8)
        #expect(try PointTable.read(path: b).coordinateColumns?.x == "经度")
        let c = dir + "/c.csv"
        try "E,N,v\n400000,3960000,1\n".write(toFile: c, atomically: true, encoding: .utf8)
        let tc = try PointTable.read(path: c, xField: "E", yField: "N")
        #expect(tc.coordinates == [Coordinate(x: 400000, y: 3960000)])
        #expect(!tc.looksGeographic)
    }
}
