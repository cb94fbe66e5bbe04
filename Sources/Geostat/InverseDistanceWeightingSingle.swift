import Foundation
import GeostatKernels

/// Sample data of the single-precision global IDW kernel (see ``InverseDistanceWeighting``).
struct SingleData: Sendable {
    /// Origin of the x coordinates: the centre of the samples' x range rounded to a multiple of
    /// 2^⌊log₂ range⌋ / 64, so that grid-cell abscissae at round cell sizes are floats exactly
    /// relative to it (then the kernel skips their low parts).
    let x0: Double
    /// x − x0 as a float pair: xh = Float(x − x0), xl = Float((x − x0) − xh).
    let xh: [Float], xl: [Float]
    let count: Int
    let xMin: Double, xMax: Double
    /// Float(z − zMid), with zMid the midrange of the values.
    let zc: [Float]
    let zMid: Double, zMin: Double, zMax: Double

    init(x: [Double], values: [Double]) {
        let lo = x.min()!, hi = x.max()!
        xMin = lo; xMax = hi
        let centre = lo + (hi - lo) / 2
        if hi > lo, hi - lo < 1e300 {
            let step = Foundation.exp2(Foundation.floor(Foundation.log2(hi - lo))) / 64
            x0 = (centre / step).rounded() * step
        } else {
            x0 = centre
        }
        var h = [Float](), l = [Float]()
        h.reserveCapacity(x.count); l.reserveCapacity(x.count)
        for v in x {
            let (a, b) = SingleData.split(v - x0)
            h.append(a); l.append(b)
        }
        count = x.count
        xh = h; xl = l
        zMin = values.min()!; zMax = values.max()!
        zMid = zMin + (zMax - zMin) / 2
        let m = zMid
        zc = values.map { Float($0 - m) }
    }

    @inline(__always)
    static func split(_ v: Double) -> (Float, Float) {
        let h = Float(v)
        return (h, Float(v - Double(h)))
    }
}

extension InverseDistanceWeighting {
    /// Samples summed in Float before the partial sums are added in Double.
    static var singleBlock: Int { 64 }
    /// Bound on a cell's largest squared distance for the float kernel (Float max 3.4e38, and
    /// sums of up to ``singleBlock`` weights); beyond it the cell is computed in Double.
    static var singleMaxR2: Double { 1e30 }

    /// Global power-2 IDW without smoothing or anisotropy in float32 (``IDWPrecision/single``).
    ///
    /// The sums come from `idwPower2SumsSingle` (GeostatKernels): targets in SIMD lanes, samples in
    /// index order, dx = (xₕ − qₕ) + (xₗ − qₗ), r = dx² + Float((y − yᵢ)²) (one fused
    /// multiply-add), w = 1/r in Float (a division per sample and target); Σ w(z − z̄) (fused)
    /// and Σ w in Float over blocks of
    /// ``singleBlock`` samples, then in Double. Rows whose targets are all floats exactly relative
    /// to x₀ (qₗ = 0) take the kernel's shorter form, with the same bits. The arithmetic of a target depends only on the
    /// target and the samples, so every cell gets the bits of a single
    /// ``estimate(x:y:workspace:)``, for any thread count, block size or kernel set.
    /// Exact hits, non-finite sums and cells beyond ``singleMaxR2`` are computed in Double (as
    /// the double kernel).
    func globalRowPower2Single(_ sd: SingleData, xs: UnsafeBufferPointer<Double>, y qy: Double,
                               out: UnsafeMutableBufferPointer<Estimate>, ws: inout Workspace) {
        let n = samples.count
        let count = xs.count
        let thr = Self.exactThreshold
        let maxR2 = Self.singleMaxR2
        let b = ws.rows
        b.reserve(count)
        let kernels = self.kernels
        points.x.withUnsafeBufferPointer { X in
        points.y.withUnsafeBufferPointer { Y in
        samples.values.withUnsafeBufferPointer { Z in
        sd.xh.withUnsafeBufferPointer { XH in
        sd.xl.withUnsafeBufferPointer { XL in
        sd.zc.withUnsafeBufferPointer { ZC in
            let (nearRow, eMax) = Self.rowTerms(y: qy, ys: Y, s2: 0, e: b.eBuffer, ef: b.efBuffer)
            var exactTargets = true
            for j in 0..<count {
                (b.qh[j], b.ql[j]) = SingleData.split(xs[j] - sd.x0)
                if b.ql[j] != 0 { exactTargets = false }
            }
            let xh = XH.baseAddress!, xl = XL.baseAddress!, z = ZC.baseAddress!
            let ql = exactTargets ? nil : UnsafePointer(b.ql)
            if kernels == .avx2 {
                idwPower2SumsSingleAVX2(xh: xh, xl: xl, e: b.ef, z: z, n: n, block: Self.singleBlock, qh: b.qh, ql: ql, count: count,
                                       num: b.num, den: b.den)
            } else {
                idwPower2SumsSingle(xh: xh, xl: xl, e: b.ef, z: z, n: n, block: Self.singleBlock, qh: b.qh, ql: ql, count: count,
                                    num: b.num, den: b.den, fma: portableFusedMultiplyAdd8)
            }
            let E = b.e
            for j in 0..<count {
                let qx = xs[j]
                if nearRow, let hit = Self.exactHit(qx: qx, x: X, e: UnsafeBufferPointer(b.eBuffer), threshold: thr) {
                    out[j] = Estimate(prediction: Z[hit]); continue
                }
                let nu = b.num[j], de = b.den[j]
                let dxMax = Swift.max(Swift.abs(qx - sd.xMin), Swift.abs(qx - sd.xMax))
                var p = sd.zMid + nu / de
                if de > 0 && de.isFinite && p.isFinite && dxMax * dxMax + eMax <= maxR2 {
                    p = Swift.min(Swift.max(p, sd.zMin), sd.zMax)
                } else {
                    var nu = 0.0, de = 0.0
                    for t in 0..<n {
                        let dx = X[t] - qx
                        let w = 1 / (dx * dx + E[t])
                        nu += w * Z[t]; de += w
                    }
                    p = nu / de
                }
                out[j] = Estimate(prediction: p)
            }
        }}}}}}
    }
}
