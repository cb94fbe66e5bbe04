import Foundation
import GeoTypes
import Testing
@testable import Geostat
import GeostatKernels

@Suite("SIMD kernel sets (portable and AVX2 compilations of GeostatKernels)")
struct KernelDispatchTests {
    /// Every kernel set gives the same bits for global power-2 IDW in double and single precision,
    /// on grids whose rows are not multiples of the lane counts (8 and 16 targets), with rows that
    /// pass through samples (exact hits) and with smoothing. Grids are evaluated row by row through
    /// ``GridInterpolation``, so the kernels run on whole rows.
    @Test(arguments: [UInt64(7), 8, 9])
    func kernelSetsGiveIdenticalBits(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        // 700 samples: the float kernel sums far samples by blocks (FarFieldLayout).
        let n = [301, 64, 700][Int(seed % 3)]
        var x = (0..<n).map { _ in 3_500_000 + rng.nextUniform() * 9_000 }
        var y = (0..<n).map { _ in 4_000_000 + rng.nextUniform() * 7_000 }
        // Two samples on cell centres of the grid below: exact hits inside rows.
        x[0] = 3_500_000 + 10 * 50 + 25; y[0] = 4_000_000 + 7_000 - (3 * 50 + 25)
        x[1] = 3_500_000 + 36 * 50 + 25; y[1] = y[0]
        let z = (0..<n).map { i in 20 + 5 * sin(x[i] / 900) + rng.nextGaussian() }
        let s = try SampleSet(x: x, y: y, values: z)
        let grid = try GridSpec(extent: Extent(minX: 3_500_000, minY: 4_000_000, maxX: 3_500_000 + 37 * 50, maxY: 4_007_000),
                                columns: 37, rows: 140)
        for (precision, smoothing) in [(IDWPrecision.double, 0.0), (.single, 0), (.double, 25)] {
            var grids: [[UInt64]] = []
            for set in KernelSet.allCases where set.isSupported {
                let idw = try InverseDistanceWeighting(samples: s, power: 2, smoothing: smoothing, precision: precision, kernels: set)
                #expect(idw.kernels == set)
                let block = try GridInterpolation.run(idw, grid: grid, as: Double.self, threads: 2, blockRows: 9)
                grids.append(block.prediction.map(\.bitPattern))
                #expect(block.prediction[3 * 37 + 10] == z[0] && block.prediction[3 * 37 + 36] == z[1] || smoothing > 0)
                // The same bits as a single target at a time (lane position does not matter).
                let cells = [0, 5, 3 * 37 + 10, 77 * 37 + 36, 139 * 37 + 17].map {
                    Coordinate(x: grid.centerX(column: $0 % 37), y: grid.centerY(row: $0 / 37))
                }
                let one = idw.predict(at: cells).map(\.prediction.bitPattern)
                #expect(one == [0, 5, 3 * 37 + 10, 77 * 37 + 36, 139 * 37 + 17].map { block.prediction[$0].bitPattern })
            }
            print("kernel sets compared (\(precision), s = \(smoothing)): \(KernelSet.allCases.filter(\.isSupported))")
            #expect(grids.allSatisfy { $0 == grids[0] })
        }
    }

    /// The double kernel's sums are the scalar loop's: 1/r per sample in index order.
    @Test func doubleKernelEqualsScalarSums() throws {
        var rng = SplitMix64(seed: 99)
        let n = 123
        let x = (0..<n).map { _ in rng.nextUniform() * 5_000 }, y = (0..<n).map { _ in rng.nextUniform() * 5_000 }
        let z = (0..<n).map { _ in rng.nextUniform() * 3 }
        let s = try SampleSet(x: x, y: y, values: z)
        for set in KernelSet.allCases where set.isSupported {
            let idw = try InverseDistanceWeighting(samples: s, power: 2, kernels: set)
            for _ in 0..<20 {
                let qx = rng.nextUniform() * 6_000 - 500, qy = rng.nextUniform() * 6_000 - 500
                var num = 0.0, den = 0.0
                for i in 0..<n {
                    let dx = x[i] - qx, dy = y[i] - qy
                    let w = 1 / (dx * dx + dy * dy)
                    num += w * z[i]; den += w
                }
                #expect(idw.predict(at: Coordinate(x: qx, y: qy)).prediction.bitPattern == (num / den).bitPattern)
            }
        }
    }

