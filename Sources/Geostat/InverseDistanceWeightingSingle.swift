import Foundation

/// Sample data of the single-precision global IDW kernel (see ``InverseDistanceWeighting``).
struct SingleData: Sendable {
    /// Origin of the x coordinates: the centre of the samples' x range.
    let x0: Double
    /// x − x0 as a float pair: xh = Float(x − x0), xl = Float((x − x0) − xh). Float arrays are
    /// padded to a multiple of 8 with copies of the last sample (masked out in the kernel).
    let xh: [Float], xl: [Float]
    /// Sample count before padding.
    let count: Int
    let xMin: Double, xMax: Double
    /// Float(z − zMid), with zMid the midrange of the values.
    let zc: [Float]
    let zMid: Double, zMin: Double, zMax: Double

    init(x: [Double], values: [Double]) {
        let lo = x.min()!, hi = x.max()!
        xMin = lo; xMax = hi
        x0 = lo + (hi - lo) / 2
        var h = [Float](), l = [Float]()
        h.reserveCapacity(x.count); l.reserveCapacity(x.count)
        for v in x {
            let (a, b) = SingleData.split(v - lo - (hi - lo) / 2)
            h.append(a); l.append(b)
        }
        count = x.count
        let padded = (x.count + 7) / 8 * 8
        while h.count < padded { h.append(h[x.count - 1]); l.append(l[x.count - 1]) }
        xh = h; xl = l
        zMin = values.min()!; zMax = values.max()!
        zMid = zMin + (zMax - zMin) / 2
        let m = zMid
        var zf = values.map { Float($0 - m) }
        while zf.count < padded { zf.append(zf[x.count - 1]) }
        zc = zf
    }

    @inline(__always)
    static func split(_ v: Double) -> (Float, Float) {
        let h = Float(v)
        return (h, Float(v - Double(h)))
    }
}

extension InverseDistanceWeighting {
    typealias SingleLanes = SIMD4<Float>
    /// Samples summed in Float before the partial sums are added in Double (a multiple of 8).
    static var singleBlock: Int { 64 }
    /// Bound on a cell's largest squared distance for the float kernel: products of two squared
    /// distances stay below 1e36 (Float max 3.4e38); beyond it the cell is computed in Double.
    static var singleMaxR2: Double { 1e18 }

    /// Global power-2 IDW without smoothing or anisotropy in float32 (``IDWPrecision/single``).
    ///
    /// Per target, SIMD lanes over the samples in index order (as gdal_grid's SSE/AVX kernel):
    /// lane k of a chunk of 8 samples takes samples i+k (first accumulator pair) and i+4+k (second);
    /// dx = (xₕ − qₕ) + (xₗ − qₗ), r = dx² + Float((y − yᵢ)²) and w = 1/r in Float (a division per
    /// sample: LLVM splits the two-weights-per-division form into per-lane scalar code, measured
    /// 2× slower); Σ w(z − z̄) and Σ w are summed per lane in Float over blocks of
    /// ``singleBlock`` samples, then in Double (lanes added as (0+1)+(2+3)). The
    /// arithmetic of a target depends only on the target and the samples, so every cell gets the
    /// bits of a single ``estimate(x:y:workspace:)``, for any thread count or block size.
    /// Exact hits, non-finite sums and cells beyond ``singleMaxR2`` are computed in Double (as
    /// the double kernel).
    /// Float lanes → Double lanes, not inlined: keeps the optimiser from splitting the SIMD
    /// kernel into per-lane scalar code (measured 2× slower).
    @inline(never)
    static func widenLanes(_ v: SIMD4<Float>) -> SIMD4<Double> {
        SIMD4<Double>(Double(v[0]), Double(v[1]), Double(v[2]), Double(v[3]))
    }

