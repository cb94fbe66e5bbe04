import CPROJ

/// Transforms coordinates from one CRS to another with PROJ.
///
/// Made with `proj_create_crs_to_crs` and normalised with
/// `proj_normalize_for_visualization`, so x is easting or longitude on both sides.
/// PROJ picks the most accurate operation available for each point's area of use.
///
/// - Important: not thread safe. Each instance owns its own `PJ_CONTEXT`; give every
///   concurrent worker its own `Transformer` (``copy()`` makes one cheaply).
public final class Transformer {
    public let source: CRS
    public let target: CRS
    private let context: OpaquePointer
    private let pj: OpaquePointer

    /// - Throws: ``LibraryError`` (PROJ) with PROJ's message when no operation exists.
    public init(from source: CRS, to target: CRS) throws(LibraryError) {
        self.source = source
        self.target = target
        guard let ctx = proj_context_create() else {  // NULL on allocation failure
            throw LibraryError(.proj, function: "proj_context_create", messages: ["out of memory"])
        }
        proj_log_level(ctx, PJ_LOG_NONE)
        // proj_create_crs_to_crs: NULL on failure, reason in proj_context_errno.
        guard let raw = proj_create_crs_to_crs(ctx, source.wkt, target.wkt, nil) else {
            let msg = Transformer.errorText(ctx)
            proj_context_destroy(ctx)
            throw LibraryError(.proj, function: "proj_create_crs_to_crs",
                               messages: ["no transformation from \(source.shortName) to \(target.shortName): \(msg)"])
        }
        // proj_normalize_for_visualization: NULL on failure.
        guard let norm = proj_normalize_for_visualization(ctx, raw) else {
            let msg = Transformer.errorText(ctx)
            proj_destroy(raw)
            proj_context_destroy(ctx)
            throw LibraryError(.proj, function: "proj_normalize_for_visualization", messages: [msg])
        }
        proj_destroy(raw)
        self.context = ctx
        self.pj = norm
    }

    deinit {
        proj_destroy(pj)
        proj_context_destroy(context)
    }

    /// A new transformer between the same CRSs with its own context, for another worker.
    public func copy() throws(LibraryError) -> Transformer { try Transformer(from: source, to: target) }

    private static func errorText(_ ctx: OpaquePointer) -> String {
        let code = proj_context_errno(ctx)
        return proj_context_errno_string(ctx, code).map { String(cString: $0) } ?? "PROJ error \(code)"
    }

    /// Transforms arrays of x and y in place (batch `proj_trans_generic`).
    ///
    /// - Throws: ``TransformError`` naming the first point that failed (PROJ signals
    ///   failure per point by writing `HUGE_VAL`); the arrays are then partly transformed.
    public func transform(x: inout [Double], y: inout [Double]) throws(TransformError) {
        precondition(x.count == y.count, "x and y must have the same length")
        let n = x.count
        if n == 0 { return }
        let originalX = x, originalY = y
        proj_errno_reset(pj)
        x.withUnsafeMutableBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                // proj_trans_generic: returns the number of transformations done; failed
                // points get HUGE_VAL, checked below.
                _ = proj_trans_generic(pj, PJ_FWD,
                                       xb.baseAddress, MemoryLayout<Double>.stride, n,
                                       yb.baseAddress, MemoryLayout<Double>.stride, n,
                                       nil, 0, 0, nil, 0, 0)
            }
        }
        for i in 0..<n where !(x[i].isFinite && y[i].isFinite) {
            let code = proj_errno(pj)
            let msg = code != 0 ? (proj_context_errno_string(context, code).map { String(cString: $0) } ?? "") : "no valid result"
            throw TransformError(index: i, x: originalX[i], y: originalY[i], source: source.shortName,
                                 target: target.shortName, message: msg)
        }
    }

    /// Transforms coordinates; see ``transform(x:y:)``.
    public func transform(_ coordinates: [Coordinate]) throws(TransformError) -> [Coordinate] {
        var xs = coordinates.map(\.x), ys = coordinates.map(\.y)
        try transform(x: &xs, y: &ys)
        return (0..<xs.count).map { Coordinate(x: xs[$0], y: ys[$0]) }
    }

    /// Transforms one coordinate.
    public func transform(_ c: Coordinate) throws(TransformError) -> Coordinate {
        try transform([c])[0]
    }

    /// Transforms every coordinate of a geometry, keeping its structure.
    public func transform(_ g: Geometry) throws(TransformError) -> Geometry {
        let flat = g.allCoordinates
        let out = try transform(flat)
        var i = 0
        return g.mapCoordinates { _ in defer { i += 1 }; return out[i] }
    }
}

/// A point PROJ could not transform (outside the area of use, or invalid).
public struct TransformError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Index of the point in the batch.
    public var index: Int
    public var x: Double
    public var y: Double
    public var source: String
    public var target: String
    public var message: String

    public var description: String {
        "point #\(index + 1) (\(x), \(y)) could not be transformed from \(source) to \(target): \(message); check the coordinates and the source CRS (lon/lat swapped? wrong zone?)"
    }
}
