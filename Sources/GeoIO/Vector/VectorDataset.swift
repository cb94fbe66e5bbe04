import CGDAL
import Foundation

/// How to open a vector source.
public struct VectorOpenOptions: Sendable, Hashable {
    /// Encoding of a shapefile's attribute text when it has no `.cpg` (and to override one).
    public var encoding: TextEncoding?
    /// For CSV: detect column types (integers, reals, dates). Off, every column is text,
    /// which lets callers report non-numeric values by row.
    public var detectCSVTypes: Bool
    /// How the user gives the encoding (`--encoding`, `samples.encoding`), for messages.
    public var encodingOption: String

    public init(encoding: TextEncoding? = nil, detectCSVTypes: Bool = true, encodingOption: String = "--encoding") {
        self.encoding = encoding
        self.detectCSVTypes = detectCSVTypes
        self.encodingOption = encodingOption
    }
}

/// A vector data source opened for reading (Shapefile, GeoPackage, GeoJSON, FlatGeobuf,
/// CSV and anything else OGR reads).
///
/// Owns the `GDALDatasetH`; its layers keep it alive.
/// - Important: not thread safe. Give each concurrent worker its own `VectorDataset`.
public final class VectorDataset {
    let handle: GDALDatasetH
    /// The path as given.
    public let path: String
    /// GDAL's short driver name, e.g. "ESRI Shapefile", "GPKG", "CSV".
    public let driverName: String
    public let options: VectorOpenOptions
    /// The encoding attribute text is decoded from (`nil`: passed through and checked as UTF-8).
    public let sourceEncoding: TextEncoding?
    /// A CSV in another encoding is recoded to UTF-8 into GDAL's memory file system (GDAL's
    /// CSV driver reads UTF-8 only); this is that copy, read instead of `path` and removed on deinit.
    let recodedCopy: String?

