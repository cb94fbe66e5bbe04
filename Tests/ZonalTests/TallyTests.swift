import GeoTypes
import Standards
import Testing
@testable import Zonal

/// The zone tallies every zonal job shares (parcels, monitoring rings, screened plots): values
/// and weights chosen so every sum is exact in binary and checkable by hand.
@Suite("Zone tallies: cells, samples and points in a zone")
struct TallyTests {
    let t = Threshold(screening: 0.3, intervention: 1.5)

    @Test("ExceedanceTally: strictly above, NaN and unknown thresholds not counted, weights summed in order")
    func exceedance() {
        var tally = ExceedanceTally()
        tally.add(weight: 0.5, value: 0.3, threshold: t)       // on the screening value: not above
        tally.add(weight: 0.25, value: 0.31, threshold: t)     // above screening
        tally.add(weight: 1, value: 1.5, threshold: t)         // on the intervention value: above screening only
        tally.add(weight: 0.125, value: 2, threshold: t)       // above both
        tally.add(weight: 4, value: .nan, threshold: t)        // nodata: not counted
        tally.add(weight: 8, value: 9, threshold: nil)         // no threshold (no pH): not counted
        #expect(tally.covered == 1.875)
        #expect(tally.overScreening == 1.375)
        #expect(tally.overIntervention == 0.125)
        #expect(tally.max == 2)
        let s = tally.shares!
        #expect(s.screening == 1.375 / 1.875 && s.intervention == 0.125 / 1.875)
        #expect(ExceedanceTally().shares == nil && ExceedanceTally().max == nil)
    }

    @Test("A screening-only threshold (no intervention value) never counts above intervention")
    func screeningOnly() {
        var tally = ExceedanceTally()
        tally.add(weight: 1, value: 1e9, threshold: Threshold(screening: 50, intervention: nil))
        #expect(tally.overScreening == 1 && tally.overIntervention == 0)
    }

    @Test("SampleTally: own threshold, unknown pH judged by the loosest values, maximum keeps the first sample")
    func samples() {
        var tally = SampleTally()
        tally.add(0.2, index: 0, judgedBy: .threshold(t))
        tally.add(0.4, index: 1, judgedBy: .threshold(t))
        tally.add(.nan, index: 2, judgedBy: .threshold(t))                                        // not measured
        let loosest = Threshold(screening: 0.8, intervention: 4)
        tally.add(0.5, index: 3, judgedBy: .unknownPH(loosest: loosest))                          // undecided
        tally.add(5, index: 4, judgedBy: .unknownPH(loosest: loosest))                            // above both, whatever the pH
        tally.add(5, index: 5, judgedBy: .threshold(t))                                           // ties the maximum
        #expect(tally.samples == 5)
        #expect(tally.overScreening == 3)
        #expect(tally.overIntervention == 2)
        #expect(tally.unclassified == 1)
        #expect(tally.max == 5 && tally.maxIndex == 4)
    }

    @Test("PointsInZone: inside only, boundary and outside points excluded, holes respected")
    func points() {
        let outer = LinearRing(closing: [Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 10), Coordinate(0, 10)])
        let hole = LinearRing(closing: [Coordinate(4, 4), Coordinate(6, 4), Coordinate(6, 6), Coordinate(4, 6)])
        let zone = Geometry.polygon(Polygon(exterior: outer, holes: [hole]))
        let pts = [Coordinate(1, 1), Coordinate(5, 5), Coordinate(11, 5), Coordinate(9.5, 9.5), Coordinate(-1, -1)]
        #expect(PointsInZone.indices(of: pts, in: zone) == [0, 3])
        #expect(PointsInZone.indices(of: [], in: zone) == [])
    }

    @Test("ZoneCells: one read of the zone's window, positions on the grid; no read for a zone off the grid")
    func zoneCells() throws {
        let grid = try GridSpec(minX: 0, maxY: 4, cellWidth: 1, cellHeight: 1, columns: 4, rows: 4)
        let square = Geometry.polygon(Polygon(exterior: LinearRing(closing: [Coordinate(1, 1), Coordinate(3, 1), Coordinate(3, 3), Coordinate(1, 3)]), holes: []))
        var reads: [GridWindow] = []
        let cells = ZoneCells.read(square, on: grid) { (w: GridWindow) -> [[Double]] in
            reads.append(w)
            return [(0..<w.cellCount).map(Double.init)]
        }
        #expect(reads.count == 1 && reads[0].firstRow == 1 && reads[0].firstColumn == 1 && reads[0].rows == 2 && reads[0].columns == 2)
        #expect(cells.coverage.fractions == [1, 1, 1, 1])
        #expect(cells.position(3) == (row: 2, column: 2))
        let far = Geometry.polygon(Polygon(exterior: LinearRing(closing: [Coordinate(10, 10), Coordinate(11, 10), Coordinate(11, 11)]), holes: []))
        let none = ZoneCells.read(far, on: grid) { (_: GridWindow) -> [[Double]] in
            Issue.record("read called for a zone off the grid")
            return []
        }
        #expect(none.isEmpty && none.count == 0)
    }
}
