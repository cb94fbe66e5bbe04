import ArgumentParser
import Foundation
import GeoIO
import Geostat
import SoilMapKit

/// How to interpolate.
struct MethodOptions: ParsableArguments {
    @Option(help: "idw, ok (ordinary kriging) or lok (lognormal kriging).")
    var method: InterpolationMethod = .idw

    @Option(help: "IDW power (default 2).")
    var power: Double = 2

    @Option(help: "IDW smoothing (added as smoothing² to squared distances, as gdal_grid).")
    var smoothing: Double = 0

    @Flag(name: .customLong("single-precision"), help: "IDW with all samples in float32 like gdal_grid's AVX kernel (~1e-6 relative; 4× faster on CPUs with FMA, x86-64 since 2013, slower than the default without).")
    var singlePrecision = false

    @Option(name: .customLong("max-points"), help: "Use only the N nearest samples (local neighbourhood).")
    var maxPoints: Int?

    @Option(name: .customLong("min-points"), help: "Cells with fewer samples in the neighbourhood become nodata.")
    var minPoints: Int = 1

    @Option(help: "Search radius in working-CRS units (metres).")
    var radius: Double?

    @Option(help: "Variogram model: sph, exp, gau, mat or auto (fit all, keep the best).")
    var model: String = "auto"

    @Option(help: "Nugget of a given model (with --psill and --range: no fitting).")
    var nugget: Double?

    @Option(help: "Partial sill of a given model.")
    var psill: Double?

    @Option(help: "Range parameter of a given model (gstat's parameterisation).")
    var range: Double?

    @Option(help: "Matérn smoothness κ.")
    var kappa: Double?

    @Option(help: "Geometric anisotropy ANGLE,RATIO (gstat's anis: angle of the major axis clockwise from north, minor/major ratio).")
    var anisotropy: String?

    @Option(help: "Empirical variogram cutoff (default: one third of the bounding-box diagonal).")
    var cutoff: Double?

    @Option(help: "Empirical variogram lag width (default: cutoff / 15).")
    var width: Double?

    /// Checks the model options before running, so a bad combination is a usage error (exit 64).
    func validate() throws {
        do { _ = try settings() } catch let e as ValidationError { throw e } catch { throw ValidationError("\(error)") }
    }

    func settings() throws -> InterpolationSettings {
        var s = InterpolationSettings(method: method)
        s.power = power
        s.smoothing = smoothing
        s.singlePrecision = singlePrecision
        s.maxPoints = maxPoints
        s.minPoints = minPoints
        s.radius = radius
        s.cutoff = cutoff
        s.width = width
        if let a = anisotropy {
            let parts = a.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2 else { throw ValidationError("--anisotropy takes ANGLE,RATIO, e.g. 45,0.5") }
            s.anisotropy = try Anisotropy(angle: parts[0], ratio: parts[1])
        }
        let given = [nugget, psill, range].compactMap { $0 }.count
        if given > 0 {
            guard given == 3 || (psill != nil && range != nil) else {
                throw ValidationError("a given model needs --psill and --range (and optionally --nugget)")
            }
            guard model.lowercased() != "auto" else { throw ValidationError("with --psill/--range, name the model type with --model sph|exp|gau|mat") }
            guard case .fit(let kind) = try ModelChoice.parse(model, kappa: kappa) else { throw ValidationError("bad --model") }
            var comps = [VariogramComponent(kind, partialSill: psill!, range: range!)]
            if let n = nugget, n > 0 { comps.insert(VariogramComponent(.nugget, partialSill: n), at: 0) }
            s.model = .fixed(VariogramModel(comps, anisotropy: s.anisotropy))
        } else {
            s.model = try ModelChoice.parse(model, kappa: kappa)
        }
        return s
    }
}
