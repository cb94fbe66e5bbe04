import Foundation
import GeoIO
import Standards
import Zonal

/// Settings of the monitoring of soil around key supervised enterprises.
public struct MonitorSettings: Sendable {
    /// Ring limits in metres, increasing from 0 (e.g. 0, 500, 1000, 2000 → three rings).
    public var rings: [Double]
    public var idField: String?
    public var nameField: String?
    public var standard: StandardChoice = .gb15618
    /// Land use of the soil around the enterprises (GB 15618 thresholds).
    public var landUse: LandUse = .other
    /// Sample column with each sample's pH, or one pH for all (GB 15618 needs one of them).
    public var phColumn: String?
    public var phValue: Double?
    /// Sample column naming the survey round (e.g. 2020, 2024); `nil`: one round.
    public var roundColumn: String?
    public var encoding: String?
    public init(rings: [Double]) { self.rings = rings }
}

/// Statistics of one pollutant's samples in one ring and round.
public struct RingPollutantStats: Sendable, Equatable {
    public var samples: Int
    public var mean: Double?
    public var max: Double?
    /// 90th percentile, linear interpolation between order statistics (R's type 7, numpy's default).
    public var p90: Double?
    /// Samples above the screening and the intervention value. A sample without a pH, when
    /// the threshold needs one, counts only when its value is above that value in every pH
    /// band (it is then above whatever its pH is).
    public var overScreening: Int
    public var overIntervention: Int
    /// Samples without a pH whose class could not be decided (counted in `samples`).
    public var unclassified: Int = 0
}

/// One ring around one enterprise.
public struct MonitorRing: Sendable {
    public var enterprise: Int
    public var enterpriseId: String
    public var enterpriseName: String
    public var inner: Double
    public var outer: Double
    /// The ring in the working CRS.
    public var geometry: Geometry
    /// Geodesic area (m²) of the ring polygon (GEOS buffers, 32 segments per quarter circle).
    public var area: Double
    /// Per round (in ``MonitoringResult/rounds`` order), per pollutant.
    public var stats: [[RingPollutantStats]]
    /// From the surfaces, per pollutant: share of the ring's area with data above the
    /// screening and the intervention value (nil without a surface or data).
    public var shareOverScreening: [Double?]
    public var shareOverIntervention: [Double?]
    public var label: String { "\(shortNumber(inner))–\(shortNumber(outer)) m" }

    /// The worst GB class of the ring's samples in `round`: nodata without samples, and
    /// nodata rather than class 1 when samples without a pH leave it undecided.
    public func worstClass(round: Int) -> SoilClass {
        let s = stats[round]
        if s.contains(where: { $0.overIntervention > 0 }) { return .strictControl }
        if s.contains(where: { $0.overScreening > 0 }) { return .safeUtilization }
        if s.contains(where: { $0.unclassified > 0 }) { return .nodata }
        return s.contains(where: { $0.samples > 0 }) ? .priorityProtection : .nodata
    }
}

/// The monitoring of a set of enterprises.
public struct MonitoringResult: Sendable {
    public var pollutants: [String]
    /// Survey rounds in order (sorted as numbers when they all are, else as text).
    public var rounds: [String]
    public var rings: [MonitorRing]
    /// Enterprise geometries in the working CRS, and the samples there (for maps).
    public var enterprises: [Geometry]
    public var samplePoints: [Coordinate]
    public var crs: CRS
    public var standardName: String
    public var standardKind: StandardKind
    public var warnings: [String]
}

/// The 90th percentile of `v` by linear interpolation (R type 7): h = (n − 1)·0.9.
func percentile90(_ v: [Double]) -> Double? {
    guard !v.isEmpty else { return nil }
    let s = v.sorted()
    let h = Double(s.count - 1) * 0.9
    let lo = Int(h.rounded(.down)), hi = Swift.min(lo + 1, s.count - 1)
    return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
}

