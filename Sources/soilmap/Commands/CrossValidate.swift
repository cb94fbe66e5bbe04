import ArgumentParser
import Foundation
import Geostat
import SoilMapKit

struct CV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cv",
        abstract: "Cross-validate an interpolation method: leave-one-out (default) or seeded k-fold.")

    @OptionGroup var input: SampleOptions
    @OptionGroup var methodOptions: MethodOptions

    @Option(help: "Number of folds for k-fold cross-validation (default: leave-one-out).")
    var folds: Int?

    @Option(help: "Seed of the k-fold assignment.")
    var seed: UInt64 = 1

    @Option(name: .shortAndLong, help: "Residuals per sample as CSV.")
    var output: String?

    @Option(help: "Statistics as JSON (n, me, mae, rmse, msdr for kriging, correlation).")
    var json: String?

    @OptionGroup var threadsOption: ThreadsOption
    var threads: Int? { threadsOption.threads }

    @OptionGroup var overwriteOption: OverwriteOption
    var overwrite: Bool { overwriteOption.overwrite }

    func run() throws {
        try runReportingErrors {
            let f: CrossValidation.Folds = folds.map { .kFold($0, seed: seed) } ?? .leaveOneOut
            let settings = try methodOptions.settings()
            let r = try runCrossValidation(source: input.source, settings: settings, folds: f, threads: threadCount(threads))
            printWarnings(r.warnings)
            let st = r.result.statistics
            if let v = r.variogram { print("variogram: \(v.model)\(v.logScale ? " (log values)" : "")") }
            print(String(format: "n %d  ME %.6g  MAE %.6g  RMSE %.6g  correlation %.4f", st.count, st.meanError,
                         st.meanAbsoluteError, st.rootMeanSquaredError, st.correlation)
                  + (settings.method == .idw ? "" : String(format: "  MSDR %.4f", st.meanSquaredDeviationRatio)))
            let files = OutputFiles(overwrite: overwrite)
            if let output { try r.residualTable.writeCSV(to: try files.temporaryPath(for: output)) }
            if let json { try files.write(try JSONValue.encodeJSON(r.statisticsJSON(method: settings.method)), to: json) }
            try files.commit()
        }
    }
}
