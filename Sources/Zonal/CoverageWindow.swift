import GeoTypes

/// The fraction of each cell of a window that a polygon covers.
///
/// Produced by ``ExactCoverage``; the window is the polygon's bounding box clipped to
/// the grid, so cells outside it have coverage 0.
///
/// - Units: fractions of a cell's area, in `[0, 1]`.
/// - Assumptions: the cells of the window belong to the ``GridSpec`` the coverage was
///   computed on; the window does not remember that grid.
/// - Edge behaviour: a polygon that misses the grid has an empty window and no fractions.
public struct CoverageWindow: Hashable, Sendable {
    public var window: GridWindow
    /// `window.rows × window.columns` fractions, row-major from the north-west cell of the window.
    public var fractions: [Double]

    public init(window: GridWindow, fractions: [Double]) {
        precondition(fractions.count == window.cellCount,
                     "CoverageWindow: \(fractions.count) fractions for a window of \(window.cellCount) cells")
        self.window = window
        self.fractions = fractions
    }

    public static let empty = CoverageWindow(window: .empty, fractions: [])

    @inlinable public var firstRow: Int { window.firstRow }
    @inlinable public var firstColumn: Int { window.firstColumn }
    @inlinable public var rows: Int { window.rows }
    @inlinable public var columns: Int { window.columns }
    @inlinable public var isEmpty: Bool { window.isEmpty }

    /// The coverage of grid cell (`row`, `column`); 0 for cells outside the window.
    @inlinable
    public subscript(row row: Int, column column: Int) -> Double {
        guard window.contains(row: row, column: column) else { return 0 }
        return fractions[(row - window.firstRow) * window.columns + (column - window.firstColumn)]
    }

    /// Σ coverage, in cells (the polygon's area inside the grid divided by the cell area).
    public var totalCoverage: Double { fractions.reduce(0, +) }

    /// Planar area of the polygon inside the grid: Σ coverage × `cellArea`.
    ///
    /// - Units: those of `cellArea` (m² for `GridSpec.cellArea` in a metric CRS).
    public func planarArea(cellArea: Double) -> Double { totalCoverage * cellArea }

    /// Calls `body(row, column, fraction)` for every cell with coverage > 0, in row-major
    /// order, with grid row and column indices.
    @inlinable
    public func forEachCoveredCell(_ body: (_ row: Int, _ column: Int, _ fraction: Double) throws -> Void) rethrows {
        var i = 0
        for r in 0..<window.rows {
            for c in 0..<window.columns {
                let f = fractions[i]
                i += 1
                if f > 0 { try body(window.firstRow + r, window.firstColumn + c, f) }
            }
        }
    }
}
