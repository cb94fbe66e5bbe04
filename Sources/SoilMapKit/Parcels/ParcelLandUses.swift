import Foundation
import GeoIO
import GeoTypes
import Standards
import Zonal

/// The GB 15618 land use of one parcel: from its land-use field through the mapping (which also
/// knows the land survey's DLBM codes and DLMC names, ``LandSurveyCodes``), else the default.
///
/// - Throws: ``InputError`` naming the feature and the field for a value the mapping does not know.
func parcelLandUse(_ item: PolygonLayer.Item, in parcels: PolygonLayer, field: Int?, settings: ParcelSettings) throws -> LandUse {
    guard let field else { return settings.defaultLandUse }
    let raw = item.values[field].text
    guard let m = settings.landUseMapping.landUse(for: raw) else {
        throw InputError(.badValue, path: parcels.path, location: "feature \(item.fid), field '\(parcels.fields[field].name)'",
                         "land-use value '\(raw)' is not in the mapping (\(settings.landUseMapping.entries.keys.sorted().joined(separator: ", "))); \(settings.names.addLandUseAdvice(raw))")
    }
    return m
}

/// The land use of every cell of `window` of `grid`: the land use of the parcel whose polygon
/// holds the cell's centre (of the first such parcel in layer order, where parcels overlap),
/// else the default. Code 0 is the default land use, code k + 1 is `CellLandUses.uses[k]`.
///
/// `geometries` are the parcels in the grid's CRS. A cell's code depends only on the parcels
/// whose polygons hold its centre, so a tile's cells equal the whole grid's wherever every
/// parcel meeting them was read (a tile's core).
struct CellLandUses: Sendable {
    /// The land uses of codes 1, 2, … (the default land use is code 0).
    var uses: [LandUse]
    /// One code per cell of the window, row-major.
    var codes: [UInt8]

    init(parcels geometries: [Geometry], landUses: [LandUse], default defaultUse: LandUse, grid: GridSpec, window: GridWindow) {
        uses = LandUse.allCases.filter { $0 != defaultUse && landUses.contains($0) }
        var code: [LandUse: UInt8] = [defaultUse: 0]
        for (k, u) in uses.enumerated() { code[u] = UInt8(k + 1) }
        codes = rasterizeByCentre(geometries, values: landUses.map { code[$0]! }, grid: grid, window: window)
    }

    /// The codes of rows `[firstRow, firstRow + rows)` of the window.
    func rows(_ firstRow: Int, _ rows: Int, columns: Int) -> [UInt8] { Array(codes[(firstRow * columns)..<((firstRow + rows) * columns)]) }
}

/// Burns `values[k]` into every cell of `window` of `grid` whose centre lies inside `geometries[k]`
/// (GDAL's default rasterization rule; where geometries overlap the first in order wins, as a
/// point takes the first zone holding it, ``ZoneIndex``); 0 elsewhere. Returns one value per cell
/// of the window, row-major.
func rasterizeByCentre(_ geometries: [Geometry], values: [UInt8], grid: GridSpec, window: GridWindow) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: window.cellCount)
    var taken = [Bool](repeating: false, count: window.cellCount)
    for (g, value) in zip(geometries, values) {
        let cells = ExactCoverage.window(of: g.polygons, on: grid).intersection(window)
        guard !cells.isEmpty, let ext = g.extent else { continue }
        for r in cells.firstRow..<cells.endRow {
            let y = grid.maxY - (Double(r) + 0.5) * grid.cellHeight
            guard y >= ext.minY && y <= ext.maxY else { continue }
            let base = (r - window.firstRow) * window.columns - window.firstColumn
            for col in cells.firstColumn..<cells.endColumn {
                let centre = Coordinate(grid.minX + (Double(col) + 0.5) * grid.cellWidth, y)
                if !taken[base + col] && g.contains(centre) { out[base + col] = value; taken[base + col] = true }
            }
        }
    }
    return out
}