    func globalRowPower2Single(_ sd: SingleData, xs: UnsafeBufferPointer<Double>, y qy: Double,
                               out: UnsafeMutableBufferPointer<Estimate>, e: inout [Double], ef: inout [Float]) {
        typealias V = SingleLanes
        let n = samples.count
        let nFull = n / 8 * 8
        let count = xs.count
        let thr = Self.exactThreshold
        let B = Self.singleBlock
        let maxR2 = Self.singleMaxR2
        var maskA = V(repeating: 0), maskB = V(repeating: 0)
        for k in 0..<4 {
            if nFull + k < n { maskA[k] = 1 }
            if nFull + 4 + k < n { maskB[k] = 1 }
        }
        points.x.withUnsafeBufferPointer { X in
        points.y.withUnsafeBufferPointer { Y in
        samples.values.withUnsafeBufferPointer { Z in
        sd.xh.withUnsafeBufferPointer { XHb in
        sd.xl.withUnsafeBufferPointer { XLb in
        sd.zc.withUnsafeBufferPointer { ZCb in
        e.withUnsafeMutableBufferPointer { E in
        ef.withUnsafeMutableBufferPointer { EFb in
            var nearRow = false
            var eMax = 0.0
            for i in 0..<n {
                let dy = Y[i] - qy
                let v = dy * dy
                E[i] = v
                EFb[i] = Float(v)
                if v < thr { nearRow = true }
                eMax = Swift.max(eMax, v)
            }
            for i in n..<EFb.count { EFb[i] = EFb[n - 1] }
            let XH = UnsafeRawPointer(XHb.baseAddress!), XL = UnsafeRawPointer(XLb.baseAddress!)
            let ZC = UnsafeRawPointer(ZCb.baseAddress!), EF = UnsafeRawPointer(UnsafePointer(EFb.baseAddress!))
            @inline(__always) func widen(_ v: V) -> SIMD4<Double> { Self.widenLanes(v) }
            @inline(__always) func ld(_ p: UnsafeRawPointer, _ i: Int) -> V { p.loadUnaligned(fromByteOffset: 4 * i, as: V.self) }
            for j in 0..<count {
                let qx = xs[j]
                if nearRow {
                    var hit = -1
                    for t in 0..<n where E[t] < thr {
                        let dx = X[t] - qx
                        if dx * dx + E[t] < thr { hit = t; break }
                    }
                    if hit >= 0 { out[j] = Estimate(prediction: Z[hit]); continue }
                }
                let (h, lo) = SingleData.split(qx - sd.x0)
                let qh = V(repeating: h), ql = V(repeating: lo)
                var numD = SIMD4<Double>(repeating: 0), denD = SIMD4<Double>(repeating: 0)
                var i = 0
                while i < nFull {
                    let end = Swift.min(i + B, nFull)
                    var num = V(repeating: 0), den = V(repeating: 0), num2 = V(repeating: 0), den2 = V(repeating: 0)
                    while i < end {
                        let dx = (ld(XH, i) - qh) + (ld(XL, i) - ql)
                        let w = V(repeating: 1) / (dx * dx + ld(EF, i))
                        num += w * ld(ZC, i)
                        den += w
                        let dx2 = (ld(XH, i + 4) - qh) + (ld(XL, i + 4) - ql)
                        let w2 = V(repeating: 1) / (dx2 * dx2 + ld(EF, i + 4))
                        num2 += w2 * ld(ZC, i + 4)
                        den2 += w2
                        i += 8
                    }
                    numD += widen(num + num2)
                    denD += widen(den + den2)
                }
                if nFull < n {
                    let dxa = (ld(XH, i) - qh) + (ld(XL, i) - ql)
                    let dxb = (ld(XH, i + 4) - qh) + (ld(XL, i + 4) - ql)
                    let ra = dxa * dxa + ld(EF, i), rb = dxb * dxb + ld(EF, i + 4)
                    let inv = 1 / (ra * rb)
                    let wa = rb * inv * maskA, wb = ra * inv * maskB
                    let num = wa * ld(ZC, i) + wb * ld(ZC, i + 4)
                    let den = wa + wb
                    numD += widen(num)
                    denD += widen(den)
                }
                let nu = (numD[0] + numD[1]) + (numD[2] + numD[3])
                let de = (denD[0] + denD[1]) + (denD[2] + denD[3])
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
        }}}}}}}}
    }
}
