import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit

struct DatabaseImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add a file of lab results as a survey round: every row checked first, then written in one transaction.")

    @Argument(help: "The survey database.")
    var database: String

    @Argument(help: "Lab results: CSV with coordinate columns, or any point layer.")
    var file: String

    @Option(help: "The survey round these samples belong to (e.g. 2024).")
    var round: String

    @Option(help: "Analyte columns, comma-separated: names (Cd,Pb,pH) or NAME=COLUMN (Cd=镉).")
    var values: String

    @Option(name: .customLong("id-field"), help: "Column with sample ids (guessed: sample_id, id, 编号 …).")
    var idField: String?

    @OptionGroup var columns: SampleColumnOptions

    @Option(name: .customLong("date-field"), help: "Column with the sampling date (YYYY-MM-DD).")
    var dateField: String?

    @Option(help: "Units other than mg/kg, e.g. 'OM=g/kg'.")
    var units: String?

    @Option(name: .customLong("detection-limit"), help: "The lab's detection limits, e.g. 'Cd=0.01,Hg=0.002'.")
    var detectionLimit: String?

    @Option(help: "Who imports (recorded; default: $USER).")
    var by: String?

    @Option(help: "Description of the round (recorded when the round is new).")
    var description: String = ""

    func run() throws {
        try runReportingErrors {
            let db = try SurveyDatabase(path: database)
            var request = SurveyImport(reader: try columns.reader(file, idField: idField), round: round, analytes: PointSampleOptions.parseFields(values))
            request.dateColumn = dateField
            request.description = description
            if let by { request.importedBy = by }
            for (k, v) in try pairs(units, option: "--units") { request.units[k] = v }
            for (k, v) in try pairs(detectionLimit, option: "--detection-limit") {
                guard let d = Double(v), d > 0 else { throw ValidationError("--detection-limit: '\(k)=\(v)' needs a positive number") }
                request.detectionLimits[k] = d
            }
            let r = try db.importSamples(request)
            printWarnings(r.warnings)
            print("Import \(r.importId): \(r.samples) samples, \(r.values) values (\(r.belowDetection) below the detection limit) into round \(round) of \(database)")
        }
    }

    func pairs(_ s: String?, option: String) throws -> [(String, String)] {
        try (s ?? "").split(separator: ",").map { item in
            let p = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard p.count == 2, !p[0].isEmpty else { throw ValidationError("\(option): '\(item)' is not NAME=VALUE") }
            return (p[0], p[1])
        }
    }
}
