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
    /// Blocks of the far-field evaluation (nil: every sample is summed directly at every target).
    let farField: FarFieldLayout?

    init(x: [Double], y: [Double], values: [Double]) {
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
        // Padded with zeros to a multiple of 8 (the far-field kernel reads whole vectors).
        let pad = [Float](repeating: 0, count: FarFieldLayout.paddedCount(x.count) - x.count)
        xh = h + pad; xl = l + pad
        zMin = values.min()!; zMax = values.max()!
        zMid = zMin + (zMax - zMin) / 2
        let m = zMid
        zc = values.map { Float($0 - m) } + pad
        farField = FarFieldLayout(count: x.count, width: hi - lo, height: y.max()! - y.min()!)
    }

    @inline(__always)
    static func split(_ v: Double) -> (Float, Float) {
        let h = Float(v)
        return (h, Float(v - Double(h)))
    }
}

/// How the float32 global IDW kernel splits a row into blocks whose far samples are summed as a
/// series (GeostatKernels' `idwPower2FarFieldSingle`) and whose near samples are summed directly.
///
/// Blocks are intervals [x₀ + kW, x₀ + (k + 1)W) of the target abscissa, fixed by the samples
/// alone (not by the grid, its tiling or its row length), so a target gets the same arithmetic in
/// any grid, alone or in a row, in any tile. W is the power of two nearest the samples' mean
/// spacing √(bounding-box area / n); samples farther than D = 5W from a block's centre (ρ = h/D =
/// 0.1 with h = W/2) are far, and the series keeps 9 terms: its truncation changes each far weight
/// by at most 1.4e-8 relative (see the kernel), a quarter of a float's rounding.
struct FarFieldLayout: Sendable {
    /// Block width W (CRS units, a power of two) and half width h = W/2.
    let width: Double, halfWidth: Double
    /// D² = (h/ρ)² in Float (exact: 25 W²).
    let nearSquared: Float
    /// Series terms K + 1.
    static var terms: Int { 9 }
    /// Fewest samples for which blocks pay (about π·25 ≈ 80 samples are near a block when they
    /// are spread evenly; with fewer samples in all, direct sums are as fast).
    static var minSamples: Int { 512 }

    /// The layout for `n` samples spread over a bounding box `width` × `height` (CRS units); nil
    /// when there are too few samples or the box has no area.
    init?(count n: Int, width boxWidth: Double, height boxHeight: Double) {
        let area = boxWidth * boxHeight
        guard n >= Self.minSamples, area > 0, area.isFinite else { return nil }
        let w = Foundation.exp2((Foundation.log2(area / Double(n)) / 2).rounded())
        // Coordinates so small or large that h, D² or 1/D² leave the normal Float range: no blocks.
        let d2 = Float(25 * w * w)
        guard w.isNormal, Float(w / 2).isNormal, d2.isNormal, (1 / d2).isNormal else { return nil }
        width = w; halfWidth = w / 2
        nearSquared = d2
    }