    /// The float kernel computes, in both compilations, exactly the documented arithmetic: per
    /// target and sample r = fma(d, d, e), w = 1/r, numF = fma(w, z, numF), denF += w in Float,
    /// added to Double sums after each block of samples — checked against that scalar loop.
    @Test func singleKernelEqualsScalarFormula() throws {
        var rng = SplitMix64(seed: 17)
        let n = 150, count = 21, block = 64
        let xh = (0..<n).map { _ in Float(rng.nextUniform() * 8_000 - 4_000) }
        let xl = xh.map { Float(Double($0) * 3e-8) }
        let e = (0..<n).map { _ in Float(rng.nextUniform() * 1e6) }, z = (0..<n).map { _ in Float(rng.nextGaussian()) }
        let qh = (0..<count).map { _ in Float(rng.nextUniform() * 9_000 - 4_500) }
        let ql = qh.map { Float(Double($0) * -2e-8) }
        var expected: [UInt64] = []
        for j in 0..<count {
            var num = 0.0, den = 0.0, i = 0
            while i < n {
                var nf: Float = 0, df: Float = 0
                for k in i..<min(i + block, n) {
                    let d = (xh[k] - qh[j]) + (xl[k] - ql[j])
                    let w = 1 / e[k].addingProduct(d, d)
                    nf = nf.addingProduct(w, z[k]); df += w
                }
                num += Double(nf); den += Double(df); i += block
            }
            expected += [num.bitPattern, den.bitPattern]
        }
        for set in KernelSet.allCases where set.isSupported {
            var num = [Double](repeating: 0, count: count), den = num
            if set == .avx2 {
                idwPower2SumsSingleAVX2(xh: xh, xl: xl, e: e, z: z, n: n, block: block, qh: qh, ql: ql, count: count, num: &num, den: &den)
            } else {
                idwPower2SumsSingle(xh: xh, xl: xl, e: e, z: z, n: n, block: block, qh: qh, ql: ql, count: count, num: &num, den: &den,
                                    fma: portableFusedMultiplyAdd8)
            }
            #expect(zip(num, den).flatMap { [$0.bitPattern, $1.bitPattern] } == expected, "\(set)")
        }
    }

