import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit

struct DatabaseExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a round (or all rounds) with one column per analyte: CSV, XLSX, GeoJSON or GeoPackage by extension.")

    @Argument(help: "The survey database.")
    var database: String

    @Option(help: "The round (default: every round; sample_key is then round/sample_id).")
    var round: String?

    @Option(name: .shortAndLong, help: "Output: .csv, .xlsx, .geojson or .gpkg.")
    var output: String

    @OptionGroup var overwriteOption: OverwriteOption
    var overwrite: Bool { overwriteOption.overwrite }

    func run() throws {
        try runReportingErrors {
            let files = OutputFiles(overwrite: overwrite)
            let n = try SurveyDatabase(path: database).export(round: round, to: output, files: files)
            try files.commit()
            print("\(n) samples → \(output)")
        }
    }
}
