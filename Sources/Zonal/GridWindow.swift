import GeoTypes

/// A rectangular block of cells of a ``GridSpec``, in grid indices.
///
/// Rows count from the north (row 0 is the top of the grid), columns from the west,
/// as in ``GridSpec``. A window never carries pixel data; see ``RasterWindow`` and
/// ``CoverageWindow`` for the two kinds of data laid over one.
///
/// - Units: cells.
/// - Edge behaviour: a window with zero rows or columns is empty (``isEmpty``).
public struct GridWindow: Hashable, Sendable, CustomStringConvertible {
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

/// Raster values of one band over a ``GridWindow``, row-major from the north-west cell.
///
/// This is what GeoIO hands over after a block or window read; Zonal never reads files.
public struct RasterWindow<Value> {
    public var window: GridWindow
    /// `window.rows × window.columns` values, row-major.
    public var values: [Value]

    public init(window: GridWindow, values: [Value]) {
        precondition(values.count == window.cellCount,
                     "RasterWindow: \(values.count) values for a window of \(window.cellCount) cells")
        self.window = window
        self.values = values
    }

    /// The value of grid cell (`row`, `column`); the cell must lie inside the window.
    @inlinable
    public subscript(row row: Int, column column: Int) -> Value {
        precondition(window.contains(row: row, column: column), "cell (\(row), \(column)) outside \(window)")
        return values[(row - window.firstRow) * window.columns + (column - window.firstColumn)]
    }
}

extension RasterWindow: Sendable where Value: Sendable {}
extension RasterWindow: Equatable where Value: Equatable {}
extension RasterWindow: Hashable where Value: Hashable {}
