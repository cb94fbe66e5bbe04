import Foundation
import GeoIO
import GeoTypes
import Standards

/// What a finished tile leaves for the merge (`tiles/NNNN/tile.json`, written last).
public struct TileRecord: Codable, Sendable {
    public static let fileName = "tile.json"
    public var planID: String
    public var index: Int
    public var window: GridWindow
    public var parcels: Int
    /// Raster files (in the tile's folder) by output name (`Cd.tif`, `class.tif` …).
    public var rasters: [String]
    /// Peak resident memory of the task (bytes, `getrusage` `ru_maxrss`).
    public var peakMemory: Int
    public var seconds: Double
    public var timings: [String: Double]
    public var host: String
}

/// One parcel's results as a tile stores them: every Double as its IEEE bit pattern, so the merge
/// reads back exactly what was computed.
struct StoredParcel: Codable {
    var fid: Int64
    var id: String
    var zone: String
    var landUse: String
    var area: UInt64
    var means: [UInt64]
    var maxima: [UInt64]
    var exceedance: [UInt64]
    var shares: [UInt64]
    var dataFraction: UInt64
    var soilClass: UInt8
    var controlling: Int?

    init(_ p: ParcelResult) {
        fid = p.fid; id = p.id; zone = p.zone; landUse = p.landUse.rawValue
        area = p.area.bitPattern; means = p.means.map(\.bitPattern); maxima = p.maxima.map(\.bitPattern)
        exceedance = p.exceedance.map(\.bitPattern); shares = p.shares.map(\.bitPattern)
        dataFraction = p.dataFraction.bitPattern; soilClass = p.soilClass.rawValue; controlling = p.controlling
    }

    func result(file: String) throws -> ParcelResult {
        guard let lu = LandUse(rawValue: landUse), let c = SoilClass(rawValue: soilClass) else {
            throw InputError(.badValue, path: file, location: "parcel feature \(fid)", "unknown land use '\(landUse)' or class \(soilClass); run the tile again")
        }
        func d(_ a: [UInt64]) -> [Double] { a.map(Double.init(bitPattern:)) }
        return ParcelResult(fid: fid, id: id, zone: zone, landUse: lu, area: Double(bitPattern: area), means: d(means),
                            maxima: d(maxima), exceedance: d(exceedance), shares: d(shares),
                            dataFraction: Double(bitPattern: dataFraction), soilClass: c, controlling: controlling)
    }
}

/// Options of `soilmap tile`.
public struct TileOptions: Sendable {
    /// The tile; nil takes `SLURM_ARRAY_TASK_ID`, then `JOB_COMPLETION_INDEX` (Kubernetes Indexed Jobs).
    public var index: Int?
    public var overwrite: Bool
    public var threads: Int?
    public init(index: Int? = nil, overwrite: Bool = false, threads: Int? = nil) {
        self.index = index
        self.overwrite = overwrite
        self.threads = threads
    }

    /// The index from the options or the array-task environment.
    func resolvedIndex(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
        if let index { return index }
        for key in ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"] {
            if let v = env[key] {
                guard let i = Int(v.trimmingCharacters(in: .whitespaces)) else {
                    throw InputError(.invalidArgument, path: nil, "\(key)='\(v)' is not a tile index; give --index I")
                }
                return i
            }
        }
        throw InputError(.invalidArgument, path: nil,
                         "no tile index: give --index I, or run as a Slurm array task (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)")
    }
}

