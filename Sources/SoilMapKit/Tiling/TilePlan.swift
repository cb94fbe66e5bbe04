import Foundation
import GeoIO
import GeoTypes
import Zonal

/// The plan of a tiled run (`soilmap plan`): what is decided once for the whole project, and how
/// its grid is split into tiles that separate tasks compute (`soilmap tile`) before one merge
/// (`soilmap merge`) writes the same outputs as `soilmap run`, bit for bit.
///
/// - Decided once: the grid, the working CRS, and every variable's method and fitted variogram
///   (leave-one-out over all samples), so no tile fits anything.
/// - Tiles: the grid's cells are split into `rows × columns` core windows (row-major from the
///   north-west). Each parcel belongs to the tile whose core holds the cell of its representative
///   point (GEOS point-on-surface, in the working CRS), and a tile computes its core plus a halo
///   that covers its parcels' cells (one cell wider on each side). Every tile loads all samples,
///   so the interpolation neighbourhood needs no halo of its own: a cell's value depends on its
///   coordinates and the samples only.
/// - Guards: the plan records SoilMap's version and the SHA-256 of every input file; tiles and
///   merge refuse a plan whose version or inputs differ, and the merge refuses tiles made for
///   another plan (``planID``).
public struct TilePlan: Codable, Sendable {
    public static let fileName = "plan.json"
    public static let currentFormat = 1

    public struct Tile: Codable, Sendable, Hashable {
        public var index: Int
        /// The cells this tile contributes to the merged rasters.
        public var core: GridWindow
        /// The cells it computes: the core and the cells of its parcels.
        public var window: GridWindow
        /// Parcels assigned to it.
        public var parcels: Int
    }

    public var format: Int
    public var soilmapVersion: String
    /// SHA-256 of the `soilmap` executable (or test runner) that made the plan: the version string
    /// does not change with every build, and tiles computed by different builds could differ in
    /// their last bits, so every task and the merge must run the same build.
    public var soilmapBuild: String
    /// The project file, absolute.
    public var projectFile: String
    /// (absolute path, SHA-256) of every input file, as in `run.json`.
    public var inputs: [[String]]
    /// Nil: the parcels' own CRS; else the definition of the working CRS.
    public var workingCRS: String?
    public var grid: GridSpec
    /// Per variable (pH first, then the pollutants in project order): the chosen method and every
    /// candidate's cross-validation.
    public var variables: [VariableRun]
    /// Warnings of choosing the methods (they go into the merged report).
    public var methodWarnings: [String]
    public var tileRows: Int
    public var tileColumns: Int
    public var tiles: [Tile]
    public var parcelCount: Int
    /// SHA-256 of this plan's content (without this field); tiles carry it.
    public var planID: String

    /// The folder of tile `index` inside the plan's folder.
    public static func tileFolder(_ planFolder: String, _ index: Int) -> String {
        planFolder + "/tiles/" + String(format: "%04d", index)
    }

    /// Reads a plan file and checks it was made by this version of SoilMap.
    public static func load(path: String) throws -> TilePlan {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(.fileNotFound, path: path, "no such plan file; make one with soilmap plan PROJECT -o DIR --tiles N")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let plan: TilePlan
        do {
            plan = try JSONDecoder.plan.decode(TilePlan.self, from: data)
        } catch {
            throw InputError(.badValue, path: path, "is not a SoilMap plan (\(error)); make one with soilmap plan PROJECT -o DIR --tiles N")
        }
        guard plan.format == currentFormat, plan.soilmapVersion == SoilMapVersion.string else {
            throw PipelineError(.foreignPlan, path: path,
                             "was made by SoilMap \(plan.soilmapVersion) (plan format \(plan.format)); this is SoilMap \(SoilMapVersion.string) (format \(currentFormat)) — make the plan again with this version, and run its tiles with it")
        }
        guard plan.soilmapBuild == TilePlan.currentBuild else {
            throw PipelineError(.foreignPlan, path: path,
                             "was made by another build of SoilMap \(plan.soilmapVersion) (its executable's SHA-256 differs); run the plan, every tile and the merge with the same soilmap binary, or make the plan again with this one")
        }
        guard plan.planID == plan.computedID() else {
            throw PipelineError(.foreignPlan, path: path, "has been edited since it was made (its content does not match its plan_id); make the plan again")
        }
        return plan
    }

