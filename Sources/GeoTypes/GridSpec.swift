/// The geometry of a north-up raster grid, without any pixel data.
///
/// Row 0 is the northernmost row; column 0 the westernmost. Cell `(col, row)`
/// covers `[minX + col·dx, minX + (col+1)·dx] × [maxY − (row+1)·dy, maxY − row·dy]`
/// and its value is taken to be the value at the cell's centre (GDAL's
/// "pixel is area" convention).
///
/// - Units: CRS units for the origin and cell sizes; cells for `columns`/`rows`.
/// - Assumptions: no rotation (GDAL geotransform terms 2 and 4 are zero);
///   `cellWidth > 0`, `cellHeight > 0` (the geotransform's negative y step is
///   stored as a positive height).
public struct GridSpec: Hashable, Sendable, Codable, CustomStringConvertible {
    /// West edge of column 0.
    public var minX: Double
    /// North edge of row 0.
    public var maxY: Double
    /// Cell size along x, positive.
    public var cellWidth: Double
    /// Cell size along y, positive.
    public var cellHeight: Double
    public var columns: Int
    public var rows: Int

    /// Creates a grid; returns a validation error for non-positive sizes or non-finite values.
    public init(minX: Double, maxY: Double, cellWidth: Double, cellHeight: Double, columns: Int, rows: Int) throws(GridSpecError) {
        guard minX.isFinite, maxY.isFinite else { throw .nonFiniteOrigin }
        guard cellWidth.isFinite, cellHeight.isFinite, cellWidth > 0, cellHeight > 0 else {
            throw .nonPositiveCellSize(cellWidth, cellHeight)
        }
        guard columns > 0, rows > 0 else { throw .emptyGrid(columns: columns, rows: rows) }
        self.minX = minX
        self.maxY = maxY
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
        self.columns = columns
        self.rows = rows
    }

    /// A grid over `extent` with the given cell size (as `gdal_grid -te … -tr …`).
    ///
    /// The number of columns is `round(width / cellWidth)` and the cell width is then
    /// adjusted so that the grid covers the extent exactly, as GDAL does.
    public init(extent: Extent, cellWidth: Double, cellHeight: Double) throws(GridSpecError) {
        guard cellWidth.isFinite, cellHeight.isFinite, cellWidth > 0, cellHeight > 0 else {
            throw .nonPositiveCellSize(cellWidth, cellHeight)
        }
        guard extent.width > 0, extent.height > 0 else { throw .emptyExtent(extent) }
        let cols = Int((extent.width / cellWidth).rounded())
        let rows = Int((extent.height / cellHeight).rounded())
        guard cols > 0, rows > 0 else { throw .emptyGrid(columns: cols, rows: rows) }
        try self.init(minX: extent.minX, maxY: extent.maxY,
                      cellWidth: extent.width / Double(cols), cellHeight: extent.height / Double(rows),
                      columns: cols, rows: rows)
    }

    /// A grid over `extent` with the given number of cells (as `gdal_grid -te … -outsize …`).
    public init(extent: Extent, columns: Int, rows: Int) throws(GridSpecError) {
        guard extent.width > 0, extent.height > 0 else { throw .emptyExtent(extent) }
        guard columns > 0, rows > 0 else { throw .emptyGrid(columns: columns, rows: rows) }
        try self.init(minX: extent.minX, maxY: extent.maxY,
                      cellWidth: extent.width / Double(columns), cellHeight: extent.height / Double(rows),
                      columns: columns, rows: rows)
    }

    public var maxX: Double { minX + Double(columns) * cellWidth }
    public var minY: Double { maxY - Double(rows) * cellHeight }
    public var extent: Extent { Extent(minX: minX, minY: minY, maxX: maxX, maxY: maxY) }
    public var cellCount: Int { columns * rows }
    /// Planar area of one cell, in squared CRS units.
    public var cellArea: Double { cellWidth * cellHeight }

    /// x of the centre of column `col`.
    @inlinable public func centerX(column col: Int) -> Double { minX + (Double(col) + 0.5) * cellWidth }
    /// y of the centre of row `row`.
    @inlinable public func centerY(row: Int) -> Double { maxY - (Double(row) + 0.5) * cellHeight }

    /// The GDAL geotransform `[minX, dx, 0, maxY, 0, -dy]`.
    public var geoTransform: [Double] { [minX, cellWidth, 0, maxY, 0, -cellHeight] }

    /// Creates a grid from a GDAL geotransform; rotated or south-up transforms are rejected.
    public init(geoTransform gt: [Double], columns: Int, rows: Int) throws(GridSpecError) {
        guard gt.count == 6, gt[2] == 0, gt[4] == 0, gt[1] > 0, gt[5] < 0 else { throw .unsupportedGeoTransform(gt) }
        try self.init(minX: gt[0], maxY: gt[3], cellWidth: gt[1], cellHeight: -gt[5], columns: columns, rows: rows)
    }

    /// Whether two grids have the same origin, cell size and shape, to `tolerance` of a cell.
    public func isAligned(with o: GridSpec, tolerance: Double = 1e-6) -> Bool {
        columns == o.columns && rows == o.rows
            && abs(minX - o.minX) <= tolerance * cellWidth && abs(maxY - o.maxY) <= tolerance * cellHeight
            && abs(cellWidth - o.cellWidth) <= tolerance * cellWidth
            && abs(cellHeight - o.cellHeight) <= tolerance * cellHeight
    }

    public var description: String {
        "\(columns)×\(rows) cells of \(cellWidth)×\(cellHeight) from (\(minX), \(maxY))"
    }
}

/// Why a grid could not be made.
public enum GridSpecError: Error, Hashable, Sendable, CustomStringConvertible {
    case nonFiniteOrigin
    case nonPositiveCellSize(Double, Double)
    case emptyGrid(columns: Int, rows: Int)
    case emptyExtent(Extent)
    case unsupportedGeoTransform([Double])

    public var description: String {
        switch self {
        case .nonFiniteOrigin: return "the grid origin is not a finite number"
        case let .nonPositiveCellSize(w, h): return "cell size \(w) × \(h) must be positive (check -tr)"
        case let .emptyGrid(c, r): return "a grid of \(c) × \(r) cells is empty (check -outsize or -tr against -te)"
        case let .emptyExtent(e): return "extent \(e) has zero or negative width or height (check -te xmin ymin xmax ymax)"
        case let .unsupportedGeoTransform(gt): return "geotransform \(gt) is rotated or not north-up; warp the raster first (gdalwarp)"
        }
    }
}
