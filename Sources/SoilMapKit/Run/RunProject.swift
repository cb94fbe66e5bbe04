import Foundation
import GeoIO
import Geostat
import Standards

/// Runs a whole project: reads the inputs once, interpolates every pollutant and pH (choosing
/// methods by leave-one-out RMSE for `auto`), classifies cells and parcels, and writes the
/// surfaces, class rasters, parcels, township summaries, report and provenance into the
/// output folder. All files are written under temporary names and renamed only when the
/// whole run succeeded.
///
/// The stages, in order (each a function of its own, shared with the tiled run where it applies):
/// ``RunInputs/read(_:)``, ``chooseMethods(_:context:)``, ``interpolateVariables(_:chosen:window:mask:layout:context:)``,
/// ``classifyStudyArea(_:surfaces:mask:layout:context:)``, ``analyseRunParcels(_:surfaces:tile:context:)``,
/// ``writeParcelOutputs(_:context:)`` and ``finishRun(_:runs:surfacePaths:analysis:classCellCounts:inputHashes:context:)``.
public func runProject(_ project: Project, options: RunOptions, progress: ProgressReporter) throws -> RunResult {
    let outDir = options.outputDir.map(absoluteFolder) ?? project.resolve(project.outputDir)
    let ctx = try RunContext(threads: options.threads, project: project, outputDir: outDir,
                             folderKey: options.outputDir == nil ? "outputs.dir" : "-o/--output", overwrite: options.overwrite,
                             progress: progress)
    defer { ctx.finish() }
    _ = try ReportBuilder.styleSheet()  // a missing resource is said before any work

    // 1. Inputs, read once; the grid over the parcels, snapped to the resolution.
    ctx.begin("Reading inputs")
    let inputs = try RunInputs.read(project)
    ctx.warnings += inputs.warnings
    try GridBudget.check(inputs.grid, crs: inputs.working, projectFile: project.file, parcels: inputs.parcels,
                         idField: project.parcels.idField, geometries: inputs.parcelGeometries)
    let inputHashes = try inputFiles(project).map { ($0, try SHA256.hex(file: $0)) }
    // Crop samples and the 图斑's own attributes are checked now, so that a bad row stops the run
    // before any computing.
    let crops = try CropSamples.read(project, in: inputs.working)
    try EvaluationUnits.checkAttributes(inputs)
    ctx.warnings += crops?.warnings ?? []
    ctx.end("read inputs", "\(inputs.parcels.items.count) parcels, \(inputs.samples.coordinates.count) samples" + (crops.map { ", \($0.count) crop samples" } ?? ""))

    // 2. Methods (leave-one-out), then pH first (exceedance of pH-dependent thresholds needs it)
    //    and the pollutants, on the study area.
    let chosen = try chooseMethods(inputs, context: ctx)
    ctx.begin("Study area")
    let studyArea = coverageMask(of: try inputs.studyAreaPolygons(), on: inputs.grid)
    let surfaceMask = try inputs.surfaceMask(window: GridWindow(grid: inputs.grid), studyArea: studyArea)
    ctx.end("study area", surfaceMask.map { m in "surfaces on \(m.lazy.filter { $0 }.count) of \(m.count) cells" } ?? "surfaces on the whole grid")
    let surfaces = try interpolateVariables(inputs, chosen: chosen, window: nil, mask: surfaceMask, layout: .cog, context: ctx)

    // 3. Cell classes within the study area, each parcel's cells with its own land use;
    // 4. parcels and townships.
    let classReport = try classifyStudyArea(inputs, surfaces: surfaces, mask: studyArea,
                                            cellLandUses: try inputs.cellLandUses(window: GridWindow(grid: inputs.grid)), layout: .cog,
                                            context: ctx)
    ctx.begin("Parcels: coverage, statistics, classes, areas")
    let analysis = try analyseRunParcels(inputs, surfaces: surfaces, context: ctx)
    try writeParcelOutputs(analysis, context: ctx)
    ctx.end("parcels", "\(analysis.parcels.count) parcels")

    return try finishRun(inputs, runs: surfaces.runs, surfacePaths: surfaces.paths, analysis: analysis,
                         classCellCounts: classReport.cellCounts, crops: crops, inputHashes: inputHashes, context: ctx)
}

/// Classifies the cells of the run's surfaces (`class.tif`, `controlling.tif`) within the study
/// area (`mask`: the townships if given, else the parcels; the grid rectangle and its margin
/// around them are nodata), with the pH surface; a cell inside a parcel takes the parcel's land
/// use, the others the project's `grid.land_use` (`cellLandUses`).
func classifyStudyArea(_ inputs: RunInputs, surfaces: RunSurfaces, mask: [Bool], cellLandUses: CellLandUses, layout: SurfaceLayout,
                       context ctx: RunContext) throws -> ClassifyReport {
    let project = inputs.project
    ctx.begin("Classifying cells")
    let report = try runClassify(surfaces: classifiedSurfaces(project, surfaces.paths), phPath: surfaces.paths[project.ph.name], phValue: nil,
                                 standard: project.standard, landUse: project.rasterLandUse, cellLandUses: cellLandUses,
                                 output: try ctx.path("class.tif"), controllingOutput: try ctx.path("controlling.tif"), overwrite: true,
                                 threads: ctx.threads, mask: mask, maskPath: nil, layout: layout)
    ctx.end("classify cells")
    return report
}

/// Classifies the run's parcels (those of `inputs`) from its surfaces; a tile's run passes the
/// whole grid and its window, so its parcels get the whole run's bits.
func analyseRunParcels(_ inputs: RunInputs, surfaces: RunSurfaces, tile: (grid: GridSpec, window: GridWindow)? = nil,
                       context ctx: RunContext) throws -> ParcelAnalysis {
    let project = inputs.project
    let analysis = try analyseParcels(parcelsPath: inputs.parcels.path, layer: project.parcels.layer,
                                      surfaces: classifiedSurfaces(project, surfaces.paths),
                                      phPath: surfaces.paths[project.ph.name], phValue: nil, exceedance: surfaces.exceedance,
                                      settings: try inputs.parcelSettings(threads: ctx.threads), preloaded: inputs.parcels,
                                      preloadedZones: inputs.townships, tile: tile)
    ctx.warnings += analysis.warnings
    return analysis
}

/// Writes `parcels.gpkg` and the township summaries (CSV, XLSX, JSON) of a run or a merge.
func writeParcelOutputs(_ analysis: ParcelAnalysis, context ctx: RunContext) throws {
    try analysis.writeGeoPackage(to: try ctx.path("parcels.gpkg"))
    try analysis.writeSummaries(csv: ctx.finalPath("township_summary.csv"), xlsx: ctx.finalPath("township_summary.xlsx"),
                                json: ctx.finalPath("township_summary.json"), files: ctx.files)
}
