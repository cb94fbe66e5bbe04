import Foundation
import GeoIO
import Standards
import Zonal

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
/// - A sample is in a ring when it lies inside the ring polygon (``PointsInZone``); samples and
///   cells are judged by Zonal's ``SampleTally`` and ``ExceedanceTally``.
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
    let sampled = try MonitoredSamples.read(samples, pollutants: pollutants, in: enterprises.working, settings: settings)
    let ringSurfaces = try RingSurfaces.open(surfaces, phSurface: phSurface, names: sampled.names, classifier: sampled.classifier,
                                            working: enterprises.working, settings: settings)
    let areaCalc = try AreaCalculator(crs: enterprises.working)

    var rings: [MonitorRing] = []
    for (e, g) in enterprises.geometries.enumerated() {
        // The area within each limit, buffered once: at 0 the site itself (nothing for a point).
        let within = try limits.map { d -> Geometry? in
            d > 0 ? try GeometryOps.buffer(g, distance: d) : (g.polygons.isEmpty ? nil : g)
        }
        for r in 0..<(limits.count - 1) {
            let (a, b) = (limits[r], limits[r + 1])
            let ring = try within[r].map { try GeometryOps.difference(within[r + 1]!, $0) } ?? within[r + 1]!
            let place = "enterprise \(enterprises.ids[e]), ring \(shortNumber(a))–\(shortNumber(b)) m"
            let shares = try ringSurfaces?.shares(over: ring, place: place)
            rings.append(MonitorRing(enterprise: e, enterpriseId: enterprises.ids[e], enterpriseName: enterprises.names[e], inner: a, outer: b,
                                     geometry: ring, area: try areaCalc.geodesicArea(of: ring), stats: sampled.statistics(in: ring),
                                     shareOverScreening: shares?.screening ?? [Double?](repeating: nil, count: sampled.names.count),
                                     shareOverIntervention: shares?.intervention ?? [Double?](repeating: nil, count: sampled.names.count)))
        }
    }
    return MonitoringResult(pollutants: sampled.names, rounds: sampled.rounds, rings: rings, enterprises: enterprises.geometries,
                            samplePoints: sampled.table.coordinates, crs: enterprises.working, standardName: settings.standard.name,
                            standardKind: sampled.thresholdTable.kind, warnings: sampled.warnings)
}

/// The samples of a monitoring in its working CRS: values per pollutant, pH, survey round and
/// how each sample is judged.
struct MonitoredSamples {
    var table: SampleTable
    /// The pollutants as the standard spells them.
    var names: [String]
    var thresholdTable: ThresholdTable
    var classifier: Classifier
    /// values[k][i]: pollutant k of sample i (NaN: not measured).
    var values: [[Double]]
    /// Survey rounds in order (sorted as numbers when they all are, else as text), and each sample's.
    var rounds: [String]
    var roundOfSample: [Int]
    /// judgements[i][k]: how sample i's value of pollutant k is judged.
    var judgements: [[SampleTally.Judgement]]
    var warnings: [String]

    static func read(_ reader: SampleReader, pollutants: [(name: String, column: String)], in working: CRS,
                     settings: MonitorSettings) throws -> MonitoredSamples {
        // Samples in the working CRS, values, pH and round (from a survey database: its rounds).
        var warnings: [String] = []
        var reader = reader
        var settings = settings
        if SurveyDatabase.isDatabase(reader.path) {
            reader.requiresRound = false
            if settings.roundColumn == nil { settings.roundColumn = "round" }
        }
        let table = try reader.read(targetCRS: working)
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
        let ph = try samplePH(table, settings: settings, warnings: &warnings)
        let (rounds, roundOfSample) = try surveyRounds(table, column: settings.roundColumn)
        // Each sample is judged at its own pH (GB 15618); without any pH, by the least strict value.
        let loosest = names.map { thresholdTable.loosestThreshold(for: Pollutant($0)) }
        var judgements = [[SampleTally.Judgement]](repeating: [], count: n)
        for i in 0..<n {
            judgements[i] = try names.indices.map { k in
                let t: Threshold?
                do { t = try classifier.threshold(of: k, pH: ph[i]) } catch {
                    throw InputError(.badValue, path: table.path, location: table.labels[i], "\(error)")
                }
                return t.map { .threshold($0) } ?? .unknownPH(loosest: loosest[k])
            }
        }
        return MonitoredSamples(table: table, names: names, thresholdTable: thresholdTable, classifier: classifier, values: values,
                                rounds: rounds, roundOfSample: roundOfSample, judgements: judgements, warnings: warnings)
    }

