import Foundation
import GeoIO
import Geostat
import Standards

/// The end of every run, a whole one or a merge of tiles: monitoring around enterprises (with
/// the run's surfaces for the area shares), the official classification (points, crops, units,
/// tables), the report and the provenance (`run.json`); then the output folder's files are
/// committed (renamed to their names).
func finishRun(_ inputs: RunInputs, runs: [VariableRun], surfacePaths: [String: String], analysis: ParcelAnalysis,
               classCellCounts: [Int], crops: CropSamples?, inputHashes: [(String, String)], context ctx: RunContext) throws -> RunResult {
    let project = inputs.project
    let monitoring = try monitorRunEnterprises(inputs, surfacePaths: surfacePaths, context: ctx)
    let official = try classifyOfficially(inputs, analysis: analysis, crops: crops, context: ctx)

    // Report and provenance.
    ctx.begin("Writing the report")
    let result = RunResult(outputDir: ctx.outputDir, files: [], variables: runs, analysis: analysis, grid: inputs.grid, crs: inputs.working,
                           timings: ctx.timings, warnings: ctx.warnings, classCellCounts: classCellCounts)
    let html = try ReportBuilder(project: project, result: result, classRaster: try ctx.files.pendingPath(for: ctx.finalPath("class.tif")),
                                 surfaces: surfacePaths, townships: inputs.townships, sampleTable: inputs.samples, monitoring: monitoring,
                                 official: official, finalClassRaster: try ctx.files.pendingPath(for: ctx.finalPath("final_class.tif"))).html()
    try ctx.files.write(Data(html.utf8), to: ctx.finalPath("report.html"))
    ctx.end("report")
    var final = result
    final.official = official
    final.timings = ctx.timings + [("total", Date().timeIntervalSince(ctx.started))]
    try ctx.files.write(try JSONValue.encodeJSON(provenance(project, final, inputHashes: inputHashes, threads: ctx.threads)),
                        to: ctx.finalPath("run.json"))
    final.files = ctx.files.pendingFinalPaths
    try ctx.files.commit()
    return final
}

/// Soil around key supervised enterprises (the project's `monitoring:` section), with the run's
/// surfaces for the area shares: `rings.gpkg`, `monitoring.csv` and, for several survey rounds,
/// `monitoring_changes.csv`. Nil without the section.
func monitorRunEnterprises(_ inputs: RunInputs, surfacePaths: [String: String], context ctx: RunContext) throws -> MonitoringResult? {
    let project = inputs.project
    guard let m = project.monitoring else { return nil }
    ctx.begin("Monitoring around enterprises")
    let monitored = project.pollutants.filter { inputs.standardTable.canonical(Pollutant($0.name)) != nil }
    let r = try monitorEnterprises(path: m.path, layer: m.layer, samples: inputs.reader, pollutants: monitored.map { ($0.name, $0.field) },
                                   surfaces: monitored.map { (name: $0.name, path: surfacePaths[$0.name]!) },
                                   phSurface: surfacePaths[project.ph.name], settings: m.settings(project))
    ctx.warn(r.warnings)
    try r.writeGeoPackage(to: try ctx.path("rings.gpkg"))
    try r.statisticsTable.writeCSV(to: try ctx.path("monitoring.csv"))
    if r.rounds.count > 1 { try r.changesTable.writeCSV(to: try ctx.path("monitoring_changes.csv")) }
    ctx.end("monitoring", "\(r.rings.count) rings")
    return r
}
