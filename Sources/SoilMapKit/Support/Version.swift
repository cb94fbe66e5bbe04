/// SoilMap's own version.
public enum SoilMapVersion {
    public static let string = "0.1.0"
}
