import Foundation
import GeoTypes
import Testing
@testable import Geostat

@Suite("Properties on seeded random inputs")
struct PropertyTests {
    static let model = VariogramModel([.init(.nugget, partialSill: 0.2), .init(.exponential, partialSill: 1.1, range: 1800)])
    static let noNugget = VariogramModel([.init(.spherical, partialSill: 1.3, range: 2500)])

    @Test(arguments: [UInt64(1), 2, 3])
    func kdTreeMatchesBruteForce(seed: UInt64) {
        // Integer coordinates on a coarse lattice: many exact distance ties.
        var rng = SplitMix64(seed: seed)
        let n = 300
        let x = (0..<n).map { _ in Double(rng.nextInt(below: 40)) }, y = (0..<n).map { _ in Double(rng.nextInt(below: 40)) }
        let tree = KDTree(x: x, y: y)
        var nb = KDTree.Neighbours(capacity: 17)
        for _ in 0..<200 {
            let qx = Double(rng.nextInt(below: 80)) / 2 - 0.5, qy = Double(rng.nextInt(below: 80)) / 2 - 0.5
            let r = [Double.infinity, 3, 7.5][rng.nextInt(below: 3)]
            tree.nearest(x: qx, y: qy, k: 17, radius: r, into: &nb)
            let brute = (0..<n).map { i -> (Double, Int) in
                let dx = x[i] - qx, dy = y[i] - qy
                return (dx * dx + dy * dy, i)
            }.filter { $0.0 <= r * r }.sorted { $0 < $1 }.prefix(17)
            #expect(nb.count == brute.count)
            #expect((0..<nb.count).map { Int(nb.indices[$0]) } == brute.map(\.1))
            #expect((0..<nb.count).map { nb.squaredDistances[$0] } == brute.map(\.0))
        }
        let within = tree.within(x: 10, y: 10, radius: 4)
        let expected = (0..<n).filter { (i: Int) -> Bool in
            let dx: Double = x[i] - 10, dy: Double = y[i] - 10
            return dx * dx + dy * dy <= 16
        }
        #expect(within == expected)
    }

    /// The quickselect build lays the tree out exactly as sorting every node range by
    /// (coordinate, index) does (the reference below): same permutation, same split axes — on a
    /// tie-heavy lattice, on sorted input and on uniform random points.
    @Test(arguments: [UInt64(4), 5, 6])
    func kdTreeBuildEqualsFullSortBuild(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let n = [1_000, 2_005, 77][Int(seed % 3)]
        let x: [Double], y: [Double]
        switch seed % 3 {
        case 0: x = (0..<n).map { Double($0 % 9) }; y = (0..<n).map { Double($0 / 9) }  // sorted, ties in x
        case 1: x = (0..<n).map { _ in rng.nextUniform() * 5_000 }; y = (0..<n).map { _ in rng.nextUniform() * 3_000 }
        default: x = (0..<n).map { _ in Double(rng.nextInt(below: 6)) }; y = (0..<n).map { _ in Double(rng.nextInt(below: 4)) }
        }
        var idx = (0..<n).map { Int32($0) }, ax = [UInt8](repeating: 0, count: n)
        func reference(_ lo: Int, _ hi: Int) {
            guard hi - lo > KDTree.leafSize else { return }
            let sx = idx[lo..<hi].map { x[Int($0)] }, sy = idx[lo..<hi].map { y[Int($0)] }
            let a: UInt8 = (sx.max()! - sx.min()!) >= (sy.max()! - sy.min()!) ? 0 : 1
            let c = a == 0 ? x : y
            idx[lo..<hi].sort { (c[Int($0)], $0) < (c[Int($1)], $1) }
            let mid = (lo + hi) >> 1
            ax[mid] = a
            reference(lo, mid); reference(mid + 1, hi)
        }
        reference(0, n)
        let tree = KDTree(x: x, y: y)
        #expect(tree.index == idx)
        #expect(tree.axis == ax)
    }

