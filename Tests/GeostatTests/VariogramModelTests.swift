import Foundation
import Testing
@testable import Geostat

@Suite("Variogram models and special functions")
struct VariogramModelTests {
    /// R 4.2.2 `besselK(x, nu)` (Fixtures/besselK.csv, made by make_gstat_model_fixtures.R).
    @Test func besselKMatchesR() {
        let c = Fixture.csv("besselK.csv")
        let x = Fixture.doubles(c, "x"), nu = Fixture.doubles(c, "nu"), k = Fixture.doubles(c, "k")
        var worst = 0.0
        for i in x.indices {
            let d = relDiff(SpecialFunctions.besselK(nu: nu[i], x: x[i]), k[i])
            #expect(d < 1e-12, "K_\(nu[i])(\(x[i]))")
            worst = max(worst, d)
        }
        print("besselK vs R: max rel diff \(worst)")
    }

    /// Closed forms: K_{1/2}(x) = √(π/2x) e^{−x}, K_{3/2}(x) = √(π/2x) e^{−x} (1 + 1/x).
    @Test func besselKHalfIntegerClosedForms() {
        for x in [0.01, 0.3, 1.0, 1.99, 2.0, 3.7, 25.0] {
            let base = (Double.pi / (2 * x)).squareRoot() * exp(-x)
            #expect(relDiff(SpecialFunctions.besselK(nu: 0.5, x: x), base) < 1e-13)
            #expect(relDiff(SpecialFunctions.besselK(nu: 1.5, x: x), base * (1 + 1 / x)) < 1e-13)
        }
        #expect(SpecialFunctions.besselK(nu: 1, x: 0) == .infinity)
        #expect(SpecialFunctions.besselK(nu: -1, x: 1).isNaN)
    }

    /// gstat `variogramLine` of vgm(1.3, kind, 300, 0.2) (Fixtures/gstat_model_lines.csv).
    @Test func modelsMatchGstatVariogramLine() {
        let c = Fixture.csv("gstat_model_lines.csv")
        let names = c["model"]!, d = Fixture.doubles(c, "dist"), g = Fixture.doubles(c, "gamma")
        var worst = 0.0
        for i in names.indices {
            let kind: VariogramComponent.Kind
            switch names[i] {
            case "Sph": kind = .spherical
            case "Exp": kind = .exponential
            case "Gau": kind = .gaussian
            case let n where n.hasPrefix("Mat"): kind = .matern(kappa: Double(n.dropFirst(3))!)
            default: Issue.record("unknown \(names[i])"); continue
            }
            let m = VariogramModel([.init(.nugget, partialSill: 0.2), .init(kind, partialSill: 1.3, range: 300)])
            let r = relDiff(m.gamma(d[i]), g[i])
            #expect(r < 1e-12, "\(names[i]) at \(d[i])")
            worst = max(worst, r)
        }
        print("variogram models vs gstat variogramLine: max rel diff \(worst)")
    }

    @Test func effectiveRanges() {
        func eff(_ k: VariogramComponent.Kind) -> Double { VariogramModel([.init(k, partialSill: 2, range: 100)]).effectiveRange }
        #expect(abs(eff(.exponential) - 100 * -log(0.05)) < 1e-6)
        #expect(abs(eff(.gaussian) - 100 * (-log(0.05)).squareRoot()) < 1e-6)
        #expect(eff(.spherical) < 100 && eff(.spherical) > 80)
        #expect(abs(eff(.matern(kappa: 0.5)) - eff(.exponential)) < 1e-6)
        #expect(VariogramModel([.init(.nugget, partialSill: 1)]).effectiveRange == 0)
    }

    @Test func covarianceAndAnisotropy() throws {
        let a = try Anisotropy(angle: 30, ratio: 0.5)
        let m = VariogramModel([.init(.exponential, partialSill: 1, range: 100)], anisotropy: a)
        // Along the major direction (30° clockwise from north) the distance is unchanged…
        let s = sin(30 * Double.pi / 180), c = cos(30 * Double.pi / 180)
        #expect(abs(a.distance(dx: 50 * s, dy: 50 * c) - 50) < 1e-12)
        // …across it, doubled (ratio 0.5).
        #expect(abs(a.distance(dx: 50 * c, dy: -50 * s) - 100) < 1e-12)
        #expect(abs(m.gamma(dx: 50 * c, dy: -50 * s) - (1 - exp(-1))) < 1e-12)
        #expect(m.covariance(0) == 1)
        #expect(abs(m.covariance(100) - exp(-1)) < 1e-15)
        #expect(throws: GeostatError.self) { try Anisotropy(angle: 0, ratio: 1.5) }
    }

