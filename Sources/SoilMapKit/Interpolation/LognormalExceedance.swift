import Dispatch
import Foundation
import GeoIO
import GeoTypes
import Geostat
import Standards

/// Lognormal kriging whose `exceedance` channel carries the log-scale prediction Ŷ, so
/// exceedance probabilities of per-cell thresholds (which depend on the pH surface) can be
/// computed when the block is written: P(Z > t) = 1 − Φ((ln t − Ŷ)/σ), σ² the log-scale
/// kriging variance (``LognormalKriging``).
private struct LognormalWithLogPrediction: PointInterpolator {
    let base: LognormalKriging
    var samples: SampleSet { base.samples }
    var outputs: InterpolatorOutputs { InterpolatorOutputs(variance: true, exceedance: true) }
    func makeWorkspace() -> OrdinaryKriging.Workspace { base.makeWorkspace() }
    func refitted(to samples: SampleSet) throws(GeostatError) -> LognormalWithLogPrediction {
        LognormalWithLogPrediction(base: try base.refitted(to: samples))
    }
    func estimate(x: Double, y: Double, workspace: inout OrdinaryKriging.Workspace) -> Estimate {
        let e = base.estimate(x: x, y: y, workspace: &workspace)
        return Estimate(prediction: e.prediction, variance: e.variance, exceedance: e.logPrediction, logPrediction: e.logPrediction)
    }
    func estimateRow(xs: UnsafeBufferPointer<Double>, y: Double, into out: UnsafeMutableBufferPointer<Estimate>,
                     workspace: inout OrdinaryKriging.Workspace) {
        base.estimateRow(xs: xs, y: y, into: out, workspace: &workspace)
        for j in xs.indices { out[j].exceedance = out[j].logPrediction }
    }
}

/// Lognormal kriging onto `window` of `grid`, writing (paths in the order of `rasters.files`) the
/// back-transformed prediction, the log-scale kriging variance, and the probabilities of
/// exceeding the pollutant's screening and intervention values (the last only for pollutants
/// with one), whose thresholds depend on each cell's pH (`pH`: the pH surface's values over the
/// same window, row-major, nodata as stored) and on `landUse`.
///
/// P(Z > t) = 1 − Φ((ln t − Ŷ)/σ), with Ŷ the kriged log value and σ² its kriging variance
/// (the conditional lognormal distribution; Journel 1980), both as stored (float32). Cells
/// without pH, or a pollutant without an intervention value, get nodata in the corresponding
/// raster. The probabilities of a block are computed on `threads` workers by row chunks while
/// the interpolation workers go on with the next blocks; each cell is a pure function of its
/// values, so the bits do not depend on the split.
func interpolateLognormalWithExceedance(_ lok: LognormalKriging, grid: GridSpec, window: GridWindow, rasters: VariableRasters,
                                        paths: [String], crs: CRS, layout: SurfaceLayout, pH: [Float], pollutant: Pollutant,
                                        table: ThresholdTable, landUse: LandUse, mask: [Bool]? = nil, threads: Int,
                                        progress: ProgressReporter) throws {
    let nodata = surfaceNodata
    let local = grid.subgrid(window)
    precondition(pH.count == local.cellCount, "the pH values must cover the window")
    let pw = try RasterWriter(path: paths[0], spec: rasters.spec(0, grid: local, crs: crs, layout: layout))
    let vw = try RasterWriter(path: paths[1], spec: rasters.spec(1, grid: local, crs: crs, layout: layout))
    let sw = try RasterWriter(path: paths[2], spec: rasters.spec(2, grid: local, crs: crs, layout: layout))
    let iw = paths.count > 3 ? try RasterWriter(path: paths[3], spec: rasters.spec(3, grid: local, crs: crs, layout: layout)) : nil
    // The prediction and the probabilities are read back by the classification and the parcels.
    for w in [pw, sw, iw].compactMap({ $0 }) { w.keepsStaging = true }
    let wrapper = LognormalWithLogPrediction(base: lok)
    let limits = LogThresholds(table: table, pollutant: pollutant, landUse: landUse)
    let columns = local.columns
    try GridInterpolation.run(wrapper, grid: grid, as: Float.self, threads: threads, blockRows: 64, window: window,
                              mask: mask) { (b: RowBlock<Float>) in
        let n = b.prediction.count
        var pred = b.prediction, vari = b.variance!
        var ps = [Float](repeating: nodata, count: n), pi = [Float](repeating: nodata, count: n)
        let logPred = b.exceedance!
        let first = b.firstRow * columns
        let chunks = max(1, min(2 * threads, b.rowCount))
        pred.withUnsafeMutableBufferPointer { PR in
        vari.withUnsafeMutableBufferPointer { VA in
        ps.withUnsafeMutableBufferPointer { PS in
        pi.withUnsafeMutableBufferPointer { PI in
        logPred.withUnsafeBufferPointer { LP in
        pH.withUnsafeBufferPointer { PH in
            let out = ExceedanceBuffers(pred: PR.baseAddress!, vari: VA.baseAddress!, ps: PS.baseAddress!, pi: PI.baseAddress!,
                                        logPred: LP.baseAddress!, pH: PH.baseAddress! + first)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let r0 = c * b.rowCount / chunks, r1 = (c + 1) * b.rowCount / chunks
                out.compute(r0 * columns..<r1 * columns, limits: limits, nodata: nodata)
            }
        }}}}}}
        try pw.write(rows: pred)
        try vw.write(rows: vari)
        try sw.write(rows: ps)
        try iw?.write(rows: pi)
        progress.update(b.firstRow + b.rowCount)
    }
    try RasterWriter.closeAll([pw, vw, sw] + [iw].compactMap { $0 })
}

