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
public struct VariableRun: Sendable {
    public struct Candidate: Sendable {
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

    // 1. Inputs, read once.
    progress.begin("Reading inputs")
    let parcelsPath = project.resolve(project.parcels.path)
    let parcels = try PolygonLayer.read(path: parcelsPath, layer: project.parcels.layer, encoding: project.parcels.encoding,
                                        encodingOption: SettingNames.projectFile.parcelsEncoding)
    warnings += parcels.warnings
    guard let parcelCRS = parcels.crs else {
        throw InputError(.badValue, path: parcelsPath, "the parcels have no CRS; add a .prj or use a GeoPackage")
    }
    guard let parcelExtent0 = Extent(enclosing: parcels.items.flatMap { $0.geometry.allCoordinates }) else {
        throw InputError(.badValue, path: parcelsPath, "the parcels have no coordinates")
    }
    let working: CRS
    if let c = project.crs { working = try CRS(c) } else if parcelCRS.isProjected { working = parcelCRS } else {
        let centre = try Transformer(from: parcelCRS, to: try CRS(epsg: 4326)).transform(parcelExtent0.center)
        working = try WorkingCRS.gaussKruger(forLongitude: centre.x)
    }
    guard working.isProjected else {
        throw InputError(.invalidArgument, path: project.file, "grid.crs \(working.shortName) is not projected; interpolation needs distances in metres")
    }
    // The parcels in the working CRS, transformed once (grid extent here, study-area mask below).
    let parcelGeometries = try parcels.geometries(in: working)
    let parcelExtent = working.isEquivalent(to: parcelCRS) ? parcelExtent0 : Extent(enclosing: parcelGeometries.flatMap(\.allCoordinates))!
    let samplesPath = project.resolve(project.samples.path)
    var reader = SampleReader(path: samplesPath, layer: project.samples.layer, xField: project.samples.x, yField: project.samples.y,
                              sourceCRS: try project.samples.crs.map(CRS.init), idField: project.samples.id, allowUnknownCRS: false,
                              encoding: project.samples.encoding, names: .projectFile)
    reader.round = project.samples.round
    let table = try reader.read(targetCRS: working)
    warnings += table.warnings
    guard let sampleExtent = Extent(enclosing: table.coordinates), sampleExtent.intersects(parcelExtent) else {
        throw InputError(.badValue, path: samplesPath,
                         "the samples (extent \(Extent(enclosing: table.coordinates).map { "\($0)" } ?? "empty")) and the parcels (\(parcelExtent) in \(working.shortName)) do not overlap; check the samples' CRS (samples.crs; lon/lat swapped?) and the parcels' CRS (\(parcelCRS.shortName), from the file's .prj or GeoPackage)")
    }
    var townships: PolygonLayer? = nil
    if let t = project.townships {
        townships = try PolygonLayer.read(path: project.resolve(t.path), layer: t.layer, encoding: t.encoding,
                                          encodingOption: "townships.encoding")
        warnings += townships!.warnings
        _ = try townships!.requireField(t.nameField, option: "townships.name_field")
    }
    let inputHashes = try inputFiles(project).map { ($0, try SHA256.hex(file: $0)) }
    timings.append(("read inputs", progress.end("\(parcels.items.count) parcels, \(table.coordinates.count) samples")))

    // 2. Grid over the parcels, snapped to the resolution.
    let r = project.resolution
    let ext = Extent(minX: ((parcelExtent.minX - project.margin) / r).rounded(.down) * r,
                     minY: ((parcelExtent.minY - project.margin) / r).rounded(.down) * r,
                     maxX: ((parcelExtent.maxX + project.margin) / r).rounded(.up) * r,
                     maxY: ((parcelExtent.maxY + project.margin) / r).rounded(.up) * r)
    let grid = try GridSpec(extent: ext, cellWidth: r, cellHeight: r)
    try GridBudget.check(grid, crs: working, projectFile: project.file, parcels: parcels, idField: project.parcels.idField,
                         geometries: parcelGeometries)

