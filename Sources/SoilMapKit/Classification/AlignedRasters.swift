import Foundation
import GeoIO
import GeoTypes
import Standards

/// A set of single-band rasters on one grid, read together by row blocks.
///
/// - Throws on open: ``InputError`` when the rasters are not on the same grid and CRS
///   (SoilMap does not resample silently: warp them with `gdalwarp -te … -tr …` first).
public final class AlignedRasters {
    public let names: [String]
    public let paths: [String]
    public let grid: GridSpec
    public let crs: CRS?
    private let bands: [RasterBand]
    private let nodata: [Double?]
    /// The precision each raster stores its values in (Float32 bands: ``ValuePrecision/float32``),
    /// at which they meet thresholds.
    public let precisions: [ValuePrecision]
    /// The cells the files hold, in ``grid`` indices: the whole grid, or a tile's window.
    public let available: GridWindow

    /// Rasters holding the cells `window` of `parent` (a tile of a tiled run): ``grid`` is the
    /// parent grid and reads take parent row and column indices, so code that computes cell
    /// coverage on the parent grid reads the same cells as a whole-grid run.
    ///
    /// - Throws: ``InputError`` when a file is not the window's size.
    public convenience init(_ named: [(name: String, path: String)], windowOf parent: GridSpec, at window: GridWindow) throws {
        try self.init(named)
        guard grid.columns == window.columns, grid.rows == window.rows else {
            throw InputError(.badValue, path: paths[0], "holds \(grid.columns) × \(grid.rows) cells but its tile window is \(window); the tile's files do not belong to this plan — run the tile again")
        }
        self.init(copying: self, grid: parent, available: window)
    }

    private init(copying o: AlignedRasters, grid: GridSpec, available: GridWindow) {
        names = o.names; paths = o.paths; crs = o.crs; bands = o.bands; nodata = o.nodata; precisions = o.precisions
        self.grid = grid
        self.available = available
    }

    public init(_ named: [(name: String, path: String)]) throws {
        precondition(!named.isEmpty)
        var bands: [RasterBand] = []
        var grid: GridSpec? = nil
        var crs: CRS? = nil
        for (_, path) in named {
            let ds = try RasterDataset(path: path)
            let g = try ds.grid()
            if let first = grid {
                guard g.isAligned(with: first) else {
                    throw InputError(.badValue, path: path,
                                     "is on a different grid (\(g)) than \(named[0].path) (\(first)); all surfaces must share one grid — resample with gdalwarp -te \(first.minX) \(first.minY) \(first.maxX) \(first.maxY) -tr \(first.cellWidth) \(first.cellHeight)")
                }
                let same = (crs == nil && ds.crs == nil) || (crs != nil && ds.crs != nil && crs!.isEquivalent(to: ds.crs!))
                guard same else {
                    throw InputError(.badValue, path: path,
                                     "is in CRS \(ds.crs?.shortName ?? "none") but \(named[0].path) is in \(crs?.shortName ?? "none"); reproject it with gdalwarp -t_srs")
                }
            } else {
                grid = g
                crs = ds.crs
            }
            bands.append(try ds.band(1))
        }
        self.names = named.map(\.name)
        self.paths = named.map(\.path)
        self.grid = grid!
        self.crs = crs
        self.bands = bands
        self.nodata = bands.map(\.nodata)
        self.precisions = bands.map { $0.pixelType == .float32 ? .float32 : .double }
        self.available = GridWindow(grid: grid!)
    }

    /// Reads rows `[firstRow, firstRow + rows)` of every raster; nodata and non-finite → NaN.
    public func readRows(_ firstRow: Int, _ rows: Int) throws -> [[Double]] {
        try readWindow(column: 0, row: firstRow, columns: grid.columns, rows: rows)
    }

    /// Reads a window of every raster; nodata and non-finite → NaN.
    public func readWindow(column: Int, row: Int, columns: Int, rows: Int) throws -> [[Double]] {
        guard available.intersection(GridWindow(firstRow: row, firstColumn: column, rows: rows, columns: columns)).cellCount == rows * columns else {
            throw InputError(.badValue, path: paths[0], "cells rows \(row)..<\(row + rows), columns \(column)..<\(column + columns) are outside the cells it holds (\(available)); the plan's tile window does not cover them — make the plan again")
        }
        return try bands.indices.map { i in
            var v = try bands[i].read(column: column - available.firstColumn, row: row - available.firstRow, columns: columns, rows: rows)
            let nd = nodata[i]
            for k in v.indices where !v[k].isFinite || v[k] == nd { v[k] = .nan }
            return v
        }
    }
}