    /// Opens `path` read-only.
    ///
    /// - Throws: ``InputError`` for a missing file, a file no vector driver reads, a
    ///   shapefile without `.shx`/`.dbf`; GDAL's message is attached.
    public init(path: String, options: VectorOpenOptions = .init()) throws(InputError) {
        try FileChecks.requireExists(path)
        try FileChecks.requireShapefileCompanions(path)
        self.path = path
        self.options = options
        var openOptions: [String] = []
        var encoding: TextEncoding? = nil
        let isShape = path.lowercased().hasSuffix(".shp") || path.lowercased().hasSuffix(".dbf")
        if isShape {
            if let e = options.encoding {
                encoding = e
            } else if let cpg = FileChecks.shapefileCodePage(path) {
                encoding = TextEncoding(cpg)
            }
            // Without a declared encoding, read the bytes as they are and require UTF-8
            // (GDAL would otherwise guess ISO-8859-1 and silently garble Chinese text).
            openOptions.append("ENCODING=\(encoding?.name ?? "")")
        }
        let isCSV = path.lowercased().hasSuffix(".csv")
        var openPath = path
        if isCSV {
            openOptions += ["AUTODETECT_TYPE=\(options.detectCSVTypes ? "YES" : "NO")", "KEEP_GEOM_COLUMNS=YES",
                            "EMPTY_STRING_AS_NULL=YES"]
            if let e = options.encoding, !e.isUTF8 {
                encoding = e
                openPath = try Self.recodedCSV(path, from: e, option: options.encodingOption)
            }
        }
        self.recodedCopy = openPath == path ? nil : openPath
        self.sourceEncoding = encoding
        let oo = CStringList(openOptions)
        let (h, messages): (GDALDatasetH?, [String]) = withGDALErrors { errs in
            // GDALOpenEx: NULL on failure; GDAL_OF_VERBOSE_ERROR makes it say why.
            let h = GDALOpenEx(openPath, UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR), nil, oo.constPointer, nil)
            return (h, errs.all)
        }
        guard let h else {
            if openPath != path { VSIUnlink(openPath) }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                throw InputError(.notGeodata, path: path,
                                 "is a folder GDAL cannot read as vector data (a folder of shapefiles or a .gdb would be); give the file itself",
                                 libraryMessages: messages)
            }
            throw InputError(.notGeodata, path: path,
                             "not a vector file GDAL can read (expected Shapefile, GeoPackage, GeoJSON, FlatGeobuf, CSV …)",
                             libraryMessages: messages)
        }
        self.handle = h
        self.driverName = GDALGetDriverShortName(GDALGetDatasetDriver(h)).map { String(cString: $0) } ?? "?"
    }

    deinit {
        GDALClose(handle)
        if let recodedCopy { VSIUnlink(recodedCopy) }
    }

    /// The path GDAL reads: `path`, or the UTF-8 copy of a recoded CSV.
    var readPath: String { recodedCopy ?? path }

    /// Recodes a CSV file to UTF-8 with GDAL's `CPLRecode` (iconv) into `/vsimem/`.
    ///
    /// - Throws: ``InputError`` (`encoding`) naming the file when its bytes are not valid in
    ///   `encoding` (iconv then warns that characters could not be converted).
    static func recodedCSV(_ path: String, from encoding: TextEncoding, option: String) throws(InputError) -> String {
        guard var bytes = FileManager.default.contents(atPath: path).map([UInt8].init) else {
            throw InputError(.fileNotFound, path: path, "cannot be read")
        }
        bytes.removeAll { $0 == 0 }  // a C string for CPLRecode; NUL bytes are not text anyway
        bytes.append(0)
        let (text, messages): (String?, [String]) = withGDALErrors { errs in
            // CPLRecode: a new UTF-8 string (CPLFree), or NULL; iconv problems are CE_Warning.
            let out = bytes.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { CPLRecode($0.baseAddress, encoding.name, "UTF-8") }
            }
            return (takeCPLString(out), errs.all)
        }
        guard let text, messages.isEmpty else {
            throw InputError(.encoding, path: path,
                             "text could not be decoded as \(encoding.name) (\(option)); check the file's real encoding (GBK, GB18030, UTF-8) and give it with \(option)",
                             libraryMessages: messages)
        }
        let name = URL(fileURLWithPath: path).lastPathComponent
        let copy = "/vsimem/soilmap-recoded-\(UUID().uuidString)/\(name)"
        var utf8 = Array(text.utf8)
        let ok = utf8.withUnsafeMutableBufferPointer { b -> Bool in
            // A file written into /vsimem/ is GDAL's own copy (the Swift array may go now).
            guard let fp = VSIFOpenL(copy, "wb") else { return false }
            let n = VSIFWriteL(b.baseAddress, 1, b.count, fp)
            return VSIFCloseL(fp) == 0 && n == b.count
        }
        guard ok else { throw InputError(.encoding, path: path, "could not hold its UTF-8 copy in memory") }
        return copy
    }

    /// Number of layers.
    public var layerCount: Int { Int(GDALDatasetGetLayerCount(handle)) }

    /// All layers, in order.
    public var layers: [VectorLayer] { (0..<layerCount).compactMap { try? layer(at: $0) } }

    /// The layer at `index`.
    public func layer(at index: Int) throws(InputError) -> VectorLayer {
        // GDALDatasetGetLayer: NULL when the index is out of range.
        guard let l = GDALDatasetGetLayer(handle, Int32(index)) else {
            throw InputError(.badValue, path: path, "has no layer #\(index) (it has \(layerCount))")
        }
        return try VectorLayer(dataset: self, handle: l)
    }

    /// The layer called `name`, or the only layer when `name` is `nil`.
    ///
    /// - Throws: ``InputError`` listing the layers when the name is unknown or when
    ///   `name` is `nil` and there are several.
    public func layer(named name: String?) throws(InputError) -> VectorLayer {
        guard let name else {
            if layerCount == 1 { return try layer(at: 0) }
            let names = layers.map(\.name)
            if layerCount == 0 { throw InputError(.badValue, path: path, "has no layers") }
            throw InputError(.badValue, path: path, "has \(layerCount) layers (\(names.joined(separator: ", "))); name the one to use")
        }
        // GDALDatasetGetLayerByName: NULL when there is no such layer.
        guard let l = GDALDatasetGetLayerByName(handle, name) else {
            throw InputError(.badValue, path: path,
                             "has no layer '\(name)'; its layers are: \(layers.map(\.name).joined(separator: ", "))")
        }
        return try VectorLayer(dataset: self, handle: l)
    }
}

/// A layer of a ``VectorDataset``: schema, CRS, extent and features.
///
/// Borrowed from its dataset, which it keeps alive.
/// - Important: not thread safe; reading features moves the layer's cursor.
public final class VectorLayer {
    public let dataset: VectorDataset
    let handle: OGRLayerH
    public let name: String
    public let fields: [FieldDefinition]
    /// OGR's name of the declared geometry type, e.g. "Multi Polygon", "Point", "None".
    public let geometryTypeName: String
    /// Whether the layer declares a geometry column at all.
    public let hasGeometry: Bool
    /// The layer's CRS, `nil` when the source declares none.
    public let crs: CRS?