    /// n rounded up to a multiple of 8.
    static func paddedCount(_ n: Int) -> Int { (n + 7) & ~7 }
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
    /// ``estimate(x:y:workspace:)``, for any thread count, block size or kernel set. With a
    /// ``FarFieldLayout`` the far samples of each block are summed as a series
    /// (``singleSumsByBlock(_:_:xs:n:exactTargets:xh:xl:z:b:kernels:)``).
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
            if let ff = sd.farField {
                Self.singleSumsByBlock(sd, ff, xs: xs, n: n, exactTargets: exactTargets, xh: xh, xl: xl, z: z,
                                       b: b, kernels: kernels)
            } else {
                Self.singleSums(xh: xh, xl: xl, e: b.ef, z: z, n: n, qh: b.qh, ql: exactTargets ? nil : b.ql, count: count,
                                num: b.num, den: b.den, kernels: kernels)
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

    /// Direct float sums of `n` samples at `count` targets (GeostatKernels' `idwPower2SumsSingle`).
    @inline(__always)
    static func singleSums(xh: UnsafePointer<Float>, xl: UnsafePointer<Float>, e: UnsafePointer<Float>, z: UnsafePointer<Float>,
                           n: Int, qh: UnsafePointer<Float>, ql: UnsafePointer<Float>?, count: Int,
                           num: UnsafeMutablePointer<Double>, den: UnsafeMutablePointer<Double>, kernels: KernelSet) {
        if kernels == .avx2 {
            idwPower2SumsSingleAVX2(xh: xh, xl: xl, e: e, z: z, n: n, block: singleBlock, qh: qh, ql: ql, count: count,
                                    num: num, den: den)
        } else {
            idwPower2SumsSingle(xh: xh, xl: xl, e: e, z: z, n: n, block: singleBlock, qh: qh, ql: ql, count: count,
                                num: num, den: den, fma: portableFusedMultiplyAdd8)
        }
    }

    /// The float sums of a row by far-field blocks (``FarFieldLayout``): for each run of targets in
    /// one block, the far samples' series moments (once per run) evaluated at each target by
    /// Horner's rule in Double, plus the near samples summed directly (in index order, the direct
    /// kernel's arithmetic). A target's sums depend only on the target, its row and the samples.
    static func singleSumsByBlock(_ sd: SingleData, _ ff: FarFieldLayout, xs: UnsafeBufferPointer<Double>, n: Int,
                                  exactTargets: Bool, xh: UnsafePointer<Float>, xl: UnsafePointer<Float>, z: UnsafePointer<Float>,
                                  b: GlobalRowBuffers, kernels: KernelSet) {
        let count = xs.count
        let terms = FarFieldLayout.terms
        let f = b.far
        // W and h are powers of two: multiplying by their reciprocals is dividing, exactly.
        let perWidth = 1 / ff.width, perHalf = 1 / ff.halfWidth
        let block = { (j: Int) in ((xs[j] - sd.x0) * perWidth).rounded(.down) }
        var j0 = 0
        while j0 < count {
            let id = block(j0)
            var j1 = j0 + 1
            while j1 < count && block(j1) == id { j1 += 1 }
            let c = (id + 0.5) * ff.width
            let ql = exactTargets ? nil : UnsafePointer(b.ql + j0)
            guard id.isFinite, Double(Float(c)) == c else {
                // A block too far from x₀ for a float centre: sum every sample directly.
                singleSums(xh: xh, xl: xl, e: b.ef, z: z, n: n, qh: b.qh + j0, ql: ql, count: j1 - j0,
                           num: b.num + j0, den: b.den + j0, kernels: kernels)
                j0 = j1; continue
            }
            let nearCount: Int
            if kernels == .avx2 {
                nearCount = idwPower2FarFieldSingleAVX2(xh: xh, xl: xl, e: b.ef, z: z, n: n, centre: Float(c),
                                                        halfWidth: Float(ff.halfWidth), nearSquared: ff.nearSquared, terms: terms,
                                                        moments: f.moments, near: f.near, scratch: f.vectors, accumulators: f.accumulators)
            } else {
                nearCount = idwPower2FarFieldSingle(xh: xh, xl: xl, e: b.ef, z: z, n: n, centre: Float(c),
                                                    halfWidth: Float(ff.halfWidth), nearSquared: ff.nearSquared, terms: terms,
                                                    moments: f.moments, near: f.near, scratch: f.vectors, accumulators: f.accumulators,
                                                    fma: portableFusedMultiplyAdd8)
            }
            for t in 0..<nearCount {
                let i = Int(f.near[t])
                f.xh[t] = xh[i]; f.xl[t] = xl[i]; f.e[t] = b.ef[i]; f.z[t] = z[i]
            }
            singleSums(xh: f.xh, xl: f.xl, e: f.e, z: f.z, n: nearCount, qh: b.qh + j0, ql: ql, count: j1 - j0,
                       num: b.num + j0, den: b.den + j0, kernels: kernels)
            // Horner's rule per target, four targets at a time (independent lanes: a target gets
            // the same bits in any lane; a short last group repeats its last target).
            let m = f.moments
            var j = j0
            while j < j1 {
                var t = SIMD4<Double>()
                for l in 0..<4 { t[l] = ((xs[Swift.min(j + l, j1 - 1)] - sd.x0) - c) * perHalf }
                var pa = SIMD4<Double>(repeating: m[2 * (terms - 1)]), pb = SIMD4<Double>(repeating: m[2 * (terms - 1) + 1])
                for k in stride(from: terms - 2, through: 0, by: -1) {
                    pa = pa * t + m[2 * k]; pb = pb * t + m[2 * k + 1]
                }
                for l in 0..<Swift.min(4, j1 - j) { b.num[j + l] += pa[l]; b.den[j + l] += pb[l] }
                j += 4
            }
            j0 = j1
        }
    }
}
