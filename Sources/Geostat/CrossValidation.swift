import Dispatch
import Foundation

/// Leave-one-out and k-fold cross-validation of any ``PointInterpolator``, as gstat's `krige.cv`.
///
/// For each fold the interpolator is rebuilt on the other samples with the *same* parameters
/// (the variogram model is not refitted, as gstat) and predicts the held-out samples.
///
/// - Residual convention: observed − predicted (gstat's `residual`).
/// - Fold assignment: leave-one-out puts sample i in fold i + 1. `kFold(k, seed:)` shuffles the
///   indices with a Fisher–Yates shuffle driven by ``SplitMix64``(seed) and gives the sample at
///   shuffled position p fold (p mod k) + 1, so fold sizes differ by at most one and the
///   assignment is the same on every platform (gstat uses R's `sample`, so folds differ from gstat's).
/// - Edge behaviour: samples whose prediction is NaN (no neighbours within the radius) are
///   excluded from the statistics and counted in ``Statistics/missingCount``.
/// - Note: each fold refactorises; global kriging LOO of n samples costs n × O(n³/3).
public enum CrossValidation {
    public enum Folds: Hashable, Sendable {
        case leaveOneOut
        case kFold(Int, seed: UInt64)
    }

    public struct Statistics: Hashable, Sendable, Codable {
        /// Samples with a finite prediction.
        public var count: Int
        public var missingCount: Int
        /// Mean of observed − predicted.
        public var meanError: Double
        public var meanAbsoluteError: Double
        public var rootMeanSquaredError: Double
        /// Mean of squared standardised errors (obs − pred)²/σ² (on the log scale for lognormal
        /// kriging); ≈ 1 for a well-calibrated variance; NaN for methods without variance.
        public var meanSquaredDeviationRatio: Double
        /// Pearson correlation of observed and predicted.
        public var correlation: Double
    }

    public struct Result: Sendable {
        public var observed: [Double]
        public var predicted: [Double]
        /// NaN for methods without variance.
        public var variance: [Double]
        /// observed − predicted.
        public var residuals: [Double]
        /// 1-based fold of each sample.
        public var folds: [Int]
        public var statistics: Statistics
    }

    struct Part { var test: [Int]; var pred: [Double]; var vari: [Double]; var z2: [Double] }

    /// The 1-based fold of each of `n` samples (see the type's documentation).
    public static func foldAssignment(count n: Int, folds: Folds) -> [Int] {
        switch folds {
        case .leaveOneOut: return (0..<n).map { $0 + 1 }
        case let .kFold(k, seed):
            var perm = Array(0..<n)
            var rng = SplitMix64(seed: seed)
            if n > 1 {
                for i in stride(from: n - 1, to: 0, by: -1) { perm.swapAt(i, rng.nextInt(below: i + 1)) }
            }
            var f = [Int](repeating: 0, count: n)
            for (p, i) in perm.enumerated() { f[i] = p % k + 1 }
            return f
        }
    }

    /// Cross-validates `interpolator` on its own samples.
    /// - Throws: ``GeostatError/invalidParameter(name:value:expected:)`` for k < 2 or k > n, and errors
    ///   from rebuilding the interpolator on a fold (e.g. too few samples for min-points).
    public static func run<I: PointInterpolator>(_ interpolator: I, folds: Folds = .leaveOneOut,
                                                 threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> Result {
        let s = interpolator.samples
        let n = s.count
        guard n >= 2 else { throw GeostatError.tooFewSamples(required: 2, available: n) }
        if case let .kFold(k, _) = folds, !(k >= 2 && k <= n) {
            throw GeostatError.invalidParameter(name: "folds", value: Double(k), expected: "2 ≤ k ≤ \(n)")
        }
        let fold = foldAssignment(count: n, folds: folds)
        let nf = fold.max() ?? 0
        let slots = ResultSlots<Part?>(count: nf)
        let errors = ResultSlots<GeostatError?>(count: nf)
        // Leave-one-out: fold f holds sample f alone, and the interpolator of the others reuses
        // what was built for all samples (`refittedLeavingOut`, the same bits as refitting).
        let leaveOneOut: Bool = { if case .leaveOneOut = folds { return true } else { return false } }()
        let work: @Sendable (Int) -> Void = { worker in
            var f = worker
            while f < nf {
                let test = leaveOneOut ? [f] : (0..<n).filter { fold[$0] == f + 1 }
                do {
                    let m = leaveOneOut ? try interpolator.refittedLeavingOut(f)
                        : try interpolator.refitted(to: s.subset((0..<n).filter { fold[$0] != f + 1 }))
                    var ws = m.makeWorkspace()
                    var part = Part(test: test, pred: [], vari: [], z2: [])
                    for i in test {
                        let e = m.estimate(x: s.x[i], y: s.y[i], workspace: &ws)
                        part.pred.append(e.prediction)
                        part.vari.append(e.variance)
                        part.z2.append(m.squaredStandardizedError(observed: s.values[i], estimate: e))
                    }
                    slots.set(f, part)
                    errors.set(f, nil)
                } catch let e as GeostatError {
                    slots.set(f, nil); errors.set(f, e)
                } catch {
                    slots.set(f, nil); errors.set(f, .fitFailed(reason: "\(error)"))
                }
                f += max(threads, 1)
            }
        }
        let workers = min(max(threads, 1), nf)
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        var pred = [Double](repeating: .nan, count: n), vari = pred, z2 = pred
        for f in 0..<nf {
            if let e = errors.take(f) { throw e }
            let p = slots.take(f)!
            for (j, i) in p.test.enumerated() { pred[i] = p.pred[j]; z2[i] = p.z2[j]; vari[i] = p.vari[j] }
        }
        let obs = s.values
        let res = (0..<n).map { obs[$0] - pred[$0] }
        let ok = (0..<n).filter { pred[$0].isFinite }
        let m = Double(ok.count)
        let me = ok.reduce(0) { $0 + res[$1] } / m
        let mae = ok.reduce(0) { $0 + abs(res[$1]) } / m
        let rmse = (ok.reduce(0) { $0 + res[$1] * res[$1] } / m).squareRoot()
        let msdr = interpolator.outputs.variance ? ok.reduce(0) { $0 + z2[$1] } / m : .nan
        let mo = ok.reduce(0) { $0 + obs[$1] } / m, mp = ok.reduce(0) { $0 + pred[$1] } / m
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in ok { sxy += (obs[i] - mo) * (pred[i] - mp); sxx += (obs[i] - mo) * (obs[i] - mo); syy += (pred[i] - mp) * (pred[i] - mp) }
        let stats = Statistics(count: ok.count, missingCount: n - ok.count, meanError: me, meanAbsoluteError: mae,
                               rootMeanSquaredError: rmse, meanSquaredDeviationRatio: msdr, correlation: sxy / (sxx * syy).squareRoot())
        return Result(observed: obs, predicted: pred, variance: vari, residuals: res, folds: fold, statistics: stats)
    }
}
