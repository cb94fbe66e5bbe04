extension LinearRing {
    /// Signed planar area by the shoelace formula, positive for counter-clockwise rings.
    ///
    /// - Units: squared CRS units. Only meaningful in a projected (or otherwise planar) CRS.
    /// - Edge behaviour: rings with fewer than three coordinates have area 0. The ring
    ///   need not be closed explicitly. Coordinates are shifted to the first vertex
    ///   before summing, which keeps precision for large projected coordinates.
    public var signedArea: Double {
        let c = coordinates
        guard c.count >= 3 else { return 0 }
        let x0 = c[0].x, y0 = c[0].y
        var s = 0.0
        for i in 0..<c.count {
            let a = c[i], b = c[(i + 1) % c.count]
            s += (a.x - x0) * (b.y - y0) - (b.x - x0) * (a.y - y0)
        }
        return s / 2
    }
}

extension Polygon {
    /// Planar area: |exterior| minus the sum of |holes|, in squared CRS units.
    public var planarArea: Double {
        abs(exterior.signedArea) - holes.reduce(0) { $0 + abs($1.signedArea) }
    }
}

extension Geometry {
    /// Planar area of the polygonal parts (0 for points and lines), in squared CRS units.
    public var planarArea: Double { polygons.reduce(0) { $0 + $1.planarArea } }
}
