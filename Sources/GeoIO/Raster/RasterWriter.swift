import CGDAL
import Foundation

/// Writes a single-band GeoTIFF (or Cloud-Optimized GeoTIFF) block row by block row.
///
/// Rows must be written top to bottom, each exactly once. Pixels go straight into a
/// tiled, compressed GeoTIFF, so a raster larger than memory is never held whole. For
/// a COG, that GeoTIFF is a temporary file next to the output that gets the overviews
/// (`GDALBuildOverviews`: each level ⌈size / factor⌉) at ``close()``, is copied through GDAL's
/// COG driver with them, and is then removed.
///
/// - Important: not thread safe; feed it from one thread (the merge step).
public final class RasterWriter {
    public let path: String
    public let spec: RasterSpec
    private var dataset: GDALDatasetH?
    private let band: GDALRasterBandH
    private let stagingPath: String
    private(set) public var rowsWritten = 0
    /// Statistics of the valid pixels written so far (floating-point rasters), as stored.
    private var stats = PixelStatistics()
    /// For a COG: keep the staging GeoTIFF (uncompressed, tiled, with the same overviews and
    /// statistics) after ``close()``, at ``stagingPath(for:)``, for the caller to read the pixels
    /// back without decompressing them, and to remove (``OutputFiles`` does, with its output).
    public var keepsStaging = false

    /// Where the staging GeoTIFF of a COG written to `path` lies.
    public static func stagingPath(for path: String) -> String { path + ".staging.tif" }

    /// Creates the file; for COG output the pixels are staged in `path + ".staging.tif"`.
    public init(path: String, spec: RasterSpec) throws(LibraryError) {
        GDALRuntime.ensureRegistered()
        self.path = path
        self.spec = spec
        self.stagingPath = spec.cloudOptimized ? Self.stagingPath(for: path) : path
        // A COG's staging file is read once by the COG driver, which compresses: staging it
        // uncompressed saves compressing every pixel twice.
        let stagingCompression = spec.cloudOptimized ? Compression.none : spec.compression
        var co = ["TILED=YES", "BLOCKXSIZE=\(spec.tileSize)", "BLOCKYSIZE=\(spec.tileSize)",
                  "COMPRESS=\(stagingCompression.rawValue)", "BIGTIFF=IF_SAFER", "NUM_THREADS=ALL_CPUS"]
        if stagingCompression != .none {
            co.append("PREDICTOR=\(spec.pixelType.isFloatingPoint ? 3 : 2)")
            if let l = spec.compressionLevel, stagingCompression == .deflate { co.append("ZLEVEL=\(l)") }
            if let l = spec.compressionLevel, stagingCompression == .zstd { co.append("ZSTD_LEVEL=\(l)") }
        }
        if !spec.colorTable.isEmpty { co.removeAll { $0.hasPrefix("PREDICTOR") } }
        let options = CStringList(co)
        let staging = stagingPath
        let created: Result<(GDALDatasetH, GDALRasterBandH), LibraryError> = withGDALErrors { errs in
            guard let drv = GDALGetDriverByName("GTiff") else {  // NULL if the driver is missing
                return .failure(LibraryError(.gdal, function: "GDALGetDriverByName", path: path, messages: ["no GTiff driver"]))
            }
            // GDALCreate: NULL on failure (unwritable folder, bad options).
            guard let ds = GDALCreate(drv, staging, Int32(spec.grid.columns), Int32(spec.grid.rows), 1,
                                      spec.pixelType.gdal, options.pointer) else {
                return .failure(LibraryError(.gdal, function: "GDALCreate", path: path, messages: errs.all))
            }
            var gt = spec.grid.geoTransform
            _ = GDALSetGeoTransform(ds, &gt)  // CE_None on success; GTiff always accepts it
            if let crs = spec.crs, let srs = crs.makeHandle() {
                _ = GDALSetSpatialRef(ds, srs)  // CE_None on success
                OSRRelease(srs)
            }
            for (k, v) in spec.metadata.sorted(by: { $0.key < $1.key }) { _ = GDALSetMetadataItem(ds, k, v, nil) }
            guard let band = GDALGetRasterBand(ds, 1) else {  // NULL only for a bad index
                GDALClose(ds)
                return .failure(LibraryError(.gdal, function: "GDALGetRasterBand", path: path, messages: errs.all))
            }
            if let nd = spec.nodata { _ = GDALSetRasterNoDataValue(band, nd) }
            if let d = spec.bandDescription { GDALSetDescription(band, d) }
            if !spec.colorTable.isEmpty {
                let ct = GDALCreateColorTable(GPI_RGB)
                let maxIndex = spec.colorTable.keys.max() ?? 0
                for i in 0...maxIndex {
                    let c = spec.colorTable[i] ?? RGBA(0, 0, 0, 0)
                    var e = GDALColorEntry(c1: Int16(c.r), c2: Int16(c.g), c3: Int16(c.b), c4: Int16(c.a))
                    GDALSetColorEntry(ct, Int32(i), &e)
                }
                _ = GDALSetRasterColorTable(band, ct)  // copies the table
                GDALDestroyColorTable(ct)
                _ = GDALSetRasterColorInterpretation(band, GCI_PaletteIndex)
            }
            if !spec.categoryNames.isEmpty {
                let maxIndex = spec.categoryNames.keys.max() ?? 0
                let names = CStringList((0...maxIndex).map { spec.categoryNames[$0] ?? "" })
                _ = GDALSetRasterCategoryNames(band, names.pointer)  // stored in the .aux.xml (PAM)
            }
            if !errs.failures.isEmpty {
                GDALClose(ds)
                return .failure(LibraryError(.gdal, function: "GDALCreate", path: path, messages: errs.failures))
            }
            return .success((ds, band))
        }
        (dataset, band) = try created.get()
    }