/// `soilmap tile`: computes one tile of a plan into `tiles/NNNN/` beside the plan: its surfaces,
/// class and controlling rasters over the tile's window (plain tiled GeoTIFFs), and the results
/// of its parcels (`parcels.json`), then `tile.json` last, so that a tile killed half-way is seen
/// by the merge as missing.
///
/// Memory: the cells are streamed by row blocks as in a whole run, and only the parcels whose
/// bounding box meets the tile's core are read, so a task's memory depends on its tile's size
/// and the sample count, not on the province.
///
/// - Throws: ``InputError`` for a plan of another SoilMap version or changed inputs, an index
///   outside the plan, a tile already complete (without `overwrite`), another task computing the
///   same tile (its folder is locked), parcels that no longer match the plan.
public func runTile(planPath: String, options: TileOptions, progress: ProgressReporter) throws -> TileRecord {
    let t0 = Date()
    let plan = try TilePlan.load(path: planPath)
    let index = try options.resolvedIndex()
    guard plan.tiles.indices.contains(index) else {
        throw InputError(.invalidArgument, path: planPath, "tile index \(index) is outside the plan's \(plan.tiles.count) tiles (0–\(plan.tiles.count - 1))")
    }
    let tile = plan.tiles[index]
    let project = try plan.checkInputs()
    let threads = max(options.threads ?? project.threads ?? ProcessInfo.processInfo.activeProcessorCount, 1)
    let planDir = URL(fileURLWithPath: planPath).standardizedFileURL.deletingLastPathComponent().path
    let dir = TilePlan.tileFolder(planDir, index)
    let lock = try OutputFolder(dir, key: "tile \(index)")
    defer { lock.release() }
    let marker = dir + "/" + TileRecord.fileName
    if FileManager.default.fileExists(atPath: marker) && !options.overwrite {
        throw InputError(.outputExists, path: marker, "tile \(index) is already complete; pass --overwrite to compute it again")
    }
    if ProcessInfo.processInfo.environment["GDAL_CACHEMAX"] == nil { GDALConfiguration.setBlockCacheSize(bytes: 256 << 20) }
    let files = OutputFiles(overwrite: true)
    func out(_ name: String) throws -> String { try files.temporaryPath(for: dir + "/" + name) }
    var timings: [(String, Double)] = []
    var warnings: [String] = []

    progress.begin("Reading inputs near tile \(index)")
    let grid = plan.grid
    var inputs = try RunInputs.read(project, workingDefinition: plan.workingCRS, grid: grid,
                                    parcelsNear: grid.subgrid(tile.core).extent)
    // The tile's parcels: those whose representative point falls in its core.
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
        throw InputError(.badValue, path: near.path,
                         "tile \(index) holds \(mine.count) parcels over \(window) but the plan says \(tile.parcels) over \(tile.window); the parcels have changed since the plan was made — make the plan again")
    }
    // The study area as in a whole run: the townships, else the parcels read for this tile
    // (every parcel meeting its core, not only its own): exact in the core, which is all the
    // merge takes of the class rasters (without townships, halo cells may miss parcels).
    let studyArea = coverageMask(of: try inputs.studyAreaPolygons(), on: grid, window: tile.window)
    // The surfaces' cells as in a whole run: exact in the core (every parcel meeting it is read)
    // and covering this tile's own parcels.
    let surfaceMask = try inputs.surfaceMask(window: tile.window, studyArea: studyArea)
    inputs.parcels.items = mine.map { near.items[$0] }
    inputs.parcelGeometries = mine.map { nearGeometries[$0] }
    timings.append(("read inputs", progress.end("\(mine.count) parcels, \(tile.window.cellCount) cells")))

    let surfaces = try interpolateVariables(inputs, chosen: plan.variables, window: tile.window, mask: surfaceMask, layout: .gtiff,
                                            threads: threads,
                                            progress: progress, timings: &timings, warnings: &warnings, path: out)
    progress.begin("Classifying cells")
    let counted = classifiedSurfaces(project, surfaces)
    _ = try runClassify(surfaces: counted, phPath: surfaces.paths[project.ph.name], phValue: nil, standard: project.standard,
                        landUse: project.rasterLandUse, output: try out("class.tif"), controllingOutput: try out("controlling.tif"),
                        overwrite: true, threads: threads, mask: studyArea, layout: .gtiff)
    timings.append(("classify cells", progress.end()))

    progress.begin("Parcels: coverage, statistics, classes, areas")
    var stored: [StoredParcel] = []
    if !mine.isEmpty {
        let analysis = try analyseParcels(parcelsPath: near.path, layer: project.parcels.layer, surfaces: counted,
                                          phPath: surfaces.paths[project.ph.name], phValue: nil, exceedance: surfaces.exceedance,
                                          settings: try inputs.parcelSettings(threads: threads), preloaded: inputs.parcels,
                                          preloadedZones: inputs.townships, tile: (grid, tile.window))
        stored = analysis.parcels.map(StoredParcel.init)
    }
    try files.write(try JSONEncoder.plan.encode(stored), to: dir + "/parcels.json")
    timings.append(("parcels", progress.end("\(mine.count) parcels")))

    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    let rasters = surfaces.rasters.flatMap { $0.files.map(\.file) } + ["class.tif", "controlling.tif"]
    let record = TileRecord(planID: plan.planID, index: index, window: tile.window, parcels: mine.count, rasters: rasters,
                            peakMemory: Int(usage.ru_maxrss) * 1024, seconds: Date().timeIntervalSince(t0),
                            timings: Dictionary(timings, uniquingKeysWith: { a, _ in a }),
                            host: ProcessInfo.processInfo.hostName)
    try files.write(try JSONEncoder.plan.encode(record), to: marker)
    try files.commit()
    return record
}
