/// A rectangular block of cells of a ``GridSpec``, in grid indices.
///
/// Rows count from the north (row 0 is the top of the grid), columns from the west,
/// as in ``GridSpec``. A window never carries pixel data (Zonal's `RasterWindow` and
/// `CoverageWindow` are the two kinds of data laid over one); a tiled run computes one
/// window of the whole grid per task.
///
/// - Units: cells.
/// - Edge behaviour: a window with zero rows or columns is empty (``isEmpty``).
public struct GridWindow: Hashable, Sendable, Codable, CustomStringConvertible {
    public var firstRow: Int
    public var firstColumn: Int
    public var rows: Int
    public var columns: Int

    public init(firstRow: Int, firstColumn: Int, rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "a window cannot have a negative size")
        self.firstRow = firstRow
        self.firstColumn = firstColumn
        self.rows = rows
        self.columns = columns
    }

    /// The empty window at the grid origin.
    public static let empty = GridWindow(firstRow: 0, firstColumn: 0, rows: 0, columns: 0)

    /// The whole grid.
    public init(grid: GridSpec) {
        self.init(firstRow: 0, firstColumn: 0, rows: grid.rows, columns: grid.columns)
    }

    /// One past the last row.
    @inlinable public var endRow: Int { firstRow + rows }
    /// One past the last column.
    @inlinable public var endColumn: Int { firstColumn + columns }
    @inlinable public var isEmpty: Bool { rows == 0 || columns == 0 }
    @inlinable public var cellCount: Int { rows * columns }

    @inlinable
    public func contains(row: Int, column: Int) -> Bool {
        row >= firstRow && row < endRow && column >= firstColumn && column < endColumn
    }

    /// The cells common to both windows; empty (``GridWindow/empty``) when they do not overlap.
    public func intersection(_ o: GridWindow) -> GridWindow {
        let r0 = Swift.max(firstRow, o.firstRow), r1 = Swift.min(endRow, o.endRow)
        let c0 = Swift.max(firstColumn, o.firstColumn), c1 = Swift.min(endColumn, o.endColumn)
        guard r1 > r0, c1 > c0 else { return .empty }
        return GridWindow(firstRow: r0, firstColumn: c0, rows: r1 - r0, columns: c1 - c0)
    }

    /// Splits the window into blocks of at most `rowsPerBlock` rows, north to south
    /// (the "split" of split → compute → merge).
    public func rowBlocks(rowsPerBlock: Int) -> [GridWindow] {
        precondition(rowsPerBlock > 0, "rowsPerBlock must be positive")
        return stride(from: firstRow, to: endRow, by: rowsPerBlock).map {
            GridWindow(firstRow: $0, firstColumn: firstColumn,
                       rows: Swift.min(rowsPerBlock, endRow - $0), columns: columns)
        }
    }

    public var description: String {
        "rows \(firstRow)..<\(endRow), columns \(firstColumn)..<\(endColumn)"
    }
}


extension GridWindow {
    /// The window widened by `cells` on every side, clipped to `grid` (empty stays empty).
    public func expanded(by cells: Int, within grid: GridSpec) -> GridWindow {
        guard !isEmpty else { return self }
        return GridWindow(firstRow: firstRow - cells, firstColumn: firstColumn - cells, rows: rows + 2 * cells,
                          columns: columns + 2 * cells).intersection(GridWindow(grid: grid))
    }

    /// The smallest window holding both (either may be empty).
    public func union(_ o: GridWindow) -> GridWindow {
        if isEmpty { return o }
        if o.isEmpty { return self }
        let r0 = Swift.min(firstRow, o.firstRow), c0 = Swift.min(firstColumn, o.firstColumn)
        return GridWindow(firstRow: r0, firstColumn: c0, rows: Swift.max(endRow, o.endRow) - r0,
                          columns: Swift.max(endColumn, o.endColumn) - c0)
    }
}

extension GridSpec {
    /// The grid of the cells of `window` (a non-empty window inside this grid), for georeferencing
    /// a raster that holds only those cells: origin `minX + firstColumn·dx`, `maxY − firstRow·dy`.
    ///
    /// - Note: the subgrid's cell centres are computed from its own origin, which can differ from
    ///   this grid's in the last bit for cell sizes that are not binary fractions; computations
    ///   that must equal the whole grid's (a tiled run) take the coordinates from this grid and
    ///   the window instead.
    public func subgrid(_ window: GridWindow) -> GridSpec {
        precondition(!window.isEmpty && window.firstRow >= 0 && window.firstColumn >= 0
                     && window.endRow <= rows && window.endColumn <= columns, "subgrid: \(window) outside \(self)")
        return try! GridSpec(minX: minX + Double(window.firstColumn) * cellWidth, maxY: maxY - Double(window.firstRow) * cellHeight,
                             cellWidth: cellWidth, cellHeight: cellHeight, columns: window.columns, rows: window.rows)
    }
}
