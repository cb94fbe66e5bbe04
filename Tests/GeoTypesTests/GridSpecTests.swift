import Testing
@testable import GeoTypes

@Suite("GridSpec and planar geometry")
struct GridSpecTests {
    @Test("Grid from extent and resolution, like gdal_grid -te -tr")
    func fromResolution() throws {
        let g = try GridSpec(extent: Extent(minX: 0, minY: 0, maxX: 100, maxY: 50), cellWidth: 10, cellHeight: 10)
        #expect(g.columns == 10 && g.rows == 5)
        #expect(g.centerX(column: 0) == 5 && g.centerY(row: 0) == 45)
        #expect(g.geoTransform == [0, 10, 0, 50, 0, -10])
        #expect(g.extent == Extent(minX: 0, minY: 0, maxX: 100, maxY: 50))
        #expect(try GridSpec(geoTransform: g.geoTransform, columns: 10, rows: 5) == g)
    }

    @Test("Invalid grids are validation errors", arguments: [
        (0.0, 10.0, 10, 5), (10.0, -1.0, 10, 5), (10.0, 10.0, 0, 5), (10.0, 10.0, 3, -1),
    ])
    func invalid(w: Double, h: Double, c: Int, r: Int) {
        #expect(throws: GridSpecError.self) { _ = try GridSpec(minX: 0, maxY: 0, cellWidth: w, cellHeight: h, columns: c, rows: r) }
    }

    @Test func emptyExtent() {
        #expect(throws: GridSpecError.emptyExtent(Extent(minX: 5, minY: 0, maxX: 5, maxY: 1))) {
            _ = try GridSpec(extent: Extent(minX: 5, minY: 0, maxX: 5, maxY: 1), columns: 3, rows: 3)
        }
    }

    @Test("Shoelace area: orientation-free, holes subtracted, large coordinates exact")
    func planarArea() {
        let sq = [Coordinate(400000, 3960000), Coordinate(401000, 3960000), Coordinate(401000, 3961000), Coordinate(400000, 3961000)]
        let ccw = LinearRing(closing: sq)
        let cw = LinearRing(closing: sq.reversed())
        #expect(ccw.signedArea == 1_000_000)
        #expect(cw.signedArea == -1_000_000)
        let hole = LinearRing(closing: [Coordinate(400100, 3960100), Coordinate(400100, 3960200), Coordinate(400200, 3960200), Coordinate(400200, 3960100)])
        #expect(Polygon(exterior: cw, holes: [hole]).planarArea == 990_000)
        #expect(LinearRing([Coordinate(0, 0), Coordinate(1, 1)]).signedArea == 0)
    }

    @Test("Area units: 1 mu = 10000/15 m², 1 ha = 15 mu")
    func units() {
        #expect(AreaUnit.hectare.fromSquareMetres(10_000) == 1)
        #expect(abs(AreaUnit.mu.fromSquareMetres(10_000) - 15) < 1e-12)
        #expect(abs(AreaUnit.mu.squareMetres - 666.6666666666666) < 1e-9)
    }
}

@Suite("Point in polygon")
struct PointInPolygonTests {
    @Test("Inside, outside, in a hole, in a second part")
    func cases() {
        let outer = LinearRing(closing: [Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 10), Coordinate(0, 10)])
        let hole = LinearRing(closing: [Coordinate(4, 4), Coordinate(6, 4), Coordinate(6, 6), Coordinate(4, 6)])
        let p = Polygon(exterior: outer, holes: [hole])
        #expect(p.contains(Coordinate(1, 1)))
        #expect(!p.contains(Coordinate(5, 5)))
        #expect(!p.contains(Coordinate(11, 5)))
        let second = Polygon(exterior: LinearRing(closing: [Coordinate(20, 0), Coordinate(30, 0), Coordinate(25, 8)]))
        let m = Geometry.multiPolygon(MultiPolygon([p, second]))
        #expect(m.contains(Coordinate(25, 2)))
        #expect(!m.contains(Coordinate(15, 2)))
    }
}
