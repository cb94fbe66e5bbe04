import Foundation
import Testing
@testable import GeoIO

@Suite("Bad input gives clear errors naming the file")
struct BadInputTests {
    @Test func missingFile() {
        let p = "/nonexistent/dir/parcels.shp"
        #expect {
            _ = try VectorDataset(path: p)
        } throws: { e in
            guard let e = e as? InputError else { return false }
            return e.kind == .fileNotFound && e.path == p && e.description.contains(p)
        }
        #expect(throws: InputError.self) { _ = try RasterDataset(path: p) }
    }

    @Test func notGeodata() throws {
        let dir = Fixture.scratch()
        let p = dir + "/notes.gpkg"
        try "this is not a GeoPackage".write(toFile: p, atomically: true, encoding: .utf8)
        #expect {
            _ = try VectorDataset(path: p)
        } throws: { e in
            guard let e = e as? InputError else { return false }
            return e.kind == .notGeodata && e.path == p && !e.libraryMessages.isEmpty
        }
    }

    @Test func shapefileWithoutIndex() throws {
        let dir = Fixture.scratch()
        let shp = Fixture.copyShapefile("nc/nc", to: dir, parts: ["shp", "dbf", "prj"])
        #expect {
            _ = try VectorDataset(path: shp)
        } throws: { e in
            guard let e = e as? InputError else { return false }
            return e.kind == .missingCompanionFile && e.path == shp && e.message.contains(".shx")
        }
    }

    @Test("A .shp truncated after its header opens, then fails naming the feature")
    func truncatedShapefile() throws {
        let dir = Fixture.scratch()
        let shp = Fixture.copyShapefile("nc/nc", to: dir)
        let data = try Data(contentsOf: URL(fileURLWithPath: shp))
        try data.prefix(100 + 2000).write(to: URL(fileURLWithPath: shp))  // 100-byte header + a little
        let layer = try VectorDataset(path: shp).layer(named: nil)
        #expect {
            _ = try layer.readFeatures()
        } throws: { e in
            guard let e = e as? InputError else { return false }
            return e.kind == .truncated && e.path == shp && (e.location ?? "").contains("feature")
        }
    }

    @Test("A CSV with a non-numeric coordinate names the row and column")
    func nonNumericCoordinate() throws {
        let dir = Fixture.scratch()
        let p = dir + "/samples.csv"
        try "id,x,y,Cd\nS1,400000,3960000,0.2\nS2,400100,39600OO,0.3\n".write(toFile: p, atomically: true, encoding: .utf8)
        #expect {
            _ = try PointTable.read(path: p)
        } throws: { e in
            guard let e = e as? InputError else { return false }
            return e.kind == .badValue && e.path == p && e.location == "row 2 (line 3), column 'y'"
                && e.message.contains("39600OO")
        }
    }

    @Test func unknownLayerListsLayers() throws {
        let ds = try VectorDataset(path: Fixture.path("text/townships.gpkg"))
        #expect {
            _ = try ds.layer(named: "parcels")
        } throws: { e in
            (e as? InputError)?.message.contains("townships") == true
        }
    }

    @Test func badCRS() {
        #expect(throws: InputError.self) { _ = try CRS("EPSG:99999999") }
        #expect(throws: InputError.self) { _ = try CRS("not a crs") }
    }
}
