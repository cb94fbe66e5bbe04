import CGDAL
import Foundation

/// Output vector formats.
///
/// Each case corresponds to a GDAL driver: `geoPackage` is "GPKG", `shapefile`
/// "ESRI Shapefile" (written with `ENCODING=UTF-8` and a `.cpg`), `geoJSON` "GeoJSON",
/// `csv` "CSV", `xlsx` "XLSX".
public enum VectorFormat: String, Sendable, CaseIterable {
    case geoPackage = "GPKG"
    case shapefile = "ESRI Shapefile"
    case geoJSON = "GeoJSON"
    case csv = "CSV"
    case xlsx = "XLSX"

    /// The format implied by a file name's extension.
    public init?(pathExtension ext: String) {
        switch ext.lowercased() {
        case "gpkg": self = .geoPackage
        case "shp": self = .shapefile
        case "geojson", "json": self = .geoJSON
        case "csv": self = .csv
        case "xlsx": self = .xlsx
        default: return nil
        }
    }
}

/// Geometry type of a layer being created.
///
/// Corresponds to OGR's `wkbPoint`, `wkbMultiPolygon`, … and `wkbNone` for tables.
public enum LayerGeometryType: Sendable {
    case none, point, lineString, polygon, multiPolygon, unknown

    var ogr: OGRwkbGeometryType {
        switch self {
        case .none: return wkbNone
        case .point: return wkbPoint
        case .lineString: return wkbLineString
        case .polygon: return wkbPolygon
        case .multiPolygon: return wkbMultiPolygon
        case .unknown: return wkbUnknown
        }
    }
}

/// A vector file being written. Call ``close()`` to flush it and learn of failures.
///
/// - Important: not thread safe.
public final class VectorWriter {
    private var handle: GDALDatasetH?
    public let path: String
    public let format: VectorFormat

