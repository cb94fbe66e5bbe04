import Foundation
import GeoIO
import Zonal

/// One row of `soilmap areas`: a zone (and class), and its area in m², ha and 亩.
public struct ZoneAreaRow: Sendable, Equatable {
    public var zone: String
    /// The class code, when a class raster was given.
    public var classCode: Int?
    public var areaM2: Double
    public var areaHa: Double { AreaUnit.hectare.fromSquareMetres(areaM2) }
    public var areaMu: Double { AreaUnit.mu.fromSquareMetres(areaM2) }
}

/// Area of each zone, or of each class of a class raster inside each zone (the library
/// side of `soilmap areas`).
///
/// - Zones with the same value of `zoneField` are added together; rows follow the order
///   in which zones first appear, classes ascending.
/// - Without a raster: `geodesic` areas are PROJ `geod_polygonarea` on the ellipsoid of the
///   zones' datum; `planar` areas are in the zones' projected CRS (an error for
///   geographic CRSs).
/// - With a raster: the class area is Σ coverage × cell area over the zone's exact cell
///   coverage (as exactextract's `coverage × cell area`), in the raster's CRS, when
///   `planar`; when `geodesic`, that planar class area is scaled by the zone's geodesic /
///   planar area ratio (the local scale of the projection). Cells with nodata (0) count
///   in no class.
/// - Units: m² (ha and 亩 derived: 1 ha = 10 000 m², 1 亩 = 10 000/15 m²).
public func zoneAreas(zonesPath: String, layer: String? = nil, zoneField: String, rasterPath: String? = nil,
                      mode: AreaMode = .geodesic, encoding: String? = nil, warnings: inout [String]) throws -> [ZoneAreaRow] {
    let zones = try PolygonLayer.read(path: zonesPath, layer: layer, encoding: encoding)
    warnings += zones.warnings
    let zi = try zones.requireField(zoneField, option: "--zone-field")
    var order: [String] = []
    var groups: [String: [Geometry]] = [:]
    for it in zones.items {
        let key = it.values[zi].text
        if groups[key] == nil { order.append(key) }
        groups[key, default: []].append(it.geometry)
    }
    guard let zcrs = zones.crs else {
        if mode == .geodesic {
            throw InputError(.badValue, path: zonesPath, "has no CRS, so geodesic areas cannot be computed; give the layer a CRS (.prj) or use --area planar")
        }
        return try planarOnly(order: order, groups: groups, rasterPath: rasterPath, zonesPath: zonesPath, zonesCRS: nil)
    }
    if mode == .planar && zcrs.isGeographic && rasterPath == nil {
        throw InputError(.invalidArgument, path: zonesPath,
                         "is in geographic coordinates (\(zcrs.shortName)); planar areas need a projected CRS — use --area geodesic")
    }
    let calc = try AreaCalculator(crs: zcrs)
    guard let rasterPath else {
        return try order.map { z in
            let geoms = groups[z]!
            let a = mode == .geodesic ? try geoms.reduce(0) { $0 + (try calc.geodesicArea(of: $1)) }
                                      : geoms.reduce(0) { $0 + $1.planarArea }
            return ZoneAreaRow(zone: z, classCode: nil, areaM2: a)
        }
    }
    let raster = try RasterDataset(path: rasterPath)
    let grid = try raster.grid()
    let band = try raster.band(1)
    let toRaster: Transformer?
    if let rcrs = raster.crs, !rcrs.isEquivalent(to: zcrs) {
        toRaster = try Transformer(from: zcrs, to: rcrs)
    } else {
        toRaster = nil
    }
    if raster.crs?.isGeographic == true {
        throw InputError(.unsupported, path: rasterPath, "is in geographic coordinates; class areas need a raster in a projected CRS (warp it with gdalwarp -t_srs)")
    }
    let nodata = band.nodata.flatMap { $0 >= 0 && $0 <= 255 ? UInt8($0) : nil } ?? 0
    var rows: [ZoneAreaRow] = []
    for z in order {
        let geoms = groups[z]!
        let inRaster = try geoms.map { try toRaster?.transform($0) ?? $0 }
        let polys = inRaster.flatMap(\.polygons)
        let cc = try ZonalExtraction.classCoverage(of: polys, on: grid, nodata: nodata) { (w: GridWindow) throws(LibraryError) -> RasterWindow<UInt8> in
            RasterWindow(window: w, values: try band.readBytes(column: w.firstColumn, row: w.firstRow, columns: w.columns, rows: w.rows))
        }
        var areas = cc.areas(.planar(cellArea: grid.cellArea))
        if mode == .geodesic {
            let planar = inRaster.reduce(0) { $0 + $1.planarArea }
            let geodesic = try geoms.reduce(0) { $0 + (try calc.geodesicArea(of: $1)) }
            let scale = planar > 0 ? geodesic / planar : 1
            areas = areas.mapValues { $0 * scale }
        }
        for k in areas.keys.sorted() where k != nodata {
            rows.append(ZoneAreaRow(zone: z, classCode: Int(k), areaM2: areas[k]!))
        }
    }
    return rows
}

private func planarOnly(order: [String], groups: [String: [Geometry]], rasterPath: String?, zonesPath: String, zonesCRS: CRS?) throws -> [ZoneAreaRow] {
    guard rasterPath == nil else {
        throw InputError(.badValue, path: zonesPath, "has no CRS, so it cannot be matched to the raster; give the layer a CRS (.prj)")
    }
    return order.map { z in ZoneAreaRow(zone: z, classCode: nil, areaM2: groups[z]!.reduce(0) { $0 + $1.planarArea }) }
}

extension Array where Element == ZoneAreaRow {
    /// The rows as a result table: zone, class (when present), area_m2, area_ha, area_mu.
    public func table(zoneColumn: String = "zone") -> ResultTable {
        let withClass = contains { $0.classCode != nil }
        var fields = [FieldDefinition(zoneColumn, .string)]
        if withClass { fields.append(FieldDefinition("class", .integer)) }
        fields += [FieldDefinition("area_m2", .real), FieldDefinition("area_ha", .real), FieldDefinition("area_mu", .real)]
        return ResultTable(fields: fields, rows: map { r in
            var v: [AttributeValue] = [.string(r.zone)]
            if withClass { v.append(r.classCode.map { .integer(Int64($0)) } ?? .null) }
            return v + [.real(r.areaM2), .real(r.areaHa), .real(r.areaMu)]
        })
    }
}
