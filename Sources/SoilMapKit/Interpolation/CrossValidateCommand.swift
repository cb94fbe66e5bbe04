import Foundation
import GeoIO
import Geostat
import Zonal

/// `soilmap cv`: cross-validation of a method on the samples of one variable.
public struct CVReport: Sendable {
    public var variable: VariableSamples
    public var result: CrossValidation.Result
    public var variogram: FittedVariogram?
    public var warnings: [String]

    /// Residuals table: id, x, y, observed, predicted, variance, residual, zscore, fold.
    public var residualTable: ResultTable {
        var t = ResultTable(fields: ["id", "x", "y"].map { FieldDefinition($0, $0 == "id" ? .string : .real) }
                            + ["observed", "predicted", "variance", "residual", "zscore"].map { FieldDefinition($0, .real) }
                            + [FieldDefinition("fold", .integer)])
        let s = variable.samples
        for i in 0..<s.count {
            let r = result
            let z = r.variance[i] > 0 ? r.residuals[i] / r.variance[i].squareRoot() : .nan
            func num(_ d: Double) -> AttributeValue { d.isFinite ? .real(d) : .null }
            t.rows.append([.string(s.id(i)), .real(s.x[i]), .real(s.y[i]), num(r.observed[i]), num(r.predicted[i]),
                           num(r.variance[i]), num(r.residuals[i]), num(z), .integer(Int64(r.folds[i]))])
        }
        return t
    }

    /// The statistics as JSON: n, me, mae, rmse, msdr (kriging), correlation, method.
    public func statisticsJSON(method: InterpolationMethod) -> [String: JSONValue] {
        let st = result.statistics
        var o: [String: JSONValue] = [
            "n": .int(Int64(st.count)), "missing": .int(Int64(st.missingCount)),
            "me": .number(st.meanError), "mae": .number(st.meanAbsoluteError), "rmse": .number(st.rootMeanSquaredError),
            "correlation": st.correlation.isFinite ? .number(st.correlation) : .null, "method": .string(method.rawValue),
        ]
        if method != .idw { o["msdr"] = st.meanSquaredDeviationRatio.isFinite ? .number(st.meanSquaredDeviationRatio) : .null }
        if let m = variogram?.model { o["variogram"] = .string(m.description) }
        return o
    }
}

public func runCrossValidation(source: SampleSource, settings: InterpolationSettings, folds: CrossValidation.Folds,
                               threads: Int) throws -> CVReport {
    var warnings: [String] = []
    let (_, v) = try source.load(method: settings.method, warnings: &warnings)
    var fitted: FittedVariogram? = nil
    if settings.method != .idw { fitted = try fitVariogram(v, settings: settings) }
    let interp = try makeInterpolator(v, settings: settings, variogram: fitted?.model)
    let result = try CrossValidation.run(interp, folds: folds, threads: threads)
    return CVReport(variable: v, result: result, variogram: fitted, warnings: warnings)
}