    init(dataset: VectorDataset, handle: OGRLayerH) throws(InputError) {
        self.dataset = dataset
        self.handle = handle
        let rawName = OGR_L_GetName(handle)
        self.name = rawName.flatMap { String(validatingCString: $0) } ?? "?"
        let defn = OGR_L_GetLayerDefn(handle)
        var fields: [FieldDefinition] = []
        for i in 0..<OGR_FD_GetFieldCount(defn) {
            let f = OGR_FD_GetFieldDefn(defn, i)
            guard let cname = OGR_Fld_GetNameRef(f) else { continue }
            guard let fname = String(validatingCString: cname) else {
                throw InputError(.encoding, path: dataset.path, location: "the name of field #\(i + 1)",
                                 Self.encodingAdvice(dataset))
            }
            let t: FieldType
            switch OGR_Fld_GetType(f) {
            case OFTInteger: t = .integer
            case OFTInteger64: t = .integer64
            case OFTReal: t = .real
            case OFTString: t = .string
            case OFTDate: t = .date
            case OFTDateTime: t = .dateTime
            case OFTTime: t = .time
            default: t = .other
            }
            fields.append(FieldDefinition(fname, t, width: Int(OGR_Fld_GetWidth(f)), precision: Int(OGR_Fld_GetPrecision(f))))
        }
        self.fields = fields
        let gt = OGR_L_GetGeomType(handle)
        self.geometryTypeName = OGRGeometryTypeToName(gt).map { String(cString: $0) } ?? "Unknown"
        self.hasGeometry = gt != wkbNone
        // OGR_L_GetSpatialRef: NULL when the layer has no CRS; the handle is borrowed.
        self.crs = OGR_L_GetSpatialRef(handle).map { CRS(handle: $0) }
    }

    static func encodingAdvice(_ ds: VectorDataset) -> String {
        let option = ds.options.encodingOption
        if ds.sourceEncoding == nil {
            let cpg = ds.driverName == "ESRI Shapefile" ? ", or add a .cpg file" : ""
            return "text is not valid UTF-8 and the file declares no encoding; give the encoding with \(option) (for example GBK, GB18030, CP1252)\(cpg)"
        }
        return "text could not be decoded as \(ds.sourceEncoding!.name) (the .cpg or \(option)); check the file's real encoding (GBK, GB18030, UTF-8) and give it with \(option)"
    }

    /// Index of the field called `name` (exact match first, then case-insensitive).
    public func fieldIndex(_ name: String) -> Int? {
        fields.firstIndex { $0.name == name } ?? fields.firstIndex { $0.name.lowercased() == name.lowercased() }
    }

    /// Number of features (may scan the layer for formats that do not store it).
    public var featureCount: Int { Int(OGR_L_GetFeatureCount(handle, 1)) }

    /// The bounding box of all features in layer CRS units, `nil` when empty or without geometry.
    public var extent: Extent? {
        guard hasGeometry else { return nil }
        var env = OGREnvelope()
        // OGR_L_GetExtent: OGRERR_NONE on success, OGRERR_FAILURE when empty.
        let ok = withGDALErrors { _ in OGR_L_GetExtent(handle, &env, 1) == OGRERR_NONE }
        guard ok, env.MinX <= env.MaxX else { return nil }
        return Extent(minX: env.MinX, minY: env.MinY, maxX: env.MaxX, maxY: env.MaxY)
    }

    /// Restricts ``forEachFeature(limit:_:)`` to features whose bounding box meets `extent` (layer
    /// CRS units; OGR's spatial filter, which uses the layer's spatial index where there is one,
    /// such as a GeoPackage's R-tree); nil removes the filter.
    public func setSpatialFilter(_ extent: Extent?) {
        if let e = extent {
            OGR_L_SetSpatialFilterRect(handle, e.minX, e.minY, e.maxX, e.maxY)
        } else {
            OGR_L_SetSpatialFilter(handle, nil)
        }
    }

    /// Calls `body` with every feature in order, at most `limit` of them.
    ///
    /// - Throws: ``InputError`` naming the file, the feature and the field when a
    ///   geometry cannot be read (e.g. a truncated `.shp`) or text cannot be decoded;
    ///   and whatever `body` throws.
    public func forEachFeature(limit: Int? = nil, _ body: (Feature) throws -> Void) throws {
        OGR_L_ResetReading(handle)
        var n = 0
        while limit.map({ n < $0 }) ?? true {
            guard let feature = try nextFeature() else { break }
            try body(feature)
            n += 1
        }
    }

