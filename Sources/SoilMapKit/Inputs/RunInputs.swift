import Foundation
import GeoIO
import GeoTypes
import Geostat
import Standards
import Zonal

/// The inputs of a run, read once: parcels, samples and townships, the working CRS and the grid.
///
/// A whole run (``runProject(_:options:progress:)``), a plan and a merge read everything; a tile of
/// a tiled run reads the parcels near its window only and takes the grid and CRS from the plan.
struct RunInputs {
    var project: Project
    var parcels: PolygonLayer
    var parcelCRS: CRS
    /// How the working CRS was chosen: nil for the parcels' own CRS, else the definition given to
    /// ``CRS/init(_:)`` (the project's `grid.crs`, or the EPSG code of the Gauss-Krüger zone).
    var workingDefinition: String?
    var working: CRS
    /// The parcels in the working CRS, in the order of `parcels.items`.
    var parcelGeometries: [Geometry]
    var reader: SampleReader
    var samples: SampleTable
    var townships: PolygonLayer?
    var grid: GridSpec
    var standardTable: ThresholdTable
    var warnings: [String] = []

    /// Reads every input of `project` and lays the grid over the parcels (snapped to the resolution).
    static func read(_ project: Project) throws -> RunInputs {
        let parcelsPath = project.resolve(project.parcels.path)
        var parcels = try PolygonLayer.read(path: parcelsPath, layer: project.parcels.layer, encoding: project.parcels.encoding,
                                            encodingOption: SettingNames.projectFile.parcelsEncoding)
        let excluded = try parcels.keepFarmland(project)
        guard !parcels.items.isEmpty || excluded == nil else {
            throw InputError(.badValue, path: parcelsPath, "no parcel is farmland: \(excluded!); parcels.land_use_field names the land-use field (三调 DLBM codes or DLMC names), and land_use_map can map other values to paddy, other or orchard")
        }
        guard let parcelCRS = parcels.crs else {
            throw InputError(.badValue, path: parcelsPath, "the parcels have no CRS; add a .prj or use a GeoPackage")
        }
        guard let parcelExtent0 = Extent(enclosing: parcels.items.flatMap { $0.geometry.allCoordinates }) else {
            throw InputError(.badValue, path: parcelsPath, "the parcels have no coordinates")
        }
        var definition: String? = project.crs
        if definition == nil && !parcelCRS.isProjected {
            let centre = try Transformer(from: parcelCRS, to: try CRS(epsg: 4326)).transform(parcelExtent0.center)
            definition = "EPSG:\(try WorkingCRS.gaussKruger(forLongitude: centre.x).epsg!)"
        }
        let working = try definition.map { try CRS($0) } ?? parcelCRS
        guard working.isProjected else {
            throw InputError(.invalidArgument, path: project.file, "grid.crs \(working.shortName) is not projected; interpolation needs distances in metres")
        }
        // The parcels in the working CRS, transformed once (grid extent here, study-area mask later).
        let geometries = try parcels.geometries(in: working)
        let parcelExtent = working.isEquivalent(to: parcelCRS) ? parcelExtent0 : Extent(enclosing: geometries.flatMap(\.allCoordinates))!
        // The grid over the parcels, snapped to the resolution.
        let r = project.resolution
        let ext = Extent(minX: ((parcelExtent.minX - project.margin) / r).rounded(.down) * r,
                         minY: ((parcelExtent.minY - project.margin) / r).rounded(.down) * r,
                         maxX: ((parcelExtent.maxX + project.margin) / r).rounded(.up) * r,
                         maxY: ((parcelExtent.maxY + project.margin) / r).rounded(.up) * r)
        var inputs = try RunInputs(project: project, parcels: parcels, parcelCRS: parcelCRS, workingDefinition: definition,
                                   working: working, geometries: geometries, grid: try GridSpec(extent: ext, cellWidth: r, cellHeight: r))
        if let excluded {
            inputs.warnings.append("\(parcelsPath): parcels that are not farmland are left out of the classification: \(excluded)")
        }
        guard let sampleExtent = Extent(enclosing: inputs.samples.coordinates), sampleExtent.intersects(parcelExtent) else {
            throw InputError(.badValue, path: inputs.samples.path,
                             "the samples (extent \(Extent(enclosing: inputs.samples.coordinates).map { "\($0)" } ?? "empty")) and the parcels (\(parcelExtent) in \(working.shortName)) do not overlap; check the samples' CRS (samples.crs; lon/lat swapped?) and the parcels' CRS (\(parcelCRS.shortName), from the file's .prj or GeoPackage)")
        }
        return inputs
    }

