import ArgumentParser
import Foundation
import SoilMapKit

struct Variogram: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute the sample variogram of a variable and fit a model (gstat's defaults and weights).")

    @OptionGroup var input: SampleOptions
    @OptionGroup var methodOptions: MethodOptions

    @Option(help: "Write the lags and the model as JSON.")
    var json: String?

    @Option(help: "Write a plot of the lags and the model as SVG.")
    var svg: String?

    @OptionGroup var overwriteOption: OverwriteOption
    var overwrite: Bool { overwriteOption.overwrite }

    func run() throws {
        try runReportingErrors {
            var settings = try methodOptions.settings()
            if settings.method == .idw { settings.method = .ok }
            let (fit, warnings) = try runVariogram(source: input.source, settings: settings)
            printWarnings(warnings)
            print("lag  distance      gamma         pairs")
            for (i, l) in fit.empirical.lags.enumerated() {
                print(String(format: "%3d  %-12.3f  %-12.6g  %d", i + 1, l.meanDistance, l.gamma, l.pairCount))
            }
            print("model: \(fit.model)\(fit.logScale ? " (log values)" : "")")
            if let sse = fit.weightedSSE { print(String(format: "weighted SSE: %.6g", sse)) }
            if fit.candidates.count > 1 {
                for c in fit.candidates { print(String(format: "  candidate %@  SSE %.6g", c.model.description, c.weightedSSE)) }
            }
            let files = OutputFiles(overwrite: overwrite)
            if let json { try files.write(try JSONValue.encodeJSON(fit.json), to: json) }
            if let svg { try files.write(Data(fit.svg(title: "Variogram of \(input.field)").utf8), to: svg) }
            try files.commit()
        }
    }
}
