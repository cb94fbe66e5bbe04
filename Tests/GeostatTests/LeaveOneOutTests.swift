import Foundation
import GeoTypes
import Testing
@testable import Geostat

/// Fast leave-one-out (issue 13): the interpolator of the other samples reuses the k-d tree of
/// all samples (`KDTree.removing`, `refittedLeavingOut`) and must give what refitting from
/// scratch gives, bit for bit.
@Suite("Leave-one-out without rebuilding")
struct LeaveOneOutTests {
    @Test("A tree with one point removed answers every query as a tree built without it", arguments: [UInt64(4), 5, 6])
    func removedTree(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let n = 200
        // A coarse lattice: many exact ties, where the (d², index) order matters.
        let x = (0..<n).map { _ in Double(rng.nextInt(below: 30)) }, y = (0..<n).map { _ in Double(rng.nextInt(below: 30)) }
        let full = KDTree(x: x, y: y)
        var a = KDTree.Neighbours(capacity: 12), b = KDTree.Neighbours(capacity: 12)
        for removed in [0, 1, n / 2, n - 1] + (0..<6).map({ _ in rng.nextInt(below: n) }) {
            let keep = Array(0..<removed) + Array((removed + 1)..<n)
            let rebuilt = KDTree(x: keep.map { x[$0] }, y: keep.map { y[$0] })
            let view = full.removing(removed)
            #expect(view.count == n - 1)
            for _ in 0..<100 {
                let qx = Double(rng.nextInt(below: 60)) / 2, qy = Double(rng.nextInt(below: 60)) / 2
                let r = [Double.infinity, 2, 5.5][rng.nextInt(below: 3)]
                view.nearest(x: qx, y: qy, k: 12, radius: r, into: &a)
                rebuilt.nearest(x: qx, y: qy, k: 12, radius: r, into: &b)
                #expect((0..<a.count).map { a.indices[$0] } == (0..<b.count).map { b.indices[$0] })
                #expect((0..<a.count).map { a.squaredDistances[$0] } == (0..<b.count).map { b.squaredDistances[$0] })
                #expect(view.within(x: qx, y: qy, radius: r == .infinity ? 4 : r) == rebuilt.within(x: qx, y: qy, radius: r == .infinity ? 4 : r))
            }
        }
    }

    @Test("leavingOut is subset of the other indices; identifiers kept unless asked not to")
    func leavingOutSubset() throws {
        let s = try SampleSet(x: [1, 2, 3, 4], y: [5, 6, 7, 8], values: [0.1, 0.2, 0.3, 0.4], ids: ["a", "b", "c", "d"])
        for i in 0..<4 {
            let keep = Array(0..<i) + Array((i + 1)..<4)
            #expect(s.leavingOut(i) == s.subset(keep))
            let bare = s.leavingOut(i, keepingIDs: false)
            #expect(bare.x == keep.map { s.x[$0] } && bare.y == keep.map { s.y[$0] } && bare.values == keep.map { s.values[$0] })
            #expect(bare.ids == nil && bare.id(0) == "#0")
        }
        let one = try SampleSet(x: [1], y: [2], values: [3], ids: ["only"])
        #expect(one.leavingOut(0).isEmpty && one.leavingOut(0).ids == [] && one.leavingOut(0, keepingIDs: false).isEmpty)
    }

    /// Samples on a 10 m lattice with jitter on half of them (ties and non-ties), positive values.
    static func samples(seed: UInt64, n: Int = 160) throws -> SampleSet {
        var rng = SplitMix64(seed: seed)
        var x: [Double] = [], y: [Double] = [], z: [Double] = []
        for i in 0..<n {
            let jitter = i % 2 == 0 ? 0 : Double(rng.nextInt(below: 1000)) / 100
            x.append(500_000 + Double(rng.nextInt(below: 40)) * 10 + jitter)
            y.append(3_300_000 + Double(rng.nextInt(below: 40)) * 10)
            z.append(0.5 + Double(rng.nextInt(below: 1000)) / 200)
        }
        return try SampleSet(x: x, y: y, values: z)
    }

