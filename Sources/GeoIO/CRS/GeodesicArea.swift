import CPROJ

/// Areas on a reference ellipsoid, computed with PROJ's geodesic routines
/// (`geod_polygonarea`, C. F. F. Karney, "Algorithms for geodesics", J. Geodesy 87,
/// 43–55, 2013), whose edges are geodesics.
///
/// - Units: input in degrees (x = longitude, y = latitude); output in m².
/// - Assumptions: rings are simple; each ring's area is taken by absolute value, holes
///   subtracted from the exterior, so winding order does not matter. Polygons that
///   encircle a pole are not supported.
/// - Edge behaviour: empty rings and rings with fewer than three distinct points have area 0.
/// - Example: the 100 North Carolina counties (NAD27, Clarke 1866) agree with
///   lwgeom's `st_geod_area` to better than 1e-6 relative (see GeoIOTests).
public struct GeodesicArea: Sendable {
    public let ellipsoid: Ellipsoid
    private let geod: geod_geodesic

    public init(ellipsoid: Ellipsoid) {
        self.ellipsoid = ellipsoid
        var g = geod_geodesic()
        geod_init(&g, ellipsoid.semiMajorAxis, ellipsoid.flattening)
        self.geod = g
    }

    /// Unsigned area of a ring in m².
    public func unsignedArea(of ring: LinearRing) -> Double {
        var cs = ring.coordinates
        if cs.count > 1, cs.first == cs.last { cs.removeLast() }
        guard cs.count >= 3 else { return 0 }
        var lats = cs.map(\.y), lons = cs.map(\.x)
        var area = 0.0
        var g = geod
        geod_polygonarea(&g, &lats, &lons, Int32(cs.count), &area, nil)
        return abs(area)
    }

    /// Area of a polygon with holes in m².
    public func area(of polygon: Polygon) -> Double {
        unsignedArea(of: polygon.exterior) - polygon.holes.reduce(0) { $0 + unsignedArea(of: $1) }
    }

    /// Area of the polygonal parts of a geometry in m² (0 for points and lines).
    public func area(of geometry: Geometry) -> Double {
        geometry.polygons.reduce(0) { $0 + area(of: $1) }
    }
}

/// Computes geodesic areas of geometries given in any CRS: transforms them to the
/// CRS's own geographic CRS (same datum, so no datum shift) and uses ``GeodesicArea``
/// on that datum's ellipsoid.
///
/// - Important: not thread safe (owns a PROJ transformer); one per worker.
public final class AreaCalculator {
    public let crs: CRS
    private let toGeographic: Transformer?
    public let geodesic: GeodesicArea

    public init(crs: CRS) throws {
        self.crs = crs
        let geog = try crs.geographicCRS()
        toGeographic = crs.isGeographic ? nil : try Transformer(from: crs, to: geog)
        geodesic = GeodesicArea(ellipsoid: geog.ellipsoid)
    }

    /// Geodesic (ellipsoidal) area in m².
    public func geodesicArea(of g: Geometry) throws(TransformError) -> Double {
        guard let t = toGeographic else { return geodesic.area(of: g) }
        return geodesic.area(of: try t.transform(g))
    }
}
