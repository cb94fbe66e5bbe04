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

    /// sf's own nc.gpkg (NAD27), the same counties reprojected to WGS 84 (another ellipsoid) and to
    /// NAD83 / North Carolina (EPSG:32119, projected), and CGCS2000 polygons with holes, several parts
    /// and a zone of two features, against sf 1.0-9 `st_area` with s2 off (lwgeom::st_geod_area on
    /// the layer's own ellipsoid; Tests/TestSupport/Fixtures/nc/make_nc_variants.R).
    @Test("GeoPackage layers, other ellipsoids, projected CRS, holes: within 1e-9 relative of sf")
    func areaVariantsAgainstSf() throws {
        let ref = try CSVText(path: fixture("nc/nc_variants_areas.csv"))
        let layers = ref.strings("layer"), names = ref.strings("NAME")
        let geodesic = ref.numbers("area_geodesic_m2"), planar = ref.strings("area_planar_m2").map { Double($0) }
        var perLayer: [String: [Double]] = [:]
        for layer in ["nad27", "wgs84", "stateplane", "holes"] {
            var expected: [String: (Double, Double?)] = [:]
            for i in layers.indices where layers[i] == layer {
                let old = expected[names[i]]
                expected[names[i]] = ((old?.0 ?? 0) + geodesic[i], planar[i].map { $0 + (old?.1 ?? 0) })
            }
            var warnings: [String] = []
            let rows = try zoneAreas(zonesPath: fixture("nc/nc_variants.gpkg"), layer: layer, zoneField: "NAME", mode: .geodesic, warnings: &warnings)
            #expect(rows.count == expected.count, "\(layer)")
            var worst = 0.0
            for r in rows {
                let e = try #require(expected[r.zone], "\(layer): \(r.zone)")
                worst = max(worst, relativeDifference(r.areaM2, e.0))
            }
            print("\(layer) geodesic vs sf: max rel diff \(worst)")
            #expect(worst < 1e-9, "\(layer)")
            perLayer[layer] = rows.map(\.areaM2)
            if layer == "stateplane" {
                let p = try zoneAreas(zonesPath: fixture("nc/nc_variants.gpkg"), layer: layer, zoneField: "NAME", mode: .planar, warnings: &warnings)
                let w = try p.map { r in relativeDifference(r.areaM2, try #require(expected[r.zone]?.1)) }.max() ?? .nan
                print("stateplane planar vs sf: max rel diff \(w)")
                #expect(w < 1e-9)
            }
        }
        // The test can tell the ellipsoids apart: Clarke 1866 and WGS 84 areas differ by ~1.2e-5.
        let a27 = try #require(perLayer["nad27"]), a84 = try #require(perLayer["wgs84"])
        #expect(zip(a27, a84).allSatisfy { relativeDifference($0, $1) > 1e-6 })
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
