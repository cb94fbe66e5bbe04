import Foundation
import GeoIO
import GeoTypes
import Standards

/// `soilmap merge`: checks that every tile of the plan is complete and was made for it, then
/// writes into the plan's folder the outputs `soilmap run` writes, equal to them bit for bit
/// (rasters, parcels, township tables, monitoring, report; `run.json` differs only in its
/// timings, thread count and the tiles it lists).
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
/// - Throws: ``InputError`` naming the missing or incomplete tiles (nothing is written then),
///   tiles made for another plan, a plan of another version or changed inputs.
public func mergeTiles(planPath: String, options: RunOptions, progress: ProgressReporter) throws -> RunResult {
    let t0 = Date()
    let plan = try TilePlan.load(path: planPath)
    let planDir = URL(fileURLWithPath: planPath).standardizedFileURL.deletingLastPathComponent().path
    // Every tile first: a merge of an incomplete set writes nothing.
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
        throw InputError(.badValue, path: planPath,
                         "\(missing.count) of \(plan.tiles.count) tiles are missing or incomplete (no tiles/NNNN/tile.json): \(list); run soilmap tile \(planPath) --index I for each (a task killed half-way leaves no tile.json); nothing was merged")
    }
    guard foreign.isEmpty else {
        throw InputError(.badValue, path: planPath,
                         "tiles \(foreign.map(String.init).joined(separator: ", ")) were computed for another plan (their tile.json carries another plan_id); run them again with soilmap tile \(planPath) --index I --overwrite; nothing was merged")
    }
    let project = try plan.checkInputs()
    let threads = max(options.threads ?? project.threads ?? ProcessInfo.processInfo.activeProcessorCount, 1)
    let folder = try OutputFolder(planDir, key: "the plan's folder")
    defer { folder.release() }
    let files = OutputFiles(overwrite: options.overwrite)
    if ProcessInfo.processInfo.environment["GDAL_CACHEMAX"] == nil { GDALConfiguration.setBlockCacheSize(bytes: 256 << 20) }
    GDALConfiguration.setForThisThread("OGR_CURRENT_DATE", "2000-01-01T00:00:00Z")
    defer { GDALConfiguration.setForThisThread("OGR_CURRENT_DATE", nil) }
    func out(_ name: String) throws -> String { try files.temporaryPath(for: planDir + "/" + name) }
    var timings: [(String, Double)] = [], warnings: [String] = []

    progress.begin("Reading inputs")
    let inputs = try RunInputs.read(project)
    warnings += inputs.warnings + plan.methodWarnings
    guard inputs.grid == plan.grid else {
        throw InputError(.badValue, path: project.file, "the project's grid is now \(inputs.grid) but the plan's is \(plan.grid); make the plan again")
    }
    let inputHashes = plan.inputs.map { ($0[0], $0[1]) }
    timings.append(("read inputs", progress.end("\(inputs.parcels.items.count) parcels, \(inputs.samples.coordinates.count) samples")))

    // Rasters, variable by variable as a whole run writes them.
    let mosaic = TileMosaic(plan: plan, folder: planDir)
    var surfacePaths: [String: String] = [:], exceedance: [(name: String, path: String)] = [], runs: [VariableRun] = []
    for (v, run) in zip([project.ph] + project.pollutants, plan.variables) {
        progress.begin("Merging \(v.name)", total: plan.grid.rows, unit: "rows/s")
        var noted: [String] = []
        let count = try variableSamples(inputs.samples, field: v.field, method: run.chosen.settings.method,
                                        rule: project.samples.belowDetection, warnings: &noted).samples.count
        let rasters = VariableRasters(v, run: run, sampleCount: count, table: inputs.standardTable, hasPH: surfacePaths[project.ph.name] != nil,
                                      compression: project.surfaceCompression)
        var written = run
        var writers: [RasterWriter] = []
        for (k, f) in rasters.files.enumerated() {
            written.files[f.key] = f.file
            writers.append(try RasterWriter(path: try out(f.file), spec: rasters.spec(k, grid: plan.grid, crs: inputs.working, layout: .cog)))
        }
        try mosaic.stream(rasters.files.map(\.file), into: writers, progress: progress)
        try RasterWriter.closeAll(writers)
        surfacePaths[v.name] = try files.pendingPath(for: planDir + "/" + rasters.files[0].file)
        if rasters.lognormalExceedance { exceedance.append((v.name, try files.pendingPath(for: planDir + "/" + rasters.files[2].file))) }
        runs.append(written)
        timings.append(("merge \(v.name)", progress.end()))
    }

    progress.begin("Merging cell classes")
    let counted = project.pollutants.filter(\.classify).map { (name: $0.name, path: surfacePaths[$0.name]!) }
    let classifier = try Classifier(table: inputs.standardTable, landUse: project.rasterLandUse, pollutants: counted.map { Pollutant($0.name) })
    // As runClassify: the class rasters take their CRS from the surfaces they are computed from.
    let surfaceCRS = try RasterDataset(path: counted.first?.path ?? surfacePaths[project.ph.name]!).crs
    let md = classMetadata(standard: project.standard, landUse: project.rasterLandUse, pollutants: classifier.pollutants)
    let cw = try RasterWriter(path: try out("class.tif"), spec: classRasterSpec(grid: plan.grid, crs: surfaceCRS, standard: inputs.standardTable.kind, metadata: md))
    let ctw = try RasterWriter(path: try out("controlling.tif"),
                               spec: controllingRasterSpec(grid: plan.grid, crs: surfaceCRS, pollutants: classifier.pollutants.map(\.name), metadata: md))
    var classCounts = [Int](repeating: 0, count: 4)
    try mosaic.stream(["class.tif", "controlling.tif"], into: [cw, ctw], progress: progress) { k, values in
        if k == 0 { for v in values { classCounts[Int(v)] += 1 } }
    }
    try RasterWriter.closeAll([cw, ctw])
    timings.append(("merge classes", progress.end()))

    progress.begin("Merging parcels")
    var byFID: [Int64: ParcelResult] = [:]
    byFID.reserveCapacity(plan.parcelCount)
    for r in records {
        let path = TilePlan.tileFolder(planDir, r.index) + "/parcels.json"
        guard let data = FileManager.default.contents(atPath: path), let stored = try? JSONDecoder.plan.decode([StoredParcel].self, from: data) else {
            throw InputError(.badValue, path: path, "cannot be read as a tile's parcel results; run tile \(r.index) again with --overwrite")
        }
        for s in stored {
            guard byFID[s.fid] == nil else {
                throw InputError(.badValue, path: path, location: "parcel feature \(s.fid)", "is in two tiles; make the plan again and run every tile")
            }
            byFID[s.fid] = try s.result(file: path)
        }
    }
    var results: [ParcelResult] = []
    results.reserveCapacity(inputs.parcels.items.count)
    for item in inputs.parcels.items {
        guard let r = byFID[item.fid] else {
            throw InputError(.badValue, path: inputs.parcels.path, location: "feature \(item.fid)",
                             "is in no tile's results; the parcels have changed since the plan was made — make the plan again and run every tile")
        }
        results.append(r)
    }
    let settings = try inputs.parcelSettings(threads: threads)
    let analysis = ParcelAnalysis(pollutants: counted.map(\.name), hasPH: true, exceedanceNames: exceedance.map(\.name), parcels: results,
                                  source: inputs.parcels, zoneOrder: zoneOrder(of: results),
                                  warnings: parcelResultWarnings(results, zones: settings.zones), standardName: project.standard.name,
                                  standardKind: inputs.standardTable.kind, rule: project.rule, areaMode: project.area)
    warnings += analysis.warnings
    try analysis.writeGeoPackage(to: try out("parcels.gpkg"))
    try analysis.writeSummaries(csv: planDir + "/township_summary.csv", xlsx: planDir + "/township_summary.xlsx",
                                json: planDir + "/township_summary.json", files: files)
    timings.append(("merge parcels", progress.end("\(results.count) parcels")))
    let peak = records.map(\.peakMemory).max() ?? 0
    timings.append(("tiles: slowest task", records.map(\.seconds).max() ?? 0))
    progress.note(String(format: "%d tiles; slowest task %.1f s, peak memory per task %.0f MB", records.count,
                         records.map(\.seconds).max() ?? 0, Double(peak) / 1_048_576))
    return try finishRun(inputs, runs: runs, surfacePaths: surfacePaths, analysis: analysis, classCellCounts: classCounts,
                         outDir: planDir, files: files, threads: threads, inputHashes: inputHashes, started: t0,
                         timings: timings, warnings: warnings, progress: progress)
}

