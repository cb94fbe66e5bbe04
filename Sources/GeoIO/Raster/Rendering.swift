import CGDAL
import Foundation

/// Pictures of rasters for reports, made by GDAL (`GDALTranslate` to PNG, and
/// `GDALDEMProcessing` "color-relief" for continuous surfaces), in memory (`/vsimem/`).
public enum RasterRendering {
    /// A colour stop of a colour ramp: value → colour.
    public struct Stop: Sendable {
        public var value: Double
        public var colour: RGBA
        public init(_ value: Double, _ colour: RGBA) { self.value = value; self.colour = colour }
    }

    private static func counterName(_ stem: String) -> String {
        "/vsimem/soilmap-\(stem)-\(UUID().uuidString).png"
    }

    /// Reads and frees a `/vsimem/` file.
    private static func takeMemFile(_ name: String) -> Data? {
        var length: vsi_l_offset = 0
        // VSIGetMemFileBuffer with bUnlinkAndSeize = TRUE: returns the buffer we must VSIFree; NULL if absent.
        guard let p = VSIGetMemFileBuffer(name, &length, 1) else { return nil }
        defer { VSIFree(p) }
        return Data(bytes: p, count: Int(length))
    }

    /// Runs `GDALTranslate` with command-line style `args` from `source` into `dest`.
    private static func translate(_ source: GDALDatasetH, to dest: String, args: [String], path: String) throws(LibraryError) {
        let argv = CStringList(args)
        let result: LibraryError? = withGDALErrors { errs in
            // GDALTranslateOptionsNew: NULL on bad options.
            guard let opts = GDALTranslateOptionsNew(argv.pointer, nil) else {
                return LibraryError(.gdal, function: "GDALTranslateOptionsNew", path: path, messages: errs.all)
            }
            defer { GDALTranslateOptionsFree(opts) }
            var usageError: Int32 = 0
            // GDALTranslate: NULL on failure.
            guard let out = GDALTranslate(dest, source, opts, &usageError) else {
                return LibraryError(.gdal, function: "GDALTranslate", path: path, messages: errs.all)
            }
            GDALClose(out)
            return nil
        }
        if let result { throw result }
    }

    /// A PNG of a paletted (class) raster, `width` pixels wide, colours from its colour
    /// table, nodata transparent. Uses nearest-neighbour resampling (mode when shrinking).
    public static func palettedPNG(_ raster: RasterDataset, width: Int) throws(LibraryError) -> Data {
        let name = counterName("palette")
        let h = max(1, Int((Double(raster.rows) * Double(width) / Double(raster.columns)).rounded()))
        try translate(raster.handle, to: name, args: ["-of", "PNG", "-outsize", "\(width)", "\(h)", "-r", "mode", "-expand", "rgba"],
                      path: raster.path)
        guard let d = takeMemFile(name) else {
            throw LibraryError(.gdal, function: "VSIGetMemFileBuffer", path: raster.path, messages: ["no PNG was produced"])
        }
        return d
    }