    /// The far-field kernel lists exactly the samples with fma(a, a, e) < D² (ascending), gives the
    /// same bits in both compilations, and its series, evaluated across the block, matches the far
    /// samples' sums computed directly in Double (truncation 1.4e-8, float rounding ~1e-7).
    @Test func farFieldKernelMatchesDirectSums() throws {
        var rng = SplitMix64(seed: 31)
        let n = 603, padded = 608, terms = 9
        var xh = (0..<n).map { _ in Float(rng.nextUniform() * 40_000 - 20_000) }
        var xl = xh.map { Float(Double($0) * 2e-8) }
        var e = (0..<n).map { _ in Float(pow(rng.nextUniform() * 30_000 - 15_000, 2)) }
        var z = (0..<n).map { _ in Float(rng.nextGaussian()) }
        // Samples on the row line (e = 0, the series' worst case) at |a| = 5,121, 5,119, 5,200,
        // 7,000 m and exactly D = 5,120 m from the centre.
        for i in 0..<5 { e[i] = 0; xh[i] = 1_536 + [5_121, -5_119, 5_200, -7_000, 5_120][i]; xl[i] = 0 }
        let pad = [Float](repeating: 0, count: padded - n)
        xh += pad; xl += pad; e += pad; z += pad
        let c: Float = 1_536, h: Float = 512, d2: Float = 25 * 1_024 * 1_024
        var results: [([Double], [Int32])] = []
        for set in KernelSet.allCases where set.isSupported {
            var moments = [Double](repeating: .nan, count: 2 * terms), near = [Int32](repeating: -1, count: n)
            let vectors = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: 2 * terms)
            let acc = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: 2 * terms)
            defer { vectors.deallocate(); acc.deallocate() }
            let count = set == .avx2
                ? idwPower2FarFieldSingleAVX2(xh: xh, xl: xl, e: e, z: z, n: n, centre: c, halfWidth: h, nearSquared: d2, terms: terms,
                                              moments: &moments, near: &near, scratch: vectors, accumulators: acc)
                : idwPower2FarFieldSingle(xh: xh, xl: xl, e: e, z: z, n: n, centre: c, halfWidth: h, nearSquared: d2, terms: terms,
                                          moments: &moments, near: &near, scratch: vectors, accumulators: acc,
                                          fma: portableFusedMultiplyAdd8)
            results.append((moments, Array(near.prefix(count))))
        }
        #expect(results.allSatisfy { $0.0.map(\.bitPattern) == results[0].0.map(\.bitPattern) && $0.1 == results[0].1 })
        let (moments, near) = results[0]
        let expectedNear = (0..<n).filter { i in
            let a = (xh[i] - c) + xl[i]
            return e[i].addingProduct(a, a) < d2
        }.map(Int32.init)
        #expect(near == expectedNear)
        #expect(near.contains(1) && !near.contains(0) && !near.contains(4), "R < D² near; R > D² and R = D² far")
        let far = Set(0..<n).subtracting(near.map(Int.init))
        for t in [-1.0, -0.62, 0, 0.3, 0.999] {
            let q = Double(c) + t * Double(h)
            var num = 0.0, den = 0.0, scale = 0.0
            for i in far {
                let dx = Double(xh[i]) + Double(xl[i]) - q
                let w = 1 / (dx * dx + Double(e[i]))
                num += w * Double(z[i]); den += w; scale += w * abs(Double(z[i]))
            }
            var pa = moments[2 * (terms - 1)], pb = moments[2 * terms - 1]
            for k in stride(from: terms - 2, through: 0, by: -1) { pa = pa * t + moments[2 * k]; pb = pb * t + moments[2 * k + 1] }
            #expect(abs(pa - num) <= 1e-6 * scale, "t = \(t): Σzw \(pa) vs \(num)")
            #expect(abs(pb - den) <= 1e-6 * den, "t = \(t): Σw \(pb) vs \(den)")
        }
    }

    /// One far sample in the series' worst place — on the row line (e = 0) exactly at D, the
    /// target at the block's edge (|t| = 1, ρ = 0.1) — against the exact weight: the truncation
    /// bound (1.36e-8) plus a few float roundings.
    @Test(arguments: [Float(1), -1])
    func farFieldSeriesAtItsWorstCase(side: Float) {
        let terms = 9, c: Float = 0, h: Float = 512, d2: Float = 25 * 1_024 * 1_024
        let xh = [side * 5_120] + [Float](repeating: 0, count: 7), zero = [Float](repeating: 0, count: 8)
        let z = [Float(1)] + [Float](repeating: 0, count: 7)
        var moments = [Double](repeating: .nan, count: 2 * terms), near = [Int32](repeating: -1, count: 1)
        let vectors = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: 2 * terms)
        let acc = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: 2 * terms)
        defer { vectors.deallocate(); acc.deallocate() }
        let count = idwPower2FarFieldSingle(xh: xh, xl: zero, e: zero, z: z, n: 1, centre: c, halfWidth: h, nearSquared: d2,
                                            terms: terms, moments: &moments, near: &near, scratch: vectors, accumulators: acc,
                                            fma: portableFusedMultiplyAdd8)
        #expect(count == 0)
        for t in [1.0, -1.0, 0.5, 0] {
            let exact = 1 / pow(Double(side) * 5_120 - t * 512, 2)
            var pb = moments[2 * terms - 1]
            for k in stride(from: terms - 2, through: 0, by: -1) { pb = pb * t + moments[2 * k + 1] }
            #expect(abs(pb - exact) <= 1e-7 * exact, "t = \(t): \(pb) vs \(exact), rel \(abs(pb - exact) / exact)")
        }
    }

    /// The float kernel's short form for exact targets (ql = nil) gives the bits of the general form
    /// with qₗ = 0, in both compilations; and grid rows at a round cell size take it (x₀ is rounded).
    @Test func singleKernelExactTargetFormHasTheSameBits() throws {
        var rng = SplitMix64(seed: 5)
        let n = 150, count = 37
        let xh = (0..<n).map { _ in Float(rng.nextUniform() * 8_000 - 4_000) }
        let xl = xh.map { Float(Double($0) * 1e-8) }
        let e = (0..<n).map { _ in Float(rng.nextUniform() * 1e6) }, z = (0..<n).map { _ in Float(rng.nextGaussian()) }
        let qh = (0..<count).map { Float(-1_850 + 100 * $0) }, zeros = [Float](repeating: 0, count: count)
        var results: [[UInt64]] = []
        for set in KernelSet.allCases where set.isSupported {
            for general in [true, false] {
                var num = [Double](repeating: 0, count: count), den = num
                zeros.withUnsafeBufferPointer { zb in
                    let qlp: UnsafePointer<Float>? = general ? zb.baseAddress! : nil
                    if set == .avx2 {
                        idwPower2SumsSingleAVX2(xh: xh, xl: xl, e: e, z: z, n: n, block: 64, qh: qh, ql: qlp, count: count, num: &num, den: &den)
                    } else {
                        idwPower2SumsSingle(xh: xh, xl: xl, e: e, z: z, n: n, block: 64, qh: qh, ql: qlp, count: count, num: &num, den: &den,
                                            fma: portableFusedMultiplyAdd8)
                    }
                }
                results.append((num + den).map(\.bitPattern))
            }
        }
        #expect(results.allSatisfy { $0 == results[0] })
        let idw = try InverseDistanceWeighting(samples: try SampleSet(x: [403_117.3, 380_020.9, 419_980.2], y: [3_950_000, 3_960_000, 3_970_000],
                                                                      values: [1, 2, 3]), power: 2, precision: .single)
        // Range 39,959 m: x₀ on a 2^15 / 64 = 512 m step near the centre, so cell centres at
        // whole metres are floats exactly relative to it.
        let x0 = try #require(idw.single).x0
        #expect(x0.truncatingRemainder(dividingBy: 512) == 0 && abs(x0 - 400_000.55) <= 256)
        #expect(Float(exactly: 380_010 - x0) != nil)
    }

    /// Local ordinary kriging (16 neighbours: the kernel's capacity; 9: the generic path) gives
    /// the same bits with every kernel set, on a grid and at single targets.
    @Test func krigingKernelSetsGiveIdenticalBits() throws {
        var rng = SplitMix64(seed: 21)
        let n = 220
        let x = (0..<n).map { _ in rng.nextUniform() * 4_000 }, y = (0..<n).map { _ in rng.nextUniform() * 3_000 }
        let z = (0..<n).map { i in 2 + sin(x[i] / 700) + 0.3 * rng.nextGaussian() }
        let s = try SampleSet(x: x, y: y, values: z)
        let model = VariogramModel([.init(.nugget, partialSill: 0.05), .init(.spherical, partialSill: 0.6, range: 1_500)])
        let grid = try GridSpec(extent: Extent(minX: 0, minY: 0, maxX: 4_000, maxY: 3_000), columns: 57, rows: 41)
        for k in [16, 9] {
            var grids: [[UInt64]] = []
            for set in KernelSet.allCases where set.isSupported {
                let ok = try OrdinaryKriging(samples: s, model: model, neighbourhood: .nearest(k), kernels: set)
                #expect(ok.kernels == set)
                let block = try GridInterpolation.run(ok, grid: grid, as: Double.self, threads: 2, blockRows: 5)
                grids.append(block.prediction.map(\.bitPattern) + block.variance!.map(\.bitPattern))
                for cell in [0, 300, 1_234, 57 * 41 - 1] {
                    let e = ok.predict(at: Coordinate(x: grid.centerX(column: cell % 57), y: grid.centerY(row: cell / 57)))
                    #expect(e.prediction.bitPattern == block.prediction[cell].bitPattern)
                    #expect(e.variance.bitPattern == block.variance![cell].bitPattern)
                }
            }
            #expect(grids.allSatisfy { $0 == grids[0] }, "k = \(k)")
        }
    }

    @Test func cpuinfoFlagsParsing() {
        let text = """
        processor	: 0
        model name	: AMD EPYC
        flags		: fpu sse sse2 ssse3 cx16 sse4_1 sse4_2 popcnt xsave avx pclmulqdq avx2 f16c bmi1 bmi2 abm movbe fma

        processor	: 1
        flags		: fpu sse
        """
        #expect(CPUFeatures.hasFlags(cpuinfo: text, CPUFeatures.haswellFlags))
        for flag in [" avx ", " avx2 ", " fma", " bmi2 ", " abm "] {
            #expect(!CPUFeatures.hasFlags(cpuinfo: text.replacingOccurrences(of: flag, with: " "), CPUFeatures.haswellFlags))
        }
        #expect(!CPUFeatures.hasFlags(cpuinfo: "processor : 0\n", ["avx"]))
        #expect(!CPUFeatures.hasFlags(cpuinfo: "flags : avxx sse4_2\n", ["avx"]))
    }
}
