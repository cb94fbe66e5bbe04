import Foundation
import GeoIO
import GeoTypes
import Geostat
import Zonal

/// The cells of `grid` (in `crs`) touched by the polygons of the layer at `path` (transformed from
/// the layer's CRS when both are known), row-major; repair notes go to `warnings`.
func polygonMask(path: String, grid: GridSpec, crs: CRS?, warnings: inout [String]) throws -> [Bool] {
    let polys = try PolygonLayer.read(path: path)
    warnings += polys.warnings
    return coverageMask(of: try polys.geometries(in: crs).flatMap(\.polygons), on: grid)
}

/// Cells of `grid` touched by any of `polygons` (exact coverage > 0), row-major.
public func coverageMask(of polygons: [Polygon], on grid: GridSpec) -> [Bool] {
    coverageMask(of: polygons, on: grid, window: GridWindow(grid: grid))
}

/// The cells of `window` (row-major, window size) that the polygons touch, with coverage computed
/// on the whole `grid`, so that a tile's mask equals the whole grid's in its cells.
public func coverageMask(of polygons: [Polygon], on grid: GridSpec, window: GridWindow) -> [Bool] {
    var mask = [Bool](repeating: false, count: window.cellCount)
    let area = grid.subgrid(window).extent
    for p in polygons {
        guard let e = Extent(enclosing: p.exterior.coordinates), e.intersects(area) else { continue }
        ExactCoverage.coverage(of: p, on: grid).forEachCoveredCell { r, c, f in
            if f > 0 && window.contains(row: r, column: c) {
                mask[(r - window.firstRow) * window.columns + c - window.firstColumn] = true
            }
        }
    }
    return mask
}
