import Dispatch
import Foundation
import GeoIO
import GeoTypes
import Geostat
import Standards

/// Chooses the method of every variable (pH first, then the pollutants) by leave-one-out.
func chooseMethods(_ inputs: RunInputs, context ctx: RunContext) throws -> [VariableRun] {
    try inputs.project.variables.map { v in
        ctx.begin("Choosing the method for \(v.name)")
        let run = try chooseMethod(v, table: inputs.samples, rule: inputs.project.samples.belowDetection, threads: ctx.threads,
                                   warnings: &ctx.warnings)
        ctx.end("method \(v.name)", "\(run.chosen.label), LOO RMSE \(String(format: "%.4g", run.chosen.cv.rootMeanSquaredError))")
        return run
    }
}

/// Chooses the interpolation method of a project variable.
///
/// For `auto`, the candidates are IDW with powers 1, 2, 3, ordinary kriging and (when every
/// value is positive) lognormal kriging, each kriging with its own fitted variogram (nugget
/// + the best of Sph, Exp, Gau, Matérn); the one with the lowest leave-one-out RMSE (on the
/// original scale) wins. A fixed method is cross-validated too, for the report.
func chooseMethod(_ v: Project.Variable, table: SampleTable, rule: BelowDetectionRule, threads: Int,
                  warnings: inout [String]) throws -> VariableRun {
    var candidates: [VariableRun.Candidate] = []
    var tried: [InterpolationSettings] = []
    switch v.method {
    case .auto:
        for p in [1.0, 2.0, 3.0] {
            var s = v.settings
            s.method = .idw
            s.power = p
            tried.append(s)
        }
        for m in [InterpolationMethod.ok, .lok] {
            var s = v.settings
            s.method = m
            tried.append(s)
        }
    case .fixed(let m):
        var s = v.settings
        s.method = m
        tried.append(s)
    }
    var sampleCount = 0
    var firstError: Error? = nil
    for s in tried {
        let label = s.methodLabel
        var w: [String] = []
        do {
            let vs = try variableSamples(table, field: v.field, method: s.method, rule: rule, warnings: &w)
            sampleCount = vs.samples.count
            let fitted = s.method == .idw ? nil : try fitVariogram(vs, settings: s)
            let interp = try makeInterpolator(vs, settings: s, variogram: fitted?.model)
            let cv = try CrossValidation.run(interp, threads: threads)
            candidates.append(.init(label: label, settings: s, variogram: fitted, cv: cv.statistics))
            if candidates.count == 1 { warnings += w }
        } catch {
            // A candidate that cannot run (zero values for lognormal, a failed fit) is skipped when
            // others remain; a fixed method must work.
            if v.method != .auto { throw variableError(error, v, table) }
            firstError = firstError ?? error
            warnings.append("\(v.name): \(label) not used: \(error)")
        }
    }
    guard let best = candidates.min(by: { $0.cv.rootMeanSquaredError < $1.cv.rootMeanSquaredError }) else {
        throw firstError.map { variableError($0, v, table) } ?? InputError(.badValue, path: table.path, "\(v.name): no interpolation method could be used")
    }
    return VariableRun(name: v.name, field: v.field, sampleCount: sampleCount, chosen: best, candidates: candidates,
                       classify: v.classify, files: [:])
}

/// A numerical-core error while choosing a variable's method, with the samples file and the column
/// (the core knows neither); other errors already name their file.
func variableError(_ error: Error, _ v: Project.Variable, _ table: SampleTable) -> Error {
    guard let g = error as? GeostatError else { return error }
    var hint = ""
    if case .tooFewSamples = g {
        hint = " (the method is chosen by leave-one-out, which predicts each sample from the others, so it needs at least interpolation.min_points + 1 samples with a value)"
    }
    return InputError(.badValue, path: table.path, location: "column '\(v.field)'", "\(v.name): \(g)\(hint)")
}