    deinit {
        if let dataset {
            GDALClose(dataset)
            if spec.cloudOptimized { VSIUnlink(stagingPath) }
        }
    }

    /// Writes the next `values.count / columns` rows (row-major, `columns` values per row).
    ///
    /// Values are converted to the file's pixel type by GDAL (rounded and clamped for
    /// integers). NaN becomes the nodata value for integer types when one is set.
    public func write(rows values: UnsafeBufferPointer<Double>) throws(LibraryError) {
        try writeRows(values, type: GDT_Float64)
    }

    /// Writes the next rows from Float values; see ``write(rows:)-(UnsafeBufferPointer<Double>)``.
    public func write(rows values: UnsafeBufferPointer<Float>) throws(LibraryError) {
        try writeRows(values, type: GDT_Float32)
    }

    /// Writes the next rows from UInt8 values.
    public func write(rows values: UnsafeBufferPointer<UInt8>) throws(LibraryError) {
        try writeRows(values, type: GDT_Byte)
    }

    public func write(rows values: [Double]) throws(LibraryError) {
        try values.withUnsafeBufferPointer { (b) throws(LibraryError) in try write(rows: b) }
    }
    public func write(rows values: [Float]) throws(LibraryError) {
        try values.withUnsafeBufferPointer { (b) throws(LibraryError) in try write(rows: b) }
    }
    public func write(rows values: [UInt8]) throws(LibraryError) {
        try values.withUnsafeBufferPointer { (b) throws(LibraryError) in try write(rows: b) }
    }

    private func writeRows<T>(_ values: UnsafeBufferPointer<T>, type: GDALDataType) throws(LibraryError) {
        let cols = spec.grid.columns
        precondition(values.count % cols == 0, "a whole number of rows")
        let n = values.count / cols
        precondition(rowsWritten + n <= spec.grid.rows, "more rows than the raster has")
        guard n > 0 else { return }
        let first = rowsWritten
        let failed: [String]? = withGDALErrors { errs in
            // GDALRasterIO: CE_None on success.
            let err = GDALRasterIO(band, GF_Write, 0, Int32(first), Int32(cols), Int32(n),
                                   UnsafeMutableRawPointer(mutating: values.baseAddress), Int32(cols), Int32(n), type, 0, 0)
            return err == CE_None ? nil : errs.all
        }
        if let failed { throw LibraryError(.gdal, function: "GDALRasterIO", path: path, messages: failed) }
        rowsWritten += n
        if spec.pixelType.isFloatingPoint { stats.add(values, asFloat32: spec.pixelType == .float32, nodata: spec.nodata) }
    }

