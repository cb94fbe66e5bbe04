import GeoTypes

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