    /// pH per sample: its own (`phColumn`), else `phValue`, else NaN (with a warning naming them).
    static func samplePH(_ table: SampleTable, settings: MonitorSettings, warnings: inout [String]) throws -> [Double] {
        let n = table.coordinates.count
        var ph = [Double](repeating: settings.phValue ?? .nan, count: n)
        guard let col = settings.phColumn else { return ph }
        var w: [String] = []
        let (rows, v) = try table.values(of: col, warnings: &w)
        for (r, x) in zip(rows, v) { ph[r] = x }
        let missing = (0..<n).filter { ph[$0].isNaN }
        if !missing.isEmpty {
            warnings.append("\(table.path): \(missing.count) sample(s) have no pH in column '\(col)'"
                            + (settings.phValue == nil ? " and no --ph-value; their exceedances count only where a value is above the screening/intervention value of every pH band (\(missing.prefix(5).map { table.ids[$0] }.joined(separator: ", "))\(missing.count > 5 ? ", …" : ""))"
                                                       : "; --ph-value \(settings.phValue!) is used for them"))
        }
        return ph
    }

    /// The survey rounds in order and each sample's round index (one round "" without a column).
    static func surveyRounds(_ table: SampleTable, column: String?) throws -> (rounds: [String], roundOfSample: [Int]) {
        var roundOf = [String](repeating: "", count: table.coordinates.count)
        if let col = column {
            guard let ri = table.source.fieldIndex(col) else {
                throw InputError(.missingField, path: table.path, "has no column '\(col)' (--round-field); columns are: \(table.source.fields.map(\.name).joined(separator: ", "))")
            }
            roundOf = table.source.rows.map { $0[ri].text.trimmingCharacters(in: .whitespaces) }
            if let i = roundOf.firstIndex(of: "") {
                throw InputError(.badValue, path: table.path, location: "\(table.labels[i]), column '\(col)'", "the survey round is empty; give every sample its round")
            }
        }
        let distinct = Array(Set(roundOf))
        let rounds = distinct.allSatisfy { Double($0) != nil } ? distinct.sorted { Double($0)! < Double($1)! } : distinct.sorted()
        let roundIndex = Dictionary(uniqueKeysWithValues: rounds.enumerated().map { ($1, $0) })
        return (rounds, roundOf.map { roundIndex[$0]! })
    }

    /// Per round and pollutant, the statistics of the samples inside `ring`.
    func statistics(in ring: Geometry) -> [[RingPollutantStats]] {
        var buckets = [[[Double]]](repeating: [[Double]](repeating: [], count: names.count), count: rounds.count)
        var tallies = [[SampleTally]](repeating: [SampleTally](repeating: SampleTally(), count: names.count), count: rounds.count)
        for i in PointsInZone.indices(of: table.coordinates, in: ring) {
            let ri = roundOfSample[i]
            for k in names.indices where !values[k][i].isNaN {
                buckets[ri][k].append(values[k][i])
                tallies[ri][k].add(values[k][i], index: i, judgedBy: judgements[i][k])
            }
        }
        return rounds.indices.map { ri in
            names.indices.map { k in
                let v = buckets[ri][k], t = tallies[ri][k]
                return RingPollutantStats(samples: v.count, mean: v.isEmpty ? nil : v.reduce(0, +) / Double(v.count), max: v.max(),
                                          p90: percentile90(v), overScreening: t.overScreening, overIntervention: t.overIntervention,
                                          unclassified: t.unclassified)
            }
        }
    }
}

