import Foundation
import GeoIO
import GeoTypes
import Standards
import Zonal

/// Where a parcel's township (zone) comes from.
public enum ZoneSource: Sendable {
    /// A field of the parcel layer.
    case field(String)
    /// Polygons (path, layer, name field): a parcel belongs to the zone containing a point on its surface.
    case polygons(path: String, layer: String?, nameField: String)
    case none
}

/// Settings of a parcel analysis.
public struct ParcelSettings: Sendable {
    public var standard: StandardChoice = .gb15618
    /// Land-use field and its value mapping; `nil` field → `defaultLandUse` for all parcels.
    public var landUseField: String?
    public var landUseMapping: LandUseMapping = .chineseDefault
    public var defaultLandUse: LandUse = .other
    public var zones: ZoneSource = .none
    public var rule: ParcelRule = .mean
    public var areaMode: AreaMode = .geodesic
    /// Field with a parcel identifier (kept in outputs); default: the feature id.
    public var idField: String?
    public var encoding: String?
    /// How the user names the settings, for messages.
    public var names: SettingNames = .commandLine
    /// Worker threads (results are identical for any count).
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    public init() {}
}

/// One parcel's results.
public struct ParcelResult: Sendable {
    public var fid: Int64
    public var id: String
    public var zone: String
    public var landUse: LandUse
    /// Area of the parcel (m²): geodesic or planar per settings.
    public var area: Double
    /// Coverage-weighted mean and maximum per surface (pollutants then pH), NaN without data.
    public var means: [Double]
    public var maxima: [Double]
    /// Mean exceedance probability per exceedance raster.
    public var exceedance: [Double]
    /// Share of the parcel's area in class 1, 2, 3 (coverage-weighted; the rest has no data).
    public var shares: [Double]
    /// Fraction of the parcel's covered cells that had data (all surfaces and pH).
    public var dataFraction: Double
    public var soilClass: SoilClass
    /// Index of the controlling pollutant, if any.
    public var controlling: Int?

    /// Area per class 1…3 (m²) = area × share.
    public var classAreas: [Double] { shares.map { $0 * area } }
    /// Area with no class (no data, or outside the rasters), m².
    public var unclassifiedArea: Double {
        let rest = 1 - shares.reduce(0, +)
        return rest < 1e-9 ? 0 : area * rest  // below 1e-9 it is rounding of shares that sum to 1
    }
}

/// The whole result of a parcel analysis.
public struct ParcelAnalysis: Sendable {
    public var pollutants: [String]
    public var hasPH: Bool
    public var exceedanceNames: [String]
    public var parcels: [ParcelResult]
    public var source: PolygonLayer
    public var zoneOrder: [String]
    public var warnings: [String]
    public var standardName: String
    public var standardKind: StandardKind
    public var rule: ParcelRule
    public var areaMode: AreaMode
}

extension ParcelAnalysis {
    /// The analysis of `results` (in the parcel layer's order), as a whole run and a merge of
    /// tiles make it: zones in order of first appearance, and the layers' `warnings` followed by
    /// those about the results (parcels without data, parcels in no zone polygon).
    init(results: [ParcelResult], source: PolygonLayer, settings: ParcelSettings, table: ThresholdTable, pollutants: [String],
         exceedanceNames: [String], hasPH: Bool, warnings: [String] = []) {
        self.init(pollutants: pollutants, hasPH: hasPH, exceedanceNames: exceedanceNames, parcels: results, source: source,
                  zoneOrder: SoilMapKit.zoneOrder(of: results), warnings: warnings + parcelResultWarnings(results, zones: settings.zones),
                  standardName: settings.standard.name, standardKind: table.kind, rule: settings.rule, areaMode: settings.areaMode)
    }
}

/// How areas are measured.
public enum AreaMode: String, Sendable, CaseIterable, Codable {
    /// On the ellipsoid of the data's datum, with PROJ's `geod_polygonarea`.
    case geodesic
    /// In the plane of the (projected) CRS.
    case planar
}
