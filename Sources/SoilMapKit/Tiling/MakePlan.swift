import Foundation
import GeoIO
import GeoTypes
import Zonal

/// `soilmap plan`: reads the project, chooses every variable's method once (leave-one-out over all
/// samples), splits the grid into tiles and writes `plan.json` into `folder` (with an empty
/// `tiles/` folder for the tasks' results).
///
/// - Throws: ``InputError`` for bad inputs (as `soilmap run`), a tile count below 1 or above the
///   number of cells, a tile that would not fit in memory.
public func makePlan(_ project: Project, folder: String, layout: TileLayout, overwrite: Bool, threads: Int?,
                     progress: ProgressReporter) throws -> TilePlan {
    switch layout {
    case .count(let n) where n < 1:
        throw InputError(.invalidArgument, path: nil, "--tiles \(n): give at least 1 tile")
    case .size(let m) where !(m > 0 && m.isFinite):
        throw InputError(.invalidArgument, path: nil, "--tile-size \(m): give a tile side in metres > 0")
    default: break
    }
    let dir = absoluteFolder(folder)
    let ctx = try RunContext(threads: threads, project: project, outputDir: dir, folderKey: "-o/--output", overwrite: overwrite,
                             progress: progress)
    defer { ctx.finish() }
    ctx.begin("Reading inputs")
    let inputs = try RunInputs.read(project)
    let hashes = try inputFiles(project).map { [$0, try SHA256.hex(file: $0)] }
    // What the merge's official classification will read is checked now, not after every tile.
    _ = try CropSamples.read(project, in: inputs.working)
    try EvaluationUnits.checkAttributes(inputs)
    ctx.end("read inputs", "\(inputs.parcels.items.count) parcels, \(inputs.samples.coordinates.count) samples")
    // Unique parcel ids, checked here once for every tile (a tile sees only its own parcels).
    if let f = project.parcels.idField {
        try requireUniqueParcelIDs(inputs.parcels, idIndex: try inputs.parcels.requireField(f, option: SettingNames.projectFile.parcelIdField))
    }
    let grid = inputs.grid
    let (tr, tc) = layout.split(grid)
    guard tr <= grid.rows, tc <= grid.columns else {
        throw InputError(.invalidArgument, path: nil, "the grid has \(grid.columns) × \(grid.rows) cells; it cannot be split into \(tr) × \(tc) tiles — give fewer tiles or a larger --tile-size")
    }
    let tiles = try assignTiles(inputs, rows: tr, columns: tc, context: ctx)
    let biggest = tiles.map(\.window.cellCount).max()!
    let need = Double(biggest) * GridBudget.runBytesPerCell
    if need > 0.8 * GridBudget.physicalMemory {
        throw InputError(.invalidArgument, path: project.file,
                         "the largest tile computes \(biggest) cells, about \(String(format: "%.1f", need / 1_073_741_824)) GiB; this machine has \(String(format: "%.1f", GridBudget.physicalMemory / 1_073_741_824)) GiB — give more tiles or a smaller --tile-size")
    }
    let chosen = try chooseMethods(inputs, context: ctx)
    var plan = TilePlan(format: TilePlan.currentFormat, soilmapVersion: SoilMapVersion.string, soilmapBuild: TilePlan.currentBuild,
                        projectFile: URL(fileURLWithPath: project.file).standardizedFileURL.path, inputs: hashes,
                        workingCRS: inputs.workingDefinition, grid: grid, variables: chosen, methodWarnings: ctx.warnings,
                        tileRows: tr, tileColumns: tc, tiles: tiles, parcelCount: inputs.parcels.items.count, planID: "")
    plan.planID = plan.computedID()
    try ctx.files.write(try JSONEncoder.plan.encode(plan), to: ctx.finalPath(TilePlan.fileName))
    // The outputs of an earlier plan's merge no longer match: without its run.json (the
    // completion marker) the folder no longer looks like a whole run until the new merge.
    let marker = dir + "/run.json"
    if FileManager.default.fileExists(atPath: marker) {
        guard overwrite else {
            throw InputError(.outputExists, path: marker, "the folder holds the merged outputs of an earlier plan; pass --overwrite to replace the plan (then merge with --overwrite)")
        }
        try FileManager.default.removeItem(atPath: marker)
    }
    // Tiles of an earlier plan in this folder would be refused by the merge; remove them now.
    let tilesDir = dir + "/tiles"
    if FileManager.default.fileExists(atPath: tilesDir) {
        guard overwrite else {
            throw InputError(.outputExists, path: tilesDir, "holds the tiles of an earlier plan; pass --overwrite to replace the plan and remove them")
        }
        try FileManager.default.removeItem(atPath: tilesDir)
    }
    try FileManager.default.createDirectory(atPath: tilesDir, withIntermediateDirectories: true)
    try ctx.files.commit()
    return plan
}

/// The tiles of a plan: `rows` × `columns` core windows of the grid, each parcel given whole to
/// the tile holding its representative point (GEOS point-on-surface), and each tile's window
/// widened to cover its parcels' cells.
func assignTiles(_ inputs: RunInputs, rows tr: Int, columns tc: Int, context ctx: RunContext) throws -> [TilePlan.Tile] {
    let grid = inputs.grid
    ctx.begin("Assigning parcels to tiles")
    let cores = coreWindows(grid, rows: tr, columns: tc)
    var windows = cores, counts = [Int](repeating: 0, count: cores.count)
    let rowStarts = (0..<tr).map { $0 * grid.rows / tr }, colStarts = (0..<tc).map { $0 * grid.columns / tc }
    for (k, g) in inputs.parcelGeometries.enumerated() {
        let place: (row: Int, column: Int, window: GridWindow)
        do { place = try parcelPlacement(g, grid: grid) } catch {
            throw InputError(.badValue, path: inputs.parcels.path, location: "feature \(inputs.parcels.items[k].fid)", "no representative point: \(error)")
        }
        let ty = rowStarts.lastIndex { $0 <= place.row }!, tx = colStarts.lastIndex { $0 <= place.column }!
        let t = ty * tc + tx
        windows[t] = windows[t].union(place.window)
        counts[t] += 1
    }
    let tiles = cores.indices.map { TilePlan.Tile(index: $0, core: cores[$0], window: windows[$0], parcels: counts[$0]) }
    ctx.end("tiles", "\(tiles.count) tiles of \(tr) × \(tc)")
    return tiles
}