/// Monitors soil around key supervised enterprises (action plan items 4 and 13): rings at the
/// given distances around each enterprise (a point, or a polygon: then the rings start at its
/// boundary and the site itself is in no ring), and per ring, survey round and pollutant the
/// samples inside, their mean, maximum and P90, how many exceed the standard's screening and
/// intervention values (each at the sample's own pH for GB 15618), and, from interpolated
/// surfaces, the share of the ring's area above them.
///
/// - Rings are GEOS buffers (`OGR_G_Buffer`, 32 segments per quarter circle) in a projected
///   working CRS in metres: the enterprises' own when it is one (and not Web Mercator, whose
///   metres are not ground metres), else the CGCS2000 Gauss-Krüger zone of their centre;
///   ring k is buffer(outer) − buffer(inner), and its area is geodesic.
/// - A sample is in a ring when it lies inside the ring polygon.
/// - Throws: ``InputError`` for enterprises that are neither points nor polygons, rings that
///   do not increase, a GB 15618 standard without pH, unreadable inputs.
public func monitorEnterprises(path: String, layer: String? = nil, samples: SampleReader, pollutants: [(name: String, column: String)],
                               surfaces: [(name: String, path: String)], phSurface: String?,
                               settings: MonitorSettings) throws -> MonitoringResult {
    let limits = settings.rings
    guard limits.count >= 2, limits[0] >= 0, zip(limits, limits.dropFirst()).allSatisfy({ $0 < $1 }) else {
        throw InputError(.invalidArgument, path: nil, "--rings needs at least two distances in metres, increasing from 0 or more (e.g. 0,500,1000,2000)")
    }
    guard !pollutants.isEmpty else { throw InputError(.invalidArgument, path: nil, "give the pollutant columns (--fields Cd,Pb,…)") }
    let enterprises = try EnterpriseLayer.read(path: path, layer: layer, settings: settings)
    let working = enterprises.working, egeoms = enterprises.geometries, eids = enterprises.ids, enames = enterprises.names

    // Samples in the working CRS, values, pH and round (from a survey database: its rounds).
    var warnings: [String] = []
    var samples = samples
    var settings = settings
    if SurveyDatabase.isDatabase(samples.path) {
        samples.requiresRound = false
        if settings.roundColumn == nil { settings.roundColumn = "round" }
    }
    let table = try samples.read(targetCRS: working)
    warnings += table.warnings
    let thresholdTable = try settings.standard.table()
    var names: [String] = []
    for p in pollutants {
        guard let c = thresholdTable.canonical(Pollutant(p.name)) else {
            throw InputError(.invalidArgument, path: nil, "'\(p.name)' is not in \(settings.standard.name); use its name there (\(thresholdTable.pollutants.map(\.name).joined(separator: ", ")))")
        }
        names.append(c.name)
    }
    let classifier = try Classifier(table: thresholdTable, landUse: settings.landUse, pollutants: names.map { Pollutant($0) })
    if classifier.requiresPH && settings.phColumn == nil && settings.phValue == nil {
        throw InputError(.invalidArgument, path: nil, "\(settings.standard.name) thresholds depend on pH: give the samples' pH column (--ph-field) or one pH (--ph-value)")
    }
    let n = table.coordinates.count
    var values = [[Double]](repeating: [Double](repeating: .nan, count: n), count: names.count)
    for (k, p) in pollutants.enumerated() {
        let (rows, v) = try table.values(of: p.column, warnings: &warnings)
        for (r, x) in zip(rows, v) { values[k][r] = x }
    }
    // pH per sample: its own, else the --ph-value.
    var ph = [Double](repeating: settings.phValue ?? .nan, count: n)
    if let col = settings.phColumn {
        var w: [String] = []
        let (rows, v) = try table.values(of: col, warnings: &w)
        for (r, x) in zip(rows, v) { ph[r] = x }
        let missing = (0..<n).filter { ph[$0].isNaN }
        if !missing.isEmpty {
            warnings.append("\(table.path): \(missing.count) sample(s) have no pH in column '\(col)'"
                            + (settings.phValue == nil ? " and no --ph-value; their exceedances count only where a value is above the screening/intervention value of every pH band (\(missing.prefix(5).map { table.ids[$0] }.joined(separator: ", "))\(missing.count > 5 ? ", …" : ""))"
                                                       : "; --ph-value \(settings.phValue!) is used for them"))
        }
    }
    // For samples without any pH: the least strict value over the pollutant's rows.
    let loosest: [Threshold] = names.map { name in
        let rows = thresholdTable.rows.filter { $0.pollutant.name == name }
        return Threshold(screening: rows.map(\.threshold.screening).max() ?? .infinity,
                         intervention: rows.compactMap(\.threshold.intervention).max())
    }
    var roundOf = [String](repeating: "", count: n)
    if let col = settings.roundColumn {
        guard let ri = table.source.fieldIndex(col) else {
            throw InputError(.missingField, path: table.path, "has no column '\(col)' (--round-field); columns are: \(table.source.fields.map(\.name).joined(separator: ", "))")
        }
        roundOf = table.source.rows.map { $0[ri].text.trimmingCharacters(in: .whitespaces) }
        if let i = roundOf.firstIndex(of: "") {
            throw InputError(.badValue, path: table.path, location: "\(table.labels[i]), column '\(col)'", "the survey round is empty; give every sample its round")
        }
    }
    let distinct = Array(Set(roundOf))
    let rounds = distinct.allSatisfy { Double($0) != nil }
        ? distinct.sorted { Double($0)! < Double($1)! } : distinct.sorted()
    let roundIndex = Dictionary(uniqueKeysWithValues: rounds.enumerated().map { ($1, $0) })
    // Thresholds per sample (pH-dependent for GB 15618).
    var thresholds = [[Threshold?]](repeating: [], count: n)
    for i in 0..<n {
        thresholds[i] = try names.indices.map { k in
            do { return try classifier.threshold(of: k, pH: ph[i]) } catch {
                throw InputError(.badValue, path: table.path, location: table.labels[i], "\(error)")
            }
        }
    }
    // Surfaces.
    var rasterNames = surfaces
    if let phSurface { rasterNames.append((name: "pH", path: phSurface)) }
    let rasters = surfaces.isEmpty ? nil : try AlignedRasters(rasterNames)
    if rasters != nil && classifier.requiresPH && phSurface == nil && settings.phValue == nil {
        throw InputError(.invalidArgument, path: nil, "\(settings.standard.name) thresholds depend on pH: with --surface give --ph-surface or --ph-value")
    }
    let surfaceIndex = try surfaces.map { s -> Int in
        guard let c = thresholdTable.canonical(Pollutant(s.name)), let k = names.firstIndex(of: c.name) else {
            throw InputError(.invalidArgument, path: s.path, "surface '\(s.name)' is not one of the monitored pollutants (\(names.joined(separator: ", ")))")
        }
        return k
    }
    let toRaster = try rasters.map { r -> Transformer? in
        guard let rcrs = r.crs else { throw InputError(.badValue, path: surfaces[0].path, "has no CRS; rings cannot be placed on it") }
        return rcrs.isEquivalent(to: working) ? nil : try Transformer(from: working, to: rcrs)
    } ?? nil
    let areaCalc = try AreaCalculator(crs: working)

    var rings: [MonitorRing] = []
    for (e, g) in egeoms.enumerated() {
        // The area within each limit, buffered once: at 0 the site itself (nothing for a point).
        let within = try limits.map { d -> Geometry? in
            d > 0 ? try GeometryOps.buffer(g, distance: d) : (g.polygons.isEmpty ? nil : g)
        }
        for r in 0..<(limits.count - 1) {
            let (a, b) = (limits[r], limits[r + 1])
            let ring = try within[r].map { try GeometryOps.difference(within[r + 1]!, $0) } ?? within[r + 1]!
            let ext = ring.extent
            var buckets = [[[Double]]](repeating: [[Double]](repeating: [], count: names.count), count: rounds.count)
            var stats = [[RingPollutantStats]](repeating: [RingPollutantStats](repeating: RingPollutantStats(samples: 0, mean: nil, max: nil, p90: nil, overScreening: 0, overIntervention: 0), count: names.count), count: rounds.count)
            for (i, c) in table.coordinates.enumerated() where ext?.contains(c) == true && ring.contains(c) {
                let ri = roundIndex[roundOf[i]]!
                for k in names.indices where !values[k][i].isNaN {
                    let v = values[k][i]
                    buckets[ri][k].append(v)
                    if let t = thresholds[i][k] {
                        if v > t.screening { stats[ri][k].overScreening += 1 }
                        if let iv = t.intervention, v > iv { stats[ri][k].overIntervention += 1 }
                    } else {
                        let t = loosest[k]
                        if v > t.screening { stats[ri][k].overScreening += 1 } else { stats[ri][k].unclassified += 1 }
                        if let iv = t.intervention, v > iv { stats[ri][k].overIntervention += 1 }
                    }
                }
            }
            for ri in rounds.indices {
                for k in names.indices where !buckets[ri][k].isEmpty {
                    let v = buckets[ri][k]
                    stats[ri][k].samples = v.count
                    stats[ri][k].mean = v.reduce(0, +) / Double(v.count)
                    stats[ri][k].max = v.max()
                    stats[ri][k].p90 = percentile90(v)
                }
            }
            var shareS = [Double?](repeating: nil, count: names.count), shareI = shareS
            if let rasters {
                let rg = try toRaster?.transform(ring) ?? ring
                let cov = ExactCoverage.coverage(of: rg, on: rasters.grid)
                if !cov.isEmpty {
                    let w = cov.window
                    let data = try rasters.readWindow(column: w.firstColumn, row: w.firstRow, columns: w.columns, rows: w.rows)
                    for (s, k) in surfaceIndex.enumerated() {
                        var covered = 0.0, overS = 0.0, overI = 0.0
                        for j in 0..<cov.fractions.count {
                            let f = cov.fractions[j], v = data[s][j]
                            let cellPH = phSurface != nil ? data[surfaces.count][j] : (settings.phValue ?? .nan)
                            guard f > 0, !v.isNaN else { continue }
                            let threshold: Threshold?
                            do { threshold = try classifier.threshold(of: k, pH: classifier.requiresPH ? cellPH : nil) } catch {
                                throw InputError(.badValue, path: phSurface ?? surfaces[s].path,
                                                 location: "enterprise \(eids[e]), ring \(shortNumber(a))–\(shortNumber(b)) m, cell row \(w.firstRow + j / w.columns), column \(w.firstColumn + j % w.columns)",
                                                 "\(error); check the pH surface's values and its nodata value")
                            }
                            guard let t = threshold else { continue }
                            covered += f
                            if v > t.screening { overS += f }
                            if let iv = t.intervention, v > iv { overI += f }
                        }
                        if covered > 0 { shareS[k] = overS / covered; shareI[k] = overI / covered }
                    }
                }
            }
            rings.append(MonitorRing(enterprise: e, enterpriseId: eids[e], enterpriseName: enames[e], inner: a, outer: b, geometry: ring,
                                     area: try areaCalc.geodesicArea(of: ring), stats: stats,
                                     shareOverScreening: shareS, shareOverIntervention: shareI))
        }
    }
    return MonitoringResult(pollutants: names, rounds: rounds, rings: rings, enterprises: egeoms, samplePoints: table.coordinates,
                            crs: working, standardName: settings.standard.name, standardKind: thresholdTable.kind, warnings: warnings)
}

