import Foundation
import GeoIO
import GeoTypes
import Standards

/// `soilmap tile`: computes one tile of a plan into `tiles/NNNN/` beside the plan: its surfaces,
/// class and controlling rasters over the tile's window (plain tiled GeoTIFFs), and the results
/// of its parcels (`parcels.json`), then `tile.json` last, so that a tile killed half-way is seen
/// by the merge as missing.
///
/// Memory: the cells are streamed by row blocks as in a whole run, and only the parcels whose
/// bounding box meets the tile's core are read, so a task's memory depends on its tile's size
/// and the sample count, not on the province.
///
/// - Throws: ``PipelineError`` for a plan of another SoilMap version or changed inputs, a tile
///   already complete (without `overwrite`), another task computing the same tile (its folder is
///   locked), parcels that no longer match the plan; ``InputError`` for an index outside the plan.
public func runTile(planPath: String, options: TileOptions, progress: ProgressReporter) throws -> TileRecord {
    let started = Date()
    let plan = try TilePlan.load(path: planPath)
    let index = try options.resolvedIndex()
    guard plan.tiles.indices.contains(index) else {
        throw InputError(.invalidArgument, path: planPath, "tile index \(index) is outside the plan's \(plan.tiles.count) tiles (0–\(plan.tiles.count - 1))")
    }
    let tile = plan.tiles[index]
    let project = try plan.checkInputs()
    let planDir = URL(fileURLWithPath: planPath).standardizedFileURL.deletingLastPathComponent().path
    let ctx = try RunContext(threads: options.threads, project: project, outputDir: TilePlan.tileFolder(planDir, index),
                             folderKey: "tile \(index)", overwrite: true, progress: progress, started: started)
    defer { ctx.finish() }
    let marker = ctx.finalPath(TileRecord.fileName)
    if FileManager.default.fileExists(atPath: marker) && !options.overwrite {
        throw PipelineError(.tileComplete, path: marker, "tile \(index) is already complete; pass --overwrite to compute it again")
    }

    ctx.begin("Reading inputs near tile \(index)")
    let (inputs, studyArea, surfaceMask, cellLandUses) = try readTileInputs(project, plan: plan, index: index)
    ctx.end("read inputs", "\(inputs.parcels.items.count) parcels, \(tile.window.cellCount) cells")

    let surfaces = try interpolateVariables(inputs, chosen: plan.variables, window: tile.window, mask: surfaceMask, layout: .gtiff,
                                            context: ctx)
    _ = try classifyStudyArea(inputs, surfaces: surfaces, mask: studyArea, cellLandUses: cellLandUses, layout: .gtiff, context: ctx)
    ctx.begin("Parcels: coverage, statistics, classes, areas")
    var stored: [StoredParcel] = []
    if !inputs.parcels.items.isEmpty {
        stored = try analyseRunParcels(inputs, surfaces: surfaces, tile: (plan.grid, tile.window), context: ctx).parcels.map(StoredParcel.init)
    }
    try ctx.files.write(try JSONEncoder.plan.encode(stored), to: ctx.finalPath("parcels.json"))
    ctx.end("parcels", "\(inputs.parcels.items.count) parcels")

    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    let rasters = surfaces.rasters.flatMap { $0.files.map(\.file) } + ["class.tif", "controlling.tif"]
    let record = TileRecord(planID: plan.planID, index: index, window: tile.window, parcels: inputs.parcels.items.count, rasters: rasters,
                            peakMemory: Int(usage.ru_maxrss) * 1024, seconds: Date().timeIntervalSince(ctx.started),
                            timings: Dictionary(ctx.timings, uniquingKeysWith: { a, _ in a }),
                            host: ProcessInfo.processInfo.hostName)
    try ctx.files.write(try JSONEncoder.plan.encode(record), to: marker)
    try ctx.files.commit()
    return record
}

/// The inputs of tile `index`: its own parcels (those whose representative point falls in its
/// core), checked against the plan, and the study-area and surface masks over its window.
///
/// The study area and the cells' land uses are the whole run's: the townships, else the parcels read for this tile (every
/// parcel meeting its core, not only its own): exact in the core, which is all the merge takes
/// of the class rasters (without townships, halo cells may miss parcels). The surfaces' cells
/// are the whole run's too: exact in the core and covering this tile's own parcels.
func readTileInputs(_ project: Project, plan: TilePlan, index: Int)
    throws -> (RunInputs, studyArea: [Bool], surfaceMask: [Bool]?, cellLandUses: CellLandUses) {
    let tile = plan.tiles[index], grid = plan.grid
    var inputs = try RunInputs.read(project, workingDefinition: plan.workingCRS, grid: grid,
                                    parcelsNear: grid.subgrid(tile.core).extent)
    let near = inputs.parcels, nearGeometries = inputs.parcelGeometries
    var mine: [Int] = [], window = tile.core
    for (k, g) in nearGeometries.enumerated() {
        let place = try parcelPlacement(g, grid: grid)
        if tile.core.contains(row: place.row, column: place.column) {
            mine.append(k)
            window = window.union(place.window)
        }
    }
    guard mine.count == tile.parcels, window == tile.window else {
        throw PipelineError(.stalePlan, path: near.path,
                            "tile \(index) holds \(mine.count) parcels over \(window) but the plan says \(tile.parcels) over \(tile.window); the parcels have changed since the plan was made — make the plan again")
    }
    let studyArea = coverageMask(of: try inputs.studyAreaPolygons(), on: grid, window: tile.window)
    let surfaceMask = try inputs.surfaceMask(window: tile.window, studyArea: studyArea)
    // Cells' land uses from every parcel read for the tile, exact in its core as the study area.
    let cellLandUses = try inputs.cellLandUses(window: tile.window)
    inputs.parcels.items = mine.map { near.items[$0] }
    inputs.parcelGeometries = mine.map { nearGeometries[$0] }
    return (inputs, studyArea, surfaceMask, cellLandUses)
}
