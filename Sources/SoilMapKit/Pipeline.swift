import Foundation
import GeoIO
import Geostat
import Standards

/// Options of `soilmap run` that are not in the project file.
public struct RunOptions: Sendable {
    /// Output folder; default: the project's `outputs.dir` (relative to the project file).
    public var outputDir: String?
    public var overwrite: Bool = false
    public var threads: Int?
    public init(outputDir: String? = nil, overwrite: Bool = false, threads: Int? = nil) {
        self.outputDir = outputDir
        self.overwrite = overwrite
        self.threads = threads
    }
}

/// How one variable was mapped: the chosen method, its variogram and every candidate's CV.
public struct VariableRun: Sendable, Codable {
    public struct Candidate: Sendable, Codable {
        public var label: String
        public var settings: InterpolationSettings
        public var variogram: FittedVariogram?
        public var cv: CrossValidation.Statistics
    }
    public var name: String
    public var field: String
    public var sampleCount: Int
    public var chosen: Candidate
    public var candidates: [Candidate]
    public var classify: Bool
    public var files: [String: String]
}

/// The outcome of a run: what was written and measured.
public struct RunResult: Sendable {
    public var outputDir: String
    public var files: [String]
    public var variables: [VariableRun]
    public var analysis: ParcelAnalysis
    public var grid: GridSpec
    public var crs: CRS
    public var timings: [(String, Double)]
    public var warnings: [String]
    public var classCellCounts: [Int]
}

/// Runs a whole project: reads the inputs once, interpolates every pollutant and pH (choosing
/// methods by leave-one-out RMSE for `auto`), classifies cells and parcels, and writes the
/// surfaces, class rasters, parcels, township summaries, report and provenance into the
/// output folder. All files are written under temporary names and renamed only when the
/// whole run succeeded.
public func runProject(_ project: Project, options: RunOptions, progress: ProgressReporter) throws -> RunResult {
    let t0 = Date()
    var timings: [(String, Double)] = []
    var warnings: [String] = []
    let threads = max(options.threads ?? project.threads ?? ProcessInfo.processInfo.activeProcessorCount, 1)
    let outDir = options.outputDir.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
        ?? project.resolve(project.outputDir)
    let folder = try OutputFolder(outDir, key: options.outputDir == nil ? "outputs.dir" : "-o/--output")
    defer { folder.release() }
    let files = OutputFiles(overwrite: options.overwrite)
    // GDAL's block cache: 256 MB unless the user set GDAL_CACHEMAX (on the sample county this
    // halves peak memory, 1.4 GB → 0.77 GB, at the same speed).
    if ProcessInfo.processInfo.environment["GDAL_CACHEMAX"] == nil {
        GDALConfiguration.setBlockCacheSize(bytes: 256 << 20)
    }
    // Reproducible outputs: GeoPackages record this as their last-change time instead of now.
    // Thread-local: every GeoPackage of the run is written and closed on this thread, and
    // another run in the same process (a test suite) cannot unset it half-way.
    GDALConfiguration.setForThisThread("OGR_CURRENT_DATE", "2000-01-01T00:00:00Z")
    defer { GDALConfiguration.setForThisThread("OGR_CURRENT_DATE", nil) }
    func out(_ name: String) throws -> String { try files.temporaryPath(for: outDir + "/" + name) }

    // 1. Inputs, read once; the grid over the parcels, snapped to the resolution.
    progress.begin("Reading inputs")
    let inputs = try RunInputs.read(project)
    warnings += inputs.warnings
    let grid = inputs.grid, working = inputs.working, table = inputs.samples, townships = inputs.townships
    try GridBudget.check(grid, crs: working, projectFile: project.file, parcels: inputs.parcels, idField: project.parcels.idField,
                         geometries: inputs.parcelGeometries)
    let inputHashes = try inputFiles(project).map { ($0, try SHA256.hex(file: $0)) }
    timings.append(("read inputs", progress.end("\(inputs.parcels.items.count) parcels, \(table.coordinates.count) samples")))

    // 2. Methods (leave-one-out), then pH first (exceedance of pH-dependent thresholds needs it)
    //    and the pollutants.
    let chosen = try chooseMethods(inputs, threads: threads, progress: progress, timings: &timings, warnings: &warnings)
    progress.begin("Study area")
    let studyArea = coverageMask(of: try inputs.studyAreaPolygons(), on: grid)
    let surfaceMask = try inputs.surfaceMask(window: GridWindow(grid: grid), studyArea: studyArea)
    timings.append(("study area", progress.end(surfaceMask.map { m in
        "surfaces on \(m.lazy.filter { $0 }.count) of \(m.count) cells" } ?? "surfaces on the whole grid")))
    let surfaces = try interpolateVariables(inputs, chosen: chosen, window: nil, mask: surfaceMask, layout: .cog, threads: threads,
                                            progress: progress,
                                            timings: &timings, warnings: &warnings, path: out)
    let runs = surfaces.runs, surfacePaths = surfaces.paths

    // 3. Cell classes, within the study area: the townships if given, else the parcels (the grid
    //    rectangle and its margin around them are nodata in the class raster).
    progress.begin("Classifying cells")
    let counted = classifiedSurfaces(project, surfaces)
    let classReport = try runClassify(surfaces: counted, phPath: surfacePaths[project.ph.name], phValue: nil,
                                      standard: project.standard, landUse: project.rasterLandUse,
                                      output: try out("class.tif"), controllingOutput: try out("controlling.tif"), overwrite: true,
                                      threads: threads, mask: studyArea)
    timings.append(("classify cells", progress.end()))

    // 4. Parcels and townships.
    progress.begin("Parcels: coverage, statistics, classes, areas")
    let analysis = try analyseParcels(parcelsPath: inputs.parcels.path, layer: project.parcels.layer, surfaces: counted,
                                      phPath: surfacePaths[project.ph.name], phValue: nil, exceedance: surfaces.exceedance,
                                      settings: try inputs.parcelSettings(threads: threads), preloaded: inputs.parcels,
                                      preloadedZones: townships)
    warnings += analysis.warnings
    try analysis.writeGeoPackage(to: try out("parcels.gpkg"))
    try analysis.writeSummaries(csv: outDir + "/township_summary.csv", xlsx: outDir + "/township_summary.xlsx",
                                json: outDir + "/township_summary.json", files: files)
    timings.append(("parcels", progress.end("\(analysis.parcels.count) parcels")))

    return try finishRun(inputs, runs: runs, surfacePaths: surfacePaths, analysis: analysis, classCellCounts: classReport.cellCounts,
                         outDir: outDir, files: files, threads: threads, inputHashes: inputHashes, started: t0,
                         timings: timings, warnings: warnings, progress: progress)
}

