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
        public var method: String
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
    public var area: AreaMode
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

    /// Resolves a path from the project file relative to its folder.
    public func resolve(_ p: String) -> String {
        if p.hasPrefix("/") { return p }
        let dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        return dir.appendingPathComponent(p).standardizedFileURL.path
    }

    static let methods = ["auto", "idw", "ok", "lok"]

    /// Reads and validates a project file.
    public static func load(path: String) throws -> Project {
        let root = try YAMLMap.load(path: path)
        try root.checkKeys(["name", "samples", "parcels", "townships", "standard", "pollutants", "ph", "grid",
                            "interpolation", "parcel_rule", "area", "outputs", "threads", "monitoring"])
        func required(_ m: YAMLMap, _ k: String) throws -> String {
            guard let v = try m.string(k) else { throw m.error(k, "is required") }
            return v
        }
        guard let sm = try root.map("samples") else { throw root.error("samples", "is required: where the sample points are") }
        try sm.checkKeys(["path", "layer", "x", "y", "crs", "id", "encoding", "round", "below_detection"])
        var samples = Samples(path: try required(sm, "path"))
        samples.layer = try sm.string("layer")
        samples.x = try sm.string("x")
        samples.y = try sm.string("y")
        samples.crs = try sm.string("crs")
        samples.id = try sm.string("id")
        samples.encoding = try sm.string("encoding")
        samples.round = try sm.string("round")
        if let r = try sm.string("below_detection") {
            guard let rule = BelowDetectionRule(rawValue: r) else {
                throw sm.error("below_detection", "'\(r)' is not one of \(BelowDetectionRule.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            samples.belowDetection = rule
        }
        guard let pm = try root.map("parcels") else { throw root.error("parcels", "is required: the farmland parcels") }
        try pm.checkKeys(["path", "layer", "id_field", "township_field", "land_use_field", "land_use_map", "land_use", "encoding"])
        var parcels = Parcels(path: try required(pm, "path"))
        parcels.layer = try pm.string("layer")
        parcels.idField = try pm.string("id_field")
        parcels.townshipField = try pm.string("township_field")
        parcels.landUseField = try pm.string("land_use_field")
        parcels.landUseMap = try pm.stringPairs("land_use_map")
        parcels.encoding = try pm.string("encoding")
        if let lu = try pm.string("land_use") {
            guard let v = LandUse(name: lu) else { throw pm.error("land_use", "'\(lu)' is not paddy, other, orchard or rotation") }
            parcels.defaultLandUse = v
        }
        var townships: Townships? = nil
        if let tm = try root.map("townships") {
            try tm.checkKeys(["path", "layer", "name_field", "encoding"])
            townships = Townships(path: try required(tm, "path"), layer: try tm.string("layer"),
                                  nameField: try required(tm, "name_field"), encoding: try tm.string("encoding"))
        }
        // Defaults for every variable.
        var defaults = InterpolationSettings(method: .idw)
        if let im = try root.map("interpolation") {
            try im.checkKeys(["max_points", "min_points", "radius", "power", "model"])
            try applySettings(im, to: &defaults)
        } else {
            defaults.maxPoints = 16
        }
        if defaults.maxPoints == nil { defaults.maxPoints = 16 }
        func variable(_ node: YAMLMap, defaultName: String?) throws -> Variable {
            try node.checkKeys(["name", "field", "method", "max_points", "min_points", "radius", "power", "model", "classify"])
            let name = try node.string("name") ?? defaultName
            guard let name else { throw node.error("name", "is required (e.g. Cd)") }
            let method = try node.string("method", default: "auto").lowercased()
            guard methods.contains(method) else { throw node.error("method", "'\(method)' is not one of \(methods.joined(separator: ", "))") }
            var s = defaults
            s.method = InterpolationMethod(rawValue: method) ?? .ok
            try applySettings(node, to: &s)
            return Variable(name: name, field: try node.string("field") ?? name, method: method, settings: s,
                            classify: try node.bool("classify") ?? true)
        }
        var pollutants: [Variable] = []
        if let list = try root.list("pollutants") {
            for (i, n) in list.enumerated() {
                if case .scalar(let s) = n {
                    var v = defaults
                    v.method = .ok
                    pollutants.append(Variable(name: s.string, field: s.string, method: "auto", settings: v, classify: true))
                } else {
                    pollutants.append(try variable(try YAMLMap(file: path, keyPath: "pollutants[\(i)]", node: n), defaultName: nil))
                }
            }
        } else {
            throw root.error("pollutants", "is required: a list such as [Cd, Hg, As, Pb, Cr]")
        }
        guard !pollutants.isEmpty else { throw root.error("pollutants", "is empty") }
        var ph = Variable(name: "pH", field: "pH", method: "auto", settings: defaults, classify: false)
        if let pmap = try root.map("ph") { ph = try variable(pmap, defaultName: "pH"); ph.classify = false }
        var resolution = 10.0, margin = 100.0
        var crs: String? = nil
        var rasterLandUse = LandUse.other
        if let gm = try root.map("grid") {
            try gm.checkKeys(["resolution", "crs", "margin", "land_use"])
            resolution = try gm.double("resolution") ?? resolution
            guard resolution > 0 else { throw gm.error("resolution", "must be positive (metres)") }
            margin = try gm.double("margin") ?? margin
            guard margin >= 0 else { throw gm.error("margin", "must be ≥ 0 (metres around the parcels)") }
            if let c = try gm.string("crs"), c.lowercased() != "auto" { crs = c }
            if let lu = try gm.string("land_use") {
                guard let v = LandUse(name: lu) else { throw gm.error("land_use", "'\(lu)' is not paddy, other, orchard or rotation") }
                rasterLandUse = v
            }
        }
        var outputDir = "soilmap-output"
        var compression = Compression.deflate
        var surfaceExtent = SurfaceExtent.studyArea
        if let om = try root.map("outputs") {
            try om.checkKeys(["dir", "compress", "surfaces"])
            if let e = try om.string("surfaces") {
                guard let v = SurfaceExtent(rawValue: e.lowercased()) else {
                    throw om.error("surfaces", "'\(e)' is not study_area (the default: the townships, the parcels and the monitoring rings; nodata elsewhere) or grid (the whole grid rectangle)")
                }
                surfaceExtent = v
            }
            outputDir = try om.string("dir", default: outputDir)
            if let c = try om.string("compress") {
                guard let v = Compression(rawValue: c.uppercased()), v == .deflate || v == .zstd else {
                    throw om.error("compress", "'\(c)' is not deflate (the default, read by every GIS) or zstd (about half the CPU to write and read; QGIS and GDAL read it, ArcGIS 10.x does not)")
                }
                compression = v
            }
        }
        let ruleText = try root.string("parcel_rule", default: "mean")
        guard let rule = ParcelRule(rawValue: ruleText) else { throw root.error("parcel_rule", "'\(ruleText)' is not mean, majority or worst") }
        let areaText = try root.string("area", default: "geodesic")
        guard let area = AreaMode(rawValue: areaText) else { throw root.error("area", "'\(areaText)' is not geodesic or planar") }
        var project = Project(file: path, name: try root.string("name", default: "SoilMap project"), samples: samples,
                              parcels: parcels, townships: townships,
                              standard: StandardChoice(try root.string("standard", default: "gb15618")),
                              pollutants: pollutants, ph: ph, resolution: resolution, crs: crs, margin: margin,
                              rasterLandUse: rasterLandUse, rule: rule, area: area, outputDir: outputDir,
                              threads: try root.int("threads").flatMap { $0 > 0 ? $0 : nil })
        project.surfaceCompression = compression
        project.surfaceExtent = surfaceExtent
        // A threshold CSV is found beside the project file, like every other path in it.
        if case let .csv(p) = project.standard {
            project.standard = .csv(path: project.resolve(p))
            guard FileManager.default.fileExists(atPath: project.resolve(p)) else {
                throw root.error("standard", "'\(p)' is neither a standard (gb15618, gb36600-1, gb36600-2) nor a threshold CSV beside the project file")
            }
        }
        if let mm = try root.map("monitoring") {
            try mm.checkKeys(["path", "layer", "id_field", "name_field", "rings", "land_use"])
            guard let rings = try mm.list("rings") else { throw mm.error("rings", "is required: ring limits in metres, e.g. [0, 500, 1000, 2000]") }
            let limits = try rings.map { n -> Double in
                guard case .scalar(let s) = n, let d = Double(s.string), d.isFinite else { throw mm.error("rings", "expected a list of distances in metres") }
                return d
            }
            guard limits.count >= 2, limits[0] >= 0, zip(limits, limits.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw mm.error("rings", "needs at least two distances in metres, increasing from 0 or more (e.g. [0, 500, 1000, 2000])")
            }
            var m = Monitoring(path: project.resolve(try required(mm, "path")), layer: try mm.string("layer"), idField: try mm.string("id_field"),
                               nameField: try mm.string("name_field"), rings: limits)
            if let lu = try mm.string("land_use") {
                guard let v = LandUse(name: lu) else { throw mm.error("land_use", "'\(lu)' is not paddy, other, orchard or rotation") }
                m.landUse = v
            }
            project.monitoring = m
        }
        let names = pollutants.map { $0.name.lowercased() }
        if let dup = names.enumerated().first(where: { names.firstIndex(of: $0.element) != $0.offset }) {
            throw root.error("pollutants", "'\(pollutants[dup.offset].name)' is listed twice")
        }
        return project
    }

    static func applySettings(_ m: YAMLMap, to s: inout InterpolationSettings) throws {
        if let v = try m.int("max_points") { guard v >= 1 else { throw m.error("max_points", "must be ≥ 1") }; s.maxPoints = v }
        if let v = try m.int("min_points") { guard v >= 1 else { throw m.error("min_points", "must be ≥ 1") }; s.minPoints = v }
        if let v = try m.double("radius") { guard v > 0 else { throw m.error("radius", "must be > 0") }; s.radius = v }
        if let v = try m.double("power") { guard v > 0 else { throw m.error("power", "must be > 0") }; s.power = v }
        if let v = try m.string("model") {
            do { s.model = try ModelChoice.parse(v, kappa: nil) } catch { throw m.error("model", "'\(v)' is not sph, exp, gau, mat or auto") }
        }
    }

    /// A commented template for `soilmap init`.
    public static let template = """
    # SoilMap project file (YAML). Paths are relative to this file.
    # Run it with:  soilmap run THIS_FILE [-o OUTDIR] [--overwrite]
    name: County soil survey

    samples:                      # soil sample points: CSV with coordinates, or any point layer
      path: samples.csv
      x: lon                      # coordinate columns (guessed when omitted: x/y, lon/lat, 经度/纬度)
      y: lat
      crs: EPSG:4326              # CRS of the samples (required for CSV; WGS 84 lon/lat here)
      id: sample_id               # sample identifiers (must be unique)
      below_detection: half       # values written <DL: half | limit | zero | drop

    parcels:                      # farmland parcels to classify
      path: farmland.gpkg
      layer: parcels
      id_field: parcel_id
      township_field: town_name   # omit to assign townships by the township polygons below
      land_use_field: land_use
      land_use_map: {水田: paddy, 旱地: other, 水浇地: other, 果园: orchard, 水旱轮作: rotation}
      # encoding: GBK            # for a shapefile without .cpg

    townships:                    # township boundaries (for the maps, and for parcels without township_field)
      path: farmland.gpkg
      layer: townships
      name_field: name

    standard: gb15618             # gb15618 | gb36600-1 | gb36600-2 | path/to/thresholds.csv

    pollutants:                   # counted in the classification unless classify: false
      - {name: Cd, method: auto}  # auto = lowest leave-one-out RMSE of IDW p1-3, OK, lognormal OK
      - {name: Hg, method: auto}
      - {name: As, method: auto}
      - {name: Pb, method: auto}
      - {name: Cr, method: auto}
      - {name: Cu, method: idw, classify: false}

    ph: {field: pH, method: auto}

    interpolation:                # defaults for every variable
      max_points: 16              # nearest samples used per cell
      min_points: 3               # fewer within radius -> nodata
      # radius: 5000              # metres
      power: 2                    # IDW power when method: idw

    grid:
      resolution: 10              # metres
      crs: auto                   # auto: the parcels' CRS if projected, else the CGCS2000 GK zone
      margin: 100                 # metres around the parcels
      land_use: other             # land use for the class raster (cells outside parcels)

    # monitoring:                 # soil around key supervised enterprises (points or site polygons)
    #   path: enterprises.gpkg
    #   id_field: enterprise_id
    #   name_field: name
    #   rings: [0, 500, 1000, 2000] # ring limits in metres
    #   land_use: other            # GB 15618 land use around them

    parcel_rule: mean             # mean | majority | worst
    area: geodesic                # geodesic (ellipsoid) | planar
    outputs:
      dir: soilmap-output
      # compress: deflate         # deflate (read by every GIS) | zstd (about half the CPU; QGIS yes, ArcGIS 10.x no)
      # surfaces: study_area      # study_area (townships, parcels, monitoring rings; nodata elsewhere) | grid (the whole rectangle)
    """
}
