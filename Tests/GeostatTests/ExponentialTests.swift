import Foundation
import Testing
@testable import Geostat
import GeostatKernels

/// ``Exponential``: within 1 ulp of e^x, four lanes with the scalar bits.
@Suite("Exponential (variogram e^x)")
struct ExponentialTests {
    /// Units in the last place between a and the reference b (b a normal number).
    static func ulps(_ a: Double, _ b: Double) -> Double { abs(a - b) / b.ulp }

    @Test("within 1 ulp of the C library's exp (itself within 1 ulp) over 10⁶ arguments in [−708, 709]; edges")
    func accuracy() {
        var rng = SplitMix64(seed: 2718)
        var worst = 0.0, worstX = 0.0, differ = 0
        for k in 0..<1_000_000 {
            // Half the arguments where the variograms use it (−40 … 0), half over the whole range.
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            let x = k % 2 == 0 ? -40 * u : -708 + 1417 * u
            let e = Exponential.exp(x), r = Foundation.exp(x)
            if e != r { differ += 1 }
            let d = Self.ulps(e, r)
            if d > worst { worst = d; worstX = x }
        }
        print("Exponential.exp vs libm exp: \(differ) of 1000000 differ, worst \(worst) ulp at x = \(worstX)")
        #expect(worst <= 1, "worst \(worst) ulp at \(worstX)")
        // Exact points and edges.
        #expect(Exponential.exp(0) == 1)
        #expect(Exponential.exp(1) == M_E || Self.ulps(Exponential.exp(1), M_E) <= 1)
        #expect(Exponential.exp(-745.2) == Foundation.exp(-745.2))  // subnormal: the C library's
        #expect(Exponential.exp(-800) == 0)
        #expect(Exponential.exp(710) == .infinity)
        #expect(Exponential.exp(.nan).isNaN)
        #expect(Exponential.exp(-.infinity) == 0)
    }

    @Test("four lanes give the scalar bits, also when one lane falls back to the C library")
    func lanesEqualScalar() {
        var rng = SplitMix64(seed: 31)
        for _ in 0..<100_000 {
            var x = SIMD4<Double>()
            for l in 0..<4 { x[l] = -60 * Double(rng.next() >> 11) / Double(1 << 53) }
            if rng.nextInt(below: 50) == 0 { x[rng.nextInt(below: 4)] = [-720, .nan, 800, -.infinity][rng.nextInt(below: 4)] }
            let v = Exponential.exp(x)
            for l in 0..<4 {
                let s = Exponential.exp(x[l])
                #expect(v[l].bitPattern == s.bitPattern || (v[l].isNaN && s.isNaN), "lane \(l) of \(x)")
            }
        }
    }
}
