/// Why a Geostat computation could not be done.
///
/// Input-validation problems only: numerical kernels never throw for data they
/// can handle (a cell outside every search radius is `NaN`, not an error).
/// Every case says what to do in its ``description``.
public enum GeostatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The sample set is empty.
    case noSamples
    /// `x`, `y`, `values` (and `ids`) have different lengths.
    case mismatchedLengths(x: Int, y: Int, values: Int, ids: Int?)
    /// A coordinate or value is NaN or infinite; `index` is the first offending sample.
    case nonFiniteSample(index: Int, id: String?)
    /// Fewer samples than the method needs at all (e.g. min-points, or 2 for a variogram).
    case tooFewSamples(required: Int, available: Int)
    /// All values are equal: zero variance, so a variogram cannot be fitted.
    case zeroVariance(value: Double)
    /// Lognormal kriging needs strictly positive values.
    case nonPositiveValueForLognormal(index: Int, id: String?, value: Double)
    /// A grid with no cells.
    case emptyGrid(columns: Int, rows: Int)
    /// A parameter is out of its valid range.
    case invalidParameter(name: String, value: Double, expected: String)
    /// The empirical variogram has no lag with pairs (cutoff too small, or all points coincide).
    case emptyVariogram(cutoff: Double)
    /// The variogram fit failed (singular normal equations or no finite optimum).
    case fitFailed(reason: String)
    /// The kriging matrix could not be factorised even after regularisation.
    case singularKrigingMatrix(neighbours: Int)
    /// Coincident samples were found where they are not allowed; merge them with
    /// ``SampleSet/mergingDuplicates(tolerance:)`` first.
    case duplicateLocations(ids: [String])

    public var description: String {
        switch self {
        case .noSamples:
            return "no samples: the input point set is empty (check the input file and the value column)"
        case let .mismatchedLengths(x, y, v, ids):
            return "sample arrays differ in length (x \(x), y \(y), values \(v)\(ids.map { ", ids \($0)" } ?? "")); pass one entry per sample"
        case let .nonFiniteSample(i, id):
            return "sample \(id ?? "#\(i)") has a NaN or infinite coordinate or value; drop or fix it before interpolating"
        case let .tooFewSamples(req, avail):
            return "\(avail) sample(s) available but at least \(req) needed; lower min-points or add samples"
        case let .zeroVariance(v):
            return "all sample values equal \(v): the variance is zero, so no variogram can be fitted; use IDW or report the constant"
        case let .nonPositiveValueForLognormal(i, id, v):
            return "sample \(id ?? "#\(i)") has value \(v) ≤ 0 (or NaN), which lognormal kriging cannot log-transform; use ordinary kriging or replace non-detects by a positive value (e.g. half the detection limit)"
        case let .emptyGrid(c, r):
            return "the target grid has \(c) × \(r) cells; give a non-empty extent and resolution"
        case let .invalidParameter(name, value, expected):
            return "\(name) = \(value) is invalid: expected \(expected)"
        case let .emptyVariogram(cutoff):
            return "no sample pairs within cutoff \(cutoff); increase the cutoff or check that samples are not all coincident"
        case let .fitFailed(reason):
            return "variogram fit failed: \(reason); try another model, other start values, or a fixed model"
        case let .singularKrigingMatrix(n):
            return "the kriging matrix of \(n) neighbours is singular even after regularisation; add a nugget, merge coincident samples, or use fewer neighbours"
        case let .duplicateLocations(ids):
            return "coincident samples \(ids.joined(separator: ", ")); merge them (SampleSet.mergingDuplicates) before kriging"
        }
    }
}
