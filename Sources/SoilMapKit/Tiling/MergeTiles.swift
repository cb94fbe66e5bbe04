import Foundation
import GeoIO
import GeoTypes
import Standards

/// `soilmap merge`: checks that every tile of the plan is complete and was made for it, then
/// writes into the plan's folder the outputs `soilmap run` writes, equal to them bit for bit
/// (rasters, parcels, township tables, monitoring, report; `run.json` differs only in its
/// timings and thread count).
///
/// - Rasters: each merged raster is streamed by row blocks: every block is assembled from the
///   tiles' core windows (read straight from the tiles' GeoTIFFs at their offsets, so no pixel
///   is resampled) and fed to the same writer, with the same specification, as a whole run.
/// - Parcels: the tiles' stored results (exact Doubles) in the order of the parcel layer (whose
///   ids the plan checked to be unique, and whose hash the merge checks again); the
///   township sums are then computed from them as a whole run does, in the same order, so the
///   tables are equal to the last bit rather than equal up to the order of additions.
/// - Memory: the rasters are streamed; the parcel layer (for the GeoPackage) and the parcel
///   results are held whole.
///
/// - Throws: ``PipelineError`` naming the missing or incomplete tiles (nothing is written then),
///   tiles made for another plan, a plan of another version or changed inputs; ``InputError``
///   for a plan file that is missing or not a plan.
public func mergeTiles(planPath: String, options: RunOptions, progress: ProgressReporter) throws -> RunResult {
    let started = Date()
    let plan = try TilePlan.load(path: planPath)
    let planDir = URL(fileURLWithPath: planPath).standardizedFileURL.deletingLastPathComponent().path
    // Every tile first: a merge of an incomplete set writes nothing.
    let records = try completeTiles(plan, planPath: planPath, planDir: planDir)
    let project = try plan.checkInputs()
    let ctx = try RunContext(threads: options.threads, project: project, outputDir: planDir, folderKey: "the plan's folder",
                             overwrite: options.overwrite, progress: progress, started: started)
    defer { ctx.finish() }
    _ = try ReportBuilder.styleSheet()  // a missing resource is said before any work

    ctx.begin("Reading inputs")
    let inputs = try RunInputs.read(project)
    ctx.warnings += inputs.warnings + plan.methodWarnings
    guard inputs.grid == plan.grid else {
        throw PipelineError(.stalePlan, path: project.file, "the project's grid is now \(inputs.grid) but the plan's is \(plan.grid); make the plan again")
    }
    let inputHashes = plan.inputs.map { ($0[0], $0[1]) }
    let crops = try CropSamples.read(project, in: inputs.working)
    try EvaluationUnits.checkAttributes(inputs)
    ctx.warnings += crops?.warnings ?? []
    ctx.end("read inputs", "\(inputs.parcels.items.count) parcels, \(inputs.samples.coordinates.count) samples" + (crops.map { ", \($0.count) crop samples" } ?? ""))

    let mosaic = TileMosaic(plan: plan, folder: planDir)
    let surfaces = try mergeSurfaces(inputs, plan: plan, mosaic: mosaic, context: ctx)
    let classCounts = try mergeClasses(inputs, surfacePaths: surfaces.paths, mosaic: mosaic, context: ctx)

    ctx.begin("Merging parcels")
    let analysis = try mergedParcels(inputs, records: records, exceedance: surfaces.exceedance, planDir: planDir, context: ctx)
    ctx.warnings += analysis.warnings
    try writeParcelOutputs(analysis, context: ctx)
    ctx.end("merge parcels", "\(analysis.parcels.count) parcels")
    let peak = records.map(\.peakMemory).max() ?? 0
    ctx.timings.append(("tiles: slowest task", records.map(\.seconds).max() ?? 0))
    progress.note(String(format: "%d tiles; slowest task %.1f s, peak memory per task %.0f MB", records.count,
                         records.map(\.seconds).max() ?? 0, Double(peak) / 1_048_576))
    return try finishRun(inputs, runs: surfaces.runs, surfacePaths: surfaces.paths, analysis: analysis, classCellCounts: classCounts,
                         crops: crops, inputHashes: inputHashes, context: ctx)
}

/// The records of every tile of `plan`, each complete and made for it.
///
/// - Throws: ``PipelineError`` listing the tiles without a readable `tile.json` (killed or never
///   run), or those made for another plan.
func completeTiles(_ plan: TilePlan, planPath: String, planDir: String) throws -> [TileRecord] {
    var records: [TileRecord] = [], missing: [Int] = [], foreign: [Int] = []
    for t in plan.tiles {
        let path = TilePlan.tileFolder(planDir, t.index) + "/" + TileRecord.fileName
        guard let data = FileManager.default.contents(atPath: path),
              let r = try? JSONDecoder.plan.decode(TileRecord.self, from: data) else { missing.append(t.index); continue }
        if r.planID != plan.planID || r.index != t.index || r.window != t.window { foreign.append(t.index); continue }
        records.append(r)
    }
    guard missing.isEmpty else {
        let list = missing.count > 20 ? missing.prefix(20).map(String.init).joined(separator: ", ") + ", …" : missing.map(String.init).joined(separator: ", ")
        throw PipelineError(.incompleteTiles, path: planPath,
                            "\(missing.count) of \(plan.tiles.count) tiles are missing or incomplete (no tiles/NNNN/tile.json): \(list); run soilmap tile \(planPath) --index I for each (a task killed half-way leaves no tile.json); nothing was merged")
    }
    guard foreign.isEmpty else {
        throw PipelineError(.foreignTiles, path: planPath,
                            "tiles \(foreign.map(String.init).joined(separator: ", ")) were computed for another plan (their tile.json carries another plan_id); run them again with soilmap tile \(planPath) --index I --overwrite; nothing was merged")
    }
    return records
}

