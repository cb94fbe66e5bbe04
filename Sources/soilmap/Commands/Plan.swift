import ArgumentParser
import Foundation
import Logging
import SoilMapKit

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan a tiled run: choose every method once, split the grid into tiles, write DIR/plan.json.",
        discussion: """
            A tiled run computes what `soilmap run` computes, split into tasks that can run on several machines \
            (Slurm array tasks, a Kubernetes Indexed Job): `soilmap plan` once, `soilmap tile DIR/plan.json` once \
            per tile (any order, any machine that sees DIR), then `soilmap merge DIR/plan.json`, which writes into \
            DIR the same files as `soilmap run`, bit for bit. Every task loads all samples; parcels go whole to the \
            tile holding their representative point, and a tile computes the cells its parcels cover. \
            --overwrite replaces an earlier plan in DIR and removes its tiles.
            """)

    @Argument(help: "The project file (YAML).")
    var project: String

    @Option(name: .shortAndLong, help: "Folder for the plan, the tiles and the merged outputs.")
    var output: String

    @Option(help: "Number of tiles (split as near square as the count allows).")
    var tiles: Int?

    @Option(name: .customLong("tile-size"), help: "Tile side in metres (instead of --tiles).")
    var tileSize: Double?

    @OptionGroup var control: RunControlOptions

    func validate() throws {
        guard (tiles == nil) != (tileSize == nil) else { throw ValidationError("give either --tiles N or --tile-size METRES") }
    }

    func run() throws {
        try runReportingErrors {
            let p = try Project.load(path: project)
            let plan = try makePlan(p, folder: output, layout: tiles.map(TileLayout.count) ?? .size(tileSize!), overwrite: control.overwrite,
                                    threads: control.threads, progress: reporter(quiet: control.quiet))
            let largest = plan.tiles.map(\.window.cellCount).max() ?? 0
            print("\(plan.tiles.count) tiles (\(plan.tileRows) × \(plan.tileColumns)), \(plan.parcelCount) parcels; largest tile \(largest) cells")
            print("Next: soilmap tile \(output)/\(TilePlan.fileName) --index I   for I in 0…\(plan.tiles.count - 1); then soilmap merge \(output)/\(TilePlan.fileName)")
        }
    }
}
