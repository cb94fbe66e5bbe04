/// An axis-aligned rectangle in CRS units: `minX ≤ x ≤ maxX`, `minY ≤ y ≤ maxY`.
public struct Extent: Hashable, Sendable, CustomStringConvertible {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The smallest extent holding every finite coordinate, or `nil` when there is none.
    public init?<S: Sequence>(enclosing coordinates: S) where S.Element == Coordinate {
        var e: Extent?
        for c in coordinates where c.isFinite {
            if e == nil { e = Extent(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y) } else { e!.expand(toInclude: c) }
        }
        guard let e else { return nil }
        self = e
    }

    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }
    public var center: Coordinate { Coordinate(x: (minX + maxX) / 2, y: (minY + maxY) / 2) }
    /// Length of the diagonal, in CRS units.
    public var diagonal: Double { (width * width + height * height).squareRoot() }

    public mutating func expand(toInclude c: Coordinate) {
        minX = Swift.min(minX, c.x); maxX = Swift.max(maxX, c.x)
        minY = Swift.min(minY, c.y); maxY = Swift.max(maxY, c.y)
    }

    public func union(_ o: Extent) -> Extent {
        Extent(minX: Swift.min(minX, o.minX), minY: Swift.min(minY, o.minY),
               maxX: Swift.max(maxX, o.maxX), maxY: Swift.max(maxY, o.maxY))
    }

    /// Whether the two rectangles share any point (touching edges count).
    public func intersects(_ o: Extent) -> Bool {
        minX <= o.maxX && o.minX <= maxX && minY <= o.maxY && o.minY <= maxY
    }

    public func contains(_ c: Coordinate) -> Bool {
        c.x >= minX && c.x <= maxX && c.y >= minY && c.y <= maxY
    }

    public var description: String { "[\(minX), \(minY), \(maxX), \(maxY)]" }
}
