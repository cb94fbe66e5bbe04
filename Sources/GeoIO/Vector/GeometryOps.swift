import CGDAL

/// Geometry operations delegated to GDAL/OGR (backed by GEOS).
public enum GeometryOps {
    /// Runs `body` with an OGR geometry made from `g` (owned here, destroyed afterwards).
    static func withOGR<T>(_ g: Geometry, _ body: (OGRGeometryH) throws -> T) throws(LibraryError) -> T {
        GDALRuntime.ensureRegistered()
        var w = WKBWriter()
        w.write(g)
        var h: OGRGeometryH? = nil
        // OGR_G_CreateFromWkb: OGRERR_NONE on success.
        let err = w.bytes.withUnsafeBytes { OGR_G_CreateFromWkb($0.baseAddress, nil, &h, Int32($0.count)) }
        guard err == OGRERR_NONE, let h else {
            throw LibraryError(.gdal, function: "OGR_G_CreateFromWkb", messages: ["geometry could not be built (error \(err))"])
        }
        defer { OGR_G_DestroyGeometry(h) }
        do { return try body(h) } catch let e as LibraryError { throw e } catch {
            throw LibraryError(.gdal, function: "OGR", messages: ["\(error)"])
        }
    }

    /// Whether GEOS considers the geometry valid (OGC simple-features validity).
    public static func isValid(_ g: Geometry) throws(LibraryError) -> Bool {
        try withOGR(g) { h in withGDALErrors { _ in OGR_G_IsValid(h) != 0 } }
    }

    /// Repairs an invalid polygonal geometry with `OGR_G_MakeValid` (GEOS's MakeValid),
    /// keeping only its polygonal parts.
    ///
    /// - Returns: the repaired geometry (a polygon or multipolygon; empty multipolygon
    ///   when nothing polygonal is left).
    public static func makeValid(_ g: Geometry) throws(LibraryError) -> Geometry {
        try withOGR(g) { h in
            try polygonalResult("OGR_G_MakeValid") { OGR_G_MakeValid(h) }  // NULL on failure (or without GEOS)
        }
    }

    /// The geometry grown by `distance` (CRS units, so use a projected CRS), as GEOS buffers it
    /// (`OGR_G_Buffer`): round joins and caps, each quarter circle approximated by
    /// `quadrantSegments` segments (a buffered point is then a regular polygon of
    /// 4 × `quadrantSegments` sides, whose area is π r² · sin(2π/n)/(2π/n), 0.99984 for 32).
    public static func buffer(_ g: Geometry, distance: Double, quadrantSegments: Int = 32) throws(LibraryError) -> Geometry {
        try withOGR(g) { h in
            try polygonalResult("OGR_G_Buffer") { OGR_G_Buffer(h, distance, Int32(quadrantSegments)) }  // NULL on failure
        }
    }

    /// The shortest distance between `a` and `b` (`OGR_G_Distance`, GEOS), in CRS units (use a
    /// projected CRS); 0 when they meet.
    public static func distance(_ a: Geometry, _ b: Geometry) throws(LibraryError) -> Double {
        try withOGR(a) { ha in
            try withOGR(b) { hb in
                let d: Result<Double, LibraryError> = withGDALErrors { errs in
                    let v = OGR_G_Distance(ha, hb)  // -1 on failure
                    return v < 0 ? .failure(LibraryError(.gdal, function: "OGR_G_Distance", messages: errs.all)) : .success(v)
                }
                return try d.get()
            }
        }
    }

    /// The part of `a` outside `b` (`OGR_G_Difference`, GEOS), polygonal parts only.
    public static func difference(_ a: Geometry, _ b: Geometry) throws(LibraryError) -> Geometry {
        try withOGR(a) { ha in
            try withOGR(b) { hb in
                try polygonalResult("OGR_G_Difference") { OGR_G_Difference(ha, hb) }  // NULL on failure
            }
        }
    }

    /// Runs an OGR call returning a new geometry (NULL on failure), decodes its polygonal
    /// parts (a polygon, a multipolygon, or an empty multipolygon) and destroys it.
    static func polygonalResult(_ function: String, _ call: () -> OGRGeometryH?) throws(LibraryError) -> Geometry {
        let r: Result<Geometry, LibraryError> = withGDALErrors { errs in
            guard let v = call() else { return .failure(LibraryError(.gdal, function: function, messages: errs.all)) }
            defer { OGR_G_DestroyGeometry(v) }
            do {
                let polys = try VectorLayer.decode(v).polygons
                return .success(polys.count == 1 ? .polygon(polys[0]) : .multiPolygon(MultiPolygon(polys)))
            } catch {
                return .failure(LibraryError(.gdal, function: function, messages: ["\(error)"]))
            }
        }
        return try r.get()
    }

    /// A point guaranteed to lie inside the polygonal geometry (`OGR_G_PointOnSurface`).
    public static func pointOnSurface(_ g: Geometry) throws(LibraryError) -> Coordinate {
        try withOGR(g) { h in
            let r: Result<Coordinate, LibraryError> = withGDALErrors { errs in
                guard let p = OGR_G_PointOnSurface(h) else {  // NULL on failure
                    return .failure(LibraryError(.gdal, function: "OGR_G_PointOnSurface", messages: errs.all))
                }
                defer { OGR_G_DestroyGeometry(p) }
                return .success(Coordinate(x: OGR_G_GetX(p, 0), y: OGR_G_GetY(p, 0)))
            }
            return try r.get()
        }
    }
}
