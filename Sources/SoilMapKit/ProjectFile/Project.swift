import Foundation
import GeoIO
import Standards

/// A SoilMap project: inputs, what to map and how, and where the outputs go.
///
/// Read from YAML (``Project/load(path:)``). Relative paths are relative to the project
/// file's folder. Unknown keys and wrong types are errors naming the key and line.
public struct Project: Sendable {
    public struct Samples: Sendable {
        public var path: String
        public var layer: String?
        public var x: String?
        public var y: String?
        public var crs: String?
        public var id: String?
        /// Text encoding of a CSV or shapefile that is not UTF-8 and declares none (GBK …).
        public var encoding: String?
        /// The survey round, when `path` is a SoilMap survey database.
        public var round: String?
        public var belowDetection: BelowDetectionRule = .half
    }
    public struct Parcels: Sendable {
        public var path: String
        public var layer: String?
        public var idField: String?
        public var townshipField: String?
        public var landUseField: String?
        public var landUseMap: [(String, String)]?
        public var defaultLandUse: LandUse = .other
        public var encoding: String?
    }
    public struct Townships: Sendable {
        public var path: String
        public var layer: String?
        public var nameField: String
        public var encoding: String?
    }
    /// One mapped variable.
    public struct Variable: Sendable {
        public var name: String
        /// Column in the samples (default: the name).
        public var field: String
        /// `auto` (lowest leave-one-out RMSE), or a fixed method.
        public var method: MethodChoice
        public var settings: InterpolationSettings
        /// Whether the pollutant counts in the classification.
        public var classify: Bool
    }

    public var file: String
    public var name: String
    public var samples: Samples
    public var parcels: Parcels
    public var townships: Townships?
    public var standard: StandardChoice
    public var pollutants: [Variable]
    public var ph: Variable
    /// Cell size in working-CRS units (metres).
    public var resolution: Double
    /// Working CRS; nil = the parcels' CRS if projected, else the GK zone of the data's centre.
    public var crs: String?
    /// Grid margin around the parcels' extent (metres).
    public var margin: Double
    /// Land use used for the class raster (cells have no parcel): `other` by default.
    public var rasterLandUse: LandUse
    public var rule: ParcelRule
    /// How parcel geometries are measured (the cell-share tables and `sm_area_*`).
    public var area: AreaMode
    /// `area: field:NAME`: the official area of each 图斑 (m², e.g. 三调's TBDLMJ) that the
    /// official class tables sum; nil: the geometry area (`area`).
    public var officialAreaField: String?
    public var outputDir: String
    /// Compression of the surface COGs (`outputs.compress`): DEFLATE (the default, read by every
    /// GIS) or ZSTD (about half the CPU to write and read; GDAL ≥ 2.3 and QGIS read it, ArcGIS 10.x
    /// does not).
    public var surfaceCompression: Compression = .deflate
    /// The cells the surfaces hold (`outputs.surfaces`): the study area (default) or the whole grid.
    public var surfaceExtent: SurfaceExtent = .studyArea
    public var threads: Int?
    /// Monitoring around key supervised enterprises (optional).
    public var monitoring: Monitoring?
    /// Co-monitored crop samples (农产品协同监测; optional).
    public var crops: Crops?
    /// The official farmland classification: evaluation units, villages, crop rules, measures.
    public var classification = Classification()

    /// The `crops:` section: crop samples graded against GB 2762 (or a user table).
    public struct Crops: Sendable {
        public var path: String
        public var layer: String?
        public var x: String?
        public var y: String?
        public var crs: String?
        public var id: String?
        public var encoding: String?
        /// The column naming each sample's crop (稻谷, 小麦, 叶菜类蔬菜 …).
        public var cropField: String
        /// The user's crop names → the limit table's (`{水稻: 稻谷}`); the built-in aliases apply too.
        public var cropMap: [(String, String)] = []
        /// The column holding the id of the soil sample each crop sample was taken with (optional).
        public var pairField: String?
        /// `gb2762` (GB 2762-2022) or the path of a limits CSV with its columns.
        public var limits: String = "gb2762"
        /// Contaminant → column (default: the contaminant's name).
        public var fields: [(String, String)] = []
        /// Whether the As values are inorganic As (for rice, whose limit is set for inorganic As);
        /// default false: total As, which complies at or below the limit and is otherwise not graded.
        public var inorganicArsenic = false
    }

    /// The `classification:` section: how the official farmland classification is made.
    public struct Classification: Sendable {
        /// Parcels with the same value form one evaluation unit (default: each parcel its own).
        public var unitField: String?
        /// 坐落单位: the village name and code fields (ZLDWMC, ZLDWDM).
        public var villageField: String?
        public var villageCodeField: String?
        /// A township code field: townships listed in code order.
        public var townshipCodeField: String?
        /// Where a unit's soil class comes from.
        public var soilClassFrom: SoilClassSource = .surfaces
        /// Soil samples outside every parcel take the land use of the nearest parcel within this
        /// distance (metres), else the project's default land use.
        public var pointLandUseDistance: Double = 50
        /// A note lists units whose field area and geometry area differ by more than this share.
        public var areaDifference: Double = 0.05
        public var rules = CropAdjustmentRules()
        /// Safe-use measures per unit: the measure field and the field saying whether the
        /// unit's crops met the standard (受污染耕地安全利用率).
        public var measureField: String?
        public var measureMetField: String?
    }

    /// Where an evaluation unit's soil class comes from.
    public enum SoilClassSource: String, Sendable, CaseIterable {
        /// The interpolated surfaces by the parcel rule (`parcel_rule`).
        case surfaces
        /// The soil samples inside the unit: the worst of their classes (从严); no samples, no class.
        case points
        /// The worse of the two; the surfaces' class where the unit holds no sample.
        case both
    }

    /// The `monitoring:` section: enterprises (points or site polygons) and ring limits.
    public struct Monitoring: Sendable {
        public var path: String
        public var layer: String?
        public var idField: String?
        public var nameField: String?
        /// Ring limits in metres, increasing (e.g. 0, 500, 1000, 2000).
        public var rings: [Double]
        /// Land use of the soil around the enterprises (GB 15618 thresholds).
        public var landUse: LandUse = .other

        /// The monitoring settings of a run of `project`.
        func settings(_ project: Project) -> MonitorSettings {
            var ms = MonitorSettings(rings: rings)
            ms.idField = idField
            ms.nameField = nameField
            ms.standard = project.standard
            ms.landUse = landUse
            ms.phColumn = project.ph.field
            return ms
        }
    }

    /// Which cells the surface rasters of a run hold (`outputs.surfaces`).
    public enum SurfaceExtent: String, Sendable {
        /// The study area (the townships, else the parcels), every parcel's cells and the
        /// monitoring rings' reach; nodata elsewhere, and those cells are not interpolated.
        case studyArea = "study_area"
        /// Every cell of the grid rectangle.
        case grid
    }

    /// Every mapped variable in the order a run interpolates them: pH first (the pollutants'
    /// pH-dependent exceedance probabilities need its surface), then the pollutants.
    public var variables: [Variable] { [ph] + pollutants }

    /// The pollutants that count in the classification (`classify: true`, the default), in order.
    public var classifiedPollutants: [Variable] { pollutants.filter(\.classify) }

    /// Resolves a path from the project file relative to its folder.
    public func resolve(_ p: String) -> String {
        if p.hasPrefix("/") { return p }
        let dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        return dir.appendingPathComponent(p).standardizedFileURL.path
    }
}
