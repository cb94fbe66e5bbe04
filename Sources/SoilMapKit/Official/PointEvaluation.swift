import Foundation
import GeoIO
import GeoTypes
import Standards
import Zonal

/// The soil point evaluation (点位评价表): every soil sample classified by GB 15618 at its own pH
/// and the land use of the 图斑 it lies in.
struct PointEvaluation {
    /// Where a sample's land use came from.
    enum LandUseSource: Equatable {
        /// The parcel whose polygon holds the sample.
        case inside
        /// The nearest parcel, this many metres away (within `classification.point_land_use_distance`).
        case nearest(Double)
        /// No parcel near: the project's `grid.land_use`.
        case defaultLandUse

        var label: String {
            switch self {
            case .inside: return "图斑内 inside"
            case .nearest(let d): return String(format: "最近图斑 nearest (%.1f m)", d)
            case .defaultLandUse: return "默认 default"
            }
        }
    }

    struct Row {
        var sample: Int
        /// The parcel (index into the run's parcels) whose land use the sample takes.
        var parcel: Int?
        var landUse: LandUse
        var landUseSource: LandUseSource
        var pH: Double
        /// Per evaluated pollutant: value (NaN: not measured), threshold, class.
        var values: [Double]
        var thresholds: [Threshold?]
        var classes: [SoilClass]
        /// The class over the counted pollutants, and the controlling one (index into `pollutants`).
        var soilClass: SoilClass
        var controlling: Int?
    }

    /// The evaluated pollutants (every project pollutant the standard has), and which count in the class.
    var pollutants: [String]
    var counted: [Bool]
    var rows: [Row]
    var samples: SampleTable
    var standardKind: StandardKind
    var warnings: [String] = []

    /// Evaluates every sample of `inputs`; `landUses` are the parcels' land uses in order.
    ///
    /// - Throws: ``InputError`` naming the sample for a pH outside 0–14.
    static func evaluate(_ inputs: RunInputs, landUses: [LandUse], parcels index: ZoneIndex) throws -> PointEvaluation {
        let project = inputs.project, table = inputs.samples, standard = inputs.standardTable
        let evaluated = project.pollutants.filter { standard.canonical(Pollutant($0.name)) != nil }
        let counted = evaluated.map(\.classify)
        var noted: [String] = []
        func column(_ field: String) throws -> [Double] {
            var v = [Double](repeating: .nan, count: table.ids.count)
            let (rows, values) = try table.values(of: field, rule: project.samples.belowDetection, warnings: &noted)
            for (r, x) in zip(rows, values) { v[r] = x }
            return v
        }
        let values = try evaluated.map { try column($0.field) }
        let ph = try column(project.ph.field)
        // Per land use, one classifier of every evaluated pollutant and one of the counted ones.
        let allNames = evaluated.map { Pollutant($0.name) }, countedNames = zip(evaluated, counted).filter(\.1).map { Pollutant($0.0.name) }
        var cache: [Bool: [LandUse: Classifier]] = [false: [:], true: [:]]
        func classifier(_ lu: LandUse, countedOnly: Bool) throws -> Classifier {
            if let c = cache[countedOnly]![lu] { return c }
            let c = try Classifier(table: standard, landUse: lu, pollutants: countedOnly ? countedNames : allNames)
            cache[countedOnly]![lu] = c
            return c
        }
        let distance = project.classification.pointLandUseDistance
        var rows: [Row] = []
        for i in table.ids.indices {
            let p = table.coordinates[i]
            var parcel = index.zone(containing: p), source = LandUseSource.inside
            if parcel == nil {
                source = .defaultLandUse
                if distance > 0, let (k, d) = try nearest(p, in: index, within: distance) { parcel = k; source = .nearest(d) }
            }
            let lu = parcel.map { landUses[$0] } ?? project.rasterLandUse
            let v = values.map { $0[i] }
            do {
                let per = try classifier(lu, countedOnly: false)
                let perClass = try per.classify(v, pH: ph[i]).perPollutant
                let thresholds = try evaluated.indices.map { k in try per.threshold(of: k, pH: ph[i]) }
                var soil = SoilClass.nodata, controlling: Int? = nil
                if counted.contains(true) {
                    let c = try classifier(lu, countedOnly: true).classify(zip(v, counted).filter(\.1).map(\.0), pH: ph[i])
                    soil = c.soilClass
                    let countedIndices = counted.indices.filter { counted[$0] }
                    controlling = c.controlling.map { countedIndices[$0] }
                }
                rows.append(Row(sample: i, parcel: parcel, landUse: lu, landUseSource: source, pH: ph[i], values: v,
                                thresholds: thresholds, classes: perClass, soilClass: soil, controlling: controlling))
            } catch {
                throw InputError(.badValue, path: table.path, location: "\(table.labels[i]) (\(table.ids[i]))", "\(error)")
            }
        }
        var warnings: [String] = []
        let noPH = table.ids.indices.filter { ph[$0].isNaN }
        if !noPH.isEmpty {
            warnings.append("\(table.path): \(noPH.count) soil sample(s) have no pH in column '\(project.ph.field)' and no class in the point evaluation (\(noPH.prefix(5).map { table.ids[$0] }.joined(separator: ", "))\(noPH.count > 5 ? ", …" : ""))")
        }
        return PointEvaluation(pollutants: evaluated.map(\.name), counted: counted, rows: rows, samples: table, standardKind: standard.kind,
                               warnings: warnings)
    }

    /// The nearest zone within `limit` of `p` and its distance (GEOS), or nil.
    static func nearest(_ p: Coordinate, in index: ZoneIndex, within limit: Double) throws -> (Int, Double)? {
        var best: (Int, Double)? = nil
        for k in index.zones(near: p, within: limit) {
            let d = try GeometryOps.distance(.point(p), index.zones[k])
            if d <= limit && (best == nil || d < best!.1) { best = (k, d) }
        }
        return best
    }
}