    /// Finishes the file: checks every row was written, flushes, and for COG output
    /// copies through the COG driver (with overviews) and removes the staging file.
    ///
    /// - Throws: ``LibraryError`` when GDAL fails, or when rows are missing (the output
    ///   is then removed, so no incomplete file is left looking complete).
    public func close() throws(LibraryError) {
        guard let ds = dataset else { return }
        dataset = nil
        guard rowsWritten == spec.grid.rows else {
            GDALClose(ds)
            VSIUnlink(stagingPath)
            throw LibraryError(.gdal, function: "RasterWriter.close", path: path,
                               messages: ["only \(rowsWritten) of \(spec.grid.rows) rows were written; the file was removed"])
        }
        let spec = self.spec, path = self.path, staging = stagingPath
        let failure: LibraryError? = withGDALErrors { errs in
            // Overviews are built in the (uncompressed) staging file too when it becomes a COG:
            // the COG driver then copies them (FORCE_USE_EXISTING) instead of computing them
            // into a temporary compressed file that it reads back.
            if let resampling = spec.overviewResampling {
                var levels = RasterWriter.overviewLevels(spec.grid, tile: spec.tileSize)
                if !levels.isEmpty {
                    // GDALBuildOverviews: CE_None on success.
                    let err = GDALBuildOverviews(ds, resampling.rawValue, Int32(levels.count), &levels, 0, nil, nil, nil)
                    if err != CE_None {
                        // No file is left looking complete: the staging file (the output itself
                        // when it is not a COG) goes.
                        GDALClose(ds)
                        VSIUnlink(staging)
                        VSIUnlink(staging + ".aux.xml")
                        return LibraryError(.gdal, function: "GDALBuildOverviews", path: path, messages: errs.all)
                    }
                }
            }
            // The exact statistics of the valid pixels (GDAL's STATISTICS_* band metadata): QGIS
            // stretches with them at once, and readers need not scan the raster for its range.
            if let s = self.stats.summary {
                _ = GDALSetRasterStatistics(band, s.min, s.max, s.mean, s.standardDeviation)  // CE_None; a failure only loses the hint
            }
            GDALFlushCache(ds)
            if spec.cloudOptimized {
                guard let cog = GDALGetDriverByName("COG") else {
                    GDALClose(ds)
                    return LibraryError(.gdal, function: "GDALGetDriverByName", path: path, messages: ["no COG driver (GDAL < 3.1?)"])
                }
                // NUM_THREADS: GDAL compresses tiles on all cores and writes them in order,
                // so the bytes do not depend on the thread count.
                var co = ["COMPRESS=\(spec.compression.rawValue)", "BLOCKSIZE=\(spec.tileSize)", "BIGTIFF=IF_SAFER", "NUM_THREADS=ALL_CPUS",
                          "OVERVIEWS=\(spec.overviewResampling == nil ? "NONE" : "FORCE_USE_EXISTING")"]
                if let r = spec.overviewResampling { co.append("OVERVIEW_RESAMPLING=\(r.rawValue)") }
                if let l = spec.compressionLevel, spec.compression == .deflate || spec.compression == .zstd { co.append("LEVEL=\(l)") }
                if spec.compression != .none && spec.colorTable.isEmpty {
                    co.append("PREDICTOR=\(spec.pixelType.isFloatingPoint ? "FLOATING_POINT" : "HORIZONTAL")")
                }
                let opts = CStringList(co)
                // The options above are SoilMap's own (tested); GDAL's check of them makes the COG
                // driver parse every tile-matrix-set definition in GDAL_DATA (~50 ms per process).
                // CPLGetThreadLocalConfigOption: NULL when unset; the setter cannot fail.
                let validate = CPLGetThreadLocalConfigOption("GDAL_VALIDATE_CREATION_OPTIONS", nil).map { String(cString: $0) }
                CPLSetThreadLocalConfigOption("GDAL_VALIDATE_CREATION_OPTIONS", "NO")
                // GDALCreateCopy: NULL on failure.
                let out = GDALCreateCopy(cog, path, ds, 0, opts.pointer, nil, nil)
                CPLSetThreadLocalConfigOption("GDAL_VALIDATE_CREATION_OPTIONS", validate)
                GDALClose(ds)
                if !self.keepsStaging || out == nil {
                    VSIUnlink(staging)
                    VSIUnlink(staging + ".aux.xml")
                }
                guard let out else {
                    VSIUnlink(path)
                    return LibraryError(.gdal, function: "GDALCreateCopy(COG)", path: path, messages: errs.all)
                }
                // The COG driver copies the colour table into the TIFF; category names
                // live in the PAM side-car (.aux.xml), which QGIS and GDAL read.
                if !spec.categoryNames.isEmpty, let b = GDALGetRasterBand(out, 1) {
                    let maxIndex = spec.categoryNames.keys.max() ?? 0
                    let names = CStringList((0...maxIndex).map { spec.categoryNames[$0] ?? "" })
                    _ = GDALSetRasterCategoryNames(b, names.pointer)
                    if let d = spec.bandDescription { GDALSetDescription(b, d) }
                }
                GDALClose(out)
            } else {
                GDALClose(ds)
            }
            return errs.failures.isEmpty ? nil : LibraryError(.gdal, function: "GDALClose", path: path, messages: errs.failures)
        }
        if let failure { throw failure }
    }