    /// Creates (or replaces) the file at `path`.
    public init(path: String, format: VectorFormat) throws(LibraryError) {
        GDALRuntime.ensureRegistered()
        self.path = path
        self.format = format
        if FileManager.default.fileExists(atPath: path) {
            if format == .shapefile {
                let base = (path as NSString).deletingPathExtension
                for ext in ["shp", "shx", "dbf", "prj", "cpg"] { try? FileManager.default.removeItem(atPath: base + "." + ext) }
            } else {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        let h: Result<GDALDatasetH, LibraryError> = withGDALErrors { errs in
            // GDALGetDriverByName: NULL when the driver is not built in.
            guard let drv = GDALGetDriverByName(format.rawValue) else {
                return .failure(LibraryError(.gdal, function: "GDALGetDriverByName", path: path,
                                             messages: ["this GDAL has no \(format.rawValue) driver"]))
            }
            // GDALCreate: NULL on failure.
            guard let ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, nil) else {
                return .failure(LibraryError(.gdal, function: "GDALCreate", path: path, messages: errs.all))
            }
            return .success(ds)
        }
        self.handle = try h.get()
    }

    /// Opens an existing file for update (adding features to its layers, running SQL), e.g.
    /// a GeoPackage database.
    ///
    /// - Throws: ``LibraryError`` when GDAL cannot open it for writing (missing, read-only,
    ///   locked, not a vector format).
    public init(updating path: String) throws(LibraryError) {
        GDALRuntime.ensureRegistered()
        self.path = path
        let h: Result<(GDALDatasetH, VectorFormat), LibraryError> = withGDALErrors { errs in
            // GDALOpenEx: NULL on failure.
            guard let ds = GDALOpenEx(path, UInt32(GDAL_OF_VECTOR | GDAL_OF_UPDATE | GDAL_OF_VERBOSE_ERROR), nil, nil, nil) else {
                return .failure(LibraryError(.gdal, function: "GDALOpenEx", path: path, messages: errs.all))
            }
            let name = GDALGetDriverShortName(GDALGetDatasetDriver(ds)).map { String(cString: $0) } ?? ""
            guard let format = VectorFormat(rawValue: name) else {
                GDALClose(ds)
                return .failure(LibraryError(.gdal, function: "GDALOpenEx", path: path, messages: ["driver \(name) is not one SoilMap writes"]))
            }
            return .success((ds, format))
        }
        let (ds, format) = try h.get()
        self.handle = ds
        self.format = format
    }

    deinit { if let handle { GDALClose(handle) } }

    /// An existing layer of a file opened with ``init(updating:)``, to append features to.
    public func layer(named name: String) throws(LibraryError) -> VectorLayerWriter {
        guard let ds = handle else { preconditionFailure("VectorWriter used after close()") }
        // GDALDatasetGetLayerByName: NULL when there is no such layer.
        guard let l = GDALDatasetGetLayerByName(ds, name) else {
            throw LibraryError(.gdal, function: "GDALDatasetGetLayerByName", path: path, messages: ["no layer '\(name)'"])
        }
        let defn = OGR_L_GetLayerDefn(l)
        let fields = (0..<OGR_FD_GetFieldCount(defn)).map { i in
            FieldDefinition(String(cString: OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i))), .other)
        }
        return VectorLayerWriter(writer: self, handle: l, fields: fields)
    }

    /// Runs `body` inside one dataset transaction (all layers of a GeoPackage at once):
    /// committed when `body` returns, rolled back when it throws, so a failure leaves the
    /// file as it was.
    ///
    /// - Throws: ``LibraryError`` when the format has no transactions or the commit fails;
    ///   whatever `body` throws (after the rollback).
    public func inTransaction<T>(_ body: () throws -> T) throws -> T {
        guard let ds = handle else { preconditionFailure("VectorWriter used after close()") }
        // GDALDatasetStartTransaction: OGRERR_NONE on success (bForce = FALSE: real transactions only).
        let started: [String]? = withGDALErrors { errs in GDALDatasetStartTransaction(ds, 0) == OGRERR_NONE ? nil : errs.all }
        if let started { throw LibraryError(.gdal, function: "GDALDatasetStartTransaction", path: path, messages: started) }
        let r: T
        do { r = try body() } catch {
            _ = GDALDatasetRollbackTransaction(ds)
            throw error
        }
        let failed: [String]? = withGDALErrors { errs in GDALDatasetCommitTransaction(ds) == OGRERR_NONE ? nil : errs.all }
        if let failed {
            _ = GDALDatasetRollbackTransaction(ds)
            throw LibraryError(.gdal, function: "GDALDatasetCommitTransaction", path: path, messages: failed)
        }
        return r
    }

    /// Adds a layer with the given schema.
    ///
    /// - Parameters:
    ///   - options: layer creation options, e.g. `["FID": "fid"]`.
    public func createLayer(name: String, geometryType: LayerGeometryType, crs: CRS?, fields: [FieldDefinition],
                            options: [String: String] = [:]) throws(LibraryError) -> VectorLayerWriter {
        guard let ds = handle else { preconditionFailure("VectorWriter used after close()") }
        var opts = options
        if format == .shapefile { opts["ENCODING"] = opts["ENCODING"] ?? "UTF-8" }
        let lco = CStringList(opts)
        let srs = crs?.makeHandle()
        defer { if let srs { OSRRelease(srs) } }
        let result: Result<OGRLayerH, LibraryError> = withGDALErrors { errs in
            // GDALDatasetCreateLayer: NULL on failure.
            guard let layer = GDALDatasetCreateLayer(ds, name, srs, geometryType.ogr, lco.pointer) else {
                return .failure(LibraryError(.gdal, function: "GDALDatasetCreateLayer", path: path, messages: errs.all))
            }
            for f in fields {
                let t: OGRFieldType
                switch f.type {
                case .integer: t = OFTInteger
                case .integer64: t = OFTInteger64
                case .real: t = OFTReal
                case .date: t = OFTDate
                case .dateTime: t = OFTDateTime
                case .time: t = OFTTime
                case .string, .other: t = OFTString
                }
                let fd = OGR_Fld_Create(f.name, t)
                if f.width > 0 { OGR_Fld_SetWidth(fd, Int32(f.width)) }
                if f.precision > 0 { OGR_Fld_SetPrecision(fd, Int32(f.precision)) }
                // OGR_L_CreateField: OGRERR_NONE on success.
                let err = OGR_L_CreateField(layer, fd, 1)
                OGR_Fld_Destroy(fd)
                if err != OGRERR_NONE {
                    return .failure(LibraryError(.gdal, function: "OGR_L_CreateField", path: path,
                                                 messages: ["field '\(f.name)'"] + errs.all))
                }
            }
            return .success(layer)
        }
        return VectorLayerWriter(writer: self, handle: try result.get(), fields: fields)
    }

    /// Runs an SQL statement on the dataset (e.g. to add a GeoPackage `layer_styles` table).
    public func executeSQL(_ sql: String) throws(LibraryError) {
        guard let ds = handle else { preconditionFailure("VectorWriter used after close()") }
        let messages: [String]? = withGDALErrors { errs in
            let rs = GDALDatasetExecuteSQL(ds, sql, nil, nil)  // NULL for statements without a result set
            if let rs { GDALDatasetReleaseResultSet(ds, rs) }
            return errs.failures.isEmpty ? nil : errs.failures
        }
        if let messages { throw LibraryError(.gdal, function: "GDALDatasetExecuteSQL", path: path, messages: messages) }
    }

    /// The first column of every row an SQL query returns, as text (inside ``inTransaction``
    /// it sees the transaction's own writes).
    public func queryFirstColumn(_ sql: String) throws(LibraryError) -> [String] {
        guard let ds = handle else { preconditionFailure("VectorWriter used after close()") }
        let r: Result<[String], LibraryError> = withGDALErrors { errs in
            // GDALDatasetExecuteSQL: a result layer to release, NULL on failure or without rows.
            guard let rs = GDALDatasetExecuteSQL(ds, sql, nil, nil) else {
                return errs.failures.isEmpty ? .success([]) : .failure(LibraryError(.gdal, function: "GDALDatasetExecuteSQL", path: path, messages: errs.failures))
            }
            defer { GDALDatasetReleaseResultSet(ds, rs) }
            var out: [String] = []
            OGR_L_ResetReading(rs)
            while let f = OGR_L_GetNextFeature(rs) {
                out.append(OGR_F_IsFieldSetAndNotNull(f, 0) != 0 ? String(cString: OGR_F_GetFieldAsString(f, 0)) : "")
                OGR_F_Destroy(f)
            }
            return .success(out)
        }
        return try r.get()
    }

    /// Flushes and closes the file.
    ///
    /// - Throws: ``LibraryError`` when GDAL reports a failure while flushing.
    public func close() throws(LibraryError) {
        guard let h = handle else { return }
        handle = nil
        let failures: [String] = withGDALErrors { errs in
            // GDALClose: returns CE_None on success since GDAL 3.7; on 3.6 it returns
            // void, so failures are read from the captured messages.
            GDALClose(h)
            return errs.failures
        }
        if !failures.isEmpty { throw LibraryError(.gdal, function: "GDALClose", path: path, messages: failures) }
    }
}