    // 3. pH first (exceedance of pH-dependent thresholds needs it), then the pollutants.
    let table15618 = try project.standard.table()
    var runs: [VariableRun] = []
    var surfacePaths: [String: String] = [:]
    var exceedancePaths: [(name: String, path: String)] = []
    for v in [project.ph] + project.pollutants {
        progress.begin("Choosing the method for \(v.name)")
        var local: [String] = []
        let run = try chooseMethod(v, table: table, rule: project.samples.belowDetection, threads: threads, warnings: &local)
        warnings += local
        timings.append(("method \(v.name)", progress.end("\(run.chosen.label), LOO RMSE \(String(format: "%.4g", run.chosen.cv.rootMeanSquaredError))")))
        progress.begin("Interpolating \(v.name)", total: grid.rows, unit: "rows/s")
        var written = run
        let vs = try variableSamples(table, field: v.field, method: run.chosen.settings.method, rule: project.samples.belowDetection,
                                     warnings: &local)
        let interp = try makeInterpolator(vs, settings: run.chosen.settings, variogram: run.chosen.variogram?.model)
        let stem = v.name
        let predName = "\(stem).tif", varName = "\(stem)_variance.tif"
        var md = ["SOILMAP_VERSION": SoilMapVersion.string, "SOILMAP_FIELD": v.field, "SOILMAP_METHOD": run.chosen.label,
                  "SOILMAP_SAMPLES": String(vs.samples.count), "UNITS": v.name.lowercased() == "ph" ? "pH" : "mg/kg"]
        if let m = run.chosen.variogram { md["SOILMAP_VARIOGRAM"] = m.model.description + (m.logScale ? " (log scale)" : "") }
        let isKriging = run.chosen.settings.method != .idw
        let predPath = try out(predName)
        let varPath = isKriging ? try out(varName) : nil
        written.files["prediction"] = predName
        if isKriging { written.files["variance"] = varName }
        if run.chosen.settings.method == .lok, v.classify || table15618.canonical(Pollutant(v.name)) != nil,
           let phPath = surfacePaths[project.ph.name] {
            // Lognormal: also the probabilities of exceeding the screening and intervention values.
            let pollutant = Pollutant(v.name)
            let hasIntervention = table15618.rows.contains { $0.pollutant == pollutant && $0.threshold.intervention != nil }
            let exScreen = "\(stem)_p_exceed_screening.tif", exInterv = "\(stem)_p_exceed_intervention.tif"
            written.files["p_exceed_screening"] = exScreen
            if hasIntervention { written.files["p_exceed_intervention"] = exInterv }
            let pScreen = try out(exScreen), pInterv = hasIntervention ? try out(exInterv) : nil
            try interpolateLognormalWithExceedance(interp as! LognormalKriging, grid: grid, crs: working, prediction: predPath,
                                                   variance: varPath!, screening: pScreen, intervention: pInterv, phPath: phPath,
                                                   pollutant: pollutant, table: table15618, landUse: project.rasterLandUse,
                                                   threads: threads, metadata: md, progress: progress)
            exceedancePaths.append((v.name, pScreen))
        } else {
            try interpolateToRasters(interp, grid: grid, crs: working, outputs: GridOutputs(prediction: predPath, variance: varPath),
                                     threads: threads, metadata: md, description: v.name) { progress.update($0) }
        }
        surfacePaths[v.name] = predPath
        timings.append(("interpolate \(v.name)", progress.end()))
        runs.append(written)
    }

    // 4. Cell classes, within the study area: the townships if given, else the parcels (the grid
    //    rectangle and its margin around them are nodata in the class raster).
    progress.begin("Classifying cells")
    let areaPolygons: [Polygon]
    if let townships {
        areaPolygons = try townships.geometries(in: working, assuming: parcelCRS).flatMap(\.polygons)
    } else {
        areaPolygons = parcelGeometries.flatMap(\.polygons)
    }
    let studyArea = coverageMask(of: areaPolygons, on: grid)
    let counted = project.pollutants.filter(\.classify).map { (name: $0.name, path: surfacePaths[$0.name]!) }
    let classReport = try runClassify(surfaces: counted, phPath: surfacePaths[project.ph.name], phValue: nil,
                                      standard: project.standard, landUse: project.rasterLandUse,
                                      output: try out("class.tif"), controllingOutput: try out("controlling.tif"), overwrite: true,
                                      threads: threads, mask: studyArea)
    timings.append(("classify cells", progress.end()))

    // 5. Parcels and townships.
    progress.begin("Parcels: coverage, statistics, classes, areas")
    var settings = ParcelSettings()
    settings.standard = project.standard
    settings.landUseField = project.parcels.landUseField
    if let m = project.parcels.landUseMap {
        settings.landUseMapping = try LandUseMapping(parse: m.map { "\($0.0)=\($0.1)" }.joined(separator: ","))
    }
    settings.defaultLandUse = project.parcels.defaultLandUse
    settings.rule = project.rule
    settings.areaMode = project.area
    settings.idField = project.parcels.idField
    settings.encoding = project.parcels.encoding
    settings.threads = threads
    settings.names = .projectFile
    if let f = project.parcels.townshipField {
        settings.zones = .field(f)
    } else if let t = project.townships {
        settings.zones = .polygons(path: project.resolve(t.path), layer: t.layer, nameField: t.nameField)
    }
    let analysis = try analyseParcels(parcelsPath: parcelsPath, layer: project.parcels.layer, surfaces: counted,
                                      phPath: surfacePaths[project.ph.name], phValue: nil, exceedance: exceedancePaths,
                                      settings: settings, preloaded: parcels, preloadedZones: townships)
    warnings += analysis.warnings
    try analysis.writeGeoPackage(to: try out("parcels.gpkg"))
    try analysis.writeSummaries(csv: outDir + "/township_summary.csv", xlsx: outDir + "/township_summary.xlsx",
                                json: outDir + "/township_summary.json", files: files)
    timings.append(("parcels", progress.end("\(analysis.parcels.count) parcels")))

    // 5b. Soil around key supervised enterprises, with the run's surfaces for the area shares.
    var monitoring: MonitoringResult? = nil
    if let m = project.monitoring {
        progress.begin("Monitoring around enterprises")
        var ms = MonitorSettings(rings: m.rings)
        ms.idField = m.idField
        ms.nameField = m.nameField
        ms.standard = project.standard
        ms.landUse = m.landUse
        ms.phColumn = project.ph.field
        let monitored = project.pollutants.filter { table15618.canonical(Pollutant($0.name)) != nil }
        let r = try monitorEnterprises(path: m.path, layer: m.layer, samples: reader, pollutants: monitored.map { ($0.name, $0.field) },
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
    let result = RunResult(outputDir: outDir, files: [], variables: runs, analysis: analysis, grid: grid, crs: working,
                           timings: timings, warnings: warnings, classCellCounts: classReport.cellCounts)
    let html = try ReportBuilder(project: project, result: result, classRaster: try files.pendingPath(for: outDir + "/class.tif"),
                                 surfaces: surfacePaths, townships: townships, sampleTable: table, monitoring: monitoring).html()
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
