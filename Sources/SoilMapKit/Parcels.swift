import Foundation
import GeoIO
import GeoTypes
import Standards
import Zonal

/// How a parcel's single class is decided.
public enum ParcelRule: String, Sendable, CaseIterable, Codable {
    /// The class of the coverage-weighted mean concentrations at the parcel's mean pH (default).
    case mean
    /// The class with the largest coverage-weighted share.
    case majority
    /// The worst class of any covered cell.
    case worst
}

/// Where a parcel's township (zone) comes from.
public enum ZoneSource: Sendable {
    /// A field of the parcel layer.
    case field(String)
    /// Polygons (path, layer, name field): a parcel belongs to the zone containing a point on its surface.
    case polygons(path: String, layer: String?, nameField: String)
    case none
}

/// Settings of a parcel analysis.
public struct ParcelSettings: Sendable {
    public var standard: StandardChoice = .gb15618
    /// Land-use field and its value mapping; `nil` field → `defaultLandUse` for all parcels.
    public var landUseField: String?
    public var landUseMapping: LandUseMapping = .chineseDefault
    public var defaultLandUse: LandUse = .other
    public var zones: ZoneSource = .none
    public var rule: ParcelRule = .mean
    public var areaMode: AreaMode = .geodesic
    /// Field with a parcel identifier (kept in outputs); default: the feature id.
    public var idField: String?
    public var encoding: String?
    /// How the user names the settings, for messages.
    public var names: SettingNames = .commandLine
    /// Worker threads (results are identical for any count).
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    public init() {}
}

/// One parcel's results.
public struct ParcelResult: Sendable {
    public var fid: Int64
    public var id: String
    public var zone: String
    public var landUse: LandUse
    /// Area of the parcel (m²): geodesic or planar per settings.
    public var area: Double
    /// Coverage-weighted mean and maximum per surface (pollutants then pH), NaN without data.
    public var means: [Double]
    public var maxima: [Double]
    /// Mean exceedance probability per exceedance raster.
    public var exceedance: [Double]
    /// Share of the parcel's area in class 1, 2, 3 (coverage-weighted; the rest has no data).
    public var shares: [Double]
    /// Fraction of the parcel's covered cells that had data (all surfaces and pH).
    public var dataFraction: Double
    public var soilClass: SoilClass
    /// Index of the controlling pollutant, if any.
    public var controlling: Int?

    /// Area per class 1…3 (m²) = area × share.
    public var classAreas: [Double] { shares.map { $0 * area } }
    /// Area with no class (no data, or outside the rasters), m².
    public var unclassifiedArea: Double {
        let rest = 1 - shares.reduce(0, +)
        return rest < 1e-9 ? 0 : area * rest  // below 1e-9 it is rounding of shares that sum to 1
    }
}