    /// Predictions of `m` at every sample and a few other points.
    static func predictions<I: PointInterpolator>(_ m: I, at s: SampleSet) -> [Double] {
        var ws = m.makeWorkspace()
        let pts = zip(s.x, s.y).map { ($0, $1) } + [(500_123.4, 3_300_222.2), (500_400, 3_300_000)]
        return pts.flatMap { p -> [Double] in
            let e = m.estimate(x: p.0, y: p.1, workspace: &ws)
            return [e.prediction, e.variance]
        }
    }

    static func check<I: PointInterpolator>(_ m: I, _ label: String) throws {
        let s = m.samples
        for i in [0, 1, 7, s.count / 2, s.count - 1] {
            let fast = try m.refittedLeavingOut(i)
            let slow = try m.refitted(to: s.subset(Array(0..<i) + Array((i + 1)..<s.count)))
            let a = predictions(fast, at: s), b = predictions(slow, at: s)
            #expect(a.count == b.count)
            let same = zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
            #expect(same, "\(label): leaving out \(i) differs from refitting")
        }
    }

    @Test("IDW, ordinary and lognormal kriging (local, global, radius, anisotropy, duplicates): the same bits as refitting")
    func sameBits() throws {
        let s = try Self.samples(seed: 11)
        let model = VariogramModel([.init(.nugget, partialSill: 0.1), .init(.exponential, partialSill: 1, range: 120)])
        let local = try Neighbourhood(maxPoints: 12, minPoints: 3), radius = try Neighbourhood(maxPoints: 8, radius: 60, minPoints: 1)
        try Self.check(try InverseDistanceWeighting(samples: s, power: 2, neighbourhood: local), "IDW local")
        try Self.check(try InverseDistanceWeighting(samples: s, power: 3, neighbourhood: radius), "IDW radius")
        try Self.check(try InverseDistanceWeighting(samples: s, power: 2), "IDW global")
        try Self.check(try OrdinaryKriging(samples: s, model: model, neighbourhood: local), "OK local")
        try Self.check(try OrdinaryKriging(samples: s, model: model, neighbourhood: radius), "OK radius")
        try Self.check(try OrdinaryKriging(samples: s, model: model), "OK global")
        let aniso = VariogramModel(model.components, anisotropy: try Anisotropy(angle: 30, ratio: 0.5))
        try Self.check(try OrdinaryKriging(samples: s, model: aniso, neighbourhood: local), "OK anisotropic")
        try Self.check(try LognormalKriging(samples: s, logModel: model, neighbourhood: local, threshold: 2), "LOK local")
        // Duplicated locations: the lognormal path falls back to refitting (the tree numbers merged samples).
        let dup = try SampleSet(x: s.x + [s.x[3]], y: s.y + [s.y[3]], values: s.values + [1.7])
        try Self.check(try LognormalKriging(samples: dup, logModel: model, neighbourhood: local), "LOK with duplicates")
        try Self.check(try OrdinaryKriging(samples: dup, model: model, neighbourhood: local), "OK with duplicates")
    }

    @Test("CrossValidation.run gives the statistics of refitting per fold")
    func crossValidationUnchanged() throws {
        let raw = try Self.samples(seed: 12, n: 120)
        let model = VariogramModel([.init(.spherical, partialSill: 1, range: 150)])
        let m = try OrdinaryKriging(samples: raw, model: model, neighbourhood: try Neighbourhood(maxPoints: 10, minPoints: 3))
        let r = try CrossValidation.run(m, folds: .leaveOneOut, threads: 2)
        let s = m.samples  // cross-validation works on the merged samples
        #expect(s.count == r.predicted.count)
        for i in 0..<s.count {
            let slow = try m.refitted(to: s.subset(Array(0..<i) + Array((i + 1)..<s.count)))
            var ws = slow.makeWorkspace()
            let e = slow.estimate(x: s.x[i], y: s.y[i], workspace: &ws)
            #expect(r.predicted[i].bitPattern == e.prediction.bitPattern && r.variance[i].bitPattern == e.variance.bitPattern)
        }
    }
}