    @Test("Batched covariances have the bits of covariance(h) per element, for every count and model")
    func batchedCovariancesMatchScalar() {
        let models: [VariogramModel] = [
            VariogramModel([.init(.nugget, partialSill: 0.0094), .init(.spherical, partialSill: 0.154, range: 10314.6)]),
            VariogramModel([.init(.spherical, partialSill: 2, range: 50)]),
            VariogramModel([.init(.nugget, partialSill: 0.1), .init(.exponential, partialSill: 1, range: 30)]),
            VariogramModel([.init(.gaussian, partialSill: 1, range: 40), .init(.matern(kappa: 1.2), partialSill: 0.5, range: 20)]),
            // Closed-form Matérn after a nugget, and a general κ between two vector terms (order of the sums).
            VariogramModel([.init(.nugget, partialSill: 0.2), .init(.matern(kappa: 0.5), partialSill: 1, range: 25),
                            .init(.matern(kappa: 1.5), partialSill: 0.3, range: 9), .init(.matern(kappa: 2.5), partialSill: 0.7, range: 0.05)]),
            VariogramModel([.init(.exponential, partialSill: 0.4, range: 15), .init(.matern(kappa: 0.8), partialSill: 0.5, range: 20),
                            .init(.nugget, partialSill: 0.1)]),
            // Exponents across e^x's whole range and beyond it (−h/a down to −705, (h/a)² to 711: the lane-by-lane
            // fallback of the AVX2 exponential), Matérn beyond r = 600.
            VariogramModel([.init(.exponential, partialSill: 1, range: 0.17), .init(.gaussian, partialSill: 0.5, range: 4.5)]),
            VariogramModel([.init(.matern(kappa: 1.5), partialSill: 0.8, range: 0.19), .init(.matern(kappa: 2.5), partialSill: 0.2, range: 3)]),
        ]
        var rng = SplitMix64(seed: 7)
        for model in models {
            for n in Array(0...9) + [1000] {
                // Squared distances: 0 (a sample at the target), inside and beyond the ranges.
                var d2 = (0..<((n + 3) & ~3)).map { _ in pow(rng.nextUniform() * 120, 2) }
                if n > 1 { d2[1] = 0 }
                if n > 2 { d2[2] = 50 * 50 }
                for kernels in KernelSet.allCases where kernels.isSupported {
                    var out = [Double](repeating: .nan, count: d2.count)
                    var lags = out
                    model.covariances(squaredDistances: d2, into: &out, count: n, lags: &lags, kernels: kernels)
                    for a in 0..<n {
                        let want = model.covariance(d2[a].squareRoot())
                        #expect(out[a].bitPattern == want.bitPattern, "\(model) n \(n) element \(a) \(kernels): \(out[a]) vs \(want)")
                    }
                }
            }
        }
    }

    @Test func directionalAndCressieHawkinsVariogram() throws {
        // Values vary only along x: the N–S variogram is flat zero, the E–W one is not.
        var x: [Double] = [], y: [Double] = [], z: [Double] = []
        for i in 0..<10 { for j in 0..<10 { x.append(Double(i) * 10); y.append(Double(j) * 10); z.append(Double(i)) } }
        let s = try SampleSet(x: x, y: y, values: z)
        let ns = try EmpiricalVariogram.compute(s, cutoff: 50, width: 10, direction: .init(angle: 0, tolerance: 1))
        let ew = try EmpiricalVariogram.compute(s, cutoff: 50, width: 10, direction: .init(angle: 90, tolerance: 1))
        #expect(ns.lags.allSatisfy { $0.gamma == 0 })
        #expect(ew.lags.first!.gamma == 0.5)  // (1)² / 2 at 10 m
        #expect(ew.lags.first!.pairCount == 90)
        // Pairs at exactly 10 m fall in bin (0, 10], at 20 m in (10, 20] (gstat's bounds).
        #expect(ew.lags.map(\.upperBound) == [10, 20, 30, 40, 50])
        let ch = try EmpiricalVariogram.compute(s, cutoff: 50, width: 10, estimator: .cressieHawkins, direction: .init(angle: 90, tolerance: 1))
        // Cressie–Hawkins with all |dz| = 1 at 10 m: ½ · 1 / (0.457 + 0.494/90).
        #expect(abs(ch.lags[0].gamma - 0.5 / (0.457 + 0.494 / 90)) < 1e-15)
    }

    @Test func autoFitPicksSphericalForSphericalData() throws {
        let s = Fixture.meuseSamples(logZinc: true)
        let v = try EmpiricalVariogram.compute(s)
        let auto = try VariogramFit.auto(v)
        #expect(auto.candidates.count == VariogramFit.defaultAutoKinds.count)
        let sph = auto.candidates.first { $0.model.components[1].kind == .spherical }!
        #expect(auto.best.weightedSSE <= sph.weightedSSE)
        print("auto fit on Meuse log(zinc): best \(auto.best.model), SSE \(auto.best.weightedSSE)")
        // A fit to the exact model curve recovers the model.
        let truth = VariogramModel([.init(.nugget, partialSill: 0.1), .init(.exponential, partialSill: 0.9, range: 250)])
        var synth = v
        for i in synth.lags.indices { synth.lags[i].gamma = truth.gamma(synth.lags[i].meanDistance) }
        let f = try VariogramFit.fit(synth, initial: VariogramModel([.init(.nugget, partialSill: 1), .init(.exponential, partialSill: 1, range: 800)]))
        #expect(relDiff(f.model.components[1].range, 250) < 1e-6)
        #expect(relDiff(f.model.components[0].partialSill, 0.1) < 1e-6)
    }
}