/// ln of a pollutant's screening and intervention values by pH in hundredths (the
/// classification's rounding): 0.00 … 14.00 tabulated once, other values looked up each time.
struct LogThresholds: Sendable {
    private let table: ThresholdTable, pollutant: Pollutant, landUse: LandUse
    private var byHundredth: [(screening: Double, intervention: Double?)?] = []

    init(table: ThresholdTable, pollutant: Pollutant, landUse: LandUse) {
        self.table = table
        self.pollutant = pollutant
        self.landUse = landUse
        byHundredth = (0...1400).map(lookUp)
    }

    private func lookUp(_ key: Int) -> (screening: Double, intervention: Double?)? {
        (try? table.threshold(for: pollutant, landUse: landUse, pH: Double(key) / 100))
            .map { (Foundation.log($0.screening), $0.intervention.map { Foundation.log($0) }) }
    }

    @inline(__always)
    func callAsFunction(_ pH: Float) -> (screening: Double, intervention: Double?)? {
        let key = Int((Double(pH) * 100).rounded())
        return key >= 0 && key <= 1400 ? byHundredth[key] : lookUp(key)
    }
}

/// One block's pixel buffers while its exceedance probabilities are computed by row chunks:
/// each chunk writes only its own cells.
private struct ExceedanceBuffers: @unchecked Sendable {
    let pred: UnsafeMutablePointer<Float>, vari: UnsafeMutablePointer<Float>
    let ps: UnsafeMutablePointer<Float>, pi: UnsafeMutablePointer<Float>
    let logPred: UnsafePointer<Float>, pH: UnsafePointer<Float>

    func compute(_ cells: Range<Int>, limits: LogThresholds, nodata: Float) {
        for k in cells {
            guard pred[k].isFinite, vari[k].isFinite else { pred[k] = nodata; vari[k] = nodata; continue }
            let p = pH[k]
            guard p.isFinite, p != nodata, let t = limits(p) else { continue }
            let sd = Double(vari[k]).squareRoot()
            func exceed(_ logLimit: Double) -> Float {
                sd > 0 ? Float(SpecialFunctions.normalSurvival((logLimit - Double(logPred[k])) / sd))
                       : (Double(logPred[k]) > logLimit ? 1 : 0)
            }
            ps[k] = exceed(t.screening)
            if let iv = t.intervention { pi[k] = exceed(iv) }
        }
    }
}
