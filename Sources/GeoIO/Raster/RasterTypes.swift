import CGDAL

/// Pixel data types SoilMap writes and reads.
///
/// The corresponding C constants are `GDT_Byte` (`uint8`), `GDT_Int16`, `GDT_UInt16`,
/// `GDT_Int32`, `GDT_Float32` and `GDT_Float64`.
@frozen
public enum PixelType: String, Sendable, CaseIterable {
    case uint8 = "Byte", int16 = "Int16", uint16 = "UInt16", int32 = "Int32", float32 = "Float32", float64 = "Float64"

    var gdal: GDALDataType {
        switch self {
        case .uint8: return GDT_Byte
        case .int16: return GDT_Int16
        case .uint16: return GDT_UInt16
        case .int32: return GDT_Int32
        case .float32: return GDT_Float32
        case .float64: return GDT_Float64
        }
    }

    init?(gdal t: GDALDataType) {
        switch t {
        case GDT_Byte: self = .uint8
        case GDT_Int16: self = .int16
        case GDT_UInt16: self = .uint16
        case GDT_Int32: self = .int32
        case GDT_Float32: self = .float32
        case GDT_Float64: self = .float64
        default: return nil
        }
    }

    /// Whether predictor 3 (floating point) applies; else predictor 2 (horizontal).
    var isFloatingPoint: Bool { self == .float32 || self == .float64 }
}

/// TIFF compression. The corresponding creation option is `COMPRESS=DEFLATE|ZSTD|LZW|NONE`.
public enum Compression: String, Sendable, CaseIterable {
    case deflate = "DEFLATE", zstd = "ZSTD", lzw = "LZW", none = "NONE"
}

/// How overview levels are computed: `nearest` or `mode` for classes, `average` for surfaces.
/// The corresponding GDAL resampling names are "NEAREST", "MODE", "AVERAGE", "BILINEAR".
public enum OverviewResampling: String, Sendable {
    case nearest = "NEAREST", mode = "MODE", average = "AVERAGE", bilinear = "BILINEAR"
}

/// An RGBA colour for a colour table entry.
public struct RGBA: Sendable, Hashable {
    public var r: UInt8, g: UInt8, b: UInt8, a: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }
    /// "#rrggbb" text.
    public var hex: String { String(format: "#%02x%02x%02x", r, g, b) }
}

/// Everything about a raster file to be written, apart from its pixels.
public struct RasterSpec: Sendable {
    public var grid: GridSpec
    public var pixelType: PixelType
    public var crs: CRS?
    public var nodata: Double?
    public var compression: Compression
    /// Compression level (DEFLATE 1…12, ZSTD 1…22; GDAL's `LEVEL`/`ZLEVEL`/`ZSTD_LEVEL`); nil
    /// for GDAL's default (DEFLATE 6, ZSTD 9). Ignored for LZW and none.
    public var compressionLevel: Int?
    /// Internal tile size in pixels (power of two, 16…4096).
    public var tileSize: Int
    /// Write as a Cloud-Optimized GeoTIFF (GDAL's COG driver).
    public var cloudOptimized: Bool
    /// Overviews: `nil` for none; COGs get overviews down to tile size.
    public var overviewResampling: OverviewResampling?
    /// Dataset metadata items (e.g. units, source, method).
    public var metadata: [String: String]
    /// Band description (shown by QGIS as the band name).
    public var bandDescription: String?
    /// Colour table for class rasters, index → colour (UInt8 only).
    public var colorTable: [Int: RGBA]
    /// Category names for class rasters, index → name (UInt8 only).
    public var categoryNames: [Int: String]

    public init(grid: GridSpec, pixelType: PixelType, crs: CRS?, nodata: Double? = nil,
                compression: Compression = .deflate, tileSize: Int = 512, cloudOptimized: Bool = true,
                overviewResampling: OverviewResampling? = nil, metadata: [String: String] = [:],
                bandDescription: String? = nil, colorTable: [Int: RGBA] = [:], categoryNames: [Int: String] = [:],
                compressionLevel: Int? = nil) {
        self.grid = grid
        self.pixelType = pixelType
        self.crs = crs
        self.nodata = nodata
        self.compression = compression
        self.compressionLevel = compressionLevel
        self.tileSize = tileSize
        self.cloudOptimized = cloudOptimized
        self.overviewResampling = overviewResampling
        self.metadata = metadata
        self.bandDescription = bandDescription
        self.colorTable = colorTable
        self.categoryNames = categoryNames
    }
}
