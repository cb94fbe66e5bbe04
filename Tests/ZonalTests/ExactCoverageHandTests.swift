import GeoTypes
import Testing
@testable import Zonal

/// Level (a): tiny cases computed by hand on a 3 × 3 grid of 10 m cells from (0, 30).
///
///     row 0: y 20…30    columns: col 0 x 0…10, col 1 x 10…20, col 2 x 20…30
///     row 1: y 10…20
///     row 2: y  0…10
@Suite("Exact coverage, hand-computed 3 × 3")
struct ExactCoverageHandTests {
    let g = grid(maxY: 30, cell: 10, columns: 3, rows: 3)

    /// Triangle (0,0)-(30,0)-(0,30): the diagonal x + y = 30 halves the cells it crosses.
    ///
    ///     0.5  0    0
    ///     1    0.5  0
    ///     1    1    0.5      Σ = 4.5 cells = 450 m² = ½ · 30 · 30
    @Test func triangleOnCellCorners() {
        let tri = Polygon(exterior: ring([(0, 0), (30, 0), (0, 30)]))
        let cov = ExactCoverage.coverage(of: tri, on: g)
        #expect(cov.window == GridWindow(firstRow: 0, firstColumn: 0, rows: 3, columns: 3))
        let expected: [Double] = [0.5, 0, 0,
                                  1, 0.5, 0,
                                  1, 1, 0.5]
        for (a, b) in zip(cov.fractions, expected) { #expect(abs(a - b) <= 1e-15) }
        #expect(abs(cov.planarArea(cellArea: g.cellArea) - 450) <= 1e-12)
    }

    /// Class areas of the triangle over the class raster
    ///
    ///     1 2 3
    ///     1 1 2
    ///     2 3 3
    ///
    /// class 1: 0.5 + 1 + 0.5 = 2.0 cells → 200 m²; class 2: 0 + 0 + 1 = 1.0 → 100 m²;
    /// class 3: 0 + 1 + 0.5 = 1.5 → 150 m². Shares 2/4.5, 1/4.5, 1.5/4.5; scaled to a
    /// (say geodesic) parcel area of 900 m²: 400, 200, 300 m².
    @Test func triangleClassAreas() {
        let tri = Polygon(exterior: ring([(0, 0), (30, 0), (0, 30)]))
        let classes = RasterWindow(window: GridWindow(grid: g), values: [1, 2, 3, 1, 1, 2, 2, 3, 3] as [UInt8])
        let cc = ZonalExtraction.classCoverage(of: [tri], on: g) { _ in classes }
        let planar = cc.areas(.planar(cellArea: g.cellArea))
        #expect(planar.count == 3)
        #expect(abs(planar[1]! - 200) <= 1e-12)
        #expect(abs(planar[2]! - 100) <= 1e-12)
        #expect(abs(planar[3]! - 150) <= 1e-12)
        let scaled = cc.areas(.scaled(parcelArea: 900, basis: .dataCoverage))
        #expect(abs(scaled[1]! - 400) <= 1e-12)
        #expect(abs(scaled[2]! - 200) <= 1e-12)
        #expect(abs(scaled[3]! - 300) <= 1e-12)
        #expect(abs(cc.share(of: 3) - 1.5 / 4.5) <= 1e-15)
    }

    /// Square (0,0)-(30,30) with hole (5,5)-(15,15): the hole takes a quarter of each
    /// of the four south-west cells.
    ///
    ///     1     1     1
    ///     0.75  0.75  1
    ///     0.75  0.75  1
    @Test func squareWithHole() {
        let p = Polygon(exterior: box(0, 0, 30, 30), holes: [box(5, 5, 15, 15)])
        let cov = ExactCoverage.coverage(of: p, on: g)
        let expected: [Double] = [1, 1, 1, 0.75, 0.75, 1, 0.75, 0.75, 1]
        for (a, b) in zip(cov.fractions, expected) { #expect(abs(a - b) <= 1e-15) }
    }

    /// Rectangle x 5…25, y 5…20: row 1 is covered over its full height, row 2 over half.
    ///
    ///     (row 0 outside the window)
    ///     0.5   1    0.5
    ///     0.25  0.5  0.25
    @Test func offsetRectangle() {
        let cov = ExactCoverage.coverage(of: Polygon(exterior: box(5, 5, 25, 20)), on: g)
        #expect(cov.window == GridWindow(firstRow: 1, firstColumn: 0, rows: 2, columns: 3))
        #expect(cov.fractions == [0.5, 1, 0.5, 0.25, 0.5, 0.25])
        #expect(cov[row: 0, column: 1] == 0)
    }

    /// Mean, min, max of a value raster under the rectangle: weights 0.5,1,0.5,0.25,0.5,0.25
    /// over values 4,5,6 / 7,8,9 (row 1 / row 2):
    /// Σc·v = 2+5+3+1.75+4+2.25 = 18, Σc = 3 → mean 6; min 4, max 9.
    @Test func weightedMean() {
        let values = RasterWindow(window: GridWindow(grid: g), values: [1, 2, 3, 4, 5, 6, 7, 8, 9] as [Double])
        let s = ZonalExtraction.stats(of: [Polygon(exterior: box(5, 5, 25, 20))], on: g) { _ in values }
        #expect(s.mean == 6)
        #expect(s.min == 4)
        #expect(s.max == 9)
        #expect(s.coverage == 3)
        #expect(s.dataFraction == 1)
    }
}