    /// Checks that the project's input files are still those the plan was made from.
    func checkInputs() throws -> Project {
        let project = try Project.load(path: projectFile)
        let now = try inputFiles(project).map { [$0, try SHA256.hex(file: $0)] }
        let before = Dictionary(inputs.map { ($0[0], $0[1]) }, uniquingKeysWith: { a, _ in a })
        let present = Set(now.map { $0[0] })
        for pair in inputs where !present.contains(pair[0]) {
            throw PipelineError(.stalePlan, path: pair[0], "was an input when the plan was made but is gone (or no longer used); make the plan again")
        }
        for pair in now where before[pair[0]] != pair[1] {
            throw PipelineError(.stalePlan, path: pair[0],
                             before[pair[0]] == nil
                                 ? "is an input of the project now but was not when the plan was made; make the plan again"
                                 : "has changed since the plan was made (SHA-256 differs); make the plan again, then run every tile")
        }
        return project
    }

    /// SHA-256 of the running executable, computed once per process.
    static let currentBuild: String = (try? SHA256.hex(file: "/proc/self/exe"))
        ?? (try? SHA256.hex(file: CommandLine.arguments[0])) ?? "unknown"

    func computedID() -> String {
        var copy = self
        copy.planID = ""
        return SHA256.hex((try? JSONEncoder.plan.encode(copy)) ?? Data())
    }
}

extension JSONEncoder {
    /// Sorted keys, and NaN and infinities as strings: every Double round-trips exactly.
    static var plan: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }
}

extension JSONDecoder {
    static var plan: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}

/// How the grid is split.
public enum TileLayout: Sendable, Equatable {
    /// Exactly this many tiles, as near square as the factors of the count allow.
    case count(Int)
    /// Tiles of at most this side (metres, or the working CRS's units).
    case size(Double)

    /// Tile rows and columns for a grid.
    func split(_ grid: GridSpec) -> (rows: Int, columns: Int) {
        switch self {
        case .count(let n):
            guard n <= grid.cellCount else { return (n, 1) }  // refused by the caller
            // Of the factor pairs of n, the one whose tiles are closest to square.
            var best = (rows: n, columns: 1), bestScore = Double.infinity
            for c in 1...n where n % c == 0 {
                let r = n / c
                let aspect = (Double(grid.columns) / Double(c)) / (Double(grid.rows) / Double(r))
                let score = abs(log(aspect))
                if score < bestScore { bestScore = score; best = (r, c) }
            }
            return best
        case .size(let m):
            // A side beyond the grid is one tile across.
            let cols = max(1, Int(min((m / grid.cellWidth).rounded(.down), Double(grid.columns))))
            let rows = max(1, Int(min((m / grid.cellHeight).rounded(.down), Double(grid.rows))))
            return ((grid.rows + rows - 1) / rows, (grid.columns + cols - 1) / cols)
        }
    }
}

/// The core windows of a `rows × columns` split of `grid`, row-major from the north-west; each
/// dimension is cut into nearly equal parts.
func coreWindows(_ grid: GridSpec, rows: Int, columns: Int) -> [GridWindow] {
    var out: [GridWindow] = []
    for ty in 0..<rows {
        let r0 = ty * grid.rows / rows, r1 = (ty + 1) * grid.rows / rows
        for tx in 0..<columns {
            let c0 = tx * grid.columns / columns, c1 = (tx + 1) * grid.columns / columns
            out.append(GridWindow(firstRow: r0, firstColumn: c0, rows: r1 - r0, columns: c1 - c0))
        }
    }
    return out
}

/// The cell holding a parcel's representative point (clamped to the grid) and the cells its
/// coverage can touch (``ExactCoverage/window(of:on:)``, one cell wider on each side in case the
/// parcel workers' own transformation to the raster CRS moves a vertex by a rounding).
func parcelPlacement(_ g: Geometry, grid: GridSpec) throws -> (row: Int, column: Int, window: GridWindow) {
    let p = try GeometryOps.pointOnSurface(g)
    let c = min(max(Int(((p.x - grid.minX) / grid.cellWidth).rounded(.down)), 0), grid.columns - 1)
    let r = min(max(Int(((grid.maxY - p.y) / grid.cellHeight).rounded(.down)), 0), grid.rows - 1)
    let w = ExactCoverage.window(of: g.polygons, on: grid).expanded(by: 1, within: grid)
    return (r, c, w)
}
