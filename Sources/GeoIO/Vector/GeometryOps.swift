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
            let r: Result<Geometry, LibraryError> = withGDALErrors { errs in
                // OGR_G_MakeValid: NULL on failure (or when GDAL lacks GEOS).
                guard let v = OGR_G_MakeValid(h) else {
                    return .failure(LibraryError(.gdal, function: "OGR_G_MakeValid", messages: errs.all))
                }
                defer { OGR_G_DestroyGeometry(v) }
                do {
                    let decoded = try VectorLayer.decode(v)
                    let polys = decoded.polygons
                    return .success(polys.count == 1 ? .polygon(polys[0]) : .multiPolygon(MultiPolygon(polys)))
                } catch {
                    return .failure(LibraryError(.gdal, function: "OGR_G_MakeValid", messages: ["\(error)"]))
                }
            }
            return try r.get()
        }
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
