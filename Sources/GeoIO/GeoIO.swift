@_exported import GeoTypes
import CPROJ

/// Versions of the libraries SoilMap is linked against, for provenance records.
public enum LibraryVersions {
    /// GDAL release, e.g. "3.6.2".
    public static var gdal: String { GDALRuntime.version }
    /// PROJ release, e.g. "9.1.1".
    public static var proj: String { String(cString: proj_info().release) }
}
