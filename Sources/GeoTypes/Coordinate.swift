/// A position in a two-dimensional coordinate reference system.
///
/// `x` is always the easting or the longitude and `y` the northing or the
/// latitude, whatever axis order the CRS's authority declares (GeoIO
/// normalises axis order for visualisation on read and transform).
///
/// - Units: those of the CRS the coordinate belongs to (metres for projected
///   CRSs such as EPSG:4547, degrees for geographic ones such as EPSG:4326).
@frozen
public struct Coordinate: Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    @inlinable
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    @inlinable
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }

    /// Whether both components are finite (neither NaN nor infinite).
    @inlinable
    public var isFinite: Bool { x.isFinite && y.isFinite }

    public var description: String { "(\(x), \(y))" }
}
