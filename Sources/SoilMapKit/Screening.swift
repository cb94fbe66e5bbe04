import Foundation
import GeoIO
import Standards
import Zonal

/// Settings of a GB 36600-2018 screening of plots before a change of use.
public struct ScreenSettings: Sendable {
    /// Field with the planned use; `nil` → every plot is `defaultClass`.
    public var useField: String?
    public var useMapping: PlannedUseMapping = .standard
    /// The land class of every plot when there is no use field.
    public var defaultClass: ConstructionLandClass = .class1
    /// Field with a plot identifier; default: the feature id.
    public var idField: String?
    public var encoding: String?
    public init() {}
}

/// What one pollutant shows in one plot.
public struct PlotPollutantFinding: Sendable, Equatable {
    public var pollutant: String
    /// The thresholds of the plot's land class (mg/kg).
    public var threshold: Threshold
    /// Samples inside the plot with a value for this pollutant.
    public var samples: Int
    public var samplesOverScreening: Int
    public var samplesOverIntervention: Int
    /// Largest sampled value and its sample id (`nil` without samples).
    public var sampleMax: Double?
    public var sampleMaxId: String?
    /// Largest interpolated value over the plot's cells (`nil` without a surface or data).
    public var surfaceMax: Double?
    /// Area of the plot covered by surface data, and above the screening and intervention
    /// values (m², planar in the surface's CRS; exact cell coverage).
    public var surfaceArea: Double
    public var areaOverScreening: Double
    public var areaOverIntervention: Double

    /// GB 36600 class of this pollutant in the plot: the worse of its samples and cells.
    public var verdict: SoilClass {
        if samplesOverIntervention > 0 || areaOverIntervention > 0 { return .strictControl }
        if samplesOverScreening > 0 || areaOverScreening > 0 { return .safeUtilization }
        if samples > 0 || surfaceArea > 0 { return .priorityProtection }
        return .nodata
    }
}

/// The screening of one plot.
public struct PlotScreening: Sendable {
    public var fid: Int64
    public var id: String
    public var plannedUse: String
    public var landClass: ConstructionLandClass
    /// Area of the plot (m², geodesic on the ellipsoid of its CRS's datum).
    public var area: Double
    /// Samples inside the plot (any pollutant).
    public var samples: Int
    public var findings: [PlotPollutantFinding]

    /// The plot's verdict: the worst over its pollutants (``SoilClass/nodata``: nothing sampled
    /// or interpolated in it, a survey is needed before the change of use).
    public var verdict: SoilClass { findings.map(\.verdict).max() ?? .nodata }
    public var overScreening: [String] { findings.filter { $0.verdict >= .safeUtilization }.map(\.pollutant) }
    public var overIntervention: [String] { findings.filter { $0.verdict == .strictControl }.map(\.pollutant) }
    /// Whether the plot goes on the "needs detailed investigation" list: a value above a
    /// screening value (GB 36600 clause 4.2), or no data at all.
    public var needsInvestigation: Bool { verdict != .priorityProtection }

    /// Why the plot is on the list, in words.
    public var reasons: String {
        if verdict == .nodata { return "no sample inside the plot and no interpolated surface over it: survey the soil before the change of use" }
        return findings.filter { $0.verdict >= .safeUtilization }.map { f in
            var parts: [String] = []
            let level = f.verdict == .strictControl ? "intervention value \(shortNumber(f.threshold.intervention ?? .nan))" : "screening value \(shortNumber(f.threshold.screening))"
            if let m = f.sampleMax, f.samplesOverScreening > 0 {
                parts.append("\(f.samplesOverScreening) of \(f.samples) sample(s) above the screening value, highest \(shortNumber(m)) (\(f.sampleMaxId ?? "?"))")
            }
            if f.areaOverScreening > 0 {
                parts.append("\(shortNumber(f.areaOverScreening)) m² of the interpolated surface above the screening value, highest \(shortNumber(f.surfaceMax ?? .nan))")
            }
            return "\(f.pollutant) above the \(level) mg/kg: " + parts.joined(separator: "; ")
        }.joined(separator: ". ")
    }
}

/// A number for a sentence: integers without decimals, others with 4 significant digits.
func shortNumber(_ v: Double) -> String {
    guard v.isFinite else { return "–" }
    return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%.4g", v)
}

/// The screening of a layer of plots.
public struct ScreeningResult: Sendable {
    public var pollutants: [String]
    public var plots: [PlotScreening]
    public var source: PolygonLayer
    public var warnings: [String]
}

