import CGDAL

/// A raster opened for reading, band by band and block by block.
///
/// Owns the `GDALDatasetH`.
/// - Important: not thread safe. Give each concurrent worker its own `RasterDataset`
///   (GDAL 3.6 has no thread-safe read mode).
public final class RasterDataset {
    let handle: GDALDatasetH
    public let path: String
    public let driverName: String
    public let columns: Int
    public let rows: Int
    public let bandCount: Int
    /// The six-term GDAL geotransform.
    public let geoTransform: [Double]
    public let crs: CRS?

    /// Opens `path` read-only.
    ///
    /// - Throws: ``InputError`` for a missing file or one no raster driver reads.
    public init(path: String) throws(InputError) {
        try FileChecks.requireExists(path)
        let (h, messages): (GDALDatasetH?, [String]) = withGDALErrors { errs in
            // GDALOpenEx: NULL on failure; GDAL_OF_VERBOSE_ERROR makes it say why.
            (GDALOpenEx(path, UInt32(GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR), nil, nil, nil), errs.all)
        }
        guard let h else {
            throw InputError(.notGeodata, path: path, "not a raster file GDAL can read (expected GeoTIFF …)",
                             libraryMessages: messages)
        }
        handle = h
        self.path = path
        driverName = GDALGetDriverShortName(GDALGetDatasetDriver(h)).map { String(cString: $0) } ?? "?"
        columns = Int(GDALGetRasterXSize(h))
        rows = Int(GDALGetRasterYSize(h))
        bandCount = Int(GDALGetRasterCount(h))
        var gt = [Double](repeating: 0, count: 6)
        if GDALGetGeoTransform(h, &gt) != CE_None { gt = [0, 1, 0, 0, 0, 1] }  // CE_Failure when none is set
        geoTransform = gt
        crs = GDALGetSpatialRef(h).map { CRS(handle: $0) }  // NULL when the raster has no CRS
    }

    deinit { GDALClose(handle) }

    /// The grid of the raster; throws for rotated or south-up geotransforms.
    public func grid() throws(InputError) -> GridSpec {
        do { return try GridSpec(geoTransform: geoTransform, columns: columns, rows: rows) } catch {
            throw InputError(.unsupported, path: path, error.description)
        }
    }

    /// Metadata items of a domain ("" for the default domain, "IMAGE_STRUCTURE" …) as key/value pairs.
    public func metadata(domain: String = "") -> [String: String] { keyValues(GDALGetMetadata(handle, domain)) }

    /// "COG" when the file is laid out as a Cloud-Optimized GeoTIFF (GDAL's `LAYOUT` item).
    public var layout: String? { metadata(domain: "IMAGE_STRUCTURE")["LAYOUT"] }
    /// The compression GDAL reports ("DEFLATE", "ZSTD" …), if any.
    public var compression: String? { metadata(domain: "IMAGE_STRUCTURE")["COMPRESSION"] }

    /// Band `index` (1-based, as in GDAL).
    public func band(_ index: Int) throws(InputError) -> RasterBand {
        guard index >= 1, index <= bandCount, let b = GDALGetRasterBand(handle, Int32(index)) else {
            throw InputError(.badValue, path: path, "has no band \(index) (it has \(bandCount))")
        }
        return RasterBand(dataset: self, handle: b, index: index)
    }
}

/// A band of a ``RasterDataset``, borrowed; keeps its dataset alive.
public final class RasterBand {
    public let dataset: RasterDataset
    let handle: GDALRasterBandH
    public let index: Int

    /// The band's metadata items of a domain ("" for the default one: `STATISTICS_*` …).
    public func metadata(domain: String = "") -> [String: String] { keyValues(GDALGetMetadata(handle, domain)) }

    init(dataset: RasterDataset, handle: GDALRasterBandH, index: Int) {
        self.dataset = dataset
        self.handle = handle
        self.index = index
    }

