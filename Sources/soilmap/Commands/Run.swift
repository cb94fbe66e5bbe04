import ArgumentParser
import Foundation
import GeoTypes
import Logging
import SoilMapKit

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a whole project: samples → surfaces → classes → parcel and township areas → maps and report.",
        discussion: "Without PROJECT, runs the sample project SampleData/project.yaml (from the SoilMap source folder).")

    @Argument(help: "The project file (YAML); see `soilmap init`.")
    var project: String?

    @Option(name: .shortAndLong, help: "Output folder (default: the project's outputs.dir).")
    var output: String?

    @OptionGroup var control: RunControlOptions

    @Flag(name: .shortAndLong, help: "Log every step.")
    var verbose = false

    func run() throws {
        try runReportingErrors {
            let logger = bootstrapLogging(verbose: verbose)
            let path = project ?? "SampleData/project.yaml"
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError(project == nil
                    ? "no project given and no SampleData/project.yaml here; run from the SoilMap folder or give a project file (soilmap init writes a template)"
                    : "project file \(path) does not exist")
            }
            let p = try Project.load(path: path)
            let progress = ProgressReporter.automatic(quiet: control.quiet, logger: logger)
            let r = try runProject(p, options: RunOptions(outputDir: output, overwrite: control.overwrite, threads: control.threads), progress: progress)
            if !control.quiet {
                for w in r.warnings { progress.note(w) }
                let (_, total) = r.analysis.zoneSummaries
                let mu = { (m2: Double) in AreaUnit.mu.fromSquareMetres(m2) }
                print(String(format: "%d parcels, %.1f 亩: 优先保护类 %.1f, 安全利用类 %.1f, 严格管控类 %.1f, no data %.1f 亩",
                             total.parcels, mu(total.area), mu(total.classAreas[0]), mu(total.classAreas[1]), mu(total.classAreas[2]),
                             mu(total.unclassifiedArea)))
                if let o = r.officialSummary { print(o) }
                print("Report: \(r.outputDir)/report.html")
            }
        }
    }
}
