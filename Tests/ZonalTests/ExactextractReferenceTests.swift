import Foundation
import GeoTypes
import Testing
@testable import Zonal

/// Level (e): agreement with exactextract 0.3.0 on 30 zones over a 60 × 40 raster of 20 m
/// cells. Fixtures made by `Fixtures/make_exactextract_fixtures.py` (seeded); see that
/// script for the file formats.
@Suite("Agreement with exactextract")
struct ExactextractReferenceTests {
    static let classes = Fixtures.raster("raster_classes.txt") { UInt8($0)! }
    static let values = Fixtures.raster("raster_values.txt") { Double($0)! }

    static func expectedCoverage(_ file: String) -> [Int: [GridCell: Double]] {
        var expected: [Int: [GridCell: Double]] = [:]
        for r in Fixtures.csv(file) {
            expected[Int(r[0])!, default: [:]][GridCell(row: Int(r[1])!, column: Int(r[2])!)] = Double(r[3])!
        }
        return expected
    }

    /// Per-cell coverage against the independent exact reference (rational arithmetic,
    /// `expected_coverage_exact.csv`): within 1e-9 absolute, and no cell missing on either side.
    @Test func coverageFractionsExact() {
        let (g, _, _) = Self.values
        let expected = Self.expectedCoverage("expected_coverage_exact.csv")
        var worst = 0.0, compared = 0
        for (id, polys) in Fixtures.zones {
            let cov = ExactCoverage.coverage(of: polys, on: g)
            let exp = expected[id] ?? [:]
            for (cell, f) in exp {
                let ours = cov[row: cell.row, column: cell.column]
                worst = max(worst, abs(ours - f)); compared += 1
                #expect(abs(ours - f) <= 1e-9, "zone \(id) cell \(cell)")
            }
            cov.forEachCoveredCell { r, c, f in
                #expect(exp[GridCell(row: r, column: c)] != nil, "zone \(id) cell (\(r), \(c)) covered \(f) but not in the reference")
            }
        }
        print("exact rational reference: \(compared) cells, worst absolute difference \(worst)")
    }

    /// Per-cell coverage against exactextract's `coverage`. exactextract stores coverage
    /// fractions as `float` (every fixture value is a Float32), so agreement is checked to
    /// 1e-7 absolute, not 1e-9: 4091 of 4105 cells are identical once ours is rounded to
    /// Float32, the other 14 differ by up to 7 Float32 ulps (4e-8); in those cells ours
    /// matches the exact rational reference to 1e-14 (``coverageFractionsExact()``), so the
    /// difference is exactextract's single-precision rounding. exactextract lists only cells
    /// with data, so cells it omits must be nodata cells.
    @Test func coverageFractionsExactextract() {
        let (g, vr, nodata) = Self.values
        let expected = Self.expectedCoverage("expected_coverage.csv")
        var worst = 0.0, worstUlps = 0.0, compared = 0, identicalAsFloat = 0
        for (id, polys) in Fixtures.zones {
            let cov = ExactCoverage.coverage(of: polys, on: g)
            let exp = expected[id] ?? [:]
            for (cell, f) in exp {
                let ours = cov[row: cell.row, column: cell.column]
                let ulp = Double(Float(f).ulp)
                worst = max(worst, abs(ours - f)); worstUlps = max(worstUlps, abs(ours - f) / ulp); compared += 1
                if Float(ours) == Float(f) { identicalAsFloat += 1 }
                #expect(abs(ours - f) <= 1e-7, "zone \(id) cell \(cell)")
            }
            cov.forEachCoveredCell { r, c, f in
                if exp[GridCell(row: r, column: c)] == nil {
                    #expect(vr[row: r, column: c] == nodata, "zone \(id) cell (\(r), \(c)) missing in exactextract")
                }
            }
        }
        print("exactextract coverage: \(compared) cells, worst absolute difference \(worst) (\(worstUlps) Float32 ulp), \(identicalAsFloat) identical after rounding ours to Float32")
    }

    /// Per zone and class planar areas within 1e-6 relative.
    @Test func classAreas() {
        let (g, cr, nodata) = Self.classes
        var expected: [Int: [UInt8: Double]] = [:]
        for r in Fixtures.csv("expected_class_areas.csv") { expected[Int(r[0])!, default: [:]][UInt8(r[1])!] = Double(r[2])! }
        var worst = 0.0
        for (id, polys) in Fixtures.zones {
            let cc = ZonalExtraction.classCoverage(of: polys, on: g, nodata: nodata) { _ in cr }
            let ours = cc.areas(.planar(cellArea: g.cellArea))
            let exp = expected[id] ?? [:]
            #expect(Set(ours.keys) == Set(exp.keys), "zone \(id) classes")
            for (k, a) in exp {
                let o = ours[k] ?? 0
                worst = max(worst, abs(o - a) / a)
                #expect(isClose(o, a, relative: 1e-6), "zone \(id) class \(k): ours \(o) m², exactextract \(a) m²")
            }
        }
        print("exactextract class areas: worst relative difference \(worst)")
    }

    /// count (Σ coverage with data), sum, mean within 1e-6 relative (exactextract sums
    /// Float32 coverages); min and max exactly.
    @Test func valueStatistics() {
        let (g, vr, nodata) = Self.values
        var worst = 0.0
        for r in Fixtures.csv("expected_stats.csv") {
            let id = Int(r[0])!
            let polys = Fixtures.zones.first { $0.id == id }!.polygons
            let s = ZonalExtraction.stats(of: polys, on: g, nodata: nodata) { _ in vr }
            let count = Double(r[1])!
            #expect(isClose(s.dataCoverage, count, relative: 1e-6), "zone \(id) count")
            #expect(isClose(s.weightedSum, Double(r[2])!, relative: 1e-6), "zone \(id) sum")
            if count > 0 {
                #expect(isClose(s.mean!, Double(r[3])!, relative: 1e-6), "zone \(id) mean")
                #expect(s.min == Double(r[4])!, "zone \(id) min")
                #expect(s.max == Double(r[5])!, "zone \(id) max")
                worst = max(worst, abs(s.mean! - Double(r[3])!) / abs(Double(r[3])!))
            } else {
                #expect(s.mean == nil && s.min == nil)
            }
        }
        print("exactextract mean: worst relative difference \(worst)")
    }
}

struct GridCell: Hashable, CustomStringConvertible {
    var row: Int, column: Int
    var description: String { "(\(row), \(column))" }
}
