import Foundation
import GeoIO
import GeoTypes
import SoilMapKit
import Testing

/// `zoneAreas` (the library side of `soilmap areas`) against independent references.
@Suite("Zone areas against lwgeom and exactextract")
struct AreaReferenceTests {
    /// North Carolina counties (NAD27 lon/lat): geodesic areas against PostGIS/lwgeom's
    /// ellipsoidal `ST_Area(geography)` (Fixtures/nc/nc_areas.csv, area_ellipsoid_lwgeom_m2).
    @Test("NC counties: geodesic area within 1e-6 relative of lwgeom for every county")
    func northCarolinaGeodesic() throws {
        var warnings: [String] = []
        let rows = try zoneAreas(zonesPath: fixture("nc/nc.shp"), zoneField: "NAME", mode: .geodesic, warnings: &warnings)
        let ref = try CSVText(path: fixture("nc/nc_areas.csv"))
        let expected = Dictionary(uniqueKeysWithValues: zip(ref.strings("NAME"), ref.numbers("area_ellipsoid_lwgeom_m2")))
        #expect(rows.count == 100)
        #expect(Set(rows.map(\.zone)) == Set(expected.keys))
        var worst = (0.0, "")
        for r in rows {
            #expect(r.classCode == nil)
            let e = try #require(expected[r.zone])
            let d = relativeDifference(r.areaM2, e)
            if d > worst.0 { worst = (d, r.zone) }
        }
        #expect(worst.0 < 1e-6, "worst: \(worst.1) \(worst.0)")
        print("NC geodesic vs lwgeom: max rel diff \(worst.0) (\(worst.1))")

        // The table: zone, area_m2, area_ha, area_mu, with ha = m2/1e4 and 亩 = m2·15/1e4.
        let t = rows.table()
        #expect(t.fields.map(\.name) == ["zone", "area_m2", "area_ha", "area_mu"])
        for (r, row) in zip(rows, t.rows) {
            #expect(row[0] == .string(r.zone))
            let m2 = try #require(row[1].number), ha = try #require(row[2].number), mu = try #require(row[3].number)
            #expect(m2 == r.areaM2)
            #expect(relativeDifference(ha, m2 / 1e4) < 1e-14)
            #expect(relativeDifference(mu, m2 * 15 / 1e4) < 1e-14)
        }
    }

    /// A seeded UInt8 class raster (EPSG:4547, 80 × 60 cells of 20 m, nodata 0) and 26 zone
    /// polygons (holes, edges, a multipolygon, a zone of two features) against exactextract
    /// 0.3.0: area = frac × count × 400 m² (Fixtures/exactextract/make_exactextract_areas.py).
    @Test("Class areas per zone (planar) within 1e-6 relative of exactextract")
    func exactextractClassAreas() throws {
        var warnings: [String] = []
        let rows = try zoneAreas(zonesPath: fixture("exactextract/zones_4547.gpkg"), zoneField: "name",
                                 rasterPath: fixture("exactextract/classes_4547.tif"), mode: .planar, warnings: &warnings)
        let ref = try CSVText(path: fixture("exactextract/expected_zone_class_areas.csv"))
        var expected: [String: Double] = [:]
        for (n, (k, a)) in zip(ref.strings("name"), zip(ref.strings("class"), ref.numbers("area_m2"))) { expected["\(n)/\(k)"] = a }
        var got: [String: Double] = [:]
        for r in rows {
            let k = try #require(r.classCode)
            #expect(k != 0, "nodata must count in no class")
            #expect(got["\(r.zone)/\(k)"] == nil, "duplicate row \(r.zone)/\(k)")
            got["\(r.zone)/\(k)"] = r.areaM2
        }
        // Rows of zero area (a class touched by no coverage) are not in exactextract's output.
        let gotNonZero = got.filter { $0.value > 0 }
        #expect(Set(gotNonZero.keys) == Set(expected.keys), "ours only: \(Set(gotNonZero.keys).subtracting(expected.keys)); exactextract only: \(Set(expected.keys).subtracting(gotNonZero.keys))")
        var worst = (0.0, "")
        for (k, e) in expected {
            let d = relativeDifference(got[k] ?? .nan, e)
            if !(d <= worst.0) { worst = (d, k) }
        }
        #expect(worst.0 < 1e-6, "worst: \(worst.1) \(worst.0)")
        #expect(!got.keys.contains { $0.hasPrefix("outside/") })
        // The zone of two features (Z07) appears once per class, in first-appearance order.
        #expect(rows.filter { $0.zone == "Z07" }.count == Set(rows.filter { $0.zone == "Z07" }.map(\.classCode)).count)
        print("exactextract class areas: \(expected.count) zone/class rows, max rel diff \(worst.0) (\(worst.1))")
    }
}
