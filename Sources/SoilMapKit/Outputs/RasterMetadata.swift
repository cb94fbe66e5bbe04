import GeoIO
import Geostat
import Standards

/// The `SOILMAP_*` metadata of every raster SoilMap writes, built in one place so that
/// `interpolate`, `classify`, `run`, `tile` and `merge` label the same thing the same way.
enum RasterMetadata {
    /// A surface: SoilMap's version, the sample column, the method in words
    /// (``InterpolationSettings/methodLabel``), the sample count, the variogram (marked
    /// `(log scale)` for lognormal kriging), the unit when known (`UNITS`: `mg/kg` or `pH`) and
    /// the exceedance threshold when one was asked for.
    static func surface(field: String, settings: InterpolationSettings, sampleCount: Int, variogram: VariogramModel?,
                        unit: String? = nil, threshold: Double? = nil) -> [String: String] {
        var md = ["SOILMAP_VERSION": SoilMapVersion.string, "SOILMAP_FIELD": field, "SOILMAP_METHOD": settings.methodLabel,
                  "SOILMAP_SAMPLES": String(sampleCount)]
        if let unit { md["UNITS"] = unit }
        if let variogram { md["SOILMAP_VARIOGRAM"] = variogram.description + (settings.method == .lok ? " (log scale)" : "") }
        if let threshold { md["SOILMAP_THRESHOLD"] = String(threshold) }
        return md
    }

    /// The class and controlling-pollutant rasters: the standard, the land use of cells (and,
    /// with `parcelLandUses`, that cells inside parcels take each parcel's own) and the counted
    /// pollutants.
    static func classes(standard: StandardChoice, landUse: LandUse, pollutants: [Pollutant], parcelLandUses: Bool = false) -> [String: String] {
        var md = ["SOILMAP_VERSION": SoilMapVersion.string, "SOILMAP_STANDARD": standard.name, "SOILMAP_LAND_USE": landUse.rawValue,
                  "SOILMAP_POLLUTANTS": pollutants.map(\.name).joined(separator: ",")]
        if parcelLandUses { md["SOILMAP_LAND_USE_IN_PARCELS"] = "each parcel's own" }
        return md
    }
}