/// The surfaces of a merge, variable by variable as a whole run writes them (the same
/// ``plannedVariables(_:chosen:)`` and writer specifications), streamed from the tiles' cores.
func mergeSurfaces(_ inputs: RunInputs, plan: TilePlan, mosaic: TileMosaic, context ctx: RunContext) throws -> RunSurfaces {
    var out = RunSurfaces()
    for planned in try plannedVariables(inputs, chosen: plan.variables) {
        let v = planned.variable, rasters = planned.rasters
        ctx.begin("Merging \(v.name)", total: plan.grid.rows, unit: "rows/s")
        let writers = try rasters.files.indices.map { k in
            try RasterWriter(path: try ctx.path(rasters.files[k].file), spec: rasters.spec(k, grid: plan.grid, crs: inputs.working, layout: .cog))
        }
        try mosaic.stream(rasters.files.map(\.file), into: writers, progress: ctx.progress)
        try RasterWriter.closeAll(writers)
        out.paths[v.name] = try ctx.files.pendingPath(for: ctx.finalPath(rasters.files[0].file))
        if let k = rasters.index(.pExceedScreening) { out.exceedance.append((v.name, try ctx.files.pendingPath(for: ctx.finalPath(rasters.files[k].file)))) }
        out.rasters.append(rasters)
        out.runs.append(planned.written)
        ctx.end("merge \(v.name)")
    }
    return out
}

/// The class and controlling rasters of a merge, with the specifications and metadata of
/// ``runClassify(surfaces:phPath:phValue:standard:landUse:output:controllingOutput:overwrite:threads:mask:maskPath:layout:)``;
/// returns the cells per class code 0…3.
func mergeClasses(_ inputs: RunInputs, surfacePaths: [String: String], mosaic: TileMosaic, context ctx: RunContext) throws -> [Int] {
    let project = inputs.project, grid = mosaic.plan.grid
    ctx.begin("Merging cell classes")
    let counted = classifiedSurfaces(project, surfacePaths)
    let classifier = try Classifier(table: inputs.standardTable, landUse: project.rasterLandUse, pollutants: counted.map { Pollutant($0.name) })
    // As runClassify: the class rasters take their CRS from the surfaces they are computed from.
    let surfaceCRS = try RasterDataset(path: counted.first?.path ?? surfacePaths[project.ph.name]!).crs
    let (cw, ctwOptional) = try classRasterWriters(class: try ctx.path("class.tif"), controlling: try ctx.path("controlling.tif"), grid: grid,
                                                   crs: surfaceCRS, table: inputs.standardTable, pollutants: classifier.pollutants,
                                                   standard: project.standard, landUse: project.rasterLandUse, parcelLandUses: true, layout: .cog)
    let ctw = ctwOptional!
    var classCounts = [Int](repeating: 0, count: 4)
    try mosaic.stream(["class.tif", "controlling.tif"], into: [cw, ctw], progress: ctx.progress) { k, values in
        if k == 0 { for v in values { classCounts[Int(v)] += 1 } }
    }
    try RasterWriter.closeAll([cw, ctw])
    ctx.end("merge classes")
    return classCounts
}

/// The parcel results of a merge: the tiles' stored results (exact bit patterns) in the order
/// of the parcel layer, made into the analysis a whole run makes (``ParcelAnalysis/init(results:source:settings:table:pollutants:exceedanceNames:hasPH:warnings:)``).
func mergedParcels(_ inputs: RunInputs, records: [TileRecord], exceedance: [(name: String, path: String)], planDir: String,
                   context ctx: RunContext) throws -> ParcelAnalysis {
    let project = inputs.project
    var byFID: [Int64: ParcelResult] = [:]
    for r in records {
        let path = TilePlan.tileFolder(planDir, r.index) + "/parcels.json"
        guard let data = FileManager.default.contents(atPath: path), let stored = try? JSONDecoder.plan.decode([StoredParcel].self, from: data) else {
            throw PipelineError(.incompleteTiles, path: path, "cannot be read as a tile's parcel results; run tile \(r.index) again with --overwrite")
        }
        for s in stored {
            guard byFID[s.fid] == nil else {
                throw PipelineError(.foreignTiles, path: path, location: "parcel feature \(s.fid)", "is in two tiles; make the plan again and run every tile")
            }
            byFID[s.fid] = try s.result(file: path)
        }
    }
    var results: [ParcelResult] = []
    results.reserveCapacity(inputs.parcels.items.count)
    for item in inputs.parcels.items {
        guard let r = byFID[item.fid] else {
            throw PipelineError(.stalePlan, path: inputs.parcels.path, location: "feature \(item.fid)",
                                "is in no tile's results; the parcels have changed since the plan was made — make the plan again and run every tile")
        }
        results.append(r)
    }
    let settings = try inputs.parcelSettings(threads: ctx.threads)
    return ParcelAnalysis(results: results, source: inputs.parcels, settings: settings, table: inputs.standardTable,
                          pollutants: project.classifiedPollutants.map(\.name), exceedanceNames: exceedance.map(\.name), hasPH: true)
}