/// The enterprises of a monitoring layer (points or site polygons), in the CRS the rings are
/// built in: the layer's own if projected in metres (not Mercator), else the Gauss-Krüger zone of
/// their centre.
struct EnterpriseLayer {
    var working: CRS
    var geometries: [Geometry]
    var ids: [String]
    var names: [String]

    static func read(path: String, layer: String?, settings: MonitorSettings) throws -> EnterpriseLayer {
        let ds = try VectorDataset(path: path, options: VectorOpenOptions(encoding: settings.encoding.map(TextEncoding.init)))
        let lyr = try ds.layer(named: layer)
        guard let ecrs = lyr.crs else { throw InputError(.badValue, path: path, "the enterprises have no CRS; add a .prj or use a GeoPackage") }
        let idIndex = try settings.idField.map { f -> Int in
            guard let i = lyr.fieldIndex(f) else { throw InputError(.missingField, path: path, "has no field '\(f)' (--id-field); its fields are: \(lyr.fields.map(\.name).joined(separator: ", "))") }
            return i
        }
        let nameIndex = try settings.nameField.map { f -> Int in
            guard let i = lyr.fieldIndex(f) else { throw InputError(.missingField, path: path, "has no field '\(f)' (--name-field); its fields are: \(lyr.fields.map(\.name).joined(separator: ", "))") }
            return i
        }
        var egeoms: [Geometry] = [], eids: [String] = [], enames: [String] = []
        try lyr.forEachFeature { f in
            guard let g = f.geometry else { throw InputError(.badValue, path: path, location: "feature \(f.fid)", "has no geometry; every enterprise needs a location") }
            switch g {
            case .point, .multiPoint, .polygon, .multiPolygon: break
            default: throw InputError(.unsupported, path: path, location: "feature \(f.fid)", "is neither a point nor a polygon; enterprises must be points or site polygons")
            }
            egeoms.append(g)
            eids.append(idIndex.map { f.values[$0].text } ?? String(f.fid))
            enames.append(nameIndex.map { f.values[$0].text } ?? "")
        }
        guard !egeoms.isEmpty else { throw InputError(.badValue, path: path, "has no enterprises (0 features)") }
        if let (i, j) = firstRepeatedIdentifier(eids) {
            throw InputError(.badValue, path: path, "enterprise id '\(eids[i])' is used by features #\(j + 1) and #\(i + 1); give every enterprise its own id")
        }
        let working: CRS
        let mercator = [3857, 3395, 900913, 3785].contains(ecrs.epsg ?? 0) || (ecrs.projString ?? "").contains("+proj=merc")
        if ecrs.isProjected && ecrs.metresPerLinearUnit == 1 && !mercator { working = ecrs } else {
            let c = Extent(enclosing: egeoms.flatMap(\.allCoordinates))!.center
            working = try WorkingCRS.gaussKruger(forLongitude: try Transformer(from: ecrs, to: try CRS(epsg: 4326)).transform(c).x)
        }
        let toWorking = working.isEquivalent(to: ecrs) ? nil : try Transformer(from: ecrs, to: working)
        egeoms = try egeoms.map { try toWorking?.transform($0) ?? $0 }
        return EnterpriseLayer(working: working, geometries: egeoms, ids: eids, names: enames)
    }

    /// Each enterprise's reach: the area within `distance` metres of it (a GEOS buffer, as the
    /// rings), in `crs`.
    func reach(distance: Double, in crs: CRS) throws -> [Geometry] {
        let t = crs.isEquivalent(to: working) ? nil : try Transformer(from: working, to: crs)
        return try geometries.map { g in
            let b = try GeometryOps.buffer(g, distance: distance)
            return try t?.transform(b) ?? b
        }
    }
}
