@_exported import GeoTypes
import CGDAL
import CPROJ

/// Versions of the libraries SoilMap is linked against, for provenance records.
public enum LibraryVersions {
    /// GDAL release, e.g. "3.6.2".
    public static var gdal: String { GDALRuntime.version }
    /// PROJ release, e.g. "9.1.1".
    public static var proj: String { String(cString: proj_info().release) }
}

/// Process-wide GDAL configuration options (`CPLSetConfigOption`).
public enum GDALConfiguration {
    /// Sets a GDAL configuration option for the whole process, e.g.
    /// `OGR_CURRENT_DATE` (the timestamp GeoPackage writers record).
    public static func set(_ key: String, _ value: String?) {
        GDALRuntime.ensureRegistered()
        CPLSetConfigOption(key, value)
    }

    /// Sets a GDAL configuration option for the calling thread only
    /// (`CPLSetThreadLocalConfigOption`; it takes precedence over the process-wide value), so
    /// concurrent work in one process (two runs, a test suite) cannot see or undo it.
    public static func setForThisThread(_ key: String, _ value: String?) {
        GDALRuntime.ensureRegistered()
        CPLSetThreadLocalConfigOption(key, value)
    }
}

extension GDALConfiguration {
    /// Sets the size of GDAL's raster block cache (`GDALSetCacheMax64`), in bytes. GDAL's
    /// default is 5 % of physical memory; SoilMap reads and writes rasters by row blocks,
    /// so a smaller cache keeps peak memory down without slowing it.
    public static func setBlockCacheSize(bytes: Int64) {
        GDALRuntime.ensureRegistered()
        GDALSetCacheMax64(GIntBig(bytes))
    }
}