    /// Reads the inputs of one tile of a tiled run: the parcels whose bounding box meets `extent`
    /// (working CRS units), every sample and township; the working CRS and grid are the plan's.
    static func read(_ project: Project, workingDefinition: String?, grid: GridSpec, parcelsNear extent: Extent) throws -> RunInputs {
        let parcelsPath = project.resolve(project.parcels.path)
        // The layer's CRS (from its definition, before any feature is read) decides how the
        // extent is filtered.
        guard let parcelCRS = try VectorDataset(path: parcelsPath).layer(named: project.parcels.layer).crs else {
            throw InputError(.badValue, path: parcelsPath, "the parcels have no CRS; add a .prj or use a GeoPackage")
        }
        let working = try workingDefinition.map { try CRS($0) } ?? parcelCRS
        var filter = extent
        if !working.isEquivalent(to: parcelCRS) {
            // The window's outline (densified) in the parcels' CRS, widened by 1 %: a superset
            // of the features whose representative point lies in the window.
            let t = try Transformer(from: working, to: parcelCRS)
            var pts: [Coordinate] = []
            for k in 0...32 {
                let f = Double(k) / 32
                let x = extent.minX + f * extent.width, y = extent.minY + f * extent.height
                pts += [Coordinate(x: x, y: extent.minY), Coordinate(x: x, y: extent.maxY),
                        Coordinate(x: extent.minX, y: y), Coordinate(x: extent.maxX, y: y)]
            }
            let e = Extent(enclosing: try pts.map { try t.transform($0) })!
            filter = Extent(minX: e.minX - 0.01 * e.width, minY: e.minY - 0.01 * e.height,
                            maxX: e.maxX + 0.01 * e.width, maxY: e.maxY + 0.01 * e.height)
        }
        var parcels = try PolygonLayer.read(path: parcelsPath, layer: project.parcels.layer, encoding: project.parcels.encoding,
                                            encodingOption: SettingNames.projectFile.parcelsEncoding, within: filter)
        _ = try parcels.keepFarmland(project)
        return try RunInputs(project: project, parcels: parcels, parcelCRS: parcelCRS, workingDefinition: workingDefinition,
                             working: working, geometries: try parcels.geometries(in: working), grid: grid)
    }

    /// Samples, townships and the standard, shared by both readers.
    private init(project: Project, parcels: PolygonLayer, parcelCRS: CRS, workingDefinition: String?, working: CRS,
                 geometries: [Geometry], grid: GridSpec) throws {
        self.grid = grid
        self.project = project
        self.parcels = parcels
        self.parcelCRS = parcelCRS
        self.workingDefinition = workingDefinition
        self.working = working
        self.parcelGeometries = geometries
        warnings += parcels.warnings
        let samplesPath = project.resolve(project.samples.path)
        reader = SampleReader(path: samplesPath, layer: project.samples.layer, xField: project.samples.x, yField: project.samples.y,
                              sourceCRS: try project.samples.crs.map(CRS.init), idField: project.samples.id, allowUnknownCRS: false,
                              encoding: project.samples.encoding, names: .projectFile)
        reader.round = project.samples.round
        samples = try reader.read(targetCRS: working)
        warnings += samples.warnings
        if let t = project.townships {
            let layer = try PolygonLayer.read(path: project.resolve(t.path), layer: t.layer, encoding: t.encoding,
                                              encodingOption: "townships.encoding")
            warnings += layer.warnings
            _ = try layer.requireField(t.nameField, option: "townships.name_field")
            townships = layer
        }
        standardTable = try project.standard.table()
    }

    /// The study area's polygons in the working CRS: the townships if given, else the parcels.
    func studyAreaPolygons() throws -> [Polygon] {
        if let townships { return try townships.geometries(in: working, assuming: parcelCRS).flatMap(\.polygons) }
        return parcelGeometries.flatMap(\.polygons)
    }