    /// Closes several writers at once, each on its own thread (a COG's compression and overviews
    /// take most of a write; GDAL handles separate datasets concurrently).
    ///
    /// - Throws: the first failure in the order of `writers`, after every writer was closed
    ///   (failed outputs are removed, as by ``close()``).
    public static func closeAll(_ writers: [RasterWriter]) throws(LibraryError) {
        guard writers.count > 1 else {
            if let w = writers.first { try w.close() }
            return
        }
        let results = ClosingResults(writers)
        DispatchQueue.concurrentPerform(iterations: writers.count) { i in
            do throws(LibraryError) { try results.writers[i].close() } catch { results.set(i, error) }
        }
        if let e = results.firstError { throw e }
    }

    /// Overview factors 2, 4, 8 … until the larger side fits in one tile.
    static func overviewLevels(_ grid: GridSpec, tile: Int) -> [Int32] {
        var levels: [Int32] = []
        var f = 2
        while max(grid.columns, grid.rows) / (f / 2) > tile { levels.append(Int32(f)); f *= 2 }
        return levels
    }
}

/// The writers of ``RasterWriter/closeAll(_:)`` and their errors: writer i is used by worker i only.
private final class ClosingResults: @unchecked Sendable {
    let writers: [RasterWriter]
    private var errors: [LibraryError?]
    private let lock = NSLock()
    init(_ writers: [RasterWriter]) { self.writers = writers; errors = Array(repeating: nil, count: writers.count) }
    func set(_ i: Int, _ e: LibraryError) { lock.lock(); errors[i] = e; lock.unlock() }
    var firstError: LibraryError? { lock.lock(); defer { lock.unlock() }; return errors.compactMap { $0 }.first }
}

/// Running minimum, maximum, mean and standard deviation of written pixels, in the stored
/// precision (float32 rasters: the float32 value), skipping NaN and the nodata value.
struct PixelStatistics {
    var count = 0
    var min = Double.infinity, max = -Double.infinity
    var sum = 0.0, sumOfSquares = 0.0

    mutating func add<T>(_ values: UnsafeBufferPointer<T>, asFloat32: Bool, nodata: Double?) {
        if let v = values as? UnsafeBufferPointer<Float> {
            add(v.count, nodata: nodata) { Double(v[$0]) }
        } else if let v = values as? UnsafeBufferPointer<Double> {
            if asFloat32 { add(v.count, nodata: nodata) { Double(Float(v[$0])) } } else { add(v.count, nodata: nodata) { v[$0] } }
        }
    }

    /// Adds value(0) … value(n − 1) but NaN and `nodata`, in order (the sums' bits depend on it),
    /// with the running values in locals.
    @inline(__always)
    private mutating func add(_ n: Int, nodata: Double?, _ value: (Int) -> Double) {
        let skip = nodata ?? .nan
        var c = count, lo = min, hi = max, s = sum, q = sumOfSquares
        for i in 0..<n {
            let d = value(i)
            if d.isNaN || d == skip { continue }
            c += 1
            if d < lo { lo = d }
            if d > hi { hi = d }
            s += d
            q += d * d
        }
        count = c; min = lo; max = hi; sum = s; sumOfSquares = q
    }

    var summary: (min: Double, max: Double, mean: Double, standardDeviation: Double)? {
        guard count > 0 else { return nil }
        let mean = sum / Double(count)
        return (min, max, mean, Swift.max(0, sumOfSquares / Double(count) - mean * mean).squareRoot())
    }
}
