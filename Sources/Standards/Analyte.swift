/// What a sample column or a surface measures: soil pH, or a substance in mg/kg.
///
/// pH is not a pollutant: it has no thresholds of its own, it selects the threshold band of
/// the pollutants (GB 15618-2018 Tables 1 and 2), and it is unitless. Every place that needs
/// to tell pH from a concentration asks this type, so the spelling rule (`pH`, `ph`, `PH`)
/// lives here once.
public enum Analyte: Hashable, Sendable {
    /// Soil pH (pH units, 0–14).
    case pH
    /// A substance reported in mg/kg dry soil (a pollutant, or another analyte such as Zn).
    case substance(Pollutant)

    /// Recognises pH by name (case-insensitive, surrounding white space ignored).
    public init(_ name: String) {
        let t = name.trimmingWhitespace()
        self = t.lowercased() == "ph" ? .pH : .substance(Pollutant(t))
    }

    public var isPH: Bool { self == .pH }

    /// The unit of values: `pH` for pH, `mg/kg` otherwise.
    public var unit: String { isPH ? "pH" : "mg/kg" }

    /// The unit as a suffix for labels: empty for pH, ` mg/kg` otherwise.
    public var unitSuffix: String { isPH ? "" : " mg/kg" }

    /// The canonical spelling of pH.
    public static let pHName = "pH"
}