/// Screens plots before a change of use against GB 36600-2018 (issue 14; action plan items
/// 10–12): for each plot and pollutant, the samples inside the plot and, when surfaces are
/// given, the interpolated values over it, against the screening and intervention values of
/// the plot's land class (class 1 residential/school, class 2 industrial …, from its planned use).
///
/// - A sample is inside a plot when the point lies in its polygon (boundary points count
///   for neither side: a sample exactly on a shared edge is rare and ambiguous).
/// - Surface areas are Σ coverage × cell area over the cells whose value is above the value
///   (strictly, as the standard's "超过"), planar in the surface's CRS.
/// - `samples` are in any CRS; they are brought into the plots' CRS with PROJ.
///   `samplePollutants` names the columns holding each pollutant (a GB 36600 name).
/// - Throws: ``InputError`` for unknown planned uses (naming the feature), pollutants not in
///   GB 36600, surfaces without CRS, plots without CRS.
public func screenPlots(plotsPath: String, layer: String? = nil, samples: SampleTable?,
                        samplePollutants: [(name: String, column: String)],
                        surfaces: [(name: String, path: String)], settings: ScreenSettings) throws -> ScreeningResult {
    let plots = try PolygonLayer.read(path: plotsPath, layer: layer, encoding: settings.encoding)
    var warnings = plots.warnings
    guard let pcrs = plots.crs else {
        throw InputError(.badValue, path: plotsPath, "the plots have no CRS; add a .prj or use a GeoPackage")
    }
    let useIndex = try settings.useField.map { try plots.requireField($0, option: "--use-field") }
    let idIndex = try settings.idField.map { try plots.requireField($0, option: "--id-field") }
    // Pollutants: those sampled and those with a surface, in that order, each once, spelled
    // as GB 36600 spells them.
    let table1 = ThresholdTable.gb36600(class: .class1), table2 = ThresholdTable.gb36600(class: .class2)
    var names: [String] = []
    for n in samplePollutants.map(\.name) + surfaces.map(\.name) {
        guard let c = table1.canonical(Pollutant(n)) else {
            throw InputError(.invalidArgument, path: nil,
                             "'\(n)' is not a GB 36600-2018 pollutant; use its name there (\(table1.pollutants.prefix(12).map(\.name).joined(separator: ", ")) …)")
        }
        if !names.contains(c.name) { names.append(c.name) }
    }
    guard !names.isEmpty else {
        throw InputError(.invalidArgument, path: nil, "nothing to screen: give sample columns (--field) or surfaces (--surface NAME=FILE)")
    }
    let pollutantList = names.map { Pollutant($0) }
    let class1 = try Classifier(table: table1, pollutants: pollutantList)
    let class2 = try Classifier(table: table2, pollutants: pollutantList)
    func threshold(_ k: Int, _ c: ConstructionLandClass) throws -> Threshold {
        try (c == .class1 ? class1 : class2).threshold(of: k, pH: nil)!
    }

    // Samples in the plots' CRS, with their values per pollutant.
    var sampleCoords: [Coordinate] = [], sampleValues: [[Double]] = [], sampleIds: [String] = []
    if let samples {
        if let scrs = samples.crs, !scrs.isEquivalent(to: pcrs) {
            sampleCoords = try Transformer(from: scrs, to: pcrs).transform(samples.coordinates)
        } else {
            sampleCoords = samples.coordinates
        }
        sampleIds = samples.ids
        var columns = [[Double]](repeating: [Double](repeating: .nan, count: sampleCoords.count), count: names.count)
        for (n, column) in samplePollutants {
            let k = names.firstIndex(of: table1.canonical(Pollutant(n))!.name)!
            let (rows, values) = try samples.values(of: column, warnings: &warnings)
            for (r, v) in zip(rows, values) { columns[k][r] = v }
        }
        sampleValues = (0..<sampleCoords.count).map { i in names.indices.map { columns[$0][i] } }
    }
    // Surfaces: one grid, read per plot window.
    let rasters = surfaces.isEmpty ? nil : try AlignedRasters(surfaces)
    let toRaster: Transformer?
    if let rasters {
        guard let rcrs = rasters.crs else { throw InputError(.badValue, path: surfaces[0].path, "has no CRS; plots cannot be placed on it") }
        guard rcrs.isProjected, rcrs.metresPerLinearUnit == 1 else {
            throw InputError(.badValue, path: surfaces[0].path,
                             "is in \(rcrs.shortName), not a projected CRS in metres; areas above the values are measured in the surface's cells, so interpolate in a metric CRS (a CGCS2000 Gauss-Krüger zone)")
        }
        toRaster = rcrs.isEquivalent(to: pcrs) ? nil : try Transformer(from: pcrs, to: rcrs)
    } else {
        toRaster = nil
    }
    let surfaceIndex = surfaces.map { s in names.firstIndex(of: table1.canonical(Pollutant(s.name))!.name)! }
    let areaCalc = try AreaCalculator(crs: pcrs)

    var out: [PlotScreening] = []
    for item in plots.items {
        let raw = useIndex.map { item.values[$0].text } ?? ""
        let landClass: ConstructionLandClass
        if useIndex == nil {
            landClass = settings.defaultClass
        } else {
            guard let c = settings.useMapping.landClass(for: raw) else {
                throw InputError(.badValue, path: plotsPath, location: "feature \(item.fid), field '\(plots.fields[useIndex!].name)'",
                                 "planned use '\(raw)' is not in the mapping; add it with --use-map '\(raw)=class1' (residential, schools, hospitals, community parks) or '\(raw)=class2' (industrial, logistics, commercial, roads, utilities, green land)")
            }
            landClass = c
        }
        var findings = try names.indices.map { k in
            PlotPollutantFinding(pollutant: names[k], threshold: try threshold(k, landClass), samples: 0, samplesOverScreening: 0,
                                 samplesOverIntervention: 0, sampleMax: nil, sampleMaxId: nil, surfaceMax: nil,
                                 surfaceArea: 0, areaOverScreening: 0, areaOverIntervention: 0)
        }
        var inside = 0
        let ext = item.geometry.extent
        for (i, c) in sampleCoords.enumerated() where ext?.contains(c) == true && item.geometry.contains(c) {
            inside += 1
            for k in names.indices {
                let v = sampleValues[i][k]
                guard !v.isNaN else { continue }
                findings[k].samples += 1
                let t = findings[k].threshold
                if v > t.screening { findings[k].samplesOverScreening += 1 }
                if let iv = t.intervention, v > iv { findings[k].samplesOverIntervention += 1 }
                if findings[k].sampleMax.map({ v > $0 }) ?? true { findings[k].sampleMax = v; findings[k].sampleMaxId = sampleIds[i] }
            }
        }
        if let rasters {
            let g = try toRaster?.transform(item.geometry) ?? item.geometry
            let cov = ExactCoverage.coverage(of: g, on: rasters.grid)
            if !cov.isEmpty {
                let w = cov.window
                let data = try rasters.readWindow(column: w.firstColumn, row: w.firstRow, columns: w.columns, rows: w.rows)
                let cell = rasters.grid.cellArea
                for (s, k) in surfaceIndex.enumerated() {
                    let t = findings[k].threshold
                    for j in 0..<cov.fractions.count {
                        let f = cov.fractions[j], v = data[s][j]
                        guard f > 0, !v.isNaN else { continue }
                        findings[k].surfaceArea += f * cell
                        if v > t.screening { findings[k].areaOverScreening += f * cell }
                        if let iv = t.intervention, v > iv { findings[k].areaOverIntervention += f * cell }
                        if findings[k].surfaceMax.map({ v > $0 }) ?? true { findings[k].surfaceMax = v }
                    }
                }
            }
        }
        out.append(PlotScreening(fid: item.fid, id: idIndex.map { item.values[$0].text } ?? String(item.fid), plannedUse: raw,
                                 landClass: landClass, area: try areaCalc.geodesicArea(of: item.geometry), samples: inside,
                                 findings: findings))
    }
    if let idIndex, let (i, j) = firstRepeatedIdentifier(out.map(\.id)) {
        throw InputError(.badValue, path: plotsPath, location: "feature \(out[i].fid), field '\(plots.fields[idIndex].name)'",
                         "plot id '\(out[i].id)' is used again (first by feature \(out[j].fid)); give every plot its own id")
    }
    let unsampled = out.filter { $0.verdict == .nodata }.count
    if unsampled > 0 { warnings.append("\(unsampled) plot(s) have no sample inside and no surface over them: they are listed as needing a survey") }
    return ScreeningResult(pollutants: names, plots: out, source: plots, warnings: warnings)
}