    public var pixelType: PixelType? { PixelType(gdal: GDALGetRasterDataType(handle)) }
    public var pixelTypeName: String { GDALGetDataTypeName(GDALGetRasterDataType(handle)).map { String(cString: $0) } ?? "?" }

    /// The nodata value, if one is set.
    public var nodata: Double? {
        var has: Int32 = 0
        let v = GDALGetRasterNoDataValue(handle, &has)
        return has != 0 ? v : nil
    }

    /// Internal block size in pixels.
    public var blockSize: (columns: Int, rows: Int) {
        var x: Int32 = 0, y: Int32 = 0
        GDALGetBlockSize(handle, &x, &y)
        return (Int(x), Int(y))
    }

    public var overviewCount: Int { Int(GDALGetOverviewCount(handle)) }
    /// Sizes of the overviews, largest first.
    public var overviewSizes: [(columns: Int, rows: Int)] {
        (0..<overviewCount).compactMap { i in
            guard let o = GDALGetOverview(handle, Int32(i)) else { return nil }
            return (Int(GDALGetRasterBandXSize(o)), Int(GDALGetRasterBandYSize(o)))
        }
    }

    public var description: String { GDALGetDescription(handle).map { String(cString: $0) } ?? "" }

    /// The colour table (index → colour), empty when the band has none.
    public var colorTable: [Int: RGBA] {
        guard let ct = GDALGetRasterColorTable(handle) else { return [:] }  // NULL when there is none
        var out: [Int: RGBA] = [:]
        for i in 0..<GDALGetColorEntryCount(ct) {
            if let e = GDALGetColorEntry(ct, i)?.pointee {
                out[Int(i)] = RGBA(UInt8(clamping: e.c1), UInt8(clamping: e.c2), UInt8(clamping: e.c3), UInt8(clamping: e.c4))
            }
        }
        return out
    }

    /// Category names by index ("" entries dropped).
    public var categoryNames: [Int: String] {
        var out: [Int: String] = [:]
        for (i, s) in stringsFromCSL(GDALGetRasterCategoryNames(handle)).enumerated() where !s.isEmpty { out[i] = s }
        return out
    }

    /// Reads a window of pixels as Double, row-major (nodata values are returned as stored).
    public func read(column: Int, row: Int, columns: Int, rows: Int) throws(LibraryError) -> [Double] {
        var out = [Double](repeating: 0, count: columns * rows)
        try out.withUnsafeMutableBufferPointer { (b) throws(LibraryError) in
            try read(column: column, row: row, columns: columns, rows: rows, into: b)
        }
        return out
    }

    /// Reads a window into a caller's buffer (`columns × rows` Doubles), without allocating.
    public func read(column: Int, row: Int, columns: Int, rows: Int, into buffer: UnsafeMutableBufferPointer<Double>) throws(LibraryError) {
        precondition(buffer.count >= columns * rows)
        let path = dataset.path
        let failed: [String]? = withGDALErrors { errs in
            // GDALRasterIO: CE_None on success.
            let err = GDALRasterIO(handle, GF_Read, Int32(column), Int32(row), Int32(columns), Int32(rows),
                                   buffer.baseAddress, Int32(columns), Int32(rows), GDT_Float64, 0, 0)
            return err == CE_None ? nil : errs.all
        }
        if let failed { throw LibraryError(.gdal, function: "GDALRasterIO", path: path, messages: failed) }
    }

    /// Reads a window as UInt8 (for class rasters).
    public func readBytes(column: Int, row: Int, columns: Int, rows: Int) throws(LibraryError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: columns * rows)
        let path = dataset.path
        let failed: [String]? = withGDALErrors { errs in
            let err = out.withUnsafeMutableBufferPointer {
                GDALRasterIO(handle, GF_Read, Int32(column), Int32(row), Int32(columns), Int32(rows),
                             $0.baseAddress, Int32(columns), Int32(rows), GDT_Byte, 0, 0)
            }
            return err == CE_None ? nil : errs.all
        }
        if let failed { throw LibraryError(.gdal, function: "GDALRasterIO", path: path, messages: failed) }
        return out
    }
}
