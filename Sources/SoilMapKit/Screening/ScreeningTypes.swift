import Foundation
import GeoIO
import Standards
import Zonal

/// Settings of a GB 36600-2018 screening of plots before a change of use.
public struct ScreenSettings: Sendable {
    /// Field with the planned use; `nil` → every plot is `defaultClass`.
    public var useField: String?
    public var useMapping: PlannedUseMapping = .standard
    /// The land class of every plot when there is no use field.
    public var defaultClass: ConstructionLandClass = .class1
    /// Field with a plot identifier; default: the feature id.
    public var idField: String?
    public var encoding: String?
    public init() {}
}

/// What one pollutant shows in one plot.
public struct PlotPollutantFinding: Sendable, Equatable {
    public var pollutant: String
    /// The thresholds of the plot's land class (mg/kg).
    public var threshold: Threshold
    /// Samples inside the plot with a value for this pollutant.
    public var samples: Int
    public var samplesOverScreening: Int
    public var samplesOverIntervention: Int
    /// Largest sampled value and its sample id (`nil` without samples).
    public var sampleMax: Double?
    public var sampleMaxId: String?
    /// Largest interpolated value over the plot's cells (`nil` without a surface or data).
    public var surfaceMax: Double?
    /// Area of the plot covered by surface data, and above the screening and intervention
    /// values (m², planar in the surface's CRS; exact cell coverage).
    public var surfaceArea: Double
    public var areaOverScreening: Double
    public var areaOverIntervention: Double

    /// GB 36600 class of this pollutant in the plot: the worse of its samples and cells.
    public var verdict: SoilClass {
        if samplesOverIntervention > 0 || areaOverIntervention > 0 { return .strictControl }
        if samplesOverScreening > 0 || areaOverScreening > 0 { return .safeUtilization }
        if samples > 0 || surfaceArea > 0 { return .priorityProtection }
        return .nodata
    }
}

/// The screening of one plot.
public struct PlotScreening: Sendable {
    public var fid: Int64
    public var id: String
    public var plannedUse: String
    public var landClass: ConstructionLandClass
    /// Area of the plot (m², geodesic on the ellipsoid of its CRS's datum).
    public var area: Double
    /// Samples inside the plot (any pollutant).
    public var samples: Int
    public var findings: [PlotPollutantFinding]

    /// The plot's verdict: the worst over its pollutants (``SoilClass/nodata``: nothing sampled
    /// or interpolated in it, a survey is needed before the change of use).
    public var verdict: SoilClass { findings.map(\.verdict).max() ?? .nodata }
    public var overScreening: [String] { findings.filter { $0.verdict >= .safeUtilization }.map(\.pollutant) }
    public var overIntervention: [String] { findings.filter { $0.verdict == .strictControl }.map(\.pollutant) }
    /// Whether the plot goes on the "needs detailed investigation" list: a value above a
    /// screening value (GB 36600 clause 4.2), or no data at all.
    public var needsInvestigation: Bool { verdict != .priorityProtection }

    /// Why the plot is on the list, in words.
    public var reasons: String {
        if verdict == .nodata { return "no sample inside the plot and no interpolated surface over it: survey the soil before the change of use" }
        return findings.filter { $0.verdict >= .safeUtilization }.map { f in
            var parts: [String] = []
            let level = f.verdict == .strictControl ? "intervention value \(shortNumber(f.threshold.intervention ?? .nan))" : "screening value \(shortNumber(f.threshold.screening))"
            if let m = f.sampleMax, f.samplesOverScreening > 0 {
                parts.append("\(f.samplesOverScreening) of \(f.samples) sample(s) above the screening value, highest \(shortNumber(m)) (\(f.sampleMaxId ?? "?"))")
            }
            if f.areaOverScreening > 0 {
                parts.append("\(shortNumber(f.areaOverScreening)) m² of the interpolated surface above the screening value, highest \(shortNumber(f.surfaceMax ?? .nan))")
            }
            return "\(f.pollutant) above the \(level) mg/kg: " + parts.joined(separator: "; ")
        }.joined(separator: ". ")
    }
}

/// The screening of a layer of plots.
public struct ScreeningResult: Sendable {
    public var pollutants: [String]
    public var plots: [PlotScreening]
    public var source: PolygonLayer
    public var warnings: [String]
}
