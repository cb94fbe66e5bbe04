import Foundation
import GeoTypes
import Testing
@testable import Zonal

/// Level (c): properties on seeded random polygons.
@Suite("Exact coverage, properties")
struct ExactCoveragePropertyTests {
    static let g = grid(minX: 500_000, maxY: 3_400_000, cell: 20, columns: 200, rows: 150)

    static func polygons(seed: UInt64, count: Int, inside: Bool) -> [Polygon] {
        var rng = SplitMix64(seed: seed)
        let e = g.extent
        return (0..<count).map { i in
            let r = Double.random(in: 5...400, using: &rng)
            let m = inside ? r : -r
            let c = Coordinate(Double.random(in: (e.minX + m)...(e.maxX - m), using: &rng),
                               Double.random(in: (e.minY + m)...(e.maxY - m), using: &rng))
            return randomStar(&rng, center: c, radius: r, vertices: Int.random(in: 3...40, using: &rng), hole: i % 3 == 0)
        }
    }

    /// Σ coverage × cell area = planar area, relative 1e-9, for polygons inside the grid.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func totalCoverageIsPlanarArea(seed: UInt64) {
        var worst = 0.0
        for p in Self.polygons(seed: seed, count: 300, inside: true) {
            let cov = ExactCoverage.coverage(of: p, on: Self.g)
            let a = cov.planarArea(cellArea: Self.g.cellArea)
            worst = max(worst, abs(a - p.planarArea) / p.planarArea)
            #expect(isClose(a, p.planarArea, relative: 1e-9), "polygon \(p.exterior.coordinates.prefix(2))…")
        }
        print("Σ coverage × cell area vs planar area: worst relative error \(worst)")
    }

    /// Translating polygon by whole cells moves the coverage window and nothing else.
    @Test(arguments: [(3, -2), (-7, 11), (40, 0)] as [(Int, Int)])
    func translationByWholeCells(dc: Int, dr: Int) {
        for p in Self.polygons(seed: 7, count: 100, inside: true) {
            let dx = Double(dc) * Self.g.cellWidth, dy = -Double(dr) * Self.g.cellHeight
            let moved = Polygon(exterior: LinearRing(p.exterior.coordinates.map { Coordinate($0.x + dx, $0.y + dy) }),
                                holes: p.holes.map { LinearRing($0.coordinates.map { Coordinate($0.x + dx, $0.y + dy) }) })
            // A grid large enough for both positions.
            let big = grid(minX: Self.g.minX - 1000, maxY: Self.g.maxY + 1000, cell: 20, columns: 400, rows: 350)
            let a = ExactCoverage.coverage(of: p, on: big), b = ExactCoverage.coverage(of: moved, on: big)
            #expect(b.window.firstRow == a.window.firstRow + dr && b.window.firstColumn == a.window.firstColumn + dc)
            #expect(b.window.rows == a.window.rows && b.window.columns == a.window.columns)
            let err = zip(a.fractions, b.fractions).map { abs($0 - $1) }.max() ?? 0
            #expect(err <= 1e-9)
        }
    }

    /// Polygons crossing the grid edge: each part of the plane counted once — coverage
    /// on the grid plus coverage on the eight neighbouring grids equals the planar area.
    @Test func clippingPartitionsThePlane() {
        let g = Self.g
        for p in Self.polygons(seed: 11, count: 100, inside: false) {
            var total = 0.0
            for i in -1...1 { for j in -1...1 {
                let n = grid(minX: g.minX + Double(i) * g.extent.width, maxY: g.maxY + Double(j) * g.extent.height,
                             cell: 20, columns: g.columns, rows: g.rows)
                total += ExactCoverage.coverage(of: p, on: n).planarArea(cellArea: g.cellArea)
            } }
            #expect(isClose(total, p.planarArea, relative: 1e-9))
        }
    }

    /// Statistics over row blocks, merged in block order, equal those over the whole window.
    @Test(arguments: [1, 2, 7] as [Int])
    func blockSplitEqualsWhole(rowsPerBlock: Int) {
        let g = Self.g
        var rng = SplitMix64(seed: 99)
        let values = (0..<g.cellCount).map { i in i % 17 == 0 ? Float.nan : Float.random(in: 0...5, using: &rng) }
        let classes = (0..<g.cellCount).map { _ in UInt8.random(in: 0...4, using: &rng) }
        let vr = RasterWindow(window: GridWindow(grid: g), values: values)
        let cr = RasterWindow(window: GridWindow(grid: g), values: classes)
        func block<V>(_ r: RasterWindow<V>, _ w: GridWindow) -> RasterWindow<V> {
            RasterWindow(window: w, values: Array(r.values[(w.firstRow * g.columns)..<(w.endRow * g.columns)]))
        }
        let blocks = GridWindow(grid: g).rowBlocks(rowsPerBlock: rowsPerBlock)
        for p in Self.polygons(seed: 5, count: 40, inside: false) {
            let cov = ExactCoverage.coverage(of: p, on: g)
            var whole = ZonalStats(); whole.accumulate(cov, vr)
            var wholeC = ClassCoverage(); wholeC.accumulate(cov, cr, nodata: 0)
            var merged = ZonalStats(), mergedC = ClassCoverage()
            for b in blocks where !b.intersection(cov.window).isEmpty {
                var s = ZonalStats(); s.accumulate(cov, block(vr, b)); merged.combine(s)
                var c = ClassCoverage(); c.accumulate(cov, block(cr, b), nodata: 0); mergedC.combine(c)
            }
            #expect(merged.cellCount == whole.cellCount && merged.min == whole.min && merged.max == whole.max)
            #expect(isClose(merged.weightedSum, whole.weightedSum, relative: 1e-12, absolute: 1e-12))
            #expect(isClose(merged.coverage, whole.coverage, relative: 1e-12, absolute: 1e-12))
            for k in wholeC.classes {
                #expect(isClose(mergedC.coverageByClass[k]!, wholeC.coverageByClass[k]!, relative: 1e-12))
            }
            #expect(isClose(mergedC.nodataCoverage, wholeC.nodataCoverage, relative: 1e-12, absolute: 1e-12))
        }
    }

    /// Float and Double value bands give the same statistics for values exact in both.
    @Test func floatAndDoubleBandsAgree() {
        let g = Self.g
        let d = (0..<g.cellCount).map { Double($0 % 23) * 0.25 }
        let f = d.map(Float.init)
        for p in Self.polygons(seed: 8, count: 20, inside: true) {
            let cov = ExactCoverage.coverage(of: p, on: g)
            var a = ZonalStats(); a.accumulate(cov, RasterWindow(window: GridWindow(grid: g), values: d), nodata: 0)
            var b = ZonalStats(); b.accumulate(cov, RasterWindow(window: GridWindow(grid: g), values: f), nodata: 0)
            #expect(a == b)
        }
    }
}
