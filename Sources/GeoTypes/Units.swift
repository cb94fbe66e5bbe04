/// Area unit conversions used in reports.
///
/// - References: 1 ha = 10 000 m²; 1 亩 (mu) = 10 000 / 15 m² ≈ 666.667 m², the
///   市亩 defined by the State Council's 1959 order on units of measurement and
///   used in Chinese land statistics.
public enum AreaUnit: String, CaseIterable, Sendable {
    case squareMetre = "m2"
    case hectare = "ha"
    case mu = "mu"

    /// Square metres in one unit.
    public var squareMetres: Double {
        switch self {
        case .squareMetre: return 1
        case .hectare: return 10_000
        case .mu: return 10_000.0 / 15.0
        }
    }

    /// Converts an area in m² to this unit.
    public func fromSquareMetres(_ a: Double) -> Double { a / squareMetres }
}
