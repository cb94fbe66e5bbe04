import Foundation
import GeoIO
import GeoTypes
import Geostat
import Zonal

/// Sample values of one variable, ready for Geostat.
public struct VariableSamples: Sendable {
    public var name: String
    public var samples: SampleSet
    /// Row indices (into the sample table) of each sample used.
    public var rows: [Int]
}

/// Builds the sample set of `field`: parsed values, below-detection rule, duplicates merged.
///
/// - Throws: ``InputError`` for bad values (naming row and column); for `lok`, a value ≤ 0
///   names the sample and suggests a positive replacement.
public func variableSamples(_ table: SampleTable, field: String, method: InterpolationMethod,
                            rule: BelowDetectionRule = .half, allowNegative: Bool = false,
                            warnings: inout [String]) throws -> VariableSamples {
    let (rows, values) = try table.values(of: field, rule: rule, allowNegative: allowNegative, warnings: &warnings)
    guard !rows.isEmpty else {
        throw InputError(.badValue, path: table.path, "column '\(field)' has no values")
    }
    if method == .lok, let i = values.firstIndex(where: { !($0 > 0) }) {
        throw InputError(.badValue, path: table.path, location: "\(table.labels[rows[i]]), column '\(field)'",
                         "value \(values[i]) ≤ 0 cannot be log-transformed for lognormal kriging; use --method ok, or write non-detects as <DL so they get a positive value")
    }
    var set = try SampleSet(coordinates: rows.map { table.coordinates[$0] }, values: values, ids: rows.map { table.ids[$0] })
    let (merged, groups) = set.mergingDuplicates()
    var keptRows = rows
    if !groups.isEmpty {
        let dropped = Set(groups.flatMap { $0.indices.dropFirst() })
        keptRows = rows.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
        let names = groups.prefix(5).map { "\($0.ids.joined(separator: "+")) → mean \(String(format: "%g", $0.meanValue))" }
        warnings.append("\(field): \(groups.count) group(s) of samples at the same location were merged by their mean: \(names.joined(separator: "; "))\(groups.count > 5 ? "; …" : "")")
        set = merged
    }
    return VariableSamples(name: field, samples: set, rows: keptRows)
}

/// Computes the sample variogram and fits (or takes) the model, on log values for `lok`.
public func fitVariogram(_ v: VariableSamples, settings: InterpolationSettings) throws -> FittedVariogram {
    let log = settings.method == .lok
    let s = log ? try v.samples.withValues(v.samples.values.map { Foundation.log($0) }) : v.samples
    let emp = try EmpiricalVariogram.compute(s, cutoff: settings.cutoff, width: settings.width,
                                             direction: nil)
    switch settings.model {
    case .fixed(let m):
        return FittedVariogram(empirical: emp, model: m, weightedSSE: nil, candidates: [], logScale: log)
    case .auto:
        let r = try VariogramFit.auto(emp, kinds: autoModelKinds, anisotropy: settings.anisotropy)
        return FittedVariogram(empirical: emp, model: r.best.model, weightedSSE: r.best.weightedSSE, candidates: r.candidates, logScale: log)
    case .fit(let kind):
        let r = try VariogramFit.auto(emp, kinds: [kind], anisotropy: settings.anisotropy)
        return FittedVariogram(empirical: emp, model: r.best.model, weightedSSE: r.best.weightedSSE, candidates: r.candidates, logScale: log)
    }
}

/// The interpolator for a variable; `variogram` is required for kriging.
///
/// - Parameter neighbourCache: shared with the other variables of a run: those with the same
///   samples and neighbourhood search each row's neighbours once (the same bits).
public func makeInterpolator(_ v: VariableSamples, settings: InterpolationSettings, variogram: VariogramModel?,
                             threshold: Double? = nil, neighbourCache: NeighbourSetCache? = nil) throws -> any PointInterpolator {
    let nb = try settings.neighbourhood()
    switch settings.method {
    case .idw:
        var idw = try InverseDistanceWeighting(samples: v.samples, power: settings.power, smoothing: settings.smoothing,
                                               neighbourhood: nb, anisotropy: settings.anisotropy,
                                               precision: settings.singlePrecision ? .single : .double)
        idw.neighbourCache = neighbourCache
        return idw
    case .ok:
        guard let variogram else { preconditionFailure("kriging needs a variogram model") }
        var ok = try OrdinaryKriging(samples: v.samples, model: variogram, neighbourhood: nb)
        ok.neighbourCache = neighbourCache
        return ok
    case .lok:
        guard let variogram else { preconditionFailure("kriging needs a variogram model") }
        var lok = try LognormalKriging(samples: v.samples, logModel: variogram, neighbourhood: nb, threshold: threshold)
        lok.neighbourCache = neighbourCache
        return lok
    }
}