/// A layer being written; borrowed from its ``VectorWriter``.
public final class VectorLayerWriter {
    public let writer: VectorWriter
    let handle: OGRLayerH
    public let fields: [FieldDefinition]

    init(writer: VectorWriter, handle: OGRLayerH, fields: [FieldDefinition]) {
        self.writer = writer
        self.handle = handle
        self.fields = fields
    }

    /// Appends a feature; `values` are in the order of `fields` (`.null` leaves a field unset).
    public func append(geometry: Geometry?, values: [AttributeValue]) throws(LibraryError) {
        precondition(values.count == fields.count, "one value per field")
        let path = writer.path
        let result: LibraryError? = withGDALErrors { errs in
            let f = OGR_F_Create(OGR_L_GetLayerDefn(handle))
            defer { OGR_F_Destroy(f) }
            for (i, v) in values.enumerated() {
                let idx = Int32(i)
                switch v {
                case .null: OGR_F_SetFieldNull(f, idx)
                case .integer(let n): OGR_F_SetFieldInteger64(f, idx, n)
                case .real(let d): OGR_F_SetFieldDouble(f, idx, d)
                case .string(let s): OGR_F_SetFieldString(f, idx, s)
                case .date(let d):
                    OGR_F_SetFieldDateTimeEx(f, idx, Int32(d.year), Int32(d.month), Int32(d.day), Int32(d.hour),
                                             Int32(d.minute), Float(d.second), 0)
                }
            }
            if let geometry {
                var w = WKBWriter()
                w.write(geometry)
                var g: OGRGeometryH? = nil
                // OGR_G_CreateFromWkb: OGRERR_NONE on success.
                let err = w.bytes.withUnsafeBytes { OGR_G_CreateFromWkb($0.baseAddress, nil, &g, Int32($0.count)) }
                guard err == OGRERR_NONE, let g else {
                    return LibraryError(.gdal, function: "OGR_G_CreateFromWkb", path: path, messages: errs.all)
                }
                OGR_F_SetGeometryDirectly(f, g)  // takes ownership of g
            }
            // OGR_L_CreateFeature: OGRERR_NONE on success.
            if OGR_L_CreateFeature(handle, f) != OGRERR_NONE {
                return LibraryError(.gdal, function: "OGR_L_CreateFeature", path: path, messages: errs.all)
            }
            return nil
        }
        if let result { throw result }
    }

    /// Runs `body` inside one transaction (much faster for GeoPackage), committing at the end.
    public func inTransaction<T>(_ body: () throws -> T) throws -> T {
        _ = OGR_L_StartTransaction(handle)  // OGRERR_UNSUPPORTED_OPERATION for formats without transactions: fine
        do {
            let r = try body()
            _ = OGR_L_CommitTransaction(handle)
            return r
        } catch {
            _ = OGR_L_RollbackTransaction(handle)
            throw error
        }
    }
}
