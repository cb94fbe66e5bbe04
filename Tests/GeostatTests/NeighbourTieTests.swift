import Foundation
import Testing
@testable import Geostat

/// Local kriging where the k-th nearest sample ties with the next one, against gstat 2.1.0
/// `krige(z ~ 1, nmax = 20)` (Fixtures/make_gstat_ties_fixtures.R): 400 samples on a 100 m grid,
/// 1444 targets on a 50 m lattice between them, where rings of equidistant samples straddle the
/// 20th neighbour at many targets.
@Suite("Neighbour ties in local kriging, as gstat")
struct NeighbourTieTests {
    static let model = VariogramModel([.init(.nugget, partialSill: 0.5), .init(.exponential, partialSill: 5, range: 400)])

    static func samples(jittered: Bool, reversed: Bool = false) throws -> SampleSet {
        let c = Fixture.csv("gstat_ties_samples.csv")
        var x = Fixture.doubles(c, jittered ? "x_jit" : "x"), y = Fixture.doubles(c, jittered ? "y_jit" : "y")
        var z = Fixture.doubles(c, "z"), ids = c["id"]!
        if reversed { x.reverse(); y.reverse(); z.reverse(); ids.reverse() }
        return try SampleSet(x: x, y: y, values: z, ids: ids)
    }

    /// Predictions at the targets one by one (tree path) and as grid rows (row-neighbour path).
    static func check(_ s: SampleSet, pred: String, variance: String, label: String) throws {
        let ref = Fixture.csv("gstat_ties_reference.csv")
        let tx = Fixture.doubles(ref, "x"), ty = Fixture.doubles(ref, "y")
        let rp = Fixture.doubles(ref, pred), rv = Fixture.doubles(ref, variance)
        let ok = try OrdinaryKriging(samples: s, model: model, neighbourhood: try .nearest(20))
        var ws = ok.makeWorkspace()
        var maxP = 0.0, maxV = 0.0
        for i in tx.indices {
            let e = ok.estimate(x: tx[i], y: ty[i], workspace: &ws)
            maxP = max(maxP, relDiff(e.prediction, rp[i])); maxV = max(maxV, relDiff(e.variance, rv[i]))
        }
        // Rows of 38 targets (the lattice is x-fastest).
        let cols = 38
        var rowP = 0.0
        var out = [Estimate](repeating: .missing, count: cols)
        for r in 0..<(tx.count / cols) {
            let xs = Array(tx[(r * cols)..<((r + 1) * cols)])
            xs.withUnsafeBufferPointer { X in
                out.withUnsafeMutableBufferPointer { O in ok.estimateRow(xs: X, y: ty[r * cols], into: O, workspace: &ws) }
            }
            for j in 0..<cols { rowP = max(rowP, relDiff(out[j].prediction, rp[r * cols + j])) }
        }
        print("gstat ties (\(label)): max rel diff pred \(maxP), var \(maxV), rows \(rowP)")
        #expect(maxP < 1e-12)
        #expect(maxV < 1e-12)
        #expect(rowP < 1e-12)
    }

    @Test("Exact ties on a regular grid: the 20 gstat takes")
    func exactTies() throws {
        let s = try Self.samples(jittered: false)
        // The fixture does exercise ties: count targets whose 20th and 21st distances are equal.
        let tree = KDTree(x: s.x, y: s.y)
        var nb = KDTree.Neighbours(capacity: 21)
        var ties = 0
        for (x, y) in zip(Fixture.doubles(Fixture.csv("gstat_ties_reference.csv"), "x"), Fixture.doubles(Fixture.csv("gstat_ties_reference.csv"), "y")) {
            tree.nearest(x: x, y: y, k: 21, into: &nb)
            if nb.squaredDistances[19] == nb.squaredDistances[20] { ties += 1 }
        }
        #expect(ties > 100, "only \(ties) tie targets")
        try Self.check(s, pred: "pred", variance: "var", label: "grid, \(ties) tie targets")
    }

    @Test("Near-ties within float rounding (grid moved by ≤ 2e-7 m): gstat's float keys decide")
    func floatNearTies() throws {
        try Self.check(try Self.samples(jittered: true), pred: "pred_jit", variance: "var_jit", label: "jittered grid")
    }

    @Test("Samples in reverse input order")
    func reversedOrder() throws {
        try Self.check(try Self.samples(jittered: false, reversed: true), pred: "pred_rev", variance: "var_rev", label: "reversed rows")
    }

    @Test("Leave-one-out at the samples of the grid, as krige.cv")
    func leaveOneOutAtTies() throws {
        let s = try Self.samples(jittered: false)
        let ok = try OrdinaryKriging(samples: s, model: Self.model, neighbourhood: try .nearest(20))
        let cv = try CrossValidation.run(ok, threads: 2)
        let ref = Fixture.csv("gstat_ties_loocv.csv")
        let p = zip(cv.predicted, Fixture.doubles(ref, "pred")).map { relDiff($0, $1) }.max()!
        let v = zip(cv.variance, Fixture.doubles(ref, "var")).map { relDiff($0, $1) }.max()!
        print("gstat ties, leave-one-out: max rel diff pred \(p), var \(v)")
        #expect(p < 1e-12)
        #expect(v < 1e-12)
    }

    /// Without float ties at the k-th neighbour, gstat's search order gives the k nearest: the same
    /// set as the k-d tree, in non-decreasing float squared distance.
    @Test("Search order: the k nearest, in distance order, on random layouts")
    func searchOrderProperty() throws {
        var rng = SplitMix64(seed: 7)
        for trial in 0..<20 {
            let n = 5 + trial * 37
            let x = (0..<n).map { _ in Double.random(in: 0..<1000, using: &rng) }
            let y = (0..<n).map { _ in Double.random(in: -500..<(trial.isMultiple(of: 2) ? 500 : 2000), using: &rng) }
            let order = try #require(GstatNeighbourOrder(x: x, y: y))
            let tree = KDTree(x: x, y: y)
            let k = min(n - 1, 1 + trial % 25)
            var nb = KDTree.Neighbours(capacity: k + 1)
            for _ in 0..<50 {
                let qx = Double.random(in: -200..<1200, using: &rng), qy = Double.random(in: -700..<2200, using: &rng)
                tree.nearest(x: qx, y: qy, k: k + 1, into: &nb)
                guard Float(nb.squaredDistances[k - 1]) != Float(nb.squaredDistances[k]) else { continue }
                let got = order.nearest(x: qx, y: qy, k: k)
                #expect(Set(got) == Set(nb.indices[0..<k]))
                let d = got.map { i in Float((x[Int(i)] - qx) * (x[Int(i)] - qx) + (y[Int(i)] - qy) * (y[Int(i)] - qy)) }
                #expect(zip(d, d.dropFirst()).allSatisfy { $0 <= $1 })
                // A radius stops the list at the first sample beyond it.
                let r = Double(d[k / 2]).squareRoot()
                let within = order.nearest(x: qx, y: qy, k: k, radius: r)
                #expect(within.allSatisfy { i in Double(Float((x[Int(i)] - qx) * (x[Int(i)] - qx) + (y[Int(i)] - qy) * (y[Int(i)] - qy))) <= r * r })
                #expect(within.count >= k / 2)
            }
        }
    }

    @Test("Degenerate layouts: no search order")
    func degenerate() {
        #expect(GstatNeighbourOrder(x: [1], y: [2]) == nil)
        #expect(GstatNeighbourOrder(x: [1, 1, 1], y: [2, 2, 2]) == nil)
    }
}
