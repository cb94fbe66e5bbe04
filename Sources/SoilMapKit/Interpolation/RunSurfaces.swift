import Foundation
import GeoIO
import GeoTypes
import Geostat
import Standards
import Zonal

/// What a raster of a variable holds; the raw value is its key in ``VariableRun/files`` (run.json).
enum SurfaceRole: String, Sendable {
    case prediction
    case variance
    case pExceedScreening = "p_exceed_screening"
    case pExceedIntervention = "p_exceed_intervention"
}

/// The raster files of one variable, as a run names them, with the quantity each holds.
struct VariableRasters {
    var name: String
    /// (role, file name, quantity) in writing order.
    var files: [(role: SurfaceRole, file: String, quantity: String)]
    var metadata: [String: String]
    var lognormalExceedance: Bool
    /// Band descriptions start with this name.
    var description: String
    var compression: Compression

    /// The rasters of `run` (its chosen method): prediction, variance for kriging, and for lognormal
    /// kriging of a pollutant with GB 15618 values (and a pH surface) the exceedance probabilities.
    init(_ v: Project.Variable, run: VariableRun, sampleCount: Int, table: ThresholdTable, hasPH: Bool,
         compression: Compression = .deflate) {
        name = v.name
        self.compression = compression
        metadata = RasterMetadata.surface(field: v.field, settings: run.chosen.settings, sampleCount: sampleCount,
                                          variogram: run.chosen.variogram?.model, unit: Analyte(v.name).unit)
        let method = run.chosen.settings.method
        files = [(.prediction, "\(v.name).tif", "prediction")]
        lognormalExceedance = method == .lok && hasPH && (v.classify || table.canonical(Pollutant(v.name)) != nil)
        description = lognormalExceedance ? Pollutant(v.name).name : v.name
        if lognormalExceedance {
            files.append((.variance, "\(v.name)_variance.tif", "kriging variance (log scale)"))
            files.append((.pExceedScreening, "\(v.name)_p_exceed_screening.tif", "probability of exceeding the screening value"))
            let pollutant = Pollutant(v.name)
            if table.rows.contains(where: { $0.pollutant == pollutant && $0.threshold.intervention != nil }) {
                files.append((.pExceedIntervention, "\(v.name)_p_exceed_intervention.tif", "probability of exceeding the intervention value"))
            }
        } else if method != .idw {
            files.append((.variance, "\(v.name)_variance.tif", "kriging variance"))
        }
    }

    /// The position of the raster holding `role` in ``files`` (writing order), if the variable has one.
    func index(_ role: SurfaceRole) -> Int? { files.firstIndex { $0.role == role } }

    /// The raster specification of file `k` on `grid` (the run's: a COG; a tile's: a plain GeoTIFF).
    func spec(_ k: Int, grid: GridSpec, crs: CRS, layout: SurfaceLayout) -> RasterSpec {
        surfaceRasterSpec(grid: grid, crs: crs, metadata: metadata, quantity: files[k].quantity, description: description, layout: layout,
                          compression: compression)
    }
}

/// The surfaces a run interpolated: paths by variable name, and the exceedance rasters.
struct RunSurfaces {
    var runs: [VariableRun] = []
    var rasters: [VariableRasters] = []
    var paths: [String: String] = [:]
    var exceedance: [(name: String, path: String)] = []
}

/// One variable of a run: its project entry, its chosen method, its samples and the rasters it
/// is written to.
struct PlannedVariable {
    var variable: Project.Variable
    var run: VariableRun
    var samples: VariableSamples
    var rasters: VariableRasters

    /// ``run`` with the file of each raster (``VariableRun/files``).
    var written: VariableRun {
        var w = run
        for f in rasters.files { w.files[f.role.rawValue] = f.file }
        return w
    }
}

