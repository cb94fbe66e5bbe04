import Foundation
import GeoIO
import Standards
import Yams

extension Project {
    /// Reads and validates a project file: one section at a time, each parsed by its own
    /// function below; unknown keys and wrong types are ``ProjectError``s naming key and line.
    public static func load(path: String) throws -> Project {
        let root = try YAMLMap.load(path: path)
        try root.checkKeys(["name", "samples", "parcels", "townships", "standard", "pollutants", "ph", "grid",
                            "interpolation", "parcel_rule", "area", "outputs", "threads", "monitoring", "crops", "classification"])
        guard let sm = try root.map("samples") else { throw root.error("samples", "is required: where the sample points are") }
        let samples = try Samples(sm)
        guard let pm = try root.map("parcels") else { throw root.error("parcels", "is required: the farmland parcels") }
        let parcels = try Parcels(pm)
        let townships = try root.map("townships").map(Townships.init)
        let defaults = try interpolationDefaults(root)
        let pollutants = try pollutantVariables(root, defaults: defaults, path: path)
        var ph = Variable(name: Analyte.pHName, field: Analyte.pHName, method: .auto, settings: defaults, classify: false)
        if let pmap = try root.map("ph") { ph = try variable(pmap, defaultName: Analyte.pHName, defaults: defaults); ph.classify = false }
        let grid = try GridSection(root.map("grid"))
        let outputs = try OutputsSection(root.map("outputs"))
        let ruleText = try root.string("parcel_rule", default: "mean")
        guard let rule = ParcelRule(rawValue: ruleText) else { throw root.error("parcel_rule", "'\(ruleText)' is not mean, majority or worst") }
        let areaText = try root.string("area", default: "geodesic")
        var officialAreaField: String? = nil
        if areaText.lowercased().hasPrefix("field:") {
            let f = String(areaText.dropFirst(6)).trimmingCharacters(in: .whitespaces)
            guard !f.isEmpty else { throw root.error("area", "'\(areaText)' names no field; write field:TBDLMJ (a numeric field holding each 图斑's area in m²)") }
            officialAreaField = f
        }
        guard let area = officialAreaField != nil ? .geodesic : AreaMode(rawValue: areaText) else {
            throw root.error("area", "'\(areaText)' is not geodesic, planar or field:NAME (a numeric field of official areas in m², e.g. field:TBDLMJ)")
        }
        var project = Project(file: path, name: try root.string("name", default: "SoilMap project"), samples: samples,
                              parcels: parcels, townships: townships,
                              standard: StandardChoice(try root.string("standard", default: "gb15618")),
                              pollutants: pollutants, ph: ph, resolution: grid.resolution, crs: grid.crs, margin: grid.margin,
                              rasterLandUse: grid.landUse, rule: rule, area: area, outputDir: outputs.dir,
                              threads: try root.int("threads").flatMap { $0 > 0 ? $0 : nil })
        project.surfaceCompression = outputs.compression
        project.surfaceExtent = outputs.surfaces
        project.officialAreaField = officialAreaField
        if let cm = try root.map("crops") { project.crops = try Crops(cm, project: project) }
        if let cm = try root.map("classification") { project.classification = try Classification(cm) }
        // A threshold CSV is found beside the project file, like every other path in it.
        if case let .csv(p) = project.standard {
            project.standard = .csv(path: project.resolve(p))
            guard FileManager.default.fileExists(atPath: project.resolve(p)) else {
                throw root.error("standard", "'\(p)' is neither a standard (gb15618, gb36600-1, gb36600-2) nor a threshold CSV beside the project file")
            }
        }
        if let mm = try root.map("monitoring") { project.monitoring = try Monitoring(mm, project: project) }
        let names = pollutants.map { $0.name.lowercased() }
        if let dup = names.enumerated().first(where: { names.firstIndex(of: $0.element) != $0.offset }) {
            throw root.error("pollutants", "'\(pollutants[dup.offset].name)' is listed twice")
        }
        return project
    }

    /// The `interpolation:` section: defaults for every variable (16 nearest samples unless set).
    static func interpolationDefaults(_ root: YAMLMap) throws -> InterpolationSettings {
        var defaults = InterpolationSettings(method: .idw)
        if let im = try root.map("interpolation") {
            try im.checkKeys(["max_points", "min_points", "radius", "power", "model"])
            try applySettings(im, to: &defaults)
        }
        if defaults.maxPoints == nil { defaults.maxPoints = 16 }
        return defaults
    }

    /// The `pollutants:` list: names (`[Cd, Hg]`) or mappings (`{name: Cd, method: ok}`).
    static func pollutantVariables(_ root: YAMLMap, defaults: InterpolationSettings, path: String) throws -> [Variable] {
        guard let list = try root.list("pollutants") else {
            throw root.error("pollutants", "is required: a list such as [Cd, Hg, As, Pb, Cr]")
        }
        var pollutants: [Variable] = []
        for (i, n) in list.enumerated() {
            if case .scalar(let s) = n {
                var v = defaults
                v.method = .ok
                pollutants.append(Variable(name: s.string, field: s.string, method: .auto, settings: v, classify: true))
            } else {
                pollutants.append(try variable(try YAMLMap(file: path, keyPath: "pollutants[\(i)]", node: n), defaultName: nil,
                                               defaults: defaults))
            }
        }
        guard !pollutants.isEmpty else { throw root.error("pollutants", "is empty") }
        return pollutants
    }

