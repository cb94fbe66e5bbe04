import GeoTypes
import Standards

/// How much of a zone's surface lies above a standard's screening and intervention values.
///
/// Cells are added with a weight (their coverage fraction, or coverage × cell area for an area)
/// and the threshold that applies to them; "above" is ``Threshold``'s rule (strictly above,
/// the standards' 超过), so a value on a threshold is not above it.
///
/// - Edge behaviour: a cell without a value (NaN) or without a threshold (no pH where the
///   standard needs one) is not counted at all; ``max`` is `nil` while nothing is counted.
/// - Important: sums depend on the order cells are added; add them in window order.
public struct ExceedanceTally: Hashable, Sendable {
    /// Σ weight of the counted cells.
    public var covered: Double = 0
    /// Σ weight of the counted cells above the screening value, and above the intervention value.
    public var overScreening: Double = 0
    public var overIntervention: Double = 0
    /// The largest counted value.
    public var max: Double? = nil

    public init() {}

    /// Adds one cell.
    @inlinable
    public mutating func add(weight: Double, value: Double, threshold: Threshold?) {
        guard !value.isNaN, let threshold else { return }
        covered += weight
        if threshold.isExceeded(by: value) { overScreening += weight }
        if threshold.isInterventionExceeded(by: value) { overIntervention += weight }
        if max.map({ value > $0 }) ?? true { max = value }
    }

    /// The shares of the counted weight above the screening and intervention values; nil when
    /// nothing was counted.
    public var shares: (screening: Double, intervention: Double)? {
        covered > 0 ? (overScreening / covered, overIntervention / covered) : nil
    }
}

/// The samples of one pollutant inside a zone, judged against a standard.
///
/// - Edge behaviour: a NaN value (not measured) is not counted. A sample whose threshold is
///   unknown (no pH where the standard needs one) is judged by the least strict value of any pH
///   band: above it, it is above whatever its pH; otherwise it is counted as ``unclassified``.
public struct SampleTally: Hashable, Sendable {
    /// How a sample is judged.
    public enum Judgement: Hashable, Sendable {
        /// Against the threshold of its own pH (or a pH-independent one).
        case threshold(Threshold)
        /// Its pH is unknown: against the least strict values over every pH band.
        case unknownPH(loosest: Threshold)
    }

    public var samples = 0
    public var overScreening = 0
    public var overIntervention = 0
    /// Samples whose class could not be decided (unknown pH, not above the loosest value).
    public var unclassified = 0
    /// The largest value and the index of its (first) sample.
    public var max: Double? = nil
    public var maxIndex: Int? = nil

    public init() {}

    /// Adds sample `index` with `value`.
    public mutating func add(_ value: Double, index: Int, judgedBy judgement: Judgement) {
        guard !value.isNaN else { return }
        samples += 1
        switch judgement {
        case .threshold(let t):
            if t.isExceeded(by: value) { overScreening += 1 }
            if t.isInterventionExceeded(by: value) { overIntervention += 1 }
        case .unknownPH(let t):
            if t.isExceeded(by: value) { overScreening += 1 } else { unclassified += 1 }
            if t.isInterventionExceeded(by: value) { overIntervention += 1 }
        }
        if max.map({ value > $0 }) ?? true { max = value; maxIndex = index }
    }
}
