import Foundation
import GeoIO
import GeoTypes
import Standards
import Zonal

/// Classifies parcels from aligned pollutant surfaces (and pH): coverage-weighted statistics
/// per parcel over exact cell coverage, class shares with the parcel's own land use, the
/// parcel class by `settings.rule`, and areas.
///
/// - Parameters:
///   - surfaces: pollutant name → raster path; all on one grid and CRS.
///   - ph: pH raster path (on the same grid) or a constant pH.
///   - exceedance: name → exceedance-probability raster (same grid), averaged per parcel.
///   - preloaded, preloadedZones: the parcel layer and the zone polygons (``ZoneSource/polygons``)
///     already read by the caller, which has reported their warnings; nil reads them here.
///   - tile: the rasters hold only `window` of `grid` (a tile of a tiled run); coverage is
///     computed on `grid`, so each parcel's results equal a whole-grid run's bit for bit.
/// - Throws: ``InputError`` for a land-use value not in the mapping (naming the feature),
///   a missing field, rasters on different grids; errors of the standard (pH out of range).
public func analyseParcels(parcelsPath: String, layer: String? = nil, surfaces: [(name: String, path: String)],
                           phPath: String?, phValue: Double?, exceedance: [(name: String, path: String)] = [],
                           settings: ParcelSettings, preloaded: PolygonLayer? = nil,
                           preloadedZones: PolygonLayer? = nil, tile: (grid: GridSpec, window: GridWindow)? = nil) throws -> ParcelAnalysis {
    let parcels = try preloaded ?? PolygonLayer.read(path: parcelsPath, layer: layer, encoding: settings.encoding)
    // Layers read by the caller come with their warnings already reported there.
    var warnings = preloaded == nil ? parcels.warnings : []
    guard let pcrs = parcels.crs else {
        throw InputError(.badValue, path: parcelsPath, "has no CRS; give the layer a CRS (.prj) so it can be matched to the rasters")
    }
    let table = try settings.standard.table()
    var all = surfaces
    if let phPath { all.append((name: Analyte.pHName, path: phPath)) }
    all += exceedance
    let openRasters: @Sendable () throws -> AlignedRasters = { [all] in
        try tile.map { try AlignedRasters(all, windowOf: $0.grid, at: $0.window) } ?? AlignedRasters(all)
    }
    let rasters = try openRasters()  // checks the grids; each worker opens its own
    let grid = rasters.grid
    guard let rcrs = rasters.crs else {
        throw InputError(.badValue, path: surfaces.first?.path, "has no CRS; parcels cannot be placed on it")
    }
    if settings.areaMode == .planar && rcrs.isGeographic {
        throw InputError(.invalidArgument, path: surfaces.first?.path, "planar areas need rasters in a projected CRS")
    }
    let luIndex = try settings.landUseField.map { try parcels.requireField($0, option: settings.names.landUseField) }
    let idIndex = try settings.idField.map { try parcels.requireField($0, option: settings.names.parcelIdField) }
    if let idIndex { try requireUniqueParcelIDs(parcels, idIndex: idIndex) }
    let zoneOf = try parcelZones(parcels, settings: settings, preloadedZones: preloadedZones, crs: pcrs, warnings: &warnings)
    var classifiers: [LandUse: Classifier] = [:]
    func classifier(_ lu: LandUse) throws -> Classifier {
        if let c = classifiers[lu] { return c }
        let c = try Classifier(table: table, landUse: lu, pollutants: surfaces.map { Pollutant($0.name) },
                               precisions: Array(rasters.precisions.prefix(surfaces.count)))
        classifiers[lu] = c
        return c
    }
    let np = surfaces.count, hasPH = phPath != nil
    // Split: land use and zone of every parcel, in order (errors name the first bad feature).
    var landUses: [LandUse] = [], zoneNames: [String] = []
    for (i, item) in parcels.items.enumerated() {
        let lu = try parcelLandUse(item, in: parcels, field: luIndex, settings: settings)
        _ = try classifier(lu)
        landUses.append(lu)
        let zone = try zoneOf(i, item.geometry)
        zoneNames.append(zone)
    }
    // Compute in parallel, merge in parcel order.
    let job = ParcelJob(items: parcels.items, landUses: landUses, zones: zoneNames, classifiers: classifiers,
                        idIndex: idIndex, np: np, hasPH: hasPH, phValue: phValue, exceedanceCount: exceedance.count,
                        rule: settings.rule, areaMode: settings.areaMode, grid: grid, parcelsPath: parcelsPath, phPath: phPath)
    let results = try measureParcels(job, count: parcels.items.count, threads: settings.threads, openRasters: openRasters,
                                     parcelCRS: pcrs, rasterCRS: rcrs)
    return ParcelAnalysis(results: results, source: parcels, settings: settings, table: table, pollutants: surfaces.map(\.name),
                          exceedanceNames: exceedance.map(\.name), hasPH: hasPH, warnings: warnings)
}