/// The end of every run, a whole one or a merge of tiles: monitoring around enterprises (with
/// the run's surfaces for the area shares), the report and the provenance (`run.json`); then the
/// output folder's files are committed (renamed to their names).
func finishRun(_ inputs: RunInputs, runs: [VariableRun], surfacePaths: [String: String], analysis: ParcelAnalysis,
               classCellCounts: [Int], outDir: String, files: OutputFiles, threads: Int, inputHashes: [(String, String)],
               started t0: Date, timings: [(String, Double)], warnings: [String], progress: ProgressReporter) throws -> RunResult {
    var timings = timings, warnings = warnings
    let project = inputs.project
    func out(_ name: String) throws -> String { try files.temporaryPath(for: outDir + "/" + name) }
    // 5b. Soil around key supervised enterprises, with the run's surfaces for the area shares.
    var monitoring: MonitoringResult? = nil
    if let m = project.monitoring {
        progress.begin("Monitoring around enterprises")
        let ms = m.settings(project)
        let monitored = project.pollutants.filter { inputs.standardTable.canonical(Pollutant($0.name)) != nil }
        let r = try monitorEnterprises(path: m.path, layer: m.layer, samples: inputs.reader, pollutants: monitored.map { ($0.name, $0.field) },
                                       surfaces: monitored.map { (name: $0.name, path: surfacePaths[$0.name]!) },
                                       phSurface: surfacePaths[project.ph.name], settings: ms)
        warnings += r.warnings.filter { !warnings.contains($0) }
        try r.writeGeoPackage(to: try out("rings.gpkg"))
        try r.statisticsTable.writeCSV(to: try out("monitoring.csv"))
        if r.rounds.count > 1 { try r.changesTable.writeCSV(to: try out("monitoring_changes.csv")) }
        monitoring = r
        timings.append(("monitoring", progress.end("\(r.rings.count) rings")))
    }

    // 6. Report and provenance.
    progress.begin("Writing the report")
    let result = RunResult(outputDir: outDir, files: [], variables: runs, analysis: analysis, grid: inputs.grid, crs: inputs.working,
                           timings: timings, warnings: warnings, classCellCounts: classCellCounts)
    let html = try ReportBuilder(project: project, result: result, classRaster: try files.pendingPath(for: outDir + "/class.tif"),
                                 surfaces: surfacePaths, townships: inputs.townships, sampleTable: inputs.samples, monitoring: monitoring).html()
    try files.write(Data(html.utf8), to: outDir + "/report.html")
    timings.append(("report", progress.end()))
    var final = result
    final.timings = timings + [("total", Date().timeIntervalSince(t0))]
    try files.write(try JSONValue.encodeJSON(provenance(project, final, inputHashes: inputHashes, threads: threads)), to: outDir + "/run.json")
    final.files = files.pendingFinalPaths
    try files.commit()
    return final
}

/// The input files of a project (for hashes): the project file, samples, parcels (with shapefile
/// parts), townships, a user threshold table.
func inputFiles(_ p: Project) -> [String] {
    var paths = [URL(fileURLWithPath: p.file).standardizedFileURL.path, p.resolve(p.samples.path), p.resolve(p.parcels.path)]
    if let t = p.townships { paths.append(p.resolve(t.path)) }
    if let m = p.monitoring { paths.append(m.path) }
    if case let .csv(path) = p.standard { paths.append(path) }
    var seen = Set<String>()
    return paths.flatMap(inputFiles(ofDataset:)).filter { seen.insert($0).inserted }
}

/// The files of one dataset: a shapefile's parts (.shp, .shx, .dbf, .prj, .cpg), else the file.
func inputFiles(ofDataset path: String) -> [String] {
    guard path.lowercased().hasSuffix(".shp") else { return [path] }
    let base = String(path.dropLast(4))
    return ["shp", "shx", "dbf", "prj", "cpg"].map { base + "." + $0 }.filter { FileManager.default.fileExists(atPath: $0) }
}
