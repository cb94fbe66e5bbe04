import Foundation
import GeoIO
import GeoTypes
import Geostat
import Zonal

/// Interpolation methods offered to users.
public enum InterpolationMethod: String, Sendable, CaseIterable, Codable {
    /// Inverse distance weighting.
    case idw
    /// Ordinary kriging.
    case ok
    /// Lognormal (ordinary) kriging with the unbiased back-transform.
    case lok
}

/// How a project variable's method is chosen (`method:` in the project file).
public enum MethodChoice: Sendable, Equatable {
    /// The lowest leave-one-out RMSE among IDW with powers 1–3, ordinary kriging and lognormal
    /// kriging (``chooseMethod(_:table:rule:threads:warnings:)``).
    case auto
    /// This method (still cross-validated, for the report).
    case fixed(InterpolationMethod)

    /// The spellings of the project file, `auto` first.
    public static let names = ["auto"] + InterpolationMethod.allCases.map(\.rawValue)

    /// Parses `auto`, `idw`, `ok` or `lok` (lower case).
    public init?(_ text: String) {
        if text == "auto" { self = .auto } else if let m = InterpolationMethod(rawValue: text) { self = .fixed(m) } else { return nil }
    }
}

/// The structures `auto` tries: Sph, Exp, Gau and Matérn with κ = 1.5 and 2.5, whose closed
/// forms keep kriging fast (κ = 0.5 is Exp). Other κ: `--model mat --kappa K`.
public let autoModelKinds: [VariogramComponent.Kind] = [
    .spherical, .exponential, .gaussian, .matern(kappa: 1.5), .matern(kappa: 2.5),
]

/// Which variogram model to use for kriging.
public enum ModelChoice: Sendable, Equatable, Codable {
    /// Fit nugget + each of ``autoModelKinds`` and keep the smallest weighted SSE.
    case auto
    /// Fit nugget + this structure.
    case fit(VariogramComponent.Kind)
    /// Use this model as given (no fitting).
    case fixed(VariogramModel)

    /// Parses `sph`, `exp`, `gau`, `mat` (with `kappa`) or `auto`.
    public static func parse(_ s: String, kappa: Double?) throws -> ModelChoice {
        switch s.lowercased() {
        case "auto": return .auto
        case "sph", "spherical": return .fit(.spherical)
        case "exp", "exponential": return .fit(.exponential)
        case "gau", "gaussian": return .fit(.gaussian)
        case "mat", "matern", "matérn": return .fit(.matern(kappa: kappa ?? 0.5))
        default:
            throw InputError(.invalidArgument, path: nil, "unknown variogram model '\(s)'; choose sph, exp, gau, mat or auto")
        }
    }
}

/// Everything that defines how one variable is interpolated.
public struct InterpolationSettings: Sendable, Equatable, Codable {
    public var method: InterpolationMethod
    public var power: Double = 2
    public var smoothing: Double = 0
    public var maxPoints: Int?
    public var minPoints: Int = 1
    public var radius: Double?
    public var model: ModelChoice = .auto
    public var anisotropy: Anisotropy?
    /// Empirical-variogram cutoff and lag width (gstat defaults when nil).
    public var cutoff: Double?
    public var width: Double?
    /// IDW with all samples, power 2, no smoothing or anisotropy: use Geostat's float32 kernel
    /// (``IDWPrecision/single``, like gdal_grid's AVX kernel; faster, ~1e-6 relative). Other IDW
    /// settings and kriging ignore it (double precision).
    public var singlePrecision: Bool = false

    public init(method: InterpolationMethod) { self.method = method }

    public func neighbourhood() throws -> Neighbourhood {
        try Neighbourhood(maxPoints: maxPoints, radius: radius ?? .infinity, minPoints: minPoints)
    }

    /// The method in words, as the report, run.json and the rasters' `SOILMAP_METHOD` name it:
    /// `IDW power 2`, `ordinary kriging`, `lognormal kriging`.
    public var methodLabel: String {
        switch method {
        case .idw: return "IDW power \(String(format: "%g", power))"
        case .ok: return "ordinary kriging"
        case .lok: return "lognormal kriging"
        }
    }
}

/// A fitted variogram with the sample variogram it was fitted to.
public struct FittedVariogram: Sendable, Codable {
    public var empirical: EmpiricalVariogram
    public var model: VariogramModel
    /// Weighted SSE of the fit (nil for a model given by the user).
    public var weightedSSE: Double?
    /// Every candidate tried by `auto`, with its weighted SSE.
    public var candidates: [VariogramFit.Result]
    /// Whether the values were log-transformed (lognormal kriging).
    public var logScale: Bool
}