    /// All features, in order.
    public func readFeatures(limit: Int? = nil) throws -> [Feature] {
        var out: [Feature] = []
        try forEachFeature(limit: limit) { out.append($0) }
        return out
    }

    private func nextFeature() throws(InputError) -> Feature? {
        let path = dataset.path
        let result: Result<Feature?, InputError> = withGDALErrors { errs in
            // OGR_L_GetNextFeature: NULL at the end or on a read error (then CPLError was raised).
            guard let f = OGR_L_GetNextFeature(handle) else {
                if !errs.failures.isEmpty {
                    return .failure(InputError(.truncated, path: path, location: "after the last readable feature",
                                               "the file could not be read to its end; it may be truncated or damaged",
                                               libraryMessages: errs.failures))
                }
                return .success(nil)
            }
            defer { OGR_F_Destroy(f) }
            let fid = OGR_F_GetFID(f)
            let label = "feature \(fid)"
            var geometry: Geometry? = nil
            if let g = OGR_F_GetGeometryRef(f) {
                do { geometry = try Self.decode(g) } catch {
                    return .failure(InputError(.unsupported, path: path, location: label,
                                               "its geometry could not be decoded (\(error))"))
                }
            } else if hasGeometry && !errs.failures.isEmpty {
                return .failure(InputError(.truncated, path: path, location: label,
                                           "its geometry could not be read; the .shp may be truncated or damaged (re-export it, or repair it with ogr2ogr)",
                                           libraryMessages: errs.failures))
            }
            var values: [AttributeValue] = []
            values.reserveCapacity(fields.count)
            for (i, field) in fields.enumerated() {
                let idx = Int32(i)
                guard OGR_F_IsFieldSetAndNotNull(f, idx) != 0 else { values.append(.null); continue }
                switch field.type {
                case .integer, .integer64:
                    values.append(.integer(OGR_F_GetFieldAsInteger64(f, idx)))
                case .real:
                    values.append(.real(OGR_F_GetFieldAsDouble(f, idx)))
                case .date, .dateTime, .time:
                    var y: Int32 = 0, mo: Int32 = 0, d: Int32 = 0, h: Int32 = 0, mi: Int32 = 0, tz: Int32 = 0
                    var s: Float = 0
                    _ = OGR_F_GetFieldAsDateTimeEx(f, idx, &y, &mo, &d, &h, &mi, &s, &tz)
                    values.append(.date(DateTimeValue(year: Int(y), month: Int(mo), day: Int(d), hour: Int(h),
                                                      minute: Int(mi), second: Double(s), hasTime: field.type != .date)))
                case .string, .other:
                    guard let raw = OGR_F_GetFieldAsString(f, idx), let s = String(validatingCString: raw) else {
                        return .failure(InputError(.encoding, path: path, location: "\(label), field '\(field.name)'",
                                                   Self.encodingAdvice(dataset)))
                    }
                    values.append(.string(s))
                }
            }
            // GDAL recodes with iconv and only warns when bytes do not fit the encoding.
            if let w = errs.warnings.first(where: { $0.contains("converted") || $0.contains("recode") || $0.contains("Recode") }) {
                return .failure(InputError(.encoding, path: path, location: label, Self.encodingAdvice(dataset),
                                           libraryMessages: [w]))
            }
            return .success(Feature(fid: fid, geometry: geometry, values: values))
        }
        return try result.get()
    }

    /// Decodes an OGR geometry (borrowed) into a Swift value via ISO WKB; curves are
    /// linearised first.
    static func decode(_ g: OGRGeometryH) throws -> Geometry {
        var geom = g
        var owned: OGRGeometryH? = nil
        // OGR_G_HasCurveGeometry: nonzero when curves are present.
        if OGR_G_HasCurveGeometry(g, 1) != 0, let lin = OGR_G_GetLinearGeometry(g, 0, nil) {
            owned = lin
            geom = lin
        }
        defer { if let owned { OGR_G_DestroyGeometry(owned) } }
        let size = Int(OGR_G_WkbSize(geom))
        var buffer = [UInt8](repeating: 0, count: size)
        // OGR_G_ExportToIsoWkb: OGRERR_NONE on success.
        let err = buffer.withUnsafeMutableBufferPointer { OGR_G_ExportToIsoWkb(geom, wkbNDR, $0.baseAddress) }
        guard err == OGRERR_NONE else { throw WKBError.truncated }
        return try buffer.withUnsafeBytes { raw in
            var r = WKBReader(raw)
            return try r.geometry()
        }
    }
}
