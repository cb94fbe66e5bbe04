import Foundation
import GeoIO
import Standards
import Zonal

/// Screens plots before a change of use against GB 36600-2018 (issue 14; action plan items
/// 10–12): for each plot and pollutant, the samples inside the plot and, when surfaces are
/// given, the interpolated values over it, against the screening and intervention values of
/// the plot's land class (class 1 residential/school, class 2 industrial …, from its planned use).
///
/// - A sample is inside a plot when the point lies in its polygon (``PointsInZone``: boundary
///   points count for neither side: a sample exactly on a shared edge is rare and ambiguous).
/// - Surface areas are Σ coverage × cell area over the cells whose value is above the value
///   (strictly, as the standard's "超过"; Zonal's ``ExceedanceTally``), planar in the surface's CRS.
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
    let standard = try ScreeningStandard(samplePollutants.map(\.name) + surfaces.map(\.name))
    let names = standard.names
    let sampled = try samples.map { try ScreenedSamples($0, pollutants: samplePollutants, standard: standard, in: pcrs, warnings: &warnings) }
    let surfaceSet = try ScreenedSurfaces.open(surfaces, standard: standard, plotCRS: pcrs)
    let areaCalc = try AreaCalculator(crs: pcrs)

    var out: [PlotScreening] = []
    for item in plots.items {
        let raw = useIndex.map { item.values[$0].text } ?? ""
        let landClass: ConstructionLandClass
        if let useIndex {
            guard let c = settings.useMapping.landClass(for: raw) else {
                throw InputError(.badValue, path: plotsPath, location: "feature \(item.fid), field '\(plots.fields[useIndex].name)'",
                                 "planned use '\(raw)' is not in the mapping; add it with --use-map '\(raw)=class1' (residential, schools, hospitals, community parks) or '\(raw)=class2' (industrial, logistics, commercial, roads, utilities, green land)")
            }
            landClass = c
        } else {
            landClass = settings.defaultClass
        }
        var findings = try names.indices.map { k in
            PlotPollutantFinding(pollutant: names[k], threshold: try standard.threshold(k, landClass), samples: 0, samplesOverScreening: 0,
                                 samplesOverIntervention: 0, sampleMax: nil, sampleMaxId: nil, surfaceMax: nil,
                                 surfaceArea: 0, areaOverScreening: 0, areaOverIntervention: 0)
        }
        let inside = sampled?.tally(in: item.geometry, findings: &findings) ?? 0
        try surfaceSet?.tally(over: item.geometry, findings: &findings)
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

/// The GB 36600 pollutants of a screening (those sampled and those with a surface, in that
/// order, each once, spelled as the standard spells them) and their thresholds per land class.
struct ScreeningStandard {
    let table: ThresholdTable
    let names: [String]
    private let class1: Classifier, class2: Classifier

    init(_ requested: [String]) throws {
        let table1 = ThresholdTable.gb36600(class: .class1), table2 = ThresholdTable.gb36600(class: .class2)
        var names: [String] = []
        for n in requested {
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
        self.table = table1
        self.names = names
        class1 = try Classifier(table: table1, pollutants: pollutantList)
        class2 = try Classifier(table: table2, pollutants: pollutantList)
    }

    /// The index of a pollutant (any spelling the standard knows) among ``names``.
    func index(of name: String) -> Int { names.firstIndex(of: table.canonical(Pollutant(name))!.name)! }

    func threshold(_ k: Int, _ c: ConstructionLandClass) throws -> Threshold {
        try (c == .class1 ? class1 : class2).threshold(of: k, pH: nil)!
    }
}

/// The samples of a screening in the plots' CRS, with their values per screened pollutant.
struct ScreenedSamples {
    var coordinates: [Coordinate]
    /// values[i][k]: pollutant k of sample i (NaN: not measured).
    var values: [[Double]]
    var ids: [String]

    init(_ samples: SampleTable, pollutants: [(name: String, column: String)], standard: ScreeningStandard, in pcrs: CRS,
         warnings: inout [String]) throws {
        if let scrs = samples.crs, !scrs.isEquivalent(to: pcrs) {
            coordinates = try Transformer(from: scrs, to: pcrs).transform(samples.coordinates)
        } else {
            coordinates = samples.coordinates
        }
        ids = samples.ids
        var columns = [[Double]](repeating: [Double](repeating: .nan, count: coordinates.count), count: standard.names.count)
        for (n, column) in pollutants {
            let k = standard.index(of: n)
            let (rows, values) = try samples.values(of: column, warnings: &warnings)
            for (r, v) in zip(rows, values) { columns[k][r] = v }
        }
        values = (0..<coordinates.count).map { i in standard.names.indices.map { columns[$0][i] } }
    }

    /// Judges the samples inside `plot` into `findings`; returns how many lie inside.
    func tally(in plot: Geometry, findings: inout [PlotPollutantFinding]) -> Int {
        let inside = PointsInZone.indices(of: coordinates, in: plot)
        var tallies = [SampleTally](repeating: SampleTally(), count: findings.count)
        for i in inside {
            for k in findings.indices { tallies[k].add(values[i][k], index: i, judgedBy: .threshold(findings[k].threshold)) }
        }
        for (k, t) in tallies.enumerated() {
            findings[k].samples = t.samples
            findings[k].samplesOverScreening = t.overScreening
            findings[k].samplesOverIntervention = t.overIntervention
            findings[k].sampleMax = t.max
            findings[k].sampleMaxId = t.maxIndex.map { ids[$0] }
        }
        return inside.count
    }
}

/// The interpolated surfaces of a screening (one grid, in a metric CRS), read per plot window.
struct ScreenedSurfaces {
    let rasters: AlignedRasters
    /// For each surface, the index of its pollutant among the screened ones.
    let pollutantIndex: [Int]
    let toRaster: Transformer?

    /// Nil without surfaces.
    static func open(_ surfaces: [(name: String, path: String)], standard: ScreeningStandard, plotCRS pcrs: CRS) throws -> ScreenedSurfaces? {
        guard !surfaces.isEmpty else { return nil }
        let rasters = try AlignedRasters(surfaces)
        guard let rcrs = rasters.crs else { throw InputError(.badValue, path: surfaces[0].path, "has no CRS; plots cannot be placed on it") }
        guard rcrs.isProjected, rcrs.metresPerLinearUnit == 1 else {
            throw InputError(.badValue, path: surfaces[0].path,
                             "is in \(rcrs.shortName), not a projected CRS in metres; areas above the values are measured in the surface's cells, so interpolate in a metric CRS (a CGCS2000 Gauss-Krüger zone)")
        }
        return ScreenedSurfaces(rasters: rasters, pollutantIndex: surfaces.map { standard.index(of: $0.name) },
                                toRaster: rcrs.isEquivalent(to: pcrs) ? nil : try Transformer(from: pcrs, to: rcrs))
    }

    /// Measures the surfaces over `plot` into `findings`: the area with data, above the screening
    /// and the intervention value (m², exact coverage), and the largest value.
    func tally(over plot: Geometry, findings: inout [PlotPollutantFinding]) throws {
        let g = try toRaster?.transform(plot) ?? plot
        let cells = try ZoneCells.read(g, on: rasters.grid) { w in
            try rasters.readWindow(column: w.firstColumn, row: w.firstRow, columns: w.columns, rows: w.rows)
        }
        guard !cells.isEmpty else { return }
        let cell = rasters.grid.cellArea
        var tallies = [ExceedanceTally](repeating: ExceedanceTally(), count: findings.count)
        for (s, k) in pollutantIndex.enumerated() {
            // The cells meet the threshold at the surface's stored precision.
            let t = findings[k].threshold.at(rasters.precisions[s])
            for j in 0..<cells.count {
                let f = cells.coverage.fractions[j]
                guard f > 0 else { continue }
                tallies[k].add(weight: f * cell, value: cells.bands[s][j], threshold: t)
            }
        }
        for k in Set(pollutantIndex) {
            findings[k].surfaceArea = tallies[k].covered
            findings[k].areaOverScreening = tallies[k].overScreening
            findings[k].areaOverIntervention = tallies[k].overIntervention
            findings[k].surfaceMax = tallies[k].max
        }
    }
}
