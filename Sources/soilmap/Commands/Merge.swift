import ArgumentParser
import Foundation
import Logging
import SoilMapKit

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the tiles of a plan into the outputs of `soilmap run` (in the plan's folder).")

    @Argument(help: "The plan file (DIR/plan.json).")
    var plan: String

    @OptionGroup var control: RunControlOptions

    func run() throws {
        try runReportingErrors {
            let r = try mergeTiles(planPath: plan, options: RunOptions(overwrite: control.overwrite, threads: control.threads), progress: reporter(quiet: control.quiet))
            if !control.quiet {
                for w in r.warnings { FileHandle.standardError.write(Data("note: \(w)\n".utf8)) }
                print("Report: \(r.outputDir)/report.html")
            }
        }
    }
}