    /// One variable's mapping (a pollutant, or `ph:`).
    static func variable(_ node: YAMLMap, defaultName: String?, defaults: InterpolationSettings) throws -> Variable {
        try node.checkKeys(["name", "field", "method", "max_points", "min_points", "radius", "power", "model", "classify"])
        let name = try node.string("name") ?? defaultName
        guard let name else { throw node.error("name", "is required (e.g. Cd)") }
        let text = try node.string("method", default: "auto").lowercased()
        guard let method = MethodChoice(text) else {
            throw node.error("method", "'\(text)' is not one of \(MethodChoice.names.joined(separator: ", "))")
        }
        var s = defaults
        if case .fixed(let m) = method { s.method = m } else { s.method = .ok }
        try applySettings(node, to: &s)
        return Variable(name: name, field: try node.string("field") ?? name, method: method, settings: s,
                        classify: try node.bool("classify") ?? true)
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

    /// A land use named in a section (`land_use:`), or nil when the key is absent.
    static func landUse(_ m: YAMLMap, _ key: String) throws -> LandUse? {
        guard let lu = try m.string(key) else { return nil }
        guard let v = LandUse(name: lu) else { throw m.error(key, "'\(lu)' is not paddy, other, orchard or rotation") }
        return v
    }

    /// A required string key of a section.
    static func required(_ m: YAMLMap, _ k: String) throws -> String {
        guard let v = try m.string(k) else { throw m.error(k, "is required") }
        return v
    }

    /// The `grid:` section.
    struct GridSection {
        var resolution = 10.0, margin = 100.0
        var crs: String? = nil
        var landUse = LandUse.other

        init(_ gm: YAMLMap?) throws {
            guard let gm else { return }
            try gm.checkKeys(["resolution", "crs", "margin", "land_use"])
            resolution = try gm.double("resolution") ?? resolution
            guard resolution > 0 else { throw gm.error("resolution", "must be positive (metres)") }
            margin = try gm.double("margin") ?? margin
            guard margin >= 0 else { throw gm.error("margin", "must be ≥ 0 (metres around the parcels)") }
            if let c = try gm.string("crs"), c.lowercased() != "auto" { crs = c }
            landUse = try Project.landUse(gm, "land_use") ?? landUse
        }
    }

    /// The `outputs:` section.
    struct OutputsSection {
        var dir = "soilmap-output"
        var compression = Compression.deflate
        var surfaces = SurfaceExtent.studyArea

        init(_ om: YAMLMap?) throws {
            guard let om else { return }
            try om.checkKeys(["dir", "compress", "surfaces"])
            if let e = try om.string("surfaces") {
                guard let v = SurfaceExtent(rawValue: e.lowercased()) else {
                    throw om.error("surfaces", "'\(e)' is not study_area (the default: the townships, the parcels and the monitoring rings; nodata elsewhere) or grid (the whole grid rectangle)")
                }
                surfaces = v
            }
            dir = try om.string("dir", default: dir)
            if let c = try om.string("compress") {
                guard let v = Compression(rawValue: c.uppercased()), v == .deflate || v == .zstd else {
                    throw om.error("compress", "'\(c)' is not deflate (the default, read by every GIS) or zstd (about half the CPU to write and read; QGIS and GDAL read it, ArcGIS 10.x does not)")
                }
                compression = v
            }
        }
    }
}

extension Project.Samples {
    /// The `samples:` section.
    init(_ sm: YAMLMap) throws {
        try sm.checkKeys(["path", "layer", "x", "y", "crs", "id", "encoding", "round", "below_detection"])
        self.init(path: try Project.required(sm, "path"))
        layer = try sm.string("layer")
        x = try sm.string("x")
        y = try sm.string("y")
        crs = try sm.string("crs")
        id = try sm.string("id")
        encoding = try sm.string("encoding")
        round = try sm.string("round")
        if let r = try sm.string("below_detection") {
            guard let rule = BelowDetectionRule(rawValue: r) else {
                throw sm.error("below_detection", "'\(r)' is not one of \(BelowDetectionRule.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            belowDetection = rule
        }
    }
}

extension Project.Parcels {
    /// The `parcels:` section.
    init(_ pm: YAMLMap) throws {
        try pm.checkKeys(["path", "layer", "id_field", "township_field", "land_use_field", "land_use_map", "land_use", "encoding"])
        self.init(path: try Project.required(pm, "path"))
        layer = try pm.string("layer")
        idField = try pm.string("id_field")
        townshipField = try pm.string("township_field")
        landUseField = try pm.string("land_use_field")
        landUseMap = try pm.stringPairs("land_use_map")
        encoding = try pm.string("encoding")
        defaultLandUse = try Project.landUse(pm, "land_use") ?? defaultLandUse
    }
}

extension Project.Townships {
    /// The `townships:` section.
    init(_ tm: YAMLMap) throws {
        try tm.checkKeys(["path", "layer", "name_field", "encoding"])
        self.init(path: try Project.required(tm, "path"), layer: try tm.string("layer"),
                  nameField: try Project.required(tm, "name_field"), encoding: try tm.string("encoding"))
    }
}

extension Project.Monitoring {
    /// The `monitoring:` section (paths resolved against `project`'s folder).
    init(_ mm: YAMLMap, project: Project) throws {
        try mm.checkKeys(["path", "layer", "id_field", "name_field", "rings", "land_use"])
        guard let rings = try mm.list("rings") else { throw mm.error("rings", "is required: ring limits in metres, e.g. [0, 500, 1000, 2000]") }
        let limits = try rings.map { n -> Double in
            guard case .scalar(let s) = n, let d = Double(s.string), d.isFinite else { throw mm.error("rings", "expected a list of distances in metres") }
            return d
        }
        guard limits.count >= 2, limits[0] >= 0, zip(limits, limits.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw mm.error("rings", "needs at least two distances in metres, increasing from 0 or more (e.g. [0, 500, 1000, 2000])")
        }
        self.init(path: project.resolve(try Project.required(mm, "path")), layer: try mm.string("layer"), idField: try mm.string("id_field"),
                  nameField: try mm.string("name_field"), rings: limits)
        landUse = try Project.landUse(mm, "land_use") ?? landUse
    }
}

extension Project.Crops {
    /// The `crops:` section (paths resolved against `project`'s folder).
    init(_ cm: YAMLMap, project: Project) throws {
        try cm.checkKeys(["path", "layer", "x", "y", "crs", "id", "encoding", "crop_field", "crop_map", "pair_field", "limits", "fields",
                          "inorganic_arsenic"])
        self.init(path: project.resolve(try Project.required(cm, "path")), cropField: try Project.required(cm, "crop_field"))
        layer = try cm.string("layer")
        x = try cm.string("x")
        y = try cm.string("y")
        crs = try cm.string("crs")
        id = try cm.string("id")
        encoding = try cm.string("encoding")
        cropMap = try cm.stringPairs("crop_map") ?? []
        pairField = try cm.string("pair_field")
        inorganicArsenic = try cm.bool("inorganic_arsenic") ?? false
        if let l = try cm.string("limits") {
            limits = l.lowercased() == "gb2762" || l.lowercased() == "gb2762-2022" ? "gb2762" : project.resolve(l)
            if limits != "gb2762" && !FileManager.default.fileExists(atPath: limits) {
                throw cm.error("limits", "'\(l)' is neither gb2762 nor a limits CSV beside the project file (columns pollutant,crop,limit_mg_per_kg,…)")
            }
        }
        // A list of contaminants named as their columns, or a mapping contaminant → column.
        if let names = try? cm.stringList("fields") {
            fields = names.map { ($0, $0) }
        } else if let pairs = try cm.stringPairs("fields") {
            fields = pairs
        }
    }
}

extension Project.Classification {
    /// The `classification:` section.
    init(_ m: YAMLMap) throws {
        try m.checkKeys(["unit_field", "village_field", "village_code_field", "township_code_field", "soil_class_from",
                         "point_land_use_distance", "area_difference", "min_crop_samples", "compliant_share", "severe_factor",
                         "measure_field", "measure_met_field"])
        self.init()
        unitField = try m.string("unit_field")
        villageField = try m.string("village_field")
        villageCodeField = try m.string("village_code_field")
        townshipCodeField = try m.string("township_code_field")
        if let s = try m.string("soil_class_from") {
            guard let v = Project.SoilClassSource(rawValue: s.lowercased()) else {
                throw m.error("soil_class_from", "'\(s)' is not surfaces (the parcel rule on the interpolated surfaces), points (the worst soil sample inside the unit) or both (the worse of the two)")
            }
            soilClassFrom = v
        }
        if let d = try m.double("point_land_use_distance") {
            guard d >= 0 else { throw m.error("point_land_use_distance", "must be ≥ 0 (metres)") }
            pointLandUseDistance = d
        }
        if let d = try m.double("area_difference") {
            guard d >= 0 else { throw m.error("area_difference", "must be ≥ 0 (a share, e.g. 0.05 for 5 %)") }
            areaDifference = d
        }
        if let n = try m.int("min_crop_samples") {
            guard n >= 1 else { throw m.error("min_crop_samples", "must be ≥ 1") }
            rules.minimumSamples = n
        }
        if let s = try m.double("compliant_share") {
            guard s > 0 && s <= 1 else { throw m.error("compliant_share", "must be a share in (0, 1], e.g. 0.65") }
            rules.compliantShare = s
        }
        if let f = try m.double("severe_factor") {
            guard f > 1 else { throw m.error("severe_factor", "must be > 1 (severe above this multiple of the limit, 2 by default)") }
            rules.severeFactor = f
        }
        measureField = try m.string("measure_field")
        measureMetField = try m.string("measure_met_field")
    }
}
