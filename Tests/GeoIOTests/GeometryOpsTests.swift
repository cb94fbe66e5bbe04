import Testing
@testable import GeoIO

@Suite("Geometry operations through GDAL/GEOS")
struct GeometryOpsTests {
    @Test("A self-intersecting bow-tie is invalid; MakeValid splits it into two triangles of area 1 each")
    func makeValidBowTie() throws {
        let bowTie = Geometry.polygon(Polygon(exterior: LinearRing(closing: [
            Coordinate(0, 0), Coordinate(2, 2), Coordinate(2, 0), Coordinate(0, 2)])))
        #expect(try !GeometryOps.isValid(bowTie))
        let fixed = try GeometryOps.makeValid(bowTie)
        #expect(try GeometryOps.isValid(fixed))
        #expect(fixed.polygons.count == 2)
        #expect(abs(fixed.planarArea - 2) < 1e-12)  // two triangles of base 2 and height 1
    }

    @Test("Point on surface lies inside an L-shaped polygon whose centroid does not")
    func pointOnSurface() throws {
        let l = Geometry.polygon(Polygon(exterior: LinearRing(closing: [
            Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 1), Coordinate(1, 1), Coordinate(1, 10), Coordinate(0, 10)])))
        let p = try GeometryOps.pointOnSurface(l)
        #expect((p.x >= 0 && p.x <= 10 && p.y >= 0 && p.y <= 1) || (p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 10))
    }
}
