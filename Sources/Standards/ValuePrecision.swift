/// The precision a value is stored in. A value is compared with a threshold at its own
/// precision: a Float32 surface holding 0.3 holds 0.30000001192…, the Float32 number nearest
/// 0.3, and is therefore *at* a screening value of 0.3, not above it. Sample values read from
/// text are Doubles; surfaces are Float32 GeoTIFFs unless written otherwise.
public enum ValuePrecision: Hashable, Sendable {
    case double
    case float32

    /// `v` rounded to this precision (to nearest, ties to even; beyond Float32's range, ±∞).
    @inlinable public func round(_ v: Double) -> Double {
        self == .float32 ? Double(Float(v)) : v
    }
}
