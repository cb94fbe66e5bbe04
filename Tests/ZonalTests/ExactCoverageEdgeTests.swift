import GeoTypes
import Testing
@testable import Zonal

/// Level (b): special shapes and positions, on a 4 × 3 grid of 10 m cells from (100, 230)
/// (x 100…140, y 200…230).
@Suite("Exact coverage, edge cases")
struct ExactCoverageEdgeTests {
    static let g = grid(minX: 100, maxY: 230, cell: 10, columns: 4, rows: 3)

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let polygons: [Polygon]
        /// Expected Σ coverage, in cells.
        let total: Double
        /// Expected window, or nil for an empty one.
        let window: GridWindow?
        /// Some cells checked exactly: (row, column, fraction).
        let cells: [(Int, Int, Double)]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "polygon exactly one cell", polygons: [Polygon(exterior: box(110, 210, 120, 220))], total: 1,
             window: GridWindow(firstRow: 1, firstColumn: 1, rows: 1, columns: 1), cells: [(1, 1, 1)]),
        Case(name: "vertices on cell boundaries (mid-edges diamond)",
             polygons: [Polygon(exterior: ring([(115, 210), (120, 215), (115, 220), (110, 215)]))], total: 0.5,
             window: GridWindow(firstRow: 1, firstColumn: 1, rows: 1, columns: 1), cells: [(1, 1, 0.5)]),
        Case(name: "edges along grid lines over 2 × 2 cells", polygons: [Polygon(exterior: box(110, 200, 130, 220))],
             total: 4, window: GridWindow(firstRow: 1, firstColumn: 1, rows: 2, columns: 2),
             cells: [(1, 1, 1), (1, 2, 1), (2, 1, 1), (2, 2, 1), (0, 0, 0)]),
        Case(name: "larger than the grid", polygons: [Polygon(exterior: box(0, 0, 1000, 1000))], total: 12,
             window: GridWindow(firstRow: 0, firstColumn: 0, rows: 3, columns: 4), cells: [(0, 0, 1), (2, 3, 1)]),
        Case(name: "outside the grid", polygons: [Polygon(exterior: box(200, 200, 210, 210))], total: 0,
             window: nil, cells: []),
        Case(name: "touching the grid along its east edge only", polygons: [Polygon(exterior: box(140, 200, 150, 210))],
             total: 0, window: nil, cells: []),
        Case(name: "half outside to the west", polygons: [Polygon(exterior: box(95, 200, 105, 210))], total: 0.5,
             window: GridWindow(firstRow: 2, firstColumn: 0, rows: 1, columns: 1), cells: [(2, 0, 0.5)]),
        Case(name: "crossing the north and west edges diagonally",
             polygons: [Polygon(exterior: ring([(90, 210), (120, 240), (90, 240)]))],
             total: 0.5, window: GridWindow(firstRow: 0, firstColumn: 0, rows: 2, columns: 2),
             cells: [(0, 0, 0.5), (0, 1, 0), (1, 0, 0)]),
        Case(name: "hole (clockwise)", polygons: [Polygon(exterior: box(100, 200, 140, 230), holes: [box(112, 212, 118, 218).reversedRing])],
             total: 12 - 0.36, window: GridWindow(firstRow: 0, firstColumn: 0, rows: 3, columns: 4),
             cells: [(1, 1, 0.64), (0, 0, 1)]),
        Case(name: "hole given with the same winding as the exterior",
             polygons: [Polygon(exterior: box(100, 200, 140, 230),
                                holes: [box(112, 212, 118, 218)])],
             total: 12 - 0.36, window: GridWindow(firstRow: 0, firstColumn: 0, rows: 3, columns: 4), cells: [(1, 1, 0.64)]),
        Case(name: "multipolygon", polygons: [Polygon(exterior: box(100, 220, 105, 230)), Polygon(exterior: box(135, 200, 140, 205))],
             total: 0.75, window: GridWindow(firstRow: 0, firstColumn: 0, rows: 3, columns: 4),
             cells: [(0, 0, 0.5), (2, 3, 0.25), (1, 1, 0)]),
        Case(name: "clockwise exterior", polygons: [Polygon(exterior: box(110, 210, 120, 220).reversedRing)], total: 1,
             window: GridWindow(firstRow: 1, firstColumn: 1, rows: 1, columns: 1), cells: [(1, 1, 1)]),
        Case(name: "open ring (closing edge implied)",
             polygons: [Polygon(exterior: LinearRing([Coordinate(110, 210), Coordinate(120, 210), Coordinate(120, 220), Coordinate(110, 220)]))],
             total: 1, window: GridWindow(firstRow: 1, firstColumn: 1, rows: 1, columns: 1), cells: [(1, 1, 1)]),
        Case(name: "degenerate: collinear ring (zero area)", polygons: [Polygon(exterior: ring([(101, 201), (115, 215), (129, 229)]))],
             total: 0, window: GridWindow(firstRow: 0, firstColumn: 0, rows: 3, columns: 3), cells: []),
        Case(name: "degenerate: two points", polygons: [Polygon(exterior: LinearRing([Coordinate(101, 201), Coordinate(115, 215)]))],
             total: 0, window: GridWindow(firstRow: 1, firstColumn: 0, rows: 2, columns: 2), cells: []),
        Case(name: "degenerate: empty ring", polygons: [Polygon(exterior: LinearRing([]))], total: 0, window: nil, cells: []),
        Case(name: "non-finite coordinates are skipped", polygons: [Polygon(exterior: LinearRing([Coordinate(.nan, .nan)]))],
             total: 0, window: nil, cells: []),
        Case(name: "tiny polygon inside one cell", polygons: [Polygon(exterior: box(111, 211, 111.001, 211.001))], total: 1e-8,
             window: GridWindow(firstRow: 1, firstColumn: 1, rows: 1, columns: 1), cells: []),
    ]

    @Test(arguments: cases)
    func edgeCase(_ c: Case) {
        let cov = ExactCoverage.coverage(of: c.polygons, on: Self.g)
        #expect(abs(cov.totalCoverage - c.total) <= 1e-12, "Σ coverage")
        #expect(cov.window == (c.window ?? .empty))
        for (r, col, f) in c.cells {
            #expect(abs(cov[row: r, column: col] - f) <= 1e-12, "cell (\(r), \(col))")
        }
        #expect(cov.fractions.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func multiPolygonAndGeometryOverloadsAgree() {
        let parts = [Polygon(exterior: box(100, 220, 105, 230)), Polygon(exterior: box(135, 200, 140, 205))]
        let a = ExactCoverage.coverage(of: parts, on: Self.g)
        #expect(ExactCoverage.coverage(of: MultiPolygon(parts), on: Self.g) == a)
        #expect(ExactCoverage.coverage(of: Geometry.multiPolygon(MultiPolygon(parts)), on: Self.g) == a)
        #expect(ExactCoverage.coverage(of: Geometry.point(Coordinate(110, 210)), on: Self.g) == .empty)
    }
}

extension LinearRing {
    var reversedRing: LinearRing { LinearRing(coordinates.reversed()) }
}