    /// A PNG of a continuous raster coloured by `stops` (interpolated between them),
    /// nodata transparent, `width` pixels wide.
    public static func colourReliefPNG(_ raster: RasterDataset, stops: [Stop], width: Int) throws(LibraryError) -> Data {
        let colourFile = "/vsimem/soilmap-ramp-\(UUID().uuidString).txt"
        var text = stops.map { String(format: "%.10g %d %d %d %d", $0.value, $0.colour.r, $0.colour.g, $0.colour.b, $0.colour.a) }
        text.append("nv 0 0 0 0")
        let bytes = Array((text.joined(separator: "\n") + "\n").utf8)
        let relief = "/vsimem/soilmap-relief-\(UUID().uuidString).tif"
        let path = raster.path
        // Shrink first (averages of the valid cells, read from the file's overviews where it
        // has them — SoilMap's surfaces have average overviews), then colour the map-sized
        // raster: colouring every full-resolution cell and shrinking the colours cost 10 × more
        // and mixes colours rather than values.
        let h = max(1, Int((Double(raster.rows) * Double(width) / Double(raster.columns)).rounded()))
        let small = "/vsimem/soilmap-small-\(UUID().uuidString).tif"
        defer { VSIUnlink(small) }
        try translate(raster.handle, to: small, args: ["-of", "GTiff", "-outsize", "\(width)", "\(h)", "-r", "average"], path: path)
        let smallDS: GDALDatasetH? = withGDALErrors { _ in GDALOpenEx(small, UInt32(GDAL_OF_RASTER), nil, nil, nil) }
        guard let smallDS else { throw LibraryError(.gdal, function: "GDALOpenEx", path: small, messages: []) }
        defer { GDALClose(smallDS) }
        let failure: LibraryError? = withGDALErrors { errs in
            // VSIFileFromMemBuffer: NULL on failure; bTakeOwnership = FALSE so we keep `bytes` alive below.
            let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
            buf.initialize(from: bytes, count: bytes.count)
            defer { buf.deallocate() }
            guard let f = VSIFileFromMemBuffer(colourFile, buf, vsi_l_offset(bytes.count), 0) else {
                return LibraryError(.gdal, function: "VSIFileFromMemBuffer", path: path, messages: errs.all)
            }
            _ = VSIFCloseL(f)
            defer { VSIUnlink(colourFile) }
            let argv = CStringList(["-of", "GTiff", "-alpha"])
            guard let opts = GDALDEMProcessingOptionsNew(argv.pointer, nil) else {  // NULL on bad options
                return LibraryError(.gdal, function: "GDALDEMProcessingOptionsNew", path: path, messages: errs.all)
            }
            defer { GDALDEMProcessingOptionsFree(opts) }
            var usage: Int32 = 0
            // GDALDEMProcessing: NULL on failure.
            guard let out = GDALDEMProcessing(relief, smallDS, "color-relief", colourFile, opts, &usage) else {
                return LibraryError(.gdal, function: "GDALDEMProcessing", path: path, messages: errs.all)
            }
            GDALClose(out)
            return nil
        }
        defer { VSIUnlink(relief) }
        if let failure { throw failure }
        let reliefDS: GDALDatasetH? = withGDALErrors { _ in GDALOpenEx(relief, UInt32(GDAL_OF_RASTER), nil, nil, nil) }
        guard let reliefDS else { throw LibraryError(.gdal, function: "GDALOpenEx", path: relief, messages: []) }
        defer { GDALClose(reliefDS) }
        let name = counterName("relief")
        try translate(reliefDS, to: name, args: ["-of", "PNG"], path: path)
        guard let d = takeMemFile(name) else {
            throw LibraryError(.gdal, function: "VSIGetMemFileBuffer", path: path, messages: ["no PNG was produced"])
        }
        return d
    }
}

extension RasterBand {
    /// Minimum and maximum of the valid pixels: the statistics stored in the file
    /// (`GDALGetRasterStatistics` without computing; SoilMap's rasters carry exact ones), else
    /// GDAL `GDALComputeRasterMinMax`, exact, which reads every pixel.
    public func minMax() -> (min: Double, max: Double) {
        var lo = 0.0, hi = 0.0, mean = 0.0, sd = 0.0
        // GDALGetRasterStatistics with bApproxOK = FALSE, bForce = FALSE: CE_None only when stored.
        let stored: Bool = withGDALErrors { _ in GDALGetRasterStatistics(handle, 0, 0, &lo, &hi, &mean, &sd) == CE_None }
        if stored { return (lo, hi) }
        var mm = [0.0, 0.0]
        _ = withGDALErrors { _ in GDALComputeRasterMinMax(handle, 0, &mm) }  // CE_Failure for all-nodata bands
        return (mm[0], mm[1])
    }
}
