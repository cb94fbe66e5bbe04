import Foundation
import CGDAL
import Testing
@testable import GeoIO

@Suite("CRS, transforms and areas")
struct CRSTests {
    @Test func crsProperties() throws {
        let gk = try CRS("EPSG:4547")
        #expect(gk.epsg == 4547)
        #expect(gk.isProjected && !gk.isGeographic)
        #expect(gk.name == "CGCS2000 / 3-degree Gauss-Kruger CM 114E")
        #expect(gk.metresPerLinearUnit == 1)
        #expect(gk.ellipsoid.semiMajorAxis == 6378137)
        #expect(abs(gk.ellipsoid.inverseFlattening - 298.257222101) < 1e-9)
        let wgs = try CRS(epsg: 4326)
        #expect(wgs.isGeographic)
        // The same CRS spelled as PROJ string and WKT is equivalent, not identical text.
        let fromProj = try CRS("+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs")
        #expect(fromProj != gk)
        #expect(try CRS(gk.wkt).isEquivalent(to: gk))
        #expect(!wgs.isEquivalent(to: gk))
        #expect(try CRS(Fixture.path("nc/nc.prj")).epsg == 4267)
        #expect(try gk.geographicCRS().epsg == 4490)
    }

    @Test("Handles come from the EPSG registry only when the WKT is the registry's own")
    func registryDefinition() throws {
        let gk = try CRS("EPSG:4547")
        #expect(gk.isRegistryDefinition)
        // The registry's WKT given as text is recognised as such; the same system as a PROJ
        // string or with ESRI names (nc.prj, identified as EPSG:4267 by matching) is not.
        #expect(try CRS(gk.wkt).isRegistryDefinition)
        #expect(try !CRS("+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs").isRegistryDefinition)
        let nad27 = try CRS(Fixture.path("nc/nc.prj"))
        #expect(nad27.epsg == 4267 && !nad27.isRegistryDefinition)
        // Either way the handle describes the CRS itself.
        for crs in [gk, nad27] {
            let h = try #require(crs.makeHandle())
            defer { OSRRelease(h) }
            #expect(CRS(handle: h).isEquivalent(to: crs))
        }
    }

    @Test("Whitespace trimming: spaces, tabs, line breaks, ideographic space; inner space kept")
    func trimming() {
        #expect(" 1.5 ".trimmingWhitespace() == "1.5")
        #expect("\t2\r\n".trimmingWhitespace() == "2")
        #expect("\u{3000}3\u{3000}".trimmingWhitespace() == "3")
        #expect("a b".trimmingWhitespace() == "a b")
        #expect("   ".trimmingWhitespace().isEmpty && "".trimmingWhitespace().isEmpty)
        #expect(AttributeValue.string(" 0.25\t").number == 0.25)
        #expect(AttributeValue.string(" ").number == nil)
    }

    /// `cs2cs -f %.4f EPSG:4326 EPSG:4547` (PROJ 9.1.1) with input "lat lon", output
    /// "northing easting" (the EPSG axis order of both CRSs).
    static let cs2cs: [(lon: Double, lat: Double, e: Double, n: Double)] = [
        (112.9, 35.8, 400568.1770, 3963909.6093),
        (112.95, 35.79, 405076.0754, 3962750.3866),
        (114.3055, 30.5928, 529299.8603, 3385869.4534),
        (113.6253, 34.7466, 465689.1213, 3846545.0915),
        (115.2, 36.0, 608198.8922, 3986208.7207),
    ]

    @Test("WGS 84 → CGCS2000 / GK CM 114E matches cs2cs to 1 mm, x = easting")
    func reprojection() throws {
        let t = try Transformer(from: try CRS(epsg: 4326), to: try CRS(epsg: 4547))
        var xs = Self.cs2cs.map(\.lon), ys = Self.cs2cs.map(\.lat)
        try t.transform(x: &xs, y: &ys)
        for (i, r) in Self.cs2cs.enumerated() {
            #expect(abs(xs[i] - r.e) < 0.001, "easting of point \(i)")
            #expect(abs(ys[i] - r.n) < 0.001, "northing of point \(i)")
        }
        // And back.
        let back = try Transformer(from: try CRS(epsg: 4547), to: try CRS(epsg: 4326)).transform(Coordinate(x: 400568.1770, y: 3963909.6093))
        #expect(abs(back.x - 112.9) < 1e-8 && abs(back.y - 35.8) < 1e-8)
    }

    @Test("A point PROJ cannot transform is an error naming it")
    func failedPoint() throws {
        let t = try Transformer(from: try CRS(epsg: 4547), to: try CRS(epsg: 4326))
        #expect {
            _ = try t.transform([Coordinate(x: 400000, y: 3960000), Coordinate(x: 1e30, y: 1e30)])
        } throws: { e in
            (e as? TransformError)?.index == 1
        }
    }

    @Test("Geodesic areas of the 100 NC counties within 1e-6 of lwgeom's ellipsoidal areas")
    func northCarolinaAreas() throws {
        let layer = try VectorDataset(path: Fixture.path("nc/nc.shp")).layer(named: nil)
        let calc = try AreaCalculator(crs: try #require(layer.crs))
        #expect(abs(calc.geodesic.ellipsoid.semiMajorAxis - 6378206.4) < 1e-6)  // Clarke 1866
        let reference = readSimpleCSV(Fixture.path("nc/nc_areas.csv"))
        let features = try layer.readFeatures()
        #expect(features.count == reference.count)
        var worst = 0.0
        for (f, r) in zip(features, reference) {
            let ours = try calc.geodesicArea(of: try #require(f.geometry))
            let theirs = try #require(Double(r["area_ellipsoid_lwgeom_m2"]!))
            let rel = abs(ours - theirs) / theirs
            worst = max(worst, rel)
            #expect(rel < 1e-6, "county \(r["NAME"]!): ours \(ours) lwgeom \(theirs)")
        }
        print("NC geodesic area: worst relative difference vs lwgeom \(worst)")
    }

    @Test("Planar area of a projected polygon; geodesic area of a small GK square is close to planar")
    func planarVersusGeodesic() throws {
        let sq = Geometry.polygon(Polygon(exterior: LinearRing(closing: [
            Coordinate(x: 500000, y: 3960000), Coordinate(x: 501000, y: 3960000),
            Coordinate(x: 501000, y: 3961000), Coordinate(x: 500000, y: 3961000)])))
        #expect(sq.planarArea == 1_000_000)
        // On the central meridian the GK scale factor is 1, so the difference is tiny.
        let a = try AreaCalculator(crs: try CRS(epsg: 4547)).geodesicArea(of: sq)
        #expect(abs(a - 1_000_000) < 1)
    }
}
