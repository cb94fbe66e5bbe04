import ArgumentParser
import Foundation
import Logging
import SoilMapKit

/// The progress reporter and logging of a tiled-run command.
private func reporter(quiet: Bool) -> ProgressReporter {
    ProgressReporter.automatic(quiet: quiet, logger: bootstrapLogging(verbose: false))
}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan a tiled run: choose every method once, split the grid into tiles, write DIR/plan.json.",
        discussion: """
            A tiled run computes what `soilmap run` computes, split into tasks that can run on several machines \
            (Slurm array tasks, a Kubernetes Indexed Job): `soilmap plan` once, `soilmap tile DIR/plan.json` once \
            per tile (any order, any machine that sees DIR), then `soilmap merge DIR/plan.json`, which writes into \
            DIR the same files as `soilmap run`, bit for bit. Every task loads all samples; parcels go whole to the \
            tile holding their representative point, and a tile computes the cells its parcels cover.
            """)

    @Argument(help: "The project file (YAML).")
    var project: String

    @Option(name: .shortAndLong, help: "Folder for the plan, the tiles and the merged outputs.")
    var output: String

    @Option(help: "Number of tiles (split as near square as the count allows).")
    var tiles: Int?

    @Option(name: .customLong("tile-size"), help: "Tile side in metres (instead of --tiles).")
    var tileSize: Double?

    @Flag(help: "Replace an existing plan (and remove its tiles).")
    var overwrite = false

    @Option(help: "Worker threads for choosing the methods (default: all cores).")
    var threads: Int?

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard (tiles == nil) != (tileSize == nil) else { throw ValidationError("give either --tiles N or --tile-size METRES") }
    }

    func run() throws {
        try runReportingErrors {
            let p = try Project.load(path: project)
            let plan = try makePlan(p, folder: output, layout: tiles.map(TileLayout.count) ?? .size(tileSize!), overwrite: overwrite,
                                    threads: threads, progress: reporter(quiet: quiet))
            let largest = plan.tiles.map(\.window.cellCount).max() ?? 0
            print("\(plan.tiles.count) tiles (\(plan.tileRows) × \(plan.tileColumns)), \(plan.parcelCount) parcels; largest tile \(largest) cells")
            print("Next: soilmap tile \(output)/\(TilePlan.fileName) --index I   for I in 0…\(plan.tiles.count - 1); then soilmap merge \(output)/\(TilePlan.fileName)")
        }
    }
}

struct Tile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute one tile of a plan (an array task).",
        discussion: "The tile index comes from --index, else from SLURM_ARRAY_TASK_ID, else from JOB_COMPLETION_INDEX.")

    @Argument(help: "The plan file (DIR/plan.json).")
    var plan: String

    @Option(help: "The tile, 0 … tiles − 1.")
    var index: Int?

    @Flag(help: "Compute a tile that is already complete again.")
    var overwrite = false

    @Option(help: "Worker threads (default: all cores). Results are identical for any count.")
    var threads: Int?

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    func run() throws {
        try runReportingErrors {
            let r = try runTile(planPath: plan, options: TileOptions(index: index, overwrite: overwrite, threads: threads),
                                progress: reporter(quiet: quiet))
            if !quiet {
                print(String(format: "tile %d: %d parcels, %d cells in %.1f s, peak memory %.0f MB", r.index, r.parcels, r.window.cellCount,
                             r.seconds, Double(r.peakMemory) / 1_048_576))
            }
        }
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the tiles of a plan into the outputs of `soilmap run` (in the plan's folder).")

    @Argument(help: "The plan file (DIR/plan.json).")
    var plan: String

    @Flag(help: "Replace existing merged outputs.")
    var overwrite = false

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    func run() throws {
        try runReportingErrors {
            let r = try mergeTiles(planPath: plan, options: RunOptions(overwrite: overwrite, threads: threads), progress: reporter(quiet: quiet))
            if !quiet {
                for w in r.warnings { FileHandle.standardError.write(Data("note: \(w)\n".utf8)) }
                print("Report: \(r.outputDir)/report.html")
            }
        }
    }
}
