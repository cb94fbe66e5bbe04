import Standards

/// How a parcel's single class is decided (`parcel_rule` in a project, `--rule` on `parcels`).
public enum ParcelRule: String, Sendable, CaseIterable, Codable {
    /// The class of the coverage-weighted mean concentrations at the parcel's mean pH (default).
    case mean
    /// The class with the largest coverage-weighted share.
    case majority
    /// The worst class of any covered cell.
    case worst
}

/// What a parcel's cells give for its class decision (see ``ParcelCells``).
struct ParcelClassEvidence {
    /// Coverage-weighted mean concentration per counted pollutant (NaN without data).
    var means: [Double]
    /// The parcel's mean pH (or the constant pH), nil without any.
    var pH: Double?
    /// Shares of the parcel's area in class 1, 2, 3.
    var shares: [Double]
    /// Per class, the coverage of each controlling pollutant.
    var controllingCoverage: [UInt8: [Int: Double]]
    /// The worst classified cell and its controlling pollutant.
    var worstCell: (SoilClass, Int?)?
}

/// A parcel's class and its controlling pollutant (index into the classifier's pollutants).
struct ParcelClassDecision: Equatable {
    var soilClass: SoilClass
    var controlling: Int?
}

extension ParcelRule {
    /// The parcel's class: this is where it is decided, for every rule. Called only for parcels
    /// with classified data.
    ///
    /// - ``mean``: the classifier's class of the mean concentrations at the mean pH.
    /// - ``majority``: the class with the largest share; a tie goes to the worse class; the
    ///   controlling pollutant is the one covering most of that class (ties: the first).
    /// - ``worst``: the worst cell's class and controlling pollutant.
    /// - Throws: ``StandardsError`` from the classifier (the mean pH outside 0–14).
    func decide(_ e: ParcelClassEvidence, classifier: Classifier) throws(StandardsError) -> ParcelClassDecision {
        switch self {
        case .mean:
            let pc = try classifier.classify(e.means, pH: e.pH)
            return ParcelClassDecision(soilClass: pc.soilClass, controlling: pc.controlling)
        case .majority:
            var best = 1
            for k in 2...3 where e.shares[k - 1] >= e.shares[best - 1] { best = k }
            return ParcelClassDecision(soilClass: SoilClass(rawValue: UInt8(best))!,
                                       controlling: dominantKey(e.controllingCoverage[UInt8(best)] ?? [:]))
        case .worst:
            return ParcelClassDecision(soilClass: e.worstCell?.0 ?? .nodata, controlling: e.worstCell?.1)
        }
    }
}

/// The key with the largest value; ties go to the smaller key (deterministic).
func dominantKey(_ d: [Int: Double]) -> Int? {
    var best: (key: Int, value: Double)? = nil
    for k in d.keys.sorted() where best == nil || d[k]! > best!.value { best = (k, d[k]!) }
    return best?.key
}
