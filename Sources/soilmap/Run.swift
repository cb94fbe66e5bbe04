import ArgumentParser
import Foundation
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

    @Flag(help: "Replace existing outputs.")
    var overwrite = false

    @Option(help: "Worker threads (default: all cores). Results are identical for any count.")
    var threads: Int?

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

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
            let progress = ProgressReporter.automatic(quiet: quiet, logger: logger)
            let r = try runProject(p, options: RunOptions(outputDir: output, overwrite: overwrite, threads: threads), progress: progress)
            if !quiet {
                for w in r.warnings { progress.note(w) }
                let (_, total) = r.analysis.zoneSummaries
                print(String(format: "%d parcels, %.1f 亩: 优先保护类 %.1f, 安全利用类 %.1f, 严格管控类 %.1f, no data %.1f 亩",
                             total.parcels, total.area / (10000.0 / 15), total.classAreas[0] / (10000.0 / 15),
                             total.classAreas[1] / (10000.0 / 15), total.classAreas[2] / (10000.0 / 15), total.unclassifiedArea / (10000.0 / 15)))
                print("Report: \(r.outputDir)/report.html")
            }
        }
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a commented project-file template.")

    @Option(name: .shortAndLong, help: "Where to write it.")
    var output: String = "soilmap.yaml"

    @Flag(help: "Replace an existing file.")
    var overwrite = false

    func run() throws {
        try runReportingErrors {
            let files = OutputFiles(overwrite: overwrite)
            try files.write(Data(Project.template.utf8), to: output)
            try files.commit()
            print("Wrote \(output); edit the paths and run: soilmap run \(output)")
        }
    }
}

/// Logs to standard error: warnings and errors, every step with `verbose`.
func bootstrapLogging(verbose: Bool) -> Logger {
    let level: Logger.Level = verbose ? .debug : .warning
    LoggingSystem.bootstrap { label in
        var h = StreamLogHandler.standardError(label: label)
        h.logLevel = level
        return h
    }
    return Logger(label: "soilmap")
}