/// The zone (township) of each parcel, as `settings.zones` says: a field of the parcel layer, or
/// the zone polygon holding a point on the parcel's surface (``ZoneIndex``; "" in none).
func parcelZones(_ parcels: PolygonLayer, settings: ParcelSettings, preloadedZones: PolygonLayer?, crs pcrs: CRS,
                 warnings: inout [String]) throws -> (Int, Geometry) throws -> String {
    switch settings.zones {
    case .none:
        return { _, _ in "" }
    case .field(let f):
        let zi = try parcels.requireField(f, option: settings.names.zoneField)
        return { i, _ in parcels.items[i].values[zi].text }
    case let .polygons(path, zlayer, nameField):
        let zones = try preloadedZones ?? PolygonLayer.read(path: path, layer: zlayer, encoding: settings.encoding)
        if preloadedZones == nil { warnings += zones.warnings }
        let ni = try zones.requireField(nameField, option: settings.names.zoneNameField)
        let index = ZoneIndex(try zones.geometries(in: pcrs))
        let names = zones.items.map { $0.values[ni].text }
        return { _, g in index.zone(containing: try GeometryOps.pointOnSurface(g)).map { names[$0] } ?? "" }
    }
}

/// Measures every parcel: split into chunks on `threads` workers, each with its own GDAL
/// datasets, PROJ transformer and area calculator; merged in parcel order, so the results are the
/// same for any thread count.
func measureParcels(_ job: ParcelJob, count n: Int, threads: Int, openRasters: @escaping @Sendable () throws -> AlignedRasters,
                    parcelCRS pcrs: CRS, rasterCRS rcrs: CRS) throws -> [ParcelResult] {
    let chunkCount = max(1, min(n, threads * 8))
    let bounds = (0...chunkCount).map { $0 * n / chunkCount }
    let slots = ResultBox<Result<[ParcelResult], Error>>(count: chunkCount)
    let workers = max(1, min(threads, chunkCount))
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let context: Result<ParcelWorker, Error> = Result {
            ParcelWorker(rasters: try openRasters(),
                         toRaster: rcrs.isEquivalent(to: pcrs) ? nil : try Transformer(from: pcrs, to: rcrs),
                         areaCalc: try AreaCalculator(crs: pcrs))
        }
        var c = w
        while c < chunkCount {
            slots.set(c, context.flatMap { worker in
                Result { try (bounds[c]..<bounds[c + 1]).map { try job.measure($0, worker) } }
            })
            c += workers
        }
    }
    var results: [ParcelResult] = []
    results.reserveCapacity(n)
    for c in 0..<chunkCount { results += try slots.get(c).get() }
    return results
}

/// Parcel ids key the outputs (GeoPackage rows, tables): each must be unique.
///
/// - Throws: ``InputError`` naming the second feature with an id and the first.
func requireUniqueParcelIDs(_ parcels: PolygonLayer, idIndex: Int) throws {
    guard let (i, j) = firstRepeatedIdentifier(parcels.items.map { $0.values[idIndex].text }) else { return }
    throw InputError(.badValue, path: parcels.path, location: "feature \(parcels.items[i].fid), field '\(parcels.fields[idIndex].name)'",
                     "parcel id '\(parcels.items[i].values[idIndex].text)' is used again (first by feature \(parcels.items[j].fid)); give every parcel its own id")
}

/// The warnings of a parcel analysis about its results (a whole run and a merge of tiles).
func parcelResultWarnings(_ results: [ParcelResult], zones: ZoneSource) -> [String] {
    var warnings: [String] = []
    let noData = results.filter { $0.soilClass == .nodata }.count
    if noData > 0 { warnings.append("\(noData) parcel(s) have no surface data (outside the rasters or on nodata) and no class") }
    if case .polygons = zones {
        let outside = results.filter { $0.zone.isEmpty }.count
        if outside > 0 { warnings.append("\(outside) parcel(s) lie in no zone polygon; they are listed under an empty zone name") }
    }
    return warnings
}

/// Zone names in order of first appearance among `results` (the parcels' order).
func zoneOrder(of results: [ParcelResult]) -> [String] {
    var seen = Set<String>()
    return results.map(\.zone).filter { seen.insert($0).inserted }
}