/// The variables of a run (pH first) with their chosen methods (`chosen`, in the same order) and
/// the rasters each is written to: what a whole run and a tile interpolate and a merge assembles.
func plannedVariables(_ inputs: RunInputs, chosen: [VariableRun]) throws -> [PlannedVariable] {
    let project = inputs.project
    return try zip(project.variables, chosen).enumerated().map { k, pair in
        let (v, run) = pair
        var noted: [String] = []
        let vs = try variableSamples(inputs.samples, field: v.field, method: run.chosen.settings.method,
                                     rule: project.samples.belowDetection, warnings: &noted)
        // pH comes first, so every pollutant has the pH surface for its exceedance probabilities.
        let rasters = VariableRasters(v, run: run, sampleCount: vs.samples.count, table: inputs.standardTable,
                                      hasPH: k > 0, compression: project.surfaceCompression)
        return PlannedVariable(variable: v, run: run, samples: vs, rasters: rasters)
    }
}

/// Interpolates every variable (pH first) with its chosen method onto `window` of `inputs.grid`
/// (the whole grid when nil), writing each raster to the context's temporary path of its name.
///
/// Every cell is a pure function of its coordinates (taken from the whole grid), so a window's
/// cells equal the whole grid's bit for bit whatever the window, block size or thread count.
func interpolateVariables(_ inputs: RunInputs, chosen: [VariableRun], window: GridWindow?, mask: [Bool]?, layout: SurfaceLayout,
                          context ctx: RunContext) throws -> RunSurfaces {
    let project = inputs.project
    let window = window ?? GridWindow(grid: inputs.grid)
    var out = RunSurfaces()
    // The pH surface's values over the window, kept from its interpolation for the exceedance
    // probabilities of the pollutants (one read of 4 bytes a cell instead of one per pollutant).
    var pH: [Float] = []
    pH.reserveCapacity(window.cellCount)
    // COG surfaces are read back (classification, parcels, monitoring, report) from their
    // uncompressed staging copies, which hold the same pixels, overviews and statistics: parcels
    // on the sample county 5 s → 2 s. The output folder removes them when the run ends.
    func readable(_ path: String) -> String { layout == .cog ? RasterWriter.stagingPath(for: path) : path }
    // Variables with the same samples and neighbourhood search each row's neighbours once.
    let neighbourCache = NeighbourSetCache()
    for planned in try plannedVariables(inputs, chosen: chosen) {
        let v = planned.variable, run = planned.run, rasters = planned.rasters
        ctx.begin("Interpolating \(v.name)", total: window.rows, unit: "rows/s")
        let interp = try makeInterpolator(planned.samples, settings: run.chosen.settings, variogram: run.chosen.variogram?.model,
                                          neighbourCache: neighbourCache)
        let paths = try rasters.files.map { try ctx.path($0.file) }
        if rasters.lognormalExceedance {
            try interpolateLognormalWithExceedance(interp as! LognormalKriging, grid: inputs.grid, window: window, rasters: rasters,
                                                   paths: paths, crs: inputs.working, layout: layout,
                                                   pH: pH, pollutant: Pollutant(v.name),
                                                   table: inputs.standardTable, landUse: project.rasterLandUse, mask: mask,
                                                   threads: ctx.threads, progress: ctx.progress)
            out.exceedance.append((v.name, readable(paths[rasters.index(.pExceedScreening)!])))
        } else {
            try interpolateToRasters(interp, grid: inputs.grid, window: window, crs: inputs.working,
                                     outputs: GridOutputs(prediction: paths[0], variance: paths.count > 1 ? paths[1] : nil, layout: layout,
                                                          compression: project.surfaceCompression),
                                     mask: mask, threads: ctx.threads, metadata: rasters.metadata, description: v.name,
                                     predictionRows: { if v.name == project.ph.name { pH += $0 } }, keepStaging: layout == .cog) {
                ctx.progress.update($0)
            }
        }
        out.paths[v.name] = readable(paths[0])
        out.rasters.append(rasters)
        out.runs.append(planned.written)
        ctx.end("interpolate \(v.name)")
    }
    return out
}

/// The pollutant surfaces that decide classes, in project order.
func classifiedSurfaces(_ project: Project, _ paths: [String: String]) -> [(name: String, path: String)] {
    project.classifiedPollutants.map { (name: $0.name, path: paths[$0.name]!) }
}
