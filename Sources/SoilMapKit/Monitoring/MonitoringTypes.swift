import Foundation
import GeoIO
import Standards
import Zonal

/// Settings of the monitoring of soil around key supervised enterprises.
public struct MonitorSettings: Sendable {
    /// Ring limits in metres, increasing from 0 (e.g. 0, 500, 1000, 2000 → three rings).
    public var rings: [Double]
    public var idField: String?
    public var nameField: String?
    public var standard: StandardChoice = .gb15618
    /// Land use of the soil around the enterprises (GB 15618 thresholds).
    public var landUse: LandUse = .other
    /// Sample column with each sample's pH, or one pH for all (GB 15618 needs one of them).
    public var phColumn: String?
    public var phValue: Double?
    /// Sample column naming the survey round (e.g. 2020, 2024); `nil`: one round.
    public var roundColumn: String?
    public var encoding: String?
    public init(rings: [Double]) { self.rings = rings }
}

/// Statistics of one pollutant's samples in one ring and round.
public struct RingPollutantStats: Sendable, Equatable {
    public var samples: Int
    public var mean: Double?
    public var max: Double?
    /// 90th percentile, linear interpolation between order statistics (R's type 7, numpy's default).
    public var p90: Double?
    /// Samples above the screening and the intervention value. A sample without a pH, when
    /// the threshold needs one, counts only when its value is above that value in every pH
    /// band (it is then above whatever its pH is).
    public var overScreening: Int
    public var overIntervention: Int
    /// Samples without a pH whose class could not be decided (counted in `samples`).
    public var unclassified: Int = 0
}

/// One ring around one enterprise.
public struct MonitorRing: Sendable {
    public var enterprise: Int
    public var enterpriseId: String
    public var enterpriseName: String
    public var inner: Double
    public var outer: Double
    /// The ring in the working CRS.
    public var geometry: Geometry
    /// Geodesic area (m²) of the ring polygon (GEOS buffers, 32 segments per quarter circle).
    public var area: Double
    /// Per round (in ``MonitoringResult/rounds`` order), per pollutant.
    public var stats: [[RingPollutantStats]]
    /// From the surfaces, per pollutant: share of the ring's area with data above the
    /// screening and the intervention value (nil without a surface or data).
    public var shareOverScreening: [Double?]
    public var shareOverIntervention: [Double?]
    public var label: String { "\(shortNumber(inner))–\(shortNumber(outer)) m" }

    /// The worst GB class of the ring's samples in `round`: nodata without samples, and
    /// nodata rather than class 1 when samples without a pH leave it undecided.
    public func worstClass(round: Int) -> SoilClass {
        let s = stats[round]
        if s.contains(where: { $0.overIntervention > 0 }) { return .strictControl }
        if s.contains(where: { $0.overScreening > 0 }) { return .safeUtilization }
        if s.contains(where: { $0.unclassified > 0 }) { return .nodata }
        return s.contains(where: { $0.samples > 0 }) ? .priorityProtection : .nodata
    }
}

/// The monitoring of a set of enterprises.
public struct MonitoringResult: Sendable {
    public var pollutants: [String]
    /// Survey rounds in order (sorted as numbers when they all are, else as text).
    public var rounds: [String]
    public var rings: [MonitorRing]
    /// Enterprise geometries in the working CRS, and the samples there (for maps).
    public var enterprises: [Geometry]
    public var samplePoints: [Coordinate]
    public var crs: CRS
    public var standardName: String
    public var standardKind: StandardKind
    public var warnings: [String]
}

/// The 90th percentile of `v` by linear interpolation (R type 7): h = (n − 1)·0.9.
func percentile90(_ v: [Double]) -> Double? {
    guard !v.isEmpty else { return nil }
    let s = v.sorted()
    let h = Double(s.count - 1) * 0.9
    let lo = Int(h.rounded(.down)), hi = Swift.min(lo + 1, s.count - 1)
    return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
}