    /// The cells of `window` that a run's surfaces hold (row-major, window size), or nil for all
    /// (`outputs.surfaces: grid`): the study area (`studyArea`, the cells of
    /// ``studyAreaPolygons()`` in the window), each parcel's bounding box one cell wider (as
    /// ``parcelPlacement(_:grid:)`` takes it for a tile's window), and the
    /// reach of the monitoring rings (the outer ring's buffer, two cells wider), so that classes,
    /// parcels and rings read the same values as from whole-grid surfaces. Cells are decided on
    /// the whole grid, so a tile's mask is the whole run's in its cells, given the parcels that
    /// meet the tile.
    func surfaceMask(window: GridWindow, studyArea: [Bool]) throws -> [Bool]? {
        guard project.surfaceExtent == .studyArea else { return nil }
        var mask = studyArea
        for g in parcelGeometries {
            // The cells a parcel's coverage can touch, as a tile's window takes them (parcelPlacement).
            let cells = ExactCoverage.window(of: g.polygons, on: grid).expanded(by: 1, within: grid).intersection(window)
            for r in cells.firstRow..<cells.endRow {
                let base = (r - window.firstRow) * window.columns - window.firstColumn
                for c in cells.firstColumn..<cells.endColumn { mask[base + c] = true }
            }
        }
        if let m = project.monitoring {
            let enterprises = try EnterpriseLayer.read(path: project.resolve(m.path), layer: m.layer, settings: m.settings(project))
            let reach = try enterprises.reach(distance: m.rings.max()! + 2 * max(grid.cellWidth, grid.cellHeight), in: working)
            let ringCells = coverageMask(of: reach.flatMap(\.polygons), on: grid, window: window)
            for k in mask.indices where ringCells[k] { mask[k] = true }
        }
        return mask
    }

    /// The GB 15618 land use of every parcel, in order (``parcelLandUse(_:in:field:settings:)``).
    func parcelLandUses() throws -> [LandUse] {
        let settings = try parcelSettings(threads: 1)
        let field = try settings.landUseField.map { try parcels.requireField($0, option: settings.names.landUseField) }
        return try parcels.items.map { try parcelLandUse($0, in: parcels, field: field, settings: settings) }
    }

    /// The land use of every cell of `window`: the parcel's own inside a parcel, the project's
    /// `grid.land_use` elsewhere (``CellLandUses``).
    func cellLandUses(window: GridWindow) throws -> CellLandUses {
        CellLandUses(parcels: parcelGeometries, landUses: try parcelLandUses(), default: project.rasterLandUse, grid: grid, window: window)
    }

    /// Settings of the parcel analysis from the project.
    func parcelSettings(threads: Int) throws -> ParcelSettings {
        var settings = ParcelSettings()
        settings.standard = project.standard
        settings.landUseField = project.parcels.landUseField
        if let m = project.parcels.landUseMap {
            settings.landUseMapping = try LandUseMapping(parse: m.map { "\($0.0)=\($0.1)" }.joined(separator: ","))
        }
        settings.defaultLandUse = project.parcels.defaultLandUse
        settings.rule = project.rule
        settings.areaMode = project.area
        settings.idField = project.parcels.idField
        settings.encoding = project.parcels.encoding
        settings.threads = threads
        settings.names = .projectFile
        if let f = project.parcels.townshipField {
            settings.zones = .field(f)
        } else if let t = project.townships {
            settings.zones = .polygons(path: project.resolve(t.path), layer: t.layer, nameField: t.nameField)
        }
        return settings
    }
}

extension PolygonLayer {
    /// Leaves out the parcels whose land-use value is a land-survey class that is not farmland
    /// (GB/T 21010: 林地, 草地, construction land, water …; ``FarmlandGroup/other``) and that the
    /// project's `land_use_map` does not map; returns what was left out ("0301 乔木林地: 12, …"),
    /// or nil when nothing was.
    mutating func keepFarmland(_ project: Project) throws -> String? {
        guard let f = project.parcels.landUseField else { return nil }
        let i = try requireField(f, option: SettingNames.projectFile.landUseField)
        let mapped = Set((project.parcels.landUseMap ?? []).map { $0.0.trimmingCharacters(in: .whitespaces) })
        var counts: [String: Int] = [:], order: [String] = []
        items.removeAll { item in
            let raw = item.values[i].text.trimmingCharacters(in: .whitespaces)
            guard !mapped.contains(raw), let c = LandSurveyCodes.lookup(raw), c.group == .other else { return false }
            let key = "\(c.code) \(c.name)"
            if counts[key] == nil { order.append(key) }
            counts[key, default: 0] += 1
            return true
        }
        guard !order.isEmpty else { return nil }
        return "\(counts.values.reduce(0, +)) parcel(s) — " + order.map { "\($0): \(counts[$0]!)" }.joined(separator: ", ")
    }
}