/// The interpolated surfaces of a monitoring (and the pH surface or value), for the share of
/// each ring's area above the standard's values.
struct RingSurfaces {
    let rasters: AlignedRasters
    let surfaces: [(name: String, path: String)]
    /// For each surface, the index of its pollutant among the monitored ones.
    let pollutantIndex: [Int]
    let phSurface: String?
    let phValue: Double?
    let classifier: Classifier
    let toRaster: Transformer?
    let pollutantCount: Int

    /// Nil without surfaces.
    static func open(_ surfaces: [(name: String, path: String)], phSurface: String?, names: [String], classifier: Classifier,
                     working: CRS, settings: MonitorSettings) throws -> RingSurfaces? {
        guard !surfaces.isEmpty else { return nil }
        var rasterNames = surfaces
        if let phSurface { rasterNames.append((name: Analyte.pHName, path: phSurface)) }
        let rasters = try AlignedRasters(rasterNames)
        if classifier.requiresPH && phSurface == nil && settings.phValue == nil {
            throw InputError(.invalidArgument, path: nil, "\(settings.standard.name) thresholds depend on pH: with --surface give --ph-surface or --ph-value")
        }
        let table = classifier.table
        let index = try surfaces.map { s -> Int in
            guard let c = table.canonical(Pollutant(s.name)), let k = names.firstIndex(of: c.name) else {
                throw InputError(.invalidArgument, path: s.path, "surface '\(s.name)' is not one of the monitored pollutants (\(names.joined(separator: ", ")))")
            }
            return k
        }
        guard let rcrs = rasters.crs else { throw InputError(.badValue, path: surfaces[0].path, "has no CRS; rings cannot be placed on it") }
        let toRaster = rcrs.isEquivalent(to: working) ? nil : try Transformer(from: working, to: rcrs)
        // The surfaces' cells meet the thresholds at their stored precision (samples at theirs).
        var precisions = [ValuePrecision](repeating: .double, count: names.count)
        for (s, k) in index.enumerated() { precisions[k] = rasters.precisions[s] }
        let atSurfacePrecision = try Classifier(table: table, landUse: classifier.landUse, pollutants: classifier.pollutants,
                                                options: classifier.options, precisions: precisions)
        return RingSurfaces(rasters: rasters, surfaces: surfaces, pollutantIndex: index, phSurface: phSurface, phValue: settings.phValue,
                            classifier: atSurfacePrecision, toRaster: toRaster, pollutantCount: names.count)
    }

    /// Per pollutant, the share of the ring's covered area with data above the screening and the
    /// intervention value (nil without a surface or data); `place` names the ring in messages.
    func shares(over ring: Geometry, place: String) throws -> (screening: [Double?], intervention: [Double?]) {
        var shareS = [Double?](repeating: nil, count: pollutantCount), shareI = shareS
        let rg = try toRaster?.transform(ring) ?? ring
        let cells = try ZoneCells.read(rg, on: rasters.grid) { w in
            try rasters.readWindow(column: w.firstColumn, row: w.firstRow, columns: w.columns, rows: w.rows)
        }
        guard !cells.isEmpty else { return (shareS, shareI) }
        for (s, k) in pollutantIndex.enumerated() {
            var tally = ExceedanceTally()
            for j in 0..<cells.count {
                let f = cells.coverage.fractions[j], v = cells.bands[s][j]
                let cellPH = phSurface != nil ? cells.bands[surfaces.count][j] : (phValue ?? .nan)
                guard f > 0, !v.isNaN else { continue }
                let threshold: Threshold?
                do { threshold = try classifier.threshold(of: k, pH: classifier.requiresPH ? cellPH : nil) } catch {
                    let (row, column) = cells.position(j)
                    throw InputError(.badValue, path: phSurface ?? surfaces[s].path, location: "\(place), cell row \(row), column \(column)",
                                     "\(error); check the pH surface's values and its nodata value")
                }
                tally.add(weight: f, value: v, threshold: threshold)
            }
            if let sh = tally.shares { shareS[k] = sh.screening; shareI[k] = sh.intervention }
        }
        return (shareS, shareI)
    }
}
