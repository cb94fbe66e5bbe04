import ArgumentParser
import Foundation
import Logging
import SoilMapKit

struct Tile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute one tile of a plan (an array task).",
        discussion: "The tile index comes from --index, else from SLURM_ARRAY_TASK_ID, else from JOB_COMPLETION_INDEX. --overwrite computes a tile that is already complete again.")

    @Argument(help: "The plan file (DIR/plan.json).")
    var plan: String

    @Option(help: "The tile, 0 … tiles − 1.")
    var index: Int?

    @OptionGroup var control: RunControlOptions

    func run() throws {
        try runReportingErrors {
            let r = try runTile(planPath: plan, options: TileOptions(index: index, overwrite: control.overwrite, threads: control.threads),
                                progress: reporter(quiet: control.quiet))
            if !control.quiet {
                print(String(format: "tile %d: %d parcels, %d cells in %.1f s, peak memory %.0f MB", r.index, r.parcels, r.window.cellCount,
                             r.seconds, Double(r.peakMemory) / 1_048_576))
            }
        }
    }
}