/// Reads the tiles' core windows of one raster file name as whole-grid row blocks.
struct TileMosaic {
    let plan: TilePlan
    let folder: String
    static let blockRows = 256

    /// Streams files `names` (one per writer, the same name in every tile's folder) into
    /// `writers`, north to south; `inspect(k, block)` sees each block of file k (class counts).
    func stream(_ names: [String], into writers: [RasterWriter], progress: ProgressReporter,
                inspect: (Int, [Float]) -> Void = { _, _ in }) throws {
        let grid = plan.grid
        for ty in 0..<plan.tileRows {
            let band = plan.tiles[(ty * plan.tileColumns)..<((ty + 1) * plan.tileColumns)]
            // One dataset per tile of this band and file, opened once for the band.
            let bands: [[RasterBand]] = try band.map { t in
                try names.map { try RasterDataset(path: TilePlan.tileFolder(folder, t.index) + "/" + $0).band(1) }
            }
            let core0 = band.first!.core
            var row = core0.firstRow
            while row < core0.endRow {
                let n = min(Self.blockRows, core0.endRow - row)
                for k in names.indices {
                    var block = [Float](repeating: 0, count: n * grid.columns)
                    for (j, t) in band.enumerated() {
                        let v = try bands[j][k].read(column: t.core.firstColumn - t.window.firstColumn, row: row - t.window.firstRow,
                                                     columns: t.core.columns, rows: n)
                        for r in 0..<n {
                            let dst = r * grid.columns + t.core.firstColumn, src = r * t.core.columns
                            for c in 0..<t.core.columns { block[dst + c] = Float(v[src + c]) }
                        }
                    }
                    inspect(k, block)
                    if writers[k].spec.pixelType == .uint8 {
                        try writers[k].write(rows: block.map { UInt8($0) })
                    } else {
                        try writers[k].write(rows: block)
                    }
                }
                row += n
                progress.update(row)
            }
        }
    }
}