    /// The row search (segments + candidate lists + reuse of the previous set) gives exactly the
    /// tree's k nearest (ties by index), including on a lattice full of equidistant samples.
    @Test(arguments: [UInt64(1), 2])
    func rowNeighboursMatchTree(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let n = 300
        let x = (0..<n).map { _ in Double(rng.nextInt(below: 40)) }, y = (0..<n).map { _ in Double(rng.nextInt(below: 40)) }
        let tree = KDTree(x: x, y: y)
        for (k, radius) in [(17, Double.infinity), (8, 3.0), (5, 6.5), (1, .infinity)] {
            var row = RowNeighbours(k: k, radius: radius)
            var nb = KDTree.Neighbours(capacity: k)
            for step in [0.25, 0.5, 1.0, 7.0] {
                for r in 0..<6 {
                    let qy = Double(r * 7) + (r.isMultiple(of: 2) ? 0 : 0.5)
                    let qx = (0..<Int(44 / step)).map { -2 + Double($0) * step }
                    let qys = [Double](repeating: qy, count: qx.count)
                    row.reset()
                    x.withUnsafeBufferPointer { X in
                        y.withUnsafeBufferPointer { Y in
                            qx.withUnsafeBufferPointer { QX in
                                qys.withUnsafeBufferPointer { QY in
                                    for j in 0..<qx.count {
                                        let m = row.next(j, tree: tree, px: X.baseAddress!, py: Y.baseAddress!, qx: QX, qy: QY)
                                        tree.nearest(x: qx[j], y: qy, k: k, radius: radius, into: &nb)
                                        let expected = (0..<nb.count).map { (nb.indices[$0], nb.squaredDistances[$0]) }.sorted { $0.0 < $1.0 }
                                        let got = (0..<m).map { (row.outIdx[$0], row.outD2[$0]) }
                                        #expect(got.map(\.0) == expected.map(\.0), "k \(k) r \(radius) step \(step) target \(j)")
                                        #expect(got.map(\.1) == expected.map(\.1))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func idwStaysWithinRangeAndIsExactAtSamples() throws {
        let s = randomSamples(count: 250, seed: 11)
        let lo = s.values.min()!, hi = s.values.max()!
        for nb in [Neighbourhood.global, try .nearest(12, radius: 2000, minPoints: 1)] {
            for (power, precision) in [(1.0, IDWPrecision.double), (2, .double), (3.5, .double), (2, .single), (3.5, .single)] {
                let idw = try InverseDistanceWeighting(samples: s, power: power, neighbourhood: nb,
                                                       anisotropy: power == 3.5 ? try Anisotropy(angle: 40, ratio: 0.6) : nil,
                                                       precision: precision)
                var rng = SplitMix64(seed: 5)
                for _ in 0..<300 {
                    let e = idw.predict(at: Coordinate(x: 500_000 + rng.nextUniform() * 10_000, y: 4_000_000 + rng.nextUniform() * 8_000))
                    if e.prediction.isFinite { #expect(e.prediction >= lo && e.prediction <= hi) }
                }
                for i in stride(from: 0, to: s.count, by: 7) {
                    #expect(idw.predict(at: s.coordinate(i)).prediction == s.values[i])
                }
            }
        }
    }

    @Test func krigingWithoutNuggetIsExactAndVariancesAreNonNegative() throws {
        let s = randomSamples(count: 200, seed: 12)
        for nb in [Neighbourhood.global, try .nearest(16)] {
            for model in [Self.noNugget, Self.model] {
                let ok = try OrdinaryKriging(samples: s, model: model, neighbourhood: nb)
                for i in stride(from: 0, to: s.count, by: 5) {
                    // Exact interpolator at the data (also with a nugget: γ(0) = 0, as gstat).
                    let e = ok.predict(at: s.coordinate(i))
                    #expect(abs(e.prediction - s.values[i]) < 1e-9 * max(1, abs(s.values[i])))
                    #expect(e.variance >= 0 && e.variance < 1e-9)
                }
                var rng = SplitMix64(seed: 99)
                for _ in 0..<200 {
                    let e = ok.predict(at: Coordinate(x: 499_000 + rng.nextUniform() * 12_000, y: 3_999_000 + rng.nextUniform() * 10_000))
                    #expect(e.variance >= 0)
                    #expect(e.variance <= model.sill * 2)
                    #expect(e.prediction.isFinite)
                }
            }
        }
    }

    /// Every method, thread count and block size gives the same bits.
    @Test func gridResultsAreBitIdenticalAcrossThreadsAndBlocks() throws {
        let s = randomSamples(count: 180, seed: 13)
        let pos = try s.withValues(s.values.map { exp($0 / 5) })
        let grid = try GridSpec(minX: 499_500, maxY: 4_008_400, cellWidth: 230, cellHeight: 260, columns: 47, rows: 33)
        let anis = try Anisotropy(angle: 120, ratio: 0.7)
        let cases: [(String, any PointInterpolator)] = [
            ("IDW global", try InverseDistanceWeighting(samples: s, power: 2, smoothing: 5)),
            ("IDW global single", try InverseDistanceWeighting(samples: s, power: 2, precision: .single)),
            // 181 samples: a masked tail chunk; a cell centre on a sample (exact hit).
            ("IDW global single tail", try InverseDistanceWeighting(
                samples: try SampleSet(x: s.x + [499_500 + 230 * 10.5], y: s.y + [4_008_400 - 260 * 3.5], values: s.values + [7]),
                power: 2, precision: .single)),
            // 600 samples: far samples summed by blocks (FarFieldLayout), a block a few cells wide.
            ("IDW global single far field", try InverseDistanceWeighting(samples: randomSamples(count: 600, seed: 14), power: 2,
                                                                         precision: .single)),
            ("IDW local", try InverseDistanceWeighting(samples: s, power: 2.5, neighbourhood: try .nearest(12, radius: 1500, minPoints: 3))),
            ("OK global", try OrdinaryKriging(samples: s, model: Self.model)),
            ("OK local anis", try OrdinaryKriging(samples: s, model: VariogramModel(Self.model.components, anisotropy: anis),
                                                  neighbourhood: try .nearest(16, radius: 2500, minPoints: 4))),
            ("LOK local", try LognormalKriging(samples: pos, logModel: Self.model, neighbourhood: try .nearest(10), threshold: 8)),
        ]
        for (label, interp) in cases {
            try checkBits(interp, grid: grid, label: label)
        }
    }

    /// A window of a grid (a tile of a tiled run) gets the bits of the same cells of the whole grid
    /// in double precision, with a cell size that is not a binary fraction (37.3 m): the window's
    /// cell centres are the whole grid's, not those of a grid with the window's own origin (which
    /// differ in the last bits, and do move some kriging results).
    @Test func windowCellsEqualTheWholeGrid() throws {
        let s = randomSamples(count: 250, seed: 31)
        let pos = try SampleSet(x: s.x, y: s.y, values: s.values.map { abs($0) + 0.5 })
        let grid = try GridSpec(minX: 499_013.7, maxY: 4_008_712.9, cellWidth: 37.3, cellHeight: 37.3, columns: 97, rows: 83)
        let window = GridWindow(firstRow: 29, firstColumn: 41, rows: 37, columns: 45)
        let cases: [(String, any PointInterpolator)] = [
            ("IDW local", try InverseDistanceWeighting(samples: s, power: 2.5, neighbourhood: try .nearest(12, radius: 1500, minPoints: 3))),
            ("OK local", try OrdinaryKriging(samples: s, model: Self.model, neighbourhood: try .nearest(16))),
            ("LOK local", try LognormalKriging(samples: pos, logModel: Self.model, neighbourhood: try .nearest(10))),
        ]
        var differingOwnOrigin = 0
        for (label, interp) in cases {
            let whole = try GridInterpolation.run(interp, grid: grid, as: Double.self, threads: 2, blockRows: 16)
            var part: [Double] = [], variance: [Double] = []
            try GridInterpolation.run(interp, grid: grid, as: Double.self, threads: 1, blockRows: 5, window: window) { (b: RowBlock<Double>) in
                part += b.prediction
                variance += b.variance ?? []
            }
            #expect(part.count == window.cellCount)
            var mismatches = 0
            for r in 0..<window.rows {
                for c in 0..<window.columns {
                    let k = (r + window.firstRow) * grid.columns + c + window.firstColumn, j = r * window.columns + c
                    if whole.prediction[k].bitPattern != part[j].bitPattern { mismatches += 1 }
                    if let v = whole.variance, v[k].bitPattern != variance[j].bitPattern { mismatches += 1 }
                }
            }
            #expect(mismatches == 0, "\(label): \(mismatches) cells of the window differ from the whole grid")
            // The same cells computed on a grid with the window's own origin: some differ.
            let own = try GridInterpolation.run(interp, grid: grid.subgrid(window), as: Double.self, threads: 1, blockRows: 5)
            differingOwnOrigin += zip(own.prediction, part).filter { $0.bitPattern != $1.bitPattern }.count
        }
        #expect(differingOwnOrigin > 0, "the test grid's own-origin centres equal the whole grid's: it would not catch a wrong window")
    }

    /// A mask (the study area of a run) leaves its cells out, NaN, and gives the others the bits of
    /// the unmasked grid: runs of masked-in cells of every length, at row ends and alone, in a
    /// window, with IDW (local and global) and local OK / lognormal kriging.
    @Test func maskedCellsKeepTheirBits() throws {
        let s = randomSamples(count: 250, seed: 37)
        let pos = try SampleSet(x: s.x, y: s.y, values: s.values.map { abs($0) + 0.5 })
        // Inside the samples' extent, so every cell has an estimate.
        let grid = try GridSpec(minX: 502_013.7, maxY: 4_006_712.9, cellWidth: 37.3, cellHeight: 37.3, columns: 61, rows: 47)
        let window = GridWindow(firstRow: 5, firstColumn: 3, rows: 40, columns: 55)
        var rng = SplitMix64(seed: 5)
        // Random runs: mostly long ones (a study area), some single cells and whole rows.
        var mask = [Bool](repeating: false, count: window.cellCount)
        var keep = true, k = 0
        while k < mask.count {
            let run = rng.next() % 5 == 0 ? 1 : Int(rng.next() % 40) + 1
            for j in k..<min(k + run, mask.count) { mask[j] = keep }
            k += run
            keep.toggle()
        }
        let cases: [(String, any PointInterpolator)] = [
            ("IDW local", try InverseDistanceWeighting(samples: s, power: 2, neighbourhood: try .nearest(12, radius: 1500, minPoints: 3))),
            ("IDW global", try InverseDistanceWeighting(samples: s, power: 2)),
            ("OK local", try OrdinaryKriging(samples: s, model: Self.model, neighbourhood: try .nearest(16))),
            ("LOK local", try LognormalKriging(samples: pos, logModel: Self.model, neighbourhood: try .nearest(10), threshold: 1.2)),
        ]
        for (label, interp) in cases {
            var all: [RowBlock<Double>] = [], masked: [RowBlock<Double>] = []
            try GridInterpolation.run(interp, grid: grid, as: Double.self, threads: 2, blockRows: 7, window: window) { all.append($0) }
            try GridInterpolation.run(interp, grid: grid, as: Double.self, threads: 3, blockRows: 4, window: window, mask: mask) {
                masked.append($0)
            }
            func flat(_ b: [RowBlock<Double>], _ f: (RowBlock<Double>) -> [Double]?) -> [Double] { b.flatMap { f($0) ?? [] } }
            var wrong = 0, computedNaN = 0
            for (a, m) in [(flat(all, \.prediction), flat(masked, \.prediction)), (flat(all, \.variance), flat(masked, \.variance)),
                           (flat(all, \.exceedance), flat(masked, \.exceedance))] where !a.isEmpty {
                #expect(a.count == mask.count && m.count == mask.count)
                for j in mask.indices {
                    if mask[j] {
                        if a[j].bitPattern != m[j].bitPattern { wrong += 1 }
                        if a[j].isNaN { computedNaN += 1 }
                    } else if !m[j].isNaN { wrong += 1 }
                }
            }
            #expect(wrong == 0, "\(label): \(wrong) cells differ from the unmasked run or are not NaN outside the mask")
            #expect(computedNaN == 0, "\(label): the test grid has cells without an estimate")
        }
    }

    /// Interpolators sharing a ``NeighbourSetCache`` (a run's variables) replay the rows the first
    /// one searched, with the bits of their own search: OK, LOK and IDW with several variograms and
    /// powers, masked rows (runs of cells) and windows; an interpolator of other samples or
    /// another neighbourhood keeps its own sets.
    @Test func sharedNeighbourSetsKeepTheBits() throws {
        let s = randomSamples(count: 300, seed: 41)
        let pos = try SampleSet(x: s.x, y: s.y, values: s.values.map { abs($0) + 0.5 })
        let other = try SampleSet(x: s.x.map { $0 + 7.3 }, y: s.y, values: s.values)
        let grid = try GridSpec(minX: 502_013.7, maxY: 4_006_712.9, cellWidth: 37.3, cellHeight: 37.3, columns: 71, rows: 43)
        let window = GridWindow(firstRow: 3, firstColumn: 2, rows: 38, columns: 66)
        var mask = [Bool](repeating: true, count: window.cellCount)
        for k in mask.indices where (k / 7) % 5 == 0 || k % 97 < 9 { mask[k] = false }
        let nb16 = try Neighbourhood.nearest(16)
        let exp = VariogramModel([.init(.nugget, partialSill: 0.1), .init(.exponential, partialSill: 1, range: 900)])
        let interpolators: [(String, any PointInterpolator)] = [
            ("OK sph", try OrdinaryKriging(samples: s, model: Self.model, neighbourhood: nb16)),
            ("LOK exp", try LognormalKriging(samples: pos, logModel: exp, neighbourhood: nb16, threshold: 1.5)),
            ("OK exp", try OrdinaryKriging(samples: s, model: exp, neighbourhood: nb16)),
            ("IDW p2", try InverseDistanceWeighting(samples: s, power: 2, neighbourhood: nb16)),
            ("IDW p3", try InverseDistanceWeighting(samples: s, power: 3, neighbourhood: nb16)),
            ("OK other samples", try OrdinaryKriging(samples: other, model: Self.model, neighbourhood: nb16)),
            ("OK 12 nearest", try OrdinaryKriging(samples: s, model: Self.model, neighbourhood: try .nearest(12))),
        ]
        func bits(_ interp: any PointInterpolator, _ m: [Bool]?) throws -> [UInt64] {
            var out: [UInt64] = []
            try GridInterpolation.run(interp, grid: grid, as: Double.self, threads: 2, blockRows: 5, window: window, mask: m) {
                (b: RowBlock<Double>) in
                out += b.prediction.map(\.bitPattern) + (b.variance ?? []).map(\.bitPattern) + (b.exceedance ?? []).map(\.bitPattern)
            }
            return out
        }
        // The interpolator with `cache` attached.
        func sharing(_ cache: NeighbourSetCache, _ label: String, _ plain: any PointInterpolator) -> any PointInterpolator {
            switch plain {
            case var i as OrdinaryKriging: i.neighbourCache = cache; return i
            case var i as LognormalKriging: i.neighbourCache = cache; return i
            case var i as InverseDistanceWeighting: i.neighbourCache = cache; return i
            default: Issue.record("\(label): no neighbour cache"); return plain
            }
        }
        for m in [nil, mask] {
            let cache = NeighbourSetCache()
            for (label, plain) in interpolators {
                let expected = try bits(plain, m)
                let shared = sharing(cache, label, plain)
                #expect(try bits(shared, m) == expected, "\(label)\(m == nil ? "" : " masked"): shared neighbour sets change the bits")
            }
            // Rows: OK/LOK (gstat's ties), IDW (index ties), other samples, 12 nearest: four searches.
            #expect(cache.count > 3 * window.rows, "\(cache.count) rows recorded")
        }
        // A cache with room for a few rows only: the rest are searched, with the same bits.
        let small = NeighbourSetCache(budgetBytes: 2_000)
        for (label, plain) in interpolators.prefix(3) {
            #expect(try bits(sharing(small, label, plain), nil) == bits(plain, nil), "\(label): a full cache changes the bits")
        }
        #expect(small.count > 0 && small.count < window.rows, "\(small.count) rows recorded within 2,000 bytes")
        // More than 65,536 samples: the recorded sets hold 32-bit indices.
        let many = randomSamples(count: 70_000, seed: 43)
        let dense = try GridSpec(minX: 503_001.3, maxY: 4_005_002.9, cellWidth: 11.7, cellHeight: 11.7, columns: 40, rows: 12)
        let idw = try InverseDistanceWeighting(samples: many, power: 2, neighbourhood: nb16)
        var cached = idw
        cached.neighbourCache = NeighbourSetCache()
        let plainBits = try GridInterpolation.run(idw, grid: dense, as: Double.self, threads: 2).prediction.map(\.bitPattern)
        for _ in 0..<2 {  // record, then replay
            #expect(try GridInterpolation.run(cached, grid: dense, as: Double.self, threads: 2).prediction.map(\.bitPattern) == plainBits,
                    "70,000 samples: shared neighbour sets change the bits")
        }
        #expect(cached.neighbourCache!.count == dense.rows)
    }

    /// The float kernel's far-field blocks are fixed by the samples, not by the grid: a window of
    /// a grid (a tile) gets the bits of the same cells in the whole grid; and the result stays
    /// within float rounding of the exact double kernel.
    @Test func farFieldCellsDoNotDependOnTheGridWindow() throws {
        let s = randomSamples(count: 900, seed: 77, width: 12_000, height: 9_000)
        let f = try InverseDistanceWeighting(samples: s, power: 2, precision: .single)
        let layout = try #require(f.single?.farField)
        #expect(layout.width == 256)  // √(12 km × 9 km / 900) = 346 m = 2^8.43 → 2^8: blocks of 5.12 cells
        let grid = try GridSpec(minX: 499_000, maxY: 4_009_500, cellWidth: 50, cellHeight: 50, columns: 280, rows: 210)
        let window = try GridSpec(minX: 499_000 + 37 * 50, maxY: 4_009_500 - 11 * 50, cellWidth: 50, cellHeight: 50, columns: 101, rows: 40)
        let whole = try GridInterpolation.run(f, grid: grid, as: Double.self, threads: 2, blockRows: 16)
        let part = try GridInterpolation.run(f, grid: window, as: Double.self, threads: 1, blockRows: 7)
        var same = true
        for r in 0..<window.rows {
            for c in 0..<window.columns where whole.prediction[(r + 11) * grid.columns + c + 37].bitPattern != part.prediction[r * window.columns + c].bitPattern {
                same = false
            }
        }
        #expect(same)
        let d = try GridInterpolation.run(try InverseDistanceWeighting(samples: s, power: 2), grid: grid, as: Double.self, threads: 2, blockRows: 16)
        let maxRel = zip(whole.prediction, d.prediction).map { relDiff($0, $1) }.max()!
        print("far-field float vs double IDW, 900 samples, 280×210: max rel diff \(maxRel)")
        #expect(maxRel < 1e-5)
    }

    /// Row blocks cover every row once, in order, at most `blockRows` each, shrinking at the end.
    @Test(arguments: [(750, 64, 2), (1500, 64, 8), (33, 5, 3), (1, 32, 2), (64, 64, 1)])
    func blockStartsPartitionTheRows(rows: Int, blockRows: Int, threads: Int) {
        let starts = GridInterpolation.blockStarts(rows: rows, blockRows: blockRows, threads: threads)
        #expect(starts.first == 0 && starts.last == rows)
        let sizes = zip(starts.dropFirst(), starts).map { $0 - $1 }
        #expect(sizes.allSatisfy { $0 >= 1 && $0 <= blockRows })
        #expect(zip(sizes.dropFirst(), sizes).allSatisfy { $0 <= $1 }, "non-increasing sizes")
        if rows >= 4 * threads { #expect(sizes.last == 1) }
    }

    func checkBits<I: PointInterpolator>(_ interp: I, grid: GridSpec, label: String) throws {
        func bits(_ b: RowBlock<Double>) -> [UInt64] {
            b.prediction.map(\.bitPattern) + (b.variance ?? []).map(\.bitPattern) + (b.exceedance ?? []).map(\.bitPattern)
        }
        let reference: RowBlock<Double> = try GridInterpolation.run(interp, grid: grid, as: Double.self, threads: 1, blockRows: grid.rows)
        // Against a plain per-cell loop with a fresh workspace per cell (no factor reuse at all).
        var direct: [Double] = []
        for r in 0..<grid.rows {
            for c in 0..<grid.columns { direct.append(interp.predict(at: Coordinate(x: grid.centerX(column: c), y: grid.centerY(row: r))).prediction) }
        }
        #expect(reference.prediction.map(\.bitPattern) == direct.map(\.bitPattern), "\(label): reuse vs fresh")
        // One workspace for every cell, point by point (factor reuse between single targets).
        var coords: [Coordinate] = []
        for r in 0..<grid.rows {
            for c in 0..<grid.columns { coords.append(Coordinate(x: grid.centerX(column: c), y: grid.centerY(row: r))) }
        }
        let shared = interp.predict(at: coords)
        #expect(shared.map(\.prediction.bitPattern) == direct.map(\.bitPattern), "\(label): shared workspace vs fresh")
        #expect(shared.map(\.variance.bitPattern) == (reference.variance ?? [Double](repeating: .nan, count: shared.count)).map(\.bitPattern),
                "\(label): shared workspace variance")
        for threads in [1, 2, 8] {
            for blockRows in [1, 7, 64] {
                var rowsSeen = 0
                var pred: [Double] = [], vari: [Double] = [], exc: [Double] = []
                try GridInterpolation.run(interp, grid: grid, as: Double.self, threads: threads, blockRows: blockRows,
                                          blocksInFlight: 3) { (b: RowBlock<Double>) in
                    #expect(b.firstRow == rowsSeen, "\(label): blocks out of order")
                    rowsSeen += b.rowCount
                    pred += b.prediction; vari += b.variance ?? []; exc += b.exceedance ?? []
                }
                let got = RowBlock<Double>(firstRow: 0, rowCount: rowsSeen, columns: grid.columns, prediction: pred,
                                           variance: vari.isEmpty ? nil : vari, exceedance: exc.isEmpty ? nil : exc)
                #expect(rowsSeen == grid.rows)
                #expect(bits(got) == bits(reference), "\(label): threads \(threads), blockRows \(blockRows)")
            }
        }
        let f: RowBlock<Float> = try GridInterpolation.run(interp, grid: grid, as: Float.self, threads: 2, blockRows: 5)
        #expect(f.prediction.map(\.bitPattern) == reference.prediction.map { Float($0).bitPattern }, "\(label): Float32 output")
    }

    /// The opt-in float32 kernel stays within 1e-5 (relative) of the double kernel on random
    /// problems (UTM-sized coordinates, sample counts with and without a partial SIMD chunk), is
    /// exact at samples, and settings it does not cover fall back to the double kernel bit for bit.
    @Test(arguments: [UInt64(41), 42, 43])
    func singlePrecisionMatchesDouble(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let n = [37, 256, 1001][Int(seed % 3)]
        let x = (0..<n).map { _ in 3_500_000 + rng.nextUniform() * 40_000 }, y = (0..<n).map { _ in 4_000_000 + rng.nextUniform() * 30_000 }
        let z = (0..<n).map { i in 50 + 10 * sin(x[i] / 3000) + 5 * cos(y[i] / 4000) + rng.nextGaussian() }
        let s = try SampleSet(x: x, y: y, values: z)
        let d = try InverseDistanceWeighting(samples: s, power: 2)
        let f = try InverseDistanceWeighting(samples: s, power: 2, precision: .single)
        #expect(f.usesSinglePrecisionKernel && !d.usesSinglePrecisionKernel)
        var targets = (0..<400).map { _ in Coordinate(x: 3_495_000 + rng.nextUniform() * 50_000, y: 3_995_000 + rng.nextUniform() * 40_000) }
        // Near samples (1 mm … 1 m away) and far outside the sample area.
        targets += (0..<min(40, n)).map { i in Coordinate(x: x[i] + [1e-3, 0.05, 1][i % 3], y: y[i]) }
        targets += [Coordinate(x: 3_000_000, y: 4_000_000), Coordinate(x: 3_520_000, y: 5_000_000)]
        var maxRel = 0.0
        for (a, b) in zip(d.predict(at: targets), f.predict(at: targets)) {
            maxRel = max(maxRel, relDiff(b.prediction, a.prediction))
        }
        print("single vs double IDW, \(n) samples: max rel diff \(maxRel)")
        #expect(maxRel < 1e-5)
        for i in stride(from: 0, to: n, by: 5) { #expect(f.predict(at: s.coordinate(i)).prediction == z[i]) }
        // Not covered: smoothing, other power, anisotropy, local → the double kernel.
        let c = targets.prefix(50).map { $0 }
        for (dd, ff) in [
            (try InverseDistanceWeighting(samples: s, power: 2, smoothing: 3), try InverseDistanceWeighting(samples: s, power: 2, smoothing: 3, precision: .single)),
            (try InverseDistanceWeighting(samples: s, power: 3), try InverseDistanceWeighting(samples: s, power: 3, precision: .single)),
            (try InverseDistanceWeighting(samples: s, power: 2, neighbourhood: try .nearest(8)),
             try InverseDistanceWeighting(samples: s, power: 2, neighbourhood: try .nearest(8), precision: .single)),
        ] {
            #expect(!ff.usesSinglePrecisionKernel)
            #expect(dd.predict(at: c).map(\.prediction.bitPattern) == ff.predict(at: c).map(\.prediction.bitPattern))
        }
        #expect(try f.refitted(to: s).usesSinglePrecisionKernel)
    }

    /// Lognormal OK back-transform is unbiased on simulated lognormal fields, while exp(Ŷ) is not.
    @Test func lognormalBackTransformIsUnbiased() throws {
        let model = VariogramModel([.init(.nugget, partialSill: 0.1), .init(.exponential, partialSill: 0.9, range: 1500)])
        let nTrain = 150, nTest = 100, n = nTrain + nTest, reps = 40
        var corrected: [Double] = [], naive: [Double] = []
        var rng = SplitMix64(seed: 2024)
        for _ in 0..<reps {
            let x = (0..<n).map { _ in rng.nextUniform() * 10_000 }, y = (0..<n).map { _ in rng.nextUniform() * 8_000 }
            // Cholesky of the covariance (nugget on the diagonal) → Gaussian field Y = 2 + L ε.
            var L = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in 0...i {
                    let dx = x[i] - x[j], dy = y[i] - y[j]
                    L[i * n + j] = i == j ? model.sill : model.covariance((dx * dx + dy * dy).squareRoot())
                }
            }
            let ok = L.withUnsafeMutableBufferPointer { KrigingFactor.cholesky($0.baseAddress!, n: n, stride: n) }
            #expect(ok)
            let eps = (0..<n).map { _ in rng.nextGaussian() }
            let z = (0..<n).map { i in exp(2 + (0...i).reduce(0.0) { $0 + L[i * n + $1] * eps[$1] }) }
            let train = try SampleSet(x: Array(x[0..<nTrain]), y: Array(y[0..<nTrain]), values: Array(z[0..<nTrain]))
            let lok = try LognormalKriging(samples: train, logModel: model)
            var sc = 0.0, sn = 0.0
            for i in nTrain..<n {
                let e = lok.predict(at: Coordinate(x: x[i], y: y[i]))
                sc += z[i] - e.prediction
                sn += z[i] - exp(e.logPrediction)
            }
            corrected.append(sc / Double(nTest)); naive.append(sn / Double(nTest))
        }
        func tStat(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            let sd = (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
            return m / (sd / Double(v.count).squareRoot())
        }
        let tc = tStat(corrected), tn = tStat(naive)
        print("lognormal back-transform: mean error / standard error = \(tc) (corrected), \(tn) (naive exp(Ŷ))")
        #expect(abs(tc) < 2.6)  // mean error within its standard error band (≈ 99 %)
        #expect(tn > 3)  // the naive back-transform underestimates
    }

    @Test func exceedanceProbabilityFollowsConditionalLognormal() throws {
        let s = randomSamples(count: 100, seed: 21)
        let pos = try s.withValues(s.values.map { exp($0 / 4) })
        let t = 12.0
        let lok = try LognormalKriging(samples: pos, logModel: Self.model, threshold: t)
        var rng = SplitMix64(seed: 3)
        for _ in 0..<50 {
            let c = Coordinate(x: 500_000 + rng.nextUniform() * 10_000, y: 4_000_000 + rng.nextUniform() * 8_000)
            let e = lok.predict(at: c)
            let expected = 1 - SpecialFunctions.normalCDF((log(t) - e.logPrediction) / e.variance.squareRoot())
            #expect(abs(e.exceedance - expected) < 1e-12)
            #expect(e.exceedance >= 0 && e.exceedance <= 1)
            // Back-transform formula with the Lagrange multiplier (convention C λ − m1 = c₀).
            var ws = lok.kriging.makeWorkspace()
            let k = lok.kriging.krige(x: c.x, y: c.y, workspace: &ws)
            #expect(abs(e.prediction - exp(k.prediction + k.variance / 2 - k.lagrangeMultiplier)) < 1e-12 * e.prediction)
        }
        #expect(abs(SpecialFunctions.normalCDF(1.959963984540054) - 0.975) < 1e-15)
        #expect(SpecialFunctions.normalSurvival(30) > 0)
    }

    @Test func duplicatesAreMergedAndNamed() throws {
        let s = try SampleSet(x: [0, 100, 0, 200, 100, 300], y: [0, 0, 0, 50, 0, 300], values: [1, 2, 3, 4, 6, 5],
                              ids: ["a", "b", "c", "d", "e", "f"])
        let (m, groups) = s.mergingDuplicates()
        #expect(m.count == 4)
        #expect(groups.map(\.ids) == [["a", "c"], ["b", "e"]])
        #expect(groups.map(\.meanValue) == [2, 4])
        let ok = try OrdinaryKriging(samples: s, model: Self.noNugget)
        #expect(ok.mergedDuplicates == groups)
        let e = ok.predict(at: Coordinate(x: 0, y: 0))
        #expect(e.prediction == 2)
        #expect(ok.predict(at: Coordinate(x: 50, y: 20)).variance.isFinite)
        let lok = try ok.refitted(to: s).predict(at: [Coordinate(x: 150, y: 150)])
        #expect(lok[0].prediction.isFinite)
    }

    /// Merging identical coordinates (tolerance 0, by sorting) gives the groups, order and means of
    /// the tree search (used for tolerance > 0; here 1e-6 on a unit lattice: the same classes).
    @Test func mergingIdenticalEqualsTreeSearch() throws {
        var rng = SplitMix64(seed: 88)
        let n = 500
        let x = (0..<n).map { _ in Double(rng.nextInt(below: 12)) }, y = (0..<n).map { _ in Double(rng.nextInt(below: 15)) }
        let s = try SampleSet(x: x, y: y, values: (0..<n).map { _ in rng.nextGaussian() }, ids: (0..<n).map { "s\($0)" })
        let (a, ga) = s.mergingDuplicates()
        let (b, gb) = s.mergingDuplicates(tolerance: 1e-6)
        #expect(ga == gb && !ga.isEmpty && ga.contains { $0.indices.count >= 3 })
        #expect(a.x == b.x && a.y == b.y && a.ids == b.ids)
        #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern))
        let distinct = try SampleSet(x: [1, 2, 3], y: [1, 1, 1], values: [4, 5, 6])
        #expect(distinct.mergingDuplicates().merged.isEmpty && distinct.mergingDuplicates().samples.count == 3)
        let one = try SampleSet(x: [7], y: [8], values: [9])
        #expect(one.mergingDuplicates().merged.isEmpty && one.mergingDuplicates().samples.count == 1)
        // 0 and −0 are the same coordinate for both searches.
        let signed = try SampleSet(x: [0, -0.0, 1], y: [2, 2, 2], values: [1, 3, 5])
        #expect(signed.mergingDuplicates().merged.map(\.indices) == [[0, 1]])
        #expect(signed.mergingDuplicates(tolerance: 1e-9).merged.map(\.indices) == [[0, 1]])
    }

    @Test func kFoldIsSeededAndBalanced() throws {
        let s = randomSamples(count: 103, seed: 31)
        let f1 = CrossValidation.foldAssignment(count: 103, folds: .kFold(10, seed: 7))
        let f2 = CrossValidation.foldAssignment(count: 103, folds: .kFold(10, seed: 7))
        let f3 = CrossValidation.foldAssignment(count: 103, folds: .kFold(10, seed: 8))
        #expect(f1 == f2)
        #expect(f1 != f3)
        let sizes = (1...10).map { k in f1.filter { $0 == k }.count }
        #expect(sizes.max()! - sizes.min()! <= 1)
        let idw = try InverseDistanceWeighting(samples: s, power: 2)
        let cv1 = try CrossValidation.run(idw, folds: .kFold(10, seed: 7), threads: 1)
        let cv2 = try CrossValidation.run(idw, folds: .kFold(10, seed: 7), threads: 3)
        #expect(cv1.predicted.map(\.bitPattern) == cv2.predicted.map(\.bitPattern))
        #expect(cv1.statistics.meanSquaredDeviationRatio.isNaN)
        #expect(cv1.statistics.rootMeanSquaredError > 0 && cv1.statistics.correlation > 0.5)
        #expect(zip(cv1.residuals, zip(s.values, cv1.predicted)).allSatisfy { $0 == $1.0 - $1.1 })
        let ok = try OrdinaryKriging(samples: s, model: Self.model, neighbourhood: try .nearest(20))
        let cvk = try CrossValidation.run(ok, folds: .kFold(5, seed: 1))
        #expect(cvk.statistics.meanSquaredDeviationRatio > 0.2 && cvk.statistics.meanSquaredDeviationRatio < 5)
        let lok = try LognormalKriging(samples: s.withValues(s.values.map { exp($0 / 4) }), logModel: Self.model)
        let cvl = try CrossValidation.run(lok, folds: .leaveOneOut)
        #expect(cvl.statistics.count == 103 && cvl.statistics.meanSquaredDeviationRatio.isFinite)
    }
}