/// The whole result of a parcel analysis.
public struct ParcelAnalysis: Sendable {
    public var pollutants: [String]
    public var hasPH: Bool
    public var exceedanceNames: [String]
    public var parcels: [ParcelResult]
    public var source: PolygonLayer
    public var zoneOrder: [String]
    public var warnings: [String]
    public var standardName: String
    public var standardKind: StandardKind
    public var rule: ParcelRule
    public var areaMode: AreaMode
}

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
    if let phPath { all.append((name: "pH", path: phPath)) }
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
    // Zones.
    var zoneOf: (Int, Geometry) throws -> String
    switch settings.zones {
    case .none:
        zoneOf = { _, _ in "" }
    case .field(let f):
        let zi = try parcels.requireField(f, option: settings.names.zoneField)
        zoneOf = { i, _ in parcels.items[i].values[zi].text }
    case let .polygons(path, zlayer, nameField):
        let zones = try preloadedZones ?? PolygonLayer.read(path: path, layer: zlayer, encoding: settings.encoding)
        if preloadedZones == nil { warnings += zones.warnings }
        let ni = try zones.requireField(nameField, option: settings.names.zoneNameField)
        let zgeoms = try zones.geometries(in: pcrs)
        let extents = zgeoms.map { $0.extent }
        let names = zones.items.map { $0.values[ni].text }
        zoneOf = { _, g in
            let p = try GeometryOps.pointOnSurface(g)
            for (k, zg) in zgeoms.enumerated() where extents[k]?.contains(p) == true && zg.contains(p) { return names[k] }
            return ""
        }
    }
    var classifiers: [LandUse: Classifier] = [:]
    func classifier(_ lu: LandUse) throws -> Classifier {
        if let c = classifiers[lu] { return c }
        let c = try Classifier(table: table, landUse: lu, pollutants: surfaces.map { Pollutant($0.name) })
        classifiers[lu] = c
        return c
    }
    let np = surfaces.count, hasPH = phPath != nil
    // Split: land use and zone of every parcel, in order (errors name the first bad feature).
    var landUses: [LandUse] = [], zoneNames: [String] = []
    for (i, item) in parcels.items.enumerated() {
        let lu: LandUse
        if let luIndex {
            let raw = item.values[luIndex].text
            guard let m = settings.landUseMapping.landUse(for: raw) else {
                throw InputError(.badValue, path: parcelsPath, location: "feature \(item.fid), field '\(parcels.fields[luIndex].name)'",
                                 "land-use value '\(raw)' is not in the mapping (\(settings.landUseMapping.entries.keys.sorted().joined(separator: ", "))); \(settings.names.addLandUseAdvice(raw))")
            }
            lu = m
        } else {
            lu = settings.defaultLandUse
        }
        _ = try classifier(lu)
        landUses.append(lu)
        let zone = try zoneOf(i, item.geometry)
        zoneNames.append(zone)
    }
    // Compute: parcels in chunks on `threads` workers, each with its own GDAL datasets, PROJ
    // transformer and area calculator; merge: results in parcel order (identical for any count).
    let job = ParcelJob(items: parcels.items, landUses: landUses, zones: zoneNames, classifiers: classifiers,
                        idIndex: idIndex, np: np, hasPH: hasPH, phValue: phValue, exceedanceCount: exceedance.count,
                        rule: settings.rule, areaMode: settings.areaMode, grid: grid, parcelsPath: parcelsPath, phPath: phPath)
    let n = parcels.items.count
    let chunkCount = max(1, min(n, settings.threads * 8))
    let bounds = (0...chunkCount).map { $0 * n / chunkCount }
    let slots = ResultBox<Result<[ParcelResult], Error>>(count: chunkCount)
    let workers = max(1, min(settings.threads, chunkCount))
    let pcrsCopy = pcrs, rcrsCopy = rcrs
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let context: Result<ParcelWorker, Error> = Result {
            ParcelWorker(rasters: try openRasters(),
                         toRaster: rcrsCopy.isEquivalent(to: pcrsCopy) ? nil : try Transformer(from: pcrsCopy, to: rcrsCopy),
                         areaCalc: try AreaCalculator(crs: pcrsCopy))
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
    warnings += parcelResultWarnings(results, zones: settings.zones)
    return ParcelAnalysis(pollutants: surfaces.map(\.name), hasPH: hasPH, exceedanceNames: exceedance.map(\.name),
                          parcels: results, source: parcels, zoneOrder: zoneOrder(of: results), warnings: warnings,
                          standardName: settings.standard.name, standardKind: table.kind, rule: settings.rule, areaMode: settings.areaMode)
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

/// The key with the largest value; ties go to the smaller key (deterministic).
func dominantKey(_ d: [Int: Double]) -> Int? {
    var best: (key: Int, value: Double)? = nil
    for k in d.keys.sorted() where best == nil || d[k]! > best!.value { best = (k, d[k]!) }
    return best?.key
}

/// Per-worker resources of a parcel analysis (not shared between threads).
final class ParcelWorker {
    let rasters: AlignedRasters
    let toRaster: Transformer?
    let areaCalc: AreaCalculator
    init(rasters: AlignedRasters, toRaster: Transformer?, areaCalc: AreaCalculator) {
        self.rasters = rasters
        self.toRaster = toRaster
        self.areaCalc = areaCalc
    }
}

/// Everything needed to measure one parcel, shared read-only by the workers.
struct ParcelJob: @unchecked Sendable {
    let items: [PolygonLayer.Item]
    let landUses: [LandUse]
    let zones: [String]
    let classifiers: [LandUse: Classifier]
    let idIndex: Int?
    let np: Int
    let hasPH: Bool
    let phValue: Double?
    let exceedanceCount: Int
    let rule: ParcelRule
    let areaMode: AreaMode
    let grid: GridSpec
    let parcelsPath: String
    let phPath: String?

    /// Coverage, statistics, class shares, class and area of parcel `i`.
    func measure(_ i: Int, _ worker: ParcelWorker) throws -> ParcelResult {
        let item = items[i]
        let label = "feature \(item.fid)"
        let cls = classifiers[landUses[i]]!
        let nStats = np + (hasPH ? 1 : 0)
        let g = try worker.toRaster?.transform(item.geometry) ?? item.geometry
        let cov = ExactCoverage.coverage(of: g, on: grid)
        var stats = [ZonalStats](repeating: ZonalStats(), count: nStats + exceedanceCount)
        var classCov = ClassCoverage()
        var controllingCov: [UInt8: [Int: Double]] = [:]
        var worstCell: (SoilClass, Int?)? = nil
        if !cov.isEmpty {
            let w = cov.window
            let data = try worker.rasters.readWindow(column: w.firstColumn, row: w.firstRow, columns: w.columns, rows: w.rows)
            var conc = [Double](repeating: 0, count: np)
            for k in 0..<cov.fractions.count {
                let f = cov.fractions[k]
                guard f > 0 else { continue }
                for s in 0..<stats.count { stats[s].add(fraction: f, value: data[s][k].isNaN ? nil : data[s][k]) }
                for s in 0..<np { conc[s] = data[s][k] }
                let ph: Double? = hasPH ? data[np][k] : phValue
                if conc.contains(where: \.isNaN) || (hasPH && ph!.isNaN) { classCov.add(fraction: f, class: nil); continue }
                let pc: PointClassification
                do { pc = try cls.classify(conc, pH: ph) } catch {
                    throw InputError(.badValue, path: phPath, location: "\(label): cell row \(w.firstRow + k / w.columns), column \(w.firstColumn + k % w.columns)", "\(error)")
                }
                if pc.soilClass == .nodata { classCov.add(fraction: f, class: nil); continue }
                classCov.add(fraction: f, class: pc.soilClass.rawValue)
                if let c = pc.controlling { controllingCov[pc.soilClass.rawValue, default: [:]][c, default: 0] += f }
                if worstCell == nil || pc.soilClass > worstCell!.0 { worstCell = (pc.soilClass, pc.controlling) }
            }
        }
        // Class shares of the parcel's whole planar area in the raster CRS: parts outside the
        // grid or on nodata count as no data rather than being spread over the classes.
        let planar = g.planarArea
        var shares = (1...3).map { k in planar > 0 ? (classCov.coverageByClass[UInt8(k)] ?? 0) * grid.cellArea / planar : 0 }
        let sum = shares.reduce(0, +)
        if sum > 1 || (sum > 0 && 1 - sum < 1e-9) { shares = shares.map { $0 / sum } }
        var soilClass = SoilClass.nodata
        var controlling: Int? = nil
        if classCov.dataCoverage > 0 {
            switch rule {
            case .mean:
                let means = stats.prefix(np).map { $0.mean ?? .nan }
                let ph = hasPH ? stats[np].mean : phValue
                do {
                    let pc = try cls.classify(Array(means), pH: ph)
                    soilClass = pc.soilClass
                    controlling = pc.controlling
                } catch {
                    throw InputError(.badValue, path: parcelsPath, location: label, "\(error)")
                }
            case .majority:
                // Largest share; a tie goes to the worse class.
                var best = 1
                for k in 2...3 where shares[k - 1] >= shares[best - 1] { best = k }
                soilClass = SoilClass(rawValue: UInt8(best))!
                controlling = dominantKey(controllingCov[UInt8(best)] ?? [:])
            case .worst:
                soilClass = worstCell?.0 ?? .nodata
                controlling = worstCell?.1
            }
        }
        let area: Double
        switch areaMode {
        case .geodesic: area = try worker.areaCalc.geodesicArea(of: item.geometry)
        case .planar: area = g.planarArea
        }
        let id = idIndex.map { item.values[$0].text } ?? String(item.fid)
        return ParcelResult(
            fid: item.fid, id: id, zone: zones[i], landUse: landUses[i], area: area,
            means: stats.prefix(nStats).map { $0.mean ?? .nan }, maxima: stats.prefix(nStats).map { $0.max ?? .nan },
            exceedance: stats.suffix(exceedanceCount).map { $0.mean ?? .nan },
            shares: shares, dataFraction: classCov.coverage > 0 ? classCov.dataCoverage / classCov.coverage : 0,
            soilClass: soilClass, controlling: controlling)
    }
}
